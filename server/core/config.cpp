// Config: the parameter rows, redis.conf parsing and `--name value` flags.
#include "server/core/config.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <vector>

#include "protocol/number_format.h"
#include "protocol/request_parser.h"
#include "server/keyspace/encoding_limits.h"
#include "server/core/glob.h"
#include "server/core/keyspace_events.h"

namespace arbor::core {
namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

using Getter = std::function<std::string(const Settings&)>;
using Setter = std::function<std::optional<std::string>(Settings&, std::string_view)>;

Setter int_setter(int64_t Settings::*field, int64_t min, int64_t max) {
  return [=](Settings& s, std::string_view v) -> std::optional<std::string> {
    auto value = protocol::parse_int64(v);
    if (!value) return "argument couldn't be parsed into an integer";
    if (*value < min || *value > max)
      return "argument must be between " + std::to_string(min) + " and " + std::to_string(max) +
             " inclusive";
    s.*field = *value;
    return std::nullopt;
  };
}

Setter memory_setter(int64_t Settings::*field, int64_t min) {
  return [=](Settings& s, std::string_view v) -> std::optional<std::string> {
    auto value = parse_memory(v);
    if (!value) return "argument must be a memory value";
    if (*value < min)  // Redis's numeric bound check, upper bound LONG_MAX
      return "argument must be between " + std::to_string(min) + " and " + std::to_string(INT64_MAX) +
             " inclusive";
    s.*field = *value;
    return std::nullopt;
  };
}

// A setting the value types read: validated as `check` does, then mirrored
// into keyspace::encoding_limits() by `mirror`.
Setter limit_setter(int64_t Settings::*field, Setter check, void (*mirror)(int64_t)) {
  return [=](Settings& s, std::string_view v) -> std::optional<std::string> {
    if (auto error = check(s, v)) return error;
    mirror(s.*field);
    return std::nullopt;
  };
}

Setter bool_setter(bool Settings::*field) {
  return [=](Settings& s, std::string_view v) -> std::optional<std::string> {
    const std::string value = lower(v);
    if (value == "yes") s.*field = true;
    else if (value == "no") s.*field = false;
    else return "argument must be 'yes' or 'no'";
    return std::nullopt;
  };
}

Setter string_setter(std::string Settings::*field) {
  return [=](Settings& s, std::string_view v) -> std::optional<std::string> {
    s.*field = std::string(v);
    return std::nullopt;
  };
}

Getter int_getter(int64_t Settings::*field) {
  return [=](const Settings& s) { return std::to_string(s.*field); };
}
Getter bool_getter(bool Settings::*field) {
  return [=](const Settings& s) { return std::string(s.*field ? "yes" : "no"); };
}
Getter string_getter(std::string Settings::*field) {
  return [=](const Settings& s) { return s.*field; };
}

// "save" takes pairs of "<seconds> <changes>" or "" to disable; as Redis,
// seconds must be at least 1 and changes at least 0.
std::optional<std::string> validate_save(std::string_view value) {
  std::istringstream in{std::string(value)};
  std::string a, b;
  while (in >> a) {
    if (!(in >> b)) return "Invalid save parameters";
    auto seconds = protocol::parse_int64(a), changes = protocol::parse_int64(b);
    if (!seconds || !changes || *seconds < 1 || *changes < 0) return "Invalid save parameters";
  }
  return std::nullopt;
}

}  // namespace

std::optional<int64_t> parse_memory(std::string_view text) {
  std::string value = lower(text);
  int64_t unit = 1;
  auto strip = [&](std::string_view suffix, int64_t factor) {
    if (value.size() > suffix.size() && value.ends_with(suffix)) {
      value.resize(value.size() - suffix.size());
      unit = factor;
      return true;
    }
    return false;
  };
  strip("gb", 1024LL * 1024 * 1024) || strip("mb", 1024LL * 1024) || strip("kb", 1024) ||
      strip("g", 1000LL * 1000 * 1000) || strip("m", 1000LL * 1000) || strip("k", 1000) ||
      strip("b", 1);
  auto number = protocol::parse_int64(value);
  if (!number || *number < 0 || *number > INT64_MAX / unit) return std::nullopt;
  return *number * unit;
}

