// ZRANGE in all its forms (rank, BYSCORE, BYLEX, REV, LIMIT, WITHSCORES), the
// legacy range commands, ZRANGESTORE, ZCOUNT, ZLEXCOUNT and ZREMRANGEBY*,
// with their error texts and order, in both encodings and both protocols.
// Replies are redis 7.0.15's.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/unit/commands/harness.h"

namespace arbor {
namespace {

using testing::CommandHarness;
using testing::err;
using testing::kNotInt;
using testing::kSyntax;

const std::string kWrongType = err("WRONGTYPE Operation against a key holding the wrong kind of value");
const std::string kNotFloat = err("ERR min or max is not a float");
const std::string kNotLex = err("ERR min or max not valid string range item");

class ZsetRanges : public ::testing::TestWithParam<bool> {
 protected:
  // The same data in either encoding: a long member forces the skiplist.
  ZsetRanges() {
    run({"ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"});
    if (GetParam()) {
      run({"ZADD", "z", "100", std::string(70, 'L')});
      run({"ZREM", "z", std::string(70, 'L')});
    }
    run({"ZADD", "lex", "0", "a", "0", "b", "0", "c", "0", "d", "0", "e"});
    if (GetParam()) {
      run({"ZADD", "lex", "0", std::string(70, 'z')});
      run({"ZREM", "lex", std::string(70, 'z')});
    }
  }
  std::string run(std::initializer_list<std::string_view> args) { return h.text(args); }
  std::string raw(std::initializer_list<std::string_view> args) {
    return h.raw(std::vector<std::string>(args.begin(), args.end()));
  }
  CommandHarness h;
};

INSTANTIATE_TEST_SUITE_P(Encodings, ZsetRanges, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "Skiplist" : "Listpack"; });

TEST_P(ZsetRanges, EncodingIsAsParameterised) {
  EXPECT_EQ(run({"OBJECT", "ENCODING", "z"}), GetParam() ? "\"skiplist\"" : "\"listpack\"");
}

TEST_P(ZsetRanges, ByRank) {
  EXPECT_EQ(run({"ZRANGE", "z", "0", "-1"}), R"(["a", "b", "c", "d", "e"])");
  EXPECT_EQ(run({"ZRANGE", "z", "1", "2", "WITHSCORES"}), R"(["b", "2", "c", "3"])");
  EXPECT_EQ(run({"ZRANGE", "z", "-2", "100"}), R"(["d", "e"])");
  EXPECT_EQ(run({"ZRANGE", "z", "-100", "0"}), R"(["a"])");
  EXPECT_EQ(run({"ZRANGE", "z", "3", "1"}), "[]");
  EXPECT_EQ(run({"ZRANGE", "z", "5", "10"}), "[]");
  EXPECT_EQ(run({"ZRANGE", "z", "0", "1", "REV"}), R"(["e", "d"])");
  EXPECT_EQ(run({"ZREVRANGE", "z", "0", "1", "WITHSCORES"}), R"(["e", "5", "d", "4"])");
  EXPECT_EQ(run({"ZREVRANGE", "z", "-1", "-1"}), R"(["a"])");
  EXPECT_EQ(run({"ZRANGE", "nokey", "0", "-1"}), "[]");
}

TEST_P(ZsetRanges, ByScore) {
  EXPECT_EQ(run({"ZRANGE", "z", "2", "4", "BYSCORE"}), R"(["b", "c", "d"])");
  EXPECT_EQ(run({"ZRANGE", "z", "(2", "(4", "BYSCORE"}), R"(["c"])");
  EXPECT_EQ(run({"ZRANGE", "z", "-inf", "+inf", "BYSCORE", "LIMIT", "1", "2"}), R"(["b", "c"])");
  EXPECT_EQ(run({"ZRANGE", "z", "4", "2", "BYSCORE", "REV", "WITHSCORES"}), R"(["d", "4", "c", "3", "b", "2"])");
  EXPECT_EQ(run({"ZRANGEBYSCORE", "z", "3", "inf", "LIMIT", "0", "-1"}), R"(["c", "d", "e"])");
  EXPECT_EQ(run({"ZRANGEBYSCORE", "z", "3", "inf", "LIMIT", "-1", "2"}), "[]");
  EXPECT_EQ(run({"ZRANGEBYSCORE", "z", "3", "inf", "LIMIT", "5", "2"}), "[]");
  EXPECT_EQ(run({"ZRANGEBYSCORE", "z", "3", "inf", "LIMIT", "1", "0"}), "[]");
  EXPECT_EQ(run({"ZREVRANGEBYSCORE", "z", "+inf", "(3", "LIMIT", "1", "5"}), R"(["d"])");
  EXPECT_EQ(run({"ZRANGEBYSCORE", "z", "4", "2"}), "[]");
  EXPECT_EQ(run({"ZRANGEBYSCORE", "z", "(3", "3"}), "[]");
  EXPECT_EQ(run({"ZRANGEBYSCORE", "z", "(", "2"}), R"(["a", "b"])");  // "(" is exclusive 0, as strtod
  EXPECT_EQ(run({"ZRANGEBYSCORE", "z", "6", "7"}), "[]");
  EXPECT_EQ(run({"ZCOUNT", "z", "(1", "4"}), "3");
  EXPECT_EQ(run({"ZCOUNT", "z", "-inf", "+inf"}), "5");
  EXPECT_EQ(run({"ZCOUNT", "z", "3", "2"}), "0");
  EXPECT_EQ(run({"ZCOUNT", "nokey", "0", "1"}), "0");
}

TEST_P(ZsetRanges, ByLex) {
  EXPECT_EQ(run({"ZRANGE", "lex", "[b", "(d", "BYLEX"}), R"(["b", "c"])");
  EXPECT_EQ(run({"ZRANGE", "lex", "-", "+", "BYLEX", "LIMIT", "1", "2"}), R"(["b", "c"])");
  EXPECT_EQ(run({"ZRANGE", "lex", "[d", "(a", "BYLEX", "REV"}), R"(["d", "c", "b"])");
  EXPECT_EQ(run({"ZRANGEBYLEX", "lex", "(a", "[c"}), R"(["b", "c"])");
  EXPECT_EQ(run({"ZREVRANGEBYLEX", "lex", "[c", "(a"}), R"(["c", "b"])");
  EXPECT_EQ(run({"ZREVRANGEBYLEX", "lex", "(a", "[c"}), "[]");
  EXPECT_EQ(run({"ZRANGEBYLEX", "lex", "+", "-"}), "[]");
  EXPECT_EQ(run({"ZRANGEBYLEX", "lex", "[z", "+"}), "[]");
  EXPECT_EQ(run({"ZLEXCOUNT", "lex", "-", "+"}), "5");
  EXPECT_EQ(run({"ZLEXCOUNT", "lex", "(a", "[c"}), "2");
  EXPECT_EQ(run({"ZLEXCOUNT", "lex", "[c", "[c"}), "1");
  EXPECT_EQ(run({"ZLEXCOUNT", "lex", "(c", "[c"}), "0");
  EXPECT_EQ(run({"ZLEXCOUNT", "nokey", "-", "+"}), "0");
}

TEST_P(ZsetRanges, Resp3PairsWithScores) {
  h.set_resp(3);
  EXPECT_EQ(raw({"ZRANGE", "z", "0", "1", "WITHSCORES"}), "*2\r\n*2\r\n$1\r\na\r\n,1\r\n*2\r\n$1\r\nb\r\n,2\r\n");
  EXPECT_EQ(raw({"ZRANGEBYSCORE", "z", "5", "5", "WITHSCORES"}), "*1\r\n*2\r\n$1\r\ne\r\n,5\r\n");
  EXPECT_EQ(raw({"ZRANGE", "z", "0", "0"}), "*1\r\n$1\r\na\r\n");
  EXPECT_EQ(raw({"ZRANGEBYSCORE", "z", "9", "10", "WITHSCORES"}), "*0\r\n");
}

TEST_P(ZsetRanges, Errors) {
  EXPECT_EQ(run({"ZRANGE", "z", "0"}), err("ERR wrong number of arguments for 'zrange' command"));
  EXPECT_EQ(run({"ZRANGE", "z", "0", "1", "2"}), kSyntax);
  EXPECT_EQ(run({"ZRANGE", "z", "a", "1"}), kNotInt);
  EXPECT_EQ(run({"ZRANGE", "z", "a", "b", "BYSCORE"}), kNotFloat);
  EXPECT_EQ(run({"ZRANGE", "z", "((1", "2", "BYSCORE"}), kNotFloat);
  EXPECT_EQ(run({"ZRANGE", "z", "nan", "2", "BYSCORE"}), kNotFloat);
  EXPECT_EQ(run({"ZRANGE", "z", "a", "b", "BYLEX"}), kNotLex);
  EXPECT_EQ(run({"ZRANGE", "z", "++", "+", "BYLEX"}), kNotLex);
  EXPECT_EQ(run({"ZRANGE", "z", "0", "-1", "LIMIT", "0", "1"}),
            err("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX"));
  EXPECT_EQ(run({"ZRANGE", "z", "0", "-1", "LIMIT", "5", "-1"}), R"(["a", "b", "c", "d", "e"])");
  EXPECT_EQ(run({"ZREVRANGE", "z", "0", "-1", "LIMIT", "0", "1"}),
            err("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX"));
  EXPECT_EQ(run({"ZRANGE", "z", "-", "+", "BYLEX", "WITHSCORES"}),
            err("ERR syntax error, WITHSCORES not supported in combination with BYLEX"));
  EXPECT_EQ(run({"ZRANGEBYLEX", "z", "-", "+", "WITHSCORES"}),
            err("ERR syntax error, WITHSCORES not supported in combination with BYLEX"));
  EXPECT_EQ(run({"ZRANGE", "z", "0", "1", "BYSCORE", "BYLEX"}), kSyntax);
  EXPECT_EQ(run({"ZRANGE", "z", "0", "1", "REV", "REV"}), kSyntax);
  EXPECT_EQ(run({"ZRANGEBYSCORE", "z", "0", "1", "REV"}), kSyntax);
  EXPECT_EQ(run({"ZRANGEBYSCORE", "z", "0", "1", "BYSCORE"}), kSyntax);
  EXPECT_EQ(run({"ZRANGEBYSCORE", "z", "0", "1", "LIMIT"}), kSyntax);
  EXPECT_EQ(run({"ZRANGEBYSCORE", "z", "0", "1", "LIMIT", "a", "1"}), kNotInt);
  EXPECT_EQ(run({"ZRANGESTORE", "d", "z", "0", "-1", "WITHSCORES"}), kSyntax);
  EXPECT_EQ(run({"ZCOUNT", "z", "a", "b"}), kNotFloat);
  EXPECT_EQ(run({"ZLEXCOUNT", "z", "a", "b"}), kNotLex);
  EXPECT_EQ(run({"ZREMRANGEBYRANK", "z", "a", "1"}), kNotInt);
  EXPECT_EQ(run({"ZREMRANGEBYSCORE", "z", "a", "b"}), kNotFloat);
  EXPECT_EQ(run({"ZREMRANGEBYLEX", "z", "a", "b"}), kNotLex);
  run({"SET", "s", "x"});
  EXPECT_EQ(run({"ZRANGE", "s", "a", "b"}), kNotInt);  // the range is parsed before the key
  EXPECT_EQ(run({"ZRANGE", "s", "0", "1"}), kWrongType);
  EXPECT_EQ(run({"ZCOUNT", "s", "0", "1"}), kWrongType);
  EXPECT_EQ(run({"ZRANGESTORE", "d", "s", "0", "1"}), kWrongType);
}

TEST_P(ZsetRanges, RangeStore) {
  EXPECT_EQ(run({"ZRANGESTORE", "d", "z", "1", "3"}), "3");
  EXPECT_EQ(run({"ZRANGE", "d", "0", "-1", "WITHSCORES"}), R"(["b", "2", "c", "3", "d", "4"])");
  EXPECT_EQ(run({"OBJECT", "ENCODING", "d"}), "\"listpack\"");
  EXPECT_EQ(run({"ZRANGESTORE", "d", "z", "(1", "3", "BYSCORE", "LIMIT", "1", "1"}), "1");
  EXPECT_EQ(run({"ZRANGE", "d", "0", "-1"}), R"(["c"])");
  EXPECT_EQ(run({"ZRANGESTORE", "d", "lex", "[e", "[d", "BYLEX", "REV"}), "2");
  EXPECT_EQ(run({"ZRANGE", "d", "0", "-1"}), R"(["d", "e"])");
  run({"SET", "str", "x"});
  EXPECT_EQ(run({"ZRANGESTORE", "str", "z", "0", "0"}), "1");  // the destination is replaced
  EXPECT_EQ(run({"TYPE", "str"}), "\"zset\"");
  EXPECT_EQ(run({"ZRANGESTORE", "str", "z", "5", "10"}), "0");  // an empty result deletes it
  EXPECT_EQ(run({"EXISTS", "str"}), "0");
  EXPECT_EQ(run({"ZRANGESTORE", "d", "nokey", "0", "-1"}), "0");
  EXPECT_EQ(run({"EXISTS", "d"}), "0");
  EXPECT_EQ(run({"ZRANGESTORE", "z", "z", "0", "1"}), "2");  // source and destination alike
  EXPECT_EQ(run({"ZRANGE", "z", "0", "-1"}), R"(["a", "b"])");
}

TEST_P(ZsetRanges, RemoveRanges) {
  EXPECT_EQ(run({"ZREMRANGEBYRANK", "z", "5", "1"}), "0");
  EXPECT_EQ(run({"ZREMRANGEBYRANK", "z", "-2", "-1"}), "2");
  EXPECT_EQ(run({"ZRANGE", "z", "0", "-1"}), R"(["a", "b", "c"])");
  EXPECT_EQ(run({"ZREMRANGEBYSCORE", "z", "(1", "2"}), "1");
  EXPECT_EQ(run({"ZREMRANGEBYSCORE", "z", "10", "20"}), "0");
  EXPECT_EQ(run({"ZRANGE", "z", "0", "-1"}), R"(["a", "c"])");
  EXPECT_EQ(run({"ZREMRANGEBYLEX", "lex", "(a", "[c"}), "2");
  EXPECT_EQ(run({"ZRANGE", "lex", "0", "-1"}), R"(["a", "d", "e"])");
  EXPECT_EQ(run({"ZREMRANGEBYLEX", "lex", "-", "+"}), "3");
  EXPECT_EQ(run({"EXISTS", "lex"}), "0");
  EXPECT_EQ(run({"ZREMRANGEBYRANK", "z", "0", "-1"}), "2");
  EXPECT_EQ(run({"EXISTS", "z"}), "0");
  EXPECT_EQ(run({"ZREMRANGEBYRANK", "nokey", "0", "-1"}), "0");
}

// Lex ranges over unequal scores are unspecified; Redis's listpack searches
// from either end, which is mirrored (checked against redis-server 7.0.15).
TEST(ZsetLexUnequalScores, ListpackSearchesFromTheEnds) {
  CommandHarness h;
  h.run({"ZADD", "u", "3", "a", "1", "b", "2", "c"});
  EXPECT_EQ(h.text({"ZRANGEBYLEX", "u", "[a", "[b"}), R"(["b"])");
  EXPECT_EQ(h.text({"ZREVRANGEBYLEX", "u", "[b", "-"}), R"(["a", "c", "b"])");
  EXPECT_EQ(h.text({"ZLEXCOUNT", "u", "[a", "[b"}), "1");
}

}  // namespace
}  // namespace arbor
