// arbor-server: parses the configuration (a redis.conf-style file and/or
// --name value flags, as redis-server takes them), wires the command table,
// the instance and the network server, and runs the event loop.
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/sinks/syslog_sink.h>
#include <spdlog/spdlog.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <syslog.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <vector>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>

#include "server/commands/server_identity.h"
#include "server/core/command_table.h"
#include "replication/persistence.h"
#include "replication/replication_service.h"
#include "server/core/config.h"
#include "server/core/instance.h"
#include "server/core/memory.h"
#include "server/net/server.h"

namespace {

spdlog::level::level_enum to_spdlog_level(const std::string& level) {
  if (level == "debug") return spdlog::level::debug;
  if (level == "verbose") return spdlog::level::debug;
  if (level == "warning") return spdlog::level::warn;
  if (level == "nothing") return spdlog::level::off;
  return spdlog::level::info;
}

// Redis-like log lines: "pid:M 24 Nov 2026 10:00:00.123 * message", to the
// logfile (stdout when empty) and, with syslog-enabled, to syslog too.
// Returns Redis's error when the log file cannot be opened.
std::optional<std::string> configure_logging(const arbor::core::Settings& settings) {
  std::vector<spdlog::sink_ptr> sinks;
  try {
    if (settings.logfile.empty()) sinks.push_back(std::make_shared<spdlog::sinks::stdout_sink_mt>());
    else sinks.push_back(std::make_shared<spdlog::sinks::basic_file_sink_mt>(settings.logfile));
  } catch (const spdlog::spdlog_ex&) {
    return std::string("Can't open the log file: ") + std::strerror(errno);
  }
  if (settings.syslog_enabled) {
    static const std::pair<const char*, int> kFacilities[] = {
        {"user", LOG_USER},     {"local0", LOG_LOCAL0}, {"local1", LOG_LOCAL1}, {"local2", LOG_LOCAL2},
        {"local3", LOG_LOCAL3}, {"local4", LOG_LOCAL4}, {"local5", LOG_LOCAL5}, {"local6", LOG_LOCAL6},
        {"local7", LOG_LOCAL7}};
    int facility = LOG_LOCAL0;
    for (const auto& [name, value] : kFacilities)
      if (settings.syslog_facility == name) facility = value;
    // (Unformatted: syslog adds its own time and pid.)
    sinks.push_back(std::make_shared<spdlog::sinks::syslog_sink_mt>(settings.syslog_ident, LOG_PID | LOG_NDELAY,
                                                                     facility, false));
  }
  auto logger = std::make_shared<spdlog::logger>("arbor", sinks.begin(), sinks.end());
  logger->set_pattern("%P:M %d %b %Y %H:%M:%S.%e %L %v");
  logger->set_level(to_spdlog_level(settings.loglevel));
  logger->flush_on(spdlog::level::debug);
  spdlog::set_default_logger(logger);
  return std::nullopt;
}

// As Redis's daemonize(): the parent exits at once, the child leaves the
// terminal's session and writes nothing to it.
void daemonize() {
  const pid_t child = fork();
  if (child < 0) {
    std::fprintf(stderr, "fork: %s\n", std::strerror(errno));
    std::exit(1);
  }
  if (child > 0) std::exit(0);
  setsid();
  const int null_fd = open("/dev/null", O_RDWR, 0);
  if (null_fd >= 0) {
    dup2(null_fd, STDIN_FILENO);
    dup2(null_fd, STDOUT_FILENO);
    dup2(null_fd, STDERR_FILENO);
    if (null_fd > STDERR_FILENO) close(null_fd);
  }
}

// The pid file: written when set (a daemon always has one), removed when
// the server ends normally.
class PidFile {
 public:
  explicit PidFile(const arbor::core::Settings& settings) {
    path_ = settings.pidfile;
    if (path_.empty()) return;
    std::FILE* file = std::fopen(path_.c_str(), "w");
    if (file == nullptr) {
      spdlog::warn("Failed to write PID file: {}", std::strerror(errno));
      path_.clear();
      return;
    }
    std::fprintf(file, "%d\n", static_cast<int>(getpid()));
    std::fclose(file);
  }
  ~PidFile() {
    if (!path_.empty()) unlink(path_.c_str());
  }
  PidFile(const PidFile&) = delete;
  PidFile& operator=(const PidFile&) = delete;