Config::Config() {
  auto add = [this](std::string name, bool mut, Getter get, Setter set, std::string alias = "") {
    params_.push_back(Param{std::move(name), std::move(alias), mut, std::move(get), std::move(set), false});
  };
  add("port", false, [](const Settings& s) { return std::to_string(s.port); },
      [](Settings& s, std::string_view v) -> std::optional<std::string> {
        auto value = protocol::parse_int64(v);
        if (!value || *value < 0 || *value > 65535) return "argument must be between 0 and 65535 inclusive";
        s.port = static_cast<int>(*value);
        return std::nullopt;
      });
  add("bind", false,
      [](const Settings& s) {
        std::string out;
        for (const auto& b : s.bind) out += (out.empty() ? "" : " ") + b;
        return out;
      },
      [](Settings& s, std::string_view v) -> std::optional<std::string> {
        std::vector<std::string> addresses;
        if (!protocol::split_inline_args(v, addresses)) return "Invalid bind address";
        if (addresses.size() > 16) return "Too many bind addresses specified.";
        s.bind = std::move(addresses);
        return std::nullopt;
      });
  add("protected-mode", true, bool_getter(&Settings::protected_mode), bool_setter(&Settings::protected_mode));
  add("requirepass", true, string_getter(&Settings::requirepass), string_setter(&Settings::requirepass));
  add("maxclients", true, int_getter(&Settings::maxclients), int_setter(&Settings::maxclients, 1, UINT32_MAX));
  add("timeout", true, int_getter(&Settings::timeout), int_setter(&Settings::timeout, 0, INT32_MAX));
  add("loglevel", true, string_getter(&Settings::loglevel),
      [](Settings& s, std::string_view v) -> std::optional<std::string> {
        const std::string level = lower(v);
        if (level != "debug" && level != "verbose" && level != "notice" && level != "warning")
          return "argument(s) must be one of the following: debug, verbose, notice, warning";
        s.loglevel = level;
        return std::nullopt;
      });
  add("logfile", false, string_getter(&Settings::logfile), string_setter(&Settings::logfile));
  add("databases", false, int_getter(&Settings::databases), int_setter(&Settings::databases, 1, INT32_MAX));
  add("dir", true, string_getter(&Settings::dir), string_setter(&Settings::dir));
  add("dbfilename", true, string_getter(&Settings::dbfilename),
      [](Settings& s, std::string_view v) -> std::optional<std::string> {
        if (v.find('/') != std::string_view::npos) return "dbfilename can't be a path, just a filename";
        s.dbfilename = std::string(v);
        return std::nullopt;
      });
  add("proto-max-bulk-len", true, int_getter(&Settings::proto_max_bulk_len),
      memory_setter(&Settings::proto_max_bulk_len, 1024 * 1024));
  add("sanitize-dump-payload", true, string_getter(&Settings::sanitize_dump_payload),
      [](Settings& s, std::string_view v) -> std::optional<std::string> {
        const std::string value = lower(v);
        if (value != "no" && value != "yes" && value != "clients")
          return "argument(s) must be one of the following: no, yes, clients";
        s.sanitize_dump_payload = value;
        return std::nullopt;
      });
  using keyspace::encoding_limits;
  add("hash-max-listpack-entries", true, int_getter(&Settings::hash_max_listpack_entries),
      limit_setter(&Settings::hash_max_listpack_entries,
                   int_setter(&Settings::hash_max_listpack_entries, 0, INT64_MAX),
                   [](int64_t v) { encoding_limits().hash_max_entries = static_cast<size_t>(v); }),
      "hash-max-ziplist-entries");
  add("hash-max-listpack-value", true, int_getter(&Settings::hash_max_listpack_value),
      limit_setter(&Settings::hash_max_listpack_value, memory_setter(&Settings::hash_max_listpack_value, 0),
                   [](int64_t v) { encoding_limits().hash_max_value = static_cast<size_t>(v); }),
      "hash-max-ziplist-value");
  add("set-max-intset-entries", true, int_getter(&Settings::set_max_intset_entries),
      limit_setter(&Settings::set_max_intset_entries, int_setter(&Settings::set_max_intset_entries, 0, INT64_MAX),
                   [](int64_t v) { encoding_limits().set_max_intset_entries = static_cast<size_t>(v); }));
  add("zset-max-listpack-entries", true, int_getter(&Settings::zset_max_listpack_entries),
      limit_setter(&Settings::zset_max_listpack_entries,
                   int_setter(&Settings::zset_max_listpack_entries, 0, INT64_MAX),
                   [](int64_t v) { encoding_limits().zset_max_entries = static_cast<size_t>(v); }),
      "zset-max-ziplist-entries");
  add("zset-max-listpack-value", true, int_getter(&Settings::zset_max_listpack_value),
      limit_setter(&Settings::zset_max_listpack_value, memory_setter(&Settings::zset_max_listpack_value, 0),
                   [](int64_t v) { encoding_limits().zset_max_value = static_cast<size_t>(v); }),
      "zset-max-ziplist-value");
  add("list-max-listpack-size", true, int_getter(&Settings::list_max_listpack_size),
      limit_setter(&Settings::list_max_listpack_size,
                   int_setter(&Settings::list_max_listpack_size, INT32_MIN, INT32_MAX),
                   [](int64_t v) { encoding_limits().list_max_size = v; }),
      "list-max-ziplist-size");
  add("list-compress-depth", true, int_getter(&Settings::list_compress_depth),
      int_setter(&Settings::list_compress_depth, 0, INT32_MAX));
  add("stream-node-max-bytes", true, int_getter(&Settings::stream_node_max_bytes),
      limit_setter(&Settings::stream_node_max_bytes, memory_setter(&Settings::stream_node_max_bytes, 0),
                   [](int64_t v) { encoding_limits().stream_node_max_bytes = static_cast<size_t>(v); }));
  add("stream-node-max-entries", true, int_getter(&Settings::stream_node_max_entries),
      limit_setter(&Settings::stream_node_max_entries, int_setter(&Settings::stream_node_max_entries, 0, INT64_MAX),
                   [](int64_t v) { encoding_limits().stream_node_max_entries = static_cast<size_t>(v); }));
  add("hll-sparse-max-bytes", true, int_getter(&Settings::hll_sparse_max_bytes),
      memory_setter(&Settings::hll_sparse_max_bytes, 0));
  add("client-query-buffer-limit", true, int_getter(&Settings::client_query_buffer_limit),
      memory_setter(&Settings::client_query_buffer_limit, 1024 * 1024));
  add("hz", true, int_getter(&Settings::hz), [](Settings& s, std::string_view v) -> std::optional<std::string> {
    auto value = protocol::parse_int64(v);
    if (!value) return "argument couldn't be parsed into an integer";
    // Redis clamps hz to [1, 500] rather than refusing.
    s.hz = std::clamp<int64_t>(*value, 1, 500);
    return std::nullopt;
  });
  add("save", true, string_getter(&Settings::save),
      [](Settings& s, std::string_view v) -> std::optional<std::string> {
        if (auto error = validate_save(v)) return error;
        s.save = std::string(v);
        return std::nullopt;
      });
  add("appendonly", true, bool_getter(&Settings::appendonly),
      [](Settings& s, std::string_view v) -> std::optional<std::string> {
        if (lower(v) == "yes") return "appendonly is not supported by arbor (use replicas and snapshots)";
        if (lower(v) != "no") return "argument must be 'yes' or 'no'";
        s.appendonly = false;
        return std::nullopt;
      });
  add("tcp-backlog", false, int_getter(&Settings::tcp_backlog), int_setter(&Settings::tcp_backlog, 0, INT32_MAX));
  add("tcp-keepalive", true, int_getter(&Settings::tcp_keepalive),
      int_setter(&Settings::tcp_keepalive, 0, INT32_MAX));
  add("daemonize", false, string_getter(&Settings::daemonize),
      [](Settings& s, std::string_view v) -> std::optional<std::string> {
        if (lower(v) == "yes") return "daemonize is not supported; run arbor under a supervisor";
        s.daemonize = "no";
        return std::nullopt;
      });
  add("pidfile", false, string_getter(&Settings::pidfile), string_setter(&Settings::pidfile));
  add("announce-port-file", false, bool_getter(&Settings::announce_port_file),
      bool_setter(&Settings::announce_port_file));
  add("client-output-buffer-limit", true,
      [](const Settings& s) {
        std::string out;
        auto one = [&](const char* name, const OutputLimit& l) {
          out.append(out.empty() ? "" : " ").append(name);
          for (int64_t v : {l.hard, l.soft, l.soft_seconds}) out.append(" ").append(std::to_string(v));
        };
        one("normal", s.output_limit_normal);
        one("slave", s.output_limit_replica);
        one("pubsub", s.output_limit_pubsub);
        return out;
      },
      [](Settings& s, std::string_view v) -> std::optional<std::string> {
        // "<class> <hard> <soft> <seconds>" groups, all validated before any applies.
        std::vector<std::string> words;
        if (!protocol::split_inline_args(v, words) || words.size() % 4 != 0)
          return "Wrong number of arguments in buffer limit configuration.";
        Settings changed = s;
        for (size_t i = 0; i < words.size(); i += 4) {
          const std::string name = lower(words[i]);
          OutputLimit* target = name == "normal"                     ? &changed.output_limit_normal
                                : name == "slave" || name == "replica" ? &changed.output_limit_replica
                                : name == "pubsub"                   ? &changed.output_limit_pubsub
                                                                     : nullptr;
          if (target == nullptr) return "Invalid client class specified in buffer limit configuration.";
          auto hard = parse_memory(words[i + 1]);
          auto soft = parse_memory(words[i + 2]);
          auto seconds = protocol::parse_int64(words[i + 3]);
          if (!hard || !soft || !seconds || *seconds < 0)
            return "Error in hard, soft or soft_seconds setting in buffer limit configuration.";
          *target = OutputLimit{*hard, *soft, *seconds};
        }
        s.output_limit_normal = changed.output_limit_normal;
        s.output_limit_replica = changed.output_limit_replica;
        s.output_limit_pubsub = changed.output_limit_pubsub;
        return std::nullopt;
      });
  add("notify-keyspace-events", true,
      [](const Settings& s) { return event_classes_text(s.notify_keyspace_events); },
      [](Settings& s, std::string_view v) -> std::optional<std::string> {
        auto flags = parse_event_classes(v);
        if (!flags) return std::string(kInvalidEventClass);
        s.notify_keyspace_events = *flags;
        return std::nullopt;
      });
  add("replicaof", false, string_getter(&Settings::replicaof),
      [](Settings& s, std::string_view v) -> std::optional<std::string> {
        std::vector<std::string> words;
        if (!protocol::split_inline_args(v, words) || words.size() != 2) return "wrong number of arguments";
        if (lower(words[0]) == "no" && lower(words[1]) == "one") {
          s.replicaof.clear();
          return std::nullopt;
        }
        auto port = protocol::parse_int64(words[1]);
        if (!port || *port < 0 || *port > 65535) return "Invalid master port";
        s.replicaof = words[0] + " " + words[1];
        return std::nullopt;
      },
      "slaveof");
  add("masterauth", true, string_getter(&Settings::masterauth), string_setter(&Settings::masterauth));
  add("masteruser", true, string_getter(&Settings::masteruser), string_setter(&Settings::masteruser));
  add("replica-announce-ip", true, string_getter(&Settings::replica_announce_ip),
      string_setter(&Settings::replica_announce_ip), "slave-announce-ip");
  add("replica-announce-port", true, int_getter(&Settings::replica_announce_port),
      int_setter(&Settings::replica_announce_port, 0, 65535), "slave-announce-port");
  add("replica-priority", true, int_getter(&Settings::replica_priority),
      int_setter(&Settings::replica_priority, 0, INT32_MAX), "slave-priority");
  add("replica-announced", true, bool_getter(&Settings::replica_announced),
      bool_setter(&Settings::replica_announced));
  add("replica-read-only", true, bool_getter(&Settings::replica_read_only),
      bool_setter(&Settings::replica_read_only), "slave-read-only");
  add("replica-serve-stale-data", true, bool_getter(&Settings::replica_serve_stale_data),
      bool_setter(&Settings::replica_serve_stale_data), "slave-serve-stale-data");
  add("repl-backlog-size", true, int_getter(&Settings::repl_backlog_size),
      memory_setter(&Settings::repl_backlog_size, 16 * 1024));
  add("repl-backlog-ttl", true, int_getter(&Settings::repl_backlog_ttl),
      int_setter(&Settings::repl_backlog_ttl, 0, INT32_MAX));
  add("repl-ping-replica-period", true, int_getter(&Settings::repl_ping_replica_period),
      int_setter(&Settings::repl_ping_replica_period, 1, INT32_MAX), "repl-ping-slave-period");
  add("repl-timeout", true, int_getter(&Settings::repl_timeout), int_setter(&Settings::repl_timeout, 1, INT32_MAX));
  add("min-replicas-to-write", true, int_getter(&Settings::min_replicas_to_write),
      int_setter(&Settings::min_replicas_to_write, 0, INT32_MAX), "min-slaves-to-write");
  add("busy-reply-threshold", true, int_getter(&Settings::busy_reply_threshold_ms),
      int_setter(&Settings::busy_reply_threshold_ms, 0, INT64_MAX), "lua-time-limit");
  add("min-replicas-max-lag", true, int_getter(&Settings::min_replicas_max_lag),
      int_setter(&Settings::min_replicas_max_lag, 0, INT32_MAX), "min-slaves-max-lag");
  add("seed-from", false,
      [](const Settings& s) {
        std::string out;
        for (const auto& a : s.seed_from) out += (out.empty() ? "" : " ") + a;
        return out;
      },
      [](Settings& s, std::string_view v) -> std::optional<std::string> {
        std::vector<std::string> addresses;
        if (!protocol::split_inline_args(v, addresses)) return "Invalid seed-from address list";
        for (const auto& a : addresses) {
          const size_t colon = a.rfind(':');
          const auto port = colon == std::string::npos ? std::nullopt : protocol::parse_int64(a.substr(colon + 1));
          if (colon == 0 || !port || *port <= 0 || *port > 65535) return "seed-from takes host:port entries";
        }
        s.seed_from = std::move(addresses);
        return std::nullopt;
      });
  add("seed-timeout", true, int_getter(&Settings::seed_timeout), int_setter(&Settings::seed_timeout, 1, INT32_MAX));
  add("seed-require", true, bool_getter(&Settings::seed_require), bool_setter(&Settings::seed_require));
  add("seed-safe-wait", true, int_getter(&Settings::seed_safe_wait),
      int_setter(&Settings::seed_safe_wait, 0, INT32_MAX));
  add("replica-protect-data", true, bool_getter(&Settings::replica_protect_data),
      bool_setter(&Settings::replica_protect_data));
  add("repl-diskless-sync", true, bool_getter(&Settings::repl_diskless_sync),
      bool_setter(&Settings::repl_diskless_sync));
  add("repl-diskless-sync-delay", true, int_getter(&Settings::repl_diskless_sync_delay),
      int_setter(&Settings::repl_diskless_sync_delay, 0, INT32_MAX));
  for (Param& p : params_)
    if (p.name == "dir" || p.name == "dbfilename") p.protected_config = true;
}

