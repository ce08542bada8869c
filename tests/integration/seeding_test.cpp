// Seeding (issue 5): a primary restarted without its data pulls it from its
// most advanced replica before it serves, continuing the same history, so
// a restart loses nothing and costs the replicas no full sync. Real
// processes on loopback; kill -9 plays the crash.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/replication_helpers.h"
#include "tests/integration/server_fixture.h"

namespace arbor::test {
namespace {

std::string address(const ServerProcess& server) { return "127.0.0.1:" + std::to_string(server.port()); }

// The core promise: kill -9 under a write load, restart with no dump, and
// every write a replica acknowledged (WAIT 1) is there; the dataset is the
// most advanced replica's; both replicas continue without a full sync.
TEST(Seeding, APrimaryKilledUnderLoadComesBackWithEveryAcknowledgedWrite) {
  ServerProcess primary({"--save", ""});
  const std::string port = std::to_string(primary.port());
  ServerProcess r1({"--replicaof", "127.0.0.1 " + port}), r2({"--replicaof", "127.0.0.1 " + port});
  Client c1(r1.port()), c2(r2.port());
  {
    Client p(primary.port());
    write_mixed(p, 0, 4000);  // every type, note trees and TTLs included
    ASSERT_TRUE(converged(p, {&c1, &c2}));
  }
  // A writer that records what WAIT 1 confirmed, until the primary dies.
  std::atomic<int> acknowledged{-1};
  std::thread writer([&] {
    Client w(primary.port());
    for (int i = 0; i < 1000000; ++i) {
      if (!is_status(w.cmd({"SET", "load:" + std::to_string(i), std::to_string(i)}), "OK")) return;
      if (i % 20 == 19) {
        const Reply ack = w.cmd({"WAIT", "1", "1000"});
        if (ack.type != protocol::ReplyType::kInteger) return;
        if (ack.integer >= 1) acknowledged = i;
      }
    }
  });
  ASSERT_TRUE(eventually([&] { return acknowledged.load() >= 200; }, milliseconds(20000)));
  primary.kill();
  writer.join();
  const int last_acknowledged = acknowledged.load();

  ASSERT_TRUE(primary.start({"--save", "", "--port", port}));
  Client p(primary.port());
  ASSERT_TRUE(serving(p));
  EXPECT_NE(primary.log().find("Seeding done"), std::string::npos);
  for (int i = 0; i <= last_acknowledged; ++i)
    ASSERT_TRUE(is_bulk(p.cmd({"GET", "load:" + std::to_string(i)}), std::to_string(i))) << i;
  // Note trees and expiries came through.
  EXPECT_TRUE(is_int(p.cmd({"NOTE.LEN", "n:7"}), 2));
  EXPECT_GT(p.cmd({"PTTL", "t:1"}).integer, 0);
  ASSERT_TRUE(is_status(p.cmd({"SET", "after", "restart"}), "OK"));
  ASSERT_TRUE(converged(p, {&c1, &c2}));
  EXPECT_EQ(info_int(p, "stats", "sync_full"), 0);
  EXPECT_GE(info_int(p, "stats", "sync_partial_ok"), 2);  // (more if a link timed out under load)
}

// One replica stopped for a while falls behind; the primary seeds from the
// other, and the one behind catches up from the backlog it brought along.
TEST(Seeding, SeedsFromTheMostAdvancedReplicaAndTheOneBehindContinues) {
  // Backlogs large enough for the gap, so the one behind can continue.
  ServerProcess primary({"--save", "", "--repl-backlog-size", "64mb"});
  const std::string port = std::to_string(primary.port());
  ServerProcess ahead({"--replicaof", "127.0.0.1 " + port, "--repl-backlog-size", "64mb"});
  ServerProcess behind({"--replicaof", "127.0.0.1 " + port, "--repl-backlog-size", "64mb"});
  Client a(ahead.port()), b(behind.port());
  {
    Client p(primary.port());
    write_mixed(p, 0, 2000);
    ASSERT_TRUE(converged(p, {&a, &b}));
    ASSERT_EQ(kill(behind.pid(), SIGSTOP), 0);
    // More than the socket buffers hold: the rest dies with the primary.
    const std::string big(100 * 1024, 'x');
    set_keys(p, "big:", 300, big);
    ASSERT_TRUE(converged(p, {&a}));
  }
  primary.kill();
  ASSERT_EQ(kill(behind.pid(), SIGCONT), 0);
  ASSERT_LT(info_int(b, "replication", "master_repl_offset"), info_int(a, "replication", "master_repl_offset"));

  ASSERT_TRUE(primary.start({"--save", "", "--port", port, "--repl-backlog-size", "64mb"}));
  Client p(primary.port());
  ASSERT_TRUE(serving(p));
  EXPECT_EQ(info_field(info(p), "seeding_chosen"), address(ahead));
  EXPECT_EQ(digest(p), digest(a));
  ASSERT_TRUE(converged(p, {&a, &b}));
  EXPECT_EQ(info_int(p, "stats", "sync_full"), 0);
  EXPECT_GE(info_int(p, "stats", "sync_partial_ok"), 2);  // (more if a link timed out under load)
}

TEST(Seeding, NoReplicaAnsweringStartsEmptyWithAWarning) {
  const std::string nobody = "127.0.0.1:" + std::to_string(pick_free_port());
  ServerProcess primary({"--save", "", "--seed-from", nobody, "--seed-timeout", "1"});
  Client p(primary.port());
  ASSERT_TRUE(serving(p, milliseconds(10000)));
  EXPECT_NE(primary.log().find("STARTING EMPTY"), std::string::npos);
  EXPECT_TRUE(is_status(p.cmd({"SET", "k", "v"}), "OK"));
  EXPECT_EQ(info_field(info(p), "seeding_outcome"),
            "no replica answered within seed-timeout; started empty");
}

// seed-require yes: no data is served until a replica answers; then it seeds.
TEST(Seeding, SeedRequireWaitsForAReplica) {
  ServerProcess source({"--save", ""});
  Client s(source.port());
  s.cmd({"SET", "precious", "data"});
  ServerProcess replica({"--replicaof", "127.0.0.1 " + std::to_string(source.port())});
  const std::string replica_port = std::to_string(replica.port());
  {
    Client r(replica.port());
    ASSERT_TRUE(converged(s, {&r}));
  }
  replica.stop();  // its dump keeps the data and the history

  ServerProcess primary({"--save", "", "--seed-from", address(replica), "--seed-timeout", "1", "--seed-require", "yes"});
  Client p(primary.port());
  EXPECT_TRUE(eventually([&] { return info_field(info(p), "seeding_state") == "waiting"; }, milliseconds(10000)));
  EXPECT_TRUE(is_status(p.cmd({"PING"}), "PONG"));
  EXPECT_TRUE(is_error(p.cmd({"SET", "k", "v"}), "LOADING arbor is seeding its dataset from replicas"));
  EXPECT_TRUE(is_error(p.cmd({"GET", "precious"}), "LOADING arbor is seeding its dataset from replicas"));
  EXPECT_EQ(info_field(p.cmd({"INFO", "persistence"}).str, "loading"), "1");
  EXPECT_EQ(p.cmd({"ROLE"}).elements.at(0).str, "seeding");

  ASSERT_TRUE(replica.start({"--port", replica_port, "--replicaof", "127.0.0.1 " + std::to_string(source.port())}));
  ASSERT_TRUE(serving(p));
  EXPECT_TRUE(is_bulk(p.cmd({"GET", "precious"}), "data"));
  EXPECT_EQ(p.cmd({"ROLE"}).elements.at(0).str, "master");
}

// A candidate the test plays: it claims to be the most advanced replica,
// then dies half-way through the snapshot it is asked for.
class DyingReplica {
 public:
  explicit DyingReplica(std::string info) : info_(std::move(info)) {
    thread_ = std::thread([this] { serve(); });
  }
  ~DyingReplica() {
    stop_ = true;
    thread_.join();
  }
  uint16_t port() const { return listener_.port(); }
  int transfers() const { return transfers_; }

