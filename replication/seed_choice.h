// What a booting primary decides from its replicas' INFO (and Sentinel's
// hellos): whether another node took over (the fence), whether enough
// replicas answered for no acknowledged write to be missed (the quorum),
// and which replica to seed from (newest history, then the most advanced
// offset, then the lowest lag, then list order). Pure functions, no I/O,
// so every decision is unit-tested on its own.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "replication/history.h"

namespace arbor::replication {

// Its history (role, replid, replid2, offsets, its primary) as history.h
// reads a node's INFO, and what seeding needs besides.
struct SeedCandidate : PeerHistory {
  std::string address;  // "host:port", as configured or remembered
  // Filled from its INFO server / replication / keyspace when it answered.
  bool answered = false;
  bool is_arbor = false;
  std::string run_id;
  uint64_t backlog_first = 0;  // repl_backlog_first_byte_offset
  uint64_t backlog_histlen = 0;
  int64_t lag_seconds = 0;  // since it last heard from its primary
  uint64_t keys = 0;
  // From <dir>/arbor-replicas: it synced with us (a WAIT may have counted
  // it), and, if it had left before we stopped, what it had acknowledged.
  // Rounds left before it may seed us again after its transfer failed.
  int skip_rounds = 0;
  bool known = false;
  bool left = false;
  std::string left_replid;
  uint64_t left_offset = 0;
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

// The fence: another node took over while we were down when a candidate
// was promoted on our history (its replid2 is our replid), or a known
// replica follows a primary that is not us (nor one of our own replicas, a
// chain). Returns the primary to follow and why.
struct Takeover {
  std::string host;
  int port = 0;
  std::string why;
};
using IsThisNode = std::function<bool(std::string_view host, int port)>;
// `our_replids`: the histories we wrote or followed (the dump's, the one
// in arbor-state); empty strings are ignored.
std::optional<Takeover> find_takeover(const std::vector<SeedCandidate>& candidates,
                                      const std::vector<std::string>& our_replids, std::string_view our_run_id,
                                      const IsThisNode& is_this_node);

// The durability rule: a write acknowledged by WAIT k is on k of the R
// known replicas, so seeding must hear from R - k + 1 of them to be sure to
// see it (an answer counts when the replica can seed us). A known replica
// that is silent is still covered when it had left at an offset that an
// answering replica holds on the same history.
struct SeedQuorum {
  int known = 0;    // R
  int needed = 0;   // R - k + 1 (0 when k is 0)
  int covered = 0;  // answered, or left behind one that answered
  std::vector<std::string> missing;  // known replicas neither answered nor covered
  bool met() const { return covered >= needed; }
};
SeedQuorum assess_quorum(const std::vector<SeedCandidate>& candidates, int64_t safe_wait, std::string_view our_run_id);

// A promoted replica's catch-up (promotion_catch_up.h): of R siblings, how
// many it hears from before it takes writes (R - k + 1 for seed-safe-wait
// k: a write WAIT k acknowledged is on k of the R + 1 replicas, us among
// them), and the sibling to follow first, the most advanced on our history
// past our offset (nullopt: none is ahead of us).
int64_t siblings_needed(int64_t siblings, int64_t safe_wait);
std::optional<size_t> sibling_ahead(const std::vector<SeedCandidate>& siblings, const History& ours,
                                    std::string_view our_run_id);

}  // namespace arbor::replication
