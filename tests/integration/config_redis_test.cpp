// The configuration side by side with redis-server 7.0: every parameter of
// CONFIG GET * with the same defaults, CONFIG SET replies and the values
// they leave for a corpus of valid and invalid settings (Redis's check
// order, atomic multi-parameter sets, aliases, hidden parameters), CONFIG
// GET patterns, and Debian's stock /etc/redis/redis.conf starting both
// servers (arbor daemonized, with its pid file).
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "tests/integration/server_fixture.h"

namespace arbor::test {
namespace {

constexpr milliseconds kWait(10000);

std::map<std::string, std::string> config_map(const Reply& reply) {
  std::map<std::string, std::string> out;
  for (size_t i = 0; i + 1 < reply.elements.size(); i += 2) out[reply.elements[i].str] = reply.elements[i + 1].str;
  return out;
}

// arbor's own parameters (seeding), which Redis does not have.
const std::set<std::string> kArborOnly = {"seed-from", "seed-timeout", "seed-require", "seed-safe-wait",
                                          "replica-protect-data"};

// Parameters the two fixtures start differently, or that name a place.
const std::set<std::string> kStartedDifferently = {"port", "dir", "logfile", "loglevel", "save", "pidfile",
                                                   "daemonize"};

TEST(ConfigAgainstRedis, EveryRedisParameterIsKnownWithRedisDefaults) {
  RedisProcess redis;
  ASSERT_TRUE(redis.ok());
  ServerProcess arbor({"--enable-debug-command", "no"});  // Redis's default (the fixture's is yes)
  Client r(redis.port()), a(arbor.port());
  EXPECT_EQ(describe(a.cmd({"DEBUG", "SLEEP", "0"})), describe(r.cmd({"DEBUG", "SLEEP", "0"})));
  const Reply redis_all = r.cmd({"CONFIG", "GET", "*"});
  const Reply arbor_all = a.cmd({"CONFIG", "GET", "*"});
  const auto expected = config_map(redis_all);
  const auto actual = config_map(arbor_all);
  EXPECT_EQ(expected.size(), 192u);
  EXPECT_EQ(actual.size(), expected.size() + kArborOnly.size());
  for (const auto& [name, value] : expected) {
    auto it = actual.find(name);
    if (it == actual.end()) {
      ADD_FAILURE() << "arbor lacks " << name;
      continue;
    }
    if (kStartedDifferently.contains(name)) continue;
    EXPECT_EQ(it->second, value) << name;
  }
  for (const auto& [name, value] : actual)
    EXPECT_TRUE(expected.contains(name) || kArborOnly.contains(name)) << "arbor lists " << name;
}

// Each entry is one CONFIG command (after "CONFIG"); after it, every
// parameter it names is read back with CONFIG GET on both servers.
const std::vector<std::vector<std::string>> kSetCorpus = {
    {"SET", "hz", "abc"},
    {"SET", "hz", "-1"},
    {"SET", "hz", "0"},
    {"SET", "hz", "999"},
    {"SET", "HZ", "abc"},
    {"SET", "hz", "15"},
    {"SET", "port", "70000"},
    {"SET", "port", "-1"},
    {"SET", "maxclients", "0"},
    {"SET", "maxclients", "-1"},
    {"SET", "maxclients", "5000"},
    {"SET", "timeout", "05"},
    {"SET", "timeout", "+5"},
    {"SET", "timeout", "7"},
    {"SET", "repl-backlog-size", "0"},
    {"SET", "repl-backlog-size", "1"},
    {"SET", "repl-backlog-size", "2mb"},
    {"SET", "maxmemory", "1.5"},
    {"SET", "maxmemory", "abc"},
    {"SET", "maxmemory", "-1"},
    {"SET", "maxmemory", ""},
    {"SET", "maxmemory", "0"},
    {"SET", "maxmemory-clients", "200%"},
    {"SET", "maxmemory-clients", "5%"},
    {"SET", "maxmemory-clients", "-5"},
    {"SET", "maxmemory-clients", "1%%"},
    {"SET", "maxmemory-clients", "0%"},
    {"SET", "maxmemory-clients", "1mb"},
    {"SET", "maxmemory-policy", "allkeys-lru"},
    {"SET", "maxmemory-policy", "ALLKEYS-LFU"},
    {"SET", "maxmemory-policy", "bogus"},
    {"SET", "maxmemory-samples", "0"},
    {"SET", "maxmemory-eviction-tenacity", "101"},
    {"SET", "lfu-log-factor", "5"},
    {"SET", "loglevel", "loud"},
    {"SET", "loglevel", "WARNING"},
    {"SET", "loglevel", "notice"},
    {"SET", "appendfsync", "always everysec"},
    {"SET", "appendfsync", "always"},
    {"SET", "shutdown-on-sigint", "save nosave"},
    {"SET", "shutdown-on-sigint", "force now save"},
    {"SET", "shutdown-on-sigint", "bogus"},
    {"SET", "shutdown-on-sigterm", "nosave"},
    {"SET", "notify-keyspace-events", "KEA"},
    {"SET", "notify-keyspace-events", ""},
    {"SET", "save", "1"},
    {"SET", "save", "0 1"},
    {"SET", "save", "900 -1"},
    {"SET", "save", "900 1 300 10"},
    {"SET", "save", ""},
    {"SET", "client-output-buffer-limit", "normal 1mb"},
    {"SET", "client-output-buffer-limit", "master 1 2 3"},
    {"SET", "client-output-buffer-limit", "normal x 2 3"},
    {"SET", "client-output-buffer-limit", "pubsub 1mb 2mb 30 replica 10mb 5mb 60"},
    {"SET", "oom-score-adj-values", "1 2"},
    {"SET", "oom-score-adj-values", "1 2 3000"},
    {"SET", "oom-score-adj-values", "10 20 30"},
    {"SET", "oom-score-adj", "relative"},
    {"SET", "oom-score-adj", "absolute"},
    {"SET", "latency-tracking-info-percentiles", "50 x"},
    {"SET", "latency-tracking-info-percentiles", "50 101"},
    {"SET", "latency-tracking-info-percentiles", "99.99 50"},
    {"SET", "cluster-announce-hostname", "bad_name"},
    {"SET", "cluster-announce-hostname", "host-1.example"},
    {"SET", "proc-title-template", "{title} {bogus}"},
    {"SET", "proc-title-template", "{title"},
    {"SET", "proc-title-template", "{title} {port}"},
    {"SET", "activedefrag", "yes"},
    {"SET", "activedefrag", "maybe"},
    {"SET", "activedefrag", "no"},
    {"SET", "tracking-table-max-keys", "-1"},
    {"SET", "slowlog-log-slower-than", "-2"},
    {"SET", "slowlog-log-slower-than", "-1"},
    {"SET", "slowlog-max-len", "64"},
    {"SET", "list-max-ziplist-size", "5"},
    {"SET", "hash-max-ziplist-entries", "100"},
    {"SET", "set-max-intset-entries", "-1"},
    {"SET", "proto-max-bulk-len", "1kb"},
    {"SET", "proto-max-bulk-len", "2mb"},
    {"SET", "acl-pubsub-default", "allchannels"},
    {"SET", "tls-auth-clients", "optional"},
    {"SET", "repl-diskless-load", "swapdb"},
    {"SET", "ignore-warnings", "ARM64-COW-BUG"},
    {"SET", "active-defrag-cycle-min", "100"},
    {"SET", "io-threads", "4"},
    {"SET", "daemonize", "no"},
    {"SET", "DAEMONIZE", "no"},
    {"SET", "unixsocketperm", "700"},
    {"SET", "dir", "/tmp"},
    {"SET", "dbfilename", "x.rdb"},
    {"SET", "nonexist", "1"},
    {"SET", "MAXMEMORY", "0", "maxmemory", "0"},
    {"SET", "slave-priority", "1", "replica-priority", "2"},
    {"SET", "hz", "20", "maxclients", "abc"},
    {"SET", "hz", "20", "nonexist", "1"},
    {"SET", "daemonize", "no", "nonexist", "1"},
    {"SET", "nonexist", "1", "daemonize", "no"},
    {"SET", "hz", "30", "timeout", "40", "lfu-decay-time", "2"},
    {"SET", "lua-time-limit", "abc"},
    {"SET", "Lua-Time-Limit", "abc"},
    {"SET", "lua-time-limit", "6000"},
    {"SET", "maxmemory"},
    {"SET", "maxmemory", "0", "hz"},
    {"SET", "use-exit-on-panic", "no"},
    {"SET", "key-load-delay", "-5"},
};

TEST(ConfigAgainstRedis, SetRepliesAndResultingValuesMatch) {
  RedisProcess redis;
  ASSERT_TRUE(redis.ok());
  ServerProcess arbor({"--save", "", "--loglevel", "notice", "--enable-debug-command", "no"});  // as Redis's
  Client r(redis.port()), a(arbor.port());
  for (const auto& command : kSetCorpus) {
    std::vector<std::string> full = {"CONFIG"};
    full.insert(full.end(), command.begin(), command.end());
    std::string shown;
    for (const auto& word : full) shown += "'" + word + "' ";
    EXPECT_EQ(describe(a.cmd(full)), describe(r.cmd(full))) << shown;
    for (size_t i = 1; i < command.size(); i += 2) {
      if (command[i] == "port" || command[i] == "dir") continue;  // each fixture's own
      EXPECT_EQ(describe(a.cmd({"CONFIG", "GET", command[i]})), describe(r.cmd({"CONFIG", "GET", command[i]})))
          << shown << "then CONFIG GET " << command[i];
    }
  }
}

TEST(ConfigAgainstRedis, GetPatternsAliasesAndHiddenParameters) {
  RedisProcess redis;
  ASSERT_TRUE(redis.ok());
  ServerProcess arbor({"--enable-debug-command", "no"});
  Client r(redis.port()), a(arbor.port());
  // Globs match names and aliases but skip hidden parameters; names
  // without glob characters find aliases and hidden ones, answered under
  // the spelling asked. Redis's order is its dict's: compare as maps.
  for (std::vector<std::string> patterns :
       {std::vector<std::string>{"slave*"}, {"*delay*"}, {"key-load-delay"}, {"MAXMEMORY", "maxm*"},
        {"maxmemory", "MAXMEMORY"}, {"slaveof", "replicaof"}, {"*ziplist*"}, {"*listpack*"}, {""},
        {"lua-enable-deprecated-api"}, {"use-exit-on-panic", "watchdog-period", "rdb-key-save-delay"},
        {"loading-process-events-interval-bytes"}, {"*max*-*len"}, {"tls-*"}, {"cluster-*"}}) {
    std::vector<std::string> full = {"CONFIG", "GET"};
    full.insert(full.end(), patterns.begin(), patterns.end());
    EXPECT_EQ(config_map(a.cmd(full)), config_map(r.cmd(full))) << patterns.front();
  }
  EXPECT_EQ(describe(a.cmd({"CONFIG", "GET"})), describe(r.cmd({"CONFIG", "GET"})));
}

TEST(ConfigAgainstRedis, PortChangesAtRunTimeAsRedisDoes) {
  ServerProcess arbor;
  Client a(arbor.port());
  const uint16_t next = pick_free_port();
  ASSERT_NE(next, 0);
  ASSERT_TRUE(is_status(a.cmd({"CONFIG", "SET", "port", std::to_string(next)}), "OK"));
  Client moved(next);
  ASSERT_TRUE(moved.connected());
  EXPECT_TRUE(is_status(moved.cmd({"PING"}), "PONG"));
  EXPECT_TRUE(is_status(a.cmd({"PING"}), "PONG"));  // connections made before stay
  EXPECT_TRUE(eventually([&] { return !answers_ping(arbor.port(), milliseconds(200)); }, kWait));
  // A port someone else holds: Redis's error, and the old port still serves.
  LoopbackListener taken;
  EXPECT_TRUE(is_error(moved.cmd({"CONFIG", "SET", "port", std::to_string(taken.port())}),
                       "ERR CONFIG SET failed (possibly related to argument 'port') - Unable to listen on this port. "
                       "Check server logs."));
  EXPECT_EQ(describe(moved.cmd({"CONFIG", "GET", "port"})), "[\"port\", \"" + std::to_string(next) + "\"]");
  Client again(next);
  EXPECT_TRUE(is_status(again.cmd({"PING"}), "PONG"));
}

// Debian's stock redis.conf (daemonize yes, pidfile, logfile, dir under
// /var) starts arbor unchanged but for where it writes; redis-server reads
// the same file, and every parameter Redis has comes out the same.
TEST(StockRedisConf, DebianRedisConfStartsArborDaemonizedWithRedisValues) {
  const std::string stock = "/etc/redis/redis.conf";
  if (!std::filesystem::exists(stock)) GTEST_SKIP() << stock << " is missing (package redis-server)";
  TempDir dir;
  const std::vector<std::string> places = {"--dir", dir.path(), "--logfile", dir.file("arbor.log"), "--pidfile",
                                           dir.file("arbor.pid")};
  std::vector<std::string> args = {stock, "--port", "0", "--announce-port-file", "yes"};
  args.insert(args.end(), places.begin(), places.end());
  ChildProcess launcher;
  launcher.spawn(arbor_server_path(), args, dir.file("stdout.log"));
  const auto status = launcher.wait_exit(kWait);
  ASSERT_TRUE(status && WIFEXITED(*status) && WEXITSTATUS(*status) == 0)
      << "the foreground process should exit 0 once daemonized\n"
      << read_file(dir.file("stdout.log")) << read_file(dir.file("arbor.log"));
  std::string port_text, pid_text;
  ASSERT_TRUE(eventually([&] {
    port_text = read_file(dir.file("arbor.port"));
    pid_text = read_file(dir.file("arbor.pid"));
    return !port_text.empty() && !pid_text.empty();
  }, kWait)) << read_file(dir.file("arbor.log"));
  const pid_t daemon = static_cast<pid_t>(std::stol(pid_text));
  ASSERT_GT(daemon, 1);
  // The daemon is not our child: whatever fails below, it must not outlive
  // the test.
  struct KillOnExit {
    pid_t pid;
    ~KillOnExit() {
      if (pid > 0) ::kill(pid, SIGKILL);
    }
  } guard{daemon};
  EXPECT_NE(daemon, launcher.pid());
  const uint16_t port = static_cast<uint16_t>(std::stoi(port_text));
  {
    Client a(port);
    ASSERT_TRUE(is_status(a.cmd({"PING"}), "PONG"));
    EXPECT_EQ(describe(a.cmd({"CONFIG", "GET", "daemonize"})), R"(["daemonize", "yes"])");
    EXPECT_EQ(describe(a.cmd({"CONFIG", "GET", "pidfile"})), "[\"pidfile\", \"" + dir.file("arbor.pid") + "\"]");

    // redis-server on the same file, in the foreground, written elsewhere.
    TempDir redis_dir;
    const uint16_t redis_port = pick_free_port();
    ChildProcess redis;
    redis.spawn("/usr/bin/redis-server",
                {stock, "--port", std::to_string(redis_port), "--daemonize", "no", "--dir", redis_dir.path(),
                 "--logfile", redis_dir.file("redis.log"), "--pidfile", redis_dir.file("redis.pid")},
                redis_dir.file("stdout.log"));
    ASSERT_TRUE(eventually([&] { return answers_ping(redis_port, milliseconds(200)); }, kWait))
        << read_file(redis_dir.file("redis.log"));
    Client r(redis_port);
    const auto expected = config_map(r.cmd({"CONFIG", "GET", "*"}));
    const auto actual = config_map(a.cmd({"CONFIG", "GET", "*"}));
    ASSERT_EQ(expected.size(), 192u);
    for (const auto& [name, value] : expected) {
      if (kStartedDifferently.contains(name)) continue;
      EXPECT_EQ(actual.contains(name) ? actual.at(name) : "<missing>", value) << name;
    }
    redis.terminate();
  }
  ASSERT_EQ(::kill(daemon, SIGTERM), 0);
  EXPECT_TRUE(eventually([&] { return ::kill(daemon, 0) != 0; }, kWait)) << "the daemon did not stop on SIGTERM";
  if (::kill(daemon, 0) != 0) guard.pid = 0;  // gone: its pid may be reused
  EXPECT_FALSE(std::filesystem::exists(dir.file("arbor.pid"))) << "the pid file outlived the server";
}

}  // namespace
}  // namespace arbor::test

