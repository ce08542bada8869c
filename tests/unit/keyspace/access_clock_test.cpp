// The access clock: LRU seconds and their wrap-around, the LFU counter's
// logarithmic growth and decay, RESTORE's IDLETIME / FREQ, and the
// Database keeping each key's bits on lookups, overwrites and renames
// (and not on inspections, while the clock is suspended).
#include <gtest/gtest.h>

#include "server/keyspace/access_clock.h"
#include "server/keyspace/database.h"

namespace arbor::keyspace {
namespace {

constexpr int64_t kNow = 1'780'000'000'000;  // some unix ms

Entry* make_entry() { return Entry::make_string("k", "v"); }

TEST(AccessClock, EntryHeaderHasNoRoomLeftForAByteMore) { EXPECT_EQ(sizeof(Entry), 40u); }

TEST(AccessClock, LruIdleTimeCountsSecondsAndWrapsAround) {
  AccessClock clock;
  clock.tick(kNow);
  Entry* e = make_entry();
  e->set_access(clock.fresh());
  EXPECT_EQ(clock.idle_ms(e->access()), 0u);
  clock.tick(kNow + 61'500);
  EXPECT_EQ(clock.idle_ms(e->access()), 61'000u);
  clock.touch(*e);
  EXPECT_EQ(clock.idle_ms(e->access()), 0u);
  // Stamped just before the 24-bit clock wraps, read just after it.
  const int64_t wrap_ms = ((kNow / 1000) | AccessClock::kLruMax) * 1000;
  clock.tick(wrap_ms);
  clock.touch(*e);
  clock.tick(wrap_ms + 10'000);
  EXPECT_EQ(clock.idle_ms(e->access()), 10'000u - 1000u);  // (Redis's arithmetic loses one second there)
  Entry::destroy(e);
}

TEST(AccessClock, SuspendedClockLeavesKeysAlone) {
  AccessClock clock;
  clock.tick(kNow);
  Entry* e = make_entry();
  e->set_access(clock.fresh());
  clock.tick(kNow + 5000);
  clock.suspended = true;
  clock.touch(*e);
  EXPECT_EQ(clock.idle_ms(e->access()), 5000u);
  Entry::destroy(e);
}

TEST(AccessClock, LfuCounterStartsAtFiveGrowsLogarithmicallyAndDecays) {
  AccessClock clock;
  clock.set_lfu(true, 10, 1);
  clock.tick(kNow);
  Entry* e = make_entry();
  e->set_access(clock.fresh());
  EXPECT_EQ(clock.frequency(e->access()), AccessClock::kLfuInitial);
  for (int i = 0; i < 100; ++i) clock.touch(*e);
  const uint32_t after_100 = clock.frequency(e->access());
  for (int i = 0; i < 10000; ++i) clock.touch(*e);
  const uint32_t after_10100 = clock.frequency(e->access());
  // Each hit counts with probability 1 / ((counter - 5) * 10 + 1): a
  // hundred hits reach the teens, ten thousand the forties, never 255.
  EXPECT_GT(after_100, 6u);
  EXPECT_LT(after_100, 25u);
  EXPECT_GT(after_10100, 30u);
  EXPECT_LT(after_10100, 70u);
  // One per lfu-decay-time minutes is taken off when it is next read.
  clock.tick(kNow + 10 * 60'000);
  EXPECT_EQ(clock.frequency(e->access()), after_10100 - 10);
  clock.set_lfu(true, 10, 5);
  EXPECT_EQ(clock.frequency(e->access()), after_10100 - 2);
  clock.set_lfu(true, 10, 0);  // decay off
  EXPECT_EQ(clock.frequency(e->access()), after_10100);
  clock.set_lfu(true, 10, 1);
  clock.tick(kNow + 1000 * 60'000);
  EXPECT_EQ(clock.frequency(e->access()), 0u);
  Entry::destroy(e);
}

TEST(AccessClock, RestoreSetsOnlyTheReadingOfTheCurrentPolicy) {
  AccessClock clock;
  clock.tick(kNow);
  Entry* e = make_entry();
  e->set_access(clock.fresh());
  clock.restore(*e, -1, 100);  // FREQ under LRU: ignored
  EXPECT_EQ(clock.idle_ms(e->access()), 0u);
  clock.restore(*e, 3600, -1);
  EXPECT_EQ(clock.idle_ms(e->access()), 3'600'000u);
  clock.restore(*e, 1'000'000'000, -1);  // beyond the clock's reach: half a turn back
  EXPECT_EQ(clock.idle_ms(e->access()), (AccessClock::kLruMax / 2 + 1) * 1000ull);
  clock.set_lfu(true, 10, 1);
  clock.restore(*e, 3600, -1);  // IDLETIME under LFU: ignored
  clock.restore(*e, -1, 200);
  EXPECT_EQ(clock.frequency(e->access()), 200u);
  Entry::destroy(e);
}

TEST(AccessClock, DatabaseTouchesOnLookupAndCarriesBitsOverOverwrites) {
  AccessClock clock;
  clock.tick(kNow);
  Database db(0);
  db.set_access_clock(&clock);
  db.set_string("a", "1", false);
  clock.tick(kNow + 100'000);
  EXPECT_EQ(clock.idle_ms(db.find_raw("a")->access()), 100'000u);  // find_raw does not touch
  db.find("a", kNow + 100'000);
  EXPECT_EQ(clock.idle_ms(db.find_raw("a")->access()), 0u);
  clock.tick(kNow + 200'000);
  clock.suspended = true;
  db.find("a", kNow + 200'000);
  EXPECT_EQ(clock.idle_ms(db.find_raw("a")->access()), 100'000u);
  clock.suspended = false;
  // An overwrite (in place or by a new entry) counts as an access.
  db.set_string("a", "2", false);
  EXPECT_EQ(clock.idle_ms(db.find_raw("a")->access()), 0u);
  clock.tick(kNow + 300'000);
  db.set_string("a", "a longer value than before", false);
  EXPECT_EQ(clock.idle_ms(db.find_raw("a")->access()), 0u);
  // A rename keeps the bits.
  clock.tick(kNow + 400'000);
  Entry* moved = db.rekey(db.detach("a"), "b");
  db.attach(moved);
  EXPECT_EQ(clock.idle_ms(db.find_raw("b")->access()), 100'000u);

  // Under LFU an overwrite keeps the key's counter.
  clock.set_lfu(true, 10, 1);
  clock.restore(*db.find_raw("b"), -1, 90);
  db.set_string("b", "x", false);
  EXPECT_GE(clock.frequency(db.find_raw("b")->access()), 90u);
  db.set_string("c", "new", false);
  EXPECT_EQ(clock.frequency(db.find_raw("c")->access()), AccessClock::kLfuInitial);
}

}  // namespace
}  // namespace arbor::keyspace
