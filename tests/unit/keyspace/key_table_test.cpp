// KeyTable and Entry: chained hashing with incremental rehash, the
// reverse-binary SCAN cursor (every key present for the whole scan is
// returned, across grows and shrinks), random_entry while two tables are
// live, and the one-allocation Entry layouts.
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <unordered_set>
#include <vector>

#include "server/keyspace/entry.h"
#include "server/keyspace/key_table.h"

namespace arbor::keyspace {
namespace {

std::string key_name(std::string_view prefix, size_t i) { return std::string(prefix) + std::to_string(i); }

void insert_string(KeyTable& table, std::string_view key, std::string_view value = "v") {
  table.insert(Entry::make_string(key, value));
}

bool erase(KeyTable& table, std::string_view key) {
  Entry* e = table.detach(key);
  Entry::destroy(e);
  return e != nullptr;
}

// Every key a full scan from cursor 0 returns (duplicates collapsed).
std::unordered_set<std::string> scan_all(const KeyTable& table) {
  std::unordered_set<std::string> seen;
  uint64_t cursor = 0;
  do {
    cursor = table.scan(cursor, [&](Entry* e) { seen.emplace(e->key()); });
  } while (cursor != 0);
  return seen;
}

TEST(Entry, ShortStringIsEmbeddedWithItsKey) {
  Entry* e = Entry::make_string("key", "value");
  EXPECT_EQ(e->key(), "key");
  EXPECT_EQ(e->string_value(), "value");
  EXPECT_EQ(e->storage(), Entry::Storage::kEmbedded);
  EXPECT_TRUE(e->is_string());
  EXPECT_EQ(e->type(), ValueType::kString);
  EXPECT_FALSE(e->has_expire());
  EXPECT_EQ(e->expire_ms(), kNoExpire);
  EXPECT_GE(e->memory_usage(), 8u);
  Entry::destroy(e);
}

TEST(Entry, BinaryKeysAndValuesSurvive) {
  const std::string key("a\0b\r\n", 5), value("\0\0\xff", 3);
  Entry* e = Entry::make_string(key, value);
  EXPECT_EQ(e->key(), key);
  EXPECT_EQ(e->string_value(), value);
  Entry::destroy(e);
  Entry* empty = Entry::make_string("", "");
  EXPECT_EQ(empty->key(), "");
  EXPECT_EQ(empty->string_value(), "");
  Entry::destroy(empty);
}

TEST(Entry, RawStringGrowsInPlace) {
  Entry* e = Entry::make_raw_string("k", "abc");
  EXPECT_EQ(e->storage(), Entry::Storage::kRaw);
  e->raw_string().append("def");
  EXPECT_EQ(e->string_value(), "abcdef");
  EXPECT_FALSE(e->overwrite_string_in_place("xyzxyz"));  // raw values are not overwritten here
  Entry::destroy(e);
}

TEST(Entry, OverwriteInPlaceOnlyForSameSizeEmbedded) {
  Entry* e = Entry::make_string("counter", "10");
  EXPECT_TRUE(e->overwrite_string_in_place("11"));
  EXPECT_EQ(e->string_value(), "11");
  EXPECT_FALSE(e->overwrite_string_in_place("100"));
  EXPECT_EQ(e->string_value(), "11");
  Entry::destroy(e);
}

TEST(Entry, DestroyOfNullIsHarmless) { Entry::destroy(nullptr); }

TEST(KeyTable, EmptyTableFindsNothing) {
  KeyTable table;
  EXPECT_EQ(table.size(), 0u);
  EXPECT_EQ(table.find("x"), nullptr);
  EXPECT_EQ(table.detach("x"), nullptr);
  EXPECT_EQ(table.random_entry(42), nullptr);
  EXPECT_EQ(table.scan(0, [](Entry*) { FAIL(); }), 0u);
}

TEST(KeyTable, InsertFindDetach) {
  KeyTable table;
  for (size_t i = 0; i < 1000; ++i) insert_string(table, key_name("k", i), key_name("v", i));
  EXPECT_EQ(table.size(), 1000u);
  for (size_t i = 0; i < 1000; ++i) {
    Entry* e = table.find(key_name("k", i));
    ASSERT_NE(e, nullptr) << i;
    EXPECT_EQ(e->string_value(), key_name("v", i));
  }
  EXPECT_EQ(table.find("missing"), nullptr);
  for (size_t i = 0; i < 1000; i += 2) EXPECT_TRUE(erase(table, key_name("k", i)));
  EXPECT_EQ(table.size(), 500u);
  for (size_t i = 0; i < 1000; ++i) EXPECT_EQ(table.find(key_name("k", i)) != nullptr, i % 2 == 1) << i;
  EXPECT_FALSE(erase(table, "k0"));
}

TEST(KeyTable, ReplaceSwapsTheEntryKeepingItsChainPosition) {
  KeyTable table;
  for (size_t i = 0; i < 100; ++i) insert_string(table, key_name("k", i));
  Entry* old_entry = table.find("k42");
  table.replace(old_entry, Entry::make_string("k42", "fresh"));
  EXPECT_EQ(table.size(), 100u);
  EXPECT_EQ(table.find("k42")->string_value(), "fresh");
  EXPECT_EQ(scan_all(table).size(), 100u);
}

TEST(KeyTable, ForEachVisitsEveryEntryOnceEvenWhileRehashing) {
  KeyTable table;
  size_t n = 0;
  while (!table.rehashing() || n < 600) insert_string(table, key_name("k", n++));
  ASSERT_TRUE(table.rehashing());
  std::unordered_set<std::string> seen;
  size_t visits = 0;
  table.for_each([&](Entry* e) {
    seen.emplace(e->key());
    ++visits;
  });
  EXPECT_EQ(visits, n);
  EXPECT_EQ(seen.size(), n);
}

TEST(KeyTable, MoveLeavesTheSourceEmpty) {
  KeyTable a;
  for (size_t i = 0; i < 100; ++i) insert_string(a, key_name("k", i));
  KeyTable b(std::move(a));
  EXPECT_EQ(b.size(), 100u);
  EXPECT_EQ(a.size(), 0u);  // NOLINT(bugprone-use-after-move): the contract under test
  EXPECT_EQ(a.find("k1"), nullptr);
  KeyTable c;
  insert_string(c, "other");
  c = std::move(b);
  EXPECT_EQ(c.size(), 100u);
  EXPECT_EQ(c.find("other"), nullptr);
  EXPECT_NE(c.find("k99"), nullptr);
  insert_string(a, "reused");  // a moved-from table is usable again
  EXPECT_EQ(a.size(), 1u);
}

TEST(KeyTable, GrowsAndFinishesRehashUnderLookups) {
  KeyTable table;
  for (size_t i = 0; i < 5000; ++i) insert_string(table, key_name("k", i));
  for (int i = 0; i < 100000 && table.rehashing(); ++i) table.find("anything");
  EXPECT_FALSE(table.rehashing());
  EXPECT_GE(table.bucket_count(), 5000u);
  EXPECT_EQ(scan_all(table).size(), 5000u);
}

TEST(KeyTable, ScanReturnsEveryKeyOfAStableTable) {
  KeyTable table;
  for (size_t i = 0; i < 10000; ++i) insert_string(table, key_name("k", i));
  const auto seen = scan_all(table);
  EXPECT_EQ(seen.size(), 10000u);
}

TEST(KeyTable, ScanCursorIsReverseBinaryIncrement) {
  // With mask 0b111 the buckets are visited 0,4,2,6,1,5,3,7 then wrap to 0.
  std::vector<uint64_t> order;
  uint64_t cursor = 0;
  do {
    order.push_back(cursor);
    cursor = next_scan_cursor(cursor, 7);
  } while (cursor != 0);
  EXPECT_EQ(order, (std::vector<uint64_t>{0, 4, 2, 6, 1, 5, 3, 7}));
  EXPECT_EQ(reverse_bits(1), 1ULL << 63);
}

// The guarantee Redis documents for SCAN: a key present from the start to the
// end of a full iteration is returned at least once, however the table grows
// and shrinks between calls. 100k stable keys; between scan calls other keys
// are added until the table has grown past a million buckets, then all of
// them are removed so it shrinks again.
TEST(KeyTable, ScanReturnsStableKeysWhileTheTableGrowsAndShrinks) {
  constexpr size_t kStable = 100000;
  KeyTable table;
  for (size_t i = 0; i < kStable; ++i) insert_string(table, key_name("stable:", i));
  std::unordered_set<std::string> seen;
  enum class Phase { kGrow, kShrink, kSettle } phase = Phase::kGrow;
  size_t temp_added = 0, temp_removed = 0, calls = 0, max_buckets = 0;
  bool scanned_while_rehashing = false;
  uint64_t cursor = 0;
  do {
    scanned_while_rehashing |= table.rehashing();
    cursor = table.scan(cursor, [&](Entry* e) {
      if (e->key().starts_with("stable:")) seen.emplace(e->key());
    });
    ++calls;
    max_buckets = std::max(max_buckets, table.bucket_count());
    if (phase == Phase::kGrow) {
      for (int i = 0; i < 40; ++i) insert_string(table, key_name("temp:", temp_added++));
      if (table.bucket_count() >= (1u << 20) && !table.rehashing()) phase = Phase::kShrink;
    } else if (phase == Phase::kShrink) {
      for (int i = 0; i < 40 && temp_removed < temp_added; ++i)
        ASSERT_TRUE(erase(table, key_name("temp:", temp_removed++)));
      if (temp_removed == temp_added) phase = Phase::kSettle;
    } else {
      table.find("advance the rehash");
    }
  } while (cursor != 0);
  EXPECT_EQ(phase, Phase::kSettle) << "the scan ended before the churn did; calls=" << calls;
  EXPECT_GE(max_buckets, 1u << 20);
  EXPECT_LT(table.bucket_count(), max_buckets) << "the table never shrank";
  EXPECT_TRUE(scanned_while_rehashing);
  EXPECT_EQ(seen.size(), kStable);
  EXPECT_EQ(table.size(), kStable);
}

// Same guarantee with a random mix of inserts and deletes of other keys.
TEST(KeyTable, ScanReturnsStableKeysUnderRandomChurn) {
  KeyTable table;
  std::mt19937_64 rng(7);
  for (size_t i = 0; i < 2000; ++i) insert_string(table, key_name("stable:", i));
  std::vector<std::string> temps;
  std::unordered_set<std::string> seen;
  size_t next_temp = 0;
  uint64_t cursor = 0;
  do {
    cursor = table.scan(cursor, [&](Entry* e) {
      if (e->key().starts_with("stable:")) seen.emplace(e->key());
    });
    const int ops = static_cast<int>(rng() % 200);
    const bool grow = (rng() % 2) == 0;
    for (int i = 0; i < ops; ++i) {
      if (grow || temps.empty()) {
        temps.push_back(key_name("temp:", next_temp++));
        insert_string(table, temps.back());
      } else {
        const size_t pick = rng() % temps.size();
        ASSERT_TRUE(erase(table, temps[pick]));
        temps[pick] = temps.back();
        temps.pop_back();
      }
    }
  } while (cursor != 0);
  EXPECT_EQ(seen.size(), 2000u);
}

TEST(KeyTable, RandomEntryReachesBothTablesDuringRehash) {
  KeyTable table;
  std::vector<std::string> keys;
  while (!table.rehashing() || keys.size() < 1000) {
    keys.push_back(key_name("k", keys.size()));
    insert_string(table, keys.back());
  }
  ASSERT_TRUE(table.rehashing());
  std::unordered_set<std::string> all(keys.begin(), keys.end()), picked;
  std::mt19937_64 rng(1);
  for (int i = 0; i < 200000; ++i) {
    Entry* e = table.random_entry(rng());
    ASSERT_NE(e, nullptr);
    ASSERT_TRUE(all.count(std::string(e->key())));
    picked.emplace(e->key());
  }
  EXPECT_TRUE(table.rehashing());  // random_entry does not move buckets
  EXPECT_GT(picked.size(), keys.size() * 95 / 100);
}

TEST(KeyTable, RandomEntryOfASingleKey) {
  KeyTable table;
  insert_string(table, "only");
  for (uint64_t r = 0; r < 100; ++r) EXPECT_EQ(table.random_entry(r)->key(), "only");
}

TEST(KeyTable, MillionKeysInsertedThenErasedLeaveAnEmptySmallTable) {
  constexpr size_t kKeys = 1000000;
  KeyTable table;
  for (size_t i = 0; i < kKeys; ++i) insert_string(table, key_name("key:", i));
  EXPECT_EQ(table.size(), kKeys);
  const size_t grown = table.bucket_count();
  EXPECT_GE(grown, kKeys);
  for (size_t i = 0; i < kKeys; ++i) ASSERT_TRUE(erase(table, key_name("key:", i))) << i;
  EXPECT_EQ(table.size(), 0u);
  EXPECT_LE(table.bucket_count(), 64u) << "bucket memory was not given back";
  EXPECT_EQ(table.find("key:1"), nullptr);
  insert_string(table, "again");
  EXPECT_NE(table.find("again"), nullptr);
}

TEST(KeyTable, ShrinksAfterMostKeysAreDeleted) {
  KeyTable table;
  for (size_t i = 0; i < 100000; ++i) insert_string(table, key_name("k", i));
  const size_t grown = table.bucket_count();
  for (size_t i = 100; i < 100000; ++i) erase(table, key_name("k", i));
  for (int i = 0; i < 1000000 && table.rehashing(); ++i) table.find("k1");
  EXPECT_LT(table.bucket_count(), grown / 8);
  EXPECT_EQ(scan_all(table).size(), 100u);
}

TEST(KeyTable, ClearFreesEverything) {
  KeyTable table;
  for (size_t i = 0; i < 1000; ++i) insert_string(table, key_name("k", i));
  table.clear();
  EXPECT_EQ(table.size(), 0u);
  EXPECT_EQ(table.bucket_count(), 0u);
  EXPECT_EQ(table.find("k1"), nullptr);
  insert_string(table, "k1");
  EXPECT_EQ(table.size(), 1u);
}

TEST(KeyTable, HashDependsOnEveryByte) {
  EXPECT_NE(hash_key("abcdefghijklmnopq"), hash_key("abcdefghijklmnopr"));
  EXPECT_NE(hash_key("a"), hash_key("b"));
  EXPECT_NE(hash_key(""), hash_key(std::string_view("\0", 1)));
  EXPECT_EQ(hash_key("same"), hash_key("same"));
}

}  // namespace
}  // namespace arbor::keyspace
