// StreamValue on its own: ids, appending into blocks (split at 100 entries /
// 4096 bytes, deleted entries counted), deletion, exact and '~' trimming with
// LIMIT, ranges in both directions, and a seeded random run against a naive
// ordered-map model.
#include "server/keyspace/stream_value.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace arbor::keyspace {
namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;
using Model = std::map<StreamId, Pairs>;

void add(StreamValue& s, StreamId id, const Pairs& pairs) {
  std::vector<std::string_view> args;
  for (const auto& [f, v] : pairs) {
    args.push_back(f);
    args.push_back(v);
  }
  s.append(id, args);
}

void add(StreamValue& s, uint64_t ms, uint64_t seq = 0) { add(s, {ms, seq}, {{"f", "v" + std::to_string(ms)}}); }

// Everything in [start, end] as (id, pairs), in the requested direction.
std::vector<std::pair<StreamId, Pairs>> collect(const StreamValue& s, StreamId start = kMinStreamId,
                                                StreamId end = kMaxStreamId, bool reverse = false,
                                                size_t count = 0) {
  std::vector<std::pair<StreamId, Pairs>> out;
  s.range(start, end, reverse, count, [&](const StreamEntryView& e) {
    Pairs pairs;
    e.for_each_pair([&](std::string_view f, std::string_view v) { pairs.emplace_back(f, v); });
    EXPECT_EQ(pairs.size(), e.pair_count());
    out.emplace_back(e.id, std::move(pairs));
  });
  return out;
}

std::vector<size_t> live_per_block(const StreamValue& s) {
  std::vector<size_t> out;
  for (const auto& b : s.blocks()) out.push_back(b.live);
  return out;
}

TEST(StreamId, FormatIncrementDecrement) {
  EXPECT_EQ((StreamId{0, 0}).to_string(), "0-0");
  EXPECT_EQ(kMaxStreamId.to_string(), "18446744073709551615-18446744073709551615");
  StreamId id{5, UINT64_MAX};
  EXPECT_TRUE(id.increment());
  EXPECT_EQ(id, (StreamId{6, 0}));
  EXPECT_TRUE(id.decrement());
  EXPECT_EQ(id, (StreamId{5, UINT64_MAX}));
  StreamId max = kMaxStreamId;
  EXPECT_FALSE(max.increment());
  EXPECT_TRUE(max.is_max());
  StreamId min{};
  EXPECT_FALSE(min.decrement());
  EXPECT_EQ(min, kMinStreamId);
  EXPECT_LT((StreamId{1, 9}), (StreamId{2, 0}));
}

TEST(StreamValue, EmptyStream) {
  StreamValue s;
  EXPECT_EQ(s.type(), ValueType::kStream);
  EXPECT_EQ(s.encoding(), "stream");
  EXPECT_EQ(s.length(), 0u);
  EXPECT_EQ(s.element_count(), 0u);
  EXPECT_EQ(s.first_id(), kMinStreamId);
  EXPECT_FALSE(s.last_valid_id().has_value());
  EXPECT_TRUE(collect(s).empty());
  EXPECT_FALSE(s.erase({1, 0}));
  EXPECT_EQ(s.block_count(), 0u);
}

TEST(StreamValue, AppendAndReadBack) {
  StreamValue s;
  add(s, {1, 1}, {{"a", "1"}});
  add(s, {1, 2}, {{"a", "2"}, {"b", std::string("x\0y", 3)}});
  add(s, {3, 0}, {{"", ""}});
  add(s, {3, 1}, {{"a", std::string(300, 'z')}});  // same fields as the master entry
  EXPECT_EQ(s.length(), 4u);
  EXPECT_EQ(s.last_id(), (StreamId{3, 1}));
  EXPECT_EQ(s.entries_added(), 4u);
  EXPECT_EQ(s.first_id(), (StreamId{1, 1}));
  EXPECT_EQ(s.last_valid_id(), (StreamId{3, 1}));
  const auto all = collect(s);
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[1].second, (Pairs{{"a", "2"}, {"b", std::string("x\0y", 3)}}));
  EXPECT_EQ(all[2].second, (Pairs{{"", ""}}));
  EXPECT_EQ(all[3].second, (Pairs{{"a", std::string(300, 'z')}}));
  const auto rev = collect(s, kMinStreamId, kMaxStreamId, true);
  ASSERT_EQ(rev.size(), 4u);
  EXPECT_EQ(rev[0].first, (StreamId{3, 1}));
  EXPECT_EQ(rev[3].first, (StreamId{1, 1}));
  EXPECT_EQ(collect(s, {1, 2}, {3, 0}).size(), 2u);
  EXPECT_EQ(collect(s, {1, 2}, {3, 0}, true, 1)[0].first, (StreamId{3, 0}));
  EXPECT_TRUE(collect(s, {3, 2}, kMaxStreamId).empty());
  EXPECT_TRUE(collect(s, {3, 0}, {1, 0}).empty());  // start > end
}

