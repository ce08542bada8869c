// Resource limits against a real arbor-server: client-query-buffer-limit,
// maxclients, idle timeout, proto-max-bulk-len, and peers that stop reading
// or vanish mid-pipeline without hurting other clients.
#include <gtest/gtest.h>

#include <string>

#include "tests/integration/replication_helpers.h"
#include "tests/integration/server_fixture.h"

namespace arbor::test {
namespace {

constexpr milliseconds kWait(5000);

TEST(QueryBufferLimit, ClientPassingTheLimitIsClosedAndOthersAreServed) {
  ServerProcess server({"--client-query-buffer-limit", "1mb"});
  Client observer(server.port());
  ASSERT_TRUE(observer.connected());
  ASSERT_EQ(info_int(observer, "stats", "client_query_buffer_limit_disconnections"), 0);
  const int64_t memory_before = info_int(observer, "memory", "used_memory");
  ASSERT_GT(memory_before, 0);

  RawConnection greedy(server.port());
  ASSERT_TRUE(greedy.connected());
  // A 2 MB bulk that never completes: the buffer passes 1 MB first.
  const size_t bulk = 2 * 1024 * 1024;
  std::string request = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$" + std::to_string(bulk) + "\r\n";
  request += std::string(bulk - 1, 'x');
  greedy.send(request);  // may fail half-way: the server hangs up on us
  bool closed = false;
  EXPECT_EQ(greedy.read_until_close(kWait, &closed), "");  // Redis closes without a reply
  EXPECT_TRUE(closed);

  EXPECT_TRUE(is_status(observer.cmd({"PING"}), "PONG"));
  EXPECT_EQ(info_int(observer, "stats", "client_query_buffer_limit_disconnections"), 1);
  EXPECT_TRUE(is_int(observer.cmd({"EXISTS", "k"}), 0));
  // The greedy client's buffer is released with it.
  int64_t memory_after = 0;
  EXPECT_TRUE(eventually([&] {
    memory_after = info_int(observer, "memory", "used_memory");
    return memory_after < memory_before + 512 * 1024;
  })) << "used_memory before "
      << memory_before << ", after " << memory_after;
}

TEST(QueryBufferLimit, BulkJustBelowTheLimitIsAccepted) {
  ServerProcess server({"--client-query-buffer-limit", "1mb"});
  Client c(server.port());
  const std::string value(1024 * 1024 - 64, 'v');
  EXPECT_TRUE(is_status(c.cmd({"SET", "k", value}), "OK"));
  EXPECT_TRUE(is_int(c.cmd({"STRLEN", "k"}), static_cast<int64_t>(value.size())));
}

TEST(MaxClients, ConnectionAboveMaxclientsGetsErrorAndIsClosed) {
  ServerProcess server({"--maxclients", "3"});
  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < 3; ++i) {
    // The start-up probe's connection may still be counted for a moment:
    // retry until this one is admitted.
    ASSERT_TRUE(eventually([&] {
      auto c = std::make_unique<Client>(server.port());
      if (!is_status(c->cmd({"PING"}), "PONG")) return false;
      clients.push_back(std::move(c));
      return true;
    })) << "client "
        << i << " was not admitted";
  }
  RawConnection fourth(server.port());
  ASSERT_TRUE(fourth.connected());  // the kernel accepts; the server refuses
  bool closed = false;
  EXPECT_EQ(fourth.read_until_close(kWait, &closed), "-ERR max number of clients reached\r\n");
  EXPECT_TRUE(closed);

  // The admitted clients are unaffected; INFO counts the refusal.
  EXPECT_TRUE(is_status(clients[0]->cmd({"PING"}), "PONG"));
  EXPECT_GE(info_int(*clients[1], "stats", "rejected_connections"), 1);
  EXPECT_EQ(info_int(*clients[2], "clients", "maxclients"), 3);

