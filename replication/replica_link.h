// The replica side: one coroutine that speaks to our primary as Redis 7.0's
// replica does (PING, AUTH, REPLCONF listening-port / capa, PSYNC), loads a
// full snapshot into fresh databases and swaps it in only when whole, then
// applies the command stream through the dispatcher with replies dropped,
// keeping the bytes verbatim in our own backlog so our sub-replicas and a
// later promotion share the primary's offsets. On any failure it closes,
// waits a second and starts again. Loop thread only.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "replication/history.h"
#include "replication/peer_connection.h"
#include "server/core/client_state.h"

namespace arbor::replication {

class ReplicationService;

class ReplicaLink : public std::enable_shared_from_this<ReplicaLink> {
 public:
  enum class State : uint8_t { kConnect, kConnecting, kHandshake, kTransfer, kConnected };

  // `stream_db`: the database the primary's stream continues in.
  ReplicaLink(ReplicationService& service, std::string host, int port, int stream_db);
  ~ReplicaLink();
  void start();
  // A promoted replica's catch-up with a sibling (promotion_catch_up.h):
  // not announced as a replica, and only our own history is taken from it.
  // Before start().
  void catch_up_only() { catch_up_only_ = true; }
  // Ends the link for good (REPLICAOF NO ONE, another primary, shutdown).
  void stop();
  void cron(int64_t now_ms);
  // Closes the connection and reconnects at once, asking to continue
  // (CLIENT KILL TYPE master, as Redis caches its master).
  void drop();
  // Another replica of our primary is being promoted in its place on our
  // history: we stop following (and acknowledging) it for `ms`, or until
  // REPLICAOF, so that no write our primary takes meanwhile counts as
  // acknowledged by us (promotion_catch_up.h).
  void hold_off(int64_t ms);
  bool holding_off() const;
  // REPLCONF ACK <offset>, now (every second, and on GETACK).
  void send_ack();
  // The operator insists (REPLICAOF again): the next full sync may replace
  // our data even if replica-protect-data would refuse it.
  void allow_replacing_data() { allow_replacing_data_ = true; }
  // True while we refuse our primary's snapshot to protect our data, and
  // why (history.h).
  bool protecting_data() const { return refusal_.kind != FullSyncVerdict::Kind::kAccept; }
  const FullSyncVerdict& refusal() const { return refusal_; }

  int stream_db() const { return master_client_.db; }
  const std::string& host() const { return peer_.host(); }
  int port() const { return peer_.port(); }
  State state() const { return state_; }
  // ROLE's words: connect, connecting, handshake, sync, connected.
  const char* state_name() const;
  bool ever_synced() const { return ever_synced_; }
  int64_t last_io_ms() const { return peer_.last_io_ms(); }
  int64_t down_since_ms() const { return down_since_ms_; }
  int64_t transfer_size() const { return peer_.transfer_size(); }  // -1: EOF-marked, unknown
  uint64_t transfer_read() const { return peer_.transfer_read(); }

 private:
  asio::awaitable<void> run();
  // One connection's whole life; returns when it fails.
  asio::awaitable<void> session();
  asio::awaitable<bool> wait_for_script_end();
  asio::awaitable<bool> full_sync(std::string replid, uint64_t offset);
  bool may_replace_data(const PeerHistory& primary, const std::string& replid, uint64_t offset);
  asio::awaitable<void> follow_stream();
  void queue_write(std::string bytes);
  // Our primary's other replicas, for a promotion's catch-up: read from
  // its INFO at each connection and every few seconds while connected.
  asio::awaitable<void> refresh_siblings();
  void note_siblings(const PeerHistory& primary);

  ReplicationService& service_;
  PeerConnection peer_;
  asio::steady_timer retry_timer_;
  core::ClientState master_client_;
  std::string out_queue_;
  bool writing_ = false;
  bool stopped_ = false;
  bool reconnect_now_ = false;
  int oom_streak_ = 0;            // attempts in a row that ran out of memory
  bool ever_synced_ = false;
  bool allow_replacing_data_ = false;
  bool catch_up_only_ = false;
  int64_t siblings_asked_ms_ = 0;
  int64_t hold_until_ms_ = 0;
  std::vector<std::shared_ptr<PeerConnection>> queries_;  // for stop()
  FullSyncVerdict refusal_;
  State state_ = State::kConnect;
  int64_t down_since_ms_ = 0;
  int64_t last_ack_ms_ = 0;
  int64_t last_timeout_ms_ = 0;
};

}  // namespace arbor::replication