TEST(StreamValue, BlocksSplitAtHundredEntries) {
  StreamValue s;
  for (uint64_t i = 1; i <= 250; ++i) add(s, i);
  EXPECT_EQ(live_per_block(s), (std::vector<size_t>{100, 100, 50}));
  const auto blocks = s.blocks();
  EXPECT_EQ(blocks[1].master, (StreamId{101, 0}));
  EXPECT_EQ(blocks[2].master, (StreamId{201, 0}));
  for (const auto& b : blocks) EXPECT_LT(b.bytes, StreamValue::kNodeMaxBytes);
}

TEST(StreamValue, BlocksSplitAtFourKilobytes) {
  StreamValue s;
  const std::string big(1000, 'x');
  for (uint64_t i = 1; i <= 20; ++i) add(s, {i, 0}, {{"f", big}});
  // A block takes entries while its bytes plus the new strings stay below 4096.
  for (const auto& b : s.blocks()) {
    EXPECT_LT(b.bytes, StreamValue::kNodeMaxBytes);
    EXPECT_EQ(b.live, 4u);
  }
  EXPECT_EQ(s.block_count(), 5u);
  EXPECT_EQ(collect(s).size(), 20u);
}

TEST(StreamValue, CustomNodeLimits) {
  StreamValue s(3, 0);  // 3 entries a block, no byte limit
  for (uint64_t i = 1; i <= 10; ++i) add(s, {i, 0}, {{"f", std::string(5000, 'y')}});
  EXPECT_EQ(live_per_block(s), (std::vector<size_t>{3, 3, 3, 1}));
}

TEST(StreamValue, DeletedEntriesStillCountTowardsTheBlockLimit) {
  StreamValue s;
  for (uint64_t i = 1; i <= 100; ++i) add(s, i);
  for (uint64_t i = 1; i <= 50; ++i) ASSERT_TRUE(s.erase({i, 0}));
  add(s, 101);
  EXPECT_EQ(live_per_block(s), (std::vector<size_t>{50, 1}));
  EXPECT_EQ(s.blocks()[0].deleted, 50u);
}

TEST(StreamValue, EraseFlagsAndDropsEmptyBlocks) {
  StreamValue s;
  for (uint64_t i = 1; i <= 150; ++i) add(s, i);
  EXPECT_TRUE(s.erase({1, 0}));
  EXPECT_FALSE(s.erase({1, 0}));   // already deleted
  EXPECT_FALSE(s.erase({1, 5}));   // never existed
  EXPECT_FALSE(s.erase({999, 0}));
  EXPECT_EQ(s.length(), 149u);
  EXPECT_EQ(s.first_id(), (StreamId{2, 0}));
  EXPECT_EQ(s.max_deleted_entry_id(), (StreamId{1, 0}));
  for (uint64_t i = 101; i <= 150; ++i) EXPECT_TRUE(s.erase({i, 0}));
  EXPECT_EQ(s.block_count(), 1u);  // the second block emptied and went away
  EXPECT_EQ(s.last_valid_id(), (StreamId{100, 0}));
  EXPECT_EQ(s.last_id(), (StreamId{150, 0}));  // last_id never moves back
  EXPECT_EQ(s.max_deleted_entry_id(), (StreamId{150, 0}));
  EXPECT_EQ(s.entries_added(), 150u);
}

