// Seeding: a primary that boots without the newest copy of its data asks
// its replicas for theirs before it serves. First the fence: if one of them
// was promoted in our place, or follows another primary, or a Sentinel's
// hello names another primary with a config epoch at least as new as the
// one we last saw, this node follows that primary instead of serving.
// Otherwise it waits until enough known replicas answered for no write
// acknowledged by WAIT seed-safe-wait to be missed (seed_choice.h's
// quorum). It queries every candidate's
// INFO in parallel, ranks them (seed_choice.h), pulls a full snapshot from
// the best with the ordinary handshake (every arbor replica serves PSYNC
// while its own link is down), then that replica's backlog, so replicas
// behind it continue with +CONTINUE; it adopts the replica's replid and
// offset unchanged and becomes primary of the same history. Until it is
// done the instance is `seeding`: commands that need data get -LOADING.
// A candidate that dies mid-transfer hands over to the next best; nothing
// is swapped in before a snapshot was read and parsed whole. Loop thread
// only.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "replication/peer_connection.h"
#include "replication/node_state.h"
#include "replication/seed_choice.h"

namespace arbor::replication {

class ReplicationService;

class Seeder : public std::enable_shared_from_this<Seeder> {
 public:
  enum class Phase : uint8_t { kFencing, kQuerying, kWaiting, kTransfer, kLoading, kDone };

  // What this node holds already: the dump it loaded (offset -1: no dump or
  // no history in it) and whether it has any key.
  struct OwnState {
    std::string replid;
    int64_t offset = -1;
    bool has_data = false;
  };

  // What the fence compares with: the histories we last wrote or followed,
  // the newest Sentinel config epoch we saw (-1: never monitored), and
  // whether an address is this node.
  struct FenceInputs {
    std::vector<std::string> our_replids;
    int64_t sentinel_epoch = -1;
    IsThisNode is_this_node;
  };

  Seeder(ReplicationService& service, std::vector<SeedCandidate> candidates, OwnState own, FenceInputs fence);
  void start();
  void stop();
  // Ends it now, whatever it was doing (REPLICAOF while undecided).
  void abandon(std::string_view why);
  // A PUBLISH on __sentinel__:hello while we decide.
  void on_sentinel_hello(const SentinelHello& hello);

  Phase phase() const { return phase_; }
  const char* phase_name() const;
  const std::string& chosen() const { return chosen_; }
  uint64_t bytes_loaded() const;
  // INFO replication's seeding_* lines.
  void append_info(std::string& out) const;

 private:
  asio::awaitable<void> run();
  void spawn_run();
  asio::awaitable<void> query_all();
  // One round of INFO queries: the last query to end wakes the round.
  struct Round {
    Round(asio::io_context& io, int count) : timer(io), pending(count) {}
    asio::steady_timer timer;
    int pending;
  };
  asio::awaitable<void> query(size_t index, std::shared_ptr<Round> round);
  asio::awaitable<bool> pull(size_t index);
  asio::awaitable<bool> fetch_backlog(const SeedCandidate& from, const std::string& replid, uint64_t offset,
                                      std::string& bytes);
  bool own_dump_is_newer(const SeedCandidate& best) const;
  // Done: serving as a primary (`follow` empty) or following another.
  void finish(std::string outcome);
  void follow(const Takeover& takeover);
  // The fence's verdict after a round; true once we know whether we serve.
  bool fence_decided();
  std::optional<Takeover> hello_takeover() const;
  void log_quorum_wait(const SeedQuorum& quorum);

  ReplicationService& service_;
  std::vector<SeedCandidate> candidates_;
  std::vector<bool> silent_;  // this round: connected, then no answer in time
  std::shared_ptr<Round> round_;
  OwnState own_;
  FenceInputs fence_;
  bool fencing_ = true;
  std::optional<SentinelHello> hello_;  // the newest one received
  SeedQuorum quorum_;
  int64_t quorum_logged_ms_ = 0;
  Phase phase_ = Phase::kFencing;
  std::string chosen_;
  std::string outcome_;
  uint64_t bytes_loaded_ = 0;
  std::shared_ptr<PeerConnection> transfer_;  // the pull in progress
  std::vector<std::shared_ptr<PeerConnection>> peers_;  // every open one, for stop()
  asio::steady_timer round_timer_;
  bool stopped_ = false;
  int64_t started_ms_ = 0;
  int rounds_ = 0;
};

}  // namespace arbor::replication
