#include "replication/seed_choice.h"

#include <algorithm>

#include "protocol/number_format.h"

namespace arbor::replication {
namespace {

template <typename Visit>
void for_each_line(std::string_view info, Visit visit) {
  size_t at = 0;
  while (at < info.size()) {
    size_t end = info.find('\n', at);
    if (end == std::string_view::npos) end = info.size();
    std::string_view line = info.substr(at, end - at);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    visit(line);
    at = end + 1;
  }
}

std::optional<std::string_view> field(std::string_view info, std::string_view name) {
  std::optional<std::string_view> found;
  for_each_line(info, [&](std::string_view line) {
    if (!found && line.size() > name.size() && line.starts_with(name) && line[name.size()] == ':')
      found = line.substr(name.size() + 1);
  });
  return found;
}

uint64_t number(std::string_view info, std::string_view name) {
  const auto text = field(info, name);
  const auto value = text ? protocol::parse_int64(*text) : std::nullopt;
  return value && *value > 0 ? static_cast<uint64_t>(*value) : 0;
}

// The keyspace section's "db0:keys=12,expires=0,avg_ttl=0" lines, summed.
uint64_t keys_in(std::string_view info) {
  uint64_t keys = 0;
  for_each_line(info, [&](std::string_view line) {
    const size_t at = line.find(":keys=");
    if (!line.starts_with("db") || at == std::string_view::npos) return;
    std::string_view count = line.substr(at + 6);
    count = count.substr(0, count.find(','));
    keys += static_cast<uint64_t>(std::max<int64_t>(0, protocol::parse_int64(count).value_or(0)));
  });
  return keys;
}

}  // namespace

bool read_candidate_info(std::string_view info, SeedCandidate& c) {
  const auto role = field(info, "role");
  const auto replid = field(info, "master_replid");
  if (!role || !replid) return false;
  c.answered = true;
  c.is_arbor = field(info, "arbor_version").has_value();
  c.role = std::string(*role);
  c.run_id = std::string(field(info, "run_id").value_or(""));
  c.replid = std::string(*replid);
  c.replid2 = std::string(field(info, "master_replid2").value_or(""));
  c.offset = number(info, "master_repl_offset");
  c.backlog_first = number(info, "repl_backlog_first_byte_offset");
  c.backlog_histlen = number(info, "repl_backlog_histlen");
  const auto down = field(info, "master_link_down_since_seconds");
  const auto io = field(info, "master_last_io_seconds_ago");
  c.lag_seconds = protocol::parse_int64(down ? *down : io.value_or("0")).value_or(0);
  if (c.lag_seconds < 0) c.lag_seconds = INT32_MAX;  // never heard from it
  c.keys = keys_in(info);
  return true;
}

std::optional<std::string> unusable_reason(const SeedCandidate& c, std::string_view our_run_id) {
  if (!c.answered) return "it did not answer";
  if (!c.is_arbor) return "it is not arbor (a Redis replica answers -NOMASTERLINK to PSYNC while its link is down)";
  if (!our_run_id.empty() && c.run_id == our_run_id) return "it is this server";
  if (c.role != "slave") return "it is a primary, not a replica";
  return std::nullopt;
}

std::vector<size_t> rank_candidates(const std::vector<SeedCandidate>& candidates, std::string_view our_run_id) {
  std::vector<size_t> usable;
  for (size_t i = 0; i < candidates.size(); ++i)
    if (!unusable_reason(candidates[i], our_run_id)) usable.push_back(i);
  // A history some usable candidate moved on from is older.
  auto superseded = [&](const SeedCandidate& c) {
    return std::any_of(usable.begin(), usable.end(), [&](size_t other) {
      const SeedCandidate& o = candidates[other];
      return o.replid != c.replid && o.replid2 == c.replid;
    });
  };
  std::stable_sort(usable.begin(), usable.end(), [&](size_t a, size_t b) {
    const SeedCandidate& x = candidates[a];
    const SeedCandidate& y = candidates[b];
    const bool x_old = superseded(x), y_old = superseded(y);
    if (x_old != y_old) return !x_old;
    if (x.offset != y.offset) return x.offset > y.offset;
    return x.lag_seconds < y.lag_seconds;
  });
  return usable;
}

}  // namespace arbor::replication
