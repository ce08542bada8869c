// A failed save, side by side with redis-server 7.0: with save points and
// stop-writes-on-bgsave-error, writes (and PING, and writes inside scripts
// and transactions) get -MISCONF until a save succeeds; SHUTDOWN and
// SIGTERM refuse to exit while the final save fails, unless NOSAVE/FORCE
// (shutdown-on-sigterm). The save fails because the server's directory
// was removed under it.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <filesystem>
#include <string>
#include <vector>

#include "tests/integration/server_fixture.h"

namespace arbor::test {
namespace {

constexpr milliseconds kWait(10000);

std::string field(Client& c, std::string_view name) {
  return info_field(c.cmd({"INFO", "persistence"}).str, name).value_or("?");
}

std::string created(const std::string& path) {
  std::filesystem::create_directories(path);
  return path;
}

bool save_failed(Client& c) {
  return eventually([&] {
    return field(c, "rdb_bgsave_in_progress") == "0" && field(c, "rdb_last_bgsave_status") == "err";
  }, kWait);
}

class SaveErrors : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerProcess::Options options;
    options.args = {"--save", "3600 1", "--dir", arbor_data_, "--enable-protected-configs", "yes"};
    options.port_file = arbor_data_ + "/arbor.port";
    ASSERT_TRUE(arbor_.start(options));
    ASSERT_TRUE(redis_.ok());
    a_ = std::make_unique<Client>(arbor_.port());
    r_ = std::make_unique<Client>(redis_.port());
  }

  // The same command on both servers; their replies must be the same.
  void same(const std::vector<std::string>& command) {
    std::string shown;
    for (const auto& word : command) shown += "'" + word + "' ";
    EXPECT_EQ(describe(a_->cmd(command)), describe(r_->cmd(command))) << shown;
  }

  void break_both_saves() {
    std::filesystem::remove_all(arbor_data_);
    std::filesystem::remove_all(redis_data_);
    same({"SET", "before", "1"});
    same({"BGSAVE"});
    ASSERT_TRUE(save_failed(*a_));
    ASSERT_TRUE(save_failed(*r_));
  }

  TempDir scratch_;
  const std::string arbor_data_ = created(scratch_.file("arbor-data"));
  const std::string redis_data_ = created(scratch_.file("redis-data"));
  ServerProcess arbor_{ServerProcess::DeferStart{}};
  RedisProcess redis_{{"--save", "3600 1", "--dir", redis_data_, "--enable-protected-configs", "yes"}};
  std::unique_ptr<Client> a_, r_;
};

TEST_F(SaveErrors, WritesGetMisconfUntilASaveSucceeds) {
  break_both_saves();
  for (const std::vector<std::string>& command : std::vector<std::vector<std::string>>{
           {"SET", "k", "v"},
           {"PING"},
           {"GET", "before"},
           {"INCR", "n"},
           {"DEL", "before"},
           {"EVAL", "return redis.call('set', 'a', '1')", "0"},
           {"EVAL", "return redis.pcall('set', 'a', '1')", "0"},
           {"EVAL", "return redis.call('get', 'before')", "0"},
           {"EVAL", "#!lua\nreturn 1", "0"},
           {"EVAL", "#!lua flags=no-writes\nreturn 1", "0"},
           {"MULTI"},
           {"GET", "before"},
           {"SET", "k", "v"},
           {"EXEC"},
           {"CONFIG", "SET", "stop-writes-on-bgsave-error", "no"},
           {"SET", "k", "v"},
           {"PING"},
           {"CONFIG", "SET", "stop-writes-on-bgsave-error", "yes"},
           {"SET", "k", "v2"},
           {"SHUTDOWN"},
           {"GET", "k"},
       })
    same(command);
  // A directory to save in again: SAVE succeeds and writes are back.
  std::filesystem::create_directories(arbor_data_ + "2");
  std::filesystem::create_directories(redis_data_ + "2");
  EXPECT_TRUE(is_status(a_->cmd({"CONFIG", "SET", "dir", arbor_data_ + "2"}), "OK"));
  EXPECT_TRUE(is_status(r_->cmd({"CONFIG", "SET", "dir", redis_data_ + "2"}), "OK"));
  same({"SAVE"});
  same({"SET", "k", "v3"});
  same({"PING"});
  EXPECT_EQ(field(*a_, "rdb_last_bgsave_status"), "ok");
  EXPECT_EQ(field(*r_, "rdb_last_bgsave_status"), "ok");
}

TEST_F(SaveErrors, SigtermKeepsServingWhileTheFinalSaveFailsUnlessForced) {
  break_both_saves();
  const pid_t redis_pid = static_cast<pid_t>(std::stol(info_field(r_->cmd({"INFO", "server"}).str, "process_id").value_or("0")));
  ASSERT_GT(redis_pid, 0);
  ASSERT_EQ(::kill(redis_pid, SIGTERM), 0);
  ASSERT_EQ(::kill(arbor_.pid(), SIGTERM), 0);
  const std::string refused = "Errors trying to shut down the server. Check the logs for more information.";
  EXPECT_TRUE(eventually([&] { return redis_.log().find(refused) != std::string::npos; }, kWait)) << redis_.log();
  EXPECT_TRUE(eventually([&] { return arbor_.log().find(refused) != std::string::npos; }, kWait)) << arbor_.log();
  EXPECT_TRUE(arbor_.running());
  same({"ECHO", "still here"});
  EXPECT_TRUE(is_bulk(a_->cmd({"GET", "before"}), "1"));  // nothing lost
  // shutdown-on-sigterm force: the next SIGTERM exits although the save fails.
  same({"CONFIG", "SET", "shutdown-on-sigterm", "force"});
  ASSERT_EQ(::kill(redis_pid, SIGTERM), 0);
  ASSERT_EQ(::kill(arbor_.pid(), SIGTERM), 0);
  EXPECT_TRUE(eventually([&] { return redis_.log().find("Error trying to save the DB. Exit anyway.") != std::string::npos; },
                         kWait));
  const auto status = arbor_.child().wait_exit(kWait);
  ASSERT_TRUE(status.has_value()) << "still running after a forced SIGTERM";
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0);
  EXPECT_NE(arbor_.log().find("Error trying to save the DB. Exit anyway."), std::string::npos);
}

TEST_F(SaveErrors, ShutdownNosaveAndForceExitWhenTheSaveFails) {
  break_both_saves();
  same({"SHUTDOWN"});
  same({"SHUTDOWN", "SAVE"});
  a_->cmd({"SHUTDOWN", "FORCE"});  // a successful SHUTDOWN has no reply: the connection ends
  r_->cmd({"SHUTDOWN", "NOSAVE"});  const auto status = arbor_.child().wait_exit(kWait);
  ASSERT_TRUE(status.has_value()) << "SHUTDOWN FORCE did not stop the server";
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0);
}

}  // namespace
}  // namespace arbor::test
