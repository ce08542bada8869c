// Failover without Sentinel (issue 11): a replica promoted in place of a
// dead primary, the old primary's return, and the history rules that keep
// it from diverging silently. Real processes on loopback; kill -9 plays the
// crash; the test sends what Sentinel would send.
#include <gtest/gtest.h>
#include <signal.h>

#include <string>
#include <vector>

#include "tests/integration/replication_helpers.h"
#include "tests/integration/server_fixture.h"

namespace arbor::test {
namespace {

std::string port_of(const ServerProcess& server) { return std::to_string(server.port()); }

// A primary A (no persistence) with replicas B and C that hold `keys` keys
// of every type.
struct ThreeNodes {
  explicit ThreeNodes(int keys) {
    Client ca(a.port());
    write_mixed(ca, 0, keys);
    if (!converged(ca, {&cb, &cc})) ADD_FAILURE() << "the replicas did not converge";
  }
  ServerProcess a{{"--save", ""}};
  const std::string a_port = port_of(a);
  ServerProcess b{{"--replicaof", "127.0.0.1 " + a_port}};
  ServerProcess c{{"--replicaof", "127.0.0.1 " + a_port}};
  Client cb{b.port()}, cc{c.port()};
};

bool following(Client& c, const ServerProcess& primary) {
  return eventually([&] {
    const std::string text = info(c);
    return info_field(text, "role") == "slave" && info_field(text, "master_port") == port_of(primary) &&
           info_field(text, "master_link_status") == "up";
  }, milliseconds(15000));
}

// The reproduction: A with replicas B and C; A dies; C is promoted
// and B follows it; A restarts with its original flags, hears a PUBLISH
// (Sentinel's hello), C takes writes, and A is made C's replica. A must end
// with every write of C's, not skip the bytes that carried them.
TEST(Failover, ARestartedOldPrimaryGetsEveryWriteOfTheNewOne) {
  ThreeNodes nodes(400);
  auto& [a, a_port, b, c, cb, cc] = nodes;
  a.kill();
  ASSERT_TRUE(is_status(cc.cmd({"REPLICAOF", "NO", "ONE"}), "OK"));
  ASSERT_TRUE(is_status(cb.cmd({"REPLICAOF", "127.0.0.1", port_of(c)}), "OK"));
  ASSERT_TRUE(converged(cc, {&cb}));

  ASSERT_TRUE(a.start({"--save", "", "--port", a_port}));
  Client ca(a.port());
  ASSERT_TRUE(serving(ca));
  ca.cmd({"PUBLISH", "chan", "hello"});
  for (int i = 1; i <= 5; ++i) ASSERT_TRUE(is_status(cc.cmd({"SET", "c" + std::to_string(i), "v"}), "OK"));
  const Reply made_replica = ca.cmd({"REPLICAOF", "127.0.0.1", port_of(c)});
  ASSERT_EQ(made_replica.type, ReplyType::kSimple) << describe(made_replica);
  ASSERT_TRUE(converged(cc, {&ca, &cb}));
  for (int i = 1; i <= 5; ++i) EXPECT_TRUE(is_bulk(ca.cmd({"GET", "c" + std::to_string(i)}), "v")) << i;
  EXPECT_TRUE(is_int(ca.cmd({"NOTE.LEN", "n:7"}), 2));
}


// The fence: a restarted primary whose replica follows the replica promoted
// in its place becomes a replica of that one, without ever serving.
TEST(Failover, ARestartedPrimaryFollowsTheReplicaPromotedInItsPlace) {
  ThreeNodes nodes(200);
  auto& [a, a_port, b, c, cb, cc] = nodes;
  a.kill();
  ASSERT_TRUE(is_status(cc.cmd({"REPLICAOF", "NO", "ONE"}), "OK"));
  ASSERT_TRUE(is_status(cb.cmd({"REPLICAOF", "127.0.0.1", port_of(c)}), "OK"));
  ASSERT_TRUE(is_status(cc.cmd({"SET", "after", "failover"}), "OK"));

  ASSERT_TRUE(a.start({"--save", "", "--port", a_port}));
  Client ca(a.port());
  ASSERT_TRUE(following(ca, c));
  const std::string text = info(ca);
  EXPECT_EQ(info_field(text, "seeding_outcome")->rfind("following 127.0.0.1:" + port_of(c), 0), 0u) << text;
  EXPECT_EQ(a.log().find("Ready to accept writes"), std::string::npos);  // it never served as a primary
  EXPECT_NE(a.log().find("follows 127.0.0.1:" + port_of(c) + ", another primary"), std::string::npos);
  ASSERT_TRUE(converged(cc, {&ca, &cb}));
  EXPECT_TRUE(is_bulk(ca.cmd({"GET", "after"}), "failover"));
  EXPECT_TRUE(is_error(ca.cmd({"SET", "k", "v"}), "READONLY You can't write against a read only replica."));
}

// C is paused and cut off from A (a paused process still gets what its
// socket buffered) while B reconnects at once, and A writes a key that B
// alone acknowledges; then A dies and C resumes, behind B.
void leave_c_behind_b(ThreeNodes& nodes) {
  auto& [a, a_port, b, c, cb, cc] = nodes;
  // C knows B from A's INFO (where a promotion looks for writes it lacks).
  ASSERT_TRUE(eventually([&] {
    return info_field(info(cc), "sibling_replicas") == "127.0.0.1:" + port_of(b);
  }));
  {
    Client ca(a.port());
    ASSERT_EQ(kill(c.pid(), SIGSTOP), 0);
    ASSERT_TRUE(is_int(ca.cmd({"CLIENT", "KILL", "TYPE", "replica"}), 2));
    ASSERT_TRUE(is_status(ca.cmd({"SET", "only-on-a-and-b", "x"}), "OK"));
    ASSERT_TRUE(is_int(ca.cmd({"WAIT", "1", "5000"}), 1));  // acknowledged, by B alone
    ASSERT_TRUE(is_status(ca.cmd({"SAVE"}), "OK"));
  }
  a.kill();
  ASSERT_EQ(kill(c.pid(), SIGCONT), 0);
}

// Sentinel promoted the replica that was behind (C): before it takes
// writes it catches up with B, the sibling ahead of it on their history,
// so the write B alone acknowledged survives and B continues with C by a
// partial resync.
TEST(Failover, APromotedReplicaCatchesUpWithASiblingAheadOfIt) {
  ThreeNodes nodes(100);
  auto& [a, a_port, b, c, cb, cc] = nodes;
  leave_c_behind_b(nodes);
  ASSERT_TRUE(is_status(cc.cmd({"REPLICAOF", "NO", "ONE"}), "OK"));
  EXPECT_EQ(info_field(info(cc), "role"), "master");  // at once, as Sentinel expects
  // A write sent now waits for the catch-up, then runs on the new history.
  ASSERT_TRUE(is_status(cc.cmd({"SET", "on-c", "y"}), "OK"));
  EXPECT_EQ(info_field(info(cc), "promotion_catch_up_state"), "done");
  EXPECT_EQ(info_field(info(cc), "promotion_catch_up_from"), "127.0.0.1:" + port_of(b));
  EXPECT_TRUE(is_bulk(cc.cmd({"GET", "only-on-a-and-b"}), "x"));
  ASSERT_TRUE(is_status(cb.cmd({"REPLICAOF", "127.0.0.1", port_of(c)}), "OK"));
  ASSERT_TRUE(following(cb, c));
  ASSERT_TRUE(converged(cc, {&cb}));
  EXPECT_EQ(info_field(info(cb), "replica_protect_data_refusing"), "no");
  EXPECT_EQ(info_int(cc, "stats", "sync_full"), 0);  // B continued by partial resync
  EXPECT_NE(c.log().find("is ahead of us on our history"), std::string::npos);
}

// The old primary is only paused when C is promoted: B, asked by C, stops
// following it, so a write it takes after resuming is not acknowledged by
// B (it would be lost when Sentinel makes B follow C); B then follows C.
TEST(Failover, ASiblingStopsFollowingAPausedOldPrimaryWhenAnotherReplicaIsPromoted) {
  ThreeNodes nodes(50);
  auto& [a, a_port, b, c, cb, cc] = nodes;
  ASSERT_TRUE(eventually([&] { return info_field(info(cc), "sibling_replicas") == "127.0.0.1:" + port_of(b); }));
  ASSERT_EQ(kill(a.pid(), SIGSTOP), 0);
  ASSERT_TRUE(is_status(cc.cmd({"REPLICAOF", "NO", "ONE"}), "OK"));
  ASSERT_TRUE(is_status(cc.cmd({"SET", "on-c", "y"}), "OK"));  // after the catch-up
  ASSERT_EQ(kill(a.pid(), SIGCONT), 0);
  EXPECT_NE(c.log().find("does not answer; the other replicas stop following it"), std::string::npos);
  EXPECT_NE(b.log().find("is being promoted in place of MASTER 127.0.0.1:" + a_port), std::string::npos);
  {
    Client ca(a.port());
    ASSERT_TRUE(is_status(ca.cmd({"SET", "on-old-a", "x"}), "OK"));
    EXPECT_TRUE(is_int(ca.cmd({"WAIT", "1", "500"}), 0));  // nobody acknowledges it
  }
  EXPECT_EQ(info_field(info(cb), "master_link_status"), "down");
  ASSERT_TRUE(is_status(cb.cmd({"REPLICAOF", "127.0.0.1", port_of(c)}), "OK"));
  ASSERT_TRUE(following(cb, c));
  ASSERT_TRUE(converged(cc, {&cb}));
  EXPECT_TRUE(is_bulk(cb.cmd({"GET", "on-c"}), "y"));
  EXPECT_EQ(info_int(cc, "stats", "sync_full"), 0);
}

// A replica detached by hand while its primary is up leaves its siblings
// following that primary.
TEST(Failover, DetachingAReplicaFromAHealthyPrimaryLeavesItsSiblingsAlone) {
  ThreeNodes nodes(50);
  auto& [a, a_port, b, c, cb, cc] = nodes;
  ASSERT_TRUE(eventually([&] { return info_field(info(cc), "sibling_replicas") == "127.0.0.1:" + port_of(b); }));
  ASSERT_TRUE(is_status(cc.cmd({"REPLICAOF", "NO", "ONE"}), "OK"));
  ASSERT_TRUE(is_status(cc.cmd({"SET", "on-c", "y"}), "OK"));
  Client ca(a.port());
  ASSERT_TRUE(is_status(ca.cmd({"SET", "on-a", "x"}), "OK"));
  EXPECT_TRUE(is_int(ca.cmd({"WAIT", "1", "5000"}), 1));  // B still follows A
  EXPECT_EQ(b.log().find("is being promoted in place of MASTER"), std::string::npos);
}

// A failover that promoted the replica that was behind while the one ahead
// could not answer (paused past seed-timeout): B holds writes the new
// primary lacks and keeps them (refusing its full sync) until REPLICAOF is
// given again; the old primary, which wrote them, follows the failover's
// choice.
TEST(Failover, AReplicaAheadOfThePromotedOneKeepsItsDataUntilToldAgain) {
  ThreeNodes nodes(100);
  auto& [a, a_port, b, c, cb, cc] = nodes;
  ASSERT_TRUE(is_status(cc.cmd({"CONFIG", "SET", "seed-timeout", "1"}), "OK"));
  leave_c_behind_b(nodes);
  ASSERT_EQ(kill(b.pid(), SIGSTOP), 0);
  ASSERT_TRUE(is_status(cc.cmd({"REPLICAOF", "NO", "ONE"}), "OK"));
  ASSERT_TRUE(eventually([&] { return info_field(info(cc), "promotion_catch_up_state") == "done"; }));
  ASSERT_EQ(kill(b.pid(), SIGCONT), 0);
  ASSERT_TRUE(is_status(cc.cmd({"SET", "on-c", "y"}), "OK"));
  ASSERT_TRUE(is_status(cb.cmd({"REPLICAOF", "127.0.0.1", port_of(c)}), "OK"));
  // B is ahead of C on their shared history: it refuses and says so.
  ASSERT_TRUE(eventually([&] { return info_field(info(cb), "replica_protect_data_refusing") == "ahead"; }));
  EXPECT_GT(std::stoll(info_field(info(cb), "replica_protect_data_ahead_bytes").value_or("0")), 0);
  const Reply role = cb.cmd({"ROLE"});
  ASSERT_EQ(role.elements.size(), 5u);
  EXPECT_EQ(role.elements[3].str, "protecting-data");
  EXPECT_NE(b.log().find("we are ahead of it on our shared history"), std::string::npos);
  EXPECT_TRUE(is_bulk(cb.cmd({"GET", "only-on-a-and-b"}), "x"));  // kept, served read-only

  // The old primary comes back with its dump: it wrote the extra bytes and
  // follows the replica the failover chose.
  ASSERT_TRUE(a.start({"--save", "", "--port", a_port}));
  Client ca(a.port());
  ASSERT_TRUE(following(ca, c));
  EXPECT_NE(a.log().find("were not replicated to it and are dropped"), std::string::npos);
  EXPECT_TRUE(is_bulk(ca.cmd({"GET", "on-c"}), "y"));
  // The operator decides for B: REPLICAOF again replaces its data.
  ASSERT_TRUE(is_status(cb.cmd({"REPLICAOF", "127.0.0.1", port_of(c)}), "OK"));
  ASSERT_TRUE(converged(cc, {&ca, &cb}));
  EXPECT_EQ(info_field(info(cb), "replica_protect_data_refusing"), "no");
}

std::string hello(int sentinel_port, const ServerProcess& primary, int epoch) {
  return "127.0.0.1," + std::to_string(sentinel_port) + ",0123456789abcdef0123456789abcdef01234567," +
         std::to_string(epoch) + ",mymaster,127.0.0.1," + port_of(primary) + "," + std::to_string(epoch);
}

// A (no persistence) hears a Sentinel hello naming itself at `epoch`, is
// killed and restarted on its port: it starts fenced, as after a crash.
bool restart_after_hello(ServerProcess& a, int epoch) {
  const std::string a_port = port_of(a);
  {
    Client ca(a.port());
    ca.cmd({"PUBLISH", "__sentinel__:hello", hello(26379, a, epoch)});
  }
  a.kill();
  return a.start({"--save", "", "--port", a_port});
}

// A Sentinel's hello names the primary: a restarted primary that last saw
// itself named at epoch 1 waits for the next hello before it serves; one
// naming another primary at a newer epoch makes it follow that one. While
// it waits, only what Sentinel and operators need works.
TEST(Failover, ASentinelHelloNamingAnotherPrimaryFencesARestartedOne) {
  ServerProcess a({"--save", ""});
  const std::string a_port = port_of(a);
  {
    Client ca(a.port());
    ca.cmd({"SET", "k", "v"});
    ca.cmd({"PUBLISH", "__sentinel__:hello", hello(26379, a, 1)});
  }
  EXPECT_NE(a.log().find("names 127.0.0.1:" + a_port + " the primary of 'mymaster', config epoch 1"),
            std::string::npos);
  a.kill();
  ServerProcess d({"--save", ""});  // the primary Sentinel chose meanwhile
  Client cd(d.port());
  cd.cmd({"SET", "on-d", "1"});

  ASSERT_TRUE(a.start({"--save", "", "--port", a_port}));
  Client ca(a.port());
  EXPECT_EQ(info_field(info(ca), "seeding_state"), "fencing");
  EXPECT_TRUE(is_status(ca.cmd({"PING"}), "PONG"));
  EXPECT_TRUE(is_error(ca.cmd({"GET", "k"}), "LOADING arbor is seeding its dataset from replicas"));
  EXPECT_EQ(ca.cmd({"ROLE"}).elements.at(1).str, "fencing");
  EXPECT_EQ(ca.cmd({"CONFIG", "GET", "port"}).elements.at(1).str, a_port);
  EXPECT_EQ(ca.cmd({"CLIENT", "LIST"}).type, ReplyType::kBulk);
  Client subscriber(a.port());
  EXPECT_EQ(subscriber.cmd({"SUBSCRIBE", "__sentinel__:hello"}).elements.at(0).str, "subscribe");
  // A stale Sentinel (epoch 0) naming another primary is not believed.
  EXPECT_TRUE(is_int(ca.cmd({"PUBLISH", "__sentinel__:hello", hello(26380, d, 0)}), 1));
  EXPECT_EQ(info_field(info(ca), "seeding_state"), "fencing");
  EXPECT_EQ(info_int(ca, "replication", "master_repl_offset"), 0);  // nothing propagated meanwhile
  ca.cmd({"PUBLISH", "__sentinel__:hello", hello(26379, d, 2)});
  ASSERT_TRUE(following(ca, d));
  EXPECT_TRUE(is_bulk(ca.cmd({"GET", "on-d"}), "1"));
  EXPECT_NE(a.log().find("the primary of 'mymaster' (config epoch 2; the newest we had seen was 1)"),
            std::string::npos);
}

TEST(Failover, ASentinelHelloNamingUsLetsARestartedPrimaryServe) {
  ServerProcess a({"--save", ""});
  ASSERT_TRUE(restart_after_hello(a, 3));
  Client ca(a.port());
  EXPECT_TRUE(is_error(ca.cmd({"SET", "k", "v"}), "LOADING arbor is seeding its dataset from replicas"));
  ca.cmd({"PUBLISH", "__sentinel__:hello", hello(26379, a, 3)});
  ASSERT_TRUE(serving(ca, milliseconds(3000)));  // at once, not after the whole wait for a hello
  EXPECT_TRUE(is_status(ca.cmd({"SET", "k", "v"}), "OK"));
  EXPECT_EQ(ca.cmd({"ROLE"}).elements.at(0).str, "master");
  EXPECT_NE(a.log().find("names us the primary of 'mymaster' (config epoch 3)"), std::string::npos);
}

// REPLICAOF while undecided ends the wait at once, also inside MULTI as
// Sentinel sends it.
TEST(Failover, ReplicaofInsideMultiEndsTheFence) {
  ServerProcess a({"--save", ""});
  ServerProcess d({"--save", ""});
  ASSERT_TRUE(restart_after_hello(a, 1));
  Client ca(a.port());
  ASSERT_TRUE(is_status(ca.cmd({"MULTI"}), "OK"));
  ASSERT_TRUE(is_status(ca.cmd({"SLAVEOF", "127.0.0.1", port_of(d)}), "QUEUED"));
  ASSERT_TRUE(is_status(ca.cmd({"CLIENT", "KILL", "TYPE", "pubsub"}), "QUEUED"));
  const Reply exec = ca.cmd({"EXEC"});
  ASSERT_EQ(exec.type, ReplyType::kArray) << describe(exec);
  EXPECT_TRUE(is_status(exec.elements.at(0), "OK"));
  ASSERT_TRUE(following(ca, d));
  EXPECT_NE(a.log().find("Seeding ended after"), std::string::npos);
}

}  // namespace
}  // namespace arbor::test
