// A replica promoted with REPLICAOF NO ONE (how Sentinel fails over) may be
// behind a sibling, another replica of the same primary that acknowledged
// more of its stream: writes that WAIT acknowledged may be there only.
// Redis promotes at once and those writes are gone; arbor first asks its
// siblings (the replicas its primary last listed in INFO) where they stand,
// and follows the most advanced one on the same history, as its replica,
// up to the offset it reported. Only then does the node promote itself
// (history.h), so the siblings continue with it by partial resync.
//
// When its old primary does not answer (dead, paused, cut off from us) it
// may still be taking writes that a sibling acknowledges: with its query
// each sibling is told `REPLCONF promoting <replid> old-primary <host:port>`,
// on which an arbor sibling on that history that follows that primary stops
// following it (for 180 s, or until REPLICAOF) before it answers. So the
// offset it reports is the last it acknowledged, and no write the old
// primary takes later counts as acknowledged by it. When Sentinel promotes
// us (its connections are named sentinel-...), its quorum decided the old
// primary is out and the siblings are told so without asking it; a replica
// detached by hand from a primary that answers leaves its siblings alone.
//
// It waits for its siblings as seeding waits for replicas: with R siblings
// and seed-safe-wait k, for R - k + 1 of them (a write acknowledged by WAIT k
// is on k of the R + 1 replicas, us included), at most seed-timeout. Until
// it is done the node answers INFO with role:master, so Sentinel's failover
// goes on; it serves reads (its data is a prefix of the history), holds
// writes as FAILOVER's pause does (they run once it is promoted) and
// answers PSYNC with -LOADING. REPLICAOF ends it. Loop thread only.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "replication/peer_connection.h"
#include "replication/seed_choice.h"

namespace arbor::replication {

class ReplicationService;
class ReplicaLink;

class PromotionCatchUp : public std::enable_shared_from_this<PromotionCatchUp> {
 public:
  enum class Phase : uint8_t { kQuerying, kPulling, kDone };

  // `failover_decided`: Sentinel promotes us; the siblings are told to
  // stop following the old primary without asking it first.
  PromotionCatchUp(ReplicationService& service, std::vector<std::string> siblings, std::string old_primary_host,
                   int old_primary_port, bool failover_decided);
  ~PromotionCatchUp();
  void start();
  // Ends it without promoting (REPLICAOF another primary, shutdown).
  void stop();

  Phase phase() const { return phase_; }
  // INFO replication's promotion_catch_up* lines.
  void append_info(std::string& out) const;

 private:
  asio::awaitable<void> run();
  asio::awaitable<void> query_round();
  asio::awaitable<void> query(size_t index, std::shared_ptr<int> pending, std::shared_ptr<asio::steady_timer> wake);
  asio::awaitable<void> pull(const SeedCandidate& from);
  // Promotes the node (the service takes over from here).
  void finish(std::string outcome);

  ReplicationService& service_;
  std::vector<SeedCandidate> siblings_;
  std::vector<std::shared_ptr<PeerConnection>> open_;  // for stop()
  std::shared_ptr<ReplicaLink> link_;                  // the pull
  asio::steady_timer timer_;
  Phase phase_ = Phase::kQuerying;
  bool stopped_ = false;
  int64_t started_ms_ = 0;
  std::string from_;
  uint64_t target_ = 0;
  std::string outcome_;
  std::string old_primary_host_;
  int old_primary_port_ = 0;
  bool failover_decided_ = false;
  bool fence_siblings_ = false;  // Sentinel decided, or the old primary did not answer
};

}  // namespace arbor::replication
