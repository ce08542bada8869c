// Server configuration: the parameters redis.conf, `--name value` flags,
// CONFIG GET (glob patterns) and CONFIG SET share. Each parameter is a row
// with its text form and a setter that validates and applies; the typed
// fields are what the rest of the server reads.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <unordered_map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace arbor::core {

// client-output-buffer-limit for one client class: close at `hard` bytes, or
// after staying above `soft` for `soft_seconds`; 0 disables a bound.
struct OutputLimit {
  int64_t hard = 0;
  int64_t soft = 0;
  int64_t soft_seconds = 0;
};

struct Settings {
  int port = 6379;
  std::vector<std::string> bind{"127.0.0.1", "-::1"};
  bool protected_mode = true;
  std::string requirepass;
  int64_t maxclients = 10000;
  int64_t timeout = 0;  // idle seconds, 0 = never
  std::string loglevel = "notice";
  std::string logfile;  // empty = stdout
  int64_t databases = 16;
  std::string dir = ".";
  std::string dbfilename = "dump.rdb";
  int64_t proto_max_bulk_len = 512LL * 1024 * 1024;
  int64_t hll_sparse_max_bytes = 3000;  // a sparse HyperLogLog turns dense past this size
  // RESTORE always validates a payload whole; kept for redis.conf.
  std::string sanitize_dump_payload = "no";
  // Encoding thresholds, mirrored into keyspace::encoding_limits().
  int64_t hash_max_listpack_entries = 512;
  int64_t hash_max_listpack_value = 64;
  int64_t set_max_intset_entries = 512;
  int64_t zset_max_listpack_entries = 128;
  int64_t zset_max_listpack_value = 64;
  int64_t list_max_listpack_size = -2;
  int64_t stream_node_max_bytes = 4096;
  int64_t stream_node_max_entries = 100;
  int64_t client_query_buffer_limit = 1024LL * 1024 * 1024;
  int64_t hz = 10;
  std::string save = "3600 1 300 100 60 10000";
  bool appendonly = false;
  int64_t tcp_backlog = 511;
  int64_t tcp_keepalive = 300;
  bool daemonize = false;
  std::string pidfile;  // written at start-up when set (or daemonized), removed at exit
  bool syslog_enabled = false;
  std::string syslog_ident = "redis";
  std::string syslog_facility = "local0";
  std::string unixsocket;       // a path: also listen there
  int64_t unixsocketperm = 0;   // octal mode of the socket file, 0 = as created
  // SLOWLOG: commands at least this many microseconds (negative: none).
  int64_t slowlog_log_slower_than = 10000;
  int64_t slowlog_max_len = 128;
  // LATENCY: events taking at least this many milliseconds are sampled (0: none).
  int64_t latency_monitor_threshold = 0;
  // Per-command latency histograms (LATENCY HISTOGRAM, INFO latencystats)
  // and the percentiles INFO shows.
  bool latency_tracking = true;
  std::vector<double> latency_tracking_info_percentiles{50, 99, 99.9};
  // CLIENT TRACKING: keys the invalidation table may hold (0: no limit).
  int64_t tracking_table_max_keys = 1000000;
  // shutdown-on-sigint / -sigterm: what the signal's shutdown does.
  static constexpr int kShutdownSave = 1, kShutdownNosave = 2, kShutdownNow = 4, kShutdownForce = 8;
  int shutdown_on_sigint = 0;
  int shutdown_on_sigterm = 0;
  // A failed background save refuses writes with -MISCONF until one succeeds.
  bool stop_writes_on_bgsave_error = true;
  // enable-debug-command, -protected-configs, -module-command: who may.
  enum class Permission { no, yes, local };
  Permission enable_debug_command = Permission::no;
  Permission enable_protected_configs = Permission::no;
  Permission enable_module_command = Permission::no;
  // The memory limit and what makes room under it (core/eviction.h).
  enum class EvictionPolicy {
    volatile_lru, volatile_lfu, volatile_random, volatile_ttl, allkeys_lru, allkeys_lfu, allkeys_random, noeviction
  };
  uint64_t maxmemory = 0;  // bytes, 0 = no limit
  // maxmemory-clients (core/client_eviction.h): bytes, or -N for N% of maxmemory; 0 = off.
  int64_t maxmemory_clients = 0;
  EvictionPolicy maxmemory_policy = EvictionPolicy::noeviction;
  int64_t maxmemory_samples = 5;
  int64_t maxmemory_eviction_tenacity = 10;
  int64_t lfu_log_factor = 10;
  int64_t lfu_decay_time = 1;
  bool replica_ignore_maxmemory = true;
  bool lazyfree_lazy_eviction = false;  // propagate evictions as UNLINK
  // Test hook: write the bound port to <dir>/arbor.port once listening,
  // so fixtures can start servers on port 0 without racing for ports.
  bool announce_port_file = false;
  OutputLimit output_limit_normal{};
  OutputLimit output_limit_replica{256LL << 20, 64LL << 20, 60};
  OutputLimit output_limit_pubsub{32LL << 20, 8LL << 20, 60};
  uint32_t notify_keyspace_events = 0;  // EventClass bits (keyspace_events.h)

  // Replication (names as redis.conf; the slave-* spellings are aliases).
  std::string replicaof;  // "<host> <port>" or empty
  std::string masterauth;
  std::string masteruser;
  std::string replica_announce_ip;
  int64_t replica_announce_port = 0;  // 0: the port we listen on
  int64_t replica_priority = 100;     // Sentinel promotes lower first; 0 never
  bool replica_announced = true;      // Sentinel lists us (INFO replica_announced)
  bool replica_read_only = true;
  bool replica_serve_stale_data = true;
  int64_t repl_backlog_size = 1024 * 1024;
  int64_t repl_backlog_ttl = 3600;
  int64_t repl_ping_replica_period = 10;
  int64_t repl_timeout = 60;
  int64_t min_replicas_to_write = 0;
  int64_t min_replicas_max_lag = 10;