 private:
  void serve() {
    while (!stop_) {
      const int conn = listener_.accept_one(milliseconds(50));
      if (conn < 0) continue;
      answer(conn);
      close(conn);
    }
  }

  // Commands in, canned replies out, until PSYNC (or a silent 5 s).
  void answer(int conn) {
    std::string in;
    const auto deadline = Clock::now() + milliseconds(5000);
    while (!stop_ && Clock::now() < deadline) {
      pollfd p{conn, POLLIN, 0};
      if (poll(&p, 1, 50) != 1) continue;
      char buf[4096];
      const ssize_t n = read(conn, buf, sizeof buf);
      if (n <= 0) return;
      in.append(buf, static_cast<size_t>(n));
      std::string out;
      bool die = false;
      for (std::vector<std::string> args; next_command(in, args);) {
        if (args[0] == "INFO") {
          out += "$" + std::to_string(info_.size()) + "\r\n" + info_ + "\r\n";
        } else if (args[0] == "PING") {
          out += "+PONG\r\n";
        } else if (args[0] == "PSYNC") {
          ++transfers_;
          out += "+FULLRESYNC " + std::string(40, 'f') + " 999999\r\n$EOF:" + std::string(40, 'm') +
                 "\r\nREDIS0010\xfa\x09redis-ver\x05" "7.0.1";
          die = true;
        } else {
          out += "+OK\r\n";
        }
      }
      (void)!write(conn, out.data(), out.size());
      if (die) return;
    }
  }

