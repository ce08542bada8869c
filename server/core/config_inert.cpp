// The Redis 7.0 parameters arbor accepts without acting on them: a stock
// redis.conf names them, CONFIG GET lists them and CONFIG SET validates
// them exactly as Redis 7.0.15 does (bounds, enums, texts), but arbor has
// no AOF, cluster bus, TLS, jemalloc or I/O threads for them to steer. The
// README's "Operating" section lists them. Values that would mislead are
// refused instead: a TLS port, cluster mode and `activedefrag yes` (refused
// by Debian's build too).
#include <climits>

#include "server/core/config_rows.h"

namespace arbor::core {
namespace {

using namespace config_rows;

enum class Kind { boolean, integer, unsigned_integer, memory, enumeration, text };

struct Row {
  const char* name;
  const char* alias;
  uint32_t flags;
  Kind kind;
  int64_t min;
  int64_t max;
  const char* default_text;
  std::span<const cv::EnumName> names;
};

constexpr uint32_t kImm = kConfigImmutable;
constexpr uint32_t kHidden = kConfigHidden;
constexpr int64_t kIntMax = INT_MAX;
constexpr int64_t kLongMax = LLONG_MAX;

constexpr cv::EnumName kSupervised[] = {{"upstart", 1}, {"systemd", 2}, {"auto", 3}, {"no", 0}};
constexpr cv::EnumName kDisklessLoad[] = {{"disabled", 0}, {"on-empty-db", 1}, {"swapdb", 2}};
constexpr cv::EnumName kAppendfsync[] = {{"everysec", 0}, {"always", 1}, {"no", 2}};
constexpr cv::EnumName kOomScoreAdj[] = {{"no", 0}, {"yes", 1}, {"relative", 1}, {"absolute", 2}};
constexpr cv::EnumName kAclPubsub[] = {{"allchannels", 1}, {"resetchannels", 0}};
constexpr cv::EnumName kEndpointType[] = {{"ip", 0}, {"hostname", 1}, {"unknown-endpoint", 2}};
constexpr cv::EnumName kPropagationError[] = {{"ignore", 0}, {"panic", 1}, {"panic-on-replicas", 2}};
constexpr cv::EnumName kTlsAuthClients[] = {{"no", 0}, {"yes", 1}, {"optional", 2}};

constexpr Kind B = Kind::boolean, I = Kind::integer, U = Kind::unsigned_integer, M = Kind::memory,
               E = Kind::enumeration, S = Kind::text;

// clang-format off
const Row kRows[] = {
    {"rdbchecksum", "", kImm, B, 0, 0, "yes", {}},
    {"io-threads-do-reads", "", kImm, B, 0, 0, "no", {}},
    {"always-show-logo", "", kImm, B, 0, 0, "no", {}},
    {"rdbcompression", "", 0, B, 0, 0, "yes", {}},
    {"rdb-del-sync-files", "", 0, B, 0, 0, "no", {}},
    {"activerehashing", "", 0, B, 0, 0, "yes", {}},
    {"set-proc-title", "", kImm, B, 0, 0, "yes", {}},
    {"dynamic-hz", "", 0, B, 0, 0, "yes", {}},
    {"lazyfree-lazy-expire", "", 0, B, 0, 0, "no", {}},
    {"lazyfree-lazy-server-del", "", 0, B, 0, 0, "no", {}},
    {"lazyfree-lazy-user-del", "", 0, B, 0, 0, "no", {}},
    {"lazyfree-lazy-user-flush", "", 0, B, 0, 0, "no", {}},
    {"repl-disable-tcp-nodelay", "", 0, B, 0, 0, "no", {}},
    {"repl-diskless-sync", "", 0, B, 0, 0, "yes", {}},
    {"aof-rewrite-incremental-fsync", "", 0, B, 0, 0, "yes", {}},
    {"no-appendfsync-on-rewrite", "", 0, B, 0, 0, "no", {}},
    {"cluster-require-full-coverage", "", 0, B, 0, 0, "yes", {}},
    {"rdb-save-incremental-fsync", "", 0, B, 0, 0, "yes", {}},
    {"aof-load-truncated", "", 0, B, 0, 0, "yes", {}},
    {"aof-use-rdb-preamble", "", 0, B, 0, 0, "yes", {}},
    {"aof-timestamp-enabled", "", 0, B, 0, 0, "no", {}},
    {"cluster-replica-no-failover", "cluster-slave-no-failover", 0, B, 0, 0, "no", {}},
    {"replica-lazy-flush", "slave-lazy-flush", 0, B, 0, 0, "no", {}},
    {"jemalloc-bg-thread", "", 0, B, 0, 0, "yes", {}},
    {"activedefrag", "", 0, B, 0, 0, "no", {}},
    {"cluster-enabled", "", kImm, B, 0, 0, "no", {}},
    {"cluster-allow-reads-when-down", "", 0, B, 0, 0, "no", {}},
    {"cluster-allow-pubsubshard-when-down", "", 0, B, 0, 0, "yes", {}},
    {"crash-log-enabled", "", 0, B, 0, 0, "yes", {}},
    {"crash-memcheck-enabled", "", 0, B, 0, 0, "yes", {}},
    {"use-exit-on-panic", "", kHidden, B, 0, 0, "no", {}},
    {"disable-thp", "", kImm, B, 0, 0, "yes", {}},
    {"cluster-allow-replica-migration", "", 0, B, 0, 0, "yes", {}},
    {"aof-disable-auto-gc", "", 0, B, 0, 0, "no", {}},
    {"replica-ignore-disk-write-errors", "", 0, B, 0, 0, "no", {}},
    {"lua-enable-deprecated-api", "", kImm | kHidden, B, 0, 0, "no", {}},
    {"aclfile", "", kImm, S, 0, 0, "", {}},
    {"cluster-announce-ip", "", 0, S, 0, 0, "", {}},
    {"cluster-config-file", "", kImm, S, 0, 0, "nodes.conf", {}},
    {"cluster-announce-hostname", "", 0, S, 0, 0, "", {}},
    {"appendfilename", "", kImm, S, 0, 0, "appendonly.aof", {}},
    {"appenddirname", "", kImm, S, 0, 0, "appendonlydir", {}},
    {"server_cpulist", "", kImm, S, 0, 0, "", {}},
    {"bio_cpulist", "", kImm, S, 0, 0, "", {}},
    {"aof_rewrite_cpulist", "", kImm, S, 0, 0, "", {}},
    {"bgsave_cpulist", "", kImm, S, 0, 0, "", {}},
    {"ignore-warnings", "", 0, S, 0, 0, "", {}},
    {"proc-title-template", "", 0, S, 0, 0, "{title} {listen-addr} {server-mode}", {}},
    {"bind-source-addr", "", 0, S, 0, 0, "", {}},
    {"supervised", "", kImm, E, 0, 0, "no", kSupervised},
    {"repl-diskless-load", "", kConfigDenyLoading, E, 0, 0, "disabled", kDisklessLoad},
    {"appendfsync", "", 0, E, 0, 0, "everysec", kAppendfsync},
    {"oom-score-adj", "", 0, E, 0, 0, "no", kOomScoreAdj},
    {"acl-pubsub-default", "", 0, E, 0, 0, "resetchannels", kAclPubsub},
    {"cluster-preferred-endpoint-type", "", 0, E, 0, 0, "ip", kEndpointType},
    {"propagation-error-behavior", "", 0, E, 0, 0, "ignore", kPropagationError},
    {"io-threads", "", kImm, I, 1, 128, "1", {}},
    {"auto-aof-rewrite-percentage", "", 0, I, 0, kIntMax, "100", {}},
    {"cluster-replica-validity-factor", "cluster-slave-validity-factor", 0, I, 0, kIntMax, "10", {}},
    {"list-compress-depth", "", 0, I, 0, kIntMax, "0", {}},
    {"cluster-migration-barrier", "", 0, I, 0, kIntMax, "1", {}},
    {"active-defrag-cycle-min", "", 0, I, 1, 99, "1", {}},
    {"active-defrag-cycle-max", "", 0, I, 1, 99, "25", {}},
    {"active-defrag-threshold-lower", "", 0, I, 0, 1000, "10", {}},
    {"active-defrag-threshold-upper", "", 0, I, 0, 1000, "100", {}},
    {"repl-diskless-sync-delay", "", 0, I, 0, kIntMax, "5", {}},
    {"cluster-port", "", kImm, I, 0, 65535, "0", {}},
    {"cluster-announce-bus-port", "", 0, I, 0, 65535, "0", {}},
    {"cluster-announce-port", "", 0, I, 0, 65535, "0", {}},
    {"cluster-announce-tls-port", "", 0, I, 0, 65535, "0", {}},
    {"rdb-key-save-delay", "", kHidden, I, INT_MIN, kIntMax, "0", {}},
    {"key-load-delay", "", kHidden, I, INT_MIN, kIntMax, "0", {}},
    {"active-expire-effort", "", 0, I, 1, 10, "1", {}},
    {"watchdog-period", "", kHidden, I, 0, kIntMax, "0", {}},
    {"shutdown-timeout", "", 0, I, 0, kIntMax, "10", {}},
    {"repl-diskless-sync-max-replicas", "", 0, I, 0, kIntMax, "0", {}},
    {"socket-mark-id", "", kImm, U, 0, UINT_MAX, "0", {}},
    {"active-defrag-max-scan-fields", "", 0, I, 1, kLongMax, "1000", {}},
    {"acllog-max-len", "", 0, I, 0, kLongMax, "128", {}},
    {"cluster-node-timeout", "", 0, I, 0, kLongMax, "15000", {}},
    {"cluster-link-sendbuf-limit", "", 0, M, 0, -1, "0", {}},
    {"active-defrag-ignore-bytes", "", 0, M, 1, kLongMax, "104857600", {}},
    {"auto-aof-rewrite-min-size", "", 0, M, 0, kLongMax, "67108864", {}},
    {"loading-process-events-interval-bytes", "", kHidden, I, 1024, kIntMax, "2097152", {}},
    {"tls-port", "", 0, I, 0, 65535, "0", {}},
    {"tls-session-cache-size", "", 0, I, 0, kIntMax, "20480", {}},
    {"tls-session-cache-timeout", "", 0, I, 0, kIntMax, "300", {}},
    {"tls-cluster", "", 0, B, 0, 0, "no", {}},
    {"tls-replication", "", 0, B, 0, 0, "no", {}},
    {"tls-auth-clients", "", 0, E, 0, 0, "yes", kTlsAuthClients},
    {"tls-prefer-server-ciphers", "", 0, B, 0, 0, "no", {}},
    {"tls-session-caching", "", 0, B, 0, 0, "yes", {}},
    {"tls-cert-file", "", 0, S, 0, 0, "", {}},
    {"tls-key-file", "", 0, S, 0, 0, "", {}},
    {"tls-key-file-pass", "", 0, S, 0, 0, "", {}},
    {"tls-client-cert-file", "", 0, S, 0, 0, "", {}},
    {"tls-client-key-file", "", 0, S, 0, 0, "", {}},
    {"tls-client-key-file-pass", "", 0, S, 0, 0, "", {}},
    {"tls-dh-params-file", "", 0, S, 0, 0, "", {}},
    {"tls-ca-cert-file", "", 0, S, 0, 0, "", {}},
    {"tls-ca-cert-dir", "", 0, S, 0, 0, "", {}},
    {"tls-protocols", "", 0, S, 0, 0, "", {}},
    {"tls-ciphers", "", 0, S, 0, 0, "", {}},
    {"tls-ciphersuites", "", 0, S, 0, 0, "", {}},
};
// clang-format on

Check check_for(const Row& r) {
  switch (r.kind) {
    case Kind::boolean:
      return [](std::string_view v, std::string& printed) -> cv::Error {
        bool value = false;
        if (auto error = cv::parse_bool(v, value)) return error;
        printed = value ? "yes" : "no";
        return std::nullopt;
      };
    case Kind::integer:
    case Kind::unsigned_integer:
      return [min = r.min, max = r.max, is_unsigned = r.kind == Kind::unsigned_integer](
                 std::string_view v, std::string& printed) -> cv::Error {
        int64_t value = 0;
        if (auto error = cv::parse_integer(v, min, max, is_unsigned, value)) return error;
        printed = std::to_string(value);
        return std::nullopt;
      };
    case Kind::memory:
      // max -1: an unsigned long long row, bounded by ULLONG_MAX.
      return [min = static_cast<uint64_t>(r.min), max = r.max < 0 ? UINT64_MAX : static_cast<uint64_t>(r.max)](
                 std::string_view v, std::string& printed) -> cv::Error {
        uint64_t value = 0;
        if (auto error = cv::parse_memory_bounded(v, min, max, value)) return error;
        printed = std::to_string(value);
        return std::nullopt;
      };
    case Kind::enumeration:
      return [names = r.names](std::string_view v, std::string& printed) -> cv::Error {
        int value = 0;
        if (auto error = cv::parse_enum(v, names, value)) return error;
        printed = cv::print_enum(value, names);
        return std::nullopt;
      };
    case Kind::text:
      break;
  }
  return [](std::string_view, std::string&) -> cv::Error { return std::nullopt; };
}

// A row's own validation and refusals, run after the kind's parse.
Check with_extra(std::string_view name, Check check) {
  auto refuse_unless = [](std::string_view name, std::string allowed, std::string message) -> Check {
    (void)name;
    return [allowed = std::move(allowed), message = std::move(message)](std::string_view, std::string& printed) -> cv::Error {
      if (printed != allowed) return message;
      return std::nullopt;
    };
  };
  Check extra;
  if (name == "activedefrag")
    extra = refuse_unless(name, "no",
                          "Active defragmentation cannot be enabled: it requires a Redis server compiled with a "
                          "modified Jemalloc like the one shipped by default with the Redis source distribution");
  else if (name == "cluster-enabled")
    extra = refuse_unless(name, "no", "cluster mode is not supported by arbor (shard with twemproxy)");
  else if (name == "tls-port")
    extra = refuse_unless(name, "0", "TLS is not supported by arbor");
  else if (name == "cluster-announce-hostname")
    extra = [](std::string_view v, std::string&) { return cv::check_hostname(v); };
  else if (name == "proc-title-template")
    extra = [](std::string_view v, std::string&) { return cv::check_proc_title_template(v); };
  else if (name == "appendfilename" || name == "appenddirname")
    extra = [kind = name == "appendfilename" ? std::string("filename") : std::string("dirname"),
             what = std::string(name)](std::string_view v, std::string&) -> cv::Error {
      if (v.empty()) return what + " can't be empty";
      if (v.find('/') != std::string_view::npos) return what + " can't be a path, just a " + kind;
      return std::nullopt;
    };
  if (!extra) return check;
  return [check = std::move(check), extra = std::move(extra)](std::string_view v, std::string& printed) -> cv::Error {
    if (auto error = check(v, printed)) return error;
    return extra(v, printed);
  };
}

}  // namespace

void add_inert_params(std::vector<Param>& out) {
  for (const Row& r : kRows)
    out.push_back(inert_row(r.name, r.alias, r.flags, r.default_text, with_extra(r.name, check_for(r))));

  constexpr uint32_t kMulti = kConfigMultiArg;
  out.push_back(inert_row("oom-score-adj-values", "", kMulti, "0 200 800", cv::parse_oom_score_adj_values));
}

}  // namespace arbor::core
