// Blocking list commands against a real arbor-server: FIFO service, pushes
// from MULTI/EXEC and LMOVE, timeouts, CLIENT UNBLOCK, disconnects, the
// pipeline behind a blocked command, and 10,000 idle blocked clients.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/server_fixture.h"
#include "tests/integration/session.h"

namespace arbor::test {
namespace {

void wait_blocked(Client& c, int64_t n) {
  ASSERT_TRUE(eventually([&] { return info_int(c, "clients", "blocked_clients") == n; }))
      << "blocked_clients never reached " << n << " (is " << info_int(c, "clients", "blocked_clients") << ")";
}

TEST(Blocking, ClientsAreServedInArrivalOrder) {
  ServerProcess server;
  Client pusher(server.port());
  std::vector<std::unique_ptr<Session>> waiters;
  for (int i = 0; i < 3; ++i) {
    waiters.push_back(std::make_unique<Session>(server.port()));
    waiters.back()->send({"BLPOP", "q", "0"});
    wait_blocked(pusher, i + 1);  // one at a time, so arrival order is known
  }
  EXPECT_TRUE(is_int(pusher.cmd({"RPUSH", "q", "1", "2", "3"}), 3));
  EXPECT_EQ(waiters[0]->next(), R"(["q", "1"])");
  EXPECT_EQ(waiters[1]->next(), R"(["q", "2"])");
  EXPECT_EQ(waiters[2]->next(), R"(["q", "3"])");
  EXPECT_EQ(info_int(pusher, "clients", "blocked_clients"), 0);
  EXPECT_TRUE(is_int(pusher.cmd({"EXISTS", "q"}), 0));
}

TEST(Blocking, OnePushServesOneClientAndTheRestKeepWaiting) {
  ServerProcess server;
  Client pusher(server.port());
  Session first(server.port()), second(server.port());
  first.send({"BRPOP", "a", "b", "0"});
  wait_blocked(pusher, 1);
  second.send({"BRPOP", "b", "0"});
  wait_blocked(pusher, 2);
  EXPECT_TRUE(is_int(pusher.cmd({"LPUSH", "b", "x"}), 1));
  EXPECT_EQ(first.next(), R"(["b", "x"])");
  wait_blocked(pusher, 1);
  EXPECT_TRUE(is_int(pusher.cmd({"LPUSH", "b", "y"}), 1));
  EXPECT_EQ(second.next(), R"(["b", "y"])");
}

TEST(Blocking, PushInsideExecAndLmoveServeWaiters) {
  ServerProcess server;
  Client pusher(server.port());
  Session waiter(server.port());
  waiter.send({"BLPOP", "q", "0"});
  wait_blocked(pusher, 1);
  Session tx(server.port());
  tx.call({"MULTI"});
  tx.call({"RPUSH", "q", "a"});
  tx.call({"RPUSH", "q", "b"});
  EXPECT_EQ(tx.call({"EXEC"}), "[1, 2]");
  EXPECT_EQ(waiter.next(), R"(["q", "a"])");  // served after EXEC, from the whole result
  EXPECT_TRUE(is_int(pusher.cmd({"LLEN", "q"}), 1));

  waiter.send({"BLMOVE", "dst", "out", "LEFT", "RIGHT", "0"});
  wait_blocked(pusher, 1);
  EXPECT_TRUE(is_bulk(pusher.cmd({"LMOVE", "q", "dst", "LEFT", "LEFT"}), "b"));
  EXPECT_EQ(waiter.next(), R"("b")");
  EXPECT_EQ(describe(pusher.cmd({"LRANGE", "out", "0", "-1"})), R"(["b"])");
}

TEST(Blocking, ChainOfBlmovesForwardsTheElement) {
  ServerProcess server;
  Client pusher(server.port());
  Session mover(server.port()), taker(server.port());
  mover.send({"BLMOVE", "a", "b", "RIGHT", "LEFT", "0"});
  wait_blocked(pusher, 1);
  taker.send({"BLPOP", "b", "0"});
  wait_blocked(pusher, 2);
  EXPECT_TRUE(is_int(pusher.cmd({"RPUSH", "a", "token"}), 1));
  EXPECT_EQ(mover.next(), R"("token")");
  EXPECT_EQ(taker.next(), R"(["b", "token"])");
}

TEST(Blocking, TimeoutRepliesNullWithSubSecondPrecision) {
  ServerProcess server;
  Session waiter(server.port());
  const auto started = Clock::now();
  EXPECT_EQ(waiter.call({"BLPOP", "q", "0.2"}), "nil");
  const auto elapsed = std::chrono::duration_cast<milliseconds>(Clock::now() - started);
  EXPECT_GE(elapsed.count(), 200);  // never early
  EXPECT_EQ(waiter.call({"BLMOVE", "q", "d", "LEFT", "LEFT", "0.05"}), "nil");
  EXPECT_EQ(waiter.call({"BLMPOP", "0.05", "2", "q", "r", "LEFT"}), "nil");
  ASSERT_NE(waiter.call({"HELLO", "3"}).find("proto"), std::string::npos);
  EXPECT_EQ(waiter.call({"BLPOP", "q", "0.05"}), "nil");
  // A fraction of a millisecond rounds up (Redis's ceil), it is not 0 = forever.
  EXPECT_EQ(waiter.call({"BLPOP", "q", "0.0000001"}), "nil");
  EXPECT_EQ(waiter.call({"BLPOP", "q", "-1"}), R"((error "ERR timeout is negative"))");
  EXPECT_EQ(waiter.call({"BLPOP", "q", "abc"}), R"((error "ERR timeout is not a float or out of range"))");
}

TEST(Blocking, ClientUnblockEndsTheWaitAsTimeoutOrError) {
  ServerProcess server;
  Client admin(server.port());
  Session waiter(server.port());
  const std::string id = waiter.call({"CLIENT", "ID"});
  waiter.send({"BLPOP", "q", "0"});
  wait_blocked(admin, 1);
  EXPECT_NE(describe(admin.cmd({"CLIENT", "LIST", "ID", id})).find("flags=b"), std::string::npos);
  EXPECT_TRUE(is_int(admin.cmd({"CLIENT", "UNBLOCK", id}), 1));
  EXPECT_EQ(waiter.next(), "nil");
  waiter.send({"BLPOP", "q", "0"});
  wait_blocked(admin, 1);
  EXPECT_TRUE(is_int(admin.cmd({"CLIENT", "UNBLOCK", id, "ERROR"}), 1));
  EXPECT_EQ(waiter.next(), R"((error "UNBLOCKED client unblocked via CLIENT UNBLOCK"))");
  EXPECT_TRUE(is_int(admin.cmd({"CLIENT", "UNBLOCK", id}), 0));  // not blocked any more
  EXPECT_TRUE(is_error(admin.cmd({"CLIENT", "UNBLOCK", id, "LATER"}),
                       "ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR"));
}

TEST(Blocking, DisconnectedWaiterLeavesNoTrace) {
  ServerProcess server;
  Client pusher(server.port());
  {
    Session gone(server.port());
    gone.send({"BLPOP", "q", "0"});
    wait_blocked(pusher, 1);
  }
  wait_blocked(pusher, 0);
  EXPECT_TRUE(is_int(pusher.cmd({"RPUSH", "q", "kept"}), 1));
  EXPECT_TRUE(is_int(pusher.cmd({"LLEN", "q"}), 1));
}

TEST(Blocking, PipelineBehindABlockedCommandRunsAfterIt) {
  ServerProcess server;
  Client pusher(server.port());
  Session waiter(server.port());
  ASSERT_TRUE(waiter.raw().send(encode_command({"BLPOP", "q", "0"}) + encode_command({"SET", "after", "1"}) +
                                encode_command({"GET", "after"})));
  wait_blocked(pusher, 1);
  EXPECT_TRUE(is_int(pusher.cmd({"EXISTS", "after"}), 0));  // not run yet
  pusher.cmd({"RPUSH", "q", "v"});
  EXPECT_EQ(waiter.next(), R"(["q", "v"])");
  EXPECT_EQ(waiter.next(), R"("OK")");
  EXPECT_EQ(waiter.next(), R"("1")");
}

TEST(Blocking, WrongTypeKeysAnswerAtOnceAndOtherTypesDoNotWake) {
  ServerProcess server;
  Client pusher(server.port());
  Session waiter(server.port());
  pusher.cmd({"SET", "s", "v"});
  EXPECT_EQ(waiter.call({"BLPOP", "s", "0"}),
            R"((error "WRONGTYPE Operation against a key holding the wrong kind of value"))");
  waiter.send({"BLPOP", "q", "0"});
  wait_blocked(pusher, 1);
  // A set appearing under the key does not serve a list pop (Redis 7.0).
  pusher.cmd({"SADD", "q", "m"});
  pusher.cmd({"DEL", "q"});
  EXPECT_EQ(info_int(pusher, "clients", "blocked_clients"), 1);
  pusher.cmd({"RPUSH", "q", "x"});
  EXPECT_EQ(waiter.next(), R"(["q", "x"])");
}

TEST(Blocking, SortedSetPopsWaitForZadd) {
  ServerProcess server;
  Client pusher(server.port());
  Session min_waiter(server.port()), mpop_waiter(server.port());
  min_waiter.send({"BZPOPMIN", "z1", "z2", "0"});
  wait_blocked(pusher, 1);
  mpop_waiter.send({"BZMPOP", "0", "1", "z2", "MAX", "COUNT", "5"});
  wait_blocked(pusher, 2);
  EXPECT_TRUE(is_int(pusher.cmd({"ZADD", "z2", "1", "a", "2", "b", "3", "c"}), 3));
  EXPECT_EQ(min_waiter.next(), R"(["z2", "a", "1"])");
  EXPECT_EQ(mpop_waiter.next(), R"(["z2", [["c", "3"], ["b", "2"]]])");
  EXPECT_TRUE(is_int(pusher.cmd({"EXISTS", "z2"}), 0));
  // RESP3: the score is a double; a timeout is a null.
  ASSERT_NE(min_waiter.call({"HELLO", "3"}).find("proto"), std::string::npos);
  pusher.cmd({"ZADD", "z1", "1.5", "x"});
  EXPECT_EQ(min_waiter.call({"BZPOPMAX", "z1", "0"}), R"(["z1", "x", (double 1.5)])");
  EXPECT_EQ(min_waiter.call({"BZPOPMIN", "z1", "0.05"}), "nil");
  EXPECT_EQ(min_waiter.call({"BZMPOP", "0.05", "1", "z1", "MIN"}), "nil");
}

TEST(Blocking, XreadBlockWaitsForNewEntriesOnly) {
  ServerProcess server;
  Client producer(server.port());
  Session reader(server.port()), explicit_id(server.port());
  const Reply first = producer.cmd({"XADD", "s", "1-1", "f", "old"});
  ASSERT_TRUE(is_bulk(first, "1-1"));
  // `$` means entries newer than the stream's last id when XREAD arrived.
  reader.send({"XREAD", "BLOCK", "0", "STREAMS", "s", "other", "$", "$"});
  wait_blocked(producer, 1);
  explicit_id.send({"XREAD", "COUNT", "1", "BLOCK", "0", "STREAMS", "s", "5-0"});
  wait_blocked(producer, 2);
  EXPECT_TRUE(is_bulk(producer.cmd({"XADD", "s", "2-1", "f", "new"}), "2-1"));
  EXPECT_EQ(reader.next(), R"([["s", [["2-1", ["f", "new"]]]]])");
  // 2-1 is not after 5-0: that reader keeps waiting.
  wait_blocked(producer, 1);
  EXPECT_TRUE(is_bulk(producer.cmd({"XADD", "s", "6-1", "f", "later"}), "6-1"));
  EXPECT_EQ(explicit_id.next(), R"([["s", [["6-1", ["f", "later"]]]]])");
  // A timeout is a null; XREAD without BLOCK never waits.
  EXPECT_EQ(reader.call({"XREAD", "BLOCK", "50", "STREAMS", "s", "$"}), "nil");
  EXPECT_EQ(reader.call({"XREAD", "STREAMS", "s", "$"}), "nil");
  // A stream created by XADD serves a waiter too (RESP3: a map).
  ASSERT_NE(reader.call({"HELLO", "3"}).find("proto"), std::string::npos);
  reader.send({"XREAD", "BLOCK", "0", "STREAMS", "fresh", "$"});
  wait_blocked(producer, 1);
  EXPECT_TRUE(is_bulk(producer.cmd({"XADD", "fresh", "1-0", "a", "b"}), "1-0"));
  EXPECT_EQ(reader.next(), R"({"fresh": [["1-0", ["a", "b"]]]})");
}

// Server CPU time (user + system) in clock ticks, from /proc.
int64_t cpu_ticks(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  std::istringstream fields(text.substr(text.rfind(')') + 2));
  std::string skip;
  for (int i = 0; i < 11; ++i) fields >> skip;  // state .. cmajflt
  int64_t utime = 0, stime = 0;
  fields >> utime >> stime;
  return utime + stime;
}

TEST(Blocking, TenThousandIdleWaitersCostNoCpu) {
  constexpr int kWaiters = 10000;
  rlimit limit{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &limit), 0);
  // Each process (this one and the server) holds one end of every connection.
  constexpr rlim_t kNeeded = kWaiters + 300;
  if (limit.rlim_max < kNeeded) GTEST_SKIP() << "needs " << kNeeded << " descriptors per process";
  limit.rlim_cur = limit.rlim_max;
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &limit), 0);  // the server inherits it
  ServerProcess server({"--maxclients", std::to_string(kWaiters + 100)});
  Client pusher(server.port());
  std::vector<std::unique_ptr<RawConnection>> waiters;
  waiters.reserve(kWaiters);
  const std::string request = encode_command({"BLPOP", "q", "100"});
  for (int i = 0; i < kWaiters; ++i) {
    waiters.push_back(std::make_unique<RawConnection>(server.port()));
    ASSERT_TRUE(waiters.back()->send(request)) << i;
  }
  wait_blocked(pusher, kWaiters);
  // An idle second: with timers per waiter and no polling, the server
  // only runs its 10 Hz cron. (A measurement window, not a wait for an event.)
  const int64_t before = cpu_ticks(server.pid());
  std::this_thread::sleep_for(milliseconds(1000));
  const int64_t used = cpu_ticks(server.pid()) - before;
  EXPECT_LE(used, 5) << "server used " << used << " ticks in an idle second with " << kWaiters << " waiters";
  // And they are all still served, in order.
  EXPECT_TRUE(is_int(pusher.cmd({"RPUSH", "q", "first"}), 1));
  EXPECT_EQ(waiters[0]->read_reply()->to_string(), R"(["q", "first"])");
  waiters.clear();
  wait_blocked(pusher, 0);
}

}  // namespace
}  // namespace arbor::test
