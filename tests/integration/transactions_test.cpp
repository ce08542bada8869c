// MULTI/EXEC/DISCARD/WATCH against a real arbor-server: queueing, EXECABORT,
// runtime errors inside EXEC, and every way a watched key changes (writes by
// others, expiry, FLUSHDB/FLUSHALL, SWAPDB, replacement by another type).
#include <gtest/gtest.h>

#include <string>

#include "tests/integration/server_fixture.h"
#include "tests/integration/session.h"

namespace arbor::test {
namespace {

TEST(Multi, QueuedCommandsRunAtExecAndRuntimeErrorsDoNotStopOthers) {
  ServerProcess server;
  Session c(server.port());
  EXPECT_EQ(c.call({"MULTI"}), R"("OK")");
  EXPECT_EQ(c.call({"SET", "a", "x"}), R"("QUEUED")");
  EXPECT_EQ(c.call({"INCR", "a"}), R"("QUEUED")");
  EXPECT_EQ(c.call({"SET", "b", "1"}), R"("QUEUED")");
  EXPECT_EQ(c.call({"INCR", "b"}), R"("QUEUED")");
  EXPECT_EQ(c.call({"EXEC"}), R"(["OK", (error "ERR value is not an integer or out of range"), "OK", 2])");
  EXPECT_EQ(c.call({"GET", "b"}), R"("2")");
  EXPECT_NE(c.call({"CLIENT", "INFO"}).find("multi=-1"), std::string::npos);
}

// As Redis's rejectCommand: an EXEC refused by a gate (here its arity)
// ends the transaction with EXECABORT and the reason.
TEST(Multi, ARefusedExecDiscardsTheTransaction) {
  ServerProcess server;
  Session c(server.port());
  EXPECT_EQ(c.call({"MULTI"}), R"("OK")");
  EXPECT_EQ(c.call({"SET", "a", "1"}), R"("QUEUED")");
  EXPECT_EQ(c.call({"EXEC", "extra"}),
            R"((error "EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command"))");
  EXPECT_EQ(c.call({"EXEC"}), R"((error "ERR EXEC without MULTI"))");
  EXPECT_EQ(c.call({"GET", "a"}), "nil");
}

TEST(Multi, QueueingErrorAbortsTheWholeTransaction) {
  ServerProcess server;
  Session c(server.port());
  EXPECT_EQ(c.call({"MULTI"}), R"("OK")");
  EXPECT_EQ(c.call({"SET", "a", "1"}), R"("QUEUED")");
  EXPECT_EQ(c.call({"GET"}), R"((error "ERR wrong number of arguments for 'get' command"))");
  EXPECT_EQ(c.call({"NOSUCH"}), R"((error "ERR unknown command 'NOSUCH', with args beginning with: "))");
  EXPECT_EQ(c.call({"EXEC"}), R"((error "EXECABORT Transaction discarded because of previous errors."))");
  EXPECT_EQ(c.call({"EXISTS", "a"}), "0");
}

TEST(Multi, ControlErrorsMatchRedis) {
  ServerProcess server;
  Session c(server.port());
  Client observer(server.port());
  const std::string id = c.call({"CLIENT", "ID"});
  EXPECT_EQ(c.call({"EXEC"}), R"((error "ERR EXEC without MULTI"))");
  EXPECT_EQ(c.call({"DISCARD"}), R"((error "ERR DISCARD without MULTI"))");
  EXPECT_EQ(c.call({"MULTI"}), R"("OK")");
  EXPECT_EQ(c.call({"MULTI"}), R"((error "ERR MULTI calls can not be nested"))");
  EXPECT_EQ(c.call({"WATCH", "k"}), R"((error "ERR WATCH inside MULTI is not allowed"))");
  EXPECT_EQ(c.call({"SHUTDOWN"}), R"((error "ERR Command not allowed inside a transaction"))");
  EXPECT_EQ(c.call({"SET", "k", "v"}), R"("QUEUED")");
  EXPECT_NE(describe(observer.cmd({"CLIENT", "LIST", "ID", id})).find("flags=x db=0 sub=0 psub=0 ssub=0 multi=1"),
            std::string::npos);
  // Redis's multi-mem: the queued arguments' bytes and a pointer each
  // (SET k v: 5 + 3 x 8; GET k: 4 + 2 x 8), 49 as redis-server 7.0 says.
  EXPECT_EQ(c.call({"GET", "k"}), R"("QUEUED")");
  EXPECT_NE(describe(observer.cmd({"CLIENT", "LIST", "ID", id})).find(" argv-mem=0 multi-mem=49 "), std::string::npos)
      << describe(observer.cmd({"CLIENT", "LIST", "ID", id}));
  EXPECT_EQ(c.call({"DISCARD"}), R"("OK")");
  EXPECT_EQ(c.call({"EXISTS", "k"}), "0");
}

TEST(Multi, Resp3NullOnWatchFailure) {
  ServerProcess server;
  Session c(server.port());
  Client other(server.port());
  ASSERT_NE(c.call({"HELLO", "3"}).find("proto"), std::string::npos);
  EXPECT_EQ(c.call({"WATCH", "k"}), R"("OK")");
  EXPECT_TRUE(is_status(other.cmd({"SET", "k", "1"}), "OK"));
  EXPECT_EQ(c.call({"MULTI"}), R"("OK")");
  EXPECT_EQ(c.call({"INCR", "k"}), R"("QUEUED")");
  EXPECT_EQ(c.call({"EXEC"}), "nil");
  EXPECT_EQ(c.call({"GET", "k"}), R"("1")");
}

// WATCH k; `change` runs on another connection; then MULTI / INCR x / EXEC.
// Returns the EXEC reply.
std::string exec_after(ServerProcess& server, const std::vector<std::vector<std::string>>& setup,
                       const std::vector<std::vector<std::string>>& change) {
  Session c(server.port());
  Client other(server.port());
  for (const auto& cmd : setup) other.cmd(cmd);
  c.call({"WATCH", "k"});
  for (const auto& cmd : change) other.cmd(cmd);
  c.call({"MULTI"});
  c.call({"INCR", "x"});
  return c.call({"EXEC"});
}

TEST(Watch, AnyChangeToTheKeyFailsExec) {
  ServerProcess server;
  Client admin(server.port());
  struct Case {
    const char* name;
    std::vector<std::vector<std::string>> setup, change;
  } cases[] = {
      {"SET", {}, {{"SET", "k", "v"}}},
      {"DEL", {{"SET", "k", "v"}}, {{"DEL", "k"}}},
      {"LPUSH", {}, {{"LPUSH", "k", "a"}}},
      {"HSET", {}, {{"HSET", "k", "f", "v"}}},
      {"SADD", {}, {{"SADD", "k", "m"}}},
      {"EXPIRE", {{"SET", "k", "v"}}, {{"EXPIRE", "k", "100"}}},
      {"type change", {{"RPUSH", "k", "a"}}, {{"SET", "k", "string now"}}},
      {"RENAME onto", {{"SET", "other", "v"}}, {{"RENAME", "other", "k"}}},
      {"FLUSHDB", {{"SET", "k", "v"}}, {{"FLUSHDB"}}},
      {"FLUSHALL", {{"SET", "k", "v"}}, {{"FLUSHALL"}}},
      {"SWAPDB", {{"SET", "k", "v"}}, {{"SWAPDB", "0", "1"}}},
      {"NOTE.ADD", {}, {{"NOTE.ADD", "k", "root", "n1", "hello"}}},
      {"NOTE.SET", {{"NOTE.ADD", "k", "root", "n1", "a"}}, {{"NOTE.SET", "k", "n1", "b"}}},
  };
  for (const Case& test : cases) {
    admin.cmd({"FLUSHALL"});
    EXPECT_EQ(exec_after(server, test.setup, test.change), "nil") << test.name;
  }
}

TEST(Watch, NoChangeLetsExecRun) {
  ServerProcess server;
  Client admin(server.port());
  struct Case {
    const char* name;
    std::vector<std::vector<std::string>> setup, change;
  } cases[] = {
      {"nothing", {}, {}},
      {"read", {{"SET", "k", "v"}}, {{"GET", "k"}}},
      {"other key", {}, {{"SET", "k2", "v"}}},
      {"DEL of missing", {}, {{"DEL", "k"}}},
      {"SADD existing", {{"SADD", "k", "m"}}, {{"SADD", "k", "m"}}},
      {"FLUSHDB of another db", {{"SET", "k", "v"}}, {{"SELECT", "3"}, {"FLUSHDB"}}},
  };
  for (const Case& test : cases) {
    admin.cmd({"FLUSHALL"});
    EXPECT_EQ(exec_after(server, test.setup, test.change), "[1]") << test.name;
  }
}

TEST(Watch, ExpiryOfTheWatchedKeyFailsExec) {
  ServerProcess server;
  Session c(server.port());
  Client other(server.port());
  EXPECT_TRUE(is_status(other.cmd({"SET", "k", "v", "PX", "50"}), "OK"));
  EXPECT_EQ(c.call({"WATCH", "k"}), R"("OK")");
  ASSERT_TRUE(eventually([&] { return other.cmd({"EXISTS", "k"}).integer == 0; }));
  c.call({"MULTI"});
  c.call({"INCR", "x"});
  EXPECT_EQ(c.call({"EXEC"}), "nil");
}

TEST(Watch, UnwatchAndExecForgetTheKeys) {
  ServerProcess server;
  Session c(server.port());
  Client other(server.port());
  EXPECT_EQ(c.call({"WATCH", "k"}), R"("OK")");
  EXPECT_EQ(c.call({"UNWATCH"}), R"("OK")");
  other.cmd({"SET", "k", "1"});
  c.call({"MULTI"});
  c.call({"PING"});
  EXPECT_EQ(c.call({"EXEC"}), R"(["PONG"])");
  // EXEC unwatched too: a later change does not affect the next transaction.
  EXPECT_EQ(c.call({"WATCH", "k"}), R"("OK")");
  c.call({"MULTI"});
  EXPECT_EQ(c.call({"EXEC"}), "[]");
  other.cmd({"SET", "k", "2"});
  c.call({"MULTI"});
  EXPECT_EQ(c.call({"EXEC"}), "[]");
}

TEST(Multi, BlockingCommandsInsideExecDoNotBlock) {
  ServerProcess server;
  Session c(server.port());
  c.call({"MULTI"});
  c.call({"BLPOP", "empty", "0"});
  c.call({"BLMOVE", "empty", "dst", "LEFT", "RIGHT", "0"});
  c.call({"RPUSH", "full", "a"});
  c.call({"BRPOP", "full", "0"});
  EXPECT_EQ(c.call({"EXEC"}), R"([nil, nil, 1, ["full", "a"]])");
}

}  // namespace
}  // namespace arbor::test
