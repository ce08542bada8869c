// SAVE and the load at start: the dump arbor writes passes redis-check-rdb,
// a restarted server finds every type and TTL again, and a corrupt dump is
// refused at start with its offset named and the file left untouched.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "tests/integration/server_fixture.h"

namespace arbor::test {
namespace {

std::pair<int, std::string> run(const std::string& command) {
  std::string output;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return {-1, ""};
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) output.append(buf, n);
  const int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

void fill(Client& c) {
  c.cmd({"SET", "str", "hello"});
  c.cmd({"SET", "ttl", "v", "EX", "1000"});
  c.cmd({"RPUSH", "list", "a", "b", "c"});
  c.cmd({"HSET", "hash", "f", "1", "g", "2"});
  c.cmd({"SADD", "set", "x", "y"});
  c.cmd({"SADD", "ints", "1", "2", "3"});
  c.cmd({"ZADD", "zset", "1", "a", "2.5", "b"});
  c.cmd({"SELECT", "2"});
  c.cmd({"SET", "in2", "two"});
  c.cmd({"SELECT", "0"});
}

TEST(Persistence, SavedDumpPassesRedisCheckAndComesBackAfterRestart) {
  ServerProcess server;
  Client c(server.port());
  fill(c);
  const int64_t before = c.cmd({"LASTSAVE"}).integer;
  ASSERT_TRUE(is_status(c.cmd({"SAVE"}), "OK"));
  EXPECT_GE(c.cmd({"LASTSAVE"}).integer, before);
  const std::string dump = server.dir() + "/dump.rdb";
  const auto [status, output] = run("redis-check-rdb " + dump);
  EXPECT_EQ(status, 0) << output;
  EXPECT_NE(output.find("RDB looks OK"), std::string::npos) << output;
  const int64_t ttl_at = c.cmd({"PEXPIRETIME", "ttl"}).integer;

  server.stop();
  ASSERT_TRUE(server.start());
  Client again(server.port());
  EXPECT_TRUE(is_int(again.cmd({"DBSIZE"}), 7));
  EXPECT_TRUE(is_bulk(again.cmd({"GET", "str"}), "hello"));
  EXPECT_EQ(again.cmd({"PEXPIRETIME", "ttl"}).integer, ttl_at);
  EXPECT_EQ(describe(again.cmd({"LRANGE", "list", "0", "-1"})), R"(["a", "b", "c"])");
  EXPECT_TRUE(is_bulk(again.cmd({"HGET", "hash", "g"}), "2"));
  EXPECT_TRUE(is_int(again.cmd({"SISMEMBER", "set", "y"}), 1));
  EXPECT_TRUE(is_bulk(again.cmd({"OBJECT", "ENCODING", "ints"}), "intset"));
  EXPECT_EQ(describe(again.cmd({"ZRANGE", "zset", "0", "-1", "WITHSCORES"})), R"(["a", "1", "b", "2.5"])");
  again.cmd({"SELECT", "2"});
  EXPECT_TRUE(is_bulk(again.cmd({"GET", "in2"}), "two"));
}

TEST(Persistence, CorruptDumpIsRefusedAtStartAndLeftAsItIs) {
  std::string dump;
  {
    ServerProcess writer;
    Client c(writer.port());
    fill(c);
    ASSERT_TRUE(is_status(c.cmd({"SAVE"}), "OK"));
    dump = read_file(writer.dir() + "/dump.rdb");
  }
  ASSERT_GT(dump.size(), 40u);
  TempDir dir;
  const std::string truncated = dump.substr(0, dump.size() - 30);
  {
    std::ofstream out(dir.file("dump.rdb"), std::ios::binary);
    out << truncated;
  }
  ChildProcess child;
  child.spawn(arbor_server_path(),
              {"--port", "0", "--bind", "127.0.0.1", "--dir", dir.path(), "--logfile", dir.file("arbor.log")},
              dir.file("stdout.log"));
  const auto status = child.wait_exit(milliseconds(10000));
  ASSERT_TRUE(status.has_value()) << "the server kept running over a corrupt dump";
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 1);
  const std::string log = read_file(dir.file("arbor.log")) + read_file(dir.file("stdout.log"));
  EXPECT_NE(log.find("Bad RDB file"), std::string::npos) << log;
  EXPECT_NE(log.find("at offset"), std::string::npos) << log;
  EXPECT_EQ(read_file(dir.file("dump.rdb")), truncated);
}

TEST(Persistence, NoteTreesComeBackAfterRestartWithTheirShape) {
  ServerProcess server;
  Client c(server.port());
  c.cmd({"NOTE.ADD", "notes", "root", "a", "first"});
  c.cmd({"NOTE.ADD", "notes", "root", "b", "second"});
  c.cmd({"NOTE.ADD", "notes", "a", "a1", "under a"});
  c.cmd({"NOTE.ADD", "notes", "a", "a0", "before a1", "BEFORE", "a1"});
  c.cmd({"NOTE.ADD", "notes", "a0", "deep", ""});
  c.cmd({"NOTE.SET", "notes", "root", "the root's own text"});
  c.cmd({"PEXPIRE", "notes", "1000000"});
  const std::string tree = describe(c.cmd({"NOTE.TREE", "notes"}));
  const int64_t expires = c.cmd({"PEXPIRETIME", "notes"}).integer;
  ASSERT_TRUE(is_status(c.cmd({"SAVE"}), "OK"));

  server.stop();
  ASSERT_TRUE(server.start());
  Client again(server.port());
  EXPECT_EQ(describe(again.cmd({"NOTE.TREE", "notes"})), tree);
  EXPECT_EQ(again.cmd({"PEXPIRETIME", "notes"}).integer, expires);
  EXPECT_TRUE(is_int(again.cmd({"NOTE.LEN", "notes"}), 5));
}

// A dump written in the background holds every key as it was when BGSAVE
// began, however the writes that follow race the walk through the keyspace.
TEST(Persistence, BgsaveWritesTheDatasetOfItsStartWhileWritesContinue) {
  ServerProcess server({"--save", ""});
  Client c(server.port());
  constexpr int kKeys = 200000;
  set_keys(c, "k", kKeys, "old");
  ASSERT_TRUE(is_status(c.cmd({"BGSAVE"}), "Background saving started"));
  // Pipelined: these run while the snapshot is being written.
  for (int i = 0; i < kKeys; i += 7) c.append({"SET", "k" + std::to_string(i), "new"});
  for (int i = 1; i < kKeys; i += 7) c.append({"DEL", "k" + std::to_string(i)});
  c.append({"SET", "created-after", "x"});
  for (int i = 0; i < 2 * ((kKeys + 6) / 7) + 1; ++i) c.read_reply();
  ASSERT_TRUE(eventually([&] { return info_int(c, "persistence", "rdb_bgsave_in_progress") == 0; },
                         milliseconds(30000)));
  EXPECT_EQ(info_field(c.cmd({"INFO", "persistence"}).str, "rdb_last_bgsave_status"), "ok");

  server.stop();  // --save "": SIGTERM does not save, the file is BGSAVE's
  ASSERT_TRUE(server.start({"--save", ""}));
  Client again(server.port());
  EXPECT_TRUE(is_int(again.cmd({"DBSIZE"}), kKeys));
  for (int i = 0; i < kKeys; i += 997) EXPECT_TRUE(is_bulk(again.cmd({"GET", "k" + std::to_string(i)}), "old")) << i;
  EXPECT_TRUE(is_int(again.cmd({"EXISTS", "created-after"}), 0));
}

TEST(Persistence, TheSaveScheduleWritesADumpAfterEnoughChanges) {
  ServerProcess server({"--save", "1 2"});
  Client c(server.port());
  const int64_t before = c.cmd({"LASTSAVE"}).integer;
  c.cmd({"SET", "a", "1"});
  c.cmd({"SET", "b", "2"});
  ASSERT_TRUE(eventually([&] { return c.cmd({"LASTSAVE"}).integer > before; }, milliseconds(10000)));
  EXPECT_TRUE(std::filesystem::exists(server.dir() + "/dump.rdb"));
  EXPECT_EQ(info_int(c, "persistence", "rdb_changes_since_last_save"), 0);
}

TEST(Persistence, ShutdownNosaveLeavesNoDumpAndShutdownSaveWritesOne) {
  ServerProcess server;
  {
    Client c(server.port());
    c.cmd({"SET", "k", "v"});
    c.cmd({"SHUTDOWN", "NOSAVE"});  // no reply: the connection closes
  }
  EXPECT_TRUE(server.child().wait_exit(milliseconds(10000)).has_value());
  EXPECT_FALSE(std::filesystem::exists(server.dir() + "/dump.rdb"));
  ASSERT_TRUE(server.start({"--save", ""}));
  {
    Client c(server.port());
    c.cmd({"SET", "k", "v"});
    c.cmd({"SHUTDOWN", "SAVE"});
  }
  EXPECT_TRUE(server.child().wait_exit(milliseconds(10000)).has_value());
  EXPECT_TRUE(std::filesystem::exists(server.dir() + "/dump.rdb"));
}

// As Redis kills its saving child, SHUTDOWN during a background save
// abandons it and saves in the foreground: the last write is kept.
TEST(Persistence, ShutdownDuringABackgroundSaveStillSavesEverything) {
  ServerProcess server({"--save", ""});
  {
    Client c(server.port());
    set_keys(c, "k", 200000, "v");
    // One write: the save is still walking the keyspace when SHUTDOWN runs.
    c.append({"BGSAVE"});
    c.append({"SET", "marker", "last"});
    c.append({"SHUTDOWN", "SAVE"});
    c.read_reply();
    c.read_reply();
  }
  EXPECT_TRUE(server.child().wait_exit(milliseconds(30000)).has_value());
  EXPECT_TRUE(server.log().find("Snapshot in progress abandoned") != std::string::npos);
  ASSERT_TRUE(server.start({"--save", ""}));
  Client again(server.port());
  EXPECT_TRUE(is_bulk(again.cmd({"GET", "marker"}), "last"));
  EXPECT_TRUE(is_int(again.cmd({"DBSIZE"}), 200001));
}

}  // namespace
}  // namespace arbor::test
