// Replication on one node: the history (replid, replid2, offset), the
// backlog, the replicas attached to this node (primary side) and the link
// to this node's own primary (replica side). It is the core::ReplicationFeed
// the dispatcher hands writes to; every node keeps a backlog once it has a
// replica or a primary, so any node can serve PSYNC (chains, promotion,
// seeding). Loop thread only.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "replication/backlog.h"
#include "replication/history.h"
#include "replication/known_replicas.h"
#include "replication/node_state.h"
#include "replication/persistence.h"
#include "replication/promotion_catch_up.h"
#include "replication/seeder.h"
#include "replication/snapshot.h"
#include "server/core/dispatcher.h"
#include "server/core/instance.h"
#include "server/core/propagation.h"
#include "server/net/asio.h"

namespace arbor::replication {

namespace asio = net::asio;
using net::tcp;

class ReplicaLink;

// A connection that sent SYNC/PSYNC to us, or is about to (REPLCONF first).
struct AttachedReplica {
  enum class State : uint8_t { kHandshake, kWaitSnapshot, kSendSnapshot, kWaitFirstAck, kOnline };
  core::ClientState* client = nullptr;
  State state = State::kHandshake;
  bool capa_eof = false;
  bool capa_psync2 = false;
  bool is_arbor = false;   // REPLCONF capa arbor: can load note trees
  bool rdb_only = false;   // redis-cli --rdb: the snapshot, then goodbye
  bool old_sync = false;   // SYNC: no +FULLRESYNC line
  int listening_port = 0;
  std::string announced_ip;
  uint64_t ack_offset = 0;
  int64_t last_ack_ms = 0;
  std::string pending;  // stream bytes that follow the snapshot
  std::string bulk;     // the whole snapshot, for a replica without capa eof
  std::string eof_mark;
  // A snapshot target whose socket stopped draining (Redis's "streaming
  // sync" timeout): the unsent bytes last seen and since when.
  size_t stalled_unsent = 0;
  int64_t stalled_since_ms = 0;

  std::string ip() const;
  const char* state_name() const;
};

class ReplicationService : public core::ReplicationFeed {
 public:
  // `dispatcher` applies our primary's stream when we are a replica.
  ReplicationService(core::Instance& instance, core::Dispatcher& dispatcher, asio::io_context& io);
  ~ReplicationService() override;

  // core::ReplicationFeed: commands this node executes, in the stream's form.
  bool active() const override { return backlog_.has_value() && !proxying_; }
  void feed(int db, std::string_view command) override;
  void lost_write(std::string_view why) override;
  // A replica whose data no longer matches any offset (a command of the
  // stream failed half-way): no history, no backlog; the next sync is full.
  void forget_history(std::string_view why);
  void reserve(size_t bytes) override;

  // The history.
  const History& history() const { return history_; }
  const std::string& replid() const { return history_.replid; }
  const std::string& replid2() const { return history_.replid2; }
  uint64_t offset() const { return history_.offset; }
  const std::optional<Backlog>& backlog() const { return backlog_; }

  // Primary side (primary_side.cpp).
  AttachedReplica& replica_for(core::ClientState& client);
  void psync(core::CommandContext& ctx, std::string_view replid, std::string_view offset_text, bool old_sync,
             bool failover = false);
  void ack(core::ClientState& client, uint64_t offset);
  const std::map<core::ClientState*, std::unique_ptr<AttachedReplica>>& replicas() const { return replicas_; }
  int online_replicas() const;
  int replicas_acked(uint64_t offset) const;
  // WAIT: blocks the client until `count` replicas acknowledged `offset`.
  void wait(core::CommandContext& ctx, int64_t count, int64_t timeout_ms);

