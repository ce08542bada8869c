// EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT with NX|XX|GT|LT, TTL/PTTL rounding,
// EXPIRETIME/PEXPIRETIME and PERSIST through the in-process harness, with the
// clock pinned so every TTL is exact. Replies are redis-server 7.0.15's.
#include <gtest/gtest.h>

#include <string>

#include "tests/unit/commands/harness.h"

namespace arbor {
namespace {

using testing::CommandHarness;
using testing::err;
using testing::kNotInt;

const std::string kNxConflict = err("ERR NX and XX, GT or LT options at the same time are not compatible");
const std::string kGtLt = err("ERR GT and LT options at the same time are not compatible");
constexpr int64_t kNow = 1'700'000'000'000;

class Expire : public ::testing::Test {
 protected:
  Expire() {
    h.pin_clock(kNow);
    run({"SET", "k", "v"});
  }
  std::string run(std::initializer_list<std::string_view> args) { return h.text(args); }
  size_t expires() { return h.instance().db(0).expires_count(); }
  CommandHarness h;
};

TEST_F(Expire, AllFourFormsSetTheSameDeadline) {
  EXPECT_EQ(run({"EXPIRE", "k", "100"}), "1");
  EXPECT_EQ(run({"PEXPIRETIME", "k"}), std::to_string(kNow + 100000));
  EXPECT_EQ(run({"PEXPIRE", "k", "2500"}), "1");
  EXPECT_EQ(run({"PEXPIRETIME", "k"}), std::to_string(kNow + 2500));
  EXPECT_EQ(run({"EXPIREAT", "k", "1700000300"}), "1");
  EXPECT_EQ(run({"PEXPIRETIME", "k"}), "1700000300000");
  EXPECT_EQ(run({"PEXPIREAT", "k", "1700000000777"}), "1");
  EXPECT_EQ(run({"PEXPIRETIME", "k"}), "1700000000777");
  EXPECT_EQ(run({"PTTL", "k"}), "777");
  EXPECT_EQ(expires(), 1u);
}

TEST_F(Expire, KeyVanishesAfterPexpireAt) {
  run({"PEXPIREAT", "k", std::to_string(kNow + 50)});
  h.pin_clock(kNow + 49);
  EXPECT_EQ(run({"GET", "k"}), "\"v\"");
  h.pin_clock(kNow + 50);
  EXPECT_EQ(run({"GET", "k"}), "nil");
  EXPECT_EQ(run({"TTL", "k"}), "-2");
  EXPECT_EQ(expires(), 0u);
}

TEST_F(Expire, MissingKeyIsZero) {
  EXPECT_EQ(run({"EXPIRE", "nokey", "100"}), "0");
  EXPECT_EQ(run({"PEXPIREAT", "nokey", "1"}), "0");
  EXPECT_EQ(run({"TTL", "nokey"}), "-2");
  EXPECT_EQ(run({"PTTL", "nokey"}), "-2");
  EXPECT_EQ(run({"EXPIRETIME", "nokey"}), "-2");
  EXPECT_EQ(run({"PEXPIRETIME", "nokey"}), "-2");
  EXPECT_EQ(run({"PERSIST", "nokey"}), "0");
}

TEST_F(Expire, NoTtlIsMinusOne) {
  EXPECT_EQ(run({"TTL", "k"}), "-1");
  EXPECT_EQ(run({"PTTL", "k"}), "-1");
  EXPECT_EQ(run({"EXPIRETIME", "k"}), "-1");
  EXPECT_EQ(run({"PEXPIRETIME", "k"}), "-1");
}

TEST_F(Expire, PastDeadlinesDeleteAtOnce) {
  EXPECT_EQ(run({"EXPIRE", "k", "-1"}), "1");
  EXPECT_EQ(run({"EXISTS", "k"}), "0");
  run({"SET", "k", "v", "EX", "100"});
  EXPECT_EQ(run({"EXPIRE", "k", "0"}), "1");
  EXPECT_EQ(run({"EXISTS", "k"}), "0");
  run({"SET", "k", "v"});
  EXPECT_EQ(run({"PEXPIREAT", "k", "-9223372036854775808"}), "1");
  EXPECT_EQ(run({"EXISTS", "k"}), "0");
  run({"SET", "k", "v"});
  EXPECT_EQ(run({"EXPIREAT", "k", std::to_string(kNow / 1000)}), "1");  // exactly now is past
  EXPECT_EQ(run({"EXISTS", "k"}), "0");
  EXPECT_EQ(expires(), 0u);
}

TEST_F(Expire, TtlRoundsToTheNearestSecond) {
  const std::pair<const char*, const char*> cases[] = {
      {"499", "0"}, {"500", "1"}, {"1499", "1"}, {"1500", "2"}, {"100000", "100"}};
  for (const auto& [ms, seconds] : cases) {
    run({"PEXPIRE", "k", ms});
    EXPECT_EQ(run({"TTL", "k"}), seconds) << ms;
    EXPECT_EQ(run({"PTTL", "k"}), ms);
  }
}

TEST_F(Expire, ExpiretimeRoundsToTheNearestSecond) {
  run({"PEXPIREAT", "k", "1999999999600"});
  EXPECT_EQ(run({"EXPIRETIME", "k"}), "2000000000");
  EXPECT_EQ(run({"PEXPIRETIME", "k"}), "1999999999600");
  run({"PEXPIREAT", "k", "1999999999400"});
  EXPECT_EQ(run({"EXPIRETIME", "k"}), "1999999999");
}

TEST_F(Expire, NxAndXx) {
  EXPECT_EQ(run({"EXPIRE", "k", "100", "XX"}), "0");
  EXPECT_EQ(run({"TTL", "k"}), "-1");
  EXPECT_EQ(run({"EXPIRE", "k", "100", "NX"}), "1");
  EXPECT_EQ(run({"EXPIRE", "k", "50", "NX"}), "0");
  EXPECT_EQ(run({"EXPIRE", "k", "50", "xx"}), "1");
  EXPECT_EQ(run({"TTL", "k"}), "50");
  EXPECT_EQ(run({"EXPIRE", "k", "70", "nx", "nx"}), "0");
}

TEST_F(Expire, GtAndLtTreatNoTtlAsInfinite) {
  EXPECT_EQ(run({"EXPIRE", "k", "100", "GT"}), "0");
  EXPECT_EQ(run({"TTL", "k"}), "-1");
  EXPECT_EQ(run({"EXPIRE", "k", "100", "LT"}), "1");
  EXPECT_EQ(run({"EXPIRE", "k", "200", "GT"}), "1");
  EXPECT_EQ(run({"EXPIRE", "k", "100", "GT"}), "0");
  EXPECT_EQ(run({"EXPIRE", "k", "200", "GT"}), "0");  // equal is not greater
  EXPECT_EQ(run({"EXPIRE", "k", "200", "LT"}), "0");
  EXPECT_EQ(run({"EXPIRE", "k", "50", "LT"}), "1");
  EXPECT_EQ(run({"TTL", "k"}), "50");
  EXPECT_EQ(run({"EXPIRE", "k", "60", "XX", "GT"}), "1");
  EXPECT_EQ(run({"PEXPIRE", "k", "1", "LT"}), "1");
  EXPECT_EQ(run({"PTTL", "k"}), "1");
}

TEST_F(Expire, OptionErrors) {
  EXPECT_EQ(run({"EXPIRE", "k", "100", "FOO"}), err("ERR Unsupported option FOO"));
  EXPECT_EQ(run({"EXPIRE", "k", "100", "NX", "XX"}), kNxConflict);
  EXPECT_EQ(run({"EXPIRE", "k", "100", "NX", "GT"}), kNxConflict);
  EXPECT_EQ(run({"PEXPIRE", "k", "100", "LT", "NX"}), kNxConflict);
  EXPECT_EQ(run({"EXPIREAT", "k", "100", "GT", "LT"}), kGtLt);
  EXPECT_EQ(run({"TTL", "k"}), "-1");
}

TEST_F(Expire, OptionsAreCheckedBeforeTheTimeAndTheKey) {
  EXPECT_EQ(run({"EXPIRE", "k", "abc", "FOO"}), err("ERR Unsupported option FOO"));
  EXPECT_EQ(run({"EXPIRE", "nokey", "100", "FOO"}), err("ERR Unsupported option FOO"));
  EXPECT_EQ(run({"EXPIRE", "k", "abc"}), kNotInt);
  EXPECT_EQ(run({"EXPIRE", "nokey", "abc"}), kNotInt);
  EXPECT_EQ(run({"EXPIRE", "k", "1.5"}), kNotInt);
}

TEST_F(Expire, OverflowingTimesAreInvalid) {
  EXPECT_EQ(run({"EXPIRE", "k", "9223372036854775807"}), err("ERR invalid expire time in 'expire' command"));
  EXPECT_EQ(run({"EXPIRE", "k", "9223372036854775"}), err("ERR invalid expire time in 'expire' command"));
  EXPECT_EQ(run({"EXPIRE", "k", "-9223372036854775808"}), err("ERR invalid expire time in 'expire' command"));
  EXPECT_EQ(run({"PEXPIRE", "k", "9223372036854775807"}), err("ERR invalid expire time in 'pexpire' command"));
  EXPECT_EQ(run({"EXPIREAT", "k", "9223372036854775807"}), err("ERR invalid expire time in 'expireat' command"));
  EXPECT_EQ(run({"EXPIRE", "nokey", "9223372036854775807"}), err("ERR invalid expire time in 'expire' command"));
  EXPECT_EQ(run({"TTL", "k"}), "-1");
  EXPECT_EQ(run({"PEXPIREAT", "k", "9223372036854775807"}), "1");  // far, but representable
}

TEST_F(Expire, PersistRemovesTheTtl) {
  run({"EXPIRE", "k", "100"});
  EXPECT_EQ(run({"PERSIST", "k"}), "1");
  EXPECT_EQ(run({"PERSIST", "k"}), "0");
  EXPECT_EQ(run({"TTL", "k"}), "-1");
  EXPECT_EQ(expires(), 0u);
  h.pin_clock(kNow + 1'000'000);
  EXPECT_EQ(run({"GET", "k"}), "\"v\"");
}

TEST_F(Expire, WorksOnEveryType) {
  ASSERT_EQ(run({"NOTE.ADD", "tree", "root", "a", "x"}), "1");
  EXPECT_EQ(run({"PEXPIRE", "tree", "10"}), "1");
  EXPECT_EQ(run({"PTTL", "tree"}), "10");
  h.pin_clock(kNow + 10);
  EXPECT_EQ(run({"TYPE", "tree"}), "\"none\"");
}

TEST_F(Expire, TtlBookkeepingStaysConsistent) {
  run({"SET", "a", "1", "EX", "10"});
  run({"SET", "b", "1", "EX", "10"});
  run({"EXPIRE", "k", "10"});
  EXPECT_EQ(expires(), 3u);
  run({"SET", "a", "2"});  // replace drops the TTL
  EXPECT_EQ(expires(), 2u);
  run({"RENAME", "b", "k"});  // the old k and its TTL go, b's TTL moves
  EXPECT_EQ(expires(), 1u);
  run({"PERSIST", "k"});
  EXPECT_EQ(expires(), 0u);
  run({"SET", "c", "1", "PX", "5"});
  run({"DEL", "c"});
  EXPECT_EQ(expires(), 0u);
  run({"SET", "d", "1", "PX", "5"});
  h.pin_clock(kNow + 5);
  EXPECT_EQ(run({"EXISTS", "d"}), "0");
  EXPECT_EQ(expires(), 0u);
  EXPECT_EQ(h.instance().expired_keys(), 1u);
}

TEST_F(Expire, ActiveExpiryRemovesOnlyExpiredKeys) {
  for (int i = 0; i < 100; ++i) {
    h.run(std::vector<std::string>{"SET", "old" + std::to_string(i), "v", "PX", "10"});
    h.run(std::vector<std::string>{"SET", "new" + std::to_string(i), "v", "PX", "1000"});
  }
  h.pin_clock(kNow + 10);
  for (int i = 0; i < 20; ++i) h.instance().active_expire_cycle(1'000'000);
  EXPECT_EQ(run({"DBSIZE"}), "101");
  EXPECT_EQ(expires(), 100u);
  EXPECT_EQ(h.instance().expired_keys(), 100u);
}

TEST_F(Expire, WritesCountAsDirtyOnlyWhenSomethingChanged) {
  const uint64_t before = h.instance().persistence.dirty;
  run({"EXPIRE", "k", "100"});
  run({"EXPIRE", "k", "100", "NX"});
  run({"EXPIRE", "nokey", "100"});
  run({"PERSIST", "k"});
  run({"PERSIST", "k"});
  EXPECT_EQ(h.instance().persistence.dirty, before + 2);
}

}  // namespace
}  // namespace arbor
