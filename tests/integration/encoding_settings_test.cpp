// The encoding settings (hash-/zset-max-listpack-*, their -ziplist- aliases,
// set-max-intset-entries, list-max-listpack-size, stream-node-max-*) against
// redis-server 7.0 in the same run: CONFIG SET and GET with Redis's
// validation, and the conversions and stream trimming they drive.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/integration/differential_support.h"
#include "tests/integration/server_fixture.h"

namespace arbor::test {
namespace {

using Command = std::vector<std::string>;

std::vector<Command> script() {
  std::vector<Command> s = {
      {"CONFIG", "GET", "hash-max-listpack-entries"}, {"CONFIG", "GET", "hash-max-ziplist-value"},
      {"CONFIG", "GET", "zset-max-ziplist-entries"}, {"CONFIG", "GET", "list-max-ziplist-size"},
      {"CONFIG", "GET", "stream-node-max-bytes"}, {"CONFIG", "GET", "stream-node-max-entries"},
      {"CONFIG", "GET", "set-max-intset-entries"},
      {"CONFIG", "GET", "list-compress-depth"},
      {"CONFIG", "SET", "hash-max-ziplist-entries", "2"}, {"HSET", "h", "a", "1", "b", "2"},
      {"OBJECT", "ENCODING", "h"}, {"HSET", "h", "c", "3"}, {"OBJECT", "ENCODING", "h"},
      {"CONFIG", "SET", "hash-max-listpack-value", "3"}, {"HSET", "h2", "abcd", "1"}, {"OBJECT", "ENCODING", "h2"},
      {"CONFIG", "SET", "hash-max-listpack-value", "1kb"}, {"CONFIG", "GET", "hash-max-listpack-value"},
      {"CONFIG", "SET", "zset-max-listpack-entries", "1"}, {"ZADD", "z", "1", "a"}, {"OBJECT", "ENCODING", "z"},
      {"ZADD", "z", "2", "b"}, {"OBJECT", "ENCODING", "z"}, {"CONFIG", "SET", "zset-max-ziplist-value", "2"},
      {"ZADD", "z2", "1", "abc"}, {"OBJECT", "ENCODING", "z2"}, {"CONFIG", "SET", "set-max-intset-entries", "2"},
      {"SADD", "s", "1", "2"}, {"OBJECT", "ENCODING", "s"}, {"SADD", "s", "3"}, {"OBJECT", "ENCODING", "s"},
      {"CONFIG", "SET", "list-max-listpack-size", "x"}, {"CONFIG", "SET", "list-max-listpack-size", "-3000000000"},
      {"CONFIG", "SET", "list-max-listpack-size", "5"}, {"CONFIG", "GET", "list-max-ziplist-size"},
      {"CONFIG", "SET", "stream-node-max-entries", "-1"}, {"CONFIG", "SET", "stream-node-max-bytes", "x"},
      {"CONFIG", "SET", "stream-node-max-entries", "10"},
  };
  for (int i = 1; i <= 95; ++i) s.push_back({"XADD", "st", std::to_string(i) + "-1", "f", "v"});
  s.push_back({"XTRIM", "st", "MAXLEN", "~", "30"});
  s.push_back({"XLEN", "st"});
  s.push_back({"XADD", "st", "MAXLEN", "~", "5", "200-1", "f", "v"});
  s.push_back({"XLEN", "st"});
  s.push_back({"CONFIG", "SET", "hash-max-listpack-entries", "-1"});
  s.push_back({"CONFIG", "SET", "zset-max-listpack-value", "x"});
  return s;
}

TEST(EncodingSettings, ActAndValidateAsRedis) {
  ServerProcess arbor;
  RedisProcess redis;
  ASSERT_TRUE(redis.ok());
  Client ours(arbor.port()), theirs(redis.port());
  for (const Command& cmd : script()) EXPECT_EQ(describe(ours.cmd(cmd)), describe(theirs.cmd(cmd))) << printable(cmd);
}

}  // namespace
}  // namespace arbor::test