  // One RESP multibulk command off the front of `in`.
  static bool next_command(std::string& in, std::vector<std::string>& args) {
    args.clear();
    size_t at = 0;
    auto line = [&](std::string& text) {
      const size_t end = in.find("\r\n", at);
      if (end == std::string::npos) return false;
      text = in.substr(at, end - at);
      at = end + 2;
      return true;
    };
    std::string text;
    if (!line(text) || text.empty() || text[0] != '*') return false;
    const int count = std::stoi(text.substr(1));
    for (int i = 0; i < count; ++i) {
      if (!line(text)) return false;
      const size_t len = std::stoul(text.substr(1));
      if (in.size() < at + len + 2) return false;
      args.push_back(in.substr(at, len));
      at += len + 2;
    }
    in.erase(0, at);
    return true;
  }

  std::string info_;
  LoopbackListener listener_;
  std::atomic<bool> stop_{false};
  std::atomic<int> transfers_{0};
  std::thread thread_;
};

TEST(Seeding, WhenTheChosenReplicaDiesMidTransferTheNextOneIsUsed) {
  ServerProcess primary({"--save", ""});
  const std::string port = std::to_string(primary.port());
  ServerProcess replica({"--replicaof", "127.0.0.1 " + port});
  Client r(replica.port());
  {
    Client p(primary.port());
    write_mixed(p, 0, 2000);
    ASSERT_TRUE(converged(p, {&r}));
  }
  primary.kill();
  // The fake is on the same history and further ahead: it is chosen first.
  const std::string text = info(r);
  const std::string replid = *info_field(text, "master_replid");
  const int64_t offset = std::stoll(*info_field(text, "master_repl_offset"));
  DyingReplica dying("# Server\r\narbor_version:0.1.0\r\nrun_id:" + std::string(40, 'd') +
                     "\r\n# Replication\r\nrole:slave\r\nmaster_link_down_since_seconds:0\r\nmaster_replid:" + replid +
                     "\r\nmaster_replid2:" + std::string(40, '0') + "\r\nmaster_repl_offset:" +
                     std::to_string(offset + 1000) + "\r\n");

  ASSERT_TRUE(primary.start({"--save", "", "--port", port, "--seed-from",
                             "127.0.0.1:" + std::to_string(dying.port())}));
  Client p(primary.port());
  ASSERT_TRUE(serving(p));
  EXPECT_GE(dying.transfers(), 1);
  EXPECT_NE(primary.log().find("failed; asking every replica again without it"), std::string::npos);
  EXPECT_EQ(info_field(info(p), "seeding_chosen"), address(replica));
  EXPECT_EQ(digest(p), digest(r));
  ASSERT_TRUE(converged(p, {&r}));
  EXPECT_EQ(info_int(p, "stats", "sync_full"), 0);
}

// The dump and the replicas are compared by history and offset: the newer
// one wins.
TEST(Seeding, ADumpOlderThanTheReplicasIsNotPreferred) {
  ServerProcess primary;  // save points on: the dump has the history
  const std::string port = std::to_string(primary.port());
  ServerProcess replica({"--replicaof", "127.0.0.1 " + port});
  Client r(replica.port());
  {
    Client p(primary.port());
    p.cmd({"SET", "before", "dump"});
    ASSERT_TRUE(converged(p, {&r}));
    ASSERT_TRUE(is_status(p.cmd({"SAVE"}), "OK"));
    p.cmd({"SET", "after", "dump"});
    ASSERT_TRUE(converged(p, {&r}));
  }
  primary.kill();
  ASSERT_TRUE(primary.start({"--port", port}));
  Client p(primary.port());
  ASSERT_TRUE(serving(p));
  EXPECT_EQ(info_field(info(p), "seeding_chosen"), address(replica));
  EXPECT_TRUE(is_bulk(p.cmd({"GET", "after"}), "dump"));
  ASSERT_TRUE(converged(p, {&r}));
  EXPECT_EQ(info_int(p, "stats", "sync_full"), 0);
}

TEST(Seeding, ADumpNewerThanTheReplicasIsKept) {
  ServerProcess primary;
  const std::string port = std::to_string(primary.port());
  ServerProcess replica({"--replicaof", "127.0.0.1 " + port});
  Client r(replica.port());
  int64_t dump_offset = 0;
  {
    Client p(primary.port());
    p.cmd({"SET", "before", "stop"});
    ASSERT_TRUE(converged(p, {&r}));
    ASSERT_EQ(kill(replica.pid(), SIGSTOP), 0);
    // More than the socket buffers hold, so the replica stays behind.
    const std::string big(100 * 1024, 'x');
    set_keys(p, "big:", 300, big);
    p.cmd({"SET", "only", "in the dump"});
    ASSERT_TRUE(is_status(p.cmd({"SAVE"}), "OK"));
    dump_offset = info_int(p, "replication", "master_repl_offset");
  }
  primary.kill();
  ASSERT_EQ(kill(replica.pid(), SIGCONT), 0);
  ASSERT_TRUE(eventually([&] { return info_field(info(r), "master_link_status") == "down"; }));
  ASSERT_LT(info_int(r, "replication", "master_repl_offset"), dump_offset);
  ASSERT_TRUE(primary.start({"--port", port}));
  Client p(primary.port());
  ASSERT_TRUE(serving(p));
  EXPECT_NE(info_field(info(p), "seeding_outcome").value_or("").find("kept our dump"), std::string::npos);
  EXPECT_TRUE(is_bulk(p.cmd({"GET", "only"}), "in the dump"));
  ASSERT_TRUE(converged(p, {&r}));
  EXPECT_TRUE(is_bulk(r.cmd({"GET", "only"}), "in the dump"));
}

// The issue-11 case: R2 paused, so writes are acknowledged (WAIT 1) by R1
// alone; R1 paused too; the primary dies; R2 resumes first. The restarted
// primary must not seed from R2: with 2 known replicas, WAIT 1 needs both
// answers (R - k + 1), so it waits past seed-timeout for R1.
struct PausedReplicas {
  ServerProcess primary{{"--save", "", "--repl-backlog-size", "16mb"}};
  std::string port = std::to_string(primary.port());
  ServerProcess r1{{"--replicaof", "127.0.0.1 " + port, "--repl-backlog-size", "16mb"}};
  ServerProcess r2{{"--replicaof", "127.0.0.1 " + port, "--repl-backlog-size", "16mb"}};
  int acknowledged = 0;

