// Everything one server instance holds that commands may need beyond their
// database: the databases, the configuration, the client registry, the
// command table and the statistics. Built by main.cpp and passed down
// explicitly; there are no globals. Loop thread only.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "server/core/blocking.h"
#include "server/core/client_eviction.h"
#include "server/core/client_state.h"
#include "server/core/command_table.h"
#include "server/core/config.h"
#include "server/core/eviction.h"
#include "server/core/instance_parts.h"
#include "server/core/latency_monitor.h"
#include "server/core/propagation.h"
#include "server/core/pubsub.h"
#include "server/core/script_host.h"
#include "server/core/monitor.h"
#include "server/core/slowlog.h"
#include "server/core/tracking.h"
#include "server/core/watch.h"
#include "server/keyspace/database.h"
#include "server/keyspace/lazy_free.h"

namespace arbor::core {

// Wall-clock milliseconds / microseconds since the Unix epoch.
int64_t unix_time_ms();
int64_t unix_time_us();

struct Stats {
  int64_t start_time_ms = 0;
  uint64_t total_connections_received = 0;
  uint64_t total_commands_processed = 0;
  uint64_t rejected_connections = 0;
  uint64_t keyspace_hits = 0;
  uint64_t keyspace_misses = 0;
  uint64_t net_input_bytes = 0;
  uint64_t net_output_bytes = 0;
  uint64_t total_error_replies = 0;
  uint64_t unexpected_error_replies = 0;
  uint64_t expired_stale_perc = 0;
  uint64_t client_query_buffer_limit_disconnections = 0;
  uint64_t client_output_buffer_limit_disconnections = 0;
  uint64_t sync_full = 0;         // full syncs this node served
  uint64_t sync_partial_ok = 0;   // PSYNCs answered +CONTINUE
  uint64_t sync_partial_err = 0;  // PSYNCs that had to become full syncs
  uint64_t rdb_saves = 0;                 // successful SAVEs and BGSAVEs
  uint64_t rdb_last_load_keys_loaded = 0;
  uint64_t rdb_last_load_keys_expired = 0;
  uint64_t expire_cycle_us = 0;           // time in active expiry (expire_cycle_cpu_milliseconds)
  uint64_t total_reads_processed = 0;     // socket reads that returned data
  uint64_t total_writes_processed = 0;    // socket writes
  uint64_t evicted_clients = 0;         // closed by maxmemory-clients
  uint64_t allocation_failures = 0;     // commands failed by an allocation (OOM replies)
  uint64_t partial_write_failures = 0;  // of those, writes that failed inside their handler
  // Error replies by their first word ("ERR", "WRONGTYPE" ...), for INFO
  // errorstats; at most kMaxErrorCodes distinct codes, as Redis.
  static constexpr size_t kMaxErrorCodes = 128;
  std::map<std::string, uint64_t, std::less<>> error_codes;
};

// Rate over the last 16 samples (Redis's trackInstantaneousMetric).
class RateMeter {
 public:
  void sample(uint64_t total, int64_t now_ms) {
    if (last_ms_ != 0 && now_ms > last_ms_) {
      samples_[index_++ % kSamples] = static_cast<double>(total - last_total_) * 1000.0 / (now_ms - last_ms_);
    }
    last_total_ = total;
    last_ms_ = now_ms;
  }
  double per_second() const {
    double sum = 0;
    for (double s : samples_) sum += s;
    return sum / kSamples;
  }

 private:
  static constexpr size_t kSamples = 16;
  double samples_[kSamples] = {};
  size_t index_ = 0;
  uint64_t last_total_ = 0;
  int64_t last_ms_ = 0;
};

class Instance {
 public:
  Instance(Config& config, CommandTable& commands);
  ~Instance();

  Config& config;
  CommandTable& commands;
  // Installed by the layers above core (instance_parts.h); first, as parts
  // below refer to it.
  ServerHooks hooks;

 private:
  // Clients, in connection order (CLIENT LIST order), and by id; declared
  // before the parts that keep references to them.
  std::vector<ClientState*> clients_;
  std::unordered_map<uint64_t, ClientState*> clients_by_id_;

