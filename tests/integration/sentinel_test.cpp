// Failover driven by three real redis-sentinel 7.0 processes (issue 11):
// a writer doing SET + WAIT 1 1000 through whatever primary the Sentinels
// name, the primary killed, and what happens when it comes back. Every
// write WAIT acknowledged must be on the final primary, and every node
// must converge to one DEBUG DIGEST.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/replication_helpers.h"
#include "tests/integration/sentinel_helpers.h"
#include "tests/integration/server_fixture.h"

namespace arbor::test {
namespace {

// Writes w:<i> with SET then WAIT 1 1000 to the primary the Sentinels name,
// following it after failures; records what WAIT acknowledged.
class AcknowledgedWriter {
 public:
  explicit AcknowledgedWriter(SentinelGroup& sentinels) : sentinels_(sentinels) {
    thread_ = std::thread([this] { run(); });
  }
  ~AcknowledgedWriter() { stop(); }
  void stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  int acknowledged() const { return static_cast<int>(count_.load()); }
  std::set<int> acknowledged_keys() {
    std::lock_guard lock(mutex_);
    return acked_;
  }

 private:
  void run() {
    std::unique_ptr<Client> client;
    for (int i = 0; !stop_ && i < 1000000; ++i) {
      if (!client || !client->connected()) {
        const auto port = sentinels_.primary_port();
        if (!port) {
          std::this_thread::sleep_for(milliseconds(50));  // (a writer's back-off, not a test wait)
          continue;
        }
        client = std::make_unique<Client>(*port, milliseconds(2000));
      }
      const std::string key = "w:" + std::to_string(i);
      if (!is_status(client->cmd({"SET", key, "v"}), "OK")) {
        client.reset();
        continue;
      }
      const Reply ack = client->cmd({"WAIT", "1", "1000"});
      if (ack.type == ReplyType::kInteger && ack.integer >= 1) {
        std::lock_guard lock(mutex_);
        acked_.insert(i);
        ++count_;
      } else if (ack.type != ReplyType::kInteger) {
        client.reset();
      }
    }
  }

