// A per-command latency histogram with the bucket layout of the HDR
// histogram Redis 7.0 keeps per command (values 1 ns .. 1 s, 2 significant
// digits), so LATENCY HISTOGRAM's buckets (1, 2, 4, 8, 16, 33, 66 ... µs)
// and INFO latencystats' percentiles (p50=1.003 ...) read as Redis's.
// Counts are kept in 24 blocks of 128, each allocated when a value first
// falls in it (a command's latencies span a few blocks: ~1 KB each, where
// Redis allocates 24 KB per command). Loop thread only.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>

namespace arbor::core {

class LatencyHistogram {
 public:
  static constexpr int64_t kMinValue = 1;           // ns
  static constexpr int64_t kMaxValue = 1000000000;  // ns
  // Records one duration, clamped to [kMinValue, kMaxValue].
  void record(int64_t nanoseconds);
  int64_t total() const { return total_; }
  // The highest value equivalent to the one at `percentile` (0..100); for
  // percentile 0 the lowest one.
  int64_t value_at_percentile(double percentile) const;
  // Walks the buckets 1024 ns, 2048 ns ... (hdr's logarithmic iterator,
  // base 2): each step's highest equivalent value and the count of values
  // up to it.
  void for_each_log_step(const std::function<void(int64_t highest_ns, int64_t cumulative)>& step) const;

  // The layout (exposed for tests).
  static int64_t lowest_equivalent(int64_t value);
  static int64_t highest_equivalent(int64_t value);

 private:
  static constexpr int kSubBucketHalfCountMagnitude = 7;  // 2 digits: 256 sub-buckets
  static constexpr int64_t kSubBucketHalfCount = 1 << kSubBucketHalfCountMagnitude;
  static constexpr int64_t kSubBucketCount = 2 * kSubBucketHalfCount;
  static constexpr int kBucketCount = 23;  // 256 << 22 > 1 s
  static constexpr size_t kCountsLength = (kBucketCount + 1) * kSubBucketHalfCount;

  static int bucket_index(int64_t value);
  static size_t counts_index(int64_t value);
  static int64_t value_at_index(size_t index);

  using Block = std::array<int64_t, kSubBucketHalfCount>;
  int64_t count_at(size_t index) const {
    const auto& block = blocks_[index / kSubBucketHalfCount];
    return block ? (*block)[index % kSubBucketHalfCount] : 0;
  }

  std::array<std::unique_ptr<Block>, kCountsLength / kSubBucketHalfCount> blocks_;
  int64_t total_ = 0;
};

}  // namespace arbor::core
