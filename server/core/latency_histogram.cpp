// HDR bucket arithmetic (see latency_histogram.h). With the lowest value 1
// the unit magnitude is 0: bucket b holds sub-buckets 128..255 of width 2^b
// (bucket 0 also 0..127 at width 1).
#include "server/core/latency_histogram.h"

#include <algorithm>
#include <bit>

namespace arbor::core {

int LatencyHistogram::bucket_index(int64_t value) {
  const auto bits = static_cast<uint64_t>(value) | static_cast<uint64_t>(kSubBucketCount - 1);
  return 64 - std::countl_zero(bits) - (kSubBucketHalfCountMagnitude + 1);
}

size_t LatencyHistogram::counts_index(int64_t value) {
  const int bucket = bucket_index(value);
  const int64_t sub_bucket = value >> bucket;
  return static_cast<size_t>(((static_cast<int64_t>(bucket) + 1) << kSubBucketHalfCountMagnitude) +
                             (sub_bucket - kSubBucketHalfCount));
}

int64_t LatencyHistogram::value_at_index(size_t index) {
  int64_t bucket = static_cast<int64_t>(index >> kSubBucketHalfCountMagnitude) - 1;
  int64_t sub_bucket = static_cast<int64_t>(index & (kSubBucketHalfCount - 1)) + kSubBucketHalfCount;
  if (bucket < 0) {
    sub_bucket -= kSubBucketHalfCount;
    bucket = 0;
  }
  return sub_bucket << bucket;
}

int64_t LatencyHistogram::lowest_equivalent(int64_t value) {
  const int bucket = bucket_index(value);
  return (value >> bucket) << bucket;
}

int64_t LatencyHistogram::highest_equivalent(int64_t value) {
  const int bucket = bucket_index(value);
  const int64_t sub_bucket = value >> bucket;
  const int width_bucket = sub_bucket >= kSubBucketCount ? bucket + 1 : bucket;
  return lowest_equivalent(value) + (int64_t{1} << width_bucket) - 1;
}

void LatencyHistogram::record(int64_t nanoseconds) {
  const int64_t value = std::clamp(nanoseconds, kMinValue, kMaxValue);
  const size_t index = counts_index(value);
  auto& block = blocks_[index / kSubBucketHalfCount];
  if (!block) block = std::make_unique<Block>();  // zero-filled
  ++(*block)[index % kSubBucketHalfCount];
  ++total_;
}

int64_t LatencyHistogram::value_at_percentile(double percentile) const {
  const double wanted = std::min(percentile, 100.0);
  const auto count = std::max<int64_t>(1, static_cast<int64_t>(wanted / 100 * static_cast<double>(total_) + 0.5));
  int64_t seen = 0;
  for (size_t i = 0; i < kCountsLength; ++i) {
    seen += count_at(i);
    // (Percentile 0 is the lowest value seen, as hdr_value_at_percentile.)
    if (seen >= count) return percentile == 0.0 ? lowest_equivalent(value_at_index(i)) : highest_equivalent(value_at_index(i));
  }
  return 0;
}

// hdr_iter_log_init(1024, 2) as Redis walks it: a step is reported at the
// first bucket whose value reaches the next level (1024 ns, doubling), with
// everything counted up to and including that bucket. Past the last bucket
// the walk reports where it stopped.
void LatencyHistogram::for_each_log_step(
    const std::function<void(int64_t highest_ns, int64_t cumulative)>& step) const {
  int64_t level = 1024;
  int64_t level_lowest = lowest_equivalent(level);
  int64_t cumulative = 0;
  int64_t value = 0;
  int64_t index = -1;
  for (;;) {
    const bool more = cumulative < total_;
    const bool next_past_level =
        static_cast<size_t>(index + 1) < kCountsLength && value_at_index(static_cast<size_t>(index + 1)) > level_lowest;
    if (!more && !next_past_level) return;
    for (;;) {
      if (index >= 0 && value >= level_lowest) {
        step(highest_equivalent(value), cumulative);
        level *= 2;
        level_lowest = lowest_equivalent(level);
        break;
      }
      if (static_cast<size_t>(index + 1) >= kCountsLength) {
        step(highest_equivalent(value), cumulative);
        return;
      }
      ++index;
      cumulative += count_at(static_cast<size_t>(index));
      value = value_at_index(static_cast<size_t>(index));
    }
  }
}

}  // namespace arbor::core