 private:
  std::string path_;
};

std::string random_hex(size_t length) {
  std::random_device rd;
  std::mt19937_64 rng((static_cast<uint64_t>(rd()) << 32) ^ rd());
  static const char kDigits[] = "0123456789abcdef";
  std::string out(length, '0');
  for (char& c : out) c = kDigits[rng() & 15];
  return out;
}

void print_usage() {
  std::fputs(
      "Usage: ./arbor-server [/path/to/redis.conf] [options]\n"
      "       ./arbor-server -v or --version\n"
      "       ./arbor-server -h or --help\n\n"
      "Examples:\n"
      "       ./arbor-server (run the server with default config)\n"
      "       ./arbor-server /etc/redis/6379.conf\n"
      "       ./arbor-server --port 7777\n"
      "       ./arbor-server /etc/myredis.conf --loglevel verbose\n",
      stderr);
}

// As Redis's adjustOpenFilesLimit: room for maxclients plus our own files,
// raising the soft limit as far as the hard limit allows, and saying so
// when maxclients cannot be honoured.
void adjust_open_files_limit(arbor::core::Settings& settings) {
  constexpr rlim_t kReserved = 32;
  const rlim_t wanted = static_cast<rlim_t>(settings.maxclients) + kReserved;
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  if (limit.rlim_cur >= wanted) return;
  const rlim_t target = limit.rlim_max == RLIM_INFINITY ? wanted : std::min(wanted, limit.rlim_max);
  limit.rlim_cur = target;
  if (setrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  if (target < wanted) {
    const auto reduced = static_cast<int64_t>(target > kReserved ? target - kReserved : 1);
    spdlog::warn("You requested maxclients of {} requiring at least {} max file descriptors. arbor can't set "
                 "maximum open files to {} because of OS error: the hard limit is {}. Current maximum open "
                 "files is {}. maxclients has been reduced to {} to compensate for low ulimit.",
                 settings.maxclients, wanted, wanted, limit.rlim_max, target, reduced);
    settings.maxclients = reduced;
  }
}

}  // namespace

int main(int argc, char** argv) {
  using namespace arbor;
  if (argc >= 2) {
    const std::string first = argv[1];
    if (first == "-v" || first == "--version") {
      std::printf("arbor server v=%s (Redis %s compatible)\n", std::string(commands::kArborVersion).c_str(),
                  std::string(commands::kCompatibleRedisVersion).c_str());
      return 0;
    }
    if (first == "-h" || first == "--help") {
      print_usage();
      return 0;
    }
  }
  // (Before loading: a `dir` line changes the working directory.)
  std::error_code path_error;
  const std::string config_file =
      argc >= 2 && argv[1][0] != '-' ? std::filesystem::absolute(argv[1], path_error).lexically_normal().string()
                                     : std::string();
  core::Config config(/*owns_process=*/true);
  if (auto error = config.load_args(argc - 1, argv + 1)) {
    std::fprintf(stderr, "%s\n", error->c_str());
    return 1;
  }
  if (config.settings().daemonize) {
    daemonize();
    // As Redis: a daemon without a pid file gets the default one, and
    // CONFIG GET pidfile says so.
    if (config.settings().pidfile.empty()) config.settings().pidfile = "/var/run/redis.pid";
  }
  if (auto error = configure_logging(config.settings())) {
    std::fprintf(stderr, "\n*** FATAL CONFIG FILE ERROR (arbor) ***\n%s\n", error->c_str());
    return 1;
  }
  adjust_open_files_limit(config.settings());
  config.add_apply_hook([&config](std::string_view name) -> std::optional<std::string> {
    if (name == "loglevel") spdlog::set_level(to_spdlog_level(config.settings().loglevel));
    return std::nullopt;
  });

  core::CommandTable commands;
  core::register_all_commands(commands);
  replication::register_persistence_commands(commands);
  replication::register_replication_commands(commands);
  replication::register_function_payload_commands(commands);
  replication::register_dump_commands(commands);
  replication::register_migrate_command(commands);
  for (const auto& [from, to] : config.renamed_commands()) {
    if (auto error = commands.rename(from, to)) {
      spdlog::critical("rename-command {} {}: {}", from, to, *error);
      return 1;
    }
  }
  core::Instance instance(config, commands);
  instance.identity.run_id = random_hex(40);
  std::error_code ec;
  instance.identity.executable = std::filesystem::canonical("/proc/self/exe", ec).string();
  instance.identity.config_file = config_file;

  spdlog::info("oO0OoO0OoO0Oo arbor is starting oO0OoO0OoO0Oo");
  spdlog::info("arbor version={}, Redis {} compatible, pid={}", commands::kArborVersion,
               commands::kCompatibleRedisVersion, static_cast<int>(getpid()));
  for (const std::string& name : config.take_inert_notices())
    spdlog::warn("The '{}' setting has no effect in arbor; it is accepted for redis.conf compatibility", name);
  const PidFile pid_file(config.settings());
  instance.startup_memory = instance.peak_memory = core::used_memory();  // before the data, as Redis
  std::string load_error;
  replication::SavedHistory history;
  if (!replication::load_at_start(instance, load_error, history)) {
    spdlog::critical("{}", load_error);
    return 1;
  }
  try {
    net::Server server(instance);
    replication::ReplicationService replication(instance, server.dispatcher(), server.io());
    replication.boot(history);
    server.run();
  } catch (const std::exception& e) {
    spdlog::critical("{}", e.what());
    return 1;
  }
  return 0;
}