const Config::Param* Config::find(std::string_view name) const {
  const std::string key = lower(name);
  for (const Param& p : params_)
    if (p.name == key || (!p.alias.empty() && p.alias == key)) return &p;
  return nullptr;
}

bool Config::is_known(std::string_view name) const { return find(name) != nullptr; }

std::vector<std::pair<std::string, std::string>> Config::get(
    const std::vector<std::string_view>& patterns) const {
  // As Redis's configGetCommand: a name without glob characters is looked up
  // directly (aliases too) and answered under the spelling it was asked
  // with; a pattern matches canonical names. Each parameter appears once.
  std::vector<std::pair<std::string, std::string>> out;
  std::vector<const Param*> listed;
  auto add = [&](const Param& p, std::string name) {
    if (std::find(listed.begin(), listed.end(), &p) != listed.end()) return;
    listed.push_back(&p);
    out.emplace_back(std::move(name), p.get(settings_));
  };
  for (std::string_view pattern : patterns) {
    if (pattern.find_first_of("[*?") == std::string_view::npos) {
      if (const Param* p = find(pattern)) add(*p, std::string(pattern));
      continue;
    }
    for (const Param& p : params_)
      if (glob_match(pattern, p.name, true)) add(p, p.name);
  }
  return out;
}

std::optional<std::string> Config::set(std::string_view name, std::string_view value, bool at_startup) {
  const Param* p = find(name);
  if (p == nullptr) return "Unknown option or number of arguments for CONFIG SET - '" + std::string(name) + "'";
  if (!at_startup && p->protected_config) return "can't set protected config";
  if (!at_startup && !p->mutable_at_runtime) return "can't set immutable config";
  if (auto error = p->set(settings_, value)) return error;
  if (apply_hook_) apply_hook_(p->name);
  return std::nullopt;
}

