// MIGRATE between arbor and redis-server 7.0, both directions: every type
// moves with its TTL; COPY, REPLACE, KEYS, AUTH; the errors a target sends
// and the IOERR/NOKEY replies are Redis's (compared with Redis as the
// source of the same call); the deletion reaches a replica as DEL.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/integration/differential_support.h"
#include "tests/integration/replication_helpers.h"
#include "tests/integration/server_fixture.h"

namespace arbor::test {
namespace {

using Command = std::vector<std::string>;

void fill(Client& c) {
  const std::vector<Command> writes = {
      {"SET", "s", "hello"}, {"SET", "ttl", "x", "PX", "500000"}, {"RPUSH", "l", "a", "b"},
      {"SADD", "set", "1", "2"}, {"HSET", "h", "f", "v"}, {"ZADD", "z", "1.5", "a"},
      {"XADD", "x", "1-1", "f", "v"}, {"PFADD", "hll", "a", "b"},
  };
  for (const auto& w : writes) ASSERT_NE(c.cmd(w).type, ReplyType::kError) << printable(w);
}

const std::vector<std::string> kKeys = {"s", "ttl", "l", "set", "h", "z", "x", "hll"};

template <typename Process>
std::string port_of(Process& p) {
  return std::to_string(p.port());
}

// Moves every key from `from` to `to` (db 2), one MIGRATE each, and checks
// the values arrived and left.
void move_all(Client& from, Client& to, const std::string& to_port) {
  for (size_t i = 0; i < kKeys.size(); ++i) {
    EXPECT_TRUE(is_status(from.cmd({"MIGRATE", "127.0.0.1", to_port, kKeys[i], "2", "5000"}), "OK")) << kKeys[i];
    EXPECT_TRUE(is_int(from.cmd({"EXISTS", kKeys[i]}), 0)) << kKeys[i];
  }
  to.cmd({"SELECT", "2"});
  for (const std::string& key : kKeys) EXPECT_TRUE(is_int(to.cmd({"EXISTS", key}), 1)) << key;
  const Reply ttl = to.cmd({"PTTL", "ttl"});
  EXPECT_GT(ttl.integer, 400000);
  EXPECT_TRUE(is_bulk(to.cmd({"GET", "s"}), "hello"));
  EXPECT_EQ(describe(to.cmd({"LRANGE", "l", "0", "-1"})), "[\"a\", \"b\"]");
  EXPECT_EQ(describe(to.cmd({"ZSCORE", "z", "a"})), "\"1.5\"");
  EXPECT_TRUE(is_int(to.cmd({"PFCOUNT", "hll"}), 2));
  EXPECT_TRUE(is_int(to.cmd({"XLEN", "x"}), 1));
  to.cmd({"SELECT", "0"});
}

TEST(Migrate, EveryTypeMovesFromArborToRedisAndBack) {
  ServerProcess arbor;
  RedisProcess redis;
  ASSERT_TRUE(redis.ok());
  Client a(arbor.port()), r(redis.port());
  fill(a);
  move_all(a, r, port_of(redis));
  // And back: Redis as the source, arbor as the target.
  r.cmd({"SELECT", "2"});
  for (const std::string& key : kKeys)
    EXPECT_TRUE(is_status(r.cmd({"MIGRATE", "127.0.0.1", port_of(arbor), key, "0", "5000"}), "OK")) << key;
  EXPECT_TRUE(is_bulk(a.cmd({"GET", "s"}), "hello"));
  EXPECT_GT(a.cmd({"PTTL", "ttl"}).integer, 400000);
  EXPECT_TRUE(is_int(a.cmd({"DBSIZE"}), static_cast<int64_t>(kKeys.size())));
}

TEST(Migrate, OptionsAndErrorsAnswerAsRedis) {
  // Each source gets a target of its own, so both see the same target state.
  ServerProcess arbor, target_a, target_r;
  RedisProcess redis;
  ASSERT_TRUE(redis.ok());
  Client a(arbor.port()), r(redis.port());
  const std::string to = "TARGET";
  const std::vector<Command> script = {
      {"SET", "k", "v"}, {"SET", "k2", "v2"},
      {"MIGRATE", "127.0.0.1", to, "k", "0", "5000", "COPY"}, {"EXISTS", "k"},
      {"MIGRATE", "127.0.0.1", to, "k", "0", "5000"}, {"EXISTS", "k"}, {"SET", "k", "again"},
      {"MIGRATE", "127.0.0.1", to, "k", "0", "5000", "REPLACE"}, {"EXISTS", "k"},
      {"MIGRATE", "127.0.0.1", to, "", "3", "5000", "COPY", "KEYS", "k2", "nokey"},
      {"MIGRATE", "127.0.0.1", to, "nokey", "0", "5000"}, {"MIGRATE", "127.0.0.1", to, "", "0", "5000", "KEYS"},
      {"MIGRATE", "127.0.0.1", to, "k2", "0", "5000", "KEYS", "k2"},
      {"MIGRATE", "127.0.0.1", to, "k2", "99", "5000"}, {"MIGRATE", "127.0.0.1", to, "k2", "0", "5000", "AUTH", "pw"},
      {"MIGRATE", "127.0.0.1", to, "k2", "0", "5000", "AUTH2", "u", "pw"},
      {"MIGRATE", "127.0.0.1", to, "k2", "0", "5000", "AUTH"}, {"MIGRATE", "127.0.0.1", to, "k2", "0", "x"},
      {"MIGRATE", "127.0.0.1", to, "k2", "y", "5000"}, {"MIGRATE", "127.0.0.1", to, "k2", "0", "5000", "BOGUS"},
      {"MIGRATE", "127.0.0.1", "1", "k2", "0", "5000"}, {"EXISTS", "k2"},
      {"COMMAND", "GETKEYS", "MIGRATE", "h", "p", "", "0", "1", "AUTH", "KEYS", "KEYS", "a", "b"},
      {"COMMAND", "GETKEYSANDFLAGS", "MIGRATE", "h", "p", "k", "0", "1"}, {"COMMAND", "INFO", "MIGRATE"},
  };
  for (const Command& cmd : script) {
    Command for_arbor = cmd, for_redis = cmd;
    if (cmd.size() > 2 && cmd[2] == to) {
      for_arbor[2] = port_of(target_a);
      for_redis[2] = port_of(target_r);
    }
    EXPECT_EQ(describe(a.cmd(for_arbor)), describe(r.cmd(for_redis))) << printable(cmd);
  }
}

TEST(Migrate, MovedKeysLeaveTheReplicaAsDel) {
  ServerProcess primary, target;
  ServerProcess replica({"--replicaof", "127.0.0.1 " + std::to_string(primary.port())});
  Client p(primary.port()), rep(replica.port());
  p.cmd({"SET", "a", "1"});
  p.cmd({"SET", "b", "2"});
  ASSERT_TRUE(converged(p, {&rep}));
  EXPECT_TRUE(is_status(p.cmd({"MIGRATE", "127.0.0.1", port_of(target), "", "0", "5000", "KEYS", "a", "b"}), "OK"));
  ASSERT_TRUE(converged(p, {&rep}));
  EXPECT_TRUE(is_int(rep.cmd({"EXISTS", "a", "b"}), 0));
  Client t(target.port());
  EXPECT_TRUE(is_int(t.cmd({"EXISTS", "a", "b"}), 2));
}

}  // namespace
}  // namespace arbor::test
