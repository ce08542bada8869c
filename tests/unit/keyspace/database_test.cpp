// Database: string and object storage, TTL bookkeeping through every path
// that replaces, renames, persists or deletes a key (expires_count must always
// equal the number of entries with a TTL), lazy and active expiry, and the
// LazyFreer that takes big values and flushed tables off the loop.
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "server/keyspace/database.h"
#include "server/keyspace/lazy_free.h"

namespace arbor::keyspace {
namespace {

// A stand-in collection: `elements` drives lazy-free decisions; the
// destructor reports which thread freed it.
class FakeList : public Object {
 public:
  explicit FakeList(size_t elements, std::atomic<int>* freed_off_thread = nullptr)
      : Object(ValueType::kList), elements_(elements), freed_off_thread_(freed_off_thread),
        owner_(std::this_thread::get_id()) {}
  ~FakeList() override {
    if (freed_off_thread_ != nullptr && std::this_thread::get_id() != owner_) ++*freed_off_thread_;
  }
  std::string_view encoding() const override { return "fake"; }
  size_t element_count() const override { return elements_; }
  size_t memory_usage() const override { return elements_ * 8; }
  std::unique_ptr<Object> clone() const override { return std::make_unique<FakeList>(elements_); }

 private:
  size_t elements_;
  std::atomic<int>* freed_off_thread_;
  std::thread::id owner_;
};

constexpr int64_t kNow = 1'000'000;

// The invariant the TTL list must keep: one slot per entry with a TTL.
size_t entries_with_ttl(const Database& db) {
  size_t n = 0;
  db.table().for_each([&](Entry* e) { n += e->has_expire() ? 1 : 0; });
  return n;
}

#define EXPECT_TTL_CONSISTENT(db) EXPECT_EQ((db).expires_count(), entries_with_ttl(db))

TEST(Database, SetStringCreatesAndReplaces) {
  Database db(0);
  EXPECT_EQ(db.index(), 0);
  Entry* e = db.set_string("k", "v1", false);
  EXPECT_EQ(e->string_value(), "v1");
  EXPECT_EQ(db.size(), 1u);
  db.set_string("k", "a much longer value", false);
  EXPECT_EQ(db.find("k", kNow)->string_value(), "a much longer value");
  EXPECT_EQ(db.size(), 1u);
}

TEST(Database, SetStringDropsTheTtlUnlessKept) {
  Database db(0);
  db.set_expire(db.set_string("k", "v", false), kNow + 100);
  EXPECT_EQ(db.expires_count(), 1u);
  db.set_string("k", "w", true);  // same size: overwritten in place
  EXPECT_EQ(db.find("k", kNow)->expire_ms(), kNow + 100);
  db.set_string("k", "longer", true);  // new entry takes over the TTL slot
  EXPECT_EQ(db.find("k", kNow)->expire_ms(), kNow + 100);
  EXPECT_TTL_CONSISTENT(db);
  db.set_string("k", "longer", false);  // in place, TTL dropped
  EXPECT_FALSE(db.find("k", kNow)->has_expire());
  EXPECT_EQ(db.expires_count(), 0u);
  db.set_expire(db.find("k", kNow), kNow + 5);
  db.set_string("k", "different size", false);
  EXPECT_FALSE(db.find("k", kNow)->has_expire());
  EXPECT_TTL_CONSISTENT(db);
}

TEST(Database, SetStringOverAnObjectKeepsOrDropsItsTtl) {
  Database db(0);
  db.set_expire(db.add_object("a", std::make_unique<FakeList>(3)), kNow + 10);
  db.set_expire(db.add_object("b", std::make_unique<FakeList>(3)), kNow + 10);
  db.set_string("a", "s", true);
  db.set_string("b", "s", false);
  EXPECT_TRUE(db.find("a", kNow)->is_string());
  EXPECT_EQ(db.find("a", kNow)->expire_ms(), kNow + 10);
  EXPECT_FALSE(db.find("b", kNow)->has_expire());
  EXPECT_EQ(db.expires_count(), 1u);
  EXPECT_TTL_CONSISTENT(db);
}

TEST(Database, SetRawStringKeepsOrDropsTheTtl) {
  Database db(0);
  db.set_expire(db.set_string("a", "x", false), kNow + 10);
  db.set_expire(db.set_string("b", "x", false), kNow + 10);
  Entry* a = db.set_raw_string("a", "raw", true);
  db.set_raw_string("b", "raw", false);
  EXPECT_EQ(a->storage(), Entry::Storage::kRaw);
  EXPECT_EQ(a->expire_ms(), kNow + 10);
  EXPECT_FALSE(db.find("b", kNow)->has_expire());
  EXPECT_TTL_CONSISTENT(db);
  a->raw_string().append("!");
  EXPECT_EQ(db.find("a", kNow)->string_value(), "raw!");
}

TEST(Database, EraseUntracksTheTtl) {
  Database db(0);
  for (int i = 0; i < 10; ++i) db.set_expire(db.set_string("k" + std::to_string(i), "v", false), kNow + i + 1);
  EXPECT_TRUE(db.erase("k3"));
  EXPECT_FALSE(db.erase("k3"));
  EXPECT_EQ(db.expires_count(), 9u);
  EXPECT_TTL_CONSISTENT(db);
}

TEST(Database, SetExpireTwiceTracksOnce) {
  Database db(0);
  Entry* e = db.set_string("k", "v", false);
  db.set_expire(e, kNow + 10);
  db.set_expire(e, kNow + 20);
  EXPECT_EQ(db.expires_count(), 1u);
  EXPECT_EQ(e->expire_ms(), kNow + 20);
  EXPECT_TRUE(db.persist(e));
  EXPECT_FALSE(db.persist(e));
  EXPECT_EQ(db.expires_count(), 0u);
}

TEST(Database, DetachAttachAndRekeyCarryTheTtl) {
  Database db(0);
  db.set_expire(db.set_string("src", "value", false), kNow + 50);
  db.set_string("plain", "p", false);
  Entry* e = db.detach("src");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(db.expires_count(), 0u);
  EXPECT_EQ(db.size(), 1u);
  db.attach(db.rekey(e, "dst"));  // rekey takes ownership of `e`
  Entry* dst = db.find("dst", kNow);
  ASSERT_NE(dst, nullptr);
  EXPECT_EQ(dst->string_value(), "value");
  EXPECT_EQ(dst->expire_ms(), kNow + 50);
  EXPECT_EQ(db.find("src", kNow), nullptr);
  EXPECT_EQ(db.expires_count(), 1u);
  EXPECT_TTL_CONSISTENT(db);
  EXPECT_EQ(db.detach("missing"), nullptr);
}

TEST(Database, RekeyMovesRawAndObjectValues) {
  Database db(0);
  db.set_raw_string("raw", std::string(100, 'r'), false);
  db.set_expire(db.add_object("obj", std::make_unique<FakeList>(7)), kNow + 9);
  db.attach(db.rekey(db.detach("raw"), "raw2"));
  db.attach(db.rekey(db.detach("obj"), "obj2"));
  EXPECT_EQ(db.find("raw2", kNow)->string_value(), std::string(100, 'r'));
  EXPECT_EQ(db.find("raw2", kNow)->storage(), Entry::Storage::kRaw);
  Entry* obj = db.find("obj2", kNow);
  EXPECT_EQ(obj->type(), ValueType::kList);
  EXPECT_EQ(obj->object()->element_count(), 7u);
  EXPECT_EQ(obj->expire_ms(), kNow + 9);
  EXPECT_TTL_CONSISTENT(db);
}

TEST(Database, MovingAnEntryBetweenDatabasesMovesItsTtl) {
  Database a(0), b(1);
  a.set_expire(a.set_string("k", "v", false), kNow + 10);
  b.attach(a.detach("k"));
  EXPECT_EQ(a.expires_count(), 0u);
  EXPECT_EQ(b.expires_count(), 1u);
  EXPECT_TTL_CONSISTENT(a);
  EXPECT_TTL_CONSISTENT(b);
}

TEST(Database, CloneAsCopiesValueAndTtl) {
  Database db(0);
  Entry* s = db.set_string("s", "text", false);
  db.set_expire(s, kNow + 3);
  Entry* copy = Database::clone_as(*s, "s2");
  EXPECT_EQ(copy->key(), "s2");
  EXPECT_EQ(copy->string_value(), "text");
  EXPECT_EQ(copy->expire_ms(), kNow + 3);
  db.attach(copy);
  Entry* raw = db.set_raw_string("r", "grown", false);
  db.attach(Database::clone_as(*raw, "r2"));
  raw->raw_string().append("!");
  EXPECT_EQ(db.find("r2", kNow)->string_value(), "grown");  // a deep copy
  Entry* obj = db.add_object("o", std::make_unique<FakeList>(4));
  db.attach(Database::clone_as(*obj, "o2"));
  EXPECT_NE(db.find("o2", kNow)->object(), obj->object());
  EXPECT_EQ(db.find("o2", kNow)->object()->element_count(), 4u);
  EXPECT_EQ(db.expires_count(), 2u);
  EXPECT_TTL_CONSISTENT(db);
}

TEST(Database, FindDeletesAnExpiredKeyLazily) {
  Database db(0);
  std::vector<std::string> hooked;
  db.set_expire_hook([&](Database&, std::string_view key) { hooked.emplace_back(key); });
  db.set_expire(db.set_string("k", "v", false), kNow);
  EXPECT_NE(db.find("k", kNow - 1), nullptr);
  EXPECT_EQ(db.find("k", kNow), nullptr);  // the deadline itself is expired
  EXPECT_EQ(db.size(), 0u);
  EXPECT_EQ(db.expires_count(), 0u);
  EXPECT_EQ(db.expired_keys(), 1u);
  EXPECT_EQ(hooked, std::vector<std::string>{"k"});
}

TEST(Database, ReplicaModeHidesButKeepsExpiredKeys) {
  Database db(0);
  db.set_delete_expired(false);
  db.set_expire(db.set_string("k", "v", false), kNow);
  EXPECT_EQ(db.find("k", kNow + 1), nullptr);
  EXPECT_NE(db.find_raw("k"), nullptr);
  size_t checked = 0;
  EXPECT_EQ(db.expire_cycle(kNow + 1, 10, checked), 0u);
  EXPECT_EQ(db.size(), 1u);
  EXPECT_EQ(db.expired_keys(), 0u);
}

TEST(Database, ExpireCycleDeletesOnlyExpiredKeys) {
  Database db(0);
  size_t hook_calls = 0;
  db.set_expire_hook([&](Database&, std::string_view key) {
    ++hook_calls;
    EXPECT_TRUE(key.starts_with("old"));
  });
  for (int i = 0; i < 500; ++i) {
    db.set_expire(db.set_string("old" + std::to_string(i), "v", false), kNow - 1 - i);
    db.set_expire(db.set_string("new" + std::to_string(i), "v", false), kNow + 1 + i);
    db.set_string("plain" + std::to_string(i), "v", false);
  }
  size_t deleted = 0, checked = 0;
  for (int round = 0; round < 1000 && db.size() > 1000; ++round) {
    deleted += db.expire_cycle(kNow, 20, checked);
    EXPECT_LE(checked, 20u);
  }
  EXPECT_EQ(deleted, 500u);
  EXPECT_EQ(hook_calls, 500u);
  EXPECT_EQ(db.size(), 1000u);
  EXPECT_EQ(db.expires_count(), 500u);
  EXPECT_EQ(db.expired_keys(), 500u);
  for (int i = 0; i < 500; ++i) {
    EXPECT_NE(db.find("new" + std::to_string(i), kNow), nullptr);
    EXPECT_NE(db.find("plain" + std::to_string(i), kNow), nullptr);
  }
  EXPECT_TTL_CONSISTENT(db);
}

TEST(Database, ExpireCycleRespectsItsCheckBudget) {
  Database db(0);
  for (int i = 0; i < 100; ++i) db.set_expire(db.set_string("k" + std::to_string(i), "v", false), kNow - 1);
  size_t checked = 0;
  EXPECT_EQ(db.expire_cycle(kNow, 10, checked), 10u);
  EXPECT_EQ(checked, 10u);
  EXPECT_EQ(db.size(), 90u);
  EXPECT_EQ(db.expire_cycle(kNow, 1000, checked), 90u);
  EXPECT_EQ(checked, 90u);
  EXPECT_EQ(db.expire_cycle(kNow, 1000, checked), 0u);
  EXPECT_EQ(checked, 0u);
}

TEST(Database, AverageTtlOverTrackedKeys) {
  Database db(0);
  EXPECT_EQ(db.average_ttl_ms(kNow), 0);
  db.set_expire(db.set_string("a", "v", false), kNow + 1000);
  db.set_expire(db.set_string("b", "v", false), kNow + 3000);
  EXPECT_EQ(db.average_ttl_ms(kNow), 2000);
}

TEST(Database, ClearAndSwapContents) {
  Database a(0), b(1);
  for (int i = 0; i < 10; ++i) a.set_expire(a.set_string("a" + std::to_string(i), "v", false), kNow + 5);
  b.set_string("b", "v", false);
  a.swap_contents(b);
  EXPECT_EQ(a.size(), 1u);
  EXPECT_EQ(a.expires_count(), 0u);
  EXPECT_EQ(b.size(), 10u);
  EXPECT_EQ(b.expires_count(), 10u);
  EXPECT_EQ(a.index(), 0);  // the index stays with the database
  EXPECT_TTL_CONSISTENT(a);
  EXPECT_TTL_CONSISTENT(b);
  b.clear();
  EXPECT_EQ(b.size(), 0u);
  EXPECT_EQ(b.expires_count(), 0u);
  size_t checked = 0;
  EXPECT_EQ(b.expire_cycle(kNow + 10, 10, checked), 0u);
}

TEST(Database, ClearWithAFreerReleasesTheOldTableOffTheLoop) {
  std::atomic<int> freed_off_thread{0};
  {
    LazyFreer freer;
    Database db(0);
    for (int i = 0; i < 1000; ++i) db.set_string("k" + std::to_string(i), "v", false);
    db.add_object("list", std::make_unique<FakeList>(1, &freed_off_thread));
    db.clear(&freer);
    EXPECT_EQ(db.size(), 0u);
    db.set_string("fresh", "v", false);  // usable at once
    EXPECT_EQ(db.size(), 1u);
  }  // the freer drains its queue before joining
  EXPECT_EQ(freed_off_thread.load(), 1);
}

TEST(Database, BigValuesAreFreedByTheLazyFreer) {
  std::atomic<int> freed_off_thread{0};
  {
    LazyFreer freer;
    Database db(0);
    db.set_lazy_freer(&freer);
    db.add_object("small", std::make_unique<FakeList>(LazyFreer::kEffortThreshold, &freed_off_thread));
    db.add_object("big", std::make_unique<FakeList>(LazyFreer::kEffortThreshold + 1, &freed_off_thread));
    db.add_object("big2", std::make_unique<FakeList>(1000, &freed_off_thread));
    EXPECT_TRUE(db.erase("small"));
    EXPECT_TRUE(db.erase("big"));
    db.set_string("big2", "now a string", false);  // replacing also hands the old value over
    EXPECT_EQ(db.size(), 1u);
  }
  EXPECT_EQ(freed_off_thread.load(), 2);
}

TEST(LazyFreer, RunsEveryJobBeforeItIsDestroyed) {
  std::atomic<int> ran{0};
  {
    LazyFreer freer;
    for (int i = 0; i < 1000; ++i) freer.submit([&ran] { ++ran; });
    EXPECT_LE(freer.pending(), 1000u);
  }
  EXPECT_EQ(ran.load(), 1000);
}

TEST(LazyFreer, JobsRunOnAnotherThread) {
  std::atomic<bool> other_thread{false};
  const auto loop = std::this_thread::get_id();
  {
    LazyFreer freer;
    freer.submit([&] { other_thread = std::this_thread::get_id() != loop; });
  }
  EXPECT_TRUE(other_thread.load());
}

// Random operations on a few hundred keys; after each, the TTL list must
// still hold exactly the entries that carry a TTL. A final cycle far in the
// future then visits every slot (ASan reports any stale pointer).
TEST(Database, TtlBookkeepingSurvivesRandomOperations) {
  Database db(0);
  std::mt19937_64 rng(12345);
  auto key = [&] { return "k" + std::to_string(rng() % 300); };
  for (int step = 0; step < 20000; ++step) {
    const std::string k = key();
    Entry* e = db.find(k, kNow);
    switch (rng() % 9) {
      case 0: db.set_string(k, std::string(rng() % 3, 'x'), rng() % 2); break;
      case 1: db.set_raw_string(k, std::string(rng() % 40, 'y'), rng() % 2); break;
      case 2:
        if (e != nullptr) db.set_expire(e, kNow + 1 + static_cast<int64_t>(rng() % 1000));
        break;
      case 3:
        if (e != nullptr) db.persist(e);
        break;
      case 4: db.erase(k); break;
      case 5: {
        const std::string to = key();
        if (e != nullptr && to != k) {
          db.erase(to);
          db.attach(db.rekey(db.detach(k), to));
        }
        break;
      }
      case 6:
        if (e == nullptr) db.add_object(k, std::make_unique<FakeList>(rng() % 100));
        break;
      case 7: {
        const std::string to = key();
        if (e != nullptr && to != k) {
          db.erase(to);
          db.attach(Database::clone_as(*e, to));
        }
        break;
      }
      case 8: {
        size_t checked = 0;
        db.expire_cycle(kNow + static_cast<int64_t>(rng() % 500), 5, checked);
        break;
      }
    }
    ASSERT_EQ(db.expires_count(), entries_with_ttl(db)) << "step " << step;
  }
  const size_t with_ttl = db.expires_count();
  size_t checked = 0;
  EXPECT_EQ(db.expire_cycle(kNow + 1'000'000, 1'000'000, checked), with_ttl);
  EXPECT_EQ(db.expires_count(), 0u);
  EXPECT_TTL_CONSISTENT(db);
}

}  // namespace
}  // namespace arbor::keyspace