StreamTrim maxlen(uint64_t n, bool approx = false, uint64_t limit = 0) {
  StreamTrim t;
  t.maxlen = n;
  t.approx = approx;
  t.limit = limit;
  return t;
}

StreamTrim minid(StreamId id, bool approx = false, uint64_t limit = 0) {
  StreamTrim t;
  t.strategy = StreamTrim::Strategy::kMinId;
  t.minid = id;
  t.approx = approx;
  t.limit = limit;
  return t;
}

// The numbers below are redis-server 7.0.15's for the same commands.
TEST(StreamValue, TrimExactAndApproximate) {
  StreamValue s;
  for (uint64_t i = 1; i <= 250; ++i) add(s, i);
  EXPECT_EQ(s.trim(maxlen(10, true, 10000)), 200u);  // XTRIM s MAXLEN ~ 10
  EXPECT_EQ(s.length(), 50u);
  EXPECT_EQ(s.trim(maxlen(10, true, 10000)), 0u);
  EXPECT_EQ(s.trim(maxlen(10)), 40u);  // XTRIM s MAXLEN 10
  EXPECT_EQ(s.first_id(), (StreamId{241, 0}));
  EXPECT_EQ(s.trim(maxlen(0)), 10u);
  EXPECT_EQ(s.length(), 0u);
  EXPECT_EQ(s.block_count(), 0u);
  EXPECT_EQ(s.last_id(), (StreamId{250, 0}));
}

TEST(StreamValue, TrimMinIdAndLimit) {
  StreamValue s;
  for (uint64_t i = 1; i <= 250; ++i) add(s, i, 1);
  EXPECT_EQ(s.trim(minid({150, 0}, true, 10000)), 100u);  // XTRIM s MINID ~ 150
  EXPECT_EQ(s.length(), 150u);
  EXPECT_EQ(s.trim(minid({150, 0})), 49u);  // XTRIM s MINID 150
  EXPECT_EQ(s.length(), 101u);
  EXPECT_EQ(s.first_id(), (StreamId{150, 1}));
  EXPECT_EQ(s.trim(maxlen(0, true, 30)), 0u);  // XTRIM s MAXLEN ~ 0 LIMIT 30
  EXPECT_EQ(s.trim(maxlen(0, true, 200)), 101u);
  EXPECT_EQ(s.length(), 0u);
}

TEST(StreamValue, XaddWithApproxMaxlenKeepsWholeBlocks) {
  // for i in 1..250: XADD s MAXLEN ~ 10 * f v  ->  XLEN 50 on redis 7.0.15
  StreamValue s;
  for (uint64_t i = 1; i <= 250; ++i) {
    add(s, i);
    s.trim(maxlen(10, true, 10000));
  }
  EXPECT_EQ(s.length(), 50u);
}

TEST(StreamValue, CloneIsDeepAndMemoryGrows) {
  StreamValue s;
  const size_t empty = s.memory_usage();
  for (uint64_t i = 1; i <= 120; ++i) add(s, i);
  ASSERT_TRUE(s.erase({7, 0}));
  EXPECT_GT(s.memory_usage(), empty + 120 * 3);
  auto copy = s.clone();
  auto& c = static_cast<StreamValue&>(*copy);
  EXPECT_EQ(collect(c), collect(s));
  EXPECT_EQ(c.last_id(), s.last_id());
  EXPECT_EQ(c.entries_added(), s.entries_added());
  EXPECT_EQ(c.max_deleted_entry_id(), s.max_deleted_entry_id());
  ASSERT_TRUE(c.erase({8, 0}));
  EXPECT_EQ(c.length() + 1, s.length());
}

TEST(StreamValue, SameFieldsAreStoredOnce) {
  StreamValue same, distinct;
  for (uint64_t i = 1; i <= 100; ++i) {
    add(same, {i, 0}, {{"myfield", "v"}});
    add(distinct, {i, 0}, {{"field" + std::to_string(i), "v"}});
  }
  EXPECT_LT(same.blocks()[0].bytes + 100 * 7, distinct.blocks()[0].bytes + 1);
}

