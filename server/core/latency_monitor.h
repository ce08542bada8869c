// The latency monitor (LATENCY LATEST | HISTORY | RESET | GRAPH | DOCTOR),
// as Redis's latency.c: per event class ("command", "fast-command",
// "expire-cycle", "eviction-cycle", "eviction-del"), the last 160 seconds
// in which something took latency-monitor-threshold milliseconds or more,
// one sample per second (the worst), and the worst ever.
#pragma once

#include <cstdint>
#include <ctime>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace arbor::core {

class LatencyMonitor {
 public:
  static constexpr size_t kSamples = 160;
  struct Sample {
    int64_t time = 0;  // unix seconds; 0: an empty slot
    uint64_t latency_ms = 0;
  };
  struct Series {
    Sample samples[kSamples];
    size_t next = 0;
    uint64_t worst_ms = 0;
    const Sample& latest() const { return samples[(next + kSamples - 1) % kSamples]; }
    // The filled samples, oldest first.
    std::vector<Sample> history() const;
  };
  // What DOCTOR reads besides the samples.
  struct Settings {
    int64_t threshold_ms = 0;
    int64_t slowlog_slower_than_us = 0;
    int64_t hz = 10;
    bool huge_pages = false;  // the process has transparent huge pages
  };

  // Records `latency_ms` for `event` when the threshold (non-zero) is met.
  void sample_if_needed(std::string_view event, uint64_t latency_ms, int64_t threshold_ms) {
    if (threshold_ms > 0 && latency_ms >= static_cast<uint64_t>(threshold_ms)) add(event, latency_ms, std::time(nullptr));
  }
  void add(std::string_view event, uint64_t latency_ms, int64_t now);
  // Forgets one event class (case-insensitively), or all; how many went.
  size_t reset(std::string_view event);
  size_t reset_all();

  const std::map<std::string, Series, std::less<>>& events() const { return events_; }
  const Series* find(std::string_view event) const;

  // LATENCY DOCTOR's text and LATENCY GRAPH's, as Redis words and draws them.
  std::string report(const Settings& settings, int64_t now) const;
  std::string graph(std::string_view event, const Series& series, int64_t now) const;

 private:
  std::map<std::string, Series, std::less<>> events_;
};

// Whether /proc/self/smaps_rollup shows anonymous huge pages (DOCTOR's advice).
bool process_uses_huge_pages();

}  // namespace arbor::core
