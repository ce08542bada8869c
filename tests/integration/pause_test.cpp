// CLIENT PAUSE and UNPAUSE side by side with redis-server 7.0: the same
// replies to the same arguments, and the same holds in both servers: a
// WRITE pause holds writes but not reads, an ALL pause holds everything
// (CLIENT UNPAUSE from a paused client too) until its deadline, a second
// pause replaces the type and keeps the later deadline, replicas' streams
// are not held, and keys do not expire while paused.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/integration/server_fixture.h"

namespace arbor::test {
namespace {

// A reply that must not arrive while the pause holds: nothing for a while.
bool held(RawConnection& c) { return !c.read_reply(milliseconds(150)); }

void pause_behaves_as_redis(uint16_t port, const char* who) {
  Client admin(port);
  RawConnection other(port);
  // WRITE: reads answer, writes wait for UNPAUSE.
  ASSERT_TRUE(is_status(admin.cmd({"CLIENT", "PAUSE", "60000", "WRITE"}), "OK")) << who;
  ASSERT_TRUE(other.send(encode_command({"GET", "k"})));
  const auto read = other.read_reply();
  EXPECT_TRUE(read && read->type == ReplyType::kNull) << who;
  ASSERT_TRUE(other.send(encode_command({"SET", "k", "v"})));
  EXPECT_TRUE(held(other)) << who;
  EXPECT_TRUE(is_status(admin.cmd({"CLIENT", "UNPAUSE"}), "OK")) << who;
  const auto written = other.read_reply();
  EXPECT_TRUE(written && written->str == "OK") << who;

  // Keys do not expire while paused: read as missing, deleted afterwards.
  admin.cmd({"SET", "short", "v", "PX", "1"});
  ASSERT_TRUE(eventually([&] { return admin.cmd({"PTTL", "short"}).integer == -2; })) << who;
  const int64_t expired_before = info_int(admin, "stats", "expired_keys");
  admin.cmd({"SET", "short2", "v", "PX", "30"});
  admin.cmd({"CLIENT", "PAUSE", "60000", "WRITE"});
  ASSERT_TRUE(eventually([&] { return admin.cmd({"GET", "short2"}).type == ReplyType::kNull; })) << who;
  EXPECT_EQ(info_int(admin, "stats", "expired_keys"), expired_before) << who;
  admin.cmd({"CLIENT", "UNPAUSE"});
  admin.cmd({"GET", "short2"});
  EXPECT_TRUE(eventually([&] { return info_int(admin, "stats", "expired_keys") == expired_before + 1; })) << who;

  // ALL, replaced by a shorter ALL: everything waits for the first deadline,
  // CLIENT UNPAUSE included.
  ASSERT_TRUE(is_status(admin.cmd({"CLIENT", "PAUSE", "400", "WRITE"}), "OK")) << who;
  const auto paused_at = Clock::now();
  ASSERT_TRUE(is_status(admin.cmd({"CLIENT", "PAUSE", "10", "ALL"}), "OK")) << who;
  ASSERT_TRUE(other.send(encode_command({"CLIENT", "UNPAUSE"})));
  EXPECT_TRUE(held(other)) << who;
  const auto released = other.read_reply(milliseconds(5000));
  EXPECT_TRUE(released && released->str == "OK") << who;
  EXPECT_GE(Clock::now() - paused_at, milliseconds(350)) << who;
}

TEST(PauseAgainstRedis, RepliesAndHoldsMatchRedis) {
  RedisProcess redis;
  ASSERT_TRUE(redis.ok());
  ServerProcess arbor;
  Client r(redis.port()), a(arbor.port());
  const std::vector<std::vector<std::string>> corpus = {
      {"CLIENT", "PAUSE"},           {"CLIENT", "PAUSE", "abc"},          {"CLIENT", "PAUSE", "-1"},
      {"CLIENT", "PAUSE", "1.5"},    {"CLIENT", "PAUSE", "10", "foo"},    {"CLIENT", "PAUSE", "10", "write", "x"},
      {"CLIENT", "UNPAUSE", "x"},    {"CLIENT", "PAUSE", "0", "write"},   {"CLIENT", "UNPAUSE"},
  };
  for (const auto& command : corpus)
    EXPECT_EQ(describe(a.cmd(command)), describe(r.cmd(command))) << command.back();
  pause_behaves_as_redis(redis.port(), "redis");
  pause_behaves_as_redis(arbor.port(), "arbor");
}

}  // namespace
}  // namespace arbor::test