std::optional<std::string> Config::load_text(std::string_view text, std::string_view origin) {
  size_t line_number = 0;
  bool save_seen = false;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++line_number;
    while (!line.empty() && std::isspace(static_cast<unsigned char>(line.front()))) line.remove_prefix(1);
    while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back()))) line.remove_suffix(1);
    if (line.empty() || line.front() == '#') {
      if (end == text.size()) break;
      continue;
    }
    auto fatal = [&](std::string_view reason) {
      return "\n*** FATAL CONFIG FILE ERROR (arbor) ***\nReading the configuration file (" +
             std::string(origin) + "), at line " + std::to_string(line_number) + "\n>>> '" +
             std::string(line) + "'\n" + std::string(reason);
    };
    std::vector<std::string> words;
    if (!protocol::split_inline_args(line, words)) return fatal("Unbalanced quotes in configuration line");
    if (words.empty()) continue;
    const std::string name = lower(words[0]);
    std::string value;
    for (size_t i = 1; i < words.size(); ++i) value += (i > 1 ? " " : "") + words[i];
    if (name == "save" && save_seen && !value.empty() && !settings_.save.empty()) {
      value = settings_.save + " " + value;  // successive save lines accumulate
    }
    if (name == "save") save_seen = true;
    if (!is_known(name)) return fatal("Bad directive or wrong number of arguments");
    if (words.size() < 2 && name != "save" && name != "requirepass" && name != "logfile" &&
        name != "pidfile" && name != "masterauth" && name != "masteruser" && name != "replica-announce-ip")
      return fatal("wrong number of arguments");
    if (auto error = set(name, value, true)) return fatal(*error);
    if (end == text.size()) break;
  }
  return std::nullopt;
}

