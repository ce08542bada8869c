// Set member commands through the harness: SADD, SREM, SMEMBERS, SISMEMBER,
// SMISMEMBER, SCARD, SMOVE and their errors, RESP2/RESP3 shapes, encodings
// seen through OBJECT ENCODING, and the generic commands on a set (TYPE, COPY,
// RENAME, OBJECT ENCODING, SCAN TYPE, EXPIRE, DEL). Replies are redis 7.0.15's.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "tests/unit/commands/harness.h"

namespace arbor {
namespace {

using testing::CommandHarness;
using testing::err;
using testing::kOk;

const std::string kWrongType = err("WRONGTYPE Operation against a key holding the wrong kind of value");

class Sets : public ::testing::Test {
 protected:
  Sets() { h.pin_clock(1'700'000'000'000); }
  std::string run(std::initializer_list<std::string_view> args) { return h.text(args); }
  // The members of an array/set reply, sorted: Redis leaves the order open.
  std::vector<std::string> sorted(std::initializer_list<std::string_view> args) {
    std::vector<std::string> out;
    for (const auto& e : h.run(args).elements) out.push_back(e.str);
    std::sort(out.begin(), out.end());
    return out;
  }
  using Strings = std::vector<std::string>;
  CommandHarness h;
};

TEST_F(Sets, AddRemoveAndCount) {
  EXPECT_EQ(run({"SADD", "s", "a", "b", "a", "c"}), "3");
  EXPECT_EQ(run({"SADD", "s", "a", "d"}), "1");
  EXPECT_EQ(run({"SCARD", "s"}), "4");
  EXPECT_EQ(run({"SCARD", "nokey"}), "0");
  EXPECT_EQ(sorted({"SMEMBERS", "s"}), (Strings{"a", "b", "c", "d"}));
  EXPECT_EQ(run({"SMEMBERS", "nokey"}), "[]");
  EXPECT_EQ(run({"SISMEMBER", "s", "a"}), "1");
  EXPECT_EQ(run({"SISMEMBER", "s", "z"}), "0");
  EXPECT_EQ(run({"SISMEMBER", "nokey", "a"}), "0");
  EXPECT_EQ(run({"SMISMEMBER", "s", "a", "z", "d"}), "[1, 0, 1]");
  EXPECT_EQ(run({"SMISMEMBER", "nokey", "a", "b"}), "[0, 0]");
  EXPECT_EQ(run({"SREM", "s", "a", "z", "a"}), "1");
  EXPECT_EQ(run({"SREM", "nokey", "a"}), "0");
  EXPECT_EQ(run({"SREM", "s", "b", "c", "d"}), "3");
  EXPECT_EQ(run({"EXISTS", "s"}), "0");  // the empty set is deleted
}

TEST_F(Sets, BinaryAndEmptyMembers) {
  EXPECT_EQ(h.run({"SADD", "s", std::string("a\0b", 3), ""}).to_string(), "2");
  EXPECT_EQ(h.run({"SISMEMBER", "s", std::string("a\0b", 3)}).to_string(), "1");
  EXPECT_EQ(run({"SISMEMBER", "s", "a"}), "0");
  EXPECT_EQ(run({"SISMEMBER", "s", ""}), "1");
}

TEST_F(Sets, IntsetIsSortedAndResp3IsASet) {
  EXPECT_EQ(run({"SADD", "s", "3", "-1", "2"}), "3");
  EXPECT_EQ(run({"SMEMBERS", "s"}), "[\"-1\", \"2\", \"3\"]");
  h.set_resp(3);
  EXPECT_EQ(h.raw({"SMEMBERS", "s"}), "~3\r\n$2\r\n-1\r\n$1\r\n2\r\n$1\r\n3\r\n");
  EXPECT_EQ(h.raw({"SMEMBERS", "nokey"}), "~0\r\n");
  EXPECT_EQ(h.raw({"SMISMEMBER", "s", "2"}), "*1\r\n:1\r\n");
}

TEST_F(Sets, Encodings) {
  EXPECT_EQ(run({"SADD", "s", "1", "2"}), "2");
  EXPECT_EQ(run({"OBJECT", "ENCODING", "s"}), "\"intset\"");
  run({"SADD", "s", "100000", "-9223372036854775808"});  // 4- then 8-byte ints
  EXPECT_EQ(run({"OBJECT", "ENCODING", "s"}), "\"intset\"");
  EXPECT_EQ(run({"SISMEMBER", "s", "-9223372036854775808"}), "1");
  run({"SADD", "s", "x"});
  EXPECT_EQ(run({"OBJECT", "ENCODING", "s"}), "\"listpack\"");  // Redis 7.2's step; 7.0 says hashtable
  run({"SREM", "s", "x"});
  EXPECT_EQ(run({"OBJECT", "ENCODING", "s"}), "\"listpack\"");  // one way
  EXPECT_EQ(run({"SISMEMBER", "s", "100000"}), "1");
  // 512 integers stay an intset; the 513th converts.
  for (int i = 0; i < 512; ++i) h.run({"SADD", "big", std::to_string(i)});
  EXPECT_EQ(run({"OBJECT", "ENCODING", "big"}), "\"intset\"");
  EXPECT_EQ(run({"SADD", "big", "511"}), "0");
  EXPECT_EQ(run({"OBJECT", "ENCODING", "big"}), "\"intset\"");
  EXPECT_EQ(run({"SADD", "big", "512"}), "1");
  EXPECT_EQ(run({"OBJECT", "ENCODING", "big"}), "\"hashtable\"");
  EXPECT_EQ(run({"SCARD", "big"}), "513");
  EXPECT_EQ(run({"SISMEMBER", "big", "0"}), "1");
  // Integers Redis would not store as such ("01", "+1") are strings.
  run({"SADD", "t", "01"});
  EXPECT_EQ(run({"OBJECT", "ENCODING", "t"}), "\"listpack\"");
  EXPECT_EQ(run({"SISMEMBER", "t", "1"}), "0");
  // Past 128 members, or with a member over 64 bytes: a hashtable.
  std::vector<std::string> words = {"SADD", "w"};
  for (int i = 0; i < 128; ++i) words.push_back("w" + std::to_string(i));
  h.run(words);
  EXPECT_EQ(run({"OBJECT", "ENCODING", "w"}), "\"listpack\"");
  run({"SADD", "w", "w128"});
  EXPECT_EQ(run({"OBJECT", "ENCODING", "w"}), "\"hashtable\"");
  run({"SADD", "long", "a", std::string(65, 'x')});
  EXPECT_EQ(run({"OBJECT", "ENCODING", "long"}), "\"hashtable\"");
}

TEST_F(Sets, Move) {
  run({"SADD", "src", "a", "b"});
  run({"SADD", "dst", "c"});
  EXPECT_EQ(run({"SMOVE", "src", "dst", "a"}), "1");
  EXPECT_EQ(sorted({"SMEMBERS", "dst"}), (Strings{"a", "c"}));
  EXPECT_EQ(run({"SMOVE", "src", "dst", "zz"}), "0");
  EXPECT_EQ(run({"SMOVE", "src", "dst", "c"}), "0");  // not in the source
  EXPECT_EQ(run({"SMOVE", "src", "new", "b"}), "1");   // creates the destination
  EXPECT_EQ(run({"EXISTS", "src"}), "0");              // source emptied: deleted
  EXPECT_EQ(run({"SMEMBERS", "new"}), "[\"b\"]");
  EXPECT_EQ(run({"SMOVE", "nokey", "dst", "a"}), "0");
  // Same key: a no-op that still says whether the member is there.
  EXPECT_EQ(run({"SMOVE", "dst", "dst", "a"}), "1");
  EXPECT_EQ(run({"SMOVE", "dst", "dst", "zz"}), "0");
  EXPECT_EQ(run({"SCARD", "dst"}), "2");
  // Moving an existing member into a set that has it: removed from source only.
  run({"SADD", "x", "c", "q"});
  EXPECT_EQ(run({"SMOVE", "x", "dst", "c"}), "1");
  EXPECT_EQ(run({"SMEMBERS", "x"}), "[\"q\"]");
  EXPECT_EQ(run({"SCARD", "dst"}), "2");
  // Integer member moving into an intset keeps it an intset.
  run({"SADD", "i1", "1", "2"});
  run({"SADD", "i2", "3"});
  EXPECT_EQ(run({"SMOVE", "i1", "i2", "1"}), "1");
  EXPECT_EQ(run({"OBJECT", "ENCODING", "i2"}), "\"intset\"");
  EXPECT_EQ(run({"SMEMBERS", "i2"}), "[\"1\", \"3\"]");
}

TEST_F(Sets, WrongTypeEverywhere) {
  run({"SET", "str", "v"});
  run({"SADD", "s", "a"});
  for (const auto& cmd :
       {run({"SADD", "str", "a"}), run({"SREM", "str", "a"}), run({"SMEMBERS", "str"}),
        run({"SISMEMBER", "str", "a"}), run({"SMISMEMBER", "str", "a"}), run({"SCARD", "str"}),
        run({"SMOVE", "str", "s", "a"}), run({"SMOVE", "s", "str", "a"}), run({"SPOP", "str"}),
        run({"SPOP", "str", "1"}), run({"SRANDMEMBER", "str"}), run({"SRANDMEMBER", "str", "1"}),
        run({"SSCAN", "str", "0"}), run({"SINTER", "s", "str"}), run({"SUNION", "s", "str"}),
        run({"SDIFF", "s", "str"}), run({"SINTERCARD", "2", "s", "str"}), run({"SINTERSTORE", "d", "s", "str"}),
        run({"SUNIONSTORE", "d", "s", "str"}), run({"SDIFFSTORE", "d", "s", "str"}), run({"GET", "s"}),
        run({"LPUSH", "s", "x"}), run({"HSET", "s", "f", "v"})})
    EXPECT_EQ(cmd, kWrongType);
  // A missing source answers 0 before the destination's type is looked at.
  EXPECT_EQ(run({"SMOVE", "nokey", "str", "a"}), "0");
  EXPECT_EQ(run({"SMEMBERS", "s"}), "[\"a\"]");
  EXPECT_EQ(run({"EXISTS", "d"}), "0");
}

TEST_F(Sets, Arity) {
  const std::string wrong = "ERR wrong number of arguments for '";
  EXPECT_EQ(run({"SADD", "s"}), err(wrong + "sadd' command"));
  EXPECT_EQ(run({"SREM", "s"}), err(wrong + "srem' command"));
  EXPECT_EQ(run({"SMEMBERS"}), err(wrong + "smembers' command"));
  EXPECT_EQ(run({"SISMEMBER", "s"}), err(wrong + "sismember' command"));
  EXPECT_EQ(run({"SMISMEMBER", "s"}), err(wrong + "smismember' command"));
  EXPECT_EQ(run({"SCARD", "s", "x"}), err(wrong + "scard' command"));
  EXPECT_EQ(run({"SMOVE", "a", "b"}), err(wrong + "smove' command"));
  EXPECT_EQ(run({"SINTER"}), err(wrong + "sinter' command"));
  EXPECT_EQ(run({"SINTERSTORE", "d"}), err(wrong + "sinterstore' command"));
  EXPECT_EQ(run({"SINTERCARD", "1"}), err(wrong + "sintercard' command"));
  EXPECT_EQ(run({"SSCAN", "s"}), err(wrong + "sscan' command"));
}

TEST_F(Sets, GenericCommands) {
  run({"SADD", "s", "1", "2", "3"});
  run({"SADD", "hs", "a", "b"});
  EXPECT_EQ(run({"TYPE", "s"}), "\"set\"");
  EXPECT_EQ(run({"TYPE", "hs"}), "\"set\"");
  // COPY is deep: changing the copy leaves the original.
  EXPECT_EQ(run({"COPY", "s", "c"}), "1");
  EXPECT_EQ(run({"COPY", "hs", "hc"}), "1");
  EXPECT_EQ(run({"OBJECT", "ENCODING", "c"}), "\"intset\"");
  EXPECT_EQ(run({"OBJECT", "ENCODING", "hc"}), "\"listpack\"");
  run({"SREM", "c", "1"});
  run({"SADD", "hc", "z"});
  EXPECT_EQ(run({"SCARD", "s"}), "3");
  EXPECT_EQ(run({"SCARD", "c"}), "2");
  EXPECT_EQ(run({"SCARD", "hs"}), "2");
  EXPECT_EQ(run({"SCARD", "hc"}), "3");
  EXPECT_EQ(run({"RENAME", "s", "r"}), kOk);
  EXPECT_EQ(run({"SMEMBERS", "r"}), "[\"1\", \"2\", \"3\"]");
  EXPECT_EQ(run({"EXISTS", "s"}), "0");
  run({"SET", "str", "v"});
  auto scan = h.run({"SCAN", "0", "TYPE", "set", "COUNT", "100"});
  std::vector<std::string> keys;
  for (const auto& e : scan.elements[1].elements) keys.push_back(e.str);
  std::sort(keys.begin(), keys.end());
  EXPECT_EQ(keys, (Strings{"c", "hc", "hs", "r"}));
  EXPECT_EQ(run({"EXPIRE", "r", "100"}), "1");
  EXPECT_EQ(run({"TTL", "r"}), "100");
  run({"SADD", "r", "4"});
  EXPECT_EQ(run({"TTL", "r"}), "100");  // changing members keeps the TTL
  EXPECT_EQ(run({"DEL", "r", "hc"}), "2");
  EXPECT_EQ(run({"TYPE", "r"}), "\"none\"");
}

}  // namespace
}  // namespace arbor
