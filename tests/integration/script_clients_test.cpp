// Scripting through client libraries, unchanged: redis-py's Lock and
// register_script (Debian's python3-redis) and a BullMQ 6 job queue (from
// npm, installed by tools/install-deps), each against arbor.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "tests/integration/replication_helpers.h"
#include "tests/integration/server_fixture.h"

namespace arbor::test {
namespace {

// Runs `program args`, returns its output once it exited with status 0.
std::string run_client(const std::string& program, const std::vector<std::string>& args) {
  TempDir dir;
  ChildProcess client;
  const std::string out = dir.file("client.out");
  client.spawn(program, args, out);
  const auto status = client.wait_exit(milliseconds(60000));
  EXPECT_TRUE(status && WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << read_file(out);
  return read_file(out);
}

TEST(ScriptClients, RedisPyLockAndRegisteredScriptsWork) {
  ServerProcess server;
  const std::string out =
      run_client("/usr/bin/python3", {ARBOR_CLIENT_SCRIPTS "/redis_py_lock.py", std::to_string(server.port())});
  EXPECT_NE(out.find("acquire True"), std::string::npos) << out;
  EXPECT_NE(out.find("second-acquire False"), std::string::npos) << out;
  EXPECT_NE(out.find("extend True"), std::string::npos) << out;
  EXPECT_NE(out.find("reacquire True"), std::string::npos) << out;
  EXPECT_NE(out.find("released 0"), std::string::npos) << out;
  EXPECT_NE(out.find("script 5 10"), std::string::npos) << out;
  EXPECT_NE(out.find("after-flush 11"), std::string::npos) << out;
}

TEST(ScriptClients, ABullmqJobIsAddedProcessedAndCompleted) {
  if (!std::filesystem::exists("/usr/bin/node"))
    GTEST_SKIP() << "Node.js is missing (/usr/bin/node): tools/install-deps installs Debian's nodejs";
  const std::string modules = ARBOR_NODE_CLIENTS;
  ASSERT_TRUE(std::filesystem::exists(std::filesystem::path(modules) / "bullmq")) << "tools/install-deps installs bullmq into " << modules;
  ServerProcess server;
  const std::string out =
      run_client("/usr/bin/node", {ARBOR_CLIENT_SCRIPTS "/bullmq_job.js", modules, std::to_string(server.port())});
  EXPECT_NE(out.find("added 1"), std::string::npos) << out;
  EXPECT_NE(out.find(R"(completed 1 {"doubled":42})"), std::string::npos) << out;
  EXPECT_NE(out.find(R"("completed":1,"failed":0,"waiting":0)"), std::string::npos) << out;
}

}  // namespace
}  // namespace arbor::test
