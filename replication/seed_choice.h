// Which replica a booting primary seeds from: each candidate's replication
// state as its INFO reports it, and the ranking (newest history, then the
// most advanced offset, then the lowest lag, then list order). Pure
// functions, no I/O, so the choice is unit-tested on its own.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace arbor::replication {

struct SeedCandidate {
  std::string address;  // "host:port", as configured or remembered
  // Filled from its INFO server / replication / keyspace when it answered.
  bool answered = false;
  bool is_arbor = false;
  std::string role;  // "slave" or "master"
  std::string run_id;
  std::string replid;
  std::string replid2;
  uint64_t offset = 0;
  uint64_t backlog_first = 0;  // repl_backlog_first_byte_offset
  uint64_t backlog_histlen = 0;
  int64_t lag_seconds = 0;  // since it last heard from its primary
  uint64_t keys = 0;
};

// Reads the fields above from an INFO reply's text; false if it lacks the
// replication section.
bool read_candidate_info(std::string_view info, SeedCandidate& candidate);

// Why a candidate that answered cannot seed us; nullopt when it can.
std::optional<std::string> unusable_reason(const SeedCandidate& candidate, std::string_view our_run_id);

// Indexes of the usable candidates, best first. One history is newer than
// another when a candidate on it names the other as its replid2 (it moved
// on from it); among the rest, higher offsets, then lower lag, then earlier
// in the list win.
std::vector<size_t> rank_candidates(const std::vector<SeedCandidate>& candidates, std::string_view our_run_id);

}  // namespace arbor::replication
