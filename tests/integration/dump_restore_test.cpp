// DUMP and RESTORE against redis-server 7.0 in the same run: a payload of
// every type made by either server restores in the other to the same value;
// the options and errors answer as Redis; a restored key with a relative TTL
// reaches a replica with the same absolute expiry.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "tests/integration/differential_support.h"
#include "tests/integration/replication_helpers.h"
#include "tests/integration/server_fixture.h"

namespace arbor::test {
namespace {

using Command = std::vector<std::string>;

// Every type, small and large encodings.
void fill(Client& c) {
  std::vector<Command> writes = {
      {"SET", "s", "hello"}, {"SET", "n", "12345"}, {"SET", "big", std::string(100, 'x')},
      {"SADD", "si", "1", "2", "3"}, {"SADD", "ss", "a", "b"}, {"HSET", "h", "f", "v", "g", "w"},
      {"ZADD", "z", "1.5", "a", "-2", "b"}, {"XADD", "x", "1-1", "f", "v"}, {"XADD", "x", "2-1", "g", "w"},
      {"PFADD", "hll", "a", "b"}, {"SETBIT", "bits", "100", "1"}, {"RPUSH", "l", "0", "1", "2"},
  };
  for (int i = 0; i < 300; ++i) {
    const std::string n = std::to_string(i);
    writes.push_back({"RPUSH", "bl", n + std::string(10, 'v')});
    writes.push_back({"SADD", "bs", "m" + n});
    writes.push_back({"ZADD", "bz", n, "m" + n});
    if (i < 10) writes.push_back({"HSET", "bh", "f" + n, std::string(80, 'v')});
  }
  for (const auto& w : writes) c.append(w);
  for (size_t i = 0; i < writes.size(); ++i) ASSERT_NE(c.read_reply().type, ReplyType::kError);
}

// The value in a canonical form (sets and hashes sorted).
std::string view(Client& c, const std::string& key) {
  const std::string type = c.cmd({"TYPE", key}).str;
  Reply r = type == "string" ? c.cmd({"GET", key})
            : type == "list" ? c.cmd({"LRANGE", key, "0", "-1"})
            : type == "set"  ? c.cmd({"SMEMBERS", key})
            : type == "hash" ? c.cmd({"HGETALL", key})
            : type == "zset" ? c.cmd({"ZRANGE", key, "0", "-1", "WITHSCORES"})
                             : c.cmd({"XRANGE", key, "-", "+"});
  std::vector<std::string> parts;
  for (const Reply& e : r.elements) parts.push_back(describe(e));
  if (type == "set") std::sort(parts.begin(), parts.end());
  if (type == "hash") {
    std::vector<std::string> pairs;
    for (size_t i = 0; i + 1 < parts.size(); i += 2) pairs.push_back(parts[i] + "=" + parts[i + 1]);
    std::sort(pairs.begin(), pairs.end());
    parts = pairs;
  }
  std::string out = type + ":" + describe(r).substr(0, r.elements.empty() ? std::string::npos : 0);
  for (const auto& p : parts) out += p + ",";
  return out;
}

TEST(DumpRestore, PayloadsOfEveryTypeMoveBothWaysBetweenArborAndRedis) {
  ServerProcess arbor;
  RedisProcess redis;
  ASSERT_TRUE(redis.ok());
  Client ours(arbor.port()), theirs(redis.port());
  fill(ours);
  fill(theirs);
  const char* const kKeys[] = {"s", "n", "big", "l", "bl", "si", "ss", "bs", "h", "bh", "z", "bz", "x", "hll", "bits"};
  for (auto [from, to, direction] : {std::tuple{&theirs, &ours, "redis to arbor"}, {&ours, &theirs, "arbor to redis"}}) {
    for (const char* key : kKeys) {
      const Reply payload = from->cmd({"DUMP", key});
      ASSERT_EQ(payload.type, ReplyType::kBulk) << direction << " " << key;
      const Reply restored = to->cmd({"RESTORE", std::string(key) + ":copy", "0", payload.str, "REPLACE"});
      ASSERT_TRUE(is_status(restored, "OK")) << direction << " " << key << ": " << describe(restored);
      EXPECT_EQ(view(*to, std::string(key) + ":copy"), view(*from, key)) << direction << " " << key;
    }
  }
}

// A stream with consumer groups (pending entries, several consumers, an
// empty group, a claimed and an acknowledged entry) goes from Redis to arbor
// and back with every group detail Redis reports in XINFO STREAM FULL.
TEST(DumpRestore, StreamConsumerGroupsMoveBothWays) {
  ServerProcess arbor;
  RedisProcess redis;
  ASSERT_TRUE(redis.ok());
  Client a(arbor.port()), r(redis.port());
  for (int i = 1; i < 30; ++i)
    r.cmd({"XADD", "s", std::to_string(i) + "-1", "f", std::to_string(i), "g", std::string(static_cast<size_t>(i), 'x')});
  const std::vector<Command> setup = {
      {"XGROUP", "CREATE", "s", "g1", "0"}, {"XGROUP", "CREATE", "s", "g2", "$"},
      {"XGROUP", "CREATE", "s", "empty", "5-1"},
      {"XREADGROUP", "GROUP", "g1", "alice", "COUNT", "5", "STREAMS", "s", ">"},
      {"XREADGROUP", "GROUP", "g1", "bob", "COUNT", "3", "STREAMS", "s", ">"},
      {"XREADGROUP", "GROUP", "g1", "carol", "COUNT", "2", "NOACK", "STREAMS", "s", ">"},
      {"XCLAIM", "s", "g1", "bob", "0", "2-1"}, {"XACK", "s", "g1", "1-1"}, {"XDEL", "s", "20-1"},
      {"XGROUP", "CREATECONSUMER", "s", "g2", "dave"},
  };
  for (const Command& cmd : setup) ASSERT_NE(r.cmd(cmd).type, ReplyType::kError) << printable(cmd);
  const std::string full = describe(r.cmd({"XINFO", "STREAM", "s", "FULL"}));
  const Reply payload = r.cmd({"DUMP", "s"});
  ASSERT_TRUE(is_status(a.cmd({"RESTORE", "s", "0", payload.str}), "OK"));
  const Reply back = a.cmd({"DUMP", "s"});
  ASSERT_EQ(back.type, ReplyType::kBulk);
  ASSERT_TRUE(is_status(r.cmd({"RESTORE", "s2", "0", back.str}), "OK"));
  EXPECT_EQ(describe(r.cmd({"XINFO", "STREAM", "s2", "FULL"})), full);
  // COPY keeps the groups too.
  ASSERT_TRUE(is_int(a.cmd({"COPY", "s", "s3"}), 1));
  ASSERT_TRUE(is_status(r.cmd({"RESTORE", "s3", "0", a.cmd({"DUMP", "s3"}).str}), "OK"));
  EXPECT_EQ(describe(r.cmd({"XINFO", "STREAM", "s3", "FULL"})), full);
}

TEST(DumpRestore, OptionsAndErrorsAnswerAsRedis) {
  ServerProcess arbor;
  RedisProcess redis;
  ASSERT_TRUE(redis.ok());
  Client ours(arbor.port()), theirs(redis.port());
  for (Client* c : {&ours, &theirs}) ASSERT_TRUE(is_status(c->cmd({"SET", "s", "hello"}), "OK"));
  const std::string payload = theirs.cmd({"DUMP", "s"}).str;
  ASSERT_EQ(ours.cmd({"DUMP", "s"}).str, payload);  // a short string: the same bytes
  std::string damaged = payload;
  damaged.back() = static_cast<char>(damaged.back() ^ 1);
  std::string future = payload;
  future[future.size() - 10] = 99;  // an RDB version from the future
  const std::string empty_list = std::string("\x0e\x00\x0a\x00", 4) + std::string(8, '\0');  // unchecked CRC
  const std::vector<Command> script = {
      {"DUMP", "nokey"}, {"RESTORE", "s", "0", payload}, {"RESTORE", "new", "-1", payload},
      {"RESTORE", "new", "x", payload}, {"RESTORE", "new", "0", "garbage"}, {"RESTORE", "new", "0", damaged},
      {"RESTORE", "new", "0", future}, {"RESTORE", "new", "0", empty_list},
      {"RESTORE", "new", "0", payload, "REPLACE", "ABSTTL", "IDLETIME", "10"}, {"GET", "new"},
      {"RESTORE", "n2", "0", payload, "IDLETIME", "-1"}, {"RESTORE", "n2", "0", payload, "FREQ", "300"},
      {"RESTORE", "n2", "0", payload, "IDLETIME", "1", "FREQ", "2"}, {"RESTORE", "n2", "0", payload, "FOO"},
      {"RESTORE", "n2", "0", payload, "IDLETIME"}, {"RESTORE", "n2", "0", payload, "FREQ", "x"},
      {"RESTORE", "s", "1", payload, "REPLACE", "ABSTTL"}, {"EXISTS", "s"},  // already expired: the old one goes
      {"RESTORE", "t", "100000000", payload}, {"TTL", "t"}, {"RESTORE", "u", "4102444800000", payload, "ABSTTL"},
      {"PEXPIRETIME", "u"}, {"RESTORE", "n3", "0", payload, "replace", "freq", "5"}, {"OBJECT", "ENCODING", "n3"},
      {"RESTORE"}, {"RESTORE", "a", "0"}, {"DUMP"}, {"DUMP", "a", "b"},
  };
  for (size_t i = 0; i < script.size(); ++i)
    EXPECT_EQ(describe(ours.cmd(script[i])), describe(theirs.cmd(script[i])))
        << "step " << i << ": " << printable(script[i]);
}

TEST(DumpRestore, ARelativeTtlReachesTheReplicaAsTheSameAbsoluteTime) {
  ServerProcess primary, replica;
  Client p(primary.port()), r(replica.port());
  ASSERT_TRUE(is_status(r.cmd({"REPLICAOF", "127.0.0.1", std::to_string(primary.port())}), "OK"));
  ASSERT_TRUE(is_int(p.cmd({"RPUSH", "l", "a", "b"}), 2));
  const std::string payload = p.cmd({"DUMP", "l"}).str;
  ASSERT_TRUE(is_status(p.cmd({"RESTORE", "copy", "500000", payload}), "OK"));
  ASSERT_TRUE(converged(p, {&r}));
  EXPECT_EQ(describe(r.cmd({"LRANGE", "copy", "0", "-1"})), R"(["a", "b"])");
  EXPECT_EQ(r.cmd({"PEXPIRETIME", "copy"}).integer, p.cmd({"PEXPIRETIME", "copy"}).integer);
}

}  // namespace
}  // namespace arbor::test