 public:
  Stats stats;
  Slowlog slowlog;
  LatencyMonitor latency;
  // Records `ms` for a latency event class when latency-monitor-threshold is met.
  void latency_sample(std::string_view event, uint64_t ms) {
    latency.sample_if_needed(event, ms, config.settings().latency_monitor_threshold);
  }
  // Memory figures of INFO memory and MEMORY STATS: used_memory once the
  // server was set up (before loading data), and the highest seen.
  uint64_t startup_memory = 0;
  uint64_t peak_memory = 0;
  Monitors monitors;
  Eviction eviction{*this};
  ClientEviction client_eviction{config, stats, clients_, hooks.post};
  // The last top-level command found memory over maxmemory with nothing
  // left to evict: a script's first deny-oom call is refused then.
  bool pre_command_oom = false;
  RateMeter ops_rate, input_rate, output_rate;  // sampled by the server's timer
  keyspace::LazyFreer freer;
  PubSub pubsub;
  Watches watches;
  Blocking blocking;
  Tracking tracking{[this](uint64_t id) { return find_client(id); }};
  // The client whose top-level command runs now (the caller while a script
  // runs), null in timers: a NOLOOP tracking client is not told of its own
  // changes.
  ClientState* current_client = nullptr;
  // Writes on their way to the replication stream (see propagation.h).
  Propagation propagation;
  // Commands running now (the dispatcher's nesting); 0 in timers.
  int command_depth = 0;
  // The scripting engine (server/scripting/), created at the first script.
  std::unique_ptr<ScriptHost> scripts;
  // A script is running: timers leave the keyspace alone (no active
  // expiry), so the script sees one moment of the data.
  bool script_running = false;
  // The running script passed busy-reply-threshold: commands without the
  // allow-busy flag get -BUSY.
  bool script_busy = false;
  bool busy_script_is_function = false;  // FCALL: -BUSY names FUNCTION KILL
  // Runs `action` now, or when the running script ends.
  void after_script(std::function<void()> action) {
    if (!script_running) return action();
    after_script_.push_back(std::move(action));
  }
  // Called by the scripting engine when a script ends.
  void run_after_script_actions() {
    std::vector<std::function<void()>> actions;
    actions.swap(after_script_);
    for (auto& action : actions) action();
  }
  // Shutdown was asked for (SHUTDOWN, SIGTERM): a busy script is stopped.
  bool shutting_down = false;

  keyspace::Database& db(int index) { return *dbs_[static_cast<size_t>(index)]; }
  int db_count() const { return static_cast<int>(dbs_.size()); }
  // FLUSHALL: every database emptied; watchers of existing keys are dirty.
  void flush_all(bool async);
  void flush_db(int index, bool async);
  // SWAPDB: watchers dirty, and clients blocked on a key that now holds
  // data in its new database are served.
  void swap_databases(int a, int b);

  // A key changed (Redis's signalModifiedKey): watchers become dirty,
  // clients that may cache it are told.
  // `by_command`: false for expiry and eviction, which no client asked for.
  void touch_key(int db, std::string_view key, bool by_command = true) {
    if (!watches.empty()) watches.touch(*dbs_[static_cast<size_t>(db)], key);
    if (tracking.active()) tracking.invalidate_key(key, current_client, true, by_command);
  }
  // True when writes are being replicated: handlers build deterministic
  // rewrites (PEXPIREAT for EXPIRE ...) only then.
  bool replicating() const { return propagation.active(); }
  // A replica keeps expired keys (hidden from reads) until its primary's
  // DEL arrives, and applies past expiry times instead of deleting.
  bool is_replica() const { return replica_; }
  void set_replica(bool replica);
  // Publishes a keyspace event of class `event_class` if
  // notify-keyspace-events selects it (Redis's notifyKeyspaceEvent).
  void notify_keyspace_event(uint32_t event_class, std::string_view event, std::string_view key, int db);

