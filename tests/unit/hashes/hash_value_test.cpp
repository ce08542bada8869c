// HashValue on its own: both encodings, in-place value edits keeping order,
// the one-way conversion past 512 fields or a 64-byte field/value, clone, a
// random comparison against std::map, and the memory per field.
#include "server/keyspace/hash_value.h"

#include <gtest/gtest.h>
#include <malloc.h>

#include <cstdio>
#include <map>
#include <random>
#include <string>
#include <vector>

namespace arbor::keyspace {
namespace {

std::map<std::string, std::string> contents(const HashValue& hash) {
  std::map<std::string, std::string> out;
  hash.for_each([&](std::string_view f, std::string_view v) { out.emplace(f, v); });
  return out;
}

std::vector<std::string> field_order(const HashValue& hash) {
  std::vector<std::string> out;
  hash.for_each([&](std::string_view f, std::string_view) { out.emplace_back(f); });
  return out;
}

TEST(HashValue, CompactSetGetErase) {
  HashValue hash;
  EXPECT_EQ(hash.type(), ValueType::kHash);
  EXPECT_EQ(hash.encoding(), "listpack");
  EXPECT_TRUE(hash.set("a", "1"));
  EXPECT_TRUE(hash.set("b", "22"));
  EXPECT_TRUE(hash.set("", ""));
  EXPECT_FALSE(hash.set("a", "longer value"));  // grows in place, order kept
  EXPECT_FALSE(hash.set("b", ""));              // shrinks in place
  EXPECT_EQ(field_order(hash), (std::vector<std::string>{"a", "b", ""}));
  EXPECT_EQ(*hash.get("a"), "longer value");
  EXPECT_EQ(*hash.get("b"), "");
  EXPECT_EQ(*hash.get(""), "");
  EXPECT_FALSE(hash.get("c"));
  EXPECT_EQ(hash.size(), 3u);
  EXPECT_TRUE(hash.erase("b"));
  EXPECT_FALSE(hash.erase("b"));
  EXPECT_EQ(field_order(hash), (std::vector<std::string>{"a", ""}));
  EXPECT_TRUE(hash.erase("a"));
  EXPECT_TRUE(hash.erase(""));
  EXPECT_TRUE(hash.empty());
  EXPECT_EQ(hash.encoding(), "listpack");
}

TEST(HashValue, BufferShrinksAfterRemovals) {
  HashValue hash;
  for (int i = 0; i < 100; ++i) hash.set("field" + std::to_string(i), std::string(60, 'v'));
  const size_t full = hash.memory_usage();
  for (int i = 0; i < 99; ++i) hash.erase("field" + std::to_string(i));
  EXPECT_LT(hash.memory_usage(), full / 10);
  hash.set("field99", "x");  // a much shorter value shrinks too
  EXPECT_LT(hash.memory_usage(), sizeof(HashValue) + 80);
  EXPECT_EQ(*hash.get("field99"), "x");
}

TEST(HashValue, BinarySafe) {
  HashValue hash;
  const std::string field("f\0\r\n\xff", 5), value("\0\0v", 3);
  hash.set(field, value);
  EXPECT_EQ(*hash.get(field), value);
  EXPECT_FALSE(hash.get("f"));
}

TEST(HashValue, ConvertsPast512Fields) {
  HashValue hash;
  for (int i = 0; i < 512; ++i) hash.set("f" + std::to_string(i), std::to_string(i));
  EXPECT_EQ(hash.encoding(), "listpack");
  hash.set("f0", "updated");  // an update does not count
  EXPECT_EQ(hash.encoding(), "listpack");
  hash.set("f512", "x");
  EXPECT_EQ(hash.encoding(), "hashtable");
  EXPECT_EQ(hash.size(), 513u);
  EXPECT_EQ(*hash.get("f0"), "updated");
  EXPECT_EQ(*hash.get("f512"), "x");
  for (int i = 0; i < 513; ++i) hash.erase("f" + std::to_string(i));
  EXPECT_TRUE(hash.empty());
  EXPECT_EQ(hash.encoding(), "hashtable");  // never back, as Redis
}

TEST(HashValue, ConvertsOnLongFieldOrValue) {
  HashValue a, b, c;
  a.set(std::string(64, 'f'), std::string(64, 'v'));
  EXPECT_EQ(a.encoding(), "listpack");
  b.set("x", "1");
  b.set("f", std::string(65, 'v'));
  EXPECT_EQ(b.encoding(), "hashtable");
  EXPECT_EQ(*b.get("x"), "1");
  c.set(std::string(65, 'f'), "v");
  EXPECT_EQ(c.encoding(), "hashtable");
  // Growing a value past 64 bytes by update converts too.
  HashValue d;
  d.set("f", "short");
  d.set("f", std::string(100, 'z'));
  EXPECT_EQ(d.encoding(), "hashtable");
  EXPECT_EQ(*d.get("f"), std::string(100, 'z'));
  d.set("f", "tiny");  // in the table, a shorter value replaces the entry
  EXPECT_EQ(*d.get("f"), "tiny");
}

TEST(HashValue, CloneIsDeep) {
  for (int n : {5, 600}) {
    HashValue hash;
    for (int i = 0; i < n; ++i) hash.set("f" + std::to_string(i), "v" + std::to_string(i));
    auto copy = hash.clone();
    auto& other = static_cast<HashValue&>(*copy);
    EXPECT_EQ(other.encoding(), hash.encoding());
    EXPECT_EQ(contents(other), contents(hash));
    hash.set("f0", "changed");
    EXPECT_EQ(*other.get("f0"), "v0");
  }
}

TEST(HashValue, ScanVisitsEveryField) {
  HashValue hash;
  for (int i = 0; i < 1000; ++i) hash.set("f" + std::to_string(i), "v");
  std::map<std::string, int> seen;
  uint64_t cursor = 0;
  do {
    cursor = hash.scan(cursor, [&](std::string_view f, std::string_view) { ++seen[std::string(f)]; });
  } while (cursor != 0);
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(HashValue, RandomPairIsAField) {
  for (int n : {3, 600}) {
    HashValue hash;
    for (int i = 0; i < n; ++i) hash.set("f" + std::to_string(i), "v" + std::to_string(i));
    std::map<std::string, int> seen;
    for (uint64_t r = 0; r < 2000; ++r) {
      auto [f, v] = hash.random_pair(r * 7919 + 13);
      EXPECT_EQ(*hash.get(f), v);
      ++seen[std::string(f)];
    }
    if (n == 3) {
      EXPECT_EQ(seen.size(), 3u);
    }
  }
}

TEST(HashValue, MatchesStdMapUnderRandomOperations) {
  std::mt19937 rng(7);
  HashValue hash;
  std::map<std::string, std::string> model;
  for (int step = 0; step < 20000; ++step) {
    const std::string field = "f" + std::to_string(rng() % 200);
    const int op = static_cast<int>(rng() % 3);
    if (op < 2) {
      const std::string value(rng() % (step > 10000 ? 80 : 20), static_cast<char>('a' + rng() % 26));
      EXPECT_EQ(hash.set(field, value), model.count(field) == 0);
      model[field] = value;
    } else {
      EXPECT_EQ(hash.erase(field), model.erase(field) == 1);
    }
    ASSERT_EQ(hash.size(), model.size());
  }
  EXPECT_EQ(contents(hash), model);
}

// 100 hashes x 10 fields ("field:N" -> "value:N"), measured by the allocator.
TEST(HashValue, MemoryPerField) {
  const size_t before = mallinfo2().uordblks;
  std::vector<std::unique_ptr<HashValue>> hashes;
  hashes.reserve(100);
  const size_t reserved = mallinfo2().uordblks;
  for (int h = 0; h < 100; ++h) {
    auto hash = std::make_unique<HashValue>();
    for (int i = 0; i < 10; ++i) hash->set("field:" + std::to_string(i), "value:" + std::to_string(i));
    hashes.push_back(std::move(hash));
  }
  const size_t used = mallinfo2().uordblks - reserved;
  const double per_field = static_cast<double>(used) / 1000.0;
  const size_t payload = 10 * (7 + 7);  // field and value bytes per hash
  std::printf(
      "100 hashes x 10 fields: %zu heap bytes, %.1f bytes/field (payload 14), "
      "memory_usage() of one: %zu\n",
      used, per_field, hashes[0]->memory_usage());
  (void)before;
  EXPECT_LT(per_field, 30.0);
  EXPECT_GE(hashes[0]->memory_usage(), payload);
}

}  // namespace
}  // namespace arbor::keyspace