  // Leaves R1 paused (ahead) and R2 running (behind), the primary dead.
  void run_up_to_the_crash() {
    Client p(primary.port()), c1(r1.port()), c2(r2.port());
    write_mixed(p, 0, 100);
    ASSERT_TRUE(converged(p, {&c1, &c2}));
    ASSERT_EQ(kill(r2.pid(), SIGSTOP), 0);
    // Cut R2 off (a paused process still receives what its socket buffers).
    ASSERT_TRUE(is_int(p.cmd({"CLIENT", "KILL", "TYPE", "replica"}), 2));
    for (int i = 0; i < 200; ++i) {
      ASSERT_TRUE(is_status(p.cmd({"SET", "acked:" + std::to_string(i), "v"}), "OK"));
      if (i % 50 == 49) {
        ASSERT_TRUE(is_int(p.cmd({"WAIT", "1", "5000"}), 1));  // R1 alone
      }
    }
    acknowledged = 200;
    ASSERT_EQ(kill(r1.pid(), SIGSTOP), 0);
    primary.kill();
    ASSERT_EQ(kill(r2.pid(), SIGCONT), 0);
  }
};

TEST(Seeding, WaitsPastSeedTimeoutForAReplicaThatMayHoldAcknowledgedWrites) {
  PausedReplicas t;
  ASSERT_NO_FATAL_FAILURE(t.run_up_to_the_crash());
  ASSERT_TRUE(t.primary.start({"--save", "", "--port", t.port, "--seed-timeout", "1", "--repl-backlog-size", "16mb"}));
  Client p(t.primary.port());
  ASSERT_TRUE(eventually([&] { return t.primary.log().find("may be only on") != std::string::npos; },
                         milliseconds(10000)));
  const std::string text = info(p);
  EXPECT_EQ(info_field(text, "seeding_state"), "waiting");
  EXPECT_EQ(info_field(text, "seeding_known_replicas"), "2");
  EXPECT_EQ(info_field(text, "seeding_needed"), "2");
  EXPECT_EQ(info_field(text, "seeding_covered"), "1");
  EXPECT_EQ(info_field(text, "seeding_missing"), address(t.r1));
  EXPECT_TRUE(is_error(p.cmd({"GET", "acked:0"}), "LOADING arbor is seeding its dataset from replicas"));

  ASSERT_EQ(kill(t.r1.pid(), SIGCONT), 0);
  ASSERT_TRUE(serving(p));
  EXPECT_EQ(info_field(info(p), "seeding_chosen"), address(t.r1));
  for (int i = 0; i < t.acknowledged; ++i)
    ASSERT_TRUE(is_bulk(p.cmd({"GET", "acked:" + std::to_string(i)}), "v")) << i;
  Client c1(t.r1.port()), c2(t.r2.port());
  ASSERT_TRUE(converged(p, {&c1, &c2}));
  EXPECT_EQ(info_int(p, "stats", "sync_full"), 0);  // R2 continued from R1's backlog
}

// No replica answers at all (fault run: the only known replica's link was
// cut): past seed-timeout the primary still waits instead of starting empty.
TEST(Seeding, WaitsPastSeedTimeoutWhenNoKnownReplicaAnswers) {
  PausedReplicas t;
  ASSERT_NO_FATAL_FAILURE(t.run_up_to_the_crash());
  ASSERT_EQ(kill(t.r2.pid(), SIGSTOP), 0);
  ASSERT_TRUE(t.primary.start({"--save", "", "--port", t.port, "--seed-timeout", "1", "--repl-backlog-size", "16mb"}));
  Client p(t.primary.port());
  ASSERT_TRUE(eventually([&] { return t.primary.log().find("may be only on") != std::string::npos; },
                         milliseconds(10000)));
  EXPECT_EQ(info_field(info(p), "seeding_state"), "waiting");
  EXPECT_EQ(info_field(info(p), "seeding_covered"), "0");
  EXPECT_TRUE(is_error(p.cmd({"GET", "acked:0"}), "LOADING arbor is seeding its dataset from replicas"));
  EXPECT_EQ(t.primary.log().find("STARTING EMPTY"), std::string::npos);

  ASSERT_EQ(kill(t.r1.pid(), SIGCONT), 0);
  ASSERT_EQ(kill(t.r2.pid(), SIGCONT), 0);
  ASSERT_TRUE(serving(p));
  for (int i = 0; i < t.acknowledged; ++i)
    ASSERT_TRUE(is_bulk(p.cmd({"GET", "acked:" + std::to_string(i)}), "v")) << i;
}

// Told not to wait (seed-safe-wait 0), the primary seeds from R2 after
// seed-timeout; R1, ahead of it on their shared history, keeps its data
// and says so instead of taking the full sync that would drop it.
TEST(Seeding, AReplicaAheadOfTheSeedKeepsItsAcknowledgedWrites) {
  PausedReplicas t;
  ASSERT_NO_FATAL_FAILURE(t.run_up_to_the_crash());
  ASSERT_TRUE(t.primary.start({"--save", "", "--port", t.port, "--seed-timeout", "1", "--seed-safe-wait", "0",
                               "--repl-backlog-size", "16mb"}));
  Client p(t.primary.port());
  ASSERT_TRUE(serving(p, milliseconds(10000)));
  EXPECT_EQ(info_field(info(p), "seeding_chosen"), address(t.r2));
  ASSERT_EQ(kill(t.r1.pid(), SIGCONT), 0);
  Client c1(t.r1.port());
  ASSERT_TRUE(eventually([&] { return info_field(info(c1), "replica_protect_data_refusing") == "ahead"; },
                         milliseconds(10000)));
  EXPECT_EQ(c1.cmd({"ROLE"}).elements.at(3).str, "protecting-data");
  for (int i = 0; i < t.acknowledged; ++i)
    ASSERT_TRUE(is_bulk(c1.cmd({"GET", "acked:" + std::to_string(i)}), "v")) << i;
  EXPECT_NE(t.r1.log().find("a full sync would drop"), std::string::npos);
}

}  // namespace
}  // namespace arbor::test
