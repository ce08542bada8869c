// The parameters arbor acts on, with Redis 7.0's flags, bounds and texts
// (/work/notes/redis70-config-table.md has the whole table), plus arbor's
// own seeding parameters.
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <sstream>

#include "protocol/number_format.h"
#include "server/core/config_rows.h"
#include "server/core/keyspace_events.h"
#include "server/keyspace/encoding_limits.h"

namespace arbor::core {
namespace {

using namespace config_rows;
using Permission = Settings::Permission;

constexpr uint32_t kImm = kConfigImmutable;
constexpr int64_t kIntMax = INT32_MAX;
constexpr int64_t kLongMax = INT64_MAX;

constexpr cv::EnumName kLogLevels[] = {{"debug", 0}, {"verbose", 1}, {"notice", 2}, {"warning", 3}};
constexpr cv::EnumName kSanitize[] = {{"no", 0}, {"yes", 1}, {"clients", 2}};
constexpr cv::EnumName kMaxmemoryPolicy[] = {{"volatile-lru", 0},   {"volatile-lfu", 1}, {"volatile-random", 2},
                                             {"volatile-ttl", 3},   {"allkeys-lru", 4},  {"allkeys-lfu", 5},
                                             {"allkeys-random", 6}, {"noeviction", 7}};
constexpr cv::EnumName kPermissions[] = {{"no", 0}, {"yes", 1}, {"local", 2}};
constexpr cv::EnumName kSyslogFacilities[] = {{"user", 0},   {"local0", 1}, {"local1", 2},
                                              {"local2", 3}, {"local3", 4}, {"local4", 5},
                                              {"local5", 6}, {"local6", 7}, {"local7", 8}};

std::string joined(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : " ") + w;
  return out;
}

// An enum kept as its lower-case name in a string field.
Param enum_text_row(std::string name, uint32_t flags, std::string Settings::*field,
                    std::span<const cv::EnumName> names) {
  return row(std::move(name), flags, [=](const Settings& s) { return s.*field; },
             [=](Settings& s, std::string_view v) -> cv::Error {
               int value = 0;
               if (auto error = cv::parse_enum(v, names, value)) return error;
               s.*field = cv::print_enum(value, names);
               return std::nullopt;
             });
}

// A row whose value the value types read: stored, then mirrored into
// keyspace::encoding_limits().
Param mirrored(Param p, int64_t Settings::*field, void (*mirror)(int64_t)) {
  p.set = [set = std::move(p.set), field, mirror](Settings& s, std::string_view v) -> cv::Error {
    if (auto error = set(s, v)) return error;
    mirror(s.*field);
    return std::nullopt;
  };
  return p;
}

// "save" takes pairs of "<seconds> <changes>" or "" to disable; as Redis,
// seconds must be at least 1 and changes at least 0.
cv::Error set_save(Settings& s, std::string_view value) {
  const auto words = cv::split_words(value);
  std::string out;
  for (size_t i = 0; i < words.size(); i += 2) {
    if (i + 1 >= words.size()) return "Invalid save parameters";
    auto seconds = protocol::parse_int64(words[i]), changes = protocol::parse_int64(words[i + 1]);
    if (!seconds || !changes || *seconds < 1 || *changes < 0) return "Invalid save parameters";
    out += (out.empty() ? "" : " ") + std::to_string(*seconds) + " " + std::to_string(*changes);
  }
  s.save = out;
  return std::nullopt;
}

std::string get_output_limits(const Settings& s) {
  std::string out;
  auto one = [&](const char* name, const OutputLimit& l) {
    out.append(out.empty() ? "" : " ").append(name);
    for (int64_t v : {l.hard, l.soft, l.soft_seconds}) out.append(" ").append(std::to_string(v));
  };
  one("normal", s.output_limit_normal);
  one("slave", s.output_limit_replica);
  one("pubsub", s.output_limit_pubsub);
  return out;
}

// "<class> <hard> <soft> <seconds>" groups, all validated before any applies.
cv::Error set_output_limits(Settings& s, std::string_view v) {
  const auto words = cv::split_words(v);
  if (words.empty() || words.size() % 4 != 0) return "Wrong number of arguments in buffer limit configuration.";
  Settings changed = s;
  for (size_t i = 0; i < words.size(); i += 4) {
    const std::string name = cv::lower(words[i]);
    OutputLimit* target = name == "normal"                       ? &changed.output_limit_normal
                          : name == "slave" || name == "replica" ? &changed.output_limit_replica
                          : name == "pubsub"                     ? &changed.output_limit_pubsub
                                                                 : nullptr;
    if (target == nullptr) return "Invalid client class specified in buffer limit configuration.";
    uint64_t hard = 0, soft = 0;
    auto seconds = protocol::parse_int64(words[i + 3]);
    if (cv::parse_memory_bounded(words[i + 1], 0, INT64_MAX, hard) ||
        cv::parse_memory_bounded(words[i + 2], 0, INT64_MAX, soft) || !seconds || *seconds < 0)
      return "Error in hard, soft or soft_seconds setting in buffer limit configuration.";
    *target = OutputLimit{static_cast<int64_t>(hard), static_cast<int64_t>(soft), *seconds};
  }
  s.output_limit_normal = changed.output_limit_normal;
  s.output_limit_replica = changed.output_limit_replica;
  s.output_limit_pubsub = changed.output_limit_pubsub;
  return std::nullopt;
}

cv::Error set_replicaof(Settings& s, std::string_view v) {
  const auto words = cv::split_words(v);
  if (words.size() != 2) return "wrong number of arguments";
  if (cv::lower(words[0]) == "no" && cv::lower(words[1]) == "one") {
    s.replicaof.clear();
    return std::nullopt;
  }
  auto port = protocol::parse_int64(words[1]);
  if (!port || *port < 0 || *port > 65535) return "Invalid master port";
  s.replicaof = words[0] + " " + words[1];
  return std::nullopt;
}

cv::Error set_seed_from(Settings& s, std::string_view v) {
  std::vector<std::string> addresses = cv::split_words(v);
  for (const auto& a : addresses) {
    const size_t colon = a.rfind(':');
    const auto port = colon == std::string::npos ? std::nullopt : protocol::parse_int64(a.substr(colon + 1));
    if (colon == 0 || !port || *port <= 0 || *port > 65535) return "seed-from takes host:port entries";
  }
  s.seed_from = std::move(addresses);
  return std::nullopt;
}

// As Redis: `dir` is the working directory; the server's Config changes
// into it (so relative logfile/pidfile paths after it are inside it) and
// CONFIG GET shows the absolute path.
Config::Setter dir_setter(bool owns_process) {
  return [owns_process](Settings& s, std::string_view v) -> cv::Error {
    if (!owns_process) {
      s.dir = std::string(v);
      return std::nullopt;
    }
    if (chdir(std::string(v).c_str()) != 0) return std::string(std::strerror(errno));
    std::error_code ec;
    const auto cwd = std::filesystem::current_path(ec);
    s.dir = ec ? std::string(v) : cwd.string();
    return std::nullopt;
  };
}

}  // namespace

