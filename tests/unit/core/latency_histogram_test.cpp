// LatencyHistogram against the figures Redis 7.0's HDR histogram gives for
// the same samples: LATENCY HISTOGRAM's bucket bounds (1, 2, 4, 8, 16, 33,
// 66 ... µs), INFO latencystats' percentiles (a 1 µs call is p50=1.003),
// clamping, and the cumulative counts of the logarithmic walk.
#include "server/core/latency_histogram.h"

#include <gtest/gtest.h>

#include <utility>
#include <vector>

namespace arbor::core {
namespace {

std::vector<std::pair<int64_t, int64_t>> steps(const LatencyHistogram& h) {
  std::vector<std::pair<int64_t, int64_t>> out;
  int64_t previous = 0;
  h.for_each_log_step([&](int64_t highest_ns, int64_t cumulative) {
    if (cumulative > previous) out.emplace_back(highest_ns / 1000, cumulative);
    previous = cumulative;
  });
  return out;
}

TEST(LatencyHistogram, BucketBoundsAreRedisOnes) {
  LatencyHistogram h;
  // One call of each power of two from 1 µs to 8192 µs (recorded in ns, as Redis).
  for (int64_t us = 1; us <= 8192; us *= 2) h.record(us * 1000);
  const std::vector<std::pair<int64_t, int64_t>> expected = {
      {1, 1}, {2, 2}, {4, 3}, {8, 4}, {16, 5}, {33, 6}, {66, 7}, {132, 8}, {264, 9}, {528, 10},
      {1056, 11}, {2113, 12}, {4227, 13}, {8454, 14}};
  EXPECT_EQ(steps(h), expected);
}

TEST(LatencyHistogram, CallsBelowABoundCountInIt) {
  LatencyHistogram h;
  for (int i = 0; i < 3; ++i) h.record(0);  // a 0 µs call counts as 1 ns
  h.record(3000);
  h.record(5000);
  h.record(6000);
  const std::vector<std::pair<int64_t, int64_t>> expected = {{1, 3}, {4, 4}, {8, 6}};
  EXPECT_EQ(steps(h), expected);
  EXPECT_EQ(h.total(), 6);
}

TEST(LatencyHistogram, PercentilesAreHighestEquivalentValues) {
  LatencyHistogram h;
  h.record(1000);
  EXPECT_EQ(h.value_at_percentile(50), 1003);
  EXPECT_EQ(h.value_at_percentile(99.9), 1003);
  LatencyHistogram zero;
  zero.record(0);
  EXPECT_EQ(zero.value_at_percentile(50), 1);  // INFO shows 0.001
  LatencyHistogram spread;
  for (int i = 1; i <= 100; ++i) spread.record(i * 1000);
  EXPECT_EQ(spread.value_at_percentile(50), LatencyHistogram::highest_equivalent(50000));
  EXPECT_EQ(spread.value_at_percentile(99), LatencyHistogram::highest_equivalent(99000));
  EXPECT_EQ(spread.value_at_percentile(100), LatencyHistogram::highest_equivalent(100000));
  EXPECT_EQ(spread.value_at_percentile(0), 1000);  // the lowest: Redis's "p0=1.000"
  LatencyHistogram one;
  one.record(54784);
  EXPECT_EQ(one.value_at_percentile(0), 54784);  // Redis: p0=54.784,p50=55.039
  EXPECT_EQ(one.value_at_percentile(50), 55039);
  EXPECT_EQ(LatencyHistogram::highest_equivalent(27000), 27007);  // Redis's "p50=27.007"
  EXPECT_EQ(LatencyHistogram::highest_equivalent(64000), 64255);
}

TEST(LatencyHistogram, ValuesAreClampedToOneSecond) {
  LatencyHistogram h;
  h.record(5'000'000'000);
  EXPECT_EQ(h.value_at_percentile(50), LatencyHistogram::highest_equivalent(LatencyHistogram::kMaxValue));
  const auto s = steps(h);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].second, 1);
  EXPECT_EQ(s[0].first, 1073741);  // the last bucket's bound, where Redis's walk ends
}

}  // namespace
}  // namespace arbor::core
