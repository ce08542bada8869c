// arbor-server: parses the configuration (a redis.conf-style file and/or
// --name value flags, as redis-server takes them), wires the command table,
// the instance and the network server, and runs the event loop.
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
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
#include "server/net/server.h"

namespace {

spdlog::level::level_enum to_spdlog_level(const std::string& level) {
  if (level == "debug") return spdlog::level::debug;
  if (level == "verbose") return spdlog::level::debug;
  if (level == "warning") return spdlog::level::warn;
  if (level == "nothing") return spdlog::level::off;
  return spdlog::level::info;
}

// Redis-like log lines: "pid:M 24 Nov 2026 10:00:00.123 * message".
void configure_logging(const arbor::core::Settings& settings) {
  std::shared_ptr<spdlog::logger> logger;
  if (settings.logfile.empty()) logger = spdlog::stdout_logger_mt("arbor");
  else logger = spdlog::basic_logger_mt("arbor", settings.logfile);
  logger->set_pattern("%P:M %d %b %Y %H:%M:%S.%e %L %v");
  logger->set_level(to_spdlog_level(settings.loglevel));
  logger->flush_on(spdlog::level::debug);
  spdlog::set_default_logger(logger);
}

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
  core::Config config;
  if (auto error = config.load_args(argc - 1, argv + 1)) {
    std::fprintf(stderr, "%s\n", error->c_str());
    return 1;
  }
  configure_logging(config.settings());
  adjust_open_files_limit(config.settings());
  config.set_apply_hook([&config](std::string_view name) {
    if (name == "loglevel") spdlog::set_level(to_spdlog_level(config.settings().loglevel));
  });

  core::CommandTable commands;
  core::register_all_commands(commands);
  replication::register_persistence_commands(commands);
  replication::register_replication_commands(commands);
  replication::register_function_payload_commands(commands);
  replication::register_dump_commands(commands);
  replication::register_migrate_command(commands);
  core::Instance instance(config, commands);
  instance.run_id = random_hex(40);
  std::error_code ec;
  instance.executable = std::filesystem::canonical("/proc/self/exe", ec).string();
  if (argc >= 2 && argv[1][0] != '-') instance.config_file = std::filesystem::absolute(argv[1], ec).string();

  spdlog::info("oO0OoO0OoO0Oo arbor is starting oO0OoO0OoO0Oo");
  spdlog::info("arbor version={}, Redis {} compatible, pid={}", commands::kArborVersion,
               commands::kCompatibleRedisVersion, static_cast<int>(getpid()));
  std::string load_error;
  replication::SavedHistory history;
  if (!replication::load_at_start(instance, load_error, history)) {
    spdlog::critical("{}", load_error);
    return 1;
  }
  try {
    net::Server server(instance);
    replication::ReplicationService replication(instance, server.io());
    replication.boot(history);
    server.run();
  } catch (const std::exception& e) {
    spdlog::critical("{}", e.what());
    return 1;
  }
  return 0;
}