  // A freed slot admits a new client.
  clients.pop_back();
  EXPECT_TRUE(eventually([&] {
    Client c(server.port());
    return is_status(c.cmd({"PING"}), "PONG");
  }));
}

TEST(Timeout, IdleClientIsDisconnectedActiveClientIsNot) {
  ServerProcess server({"--timeout", "1"});
  RawConnection idle(server.port());
  ASSERT_TRUE(idle.connected());
  ASSERT_TRUE(idle.send("PING\r\n"));
  ASSERT_EQ(idle.read_bytes(7, kWait), "+PONG\r\n");
  Client active(server.port());
  ASSERT_TRUE(active.connected());

  // The active client pings every 100 ms (eventually's poll interval) until
  // the idle one has been dropped and at least 2.5 s have passed.
  const auto start = Clock::now();
  int pings = 0;
  bool active_ok = true;
  bool idle_closed = false;
  eventually(
      [&] {
        active_ok = is_status(active.cmd({"PING"}), "PONG");
        ++pings;
        idle_closed = idle_closed || idle.wait_closed(milliseconds(0));
        return !active_ok || (idle_closed && Clock::now() - start > milliseconds(2500));
      },
      milliseconds(8000), milliseconds(100));
  ASSERT_TRUE(active_ok) << "active client dropped after " << pings << " pings";
  EXPECT_TRUE(idle_closed) << "idle client still connected after 8 s with timeout 1";
  EXPECT_EQ(idle.pending(), "");  // closed without a reply, as Redis does
  EXPECT_TRUE(is_status(active.cmd({"PING"}), "PONG"));
}

TEST(Timeout, ZeroDisablesIdleDisconnection) {
  ServerProcess server({"--timeout", "0"});
  RawConnection idle(server.port());
  ASSERT_TRUE(idle.send("PING\r\n"));
  ASSERT_EQ(idle.read_bytes(7, kWait), "+PONG\r\n");
  // Two cron seconds pass without the client being dropped.
  EXPECT_FALSE(idle.wait_closed(milliseconds(2200)));
  ASSERT_TRUE(idle.send("PING\r\n"));
  EXPECT_EQ(idle.read_bytes(7, kWait), "+PONG\r\n");
}

TEST(ProtoMaxBulkLen, BulkAboveTheLimitIsAProtocolError) {
  ServerProcess server({"--proto-max-bulk-len", "1mb"});
  RawConnection conn(server.port());
  conn.send("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1048577\r\n");
  bool closed = false;
  EXPECT_EQ(conn.read_until_close(kWait, &closed), "-ERR Protocol error: invalid bulk length\r\n");
  EXPECT_TRUE(closed);
}

TEST(ProtoMaxBulkLen, BulkAtTheLimitIsAccepted) {
  ServerProcess server({"--proto-max-bulk-len", "1mb"});
  Client c(server.port());
  const std::string value(1024 * 1024, 'v');
  EXPECT_TRUE(is_status(c.cmd({"SET", "k", value}), "OK"));
  EXPECT_TRUE(is_int(c.cmd({"STRLEN", "k"}), 1024 * 1024));
  EXPECT_EQ(describe(c.cmd({"CONFIG", "GET", "proto-max-bulk-len"})), R"(["proto-max-bulk-len", "1048576"])");
}

TEST(ProtoMaxBulkLen, StringsCannotGrowPastTheLimit) {
  ServerProcess server({"--proto-max-bulk-len", "1mb"});
  Client c(server.port());
  const char* kTooLong = "ERR string exceeds maximum allowed size (proto-max-bulk-len)";
  EXPECT_TRUE(is_error(c.cmd({"SETRANGE", "k", "1048576", "x"}), kTooLong));
  EXPECT_TRUE(is_int(c.cmd({"SETRANGE", "k", "1048575", "x"}), 1048576));
  EXPECT_TRUE(is_error(c.cmd({"APPEND", "k", "y"}), kTooLong));
  EXPECT_TRUE(is_int(c.cmd({"STRLEN", "k"}), 1048576));
}

TEST(SlowPeers, ClientThatNeverReadsThenVanishesDoesNotHurtOthers) {
  ServerProcess server;
  Client other(server.port());
  ASSERT_TRUE(is_status(other.cmd({"SET", "big", std::string(64 * 1024, 'b')}), "OK"));
  {
    // 1000 GETs of 64 KB (64 MB of replies) that are never read. The 30 KB
    // of requests fit in the socket buffers, so the send itself completes.
    RawConnection hog(server.port());
    std::string pipeline;
    for (int i = 0; i < 1000; ++i) pipeline += encode_command({"GET", "big"});
    ASSERT_TRUE(hog.send(pipeline, milliseconds(10000)));
    // While the hog's replies are stuck in the socket, others are served, and
    // the hog holds at most one batch slice (1 MB, plus the reply that
    // crossed it) of the 64 MB it asked for.
    for (int i = 0; i < 50; ++i) ASSERT_TRUE(is_status(other.cmd({"PING"}), "PONG"));
    EXPECT_TRUE(eventually([&] { return info_int(other, "clients", "connected_clients") == 2; }));
    const Reply list = other.cmd({"CLIENT", "LIST"});
    ASSERT_EQ(list.type, ReplyType::kBulk);
    const size_t at = list.str.find("cmd=get");
    ASSERT_NE(at, std::string::npos) << list.str;
    const size_t line = list.str.rfind('\n', at) == std::string::npos ? 0 : list.str.rfind('\n', at) + 1;
    const size_t omem_at = list.str.find(" omem=", line);
    ASSERT_LT(omem_at, at);
    EXPECT_LE(std::stoll(list.str.substr(omem_at + 6)), 2 * 1024 * 1024) << list.str;
  }  // the hog disconnects with unread data (a reset)
  EXPECT_TRUE(eventually([&] { return info_int(other, "clients", "connected_clients") == 1; }))
      << "the vanished client was never cleaned up";
  EXPECT_TRUE(is_int(other.cmd({"STRLEN", "big"}), 64 * 1024));
  // Its memory goes too: a fresh client still works and the server is alive.
  Client fresh(server.port());
  EXPECT_TRUE(is_status(fresh.cmd({"PING"}), "PONG"));
}

TEST(SlowPeers, ClientVanishingMidCommandDoesNotHurtOthers) {
  ServerProcess server;
  for (int i = 0; i < 20; ++i) {
    RawConnection conn(server.port());
    // Half a command, then gone.
    conn.send("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$100000\r\n" + std::string(5000, 'z'));
  }
  Client c(server.port());
  EXPECT_TRUE(eventually([&] { return info_int(c, "clients", "connected_clients") == 1; }));
  EXPECT_TRUE(is_int(c.cmd({"EXISTS", "k"}), 0));
}

// issue 11: a primary under an address-space limit gets 1 MB SETs until
// allocations fail. Each write is applied on every node or on none: the
// client gets -OOM (never silence), the replica converges to the same
// digest with its link up, and the primary keeps serving.
TEST(OutOfMemory, AWriteThatCannotBeAllocatedIsRefusedEverywhere) {
  if (server_uses_asan())
    GTEST_SKIP() << "AddressSanitizer reserves more address space than any limit the test could set";
  ServerProcess primary(ServerProcess::DeferStart{});
  ServerProcess::Options options;
  options.wrapper = {"/usr/bin/prlimit", "--as=" + std::to_string(300LL << 20)};
  options.args = {"--save", ""};
  ASSERT_TRUE(primary.start(options));
  ServerProcess replica({"--save", "", "--replicaof", "127.0.0.1 " + std::to_string(primary.port())});
  Client p(primary.port()), r(replica.port());
  const std::string value(1 << 20, 'x');
  int refused_at = -1;
  for (int i = 0; i < 1000 && refused_at < 0; ++i) {
    const Reply reply = p.cmd({"SET", "big:" + std::to_string(i), value});
    if (is_status(reply, "OK")) continue;
    ASSERT_EQ(reply.type, ReplyType::kError) << describe(reply);
    EXPECT_EQ(reply.str.rfind("OOM out of memory", 0), 0u) << reply.str;
    refused_at = i;
  }
  ASSERT_GE(refused_at, 20) << "the limit was never reached, or too soon";
  Client again(primary.port());  // (the refused client may have been closed)
  EXPECT_TRUE(is_status(again.cmd({"PING"}), "PONG"));
  EXPECT_GE(info_int(again, "stats", "allocation_failures"), 1);
  EXPECT_TRUE(is_int(again.cmd({"DBSIZE"}), refused_at));  // the refused key is not there
  // Memory given back (at the limit, a replica that fell behind may not get
  // its resync yet), writes succeed again, and the replica has exactly the
  // primary's data: the refused write reached neither.
  for (int i = 0; i < 20; ++i) again.cmd({"DEL", "big:" + std::to_string(i)});
  EXPECT_TRUE(is_status(again.cmd({"SET", "small", "v"}), "OK"));
  ASSERT_TRUE(converged(again, {&r}));
  EXPECT_TRUE(is_int(r.cmd({"DBSIZE"}), refused_at - 20 + 1));
  EXPECT_EQ(r.cmd({"GET", "big:" + std::to_string(refused_at)}).type, ReplyType::kNull);
}

}  // namespace
}  // namespace arbor::test