  // Clients paused, as Redis's pauseClients, for two purposes: FAILOVER (and
  // a promoted replica catching up with a sibling) pauses writes until
  // resume_writes(); CLIENT PAUSE pauses writes or everything until its
  // deadline or CLIENT UNPAUSE. Paused commands (those that may write or
  // replicate, or under ALL every command) are postponed, unanswered; once
  // neither pause holds, each goes back to its client's session
  // (ClientState::rerun_args), which runs it again from scratch.
  // Replicas are not paused; keys do not expire or get evicted meanwhile.
  enum class PauseType { none, write, all };
  bool writes_paused() const { return failover_pause_ || client_pause_ != PauseType::none; }
  bool all_paused() const { return client_pause_ == PauseType::all; }
  void pause_writes() {
    failover_pause_ = true;
    pause_changed();
  }
  void resume_writes();
  // CLIENT PAUSE: the type is replaced, the deadline only ever extended.
  void pause_clients(PauseType type, int64_t end_ms);
  void unpause_clients();
  // Ends a CLIENT PAUSE whose deadline passed (the server's timer).
  void check_pause_deadline(int64_t now_ms) {
    if (client_pause_ != PauseType::none && now_ms >= client_pause_end_ms_) unpause_clients();
  }
  // Called by the dispatcher for a command it postpones.
  void postpone(ClientState& client, std::span<const std::string_view> args);

  // Blocks `client` (see CommandContext::block). Inside EXEC, or without a
  // connection, the client cannot wait: the timeout reply is written now.
  void block_client(ClientState& client, protocol::ReplyWriter& reply, std::vector<std::string> keys,
                    int64_t deadline_ms, keyspace::ValueType wanted, TimeoutReply timeout_reply,
                    std::vector<std::string> args);
  // Ends a client's wait with its timeout reply, or with `error` when given
  // (CLIENT UNBLOCK ... ERROR). No-op for a client that is not blocked.
  void unblock_client(ClientState& client, std::string_view error = {});
  uint64_t expired_keys() const;

  // Clients, in connection order (CLIENT LIST order).
  void add_client(ClientState* client);
  void remove_client(ClientState* client);
  const std::vector<ClientState*>& clients() const { return clients_; }
  ClientState* find_client(uint64_t id) const {
    auto it = clients_by_id_.find(id);
    return it == clients_by_id_.end() ? nullptr : it->second;
  }
  uint64_t next_client_id() { return ++last_client_id_; }

  // The clock commands read; unit tests may pin it to exercise expiry.
  int64_t now_ms() const { return fixed_clock_ms ? *fixed_clock_ms : unix_time_ms(); }
  std::optional<int64_t> fixed_clock_ms;

  // Active expiry: called from the server's timer; deletes expired keys for
  // at most `budget_us` microseconds. DEBUG SET-ACTIVE-EXPIRE 0 turns it off.
  void active_expire_cycle(int64_t budget_us);
  bool active_expire_enabled = true;

  // Redis's writeCommandsDeniedByDiskError: after a failed background save,
  // with save points and stop-writes-on-bgsave-error, writes (and PING)
  // get -MISCONF until a save succeeds.
  bool writes_denied_by_disk_error() const {
    const auto& s = config.settings();
    return !persistence.last_bgsave_ok && s.stop_writes_on_bgsave_error && !s.save.empty();
  }

  // The save SHUTDOWN/SIGTERM make: `forced` (SHUTDOWN SAVE) or with save
  // points configured. False when the save failed (logged).
  // `exit_anyway` (FORCE): a failed save is logged and reported as done.
  bool save_before_exit(bool forced, bool exit_anyway = false);

  // The parts the layers above core keep or install (instance_parts.h).
  ReplicationStatus repl;
  PersistenceStatus persistence;
  ServerIdentity identity;

 private:
  std::vector<std::unique_ptr<keyspace::Database>> dbs_;
  bool replica_ = false;
  void forget_client_state(ClientState& client);
  void empty_db(int index, bool async);  // flush_db without the tracking message

  bool failover_pause_ = false;
  PauseType client_pause_ = PauseType::none;
  int64_t client_pause_end_ms_ = 0;
  void pause_changed();  // expiry follows the pause; postponed commands run once it is over
  void schedule_release();
  void release_postponed();
  std::vector<ClientState*> released_;  // postponed, pause over, to run again
  bool release_scheduled_ = false;
  std::vector<ClientState*> postponed_;
  std::vector<std::function<void()>> after_script_;
  uint64_t last_client_id_ = 0;
  size_t expire_next_db_ = 0;
};

}  // namespace arbor::core