namespace arbor::test {
namespace {

// `dir` is the working directory, as Redis's: CONFIG GET shows its absolute
// path, a CONFIG SET that fails later restores it, and a config file named
// relatively is still found by INFO and CONFIG REWRITE after a `dir` line.
TEST(ConfigProcess, DirIsTheWorkingDirectoryAndRollsBack) {
  ServerProcess arbor(ServerProcess::DeferStart{});
  const std::string data = arbor.temp_dir().file("data");
  std::filesystem::create_directories(data);
  arbor.temp_dir().write("arbor.conf", "dir " + data + "\nenable-protected-configs yes\n");
  ServerProcess::Options options;
  std::error_code ec;
  options.config_file = std::filesystem::relative(arbor.temp_dir().file("arbor.conf"), ec).string();
  ASSERT_FALSE(ec);
  options.default_args = false;
  options.args = {"--port", "0", "--bind", "127.0.0.1", "--announce-port-file", "yes", "--logfile",
                  arbor.temp_dir().file("arbor.log")};
  options.port_file = data + "/arbor.port";
  ASSERT_TRUE(arbor.start(options));
  Client a(arbor.port());
  EXPECT_EQ(describe(a.cmd({"CONFIG", "GET", "dir"})), "[\"dir\", \"" + data + "\"]");
  EXPECT_EQ(info_field(a.cmd({"INFO", "server"}).str, "config_file").value_or("?"),
            std::filesystem::absolute(arbor.temp_dir().file("arbor.conf")).string());
  EXPECT_TRUE(is_error(a.cmd({"CONFIG", "SET", "dir", "/tmp", "maxclients", "abc"}),
                       "ERR CONFIG SET failed (possibly related to argument 'maxclients') - argument couldn't be "
                       "parsed into an integer"));
  EXPECT_EQ(describe(a.cmd({"CONFIG", "GET", "dir"})), "[\"dir\", \"" + data + "\"]");
  EXPECT_TRUE(is_status(a.cmd({"SAVE"}), "OK"));
  EXPECT_TRUE(std::filesystem::exists(data + "/dump.rdb"));  // saved where dir says, not in /tmp
  EXPECT_TRUE(is_status(a.cmd({"CONFIG", "REWRITE"}), "OK"));
  EXPECT_NE(read_file(arbor.temp_dir().file("arbor.conf")).find("dir " + data + "\n"), std::string::npos)
      << read_file(arbor.temp_dir().file("arbor.conf"));
}

}  // namespace
}  // namespace arbor::test
