// Whole-server behaviour against a real arbor-server: graceful shutdown by
// signal and by command, configuration from file and flags, CONFIG, AUTH,
// CLIENT, INFO, and active expiry (keys vanish without being touched, and a
// big expiring batch does not stall the event loop).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <map>
#include <sstream>
#include <string>

#include "tests/integration/server_fixture.h"

namespace arbor::test {
namespace {

constexpr milliseconds kWait(5000);

// CONFIG GET replies as name -> value (Redis does not promise an order).
std::map<std::string, std::string> config_map(const Reply& reply) {
  std::map<std::string, std::string> out;
  for (size_t i = 0; i + 1 < reply.elements.size(); i += 2)
    out[reply.elements[i].str] = reply.elements[i + 1].str;
  return out;
}

// ------------------------------------------------------------- shutdown

TEST(Shutdown, SigtermStopsGracefullyWithExitCodeZero) {
  ServerProcess server;
  Client c(server.port());
  ASSERT_TRUE(is_status(c.cmd({"SET", "k", "v"}), "OK"));
  ASSERT_EQ(::kill(server.pid(), SIGTERM), 0);
  const auto status = server.child().wait_exit(kWait);
  ASSERT_TRUE(status.has_value()) << "server still running 5 s after SIGTERM";
  ASSERT_TRUE(WIFEXITED(*status)) << "killed by signal " << WTERMSIG(*status);
  EXPECT_EQ(WEXITSTATUS(*status), 0);
  const std::string log = server.log();
  EXPECT_NE(log.find("Received SIGTERM scheduling shutdown..."), std::string::npos) << log;
  EXPECT_NE(log.find("ready to exit, bye bye..."), std::string::npos) << log;
}

// Sends `command` and checks: no reply, the connection closes, the process
// exits with status 0 and says so in its log, other clients are let go.
void expect_shutdown_by_command(const std::vector<std::string>& command) {
  ServerProcess server;
  Client bystander(server.port());
  RawConnection conn(server.port());
  ASSERT_TRUE(conn.send(encode_command(command)));
  bool closed = false;
  EXPECT_EQ(conn.read_until_close(kWait, &closed), "");  // success sends no reply
  EXPECT_TRUE(closed);
  const auto status = server.child().wait_exit(kWait);
  ASSERT_TRUE(status.has_value()) << "server still running 5 s after SHUTDOWN";
  ASSERT_TRUE(WIFEXITED(*status));
  EXPECT_EQ(WEXITSTATUS(*status), 0);
  EXPECT_NE(server.log().find("User requested shutdown..."), std::string::npos) << server.log();
  EXPECT_NE(server.log().find("ready to exit, bye bye..."), std::string::npos) << server.log();
  EXPECT_TRUE(bystander.cmd({"PING"}).str.starts_with("IO: "));
}

TEST(Shutdown, ShutdownCommandClosesConnectionWithoutReplyAndExitsZero) {
  expect_shutdown_by_command({"SHUTDOWN"});
}

TEST(Shutdown, ShutdownNosaveExitsZero) { expect_shutdown_by_command({"shutdown", "nosave"}); }

TEST(Shutdown, ShutdownAbortWithoutShutdownInProgressIsAnError) {
  ServerProcess server;
  Client c(server.port());
  EXPECT_TRUE(is_error(c.cmd({"SHUTDOWN", "ABORT"}), "ERR No shutdown in progress."));
  EXPECT_TRUE(is_error(c.cmd({"SHUTDOWN", "BOGUS"}), "ERR syntax error"));
  EXPECT_TRUE(is_status(c.cmd({"PING"}), "PONG"));
}

// --------------------------------------------------------------- config

TEST(Config, ConfigFileFirstThenFlagsOverride) {
  ServerProcess server(ServerProcess::DeferStart{});
  const std::string dir = server.dir();
  server.temp_dir().write("arbor.conf",
                          "# written by the test\n"
                          "port 0\n"
                          "bind 127.0.0.1\n"
                          "dir " +
                              dir +
                              "\n"
                              "announce-port-file yes\n"
                              "logfile \"" +
                              dir +
                              "/arbor.log\"\n"
                              "loglevel warning\n"
                              "databases 4\n"
                              "timeout 300\n");
  ServerProcess::Options options;
  options.config_file = server.temp_dir().file("arbor.conf");
  options.default_args = false;
  options.args = {"--loglevel", "debug"};
  ASSERT_TRUE(server.start(options));
  Client c(server.port());
  EXPECT_EQ(describe(c.cmd({"CONFIG", "GET", "loglevel"})), R"(["loglevel", "debug"])");  // flag wins
  EXPECT_EQ(describe(c.cmd({"CONFIG", "GET", "databases"})), R"(["databases", "4"])");    // from file
  EXPECT_EQ(describe(c.cmd({"CONFIG", "GET", "timeout"})), R"(["timeout", "300"])");
  EXPECT_EQ(describe(c.cmd({"CONFIG", "GET", "dir"})), "[\"dir\", \"" + dir + "\"]");
  EXPECT_TRUE(is_error(c.cmd({"SELECT", "4"}), "ERR DB index is out of range"));
  EXPECT_TRUE(is_status(c.cmd({"SELECT", "3"}), "OK"));
  const Reply info = c.cmd({"INFO", "server"});
  EXPECT_EQ(info_field(info.str, "config_file").value_or("?"), options.config_file);
  EXPECT_EQ(info_field(info.str, "tcp_port").value_or("?"), std::to_string(server.port()));
}

TEST(Config, UnknownDirectiveInConfigFileFailsStartup) {
  TempDir dir;
  dir.write("bad.conf", "port 0\nno-such-directive yes\n");
  const RunResult run = run_program(arbor_server_path(), {dir.file("bad.conf")}, {}, milliseconds(10000));
  EXPECT_FALSE(run.timed_out);
  EXPECT_NE(run.exit_code, 0);
  EXPECT_NE(run.output.find("no-such-directive"), std::string::npos) << run.output;
}

TEST(Config, GetStarReturnsNameValuePairs) {
  ServerProcess server;
  Client c(server.port());
  const Reply all = c.cmd({"CONFIG", "GET", "*"});
  ASSERT_EQ(all.type, ReplyType::kArray);
  ASSERT_EQ(all.elements.size() % 2, 0u);
  const auto params = config_map(all);
  EXPECT_EQ(params.size() * 2, all.elements.size()) << "a parameter is listed twice";
  for (const char* name :
       {"port", "bind", "maxclients", "timeout", "loglevel", "dir", "databases", "requirepass",
        "proto-max-bulk-len", "client-query-buffer-limit", "hz", "save", "appendonly"})
    EXPECT_TRUE(params.contains(name)) << name;
  EXPECT_EQ(params.at("port"), "0");
  EXPECT_EQ(params.at("databases"), "16");

  // A glob selects only matching names; several patterns may be given.
  const auto max = config_map(c.cmd({"CONFIG", "GET", "max*"}));
  EXPECT_TRUE(max.contains("maxclients"));
  for (const auto& [name, value] : max) EXPECT_TRUE(name.starts_with("max")) << name;
  const auto two = config_map(c.cmd({"CONFIG", "GET", "timeout", "hz"}));
  EXPECT_EQ(two, (std::map<std::string, std::string>{{"hz", "10"}, {"timeout", "0"}}));
  EXPECT_EQ(describe(c.cmd({"CONFIG", "GET", "no-such-param"})), "[]");
}

TEST(Config, SetThenGet) {
  ServerProcess server;
  Client c(server.port());
  EXPECT_TRUE(is_status(c.cmd({"CONFIG", "SET", "timeout", "30"}), "OK"));
  EXPECT_EQ(describe(c.cmd({"CONFIG", "GET", "timeout"})), R"(["timeout", "30"])");
  EXPECT_TRUE(is_status(c.cmd({"CONFIG", "SET", "maxclients", "100", "hz", "20"}), "OK"));
  EXPECT_EQ(config_map(c.cmd({"CONFIG", "GET", "maxclients", "hz"})),
            (std::map<std::string, std::string>{{"hz", "20"}, {"maxclients", "100"}}));
  EXPECT_TRUE(is_status(c.cmd({"CONFIG", "SET", "loglevel", "warning"}), "OK"));
  EXPECT_EQ(describe(c.cmd({"CONFIG", "GET", "loglevel"})), R"(["loglevel", "warning"])");
  EXPECT_TRUE(is_status(c.cmd({"CONFIG", "SET", "proto-max-bulk-len", "2mb"}), "OK"));
  EXPECT_EQ(describe(c.cmd({"CONFIG", "GET", "proto-max-bulk-len"})), R"(["proto-max-bulk-len", "2097152"])");
}

TEST(Config, SetErrorsUseRedisWording) {
  ServerProcess server;
  Client c(server.port());
  EXPECT_TRUE(is_error(
      c.cmd({"CONFIG", "SET", "databases", "4"}),
      "ERR CONFIG SET failed (possibly related to argument 'databases') - can't set immutable config"));
  EXPECT_TRUE(is_error(c.cmd({"CONFIG", "SET", "maxclients", "abc"}),
                       "ERR CONFIG SET failed (possibly related to argument 'maxclients') - argument "
                       "couldn't be parsed into an integer"));
  EXPECT_TRUE(is_error(c.cmd({"CONFIG", "SET", "nosuch", "1"}),
                       "ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'"));
  EXPECT_TRUE(
      is_error(c.cmd({"CONFIG", "SET", "timeout", "1", "timeout", "2"}),
               "ERR CONFIG SET failed (possibly related to argument 'timeout') - duplicate parameter"));
  EXPECT_TRUE(is_error(c.cmd({"CONFIG", "SET", "timeout", "5", "hz"}), "ERR syntax error"));
  EXPECT_TRUE(is_error(c.cmd({"CONFIG", "SET", "timeout"}),
                       "ERR wrong number of arguments for 'config|set' command"));
  // All or nothing: a bad value later in the list leaves the earlier ones unchanged.
  EXPECT_TRUE(c.cmd({"CONFIG", "SET", "timeout", "7", "maxclients", "abc"}).is_error());
  EXPECT_EQ(describe(c.cmd({"CONFIG", "GET", "timeout"})), R"(["timeout", "0"])");
}

TEST(Config, LoglevelRefusesUnknownLevelWithRedisWording) {
  ServerProcess server;
  Client c(server.port());
  // Redis 7.0 knows four levels ("nothing" came with 7.2).
  EXPECT_TRUE(is_error(c.cmd({"CONFIG", "SET", "loglevel", "bogus"}),
                       "ERR CONFIG SET failed (possibly related to argument 'loglevel') - argument(s) must be one "
                       "of the following: debug, verbose, notice, warning"));
  for (const char* level : {"debug", "verbose", "notice", "warning"})
    EXPECT_TRUE(is_status(c.cmd({"CONFIG", "SET", "loglevel", level}), "OK")) << level;
}

TEST(Config, LoglevelSetAtRuntimeChangesWhatIsLogged) {
  ServerProcess server({"--loglevel", "warning"});
  Client c(server.port());
  // A protocol error is logged at debug/verbose level only.
  auto provoke = [&](const std::string& marker) {
    RawConnection bad(server.port());
    bad.send("*1\r\n$" + marker + "\r\n");
    bad.wait_closed(kWait);
  };
  provoke("-111");
  EXPECT_TRUE(is_status(c.cmd({"CONFIG", "SET", "loglevel", "debug"}), "OK"));
  provoke("-222");
  ASSERT_TRUE(eventually([&] { return server.log().find("Protocol error") != std::string::npos; }))
      << server.log();
  // Exactly one protocol error line: the one after the switch to debug.
  const std::string log = server.log();
  std::istringstream lines(log);
  size_t count = 0;
  for (std::string line; std::getline(lines, line);)
    count += line.find("Protocol error") != std::string::npos;
  EXPECT_EQ(count, 1u) << log;
}

// ----------------------------------------------------------------- auth

class Auth : public ::testing::Test {
 protected:
  ServerProcess server_{{"--requirepass", "secret"}};
};

TEST_F(Auth, CommandsBeforeAuthGetNoauth) {
  Client c(server_.port());
  EXPECT_TRUE(is_error(c.cmd({"GET", "k"}), "NOAUTH Authentication required."));
  EXPECT_TRUE(is_error(c.cmd({"PING"}), "NOAUTH Authentication required."));
  EXPECT_TRUE(is_status(c.cmd({"AUTH", "secret"}), "OK"));
  EXPECT_TRUE(is_status(c.cmd({"PING"}), "PONG"));
}

TEST_F(Auth, WrongPasswordIsRefused) {
  Client c(server_.port());
  EXPECT_TRUE(
      is_error(c.cmd({"AUTH", "wrong"}), "WRONGPASS invalid username-password pair or user is disabled."));
  EXPECT_TRUE(is_error(c.cmd({"AUTH", "default", "wrong"}),
                       "WRONGPASS invalid username-password pair or user is disabled."));
  EXPECT_TRUE(is_error(c.cmd({"GET", "k"}), "NOAUTH Authentication required."));
  EXPECT_TRUE(is_status(c.cmd({"AUTH", "default", "secret"}), "OK"));
  EXPECT_TRUE(c.cmd({"GET", "k"}).is_null());
}

TEST_F(Auth, HelloWithoutAuthBeforeAuthenticatingIsRefused) {
  Client c(server_.port());
  EXPECT_TRUE(
      is_error(c.cmd({"HELLO", "3"}),
               "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH "
               "<user> <pass> option can be used to authenticate the client and select the RESP protocol "
               "version at the same time"));
}

TEST_F(Auth, Hello3WithAuthAuthenticatesAndSwitchesProtocol) {
  RawConnection conn(server_.port());
  ASSERT_TRUE(conn.send(encode_command({"HELLO", "3", "AUTH", "default", "secret"})));
  const auto hello = conn.read_reply(kWait);
  ASSERT_TRUE(hello.has_value());
  ASSERT_EQ(hello->type, ReplyType::kMap) << describe(*hello);
  std::map<std::string, std::string> fields;
  for (size_t i = 0; i + 1 < hello->elements.size(); i += 2) {
    const Reply& v = hello->elements[i + 1];
    fields[hello->elements[i].str] = v.type == ReplyType::kInteger ? std::to_string(v.integer) : v.str;
  }
  EXPECT_EQ(fields["server"], "redis");
  EXPECT_EQ(fields["proto"], "3");
  EXPECT_EQ(fields["role"], "master");
  // Authenticated, and replies are RESP3 now: a map for CONFIG GET.
  ASSERT_TRUE(conn.send(encode_command({"CONFIG", "GET", "timeout"})));
  const auto config = conn.read_reply(kWait);
  ASSERT_TRUE(config.has_value());
  EXPECT_EQ(describe(*config), R"(%["timeout", "0"])");
  ASSERT_TRUE(conn.send(encode_command({"GET", "missing"})));
  EXPECT_EQ(conn.read_bytes(3, kWait), "_\r\n");  // RESP3 null
}

TEST_F(Auth, HelloWithWrongPasswordIsRefused) {
  Client c(server_.port());
  EXPECT_TRUE(is_error(c.cmd({"HELLO", "2", "AUTH", "default", "bad"}),
                       "WRONGPASS invalid username-password pair or user is disabled."));
  EXPECT_TRUE(is_error(c.cmd({"PING"}), "NOAUTH Authentication required."));
}

TEST(AuthNotConfigured, AuthWithoutPasswordConfiguredIsAnError) {
  ServerProcess server;
  Client c(server.port());
  EXPECT_TRUE(
      is_error(c.cmd({"AUTH", "x"}),
               "ERR AUTH <password> called without any password configured for the default user. Are you "
               "sure your configuration is correct?"));
}

// --------------------------------------------------------------- client

class ClientCommand : public ::testing::Test {
 protected:
  ServerProcess server_;
};

TEST_F(ClientCommand, ListShowsBothConnectionsAndKillByIdClosesTheOther) {
  Client alice(server_.port());
  Client bob(server_.port());
  ASSERT_TRUE(is_status(alice.cmd({"CLIENT", "SETNAME", "alice"}), "OK"));
  const Reply alice_id = alice.cmd({"CLIENT", "ID"});
  ASSERT_EQ(alice_id.type, ReplyType::kInteger);
  const Reply bob_id = bob.cmd({"CLIENT", "ID"});
  ASSERT_EQ(bob_id.type, ReplyType::kInteger);
  EXPECT_NE(alice_id.integer, bob_id.integer);

  // Exactly our two clients (the start-up probe's close may still be pending).
  Reply list;
  EXPECT_TRUE(eventually([&] {
    list = bob.cmd({"CLIENT", "LIST"});
    return std::count(list.str.begin(), list.str.end(), '\n') == 2;
  })) << list.str;
  ASSERT_EQ(list.type, ReplyType::kBulk);
  EXPECT_NE(list.str.find("id=" + std::to_string(alice_id.integer) + " "), std::string::npos) << list.str;
  EXPECT_NE(list.str.find("name=alice "), std::string::npos) << list.str;
  EXPECT_NE(list.str.find("id=" + std::to_string(bob_id.integer) + " "), std::string::npos) << list.str;
  EXPECT_NE(list.str.find("cmd=client|list"), std::string::npos) << list.str;

  const Reply only_alice = bob.cmd({"CLIENT", "LIST", "ID", std::to_string(alice_id.integer)});
  EXPECT_NE(only_alice.str.find("name=alice"), std::string::npos);
  EXPECT_EQ(std::count(only_alice.str.begin(), only_alice.str.end(), '\n'), 1) << only_alice.str;

  EXPECT_TRUE(is_int(bob.cmd({"CLIENT", "KILL", "ID", std::to_string(alice_id.integer)}), 1));
  EXPECT_TRUE(alice.cmd({"PING"}).str.starts_with("IO: ")) << "killed client still answered";
  EXPECT_TRUE(eventually([&] {
    return bob.cmd({"CLIENT", "LIST"}).str.find("name=alice") == std::string::npos;
  }));
  EXPECT_TRUE(is_int(bob.cmd({"CLIENT", "KILL", "ID", std::to_string(alice_id.integer)}), 0));
  EXPECT_TRUE(is_status(bob.cmd({"PING"}), "PONG"));
}

TEST_F(ClientCommand, KillByAddressOldStyle) {
  Client victim(server_.port());
  Client killer(server_.port());
  const Reply info = victim.cmd({"CLIENT", "INFO"});
  ASSERT_EQ(info.type, ReplyType::kBulk);
  const size_t at = info.str.find("addr=");
  ASSERT_NE(at, std::string::npos);
  const std::string addr = info.str.substr(at + 5, info.str.find(' ', at) - at - 5);
  EXPECT_TRUE(is_status(killer.cmd({"CLIENT", "KILL", addr}), "OK"));
  EXPECT_TRUE(victim.cmd({"PING"}).str.starts_with("IO: "));
  EXPECT_TRUE(is_error(killer.cmd({"CLIENT", "KILL", "1.2.3.4:5"}), "ERR No such client"));
  EXPECT_TRUE(
      is_error(killer.cmd({"CLIENT", "KILL", "ID", "abc"}), "ERR client-id should be greater than 0"));
}

TEST_F(ClientCommand, SetnameGetname) {
  Client c(server_.port());
  EXPECT_TRUE(c.cmd({"CLIENT", "GETNAME"}).is_null());
  EXPECT_TRUE(is_status(c.cmd({"CLIENT", "SETNAME", "worker-1"}), "OK"));
  EXPECT_TRUE(is_bulk(c.cmd({"CLIENT", "GETNAME"}), "worker-1"));
  EXPECT_TRUE(is_error(c.cmd({"CLIENT", "SETNAME", "a b"}),
                       "ERR Client names cannot contain spaces, newlines or special characters."));
  EXPECT_TRUE(is_bulk(c.cmd({"CLIENT", "GETNAME"}), "worker-1"));
  EXPECT_TRUE(is_status(c.cmd({"CLIENT", "SETNAME", ""}), "OK"));  // clears the name
  EXPECT_TRUE(c.cmd({"CLIENT", "GETNAME"}).is_null());
}

TEST_F(ClientCommand, ReplyOffSkipOn) {
  RawConnection conn(server_.port());
  ASSERT_TRUE(
      conn.send("CLIENT REPLY OFF\r\nSET a 1\r\nGET a\r\nCLIENT REPLY ON\r\nGET a\r\n"
                "CLIENT REPLY SKIP\r\nGET a\r\nPING\r\n"));
  const std::string expected = "+OK\r\n$1\r\n1\r\n+PONG\r\n";
  EXPECT_EQ(conn.read_bytes(expected.size(), kWait), expected);
  EXPECT_EQ(conn.read_bytes(1, milliseconds(100)), "");
  // The commands ran even though their replies were suppressed.
  Client other(server_.port());
  EXPECT_TRUE(is_bulk(other.cmd({"GET", "a"}), "1"));
  EXPECT_TRUE(is_error(other.cmd({"CLIENT", "REPLY", "foo"}), "ERR syntax error"));
}

// ----------------------------------------------------------------- info

TEST(Info, HasRedisVersionLoadingAndSections) {
  ServerProcess server;
  Client c(server.port());
  const Reply info = c.cmd({"INFO"});
  ASSERT_EQ(info.type, ReplyType::kBulk);
  EXPECT_EQ(info_field(info.str, "loading").value_or("?"), "0");
  EXPECT_EQ(info_field(info.str, "redis_version").value_or("?"), "7.0.15");
  EXPECT_EQ(info_field(info.str, "role").value_or("?"), "master");
  for (const char* section : {"# Server\r\n", "# Clients\r\n", "# Memory\r\n", "# Persistence\r\n",
                              "# Stats\r\n", "# Replication\r\n", "# CPU\r\n", "# Keyspace\r\n"})
    EXPECT_NE(info.str.find(section), std::string::npos) << section;

  const Reply server_only = c.cmd({"INFO", "server"});
  EXPECT_TRUE(server_only.str.starts_with("# Server\r\n"));
  EXPECT_EQ(server_only.str.find("# Clients"), std::string::npos);
  EXPECT_EQ(info_field(server_only.str, "process_id").value_or("?"), std::to_string(server.pid()));

  ASSERT_TRUE(is_status(c.cmd({"SET", "k", "v", "EX", "1000"}), "OK"));
  ASSERT_TRUE(is_status(c.cmd({"SET", "k2", "v"}), "OK"));
  const Reply keyspace = c.cmd({"INFO", "keyspace"});
  const std::string db0 = info_field(keyspace.str, "db0").value_or("?");
  EXPECT_TRUE(db0.starts_with("keys=2,expires=1,avg_ttl=")) << db0;
}

// --------------------------------------------------------------- expiry

TEST(ActiveExpire, KeysWithPxVanishWithoutBeingAccessed) {
  ServerProcess server;
  Client c(server.port());
  for (int i = 0; i < 1000; ++i) c.append({"SET", "key:" + std::to_string(i), "v", "PX", "100"});
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(is_status(c.read_reply(), "OK"));
  // DBSIZE does not look keys up, so only the active cycle can empty the db.
  EXPECT_TRUE(eventually([&] { return is_int(c.cmd({"DBSIZE"}), 0); }, milliseconds(10000)))
      << "DBSIZE still " << describe(c.cmd({"DBSIZE"}));
  EXPECT_EQ(info_int(c, "stats", "expired_keys"), 1000);
}

TEST(ActiveExpire, LargeBatchExpiresWithoutStallingPing) {
  ServerProcess server;
  Client loader(server.port());
  Client pinger(server.port());
  constexpr int kKeys = 200000;
  constexpr int kPerMset = 1000;
  for (int base = 0; base < kKeys; base += kPerMset) {
    std::vector<std::string> mset = {"MSET"};
    for (int i = base; i < base + kPerMset; ++i) {
      mset.push_back("bulk:" + std::to_string(i));
      mset.push_back("value");
    }
    loader.append(mset);
  }
  for (int base = 0; base < kKeys; base += kPerMset) ASSERT_TRUE(is_status(loader.read_reply(), "OK"));
  ASSERT_TRUE(is_int(loader.cmd({"DBSIZE"}), kKeys));

  // Pipelined in chunks, so neither side's socket buffers fill up while the
  // other is still writing.
  constexpr int kChunk = 10000;
  for (int base = 0; base < kKeys; base += kChunk) {
    for (int i = base; i < base + kChunk; ++i) loader.append({"PEXPIRE", "bulk:" + std::to_string(i), "50"});
    for (int i = base; i < base + kChunk; ++i)
      ASSERT_TRUE(is_int(loader.read_reply(), 1)) << "PEXPIRE #" << i;
  }

  // Ping throughout the expiry; each PING must come back promptly.
  milliseconds worst(0);
  int pings = 0;
  const bool emptied = eventually(
      [&] {
        const auto t0 = Clock::now();
        const Reply pong = pinger.cmd({"PING"});
        worst = std::max(worst, std::chrono::duration_cast<milliseconds>(Clock::now() - t0));
        ++pings;
        EXPECT_TRUE(is_status(pong, "PONG"));
        return is_int(pinger.cmd({"DBSIZE"}), 0);
      },
      milliseconds(30000), milliseconds(1));
  EXPECT_TRUE(emptied) << "DBSIZE still " << describe(pinger.cmd({"DBSIZE"}));
  EXPECT_LT(worst, milliseconds(100)) << "worst PING latency over " << pings << " pings during expiry";
  RecordProperty("pings_during_expiry", pings);
  RecordProperty("worst_ping_ms", static_cast<int>(worst.count()));
  EXPECT_EQ(info_int(pinger, "stats", "expired_keys"), kKeys);
}

}  // namespace
}  // namespace arbor::test
