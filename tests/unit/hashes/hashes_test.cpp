// Hash commands through the in-process harness: every field command and its
// errors, both encodings and the conversion, RESP2/RESP3 shapes, counters,
// and the generic commands on a hash (TYPE, COPY, RENAME, OBJECT ENCODING,
// SCAN TYPE, EXPIRE, DEL). Expected replies are redis-server 7.0.15's.
#include <gtest/gtest.h>
#include <malloc.h>

#include <cstdio>
#include <string>
#include <vector>

#include "tests/unit/commands/harness.h"

namespace arbor {
namespace {

using testing::CommandHarness;
using testing::err;
using testing::kNotInt;
using testing::kOk;

const std::string kWrongType = err("WRONGTYPE Operation against a key holding the wrong kind of value");

class Hashes : public ::testing::Test {
 protected:
  Hashes() { h.pin_clock(1'700'000'000'000); }
  std::string run(std::initializer_list<std::string_view> args) { return h.text(args); }
  CommandHarness h;
};

TEST_F(Hashes, SetGetAndCounts) {
  EXPECT_EQ(run({"HSET", "h", "a", "1", "b", "2"}), "2");
  EXPECT_EQ(run({"HSET", "h", "a", "10", "c", "3"}), "1");
  EXPECT_EQ(run({"HGET", "h", "a"}), "\"10\"");
  EXPECT_EQ(run({"HGET", "h", "zz"}), "nil");
  EXPECT_EQ(run({"HGET", "nokey", "a"}), "nil");
  EXPECT_EQ(run({"HLEN", "h"}), "3");
  EXPECT_EQ(run({"HLEN", "nokey"}), "0");
  EXPECT_EQ(run({"HMSET", "h", "d", "4"}), kOk);
  EXPECT_EQ(run({"HMGET", "h", "a", "zz", "d"}), "[\"10\", nil, \"4\"]");
  EXPECT_EQ(run({"HMGET", "nokey", "a", "b"}), "[nil, nil]");
  EXPECT_EQ(run({"HEXISTS", "h", "a"}), "1");
  EXPECT_EQ(run({"HEXISTS", "h", "zz"}), "0");
  EXPECT_EQ(run({"HEXISTS", "nokey", "a"}), "0");
  EXPECT_EQ(run({"HSTRLEN", "h", "a"}), "2");
  EXPECT_EQ(run({"HSTRLEN", "h", "zz"}), "0");
  EXPECT_EQ(run({"HSTRLEN", "nokey", "zz"}), "0");
}

TEST_F(Hashes, SetArityErrors) {
  EXPECT_EQ(run({"HSET", "h", "a"}), err("ERR wrong number of arguments for 'hset' command"));
  EXPECT_EQ(run({"HSET", "h", "a", "b", "c"}), err("ERR wrong number of arguments for 'hset' command"));
  EXPECT_EQ(run({"HMSET", "h", "a", "b", "c"}), err("ERR wrong number of arguments for 'hmset' command"));
  EXPECT_EQ(run({"HGET", "h"}), err("ERR wrong number of arguments for 'hget' command"));
  EXPECT_EQ(run({"HDEL", "h"}), err("ERR wrong number of arguments for 'hdel' command"));
  EXPECT_EQ(run({"EXISTS", "h"}), "0");  // nothing was created
}

TEST_F(Hashes, SetNx) {
  EXPECT_EQ(run({"HSETNX", "h", "a", "1"}), "1");
  EXPECT_EQ(run({"HSETNX", "h", "a", "2"}), "0");
  EXPECT_EQ(run({"HGET", "h", "a"}), "\"1\"");
  EXPECT_EQ(run({"HSETNX", "h", "b", "2"}), "1");
  EXPECT_EQ(run({"HLEN", "h"}), "2");
}

TEST_F(Hashes, DelRemovesEmptyKey) {
  run({"HSET", "h", "a", "1", "b", "2", "c", "3"});
  EXPECT_EQ(run({"HDEL", "h", "a", "zz", "a"}), "1");
  EXPECT_EQ(run({"HDEL", "nokey", "a"}), "0");
  EXPECT_EQ(run({"HDEL", "h", "b", "c"}), "2");
  EXPECT_EQ(run({"EXISTS", "h"}), "0");
}

TEST_F(Hashes, GetAllKeysValsResp2AndResp3) {
  run({"HSET", "h", "a", "1", "b", "2"});
  EXPECT_EQ(run({"HGETALL", "h"}), "[\"a\", \"1\", \"b\", \"2\"]");
  EXPECT_EQ(run({"HKEYS", "h"}), "[\"a\", \"b\"]");
  EXPECT_EQ(run({"HVALS", "h"}), "[\"1\", \"2\"]");
  EXPECT_EQ(run({"HGETALL", "nokey"}), "[]");
  EXPECT_EQ(run({"HKEYS", "nokey"}), "[]");
  h.set_resp(3);
  EXPECT_EQ(h.raw({"HGETALL", "h"}), "%2\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n");
  EXPECT_EQ(h.raw({"HGETALL", "nokey"}), "%0\r\n");
  EXPECT_EQ(h.raw({"HKEYS", "h"}), "*2\r\n$1\r\na\r\n$1\r\nb\r\n");
  EXPECT_EQ(h.raw({"HGET", "h", "zz"}), "_\r\n");
  EXPECT_EQ(h.raw({"HMGET", "nokey", "a", "b"}), "*2\r\n_\r\n_\r\n");
  h.set_resp(2);
  EXPECT_EQ(h.raw({"HGET", "h", "zz"}), "$-1\r\n");
}

TEST_F(Hashes, OrderKeptOnUpdate) {
  run({"HSET", "h", "a", "1", "b", "2", "c", "3"});
  run({"HSET", "h", "b", "a much longer value"});
  run({"HSET", "h", "a", ""});
  EXPECT_EQ(run({"HGETALL", "h"}), "[\"a\", \"\", \"b\", \"a much longer value\", \"c\", \"3\"]");
}

TEST_F(Hashes, WrongType) {
  run({"SET", "s", "x"});
  for (auto cmd :
       {h.text({"HSET", "s", "a", "1"}), h.text({"HSETNX", "s", "a", "1"}), h.text({"HMSET", "s", "a", "1"}),
        h.text({"HGET", "s", "a"}), h.text({"HMGET", "s", "a"}), h.text({"HDEL", "s", "a"}),
        h.text({"HLEN", "s"}), h.text({"HEXISTS", "s", "a"}), h.text({"HGETALL", "s"}),
        h.text({"HKEYS", "s"}), h.text({"HVALS", "s"}), h.text({"HINCRBY", "s", "a", "1"}),
        h.text({"HINCRBYFLOAT", "s", "a", "1"}), h.text({"HSTRLEN", "s", "a"}), h.text({"HRANDFIELD", "s"}),
        h.text({"HRANDFIELD", "s", "2"}), h.text({"HSCAN", "s", "0"})})
    EXPECT_EQ(cmd, kWrongType);
  run({"HSET", "h", "a", "1"});
  EXPECT_EQ(run({"GET", "h"}), kWrongType);
  EXPECT_EQ(run({"LPUSH", "h", "x"}), kWrongType);
  EXPECT_EQ(run({"APPEND", "h", "x"}), kWrongType);
}

TEST_F(Hashes, IncrBy) {
  EXPECT_EQ(run({"HINCRBY", "h", "n", "5"}), "5");
  EXPECT_EQ(run({"HINCRBY", "h", "n", "-7"}), "-2");
  EXPECT_EQ(run({"HGET", "h", "n"}), "\"-2\"");
  EXPECT_EQ(run({"HINCRBY", "h", "n", "1.5"}), kNotInt);
  EXPECT_EQ(run({"HINCRBY", "h", "n", "x"}), kNotInt);
  run({"HSET", "h", "s", "abc", "big", "9223372036854775807", "small", "-9223372036854775808", "sp", " 1"});
  EXPECT_EQ(run({"HINCRBY", "h", "s", "1"}), err("ERR hash value is not an integer"));
  EXPECT_EQ(run({"HINCRBY", "h", "sp", "1"}), err("ERR hash value is not an integer"));
  EXPECT_EQ(run({"HINCRBY", "h", "big", "1"}), err("ERR increment or decrement would overflow"));
  EXPECT_EQ(run({"HINCRBY", "h", "small", "-1"}), err("ERR increment or decrement would overflow"));
  EXPECT_EQ(run({"HINCRBY", "h", "big", "-1"}), "9223372036854775806");
  EXPECT_EQ(run({"HINCRBY", "h", "small", "0"}), "-9223372036854775808");
  // An error on a missing key leaves no empty hash behind.
  EXPECT_EQ(run({"HINCRBY", "nokey", "n", "x"}), kNotInt);
  EXPECT_EQ(run({"EXISTS", "nokey"}), "0");
}

TEST_F(Hashes, IncrByFloat) {
  EXPECT_EQ(run({"HINCRBYFLOAT", "h", "f", "10.5"}), "\"10.5\"");
  EXPECT_EQ(run({"HINCRBYFLOAT", "h", "f", "0.1"}), "\"10.6\"");
  EXPECT_EQ(run({"HINCRBYFLOAT", "h", "f", "-5.6"}), "\"5\"");
  EXPECT_EQ(run({"HINCRBYFLOAT", "h", "f", "1.5e0"}), "\"6.5\"");
  EXPECT_EQ(run({"HINCRBYFLOAT", "h", "f", "abc"}), err("ERR value is not a valid float"));
  EXPECT_EQ(run({"HINCRBYFLOAT", "h", "f", "inf"}), err("ERR value is NaN or Infinity"));
  run({"HSET", "h", "s", "abc", "i", "3"});
  EXPECT_EQ(run({"HINCRBYFLOAT", "h", "s", "1"}), err("ERR hash value is not a float"));
  EXPECT_EQ(run({"HINCRBYFLOAT", "h", "i", "0.25"}), "\"3.25\"");
  EXPECT_EQ(run({"HINCRBY", "h", "i", "1"}), err("ERR hash value is not an integer"));
  run({"HSET", "h", "huge", "1e4932"});
  EXPECT_EQ(run({"HINCRBYFLOAT", "h", "huge", "1e4932"}), err("ERR increment would produce NaN or Infinity"));
  EXPECT_EQ(run({"HINCRBYFLOAT", "nokey", "f", "x"}), err("ERR value is not a valid float"));
  EXPECT_EQ(run({"EXISTS", "nokey"}), "0");
}

TEST_F(Hashes, IncrByFloatLongResultConverts) {
  // "%.17Lf" of 1e300 is 301 digits: too long for the compact encoding.
  EXPECT_EQ(run({"HINCRBYFLOAT", "h", "n", "1e300"}).size(), 303u);
  EXPECT_EQ(run({"OBJECT", "ENCODING", "h"}), "\"hashtable\"");
}

TEST_F(Hashes, EncodingConversionByCount) {
  for (int i = 0; i < 512; ++i) h.run({"HSET", "h", "f" + std::to_string(i), std::to_string(i)});
  EXPECT_EQ(run({"OBJECT", "ENCODING", "h"}), "\"listpack\"");
  EXPECT_EQ(run({"HSET", "h", "f0", "updated"}), "0");
  EXPECT_EQ(run({"OBJECT", "ENCODING", "h"}), "\"listpack\"");
  EXPECT_EQ(run({"HSET", "h", "f512", "x"}), "1");
  EXPECT_EQ(run({"OBJECT", "ENCODING", "h"}), "\"hashtable\"");
  EXPECT_EQ(run({"HLEN", "h"}), "513");
  EXPECT_EQ(run({"HGET", "h", "f77"}), "\"77\"");
  for (int i = 0; i < 500; ++i) h.run({"HDEL", "h", "f" + std::to_string(i)});
  EXPECT_EQ(run({"OBJECT", "ENCODING", "h"}), "\"hashtable\"");  // never converted back
  EXPECT_EQ(run({"HLEN", "h"}), "13");
}

TEST_F(Hashes, EncodingConversionByLength) {
  h.run({"HSET", "h", "f", std::string(64, 'v')});
  EXPECT_EQ(run({"OBJECT", "ENCODING", "h"}), "\"listpack\"");
  h.run({"HSET", "h", "g", std::string(65, 'v')});
  EXPECT_EQ(run({"OBJECT", "ENCODING", "h"}), "\"hashtable\"");
  h.run({"HSET", "k", std::string(65, 'f'), "v"});
  EXPECT_EQ(run({"OBJECT", "ENCODING", "k"}), "\"hashtable\"");
  EXPECT_EQ(h.run({"HGET", "h", "g"}).str, std::string(65, 'v'));
}

TEST_F(Hashes, CommandsOnHashtableEncoding) {
  for (int i = 0; i < 600; ++i) h.run({"HSET", "h", "f" + std::to_string(i), std::to_string(i)});
  EXPECT_EQ(run({"OBJECT", "ENCODING", "h"}), "\"hashtable\"");
  EXPECT_EQ(run({"HSETNX", "h", "f1", "x"}), "0");
  EXPECT_EQ(run({"HINCRBY", "h", "f1", "10"}), "11");
  EXPECT_EQ(run({"HINCRBYFLOAT", "h", "f2", "0.5"}), "\"2.5\"");
  EXPECT_EQ(run({"HSTRLEN", "h", "f2"}), "3");
  EXPECT_EQ(run({"HEXISTS", "h", "f599"}), "1");
  EXPECT_EQ(h.run({"HGETALL", "h"}).elements.size(), 1200u);
  EXPECT_EQ(h.run({"HKEYS", "h"}).elements.size(), 600u);
  EXPECT_EQ(h.run({"HVALS", "h"}).elements.size(), 600u);
  for (int i = 0; i < 600; ++i) EXPECT_EQ(h.run({"HDEL", "h", "f" + std::to_string(i)}).integer, 1);
  EXPECT_EQ(run({"EXISTS", "h"}), "0");
}

TEST_F(Hashes, GenericCommandsOnHash) {
  run({"HSET", "h", "a", "1", "b", "2"});
  EXPECT_EQ(run({"TYPE", "h"}), "\"hash\"");
  EXPECT_EQ(run({"OBJECT", "ENCODING", "h"}), "\"listpack\"");
  EXPECT_EQ(run({"COPY", "h", "h2"}), "1");
  run({"HSET", "h", "a", "changed"});
  EXPECT_EQ(run({"HGETALL", "h2"}), "[\"a\", \"1\", \"b\", \"2\"]");
  EXPECT_EQ(run({"RENAME", "h2", "h3"}), kOk);
  EXPECT_EQ(run({"HGET", "h3", "b"}), "\"2\"");
  EXPECT_EQ(run({"EXISTS", "h2"}), "0");
  for (int i = 0; i < 600; ++i) h.run({"HSET", "big", "f" + std::to_string(i), "v"});
  EXPECT_EQ(run({"COPY", "big", "big2"}), "1");
  EXPECT_EQ(run({"OBJECT", "ENCODING", "big2"}), "\"hashtable\"");
  EXPECT_EQ(run({"HLEN", "big2"}), "600");
  run({"SET", "s", "x"});
  EXPECT_EQ(run({"SCAN", "0", "TYPE", "hash", "COUNT", "100"}).find("\"s\""), std::string::npos);
  auto scan = h.run({"SCAN", "0", "TYPE", "hash", "COUNT", "100"});
  EXPECT_EQ(scan.elements[1].elements.size(), 4u);  // h, h3, big, big2
  EXPECT_EQ(run({"EXPIRE", "h", "10"}), "1");
  EXPECT_EQ(run({"TTL", "h"}), "10");
  h.pin_clock(1'700'000'011'000);
  EXPECT_EQ(run({"HGET", "h", "a"}), "nil");
  EXPECT_EQ(run({"EXISTS", "h"}), "0");
  EXPECT_EQ(run({"DEL", "h3", "big"}), "2");
}

// 100 hash keys x 10 fields through HSET, counting the keys' entries and
// buckets too: what a user of the server pays per field.
TEST_F(Hashes, MemoryPerFieldWithKeys) {
  std::vector<std::vector<std::string>> commands;
  for (int k = 0; k < 100; ++k) {
    std::vector<std::string> args{"HSET", "hash:" + std::to_string(k)};
    for (int i = 0; i < 10; ++i) {
      args.push_back("field:" + std::to_string(i));
      args.push_back("value:" + std::to_string(i));
    }
    commands.push_back(std::move(args));
  }
  // (The first HSET also creates the command's latency histogram.)
  h.run({"SET", "warm", "up"});
  h.run({"HSET", "warm:hash", "f", "v"});
  h.run({"DEL", "warm:hash"});
  const size_t before = mallinfo2().uordblks;
  for (const auto& args : commands) h.raw(args);
  const size_t used = mallinfo2().uordblks - before;
  std::printf("HSET 100 keys x 10 fields: %zu heap bytes, %.1f bytes/field with keys\n", used,
              static_cast<double>(used) / 1000.0);
  EXPECT_EQ(run({"OBJECT", "ENCODING", "hash:7"}), "\"listpack\"");
  EXPECT_LT(static_cast<double>(used) / 1000.0, 40.0);
}

}  // namespace
}  // namespace arbor