  // Replica side (replica_link.cpp).
  void replicate_from(std::string host, int port);
  // REPLICAOF NO ONE: promotes us, after catching up with a sibling that
  // is ahead (promotion_catch_up.h) when our primary listed others.
  // FAILOVER's handover passes false: its target is the most advanced.
  // `failover_decided`: a failover engine (Sentinel) promotes us, so the
  // siblings stop following the old primary even if it answers.
  void become_primary(bool catch_up_with_siblings = true, bool failover_decided = false);
  // Our primary's other replicas, from its INFO (this node left out).
  void set_siblings(const std::vector<std::string>& replicas);
  const std::vector<std::string>& siblings() const { return siblings_; }
  // REPLCONF promoting <replid> old-primary <host:port> from `who`: a
  // replica of that primary is promoted in its place; when it is ours and we
  // follow that history, we stop following it (ReplicaLink::hold_off) until
  // REPLICAOF, at most kHoldOffMs: Sentinel's default failover-timeout,
  // the time it gives itself to point the replicas at the new primary (a
  // shorter hold let a sibling cut off from Sentinel go back to the old
  // primary and acknowledge writes the failover then dropped).
  void hold_off_primary(std::string_view replid, std::string_view old_primary, std::string_view who);
  static constexpr int64_t kHoldOffMs = 180000;
  // The catch-up is over (`outcome` says how): we promote ourselves.
  void end_catch_up(std::string_view outcome);
  bool is_replica() const { return link_ != nullptr; }
  ReplicaLink* link() const { return link_.get(); }
  // The stream from our primary: applied by the link, then kept verbatim.
  void append_from_primary(std::string_view bytes) { append(bytes); }
  // After a full sync from our primary: its history becomes ours.
  // `stream_db` is the database our primary's stream continues in (a
  // replica restarted from its dump resumes mid-stream).
  void adopt_history(std::string replid, uint64_t offset, int stream_db = 0);
  // The database the stream's next command applies to (repl-stream-db).
  int stream_db() const;
  // The replication fields a snapshot taken now carries (Redis's rdbSaveInfo):
  // a restarted node continues its history from them.
  SnapshotAux snapshot_aux() const;
  // +CONTINUE with a new id: our primary was promoted.
  void switch_replid(std::string replid);
  // We start taking writes as a primary (REPLICAOF NO ONE, a finished
  // seeding, a restart from our dump): a new history that keeps the old
  // one as replid2 up to our offset (history.h). `why` is logged.
  void promote(std::string_view why);
  // A node that was not serving (booting, seeding) starts taking writes as
  // a primary: promote() when it holds a history from before.
  void start_serving(std::string_view why);
  // True while our replid is a history we wrote as its primary (and so
  // our bytes on it past a successor's fork are ours, not replicated).
  bool wrote_history() const { return wrote_history_; }
  void set_wrote_history(bool wrote) { wrote_history_ = wrote; }
  void disconnect_replicas();
  // A full sync's snapshot: parsed into fresh databases and swapped in only
  // when whole; false with `error` leaves the old data serving.
  bool load_from_primary(std::string_view rdb, std::string& error);

  // BGSAVE [SCHEDULE] (background_save.cpp).
  void bgsave(bool schedule, protocol::ReplyWriter& reply);
  // Stops a snapshot in progress (its replicas and dump file get nothing
  // more): the dataset is about to be replaced, or saved in the foreground
  // before exit, as Redis kills its child there.
  void abort_snapshot(std::string_view why);

  // FAILOVER (failover.cpp): the coordinated handover to a replica.
  enum class FailoverState : uint8_t { kNone, kWaitForSync, kInProgress };
  FailoverState failover_state() const { return failover_.state; }
  const char* failover_state_name() const;  // INFO master_failover_state
  void failover_command(core::CommandContext& ctx);
  void abort_failover(std::string_view why);
  // The handover's PSYNC was answered (+CONTINUE / +FULLRESYNC): done.
  void end_failover();
  // `PSYNC <replid> <offset> FAILOVER` reached us (the target): false when
  // refused (the error is written).
  bool accept_failover_request(core::CommandContext& ctx, std::string_view replid);

  // INFO replication / ROLE (replication_commands.cpp).
  std::string info_section() const;

  // Every replica that completed a sync with this node (seeding's list).
  const KnownReplicas& known_replicas() const { return known_replicas_; }

  // At start (boot.cpp): continues the dump's history; then follows the
  // configured primary, or decides with the fence and seeds (seeder.h), or
  // serves at once when there is nobody to ask.
  void boot(const SavedHistory& dump);
  // The fence found another primary: we become its replica.
  void follow_at_boot(const std::string& host, int port);
  // REPLICAOF while undecided ends the seeding at once; false if none ran.
  bool end_seeding(std::string_view why);
  // A PUBLISH on __sentinel__:hello: the primary it names, remembered.
  void on_sentinel_hello(std::string_view payload);
  // `host`:`port` is this server (our port, a local address).
  bool is_this_node(std::string_view host, int port) const;
  // Writes our role and history to <dir>/arbor-state (node_state.h).
  void record_role();
  const NodeState& node_state() const { return node_state_; }
  const Seeder* seeder() const { return seeder_.get(); }
  // The seeder's result: the dataset, the history at `offset`, and the
  // chosen replica's backlog bytes from `backlog_first` on.
  void adopt_seed(ParsedRdb& parsed, const std::string& replid, uint64_t offset, uint64_t backlog_first,
                  std::string_view backlog);

