// Sorted set member commands through the harness: ZADD (every option and
// error), ZINCRBY, ZREM, ZCARD, ZSCORE, ZMSCORE, ZRANK, ZREVRANK, ZPOPMIN,
// ZPOPMAX, ZMPOP, RESP2/RESP3 shapes, encodings seen through OBJECT ENCODING,
// and the generic commands on a zset. Replies are redis 7.0.15's.
#include <gtest/gtest.h>

#include <string>

#include "tests/unit/commands/harness.h"

namespace arbor {
namespace {

using testing::CommandHarness;
using testing::err;
using testing::kSyntax;

const std::string kWrongType = err("WRONGTYPE Operation against a key holding the wrong kind of value");

class Zsets : public ::testing::Test {
 protected:
  Zsets() { h.pin_clock(1'700'000'000'000); }
  std::string run(std::initializer_list<std::string_view> args) { return h.text(args); }
  std::string raw(std::initializer_list<std::string_view> args) {
    return h.raw(std::vector<std::string>(args.begin(), args.end()));
  }
  CommandHarness h;
};

TEST_F(Zsets, AddScoreCardRem) {
  EXPECT_EQ(run({"ZADD", "z", "1", "a", "2", "b", "1", "a"}), "2");
  EXPECT_EQ(run({"ZCARD", "z"}), "2");
  EXPECT_EQ(run({"ZCARD", "nokey"}), "0");
  EXPECT_EQ(run({"ZSCORE", "z", "b"}), "\"2\"");
  EXPECT_EQ(run({"ZSCORE", "z", "x"}), "nil");
  EXPECT_EQ(run({"ZSCORE", "nokey", "x"}), "nil");
  EXPECT_EQ(run({"ZMSCORE", "z", "a", "x", "b"}), "[\"1\", nil, \"2\"]");
  EXPECT_EQ(run({"ZMSCORE", "nokey", "a"}), "[nil]");
  EXPECT_EQ(run({"ZREM", "z", "a", "x", "a"}), "1");
  EXPECT_EQ(run({"ZREM", "nokey", "a"}), "0");
  EXPECT_EQ(run({"ZREM", "z", "b"}), "1");
  EXPECT_EQ(run({"EXISTS", "z"}), "0");  // emptied zsets are deleted
}

TEST_F(Zsets, AddOptions) {
  EXPECT_EQ(run({"ZADD", "z", "XX", "1", "a"}), "0");
  EXPECT_EQ(run({"EXISTS", "z"}), "0");  // XX never creates the key
  EXPECT_EQ(run({"ZADD", "z", "XX", "INCR", "1", "a"}), "nil");
  EXPECT_EQ(run({"ZADD", "z", "1", "a", "2", "b"}), "2");
  EXPECT_EQ(run({"ZADD", "z", "NX", "5", "a", "3", "c"}), "1");
  EXPECT_EQ(run({"ZSCORE", "z", "a"}), "\"1\"");
  EXPECT_EQ(run({"ZADD", "z", "CH", "5", "a", "2", "b", "4", "d"}), "2");
  EXPECT_EQ(run({"ZADD", "z", "GT", "CH", "1", "a", "6", "b"}), "1");
  EXPECT_EQ(run({"ZSCORE", "z", "a"}), "\"5\"");
  EXPECT_EQ(run({"ZADD", "z", "LT", "CH", "9", "a", "0", "b"}), "1");
  EXPECT_EQ(run({"ZSCORE", "z", "b"}), "\"0\"");
  EXPECT_EQ(run({"ZADD", "z", "GT", "1", "new"}), "1");  // GT/LT only gate updates
  EXPECT_EQ(run({"ZADD", "z", "INCR", "2.5", "a"}), "\"7.5\"");
  EXPECT_EQ(run({"ZADD", "z", "NX", "INCR", "1", "a"}), "nil");
  EXPECT_EQ(run({"ZADD", "z", "GT", "INCR", "-1", "a"}), "nil");
  EXPECT_EQ(run({"ZADD", "z", "LT", "INCR", "0", "a"}), "nil");
  EXPECT_EQ(run({"ZADD", "z", "XX", "INCR", "0", "a"}), "\"7.5\"");
  EXPECT_EQ(run({"ZINCRBY", "z", "-0.5", "a"}), "\"7\"");
  EXPECT_EQ(run({"ZINCRBY", "z", "3", "fresh"}), "\"3\"");
}

TEST_F(Zsets, AddErrors) {
  EXPECT_EQ(run({"ZADD", "z", "1"}), err("ERR wrong number of arguments for 'zadd' command"));
  EXPECT_EQ(run({"ZADD", "z", "1", "a", "2"}), kSyntax);
  EXPECT_EQ(run({"ZADD", "z", "NX", "XX", "1", "a"}), err("ERR XX and NX options at the same time are not compatible"));
  EXPECT_EQ(run({"ZADD", "z", "GT", "LT", "1", "a"}),
            err("ERR GT, LT, and/or NX options at the same time are not compatible"));
  EXPECT_EQ(run({"ZADD", "z", "NX", "GT", "1", "a"}),
            err("ERR GT, LT, and/or NX options at the same time are not compatible"));
  EXPECT_EQ(run({"ZADD", "z", "INCR", "1", "a", "2", "b"}),
            err("ERR INCR option supports a single increment-element pair"));
  EXPECT_EQ(run({"ZADD", "z", "abc", "a"}), err("ERR value is not a valid float"));
  EXPECT_EQ(run({"ZADD", "z", "nan", "a"}), err("ERR value is not a valid float"));
  EXPECT_EQ(run({"ZADD", "z", "1e400", "a"}), err("ERR value is not a valid float"));
  EXPECT_EQ(run({"ZADD", "z", "1", "a", "x", "b"}), err("ERR value is not a valid float"));
  EXPECT_EQ(run({"EXISTS", "z"}), "0");  // scores are checked before anything is added
  EXPECT_EQ(run({"ZADD", "z", "inf", "a"}), "1");
  EXPECT_EQ(run({"ZINCRBY", "z", "-inf", "a"}), err("ERR resulting score is not a number (NaN)"));
  EXPECT_EQ(run({"ZINCRBY", "z", "abc", "a"}), err("ERR value is not a valid float"));
  EXPECT_EQ(run({"SET", "s", "x"}), testing::kOk);
  EXPECT_EQ(run({"ZADD", "s", "1", "a"}), kWrongType);
  EXPECT_EQ(run({"ZADD", "s", "x", "a"}), err("ERR value is not a valid float"));  // scores first
  for (const char* cmd : {"ZCARD", "ZSCORE", "ZREM", "ZRANK", "ZREVRANK", "ZMSCORE", "ZPOPMIN"}) {
    const std::string text = cmd == std::string("ZCARD") || cmd == std::string("ZPOPMIN")
                                 ? h.run({cmd, "s"}).to_string()
                                 : h.run({cmd, "s", "a"}).to_string();
    EXPECT_EQ(text, kWrongType) << cmd;
  }
}

TEST_F(Zsets, ScoresPrintAsRedis) {
  EXPECT_EQ(run({"ZADD", "z", "0x10", "hex", "3.14159265358979323846", "pi", "1e-320", "tiny", "-0", "zero"}),
            "4");
  EXPECT_EQ(run({"ZADD", "z", " 5", "space"}), err("ERR value is not a valid float"));
  EXPECT_EQ(run({"ZSCORE", "z", "hex"}), "\"16\"");
  EXPECT_EQ(run({"ZSCORE", "z", "pi"}), "\"3.1415926535897931\"");
  EXPECT_EQ(run({"ZSCORE", "z", "tiny"}), "\"9.9998886718268301e-321\"");
  EXPECT_EQ(run({"ZSCORE", "z", "zero"}), "\"0\"");  // a listpack keeps -0 as 0
  EXPECT_EQ(run({"ZADD", "big", "1", std::string(65, 'a'), "-0", "c"}), "2");
  EXPECT_EQ(run({"ZSCORE", "big", "c"}), "\"-0\"");  // a skiplist does not
  EXPECT_EQ(run({"ZADD", "z", "inf", "i", "-inf", "ni"}), "2");
  EXPECT_EQ(run({"ZMSCORE", "z", "i", "ni"}), "[\"inf\", \"-inf\"]");
  h.set_resp(3);
  EXPECT_EQ(raw({"ZSCORE", "z", "pi"}), ",3.1415926535897931\r\n");
  EXPECT_EQ(raw({"ZSCORE", "z", "i"}), ",inf\r\n");
  EXPECT_EQ(raw({"ZSCORE", "z", "nope"}), "_\r\n");
  EXPECT_EQ(raw({"ZMSCORE", "z", "hex", "nope"}), "*2\r\n,16\r\n_\r\n");
  EXPECT_EQ(raw({"ZINCRBY", "z", "1", "hex"}), ",17\r\n");
}

TEST_F(Zsets, Ranks) {
  run({"ZADD", "z", "1", "a", "2", "b", "3", "c"});
  EXPECT_EQ(run({"ZRANK", "z", "a"}), "0");
  EXPECT_EQ(run({"ZRANK", "z", "c"}), "2");
  EXPECT_EQ(run({"ZREVRANK", "z", "a"}), "2");
  EXPECT_EQ(run({"ZRANK", "z", "x"}), "nil");
  EXPECT_EQ(run({"ZRANK", "nokey", "x"}), "nil");
  EXPECT_EQ(run({"ZRANK", "z", "a", "WITHSCORE"}), err("ERR wrong number of arguments for 'zrank' command"));
}

TEST_F(Zsets, Encodings) {
  std::vector<std::string> add = {"ZADD", "z"};
  for (int i = 0; i < 128; ++i) {
    add.push_back(std::to_string(i));
    add.push_back("m" + std::to_string(i));
  }
  EXPECT_EQ(h.run(add).to_string(), "128");
  EXPECT_EQ(run({"OBJECT", "ENCODING", "z"}), "\"listpack\"");
  EXPECT_EQ(run({"ZADD", "z", "1", "m1"}), "0");
  EXPECT_EQ(run({"OBJECT", "ENCODING", "z"}), "\"listpack\"");
  EXPECT_EQ(run({"ZADD", "z", "1", "m128"}), "1");
  EXPECT_EQ(run({"OBJECT", "ENCODING", "z"}), "\"skiplist\"");
  EXPECT_EQ(run({"ZREMRANGEBYRANK", "z", "0", "-3"}), "127");
  EXPECT_EQ(run({"OBJECT", "ENCODING", "z"}), "\"skiplist\"");
  EXPECT_EQ(run({"ZADD", "w", "1", std::string(64, 'x')}), "1");
  EXPECT_EQ(run({"OBJECT", "ENCODING", "w"}), "\"listpack\"");
  EXPECT_EQ(run({"ZADD", "w", "1", std::string(65, 'x')}), "1");
  EXPECT_EQ(run({"OBJECT", "ENCODING", "w"}), "\"skiplist\"");
  // Duplicates in one ZADD do not count towards the threshold.
  std::vector<std::string> dup = {"ZADD", "d"};
  for (int i = 0; i < 200; ++i) {
    dup.push_back("1");
    dup.push_back("a");
  }
  EXPECT_EQ(h.run(dup).to_string(), "1");
  EXPECT_EQ(run({"OBJECT", "ENCODING", "d"}), "\"listpack\"");
}

TEST_F(Zsets, GenericCommandsOnAZset) {
  run({"ZADD", "z", "1", "a", "2", "b"});
  EXPECT_EQ(run({"TYPE", "z"}), "\"zset\"");
  EXPECT_EQ(run({"COPY", "z", "c"}), "1");
  EXPECT_EQ(run({"ZADD", "z", "9", "a"}), "0");
  EXPECT_EQ(run({"ZSCORE", "c", "a"}), "\"1\"");  // deep copy
  EXPECT_EQ(run({"RENAME", "c", "d"}), testing::kOk);
  EXPECT_EQ(run({"ZCARD", "d"}), "2");
  EXPECT_EQ(h.run({"SCAN", "0", "TYPE", "zset"}).elements[1].elements.size(), 2u);
  EXPECT_EQ(run({"DEL", "z", "d"}), "2");
}

TEST_F(Zsets, PopMinMax) {
  run({"ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d"});
  EXPECT_EQ(run({"ZPOPMIN", "z"}), "[\"a\", \"1\"]");
  EXPECT_EQ(run({"ZPOPMAX", "z"}), "[\"d\", \"4\"]");
  EXPECT_EQ(run({"ZPOPMIN", "z", "0"}), "[]");
  EXPECT_EQ(run({"ZPOPMAX", "z", "5"}), "[\"c\", \"3\", \"b\", \"2\"]");
  EXPECT_EQ(run({"EXISTS", "z"}), "0");
  EXPECT_EQ(run({"ZPOPMIN", "nokey"}), "[]");
  EXPECT_EQ(run({"ZPOPMIN", "nokey", "2"}), "[]");
  EXPECT_EQ(run({"ZPOPMIN", "z", "-1"}), err("ERR value is out of range, must be positive"));
  EXPECT_EQ(run({"ZPOPMIN", "z", "a"}), err("ERR value is out of range, must be positive"));
  EXPECT_EQ(run({"ZPOPMIN", "z", "1", "2"}), kSyntax);
  h.set_resp(3);
  run({"ZADD", "z", "1", "a", "2", "b", "3", "c"});
  EXPECT_EQ(raw({"ZPOPMIN", "z"}), "*2\r\n$1\r\na\r\n,1\r\n");
  EXPECT_EQ(raw({"ZPOPMIN", "z", "1"}), "*1\r\n*2\r\n$1\r\nb\r\n,2\r\n");
  EXPECT_EQ(raw({"ZPOPMAX", "z", "3"}), "*1\r\n*2\r\n$1\r\nc\r\n,3\r\n");
}

TEST_F(Zsets, Mpop) {
  run({"ZADD", "z", "1", "a", "2", "b", "3", "c"});
  EXPECT_EQ(run({"ZMPOP", "1", "z", "MAX"}), "[\"z\", [[\"c\", \"3\"]]]");
  EXPECT_EQ(run({"ZMPOP", "2", "nokey", "z", "MIN", "COUNT", "5"}), "[\"z\", [[\"a\", \"1\"], [\"b\", \"2\"]]]");
  EXPECT_EQ(run({"EXISTS", "z"}), "0");
  EXPECT_EQ(raw({"ZMPOP", "1", "nokey", "MIN"}), "*-1\r\n");
  EXPECT_EQ(run({"ZMPOP", "0", "z", "MIN"}), err("ERR numkeys should be greater than 0"));
  EXPECT_EQ(run({"ZMPOP", "2", "z", "MIN"}), kSyntax);
  EXPECT_EQ(run({"ZMPOP", "1", "z", "FOO"}), kSyntax);
  EXPECT_EQ(run({"ZMPOP", "1", "z", "MIN", "COUNT", "0"}), err("ERR count should be greater than 0"));
  EXPECT_EQ(run({"ZMPOP", "1", "z", "MIN", "COUNT", "1", "COUNT", "1"}), kSyntax);
  EXPECT_EQ(run({"ZMPOP", "1", "z", "MIN", "FOO", "1"}), kSyntax);
  EXPECT_EQ(run({"SET", "s", "x"}), testing::kOk);
  EXPECT_EQ(run({"ZMPOP", "2", "nokey", "s", "MIN"}), kWrongType);
  h.set_resp(3);
  run({"ZADD", "z", "1", "a"});
  EXPECT_EQ(raw({"ZMPOP", "1", "z", "MIN"}), "*2\r\n$1\r\nz\r\n*1\r\n*2\r\n$1\r\na\r\n,1\r\n");
  EXPECT_EQ(raw({"ZMPOP", "1", "z", "MIN"}), "_\r\n");
}

}  // namespace
}  // namespace arbor