void add_active_params(std::vector<Param>& out, bool owns_process) {
  using keyspace::encoding_limits;
  // Listening.
  out.push_back(row("port", 0, [](const Settings& s) { return std::to_string(s.port); },
                    [](Settings& s, std::string_view v) -> cv::Error {
                      int64_t value = 0;
                      if (auto error = cv::parse_integer(v, 0, 65535, false, value)) return error;
                      s.port = static_cast<int>(value);
                      return std::nullopt;
                    }));
  out.push_back(row("bind", kConfigMultiArg, [](const Settings& s) { return joined(s.bind); },
                    [](Settings& s, std::string_view v) -> cv::Error {
                      auto addresses = cv::split_words(v);
                      if (addresses.size() > 16) return "Too many bind addresses specified.";
                      std::erase(addresses, std::string());
                      s.bind = std::move(addresses);
                      return std::nullopt;
                    }));
  out.push_back(row("unixsocket", kImm, [](const Settings& s) { return s.unixsocket; },
                    [](Settings& s, std::string_view v) -> cv::Error {
                      s.unixsocket = std::string(v);  // empty: no unix socket
                      return std::nullopt;
                    }));
  out.push_back(row("unixsocketperm", kImm, [](const Settings& s) { return cv::print_octal(s.unixsocketperm); },
                    [](Settings& s, std::string_view v) { return cv::parse_octal(v, 0777, s.unixsocketperm); }));
  out.push_back(bool_row("protected-mode", 0, &Settings::protected_mode));
  out.push_back(int_row("tcp-backlog", kImm, &Settings::tcp_backlog, 0, kIntMax));
  out.push_back(int_row("tcp-keepalive", 0, &Settings::tcp_keepalive, 0, kIntMax));
  out.push_back(int_row("timeout", 0, &Settings::timeout, 0, kIntMax));
  out.push_back(int_row("maxclients", 0, &Settings::maxclients, 1, UINT32_MAX, "", true));
  out.push_back(string_row("requirepass", kConfigSensitive, &Settings::requirepass));

  // Process, logging, safety gates.
  out.push_back(bool_row("daemonize", kImm, &Settings::daemonize));
  out.push_back(string_row("pidfile", kImm, &Settings::pidfile));
  out.push_back(enum_text_row("loglevel", 0, &Settings::loglevel, kLogLevels));
  out.push_back(string_row("logfile", kImm, &Settings::logfile));
  out.push_back(bool_row("syslog-enabled", kImm, &Settings::syslog_enabled));
  out.push_back(string_row("syslog-ident", kImm, &Settings::syslog_ident));
  out.push_back(enum_text_row("syslog-facility", kImm, &Settings::syslog_facility, kSyslogFacilities));
  out.push_back(enum_row("enable-debug-command", kImm, &Settings::enable_debug_command, kPermissions));
  out.push_back(enum_row("enable-protected-configs", kImm, &Settings::enable_protected_configs, kPermissions));
  out.push_back(enum_row("enable-module-command", kImm, &Settings::enable_module_command, kPermissions));
  out.push_back(int_row("databases", kImm, &Settings::databases, 1, kIntMax));
  out.push_back(int_row("slowlog-log-slower-than", 0, &Settings::slowlog_log_slower_than, -1, kLongMax));
  out.push_back(int_row("slowlog-max-len", 0, &Settings::slowlog_max_len, 0, kLongMax));
  out.push_back(int_row("latency-monitor-threshold", 0, &Settings::latency_monitor_threshold, 0, kLongMax));
  out.push_back(bool_row("latency-tracking", 0, &Settings::latency_tracking));
  out.push_back(row("latency-tracking-info-percentiles", kConfigMultiArg,
                    [](const Settings& s) { return cv::print_percentiles(s.latency_tracking_info_percentiles); },
                    [](Settings& s, std::string_view v) -> cv::Error {
                      std::string canonical;
                      if (auto error = cv::parse_percentiles(v, canonical)) return error;
                      s.latency_tracking_info_percentiles.clear();
                      for (const std::string& word : cv::split_words(canonical))
                        s.latency_tracking_info_percentiles.push_back(std::strtod(word.c_str(), nullptr));
                      return std::nullopt;
                    }));
  out.push_back(int_row("tracking-table-max-keys", 0, &Settings::tracking_table_max_keys, 0, kLongMax));
  for (auto [name, field] : {std::pair{"shutdown-on-sigint", &Settings::shutdown_on_sigint},
                             std::pair{"shutdown-on-sigterm", &Settings::shutdown_on_sigterm}})
    out.push_back(row(name, kConfigMultiArg, [field](const Settings& s) { return cv::print_shutdown_flags(s.*field); },
                      [field](Settings& s, std::string_view v) { return cv::parse_shutdown_flags(v, s.*field); }));
  out.push_back(row("hz", 0, [](const Settings& s) { return std::to_string(s.hz); },
                    [](Settings& s, std::string_view v) -> cv::Error {
                      int64_t value = 0;
                      if (auto error = cv::parse_integer(v, 0, kIntMax, false, value)) return error;
                      s.hz = std::clamp<int64_t>(value, 1, 500);  // Redis clamps rather than refuses
                      return std::nullopt;
                    }));

  // Persistence.
  out.push_back(row("dir", kConfigProtected | kConfigDenyLoading, [](const Settings& s) { return s.dir; },
                    dir_setter(owns_process)));
  out.push_back(row("dbfilename", kConfigProtected, [](const Settings& s) { return s.dbfilename; },
                    [](Settings& s, std::string_view v) -> cv::Error {
                      if (v.find('/') != std::string_view::npos) return "dbfilename can't be a path, just a filename";
                      s.dbfilename = std::string(v);
                      return std::nullopt;
                    }));
  out.push_back(row("save", kConfigMultiArg, [](const Settings& s) { return s.save; }, set_save));
  out.push_back(bool_row("stop-writes-on-bgsave-error", 0, &Settings::stop_writes_on_bgsave_error));
  out.push_back(row("appendonly", kConfigDenyLoading, [](const Settings&) { return std::string("no"); },
                    [](Settings&, std::string_view v) -> cv::Error {
                      bool on = false;
                      if (auto error = cv::parse_bool(v, on)) return error;
                      if (on) return "appendonly is not supported by arbor (use replicas and snapshots)";
                      return std::nullopt;
                    }));

  // Memory limit and eviction.
  out.push_back(row("maxmemory", 0, [](const Settings& s) { return std::to_string(s.maxmemory); },
                    [](Settings& s, std::string_view v) { return cv::parse_memory_bounded(v, 0, UINT64_MAX, s.maxmemory); }));
  out.push_back(enum_row("maxmemory-policy", 0, &Settings::maxmemory_policy, kMaxmemoryPolicy));
  out.push_back(row("maxmemory-clients", 0, [](const Settings& s) { return cv::print_memory_or_percent(s.maxmemory_clients); },
                    [](Settings& s, std::string_view v) { return cv::parse_memory_or_percent(v, s.maxmemory_clients); }));
  out.push_back(int_row("maxmemory-samples", 0, &Settings::maxmemory_samples, 1, kIntMax));
  out.push_back(int_row("maxmemory-eviction-tenacity", 0, &Settings::maxmemory_eviction_tenacity, 0, 100));
  out.push_back(int_row("lfu-log-factor", 0, &Settings::lfu_log_factor, 0, kIntMax));
  out.push_back(int_row("lfu-decay-time", 0, &Settings::lfu_decay_time, 0, kIntMax));
  out.push_back(bool_row("replica-ignore-maxmemory", 0, &Settings::replica_ignore_maxmemory, "slave-ignore-maxmemory"));
  out.push_back(bool_row("lazyfree-lazy-eviction", 0, &Settings::lazyfree_lazy_eviction));

  // Limits and encodings.
  out.push_back(memory_row("proto-max-bulk-len", 0, &Settings::proto_max_bulk_len, 1024 * 1024));
  out.push_back(memory_row("client-query-buffer-limit", 0, &Settings::client_query_buffer_limit, 1024 * 1024));
  out.push_back(row("client-output-buffer-limit", kConfigMultiArg, get_output_limits, set_output_limits));
  out.push_back(enum_text_row("sanitize-dump-payload", 0, &Settings::sanitize_dump_payload, kSanitize));
  out.push_back(mirrored(int_row("hash-max-listpack-entries", 0, &Settings::hash_max_listpack_entries, 0, kLongMax,
                                 "hash-max-ziplist-entries"),
                         &Settings::hash_max_listpack_entries,
                         [](int64_t v) { encoding_limits().hash_max_entries = static_cast<size_t>(v); }));
  out.push_back(mirrored(memory_row("hash-max-listpack-value", 0, &Settings::hash_max_listpack_value, 0,
                                    "hash-max-ziplist-value"),
                         &Settings::hash_max_listpack_value,
                         [](int64_t v) { encoding_limits().hash_max_value = static_cast<size_t>(v); }));
  out.push_back(mirrored(int_row("set-max-intset-entries", 0, &Settings::set_max_intset_entries, 0, kLongMax),
                         &Settings::set_max_intset_entries,
                         [](int64_t v) { encoding_limits().set_max_intset_entries = static_cast<size_t>(v); }));
  out.push_back(mirrored(int_row("zset-max-listpack-entries", 0, &Settings::zset_max_listpack_entries, 0, kLongMax,
                                 "zset-max-ziplist-entries"),
                         &Settings::zset_max_listpack_entries,
                         [](int64_t v) { encoding_limits().zset_max_entries = static_cast<size_t>(v); }));
  out.push_back(mirrored(memory_row("zset-max-listpack-value", 0, &Settings::zset_max_listpack_value, 0,
                                    "zset-max-ziplist-value"),
                         &Settings::zset_max_listpack_value,
                         [](int64_t v) { encoding_limits().zset_max_value = static_cast<size_t>(v); }));
  out.push_back(mirrored(int_row("list-max-listpack-size", 0, &Settings::list_max_listpack_size, INT32_MIN, kIntMax,
                                 "list-max-ziplist-size"),
                         &Settings::list_max_listpack_size, [](int64_t v) { encoding_limits().list_max_size = v; }));
  out.push_back(mirrored(memory_row("stream-node-max-bytes", 0, &Settings::stream_node_max_bytes, 0),
                         &Settings::stream_node_max_bytes,
                         [](int64_t v) { encoding_limits().stream_node_max_bytes = static_cast<size_t>(v); }));
  out.push_back(mirrored(int_row("stream-node-max-entries", 0, &Settings::stream_node_max_entries, 0, kLongMax),
                         &Settings::stream_node_max_entries,
                         [](int64_t v) { encoding_limits().stream_node_max_entries = static_cast<size_t>(v); }));
  out.push_back(memory_row("hll-sparse-max-bytes", 0, &Settings::hll_sparse_max_bytes, 0));
  out.push_back(row("notify-keyspace-events", 0,
                    [](const Settings& s) { return event_classes_text(s.notify_keyspace_events); },
                    [](Settings& s, std::string_view v) -> cv::Error {
                      auto flags = parse_event_classes(v);
                      if (!flags) return std::string(kInvalidEventClass);
                      s.notify_keyspace_events = *flags;
                      return std::nullopt;
                    }));
  out.push_back(int_row("busy-reply-threshold", 0, &Settings::busy_reply_threshold_ms, 0, kLongMax,
                        "lua-time-limit"));

  // Replication (the slave-* spellings are aliases).
  out.push_back(row("replicaof", kImm | kConfigMultiArg, [](const Settings& s) { return s.replicaof; },
                    set_replicaof, "slaveof"));
  out.push_back(string_row("masterauth", kConfigSensitive, &Settings::masterauth));
  out.push_back(string_row("masteruser", kConfigSensitive, &Settings::masteruser));
  out.push_back(string_row("replica-announce-ip", 0, &Settings::replica_announce_ip, "slave-announce-ip"));
  out.push_back(int_row("replica-announce-port", 0, &Settings::replica_announce_port, 0, 65535,
                        "slave-announce-port"));
  out.push_back(int_row("replica-priority", 0, &Settings::replica_priority, 0, kIntMax, "slave-priority"));
  out.push_back(bool_row("replica-announced", 0, &Settings::replica_announced));
  out.push_back(bool_row("replica-read-only", 0, &Settings::replica_read_only, "slave-read-only"));
  out.push_back(bool_row("replica-serve-stale-data", 0, &Settings::replica_serve_stale_data,
                         "slave-serve-stale-data"));
  out.push_back(row("repl-backlog-size", 0, [](const Settings& s) { return std::to_string(s.repl_backlog_size); },
                    [](Settings& s, std::string_view v) -> cv::Error {
                      uint64_t value = 0;
                      if (auto error = cv::parse_memory_bounded(v, 1, INT64_MAX, value)) return error;
                      // As resizeReplicationBacklog: never below 16 KB.
                      s.repl_backlog_size = std::max<int64_t>(static_cast<int64_t>(value), 16 * 1024);
                      return std::nullopt;
                    }));
  out.push_back(int_row("repl-backlog-ttl", 0, &Settings::repl_backlog_ttl, 0, kLongMax));
  out.push_back(int_row("repl-ping-replica-period", 0, &Settings::repl_ping_replica_period, 1, kIntMax,
                        "repl-ping-slave-period"));
  out.push_back(int_row("repl-timeout", 0, &Settings::repl_timeout, 1, kIntMax));
  out.push_back(int_row("min-replicas-to-write", 0, &Settings::min_replicas_to_write, 0, kIntMax,
                        "min-slaves-to-write"));
  out.push_back(int_row("min-replicas-max-lag", 0, &Settings::min_replicas_max_lag, 0, kIntMax,
                        "min-slaves-max-lag"));

  // arbor's own: seeding a primary that starts empty, and tests' port file.
  out.push_back(row("seed-from", kImm | kConfigMultiArg, [](const Settings& s) { return joined(s.seed_from); },
                    set_seed_from));
  out.push_back(int_row("seed-timeout", 0, &Settings::seed_timeout, 1, kIntMax));
  out.push_back(bool_row("seed-require", 0, &Settings::seed_require));
  out.push_back(int_row("seed-safe-wait", 0, &Settings::seed_safe_wait, 0, kIntMax));
  out.push_back(bool_row("replica-protect-data", 0, &Settings::replica_protect_data));
  out.push_back(bool_row("announce-port-file", kImm | kConfigHidden, &Settings::announce_port_file));
}

}  // namespace arbor::core