  // Seeding (arbor-only): where a primary that starts without data looks
  // for its dataset, how long it waits, and whether it may start empty; and
  // whether a replica refuses to be wiped by an empty new primary.
  std::vector<std::string> seed_from;  // "host:port" entries
  int64_t seed_timeout = 10;
  bool seed_require = false;
  // The WAIT numreplicas whose acknowledged writes seeding must not lose:
  // of R known replicas it hears from R - k + 1 before it seeds (0: from
  // whoever answers within seed-timeout).
  int64_t seed_safe_wait = 1;
  bool replica_protect_data = true;

  // Scripting: after this long a running script makes other clients get
  // -BUSY and SCRIPT KILL / FUNCTION KILL become possible (0: never).
  int64_t busy_reply_threshold_ms = 5000;

  // Parameters arbor accepts without acting on them (config_inert.cpp),
  // by name, in their printed form.
  std::map<std::string, std::string, std::less<>> inert;
};

// Redis's config flags (server.h); a parameter's row carries them.
enum ConfigFlag : uint32_t {
  kConfigImmutable = 1u << 0,   // only the file and the command line set it
  kConfigSensitive = 1u << 1,   // value redacted where commands are shown
  kConfigMultiArg = 1u << 3,    // a list of words
  kConfigHidden = 1u << 4,      // CONFIG GET answers it by exact name only
  kConfigProtected = 1u << 5,   // CONFIG SET only with enable-protected-configs
  kConfigDenyLoading = 1u << 6, // CONFIG SET refused while loading
};

class Config {
 public:
  using Getter = std::function<std::string(const Settings&)>;
  // Validates and stores; returns Redis's error text.
  using Setter = std::function<std::optional<std::string>(Settings&, std::string_view)>;
  // Runs after the values of one CONFIG SET (or the start-up load) are
  // stored, once per changed parameter; an error undoes the whole CONFIG SET.
  using ApplyHook = std::function<std::optional<std::string>(std::string_view name)>;

  struct Param {
    std::string name;
    std::string alias;
    uint32_t flags = 0;
    Getter get;
    Setter set;
    // Accepted as Redis accepts it but without effect in arbor (README
    // "Operating"); a value other than the default is logged once.
    bool inert = false;
    std::string default_text;  // what CONFIG GET says before anything is set
  };

  // `owns_process`: `dir` changes the working directory, as Redis's does
  // (the server's Config); unit tests leave the process alone.
  explicit Config(bool owns_process = false);
  Settings& settings() { return settings_; }
  const Settings& settings() const { return settings_; }

  // Parses redis.conf text; error names the line, as redis-server does.
  std::optional<std::string> load_text(std::string_view text, std::string_view origin);
  std::optional<std::string> load_file(const std::string& path);
  // argv after the program name: [config-file] [--name value ...].
  std::optional<std::string> load_args(int argc, const char* const* argv);

  // CONFIG GET: (name, value) for every parameter matching any pattern,
  // each name once.
  std::vector<std::pair<std::string, std::string>> get(
      const std::vector<std::string_view>& patterns) const;
  // One parameter, as CONFIG SET of one pair (at start-up: as a config line).
  std::optional<std::string> set(std::string_view name, std::string_view value,
                                 bool at_startup = false);
  // CONFIG SET name value [name value ...]: Redis 7.0's checks in its order,
  // all values stored, then the apply hooks; any failure restores every
  // value. Returns the whole error line ("ERR ..." or "LOADING ...").
  struct SetContext {
    bool client_is_local = false;  // loopback or unix socket client
    bool loading = false;
  };
  std::optional<std::string> set_many(const std::vector<std::pair<std::string_view, std::string_view>>& pairs,
                                      SetContext context);
  bool is_known(std::string_view name) const;
  const Param* find(std::string_view name) const;
  const std::vector<Param>& params() const { return params_; }

  // CONFIG REWRITE: `old_text` (the file we started with) with our current
  // values, as Redis rewrites it (config_rewrite.cpp). `absolute_dir` is
  // written for `dir`.
  std::string rewrite(std::string_view old_text, const std::string& absolute_dir) const;
  void add_apply_hook(ApplyHook hook) { apply_hooks_.push_back(std::move(hook)); }
  // Parameters without effect that were given a value other than their
  // default (logged once each by the caller).
  std::vector<std::string> take_inert_notices();
  // rename-command lines, applied once the command table exists.
  const std::vector<std::pair<std::string, std::string>>& renamed_commands() const { return renamed_commands_; }

 private:
  void add(Param param);
  std::optional<std::string> apply(std::string_view name);
  void note_inert(const Param& p);
  std::optional<std::string> load_directive(const std::vector<std::string>& words, int depth, bool& handled);
  std::optional<std::string> load_text_at(std::string_view text, std::string_view origin, int depth);

  Settings settings_;
  std::vector<Param> params_;
  std::unordered_map<std::string, size_t> by_name_;  // names and aliases, lower case
  bool save_seen_ = false;  // a save line was read: later ones add to it
  std::vector<ApplyHook> apply_hooks_;
  std::vector<std::string> inert_notices_;
  std::vector<std::string> inert_noted_;
  std::vector<std::pair<std::string, std::string>> renamed_commands_;
};

// The rows: what arbor acts on (config_params.cpp) and what it accepts
// without effect (config_inert.cpp).
void add_active_params(std::vector<Config::Param>& out, bool owns_process);
void add_inert_params(std::vector<Config::Param>& out);


}  // namespace arbor::core