  SentinelGroup& sentinels_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<int64_t> count_{0};
  std::mutex mutex_;
  std::set<int> acked_;
};

std::string port_of(const ServerProcess& server) { return std::to_string(server.port()); }

ServerProcess* by_port(std::vector<ServerProcess*> nodes, uint16_t port) {
  for (ServerProcess* n : nodes)
    if (n->port() == port) return n;
  return nullptr;
}

void expect_every_acknowledged_write(Client& c, const std::set<int>& acked) {
  int missing = 0;
  for (int i : acked) missing += !is_bulk(c.cmd({"GET", "w:" + std::to_string(i)}), "v");
  EXPECT_EQ(missing, 0) << "of " << acked.size() << " acknowledged writes";
}

// The reproduction under real Sentinels: the primary dies, a
// replica is promoted, the writer follows it; the old primary restarts
// with its original flags (it hears Sentinel's hellos as it comes up) and
// must rejoin as a replica of the new one with every write.
TEST(Sentinel, AnOldPrimaryRejoinsAfterFailoverWithEveryAcknowledgedWrite) {
  ServerProcess a({"--save", ""});
  const std::string a_port = port_of(a);
  ServerProcess b({"--save", "", "--replicaof", "127.0.0.1 " + a_port});
  ServerProcess c({"--save", "", "--replicaof", "127.0.0.1 " + a_port});
  SentinelGroup sentinels(a.port(), 2);
  ASSERT_TRUE(sentinels.ok());
  AcknowledgedWriter writer(sentinels);
  ASSERT_TRUE(eventually([&] { return writer.acknowledged() >= 300; }, milliseconds(20000)));
  a.kill();
  const auto promoted = sentinels.wait_for_failover(a.port());
  ASSERT_TRUE(promoted.has_value()) << sentinels.logs();
  const int before_restart = writer.acknowledged();
  ASSERT_TRUE(eventually([&] { return writer.acknowledged() >= before_restart + 200; }, milliseconds(20000)));

  ASSERT_TRUE(a.start({"--save", "", "--port", a_port}));
  Client ca(a.port());
  ASSERT_TRUE(eventually(
      [&] {
        const std::string text = info(ca);
        return info_field(text, "master_port") == std::to_string(*promoted) &&
               info_field(text, "master_link_status") == "up";
      },
      milliseconds(30000)))
      << a.log();
  const int after_restart = writer.acknowledged();
  ASSERT_TRUE(eventually([&] { return writer.acknowledged() >= after_restart + 100; }, milliseconds(20000)));
  writer.stop();

  ServerProcess* primary = by_port({&a, &b, &c}, *promoted);
  ASSERT_NE(primary, nullptr);
  Client cp(primary->port());
  std::vector<std::unique_ptr<Client>> others;
  std::vector<Client*> replicas;
  for (ServerProcess* n : {&a, &b, &c})
    if (n != primary) replicas.push_back(others.emplace_back(std::make_unique<Client>(n->port())).get());
  ASSERT_TRUE(converged(cp, replicas));
  expect_every_acknowledged_write(cp, writer.acknowledged_keys());
  expect_every_acknowledged_write(ca, writer.acknowledged_keys());
  EXPECT_EQ(a.log().find("Ready to accept writes"), std::string::npos);  // it never served as a primary
}

// Killed and restarted before the Sentinels act: the restarted primary
// waits for a Sentinel hello that names it, seeds from its replicas and
// serves; whatever the Sentinels decide meanwhile, nothing acknowledged is
// lost and every node converges.
TEST(Sentinel, APrimaryRestartedQuicklyLosesNothing) {
  ServerProcess a({"--save", ""});
  const std::string a_port = port_of(a);
  ServerProcess b({"--save", "", "--replicaof", "127.0.0.1 " + a_port});
  ServerProcess c({"--save", "", "--replicaof", "127.0.0.1 " + a_port});
  SentinelSettings settings;
  settings.down_after_ms = 5000;  // longer than the restart and the seeding
  SentinelGroup sentinels(a.port(), 2, settings);
  ASSERT_TRUE(sentinels.ok());
  AcknowledgedWriter writer(sentinels);
  ASSERT_TRUE(eventually([&] { return writer.acknowledged() >= 300; }, milliseconds(20000)));
  a.kill();
  ASSERT_TRUE(a.start({"--save", "", "--port", a_port}));
  const int before = writer.acknowledged();
  ASSERT_TRUE(eventually([&] { return writer.acknowledged() >= before + 200; }, milliseconds(30000)));
  writer.stop();
  EXPECT_NE(a.log().find("names us the primary of 'mymaster'"), std::string::npos) << a.log();
  const auto primary_port = sentinels.primary_port();
  ASSERT_TRUE(primary_port.has_value());
  EXPECT_EQ(*primary_port, a.port());
  Client ca(a.port()), cb(b.port()), cc(c.port());
  ASSERT_TRUE(converged(ca, {&cb, &cc}));
  expect_every_acknowledged_write(ca, writer.acknowledged_keys());
  EXPECT_EQ(info_int(ca, "stats", "sync_full"), 0);
}

// Sentinel promotes the replica that was behind (C, replica-priority 1
// makes it Sentinel's choice whatever its offset) while B holds writes
// that B alone acknowledged. C catches up with B before it takes writes:
// nothing acknowledged is lost, and B continues with C without protecting
// its data or a full sync.
TEST(Sentinel, APromotedReplicaThatWasBehindCatchesUpWithItsSibling) {
  ServerProcess a({"--save", ""});
  const std::string a_port = port_of(a);
  ServerProcess b({"--save", "", "--replicaof", "127.0.0.1 " + a_port});
  ServerProcess c({"--save", "", "--replicaof", "127.0.0.1 " + a_port, "--replica-priority", "1"});
  SentinelGroup sentinels(a.port(), 2);
  ASSERT_TRUE(sentinels.ok());
  {
    Client cc(c.port());
    ASSERT_TRUE(eventually([&] { return info_field(info(cc), "sibling_replicas") == "127.0.0.1:" + port_of(b); }));
  }
  std::set<int> acked;
  {
    Client ca(a.port());
    // C paused and cut off (it would otherwise read what its socket
    // buffered), briefly enough for Sentinel to keep it as a candidate.
    ASSERT_EQ(kill(c.pid(), SIGSTOP), 0);
    ASSERT_TRUE(is_int(ca.cmd({"CLIENT", "KILL", "TYPE", "replica"}), 2));
    for (int i = 0; i < 50; ++i) {
      ASSERT_TRUE(is_status(ca.cmd({"SET", "w:" + std::to_string(i), "v"}), "OK"));
      if (is_int(ca.cmd({"WAIT", "1", "1000"}), 1)) acked.insert(i);
    }
  }
  a.kill();
  ASSERT_EQ(kill(c.pid(), SIGCONT), 0);
  ASSERT_GT(acked.size(), 40u);
  const auto promoted = sentinels.wait_for_failover(a.port());
  ASSERT_TRUE(promoted.has_value()) << sentinels.logs();
  ASSERT_EQ(*promoted, c.port()) << sentinels.logs();
  // (Connected after the failover: Sentinel's CLIENT KILL TYPE normal.)
  Client cc(c.port());
  ASSERT_TRUE(eventually([&] { return info_field(info(cc), "promotion_catch_up_state") == "done"; }));
  EXPECT_EQ(info_field(info(cc), "promotion_catch_up_from"), "127.0.0.1:" + port_of(b)) << c.log();
  EXPECT_NE(c.log().find("is replaced by a Sentinel failover; the other replicas stop following it"),
            std::string::npos);
  expect_every_acknowledged_write(cc, acked);
  ASSERT_TRUE(is_status(cc.cmd({"SET", "after", "failover"}), "OK"));
  ASSERT_TRUE(eventually([&] {
    Client cb(b.port());
    const std::string text = info(cb);
    return info_field(text, "master_port") == port_of(c) && info_field(text, "master_link_status") == "up";
  })) << b.log();
  Client cb(b.port());
  ASSERT_TRUE(converged(cc, {&cb}));
  EXPECT_EQ(info_field(info(cb), "replica_protect_data_refusing"), "no");
  EXPECT_EQ(info_int(cc, "stats", "sync_full"), 0);
}

}  // namespace
}  // namespace arbor::test
