// Samples, DOCTOR's analysis and wording, and the sparkline GRAPH draws,
// after Redis's latency.c and sparkline.c.
#include "server/core/latency_monitor.h"

#include <algorithm>
#include <cstdio>
#include <fstream>

#include "server/core/arguments.h"


namespace arbor::core {
namespace {

std::string printf_text(const char* format, auto... values) {
  char buffer[512];
  const int n = std::snprintf(buffer, sizeof buffer, format, values...);
  return std::string(buffer, n > 0 ? std::min<size_t>(static_cast<size_t>(n), sizeof buffer - 1) : 0);
}

struct Analysis {
  uint64_t samples = 0, average = 0, mean_deviation = 0;
  int64_t period = 0;
};

Analysis analyze(const LatencyMonitor::Series& series, int64_t now) {
  Analysis a;
  uint64_t sum = 0;
  int64_t oldest = 0;
  for (const auto& s : series.samples) {
    if (s.time == 0) continue;
    ++a.samples;
    sum += s.latency_ms;
    if (oldest == 0 || s.time < oldest) oldest = s.time;
  }
  if (a.samples == 0) return a;
  a.average = sum / a.samples;
  a.period = std::max<int64_t>(1, now - oldest);
  uint64_t deviations = 0;
  for (const auto& s : series.samples)
    if (s.time != 0) deviations += s.latency_ms > a.average ? s.latency_ms - a.average : a.average - s.latency_ms;
  a.mean_deviation = deviations / a.samples;
  return a;
}

// Redis's sparkline: `rows` rows of '_', 'o', '#' and '|' scaled between
// the lowest and highest value, then each sample's label written downwards.
struct Point {
  double value;
  std::string label;
};

void render_range(std::string& out, const std::vector<Point>& points, double low, double high, size_t offset,
                  size_t length) {
  static constexpr char kFill[] = "_o#";
  constexpr int kCharset = 3, kRows = 4, kLabelMarginTop = 1;
  const int steps = kCharset * kRows;
  const double range = high - low == 0 ? 1 : high - low;
  const bool labels = std::any_of(points.begin(), points.end(), [](const Point& p) { return !p.label.empty(); });
  std::string line(length, ' ');
  for (int row = 0;; ++row) {
    bool more = false;
    line.assign(length, ' ');
    for (size_t j = 0; j < length; ++j) {
      const Point& p = points[offset + j];
      int step = static_cast<int>(static_cast<int>((p.value - low) * steps) / range);
      step = std::clamp(step, 0, steps - 1);
      if (row < kRows) {
        const int index = step - (kRows - row - 1) * kCharset;
        more = true;
        if (index >= 0 && index < kCharset) line[j] = kFill[index];
        else if (index >= kCharset) line[j] = '|';
      } else {
        if (labels && row - kRows < kLabelMarginTop) {  // a blank line between graph and labels
          more = true;
          break;
        }
        const int at = row - kRows - kLabelMarginTop;
        if (static_cast<int>(p.label.size()) > at) {
          more = true;
          line[j] = p.label[static_cast<size_t>(at)];
        }
      }
    }
    if (!more) return;
    out += line;
    out += '\n';
  }
}

std::string age_label(int64_t elapsed) {
  if (elapsed < 60) return std::to_string(elapsed) + "s";
  if (elapsed < 3600) return std::to_string(elapsed / 60) + "m";
  if (elapsed < 3600 * 24) return std::to_string(elapsed / 3600) + "h";
  return std::to_string(elapsed / (3600 * 24)) + "d";
}

}  // namespace

std::vector<LatencyMonitor::Sample> LatencyMonitor::Series::history() const {
  std::vector<Sample> out;
  for (size_t j = 0; j < kSamples; ++j) {
    const Sample& s = samples[(next + j) % kSamples];
    if (s.time != 0) out.push_back(s);
  }
  return out;
}

void LatencyMonitor::add(std::string_view event, uint64_t latency_ms, int64_t now) {
  auto it = events_.find(event);
  if (it == events_.end()) it = events_.emplace(std::string(event), Series{}).first;
  Series& series = it->second;
  series.worst_ms = std::max(series.worst_ms, latency_ms);
  Sample& previous = series.samples[(series.next + kSamples - 1) % kSamples];
  if (previous.time == now) {  // one sample per second: its worst
    previous.latency_ms = std::max(previous.latency_ms, latency_ms);
    return;
  }
  series.samples[series.next] = Sample{now, latency_ms};
  series.next = (series.next + 1) % kSamples;
}

size_t LatencyMonitor::reset(std::string_view event) {
  return std::erase_if(events_, [&](const auto& entry) { return equals_ci(entry.first, event); });
}

size_t LatencyMonitor::reset_all() {
  const size_t count = events_.size();
  events_.clear();
  return count;
}

const LatencyMonitor::Series* LatencyMonitor::find(std::string_view event) const {
  auto it = events_.find(event);
  return it == events_.end() ? nullptr : &it->second;
}

std::string LatencyMonitor::graph(std::string_view event, const Series& series, int64_t now) const {
  std::vector<Point> points;
  uint64_t low = 0, high = 0;
  for (const Sample& s : series.history()) {
    if (points.empty()) low = high = s.latency_ms;
    low = std::min(low, s.latency_ms);
    high = std::max(high, s.latency_ms);
    points.push_back({static_cast<double>(s.latency_ms), age_label(now - s.time)});
  }
  std::string out = std::string(event) + printf_text(" - high %lu ms, low %lu ms (all time high %lu ms)\n",
                                                     static_cast<unsigned long>(high),
                                                     static_cast<unsigned long>(low),
                                                     static_cast<unsigned long>(series.worst_ms));
  constexpr size_t kColumns = 80;
  out += std::string(kColumns, '-') + "\n";
  double min = points.empty() ? 0 : points[0].value, max = min;
  for (const Point& p : points) {
    min = std::min(min, p.value);
    max = std::max(max, p.value);
  }
  for (size_t j = 0; j < points.size(); j += kColumns) {
    if (j != 0) out += '\n';
    render_range(out, points, min, max, j, std::min(kColumns, points.size() - j));
  }
  return out;
}

std::string LatencyMonitor::report(const Settings& settings, int64_t now) const {
  if (events_.empty() && settings.threshold_ms == 0)
    return "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis instance. You may use "
           "\"CONFIG SET latency-monitor-threshold <milliseconds>.\" in order to enable it. If we weren't in a deep "
           "space mission I'd suggest to take a look at https://redis.io/topics/latency-monitor.\n";
  std::string out;
  bool slowlog_enabled = false, slowlog_tuning = false, slowlog_inspect = false, scheduler = false, hz = false,
       large_objects = false, mass_eviction = false;
  int advices = 0, number = 0;
  for (const auto& [event, series] : events_) {
    if (++number == 1)
      out += "Dave, I have observed latency spikes in this Redis instance. You don't mind talking about it, do you "
             "Dave?\n\n";
    const Analysis a = analyze(series, now);
    out += printf_text("%d. %s: %d latency spikes (average %lums, mean deviation %lums, period %.2f sec). Worst all "
                       "time event %lums.",
                       number, event.c_str(), static_cast<int>(a.samples), static_cast<unsigned long>(a.average),
                       static_cast<unsigned long>(a.mean_deviation),
                       static_cast<double>(a.period) / static_cast<double>(a.samples),
                       static_cast<unsigned long>(series.worst_ms));
    if (equals_ci(event, "command")) {
      if (settings.slowlog_slower_than_us < 0) {
        slowlog_enabled = true;
        ++advices;
      } else if (settings.slowlog_slower_than_us / 1000 > settings.threshold_ms) {
        slowlog_tuning = true;
        ++advices;
      }
      slowlog_inspect = large_objects = true;
      advices += 2;
    }
    if (equals_ci(event, "fast-command")) scheduler = true, ++advices;
    if (equals_ci(event, "expire-cycle")) hz = large_objects = true, advices += 2;
    if (equals_ci(event, "eviction-del")) large_objects = true, ++advices;
    if (equals_ci(event, "eviction-cycle")) mass_eviction = true, ++advices;
    out += '\n';
  }
  if (settings.huge_pages) ++advices;
  if (number == 0 && advices == 0)
    return out + "Dave, no latency spike was observed during the lifetime of this Redis instance, not in the "
                 "slightest bit. I honestly think you ought to sit down calmly, take a stress pill, and think things "
                 "over.\n";
  if (number > 0 && advices == 0)
    return out + "\nWhile there are latency events logged, I'm not able to suggest any easy fix. Please use the Redis "
                 "community to get some help, providing this report in your help request.\n";
  out += "\nI have a few advices for you:\n\n";
  const auto threshold_us = static_cast<unsigned long long>(settings.threshold_ms) * 1000;
  if (slowlog_enabled)
    out += printf_text("- There are latency issues with potentially slow commands you are using. Try to enable the "
                       "Slow Log Redis feature using the command 'CONFIG SET slowlog-log-slower-than %llu'. If the "
                       "Slow log is disabled Redis is not able to log slow commands execution for you.\n",
                       threshold_us);
  if (slowlog_tuning)
    out += printf_text("- Your current Slow Log configuration only logs events that are slower than your configured "
                       "latency monitor threshold. Please use 'CONFIG SET slowlog-log-slower-than %llu'.\n",
                       threshold_us);
  if (slowlog_inspect)
    out += "- Check your Slow Log to understand what are the commands you are running which are too slow to execute. "
           "Please check https://redis.io/commands/slowlog for more information.\n";
  if (scheduler)
    out += "- The system is slow to execute Redis code paths not containing system calls. This usually means the "
           "system does not provide Redis CPU time to run for long periods. You should try to:\n"
           "  1) Lower the system load.\n"
           "  2) Use a computer / VM just for Redis if you are running other software in the same system.\n"
           "  3) Check if you have a \"noisy neighbour\" problem.\n"
           "  4) Check with 'redis-cli --intrinsic-latency 100' what is the intrinsic latency in your system.\n"
           "  5) Check if the problem is allocator-related by recompiling Redis with MALLOC=libc, if you are using "
           "Jemalloc. However this may create fragmentation problems.\n";
  if (hz && settings.hz < 100)
    out += "- In order to make the Redis keys expiring process more incremental, try to set the 'hz' configuration "
           "parameter to 100 using 'CONFIG SET hz 100'.\n";
  if (large_objects)
    out += "- Deleting, expiring or evicting (because of maxmemory policy) large objects is a blocking operation. If "
           "you have very large objects that are often deleted, expired, or evicted, try to fragment those objects "
           "into multiple smaller objects.\n";
  if (mass_eviction)
    out += "- Sudden changes to the 'maxmemory' setting via 'CONFIG SET', or allocation of large objects via sets or "
           "sorted sets intersections, STORE option of SORT, Redis Cluster large keys migrations (RESTORE command), "
           "may create sudden memory pressure forcing the server to block trying to evict keys. \n";
  if (settings.huge_pages)
    out += "- I detected a non zero amount of anonymous huge pages used by your process. This creates very serious "
           "latency events in different conditions, especially when Redis is persisting on disk. To disable THP "
           "support use the command 'echo never > /sys/kernel/mm/transparent_hugepage/enabled', make sure to also "
           "add it into /etc/rc.local so that the command will be executed again after a reboot. Note that even if "
           "you have already disabled THP, you still need to restart the Redis process to get rid of the huge pages "
           "already created.\n";
  return out;
}

bool process_uses_huge_pages() {
  std::ifstream smaps("/proc/self/smaps_rollup");
  std::string field;
  uint64_t kilobytes = 0;
  while (smaps >> field) {
    if (field == "AnonHugePages:" && smaps >> kilobytes) return kilobytes > 0;
  }
  return false;
}

}  // namespace arbor::core
