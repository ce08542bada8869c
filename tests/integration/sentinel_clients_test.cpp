// Clients through Sentinel (issue 11): redis-py's Sentinel.master_for /
// slave_for (Debian's python3-redis) and ioredis's `sentinels:` option
// (from npm) write to arbor before a failover, and after the primary is
// killed they find the replica the Sentinels promoted, with every write.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "tests/integration/replication_helpers.h"
#include "tests/integration/sentinel_helpers.h"
#include "tests/integration/server_fixture.h"

namespace arbor::test {
namespace {

std::string joined(const std::vector<uint16_t>& ports) {
  std::string out;
  for (uint16_t p : ports) out += (out.empty() ? "" : ",") + std::to_string(p);
  return out;
}

// A primary and two replicas watched by three Sentinels; `client` runs
// beside them, and once it wrote, the primary dies and the Sentinels fail
// over; then the client is told (a flag file) and must carry on.
struct FailoverRig {
  ServerProcess a{{"--save", ""}};
  ServerProcess b{{"--save", "", "--replicaof", "127.0.0.1 " + std::to_string(a.port())}};
  ServerProcess c{{"--save", "", "--replicaof", "127.0.0.1 " + std::to_string(a.port())}};
  SentinelGroup sentinels{a.port(), 2};
  TempDir dir;
  ChildProcess client;

  // Runs the client to its end; returns its output (exit status checked).
  std::string run(const std::string& program, std::vector<std::string> args, uint16_t& promoted) {
    const std::string out = dir.file("client.out");
    client.spawn(program, args, out);
    EXPECT_TRUE(eventually([&] { return read_file(out).find("wrote-before") != std::string::npos || !client.running(); },
                           milliseconds(20000)))
        << read_file(out);
    a.kill();
    const auto now = sentinels.wait_for_failover(a.port());
    EXPECT_TRUE(now.has_value()) << sentinels.logs();
    promoted = now.value_or(0);
    std::ofstream(dir.file("failed-over")) << "yes\n";
    const auto status = client.wait_exit(milliseconds(60000));
    EXPECT_TRUE(status && WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << read_file(out);
    return read_file(out);
  }
};

TEST(SentinelClients, RedisPyMasterForFollowsTheFailover) {
  FailoverRig rig;
  ASSERT_TRUE(rig.sentinels.ok());
  uint16_t promoted = 0;
  const std::string out = rig.run("/usr/bin/python3",
                                  {ARBOR_CLIENT_SCRIPTS "/redis_py_sentinel.py", joined(rig.sentinels.ports()),
                                   rig.dir.file("failed-over")},
                                  promoted);
  EXPECT_NE(out.find("master-before " + std::to_string(rig.a.port())), std::string::npos) << out;
  EXPECT_NE(out.find("master-after " + std::to_string(promoted)), std::string::npos) << out;
  EXPECT_NE(out.find("values 1 2"), std::string::npos) << out;
  EXPECT_NE(out.find("replica-read ok"), std::string::npos) << out;
}

TEST(SentinelClients, IoredisSentinelsOptionFollowsTheFailover) {
  const std::string modules = ARBOR_NODE_CLIENTS;
  ASSERT_TRUE(std::filesystem::exists(std::filesystem::path(modules) / "ioredis")) << "tools/install-deps installs ioredis into " << modules;
  FailoverRig rig;
  ASSERT_TRUE(rig.sentinels.ok());
  uint16_t promoted = 0;
  const std::string out = rig.run("/usr/bin/node",
                                  {ARBOR_CLIENT_SCRIPTS "/ioredis_sentinel.js", modules,
                                   joined(rig.sentinels.ports()), rig.dir.file("failed-over")},
                                  promoted);
  EXPECT_NE(out.find("role-after master"), std::string::npos) << out;
  EXPECT_NE(out.find("values 1 2"), std::string::npos) << out;
  // The write after the failover is on the promoted primary.
  Client p(promoted);
  EXPECT_TRUE(is_bulk(p.cmd({"GET", "io-after"}), "2"));
}

}  // namespace
}  // namespace arbor::test