std::optional<std::string> Config::load_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return "Fatal error, can't open config file '" + path + "'";
  std::stringstream buffer;
  buffer << in.rdbuf();
  return load_text(buffer.str(), path);
}

// As redis-server: an optional config file first, then "--name value ..."
// groups, each turned into one config line appended after the file.
// Both are parsed as one text, so `save` lines of the file and `--save`
// flags accumulate as in Redis.
std::optional<std::string> Config::load_args(int argc, const char* const* argv) {
  int i = 0;
  std::string text, origin = "command line";
  if (i < argc && std::string_view(argv[i]).substr(0, 2) != "--") {
    std::ifstream in(argv[i]);
    if (!in) return "Fatal error, can't open config file '" + std::string(argv[i]) + "'";
    std::stringstream buffer;
    buffer << in.rdbuf();
    text = buffer.str();
    origin = argv[i];
    ++i;
  }
  std::string lines;
  for (; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg.substr(0, 2) == "--" && arg.size() > 2) {
      if (!lines.empty()) lines += '\n';
      lines.append(arg.substr(2));
      continue;
    }
    if (lines.empty()) return "Invalid argument '" + std::string(arg) + "': options start with --";
    // Quote each value so spaces and empty strings ("") survive re-parsing.
    lines += " \"";
    for (char c : arg) {
      if (c == '"' || c == '\\') lines += '\\';
      lines += c;
    }
    lines += '"';
  }
  if (!lines.empty()) {
    if (!text.empty() && text.back() != '\n') text += '\n';
    text += lines;
  }
  if (text.empty()) return std::nullopt;
  return load_text(text, origin);
}

}  // namespace arbor::core