  core::Instance& instance() { return instance_; }
  asio::io_context& io() { return io_; }
  core::Dispatcher& dispatcher() { return dispatcher_; }

 private:
  void append(std::string_view bytes);
  void ensure_backlog();
  // A history without a past (no replid2), from `offset`, that we write
  // (`wrote`) or that we will take from our primary; recorded in arbor-state.
  void start_history(uint64_t offset, bool wrote);
  void forget(core::ClientState& client);
  void cron();
  void schedule_cron();
  // The snapshot pump: starts a snapshot for waiting replicas and feeds it
  // to them a slice at a time, yielding to the loop between slices.
  void pump();
  void pump_slices();
  void schedule_pump(int delay_ms);
  void start_snapshot();
  void snapshot_done();
  void refuse_redis_replicas();
  void go_online(AttachedReplica& replica);
  void drop(AttachedReplica& replica, const std::string& why);
  void check_waiters();
  // A full sync's or a seed's dataset replaces ours: replicas and a
  // snapshot in progress held the old one.
  void replace_dataset(ParsedRdb& parsed, std::string_view why);
  // The dump file as a target of the snapshot pump.
  bool disk_begin();
  void disk_write(std::string_view bytes);
  void disk_finish(bool complete);
  void check_save_schedule(int64_t now_ms);
  void update_good_replicas();
  void update_failover();
  void hand_over();
  AttachedReplica* find_replica(std::string_view host, int port);
  struct Failover {
    FailoverState state = FailoverState::kNone;
    int64_t end_ms = 0;  // 0: no timeout
    bool force = false;
    std::string target_host;  // empty: any replica, until one caught up
    int target_port = 0;
  };
  Failover failover_;

  core::Instance& instance_;
  core::Dispatcher& dispatcher_;
  asio::io_context& io_;
  History history_;
  bool wrote_history_ = false;
  std::optional<Backlog> backlog_;
  int stream_db_ = 0;         // the database replicas apply our stream's next command in
  bool select_next_ = true;  // a SELECT goes first anyway: after a snapshot, a new history
  bool proxying_ = false;  // a replica: the stream is our primary's bytes

  std::map<core::ClientState*, std::unique_ptr<AttachedReplica>> replicas_;
  std::unique_ptr<Snapshot> snapshot_;
  std::vector<AttachedReplica*> snapshot_targets_;
  bool pump_scheduled_ = false;
  asio::steady_timer pump_timer_;
  asio::steady_timer cron_timer_;
  int64_t last_ping_ms_ = 0;
  std::vector<core::ClientState*> waiters_;  // WAIT
  bool disk_wanted_ = false;  // a BGSAVE waits for the next snapshot
  int disk_fd_ = -1;          // the BGSAVE being written
  bool disk_failed_ = false;
  std::string disk_temp_;
  uint64_t dirty_at_bgsave_ = 0;
  int64_t last_bgsave_try_ms_ = 0;

  std::shared_ptr<ReplicaLink> link_;
  KnownReplicas known_replicas_;
  std::shared_ptr<Seeder> seeder_;
  std::vector<std::string> siblings_;
  std::shared_ptr<PromotionCatchUp> catch_up_;
  bool stop_catch_up();  // true if one was running (writes wait)
  NodeState node_state_;  // as in <dir>/arbor-state
  NodeState load_node_state() const;
  void save_node_state();
};

// The service installed on `instance` (main.cpp installs one).
ReplicationService& service_of(core::Instance& instance);

std::string random_replid();

void register_replication_commands(core::CommandTable& table);
// FUNCTION DUMP and FUNCTION RESTORE (function_payload.cpp), added to the FUNCTION container.
void register_function_payload_commands(core::CommandTable& table);
// DUMP and RESTORE (dump_restore.cpp).
void register_dump_commands(core::CommandTable& table);
// MIGRATE (migrate.cpp).
void register_migrate_command(core::CommandTable& table);

}  // namespace arbor::replication