// A seeded random run against std::map: appends, deletions, trims, ranges.
TEST(StreamValue, RandomOpsMatchNaiveModel) {
  std::mt19937_64 rng(20240607);
  StreamValue s(7, 300);  // small blocks so splits happen often
  Model model;
  StreamId last{};
  std::vector<StreamId> ids;  // every id ever added
  auto pick = [&](uint64_t n) { return static_cast<uint64_t>(rng() % n); };
  auto random_id = [&]() -> StreamId {
    if (!ids.empty() && pick(4) != 0) return ids[pick(ids.size())];
    return {pick(last.ms + 2), pick(4)};
  };
  for (int op = 0; op < 10000; ++op) {
    const uint64_t what = pick(100);
    if (what < 45) {
      StreamId id = last;
      if (pick(2) == 0) id = {last.ms + 1 + pick(3), pick(3)};
      else id.increment();
      Pairs pairs;
      const uint64_t n = 1 + pick(3);
      for (uint64_t k = 0; k < n; ++k)
        pairs.emplace_back(pick(3) == 0 ? "f" : "f" + std::to_string(pick(5)), std::string(pick(60), 'a' + pick(26)));
      add(s, id, pairs);
      model[id] = pairs;
      ids.push_back(id);
      last = id;
    } else if (what < 65) {
      const StreamId id = random_id();
      ASSERT_EQ(s.erase(id), model.erase(id) == 1) << op;
    } else if (what < 69) {
      const uint64_t keep = pick(model.size() + 5);
      const bool approx = pick(2) == 0;
      const uint64_t removed = s.trim(maxlen(keep, approx, approx ? pick(30) : 0));
      ASSERT_LE(removed, model.size());
      if (!approx) {
        ASSERT_EQ(model.size() - removed, std::min<uint64_t>(model.size(), keep)) << op;
      } else {
        ASSERT_GE(model.size() - removed, std::min<uint64_t>(model.size(), keep)) << op;
      }
      for (uint64_t k = 0; k < removed; ++k) model.erase(model.begin());  // a prefix goes
    } else if (what < 71) {
      const StreamId bound = random_id();
      const bool approx = pick(2) == 0;
      const uint64_t removed = s.trim(minid(bound, approx, 0));
      for (uint64_t k = 0; k < removed; ++k) {
        ASSERT_LT(model.begin()->first, bound);
        model.erase(model.begin());
      }
      if (!approx) {
        ASSERT_TRUE(model.empty() || model.begin()->first >= bound) << op;
      }
    } else {
      StreamId a = random_id(), b = random_id();
      if (pick(5) == 0) b = kMaxStreamId;
      if (pick(5) == 0) a = kMinStreamId;
      if (b < a) std::swap(a, b);
      const bool reverse = pick(2) == 0;
      const size_t count = pick(3) == 0 ? 0 : 1 + pick(20);
      std::vector<std::pair<StreamId, Pairs>> want;
      if (!reverse) {
        for (auto it = model.lower_bound(a); it != model.end() && it->first <= b; ++it) {
          want.emplace_back(*it);
          if (want.size() == count) break;
        }
      } else {
        for (auto it = model.upper_bound(b); it != model.begin();) {
          --it;
          if (it->first < a) break;
          want.emplace_back(*it);
          if (want.size() == count) break;
        }
      }
      ASSERT_EQ(collect(s, a, b, reverse, count), want) << op;
    }
    ASSERT_EQ(s.length(), model.size()) << op;
  }
  // Whole-stream agreement at the end, both ways.
  std::vector<std::pair<StreamId, Pairs>> all(model.begin(), model.end());
  EXPECT_EQ(collect(s), all);
  std::reverse(all.begin(), all.end());
  EXPECT_EQ(collect(s, kMinStreamId, kMaxStreamId, true), all);
  EXPECT_EQ(s.first_id(), model.empty() ? kMinStreamId : model.begin()->first);
}

}  // namespace
}  // namespace arbor::keyspace
