// SetValue on its own: intset widths (2/4/8 bytes) and order, the one-way
// conversions intset -> listpack -> hashtable (513 integers, a non-integer,
// 129 members, a 65-byte member), strict integer parsing, clone, scan,
// random picks, a random comparison against std::set, and the heap bytes per
// member of 100 sets x 10 members in each encoding.
#include "server/keyspace/set_value.h"

#include <gtest/gtest.h>
#include <malloc.h>

#include <cstdio>
#include <limits>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace arbor::keyspace {
namespace {

std::vector<std::string> members(const SetValue& set) {
  std::vector<std::string> out;
  set.for_each([&](std::string_view m) { out.emplace_back(m); });
  return out;
}

TEST(SetValue, IntsetKeepsSortedOrderAndWidens) {
  SetValue set;
  EXPECT_EQ(set.type(), ValueType::kSet);
  EXPECT_EQ(set.encoding(), "intset");
  EXPECT_TRUE(set.add("5"));
  EXPECT_TRUE(set.add("-3"));
  EXPECT_TRUE(set.add("100"));
  EXPECT_FALSE(set.add("5"));
  EXPECT_EQ(set.intset_width(), 2u);
  EXPECT_EQ(members(set), (std::vector<std::string>{"-3", "5", "100"}));
  EXPECT_TRUE(set.add("40000"));  // past int16
  EXPECT_EQ(set.intset_width(), 4u);
  EXPECT_TRUE(set.add("-40000"));
  EXPECT_EQ(set.intset_width(), 4u);
  EXPECT_TRUE(set.add("-9223372036854775808"));  // past int32, sorts first
  EXPECT_EQ(set.intset_width(), 8u);
  EXPECT_TRUE(set.add("9223372036854775807"));
  EXPECT_EQ(members(set), (std::vector<std::string>{"-9223372036854775808", "-40000", "-3", "5", "100", "40000",
                                                    "9223372036854775807"}));
  EXPECT_EQ(set.encoding(), "intset");
  EXPECT_TRUE(set.contains("-9223372036854775808"));
  EXPECT_TRUE(set.contains("40000"));
  EXPECT_FALSE(set.contains("4"));
  EXPECT_TRUE(set.erase("-9223372036854775808"));
  EXPECT_FALSE(set.erase("-9223372036854775808"));
  EXPECT_EQ(set.intset_width(), 8u);  // never narrowed, as Redis
  EXPECT_EQ(set.size(), 6u);
}

TEST(SetValue, WideValueIntoNarrowSetFindsNothing) {
  SetValue set;
  set.add("1");
  EXPECT_FALSE(set.contains("100000"));
  EXPECT_FALSE(set.erase("100000"));
  EXPECT_EQ(set.intset_width(), 2u);
}

TEST(SetValue, NonCanonicalIntegersAreStrings) {
  for (const char* text : {"007", "+1", " 1", "1 ", "-0", "1.0", "9223372036854775808", ""}) {
    SetValue set;
    set.add("1");
    EXPECT_TRUE(set.add(text)) << text;
    EXPECT_EQ(set.encoding(), "listpack") << text;
    EXPECT_TRUE(set.contains(text)) << text;
    EXPECT_TRUE(set.contains("1")) << text;
  }
}

TEST(SetValue, ConvertsPast512Integers) {
  SetValue set;
  for (int i = 0; i < 512; ++i) set.add(std::to_string(i * 3));
  EXPECT_EQ(set.encoding(), "intset");
  EXPECT_TRUE(set.add("1"));
  EXPECT_EQ(set.encoding(), "hashtable");
  EXPECT_EQ(set.size(), 513u);
  EXPECT_TRUE(set.contains("1"));
  EXPECT_TRUE(set.contains("1533"));
  // One way: shrinking back keeps the table.
  for (int i = 0; i < 512; ++i) set.erase(std::to_string(i * 3));
  EXPECT_EQ(set.encoding(), "hashtable");
  EXPECT_EQ(members(set), (std::vector<std::string>{"1"}));
}

TEST(SetValue, NonIntegerMakesAListpackInIntsetOrder) {
  SetValue set;
  set.add("2");
  set.add("1");
  EXPECT_TRUE(set.add("a"));
  EXPECT_EQ(set.encoding(), "listpack");
  EXPECT_EQ(members(set), (std::vector<std::string>{"1", "2", "a"}));
  EXPECT_FALSE(set.add("2"));
  EXPECT_FALSE(set.add("a"));
  EXPECT_TRUE(set.add("0"));  // insertion order from now on
  EXPECT_EQ(members(set), (std::vector<std::string>{"1", "2", "a", "0"}));
  EXPECT_TRUE(set.erase("2"));
  EXPECT_FALSE(set.erase("2"));
  EXPECT_FALSE(set.contains("2"));
  EXPECT_EQ(members(set), (std::vector<std::string>{"1", "a", "0"}));
  for (const char* m : {"1", "a", "0"}) EXPECT_TRUE(set.erase(m));
  EXPECT_TRUE(set.empty());
  EXPECT_EQ(set.encoding(), "listpack");  // one way, as Redis
  EXPECT_TRUE(set.add("7"));
  EXPECT_EQ(members(set), (std::vector<std::string>{"7"}));
}

TEST(SetValue, ListpackMovesToHashtablePast128MembersOrA65ByteMember) {
  SetValue set;
  for (int i = 0; i < 128; ++i) set.add("m" + std::to_string(i));
  EXPECT_EQ(set.encoding(), "listpack");
  EXPECT_TRUE(set.add("m128"));
  EXPECT_EQ(set.encoding(), "hashtable");
  EXPECT_EQ(set.size(), 129u);
  for (int i = 0; i < 129; ++i) EXPECT_TRUE(set.contains("m" + std::to_string(i))) << i;

  SetValue wide;
  wide.add("a");
  EXPECT_TRUE(wide.add(std::string(64, 'x')));
  EXPECT_EQ(wide.encoding(), "listpack");
  EXPECT_FALSE(wide.contains(std::string(65, 'x')));
  EXPECT_TRUE(wide.add(std::string(65, 'x')));
  EXPECT_EQ(wide.encoding(), "hashtable");
  EXPECT_EQ(wide.size(), 3u);

  // From an intset too big for a listpack, or with a long first non-integer,
  // straight to a hashtable.
  SetValue ints;
  for (int i = 0; i < 128; ++i) ints.add(std::to_string(i));
  ints.add("a");
  EXPECT_EQ(ints.encoding(), "hashtable");
  SetValue ints2;
  ints2.add("1");
  ints2.add(std::string(65, 'y'));
  EXPECT_EQ(ints2.encoding(), "hashtable");
  SetValue ints3;
  for (int i = 0; i < 127; ++i) ints3.add(std::to_string(i));
  ints3.add("a");
  EXPECT_EQ(ints3.encoding(), "listpack");
  EXPECT_EQ(ints3.size(), 128u);
}

TEST(SetValue, CloneIsDeep) {
  for (int n : {5, 20, 600}) {
    SetValue set;
    for (int i = 0; i < n; ++i) set.add(n == 20 ? "w" + std::to_string(i) : std::to_string(i));
    auto copy = set.clone();
    auto& c = static_cast<SetValue&>(*copy);
    EXPECT_EQ(c.encoding(), set.encoding());
    EXPECT_EQ(c.size(), set.size());
    if (!set.encoding().starts_with("hash")) {
      EXPECT_EQ(members(c), members(set));  // the compact forms keep their order
    }
    const std::string first = members(set).front();
    c.erase(first);
    EXPECT_TRUE(set.contains(first));
    EXPECT_EQ(c.size() + 1, set.size());
  }
}

TEST(SetValue, ScanVisitsEveryMember) {
  SetValue set;
  for (int i = 0; i < 1000; ++i) set.add("m" + std::to_string(i));
  std::map<std::string, int> seen;
  uint64_t cursor = 0;
  do {
    cursor = set.scan(cursor, [&](std::string_view m) { ++seen[std::string(m)]; });
  } while (cursor != 0);
  EXPECT_EQ(seen.size(), 1000u);
  SetValue small;
  small.add("1");
  small.add("2");
  size_t n = 0;
  EXPECT_EQ(small.scan(0, [&](std::string_view) { ++n; }), 0u);
  EXPECT_EQ(n, 2u);
}

TEST(SetValue, ForEachWhileStopsAndOtherwiseVisitsAllOnce) {
  for (int n : {5, 3000}) {
    SetValue set;
    for (int i = 0; i < n; ++i) set.add(n == 5 ? std::to_string(i) : "m" + std::to_string(i));
    std::map<std::string, int> seen;
    set.for_each_while([&](std::string_view m) {
      ++seen[std::string(m)];
      return true;
    });
    EXPECT_EQ(seen.size(), static_cast<size_t>(n));
    for (const auto& [m, c] : seen) EXPECT_EQ(c, 1) << m;
    int visited = 0;
    set.for_each_while([&](std::string_view) { return ++visited < 3; });
    EXPECT_EQ(visited, 3);
  }
}

TEST(SetValue, RandomMemberIsAMember) {
  for (int n : {3, 4, 700}) {
    SetValue set;
    for (int i = 0; i < n; ++i) set.add(n == 3 ? std::to_string(i) : "m" + std::to_string(i));
    std::mt19937_64 rng(1);
    std::set<std::string> picked;
    for (int i = 0; i < 200; ++i) {
      const std::string m = set.random_member(rng());
      EXPECT_TRUE(set.contains(m));
      picked.insert(m);
    }
    if (n < 10) {
      EXPECT_EQ(picked.size(), static_cast<size_t>(n)) << set.encoding();  // every member comes up
    }
  }
}

TEST(SetValue, MatchesStdSetUnderRandomOperations) {
  std::mt19937 rng(11);
  for (int round = 0; round < 3; ++round) {
    SetValue set;
    std::set<std::string> model;
    for (int i = 0; i < 20000; ++i) {
      // Round 0 stays integer (wide range: all three widths); round 1 mixes.
      std::string m = std::to_string(static_cast<int64_t>(rng() % 800) * (1 + (rng() % 3) * 100000000LL) *
                                     (rng() % 2 ? 1 : -1));
      if (round == 1 && rng() % 5 == 0) m = "s" + m;
      // Round 2: a few dozen members, mostly strings: the listpack's range.
      if (round == 2) m = (rng() % 4 == 0 ? "" : "s") + std::to_string(rng() % 60);
      if (rng() % 3 == 0) EXPECT_EQ(set.erase(m), model.erase(m) == 1);
      else EXPECT_EQ(set.add(m), model.insert(m).second);
      ASSERT_EQ(set.size(), model.size());
    }
    for (const auto& m : model) EXPECT_TRUE(set.contains(m));
    auto got = members(set);
    EXPECT_EQ(std::set<std::string>(got.begin(), got.end()), model);
  }
}

// Heap bytes of 100 sets x 10 members; the printed figures go in reports.
// Heap bytes of 100 sets x 10 members made by `member(i)`.
template <typename Member>
size_t measure(Member member, std::string_view expect_encoding) {
  std::vector<std::unique_ptr<SetValue>> sets;
  sets.reserve(100);
  const size_t reserved = mallinfo2().uordblks;
  for (int s = 0; s < 100; ++s) {
    auto set = std::make_unique<SetValue>();
    for (int i = 0; i < 10; ++i) set->add(member(i));
    EXPECT_EQ(set->encoding(), expect_encoding);
    sets.push_back(std::move(set));
  }
  const size_t used = mallinfo2().uordblks - reserved;
  std::printf("100 sets x 10 members (%s): %zu heap bytes, %.1f bytes/member, memory_usage() of one: %zu\n",
              std::string(expect_encoding).c_str(), used, static_cast<double>(used) / 1000.0,
              sets[0]->memory_usage());
  return used;
}

TEST(SetValue, MemoryPerMember) {
  const size_t intset = measure([](int i) { return std::to_string(1000 + i); }, "intset");
  const size_t listpack = measure([](int i) { return "member:" + std::to_string(i); }, "listpack");
  const size_t table = measure([](int i) { return std::string(60, 'm') + std::to_string(i * 100000); }, "hashtable");
  // intset: the object + a 20-byte array per set; listpack: the object + a
  // 90-byte buffer. hashtable: one Entry allocation per member (~112 bytes
  // for these 65-byte members with malloc's header) + a bucket pointer, and
  // the table per set. Loose bounds: the figures are for the report.
  EXPECT_LT(intset / 1000.0, 12.0);
  EXPECT_LT(listpack / 1000.0, 20.0);
  EXPECT_LT(table / 1000.0, 170.0);
}

}  // namespace
}  // namespace arbor::keyspace
