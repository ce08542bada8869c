// What Sentinel and operators use on a node, as Redis 7.0 answers it
// (issue 11): FAILOVER, CLIENT KILL TYPE master, CONFIG REWRITE, SCRIPT
// KILL, and the INFO fields Sentinel parses. Errors are compared with
// redis-server in the same run.
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/replication_helpers.h"
#include "tests/integration/server_fixture.h"

namespace arbor::test {
namespace {

std::string port_of(const ServerProcess& server) { return std::to_string(server.port()); }

// Every refusal of FAILOVER, on a primary with no replica and on one
// with a replica, word for word as redis-server's.
TEST(FailoverCommand, RefusalsMatchRedis) {
  const std::vector<std::vector<std::string>> without_replicas = {
      {"FAILOVER"}, {"FAILOVER", "ABORT"}, {"FAILOVER", "TO", "127.0.0.1", "7902"}, {"FAILOVER", "FORCE"},
      {"FAILOVER", "TIMEOUT", "0"}, {"FAILOVER", "TIMEOUT", "-5"}, {"FAILOVER", "TIMEOUT", "abc"},
      {"FAILOVER", "TO", "127.0.0.1", "abc"}, {"FAILOVER", "TO", "127.0.0.1"}, {"FAILOVER", "ABORT", "TIMEOUT", "10"},
      {"FAILOVER", "BOGUS"}, {"FAILOVER", "TIMEOUT", "10", "TIMEOUT", "20"}, {"FAILOVER", "FORCE", "FORCE"}};
  ServerProcess arbor({"--save", ""});
  RedisProcess redis({"--save", ""});
  ASSERT_TRUE(redis.ok());
  Client a(arbor.port()), r(redis.port());
  for (const auto& command : without_replicas)
    EXPECT_EQ(describe(a.cmd(command)), describe(r.cmd(command))) << command.back();

  ServerProcess arbor_replica({"--replicaof", "127.0.0.1 " + port_of(arbor)});
  RedisProcess redis_replica({"--save", "", "--replicaof", "127.0.0.1", std::to_string(redis.port())});
  Client ar(arbor_replica.port()), rr(redis_replica.port());
  ASSERT_TRUE(eventually([&] { return info_int(a, "replication", "connected_slaves") == 1; }));
  ASSERT_TRUE(eventually([&] { return info_int(r, "replication", "connected_slaves") == 1; }, milliseconds(15000)));
  const std::vector<std::vector<std::string>> with_replica = {
      {"FAILOVER", "FORCE"}, {"FAILOVER", "FORCE", "TIMEOUT", "100"}, {"FAILOVER", "FORCE", "TO", "127.0.0.1", "7902"},
      {"FAILOVER", "TO", "127.0.0.1", "1"}, {"FAILOVER", "TO", "localhost", "1"}};
  for (const auto& command : with_replica) EXPECT_EQ(describe(a.cmd(command)), describe(r.cmd(command)));
  EXPECT_EQ(describe(ar.cmd({"FAILOVER"})), describe(rr.cmd({"FAILOVER"})));
  EXPECT_TRUE(is_error(ar.cmd({"FAILOVER"}), "ERR FAILOVER is not valid when server is a replica."));
  EXPECT_EQ(describe(ar.cmd({"FAILOVER", "ABORT"})), describe(rr.cmd({"FAILOVER", "ABORT"})));
}

// The coordinated handover: writes pause while the target catches up, the
// old primary becomes its replica with a partial resync, and the writes
// that waited are answered -READONLY, never lost.
TEST(FailoverCommand, HandsOverToTheTargetWithoutLosingAWrite) {
  ServerProcess p({"--save", ""});
  ServerProcess r1({"--replicaof", "127.0.0.1 " + port_of(p)}), r2({"--replicaof", "127.0.0.1 " + port_of(p)});
  Client cp(p.port()), c1(r1.port()), c2(r2.port());
  write_mixed(cp, 0, 200);
  ASSERT_TRUE(converged(cp, {&c1, &c2}));
  // A writer that stops at its first refusal; what it got OK for must survive.
  std::atomic<int> last_ok{-1};
  std::atomic<bool> refused{false};
  std::thread writer([&] {
    Client w(p.port());
    for (int i = 0; i < 100000 && !refused; ++i) {
      const Reply reply = w.cmd({"SET", "w:" + std::to_string(i), "v"});
      if (is_status(reply, "OK")) last_ok = i;
      else refused = is_error(reply, "READONLY You can't write against a read only replica.");
    }
  });
  ASSERT_TRUE(eventually([&] { return last_ok.load() >= 100; }));
  ASSERT_TRUE(is_status(cp.cmd({"FAILOVER", "TO", "127.0.0.1", port_of(r1)}), "OK"));
  ASSERT_TRUE(eventually([&] { return info_field(info(c1), "role") == "master"; }, milliseconds(10000)));
  writer.join();
  EXPECT_TRUE(refused.load());
  ASSERT_TRUE(eventually([&] { return info_field(info(cp), "master_link_status") == "up"; }));
  EXPECT_EQ(info_field(info(cp), "master_port"), port_of(r1));
  EXPECT_EQ(info_field(info(cp), "master_failover_state"), "no-failover");
  for (int i = 0; i <= last_ok.load(); ++i) ASSERT_TRUE(is_bulk(c1.cmd({"GET", "w:" + std::to_string(i)}), "v")) << i;
  EXPECT_EQ(info_int(c1, "stats", "sync_full"), 0);  // the old primary continued partially
  EXPECT_NE(r1.log().find("Failover request received for replid"), std::string::npos);
  EXPECT_NE(p.log().find("is synced, failing over."), std::string::npos);
  // The other replica stays chained under the old primary, as in Redis.
  ASSERT_TRUE(is_status(c1.cmd({"SET", "after", "failover"}), "OK"));
  ASSERT_TRUE(eventually([&] { return is_bulk(c2.cmd({"GET", "after"}), "failover"); }));
}

// A target that never catches up: writes wait; ABORT (or the timeout)
// lets them through on the same primary.
TEST(FailoverCommand, AbortAndTimeoutReleaseThePausedWrites) {
  ServerProcess p({"--save", ""});
  ServerProcess r({"--replicaof", "127.0.0.1 " + port_of(p)});
  Client cp(p.port()), cr(r.port());
  ASSERT_TRUE(converged(cp, {&cr}));
  ASSERT_EQ(kill(r.pid(), SIGSTOP), 0);
  ASSERT_TRUE(is_status(cp.cmd({"SET", "k", "1"}), "OK"));  // the stopped replica misses it
  ASSERT_TRUE(is_status(cp.cmd({"FAILOVER", "TO", "127.0.0.1", port_of(r)}), "OK"));
  EXPECT_EQ(info_field(info(cp), "master_failover_state"), "waiting-for-sync");
  EXPECT_TRUE(is_error(cp.cmd({"FAILOVER"}), "ERR FAILOVER already in progress."));
  EXPECT_TRUE(is_error(cp.cmd({"REPLICAOF", "NO", "ONE"}), "ERR REPLICAOF not allowed while failing over."));
  RawConnection paused(p.port());
  ASSERT_TRUE(paused.send(encode_command({"SET", "paused", "write"})));
  EXPECT_TRUE(is_bulk(cp.cmd({"GET", "k"}), "1"));  // reads go on
  ASSERT_TRUE(eventually([&] { return cp.cmd({"CLIENT", "LIST"}).str.find("flags=b") != std::string::npos; }));
  EXPECT_NE(cp.cmd({"CLIENT", "LIST"}).str.find("cmd=set"), std::string::npos);
  EXPECT_TRUE(paused.read_bytes(1, milliseconds(100)).empty());  // no reply while paused
  ASSERT_TRUE(is_status(cp.cmd({"FAILOVER", "ABORT"}), "OK"));
  EXPECT_EQ(paused.read_until("\r\n", milliseconds(5000)), "+OK\r\n");
  EXPECT_EQ(info_field(info(cp), "master_failover_state"), "no-failover");
  EXPECT_NE(p.log().find("aborted: Failover manually aborted"), std::string::npos);

  ASSERT_TRUE(is_status(cp.cmd({"FAILOVER", "TIMEOUT", "300"}), "OK"));
  ASSERT_TRUE(eventually([&] { return p.log().find("Replica never caught up before timeout") != std::string::npos; }));
  EXPECT_TRUE(is_status(cp.cmd({"SET", "after", "timeout"}), "OK"));
  EXPECT_EQ(cp.cmd({"ROLE"}).elements.at(0).str, "master");
  ASSERT_EQ(kill(r.pid(), SIGCONT), 0);
  ASSERT_TRUE(converged(cp, {&cr}));
}

// CLIENT KILL TYPE master on a replica drops the link, which comes back at
// once with a partial resync, as Redis caches its master.
TEST(ClientKill, TypeMasterReconnectsWithAPartialResync) {
  ServerProcess p({"--save", ""});
  ServerProcess r({"--replicaof", "127.0.0.1 " + port_of(p)});
  Client cp(p.port()), cr(r.port());
  ASSERT_TRUE(converged(cp, {&cr}));
  const int64_t partial_before = info_int(cp, "stats", "sync_partial_ok");
  EXPECT_TRUE(is_int(cr.cmd({"CLIENT", "KILL", "TYPE", "master"}), 1));
  ASSERT_TRUE(eventually([&] { return info_int(cp, "stats", "sync_partial_ok") == partial_before + 1; }));
  EXPECT_EQ(info_int(cp, "stats", "sync_full"), 1);
  cp.cmd({"SET", "k", "v"});
  ASSERT_TRUE(converged(cp, {&cr}));
  // Filters as Redis: an unknown type, ID 0, MAXAGE (7.4) refused.
  RedisProcess redis({"--save", ""});
  Client rd(redis.port());
  for (const std::vector<std::string>& command :
       {std::vector<std::string>{"CLIENT", "KILL", "TYPE", "bogus"}, {"CLIENT", "KILL", "ID", "0"},
        {"CLIENT", "KILL", "MAXAGE", "10"}, {"CLIENT", "KILL", "1.2.3.4:5"},
        {"CLIENT", "KILL", "TYPE", "pubsub", "SKIPME", "maybe"}, {"CLIENT", "KILL", "USER", "nobody"}})
    EXPECT_EQ(describe(cr.cmd(command)), describe(rd.cmd(command))) << command.back();
}

// CONFIG REWRITE edits the file the server started with; a restart with it
// comes back as what the node had become (a replica).
TEST(ConfigRewriteCommand, WritesTheRoleChangeIntoTheConfigFile) {
  ServerProcess primary({"--save", ""});
  ServerProcess node(ServerProcess::DeferStart{});
  node.temp_dir().write("arbor.conf", "# operator's notes\nsave \"\"\nmaxclients 100\n");
  ServerProcess::Options options;
  options.config_file = node.temp_dir().file("arbor.conf");
  ASSERT_TRUE(node.start(options));
  Client c(node.port());
  ASSERT_TRUE(is_status(c.cmd({"REPLICAOF", "127.0.0.1", port_of(primary)}), "OK"));
  ASSERT_TRUE(is_status(c.cmd({"CONFIG", "REWRITE"}), "OK"));
  const std::string text = read_file(node.temp_dir().file("arbor.conf"));
  EXPECT_EQ(text.rfind("# operator's notes\nsave \"\"\nmaxclients 100\n", 0), 0u) << text;
  EXPECT_NE(text.find("\nreplicaof 127.0.0.1 " + port_of(primary) + "\n"), std::string::npos) << text;
  EXPECT_NE(node.log().find("CONFIG REWRITE executed with success."), std::string::npos);
  const std::string port = port_of(node);
  node.stop();
  options.args = {"--port", port};
  ASSERT_TRUE(node.start(options));
  Client again(node.port());
  ASSERT_TRUE(eventually([&] { return info_field(info(again), "master_link_status") == "up"; }));
  // Without a config file there is nothing to rewrite.
  Client cp(primary.port());
  EXPECT_TRUE(is_error(cp.cmd({"CONFIG", "REWRITE"}), "ERR The server is running without a config file"));
}

// Sentinel's conversion of a node, as one transaction; SCRIPT KILL, which
// Sentinel sends to a busy node, answers as Redis with no script running.
TEST(SentinelCommands, TheReconfigurationTransactionRunsWhole) {
  ServerProcess primary({"--save", ""});
  ServerProcess node({"--save", ""});
  Client c(node.port());
  Client pubsub(node.port());
  pubsub.cmd({"SUBSCRIBE", "__sentinel__:hello"});
  ASSERT_TRUE(is_status(c.cmd({"MULTI"}), "OK"));
  for (const std::vector<std::string>& command :
       {std::vector<std::string>{"SLAVEOF", "127.0.0.1", port_of(primary)}, {"CONFIG", "REWRITE"},
        {"CLIENT", "KILL", "TYPE", "normal"}, {"CLIENT", "KILL", "TYPE", "pubsub"}})
    ASSERT_TRUE(is_status(c.cmd(command), "QUEUED"));
  const Reply exec = c.cmd({"EXEC"});
  ASSERT_EQ(exec.elements.size(), 4u) << describe(exec);
  EXPECT_TRUE(is_status(exec.elements[0], "OK"));
  EXPECT_TRUE(is_error(exec.elements[1], "ERR The server is running without a config file"));
  EXPECT_TRUE(is_int(exec.elements[3], 1));  // the subscriber
  ASSERT_TRUE(eventually([&] { return info_field(info(c), "master_link_status") == "up"; }));
  EXPECT_TRUE(is_error(c.cmd({"SCRIPT", "KILL"}), "NOTBUSY No scripts in execution right now."));
}

// The INFO fields Sentinel parses: slave_priority, replica_announced, and
// the primary's slaveN line with the announced address.
TEST(SentinelInfo, ReplicaFieldsFollowTheirSettings) {
  ServerProcess p({"--save", ""});
  ServerProcess r({"--replicaof", "127.0.0.1 " + port_of(p), "--replica-priority", "7", "--replica-announce-ip",
                   "10.1.2.3", "--replica-announce-port", "6390"});
  Client cp(p.port()), cr(r.port());
  ASSERT_TRUE(converged(cp, {&cr}));
  const std::string text = info(cr);
  EXPECT_EQ(info_field(text, "slave_priority"), "7");
  EXPECT_EQ(info_field(text, "replica_announced"), "1");
  EXPECT_FALSE(info_field(text, "master_link_down_since_seconds").has_value());  // absent while up, as Sentinel needs
  EXPECT_EQ(info_field(info(cp), "slave0").value_or("").rfind("ip=10.1.2.3,port=6390,state=online,offset=", 0), 0u);
  ASSERT_TRUE(is_status(cr.cmd({"CONFIG", "SET", "replica-priority", "0"}), "OK"));
  ASSERT_TRUE(is_status(cr.cmd({"CONFIG", "SET", "replica-announced", "no"}), "OK"));
  EXPECT_EQ(info_field(info(cr), "slave_priority"), "0");
  EXPECT_EQ(info_field(info(cr), "replica_announced"), "0");
  EXPECT_EQ(cr.cmd({"CONFIG", "GET", "slave-priority"}).elements.at(1).str, "0");
}

}  // namespace
}  // namespace arbor::test
