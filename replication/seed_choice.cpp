#include "replication/seed_choice.h"

#include <algorithm>

#include "protocol/number_format.h"
#include "replication/info_text.h"

namespace arbor::replication {
namespace {

uint64_t number(std::string_view info, std::string_view name) {
  return static_cast<uint64_t>(std::max<int64_t>(0, info_integer(info, name)));
}

// The keyspace section's "db0:keys=12,expires=0,avg_ttl=0" lines, summed.
uint64_t keys_in(std::string_view info) {
  uint64_t keys = 0;
  for_each_info_line(info, [&](std::string_view line) {
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
  PeerHistory history = read_peer_history(info);
  if (!history.known) return false;
  static_cast<PeerHistory&>(c) = std::move(history);
  c.answered = true;
  c.is_arbor = info_field(info, "arbor_version").has_value();
  c.run_id = std::string(info_field(info, "run_id").value_or(""));
  c.backlog_first = number(info, "repl_backlog_first_byte_offset");
  c.backlog_histlen = number(info, "repl_backlog_histlen");
  const auto down = info_field(info, "master_link_down_since_seconds");
  const auto io = info_field(info, "master_last_io_seconds_ago");
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
  if (c.skip_rounds > 0) return "its snapshot transfer just failed";
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

std::optional<Takeover> find_takeover(const std::vector<SeedCandidate>& candidates,
                                      const std::vector<std::string>& our_replids, std::string_view our_run_id,
                                      const IsThisNode& is_this_node) {
  auto ours = [&](const std::string& replid) {
    return !replid.empty() && std::find(our_replids.begin(), our_replids.end(), replid) != our_replids.end();
  };
  auto address_of = [](const SeedCandidate& c, std::string& host, int& port) {
    const size_t colon = c.address.rfind(':');
    host = c.address.substr(0, colon);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    port = static_cast<int>(protocol::parse_int64(std::string_view(c.address).substr(colon + 1)).value_or(0));
  };
  // A replica of one of our own replicas follows it, not a new primary.
  auto follows_us = [&](const std::string& host, int port) {
    if (is_this_node(host, port)) return true;
    for (const SeedCandidate& c : candidates) {
      std::string h;
      int p = 0;
      address_of(c, h, p);
      if (p == port && h == host && c.answered && c.role == "slave" && is_this_node(c.master_host, c.master_port))
        return true;
    }
    return false;
  };
  for (const SeedCandidate& c : candidates) {
    if (!c.answered || (!our_run_id.empty() && c.run_id == our_run_id)) continue;
    if (c.role == "master" && ours(c.replid2)) {
      Takeover t;
      address_of(c, t.host, t.port);
      t.why = "replica " + c.address + " was promoted on our history " + c.replid2 + " (up to offset " +
              std::to_string(c.second_offset - 1) + ") and is a primary now";
      return t;
    }
    // (Only a replica that synced with us moved away: a seed-from entry may
    // always have followed another primary.)
    if (c.known && c.role == "slave" && !c.master_host.empty() && !follows_us(c.master_host, c.master_port)) {
      Takeover t{c.master_host, c.master_port,
                 "replica " + c.address + " follows " + c.master_host + ":" + std::to_string(c.master_port) +
                     ", another primary"};
      return t;
    }
  }
  return std::nullopt;
}

SeedQuorum assess_quorum(const std::vector<SeedCandidate>& candidates, int64_t safe_wait, std::string_view our_run_id) {
  SeedQuorum q;
  for (const SeedCandidate& c : candidates) q.known += c.known;
  q.needed = safe_wait <= 0 ? 0 : std::max<int>(0, q.known - static_cast<int>(safe_wait) + 1);
  // Holds `replid` up to at least `offset`: on it now, or moved on from it later.
  auto usable = [&](const SeedCandidate& c) { return !unusable_reason(c, our_run_id).has_value(); };
  auto holds = [&](const SeedCandidate& c, const std::string& replid, uint64_t offset) {
    if (!usable(c)) return false;
    if (c.replid == replid) return c.offset >= offset;
    return c.replid2 == replid && c.second_offset > 0 && static_cast<uint64_t>(c.second_offset - 1) >= offset;
  };
  for (const SeedCandidate& c : candidates) {
    if (!c.known) continue;
    bool covered = usable(c);
    for (size_t i = 0; i < candidates.size() && !covered && c.left; ++i)
      covered = holds(candidates[i], c.left_replid, c.left_offset);
    if (covered) ++q.covered;
    else q.missing.push_back(c.address);
  }
  return q;
}

int64_t siblings_needed(int64_t siblings, int64_t safe_wait) {
  if (safe_wait <= 0) return 0;
  return std::clamp<int64_t>(siblings - safe_wait + 1, 0, siblings);
}

std::optional<size_t> sibling_ahead(const std::vector<SeedCandidate>& siblings, const History& ours,
                                    std::string_view our_run_id) {
  std::optional<size_t> best;
  for (size_t i = 0; i < siblings.size(); ++i) {
    const SeedCandidate& s = siblings[i];
    if (!s.answered || s.run_id == our_run_id || s.replid != ours.replid || s.offset <= ours.offset) continue;
    if (!best || s.offset > siblings[*best].offset) best = i;
  }
  return best;
}

}  // namespace arbor::replication
