// ZsetValue and ZSkiplist on their own: ordering by (score, member bytes),
// the listpack thresholds (128 entries, 64-byte members) and the one-way move
// to the skiplist, -0 in each encoding, ranks, count_below, walks, erase by
// rank, clone, scan, a random comparison against a naive sorted model (fixed
// seed, 10k+ elements) and the heap bytes of 100 zsets x 10 members.
#include "server/keyspace/zset_value.h"

#include <gtest/gtest.h>
#include <malloc.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace arbor::keyspace {
namespace {

using Items = std::vector<std::pair<std::string, double>>;

Items items(const ZsetValue& z, size_t from = 0, bool backward = false) {
  Items out;
  if (z.empty()) return out;
  z.walk(from, backward, [&](std::string_view m, double s) {
    out.emplace_back(m, s);
    return true;
  });
  return out;
}

TEST(ZsetValue, OrdersByScoreThenMemberBytes) {
  ZsetValue z;
  EXPECT_EQ(z.type(), ValueType::kZset);
  EXPECT_EQ(z.encoding(), "listpack");
  EXPECT_TRUE(z.set("b", 1));
  EXPECT_TRUE(z.set("a", 1));
  EXPECT_TRUE(z.set("c", 0.5));
  EXPECT_TRUE(z.set("\xff", 1));  // bytes compare unsigned
  EXPECT_TRUE(z.set("", 1));
  EXPECT_TRUE(z.set("big", 1e300));
  EXPECT_TRUE(z.set("neg", -INFINITY));
  EXPECT_FALSE(z.set("c", 2));  // moves
  EXPECT_EQ(items(z), (Items{{"neg", -INFINITY}, {"", 1}, {"a", 1}, {"b", 1}, {"\xff", 1}, {"c", 2}, {"big", 1e300}}));
  EXPECT_EQ(items(z, 6, true).front().first, "big");
  EXPECT_EQ(z.rank("a"), 2u);
  EXPECT_EQ(z.rank("zz"), std::nullopt);
  EXPECT_EQ(z.score("c"), 2);
  EXPECT_EQ(z.score("zz"), std::nullopt);
  EXPECT_EQ(z.count_below(1, false), 1u);
  EXPECT_EQ(z.count_below(1, true), 5u);
  EXPECT_EQ(z.at(5).first, "c");
  EXPECT_TRUE(z.erase("a"));
  EXPECT_FALSE(z.erase("a"));
  EXPECT_EQ(z.size(), 6u);
}

TEST(ZsetValue, IntegralScoresStayExactInTheCompactForm) {
  ZsetValue z;
  const std::vector<double> scores = {0,     1,     -1,    127,   128,   -128,         -129,         2147483647.0,
                                      -2147483648.0, 2147483648.0, 0.1, 1e-320, -1e308, 4503599627370497.0, 1.5, -0.5};
  for (size_t i = 0; i < scores.size(); ++i) z.set("m" + std::to_string(i), scores[i]);
  for (size_t i = 0; i < scores.size(); ++i) EXPECT_EQ(z.score("m" + std::to_string(i)), scores[i]) << i;
  EXPECT_TRUE(z.compact());
}

TEST(ZsetValue, NegativeZeroIsZeroInListpackOnly) {
  ZsetValue small;
  small.set("a", -0.0);
  EXPECT_FALSE(std::signbit(*small.score("a")));  // as a listpack stores it
  ZsetValue large;
  large.set(std::string(65, 'x'), 1);
  EXPECT_EQ(large.encoding(), "skiplist");
  large.set("a", -0.0);
  EXPECT_TRUE(std::signbit(*large.score("a")));
}

TEST(ZsetValue, ConvertsPast128EntriesForGood) {
  ZsetValue z;
  for (int i = 0; i < 128; ++i) z.set("m" + std::to_string(i), i);
  EXPECT_EQ(z.encoding(), "listpack");
  z.set("m0", 5);  // an update is no new entry
  EXPECT_EQ(z.encoding(), "listpack");
  z.set("m128", 128);
  EXPECT_EQ(z.encoding(), "skiplist");
  EXPECT_EQ(z.size(), 129u);
  z.erase_ranks(0, 120);
  EXPECT_EQ(z.size(), 9u);
  EXPECT_EQ(z.encoding(), "skiplist");  // one way, as Redis
}

TEST(ZsetValue, ConvertsOnA65ByteMember) {
  ZsetValue z;
  z.set(std::string(64, 'a'), 1);
  EXPECT_EQ(z.encoding(), "listpack");
  z.set(std::string(65, 'b'), 0);
  EXPECT_EQ(z.encoding(), "skiplist");
  EXPECT_EQ(items(z), (Items{{std::string(65, 'b'), 0}, {std::string(64, 'a'), 1}}));
}

TEST(ZsetValue, EraseRanksAndCloneInBothEncodings) {
  for (int n : {10, 300}) {
    ZsetValue z;
    for (int i = 0; i < n; ++i) z.set("m" + std::to_string(i), i);
    auto copy = z.clone();
    z.erase_ranks(2, 3);
    EXPECT_EQ(z.size(), static_cast<size_t>(n - 3));
    EXPECT_EQ(z.at(2).first, "m5");
    z.erase_ranks(0, z.size());
    EXPECT_TRUE(z.empty());
    const auto& c = static_cast<const ZsetValue&>(*copy);
    EXPECT_EQ(c.size(), static_cast<size_t>(n));
    EXPECT_EQ(c.encoding(), n > 128 ? "skiplist" : "listpack");
    EXPECT_EQ(c.at(static_cast<size_t>(n - 1)).second, n - 1);
    EXPECT_GT(c.memory_usage(), 0u);
  }
}

TEST(ZsetValue, ScanVisitsEveryMemberOnce) {
  ZsetValue z;
  for (int i = 0; i < 1000; ++i) z.set("m" + std::to_string(i), i % 7);
  std::map<std::string, double> seen;
  uint64_t cursor = 0;
  do {
    cursor = z.scan(cursor, [&](std::string_view m, double s) { EXPECT_TRUE(seen.emplace(m, s).second); });
  } while (cursor != 0);
  EXPECT_EQ(seen.size(), 1000u);
  EXPECT_EQ(seen["m8"], 1);
}

TEST(ZsetValue, LexSearchOnEqualScores) {
  for (int n : {20, 200}) {
    ZsetValue z;
    for (int i = 0; i < n; ++i) z.set("k" + std::to_string(1000 + i), 0);
    EXPECT_EQ(z.count_while([](std::string_view m) { return m < "k1010"; }), 10u);
  }
}

// Random operations against a naive sorted model, ranks and ranges included,
// through the conversion and well past it.
TEST(ZsetValue, MatchesNaiveModelOverRandomOperations) {
  std::mt19937_64 rng(20240601);
  ZsetValue z;
  std::map<std::string, double> by_member;
  std::set<std::pair<double, std::string>> ordered;  // the same, by (score, member)
  auto sorted = [&] { return std::vector<std::pair<double, std::string>>(ordered.begin(), ordered.end()); };
  for (int step = 0; step < 60000; ++step) {
    const std::string member = "m" + std::to_string(rng() % 30000);
    const double score = static_cast<double>(static_cast<int>(rng() % 2000) - 1000) / (rng() % 2 ? 1 : 8);
    const int op = static_cast<int>(rng() % 10);
    if (op < 7) {
      const auto old = by_member.find(member);
      EXPECT_EQ(z.set(member, score), old == by_member.end());
      if (old != by_member.end()) ordered.erase({old->second, member});
      by_member[member] = score;
      ordered.insert({score, member});
    } else if (op < 9) {
      const auto old = by_member.find(member);
      EXPECT_EQ(z.erase(member), old != by_member.end());
      if (old != by_member.end()) {
        ordered.erase({old->second, member});
        by_member.erase(old);
      }
    } else if (!by_member.empty()) {
      const size_t first = rng() % z.size();
      const size_t count = std::min<size_t>(rng() % 5, z.size() - first);
      auto it = std::next(ordered.begin(), static_cast<ptrdiff_t>(first));
      for (size_t i = 0; i < count; ++i) {
        by_member.erase(it->second);
        it = ordered.erase(it);
      }
      z.erase_ranks(first, count);
    }
    ASSERT_EQ(z.size(), by_member.size());
    if (step % 5000 == 0 || step == 59999) {
      const auto model = sorted();
      const Items got = items(z);
      ASSERT_EQ(got.size(), model.size());
      for (size_t i = 0; i < model.size(); ++i) {
        ASSERT_EQ(got[i].first, model[i].second) << i;
        ASSERT_EQ(got[i].second, model[i].first) << i;
      }
      for (int probe = 0; probe < 200 && !model.empty(); ++probe) {
        const size_t r = rng() % model.size();
        ASSERT_EQ(z.rank(model[r].second), r);
        ASSERT_EQ(z.at(r).first, model[r].second);
        const double s = model[r].first;
        const size_t below = static_cast<size_t>(
            std::lower_bound(model.begin(), model.end(), std::make_pair(s, std::string())) - model.begin());
        ASSERT_EQ(z.count_below(s, false), below);
        size_t upto = below;
        while (upto < model.size() && model[upto].first == s) ++upto;
        ASSERT_EQ(z.count_below(s, true), upto);
      }
      if (!model.empty()) {
        const Items back = items(z, model.size() - 1, true);
        ASSERT_EQ(back.front().first, model.back().second);
        ASSERT_EQ(back.back().first, model.front().second);
      }
    }
  }
  EXPECT_GT(by_member.size(), 10000u);
  EXPECT_EQ(z.encoding(), "skiplist");
}

// Heap bytes of 100 zsets x 10 members; the printed figures go in reports.
TEST(ZsetValue, MemoryPerMember) {
  std::vector<std::unique_ptr<ZsetValue>> zsets;
  zsets.reserve(100);
  const size_t before = mallinfo2().uordblks;
  for (int s = 0; s < 100; ++s) {
    auto z = std::make_unique<ZsetValue>();
    for (int i = 0; i < 10; ++i) z->set("member:" + std::to_string(i), i * 10);
    zsets.push_back(std::move(z));
  }
  const size_t used = mallinfo2().uordblks - before;
  std::printf("100 zsets x 10 members (listpack): %zu heap bytes, %.1f bytes/member, memory_usage() of one: %zu\n",
              used, static_cast<double>(used) / 1000.0, zsets[0]->memory_usage());
  // 10 x (1 header + 1 score + 8 member) = 100 buffer bytes + the 40-byte
  // object; the growth steps' freed chunks sit in malloc's tcache, which
  // mallinfo counts as used, hence the loose bound.
  EXPECT_LT(used / 1000.0, 36.0);
}

}  // namespace
}  // namespace arbor::keyspace
