// ZUNION, ZINTER, ZDIFF, their *STORE forms and ZINTERCARD: weights,
// aggregates (NaN sums become 0), plain sets as sources, the summing order
// (smallest input first), errors and their order, RESP3 shapes. Replies are
// redis 7.0.15's.
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

class ZsetAlgebra : public ::testing::Test {
 protected:
  ZsetAlgebra() {
    run({"ZADD", "x", "0.1", "a"});
    run({"ZADD", "y", "0.2", "a", "1", "b"});
    run({"ZADD", "w", "0.3", "a", "1", "b", "1", "c"});
    run({"SADD", "s", "a", "b", "c"});
  }
  std::string run(std::initializer_list<std::string_view> args) { return h.text(args); }
  std::string raw(std::initializer_list<std::string_view> args) {
    return h.raw(std::vector<std::string>(args.begin(), args.end()));
  }
  CommandHarness h;
};

TEST_F(ZsetAlgebra, UnionSumsSmallestInputFirst) {
  // (0.1 + 0.2) + 0.3 whatever order the keys are named in, as Redis.
  const std::string want = R"(["a", "0.60000000000000009", "c", "1", "b", "2"])";
  EXPECT_EQ(run({"ZUNION", "3", "w", "y", "x", "WITHSCORES"}), want);
  EXPECT_EQ(run({"ZUNION", "3", "x", "y", "w", "WITHSCORES"}), want);
  EXPECT_EQ(run({"ZUNION", "2", "w", "nokey"}), R"(["a", "b", "c"])");
  EXPECT_EQ(run({"ZUNION", "2", "w", "w", "WEIGHTS", "1", "2", "WEIGHTS", "3", "4", "WITHSCORES"}),
            R"(["a", "2.0999999999999996", "b", "7", "c", "7"])");
  EXPECT_EQ(run({"ZUNION", "1", "w", "AGGREGATE", "MIN", "AGGREGATE", "MAX", "WITHSCORES"}),
            R"(["a", "0.29999999999999999", "b", "1", "c", "1"])");
}

TEST_F(ZsetAlgebra, InterWithSetsWeightsAndAggregates) {
  EXPECT_EQ(run({"ZINTER", "3", "w", "y", "x", "WITHSCORES"}), R"(["a", "0.60000000000000009"])");
  EXPECT_EQ(run({"ZINTER", "2", "w", "s", "WEIGHTS", "2", "3", "WITHSCORES"}),
            R"(["a", "3.6000000000000001", "b", "5", "c", "5"])");
  EXPECT_EQ(run({"ZINTER", "2", "w", "y", "AGGREGATE", "MAX", "WITHSCORES"}), R"(["a", "0.29999999999999999", "b", "1"])");
  EXPECT_EQ(run({"ZINTER", "2", "w", "nokey"}), "[]");
  run({"ZADD", "i", "1", "a"});
  run({"ZADD", "j", "-1", "a"});
  EXPECT_EQ(run({"ZUNION", "2", "i", "j", "WEIGHTS", "inf", "inf", "WITHSCORES"}), R"(["a", "0"])");
  EXPECT_EQ(run({"ZINTER", "2", "i", "j", "WEIGHTS", "inf", "inf", "AGGREGATE", "MAX", "WITHSCORES"}),
            R"(["a", "inf"])");
  EXPECT_EQ(run({"ZINTER", "2", "w", "w", "WITHSCORES"}), R"(["a", "0.59999999999999998", "b", "2", "c", "2"])");
}

TEST_F(ZsetAlgebra, Diff) {
  EXPECT_EQ(run({"ZDIFF", "2", "w", "y", "WITHSCORES"}), R"(["c", "1"])");
  EXPECT_EQ(run({"ZDIFF", "1", "w"}), R"(["a", "b", "c"])");
  EXPECT_EQ(run({"ZDIFF", "2", "w", "w"}), "[]");
  EXPECT_EQ(run({"ZDIFF", "2", "nokey", "w"}), "[]");
  EXPECT_EQ(run({"ZDIFF", "2", "s", "y", "WITHSCORES"}), R"(["c", "1"])");
}

TEST_F(ZsetAlgebra, Stores) {
  EXPECT_EQ(run({"ZUNIONSTORE", "d", "2", "w", "s"}), "3");
  EXPECT_EQ(run({"ZRANGE", "d", "0", "-1", "WITHSCORES"}), R"(["a", "1.3", "b", "2", "c", "2"])");
  EXPECT_EQ(run({"OBJECT", "ENCODING", "d"}), "\"listpack\"");
  EXPECT_EQ(run({"ZINTERSTORE", "d", "2", "w", "x", "AGGREGATE", "MIN", "WEIGHTS", "2", "0.5"}), "1");
  EXPECT_EQ(run({"ZRANGE", "d", "0", "-1", "WITHSCORES"}), R"(["a", "0.050000000000000003"])");
  EXPECT_EQ(run({"ZDIFFSTORE", "d", "2", "w", "x"}), "2");
  EXPECT_EQ(run({"ZDIFFSTORE", "d", "1", "nokey"}), "0");
  EXPECT_EQ(run({"EXISTS", "d"}), "0");
  EXPECT_EQ(run({"ZUNIONSTORE", "s", "1", "s"}), "3");  // a source may be the destination
  EXPECT_EQ(run({"TYPE", "s"}), "\"zset\"");
  EXPECT_EQ(run({"ZRANGE", "s", "0", "-1", "WITHSCORES"}), R"(["a", "1", "b", "1", "c", "1"])");
  std::vector<std::string> big = {"ZADD", "big"};
  for (int i = 0; i < 200; ++i) {
    big.push_back(std::to_string(i));
    big.push_back("m" + std::to_string(i));
  }
  h.run(big);
  EXPECT_EQ(run({"ZINTERSTORE", "d", "1", "big"}), "200");
  EXPECT_EQ(run({"OBJECT", "ENCODING", "d"}), "\"skiplist\"");
  EXPECT_EQ(run({"ZUNIONSTORE", "d", "1", "w"}), "3");
  EXPECT_EQ(run({"OBJECT", "ENCODING", "d"}), "\"listpack\"");
}

// Redis replies ZUNION/ZINTER/ZDIFF from a skiplist, so -0 survives there;
// a stored result keeps it only when too big for a listpack.
TEST_F(ZsetAlgebra, NegativeZeroFollowsTheResultEncoding) {
  run({"ZADD", "n", "1", "a"});
  EXPECT_EQ(run({"ZUNION", "1", "n", "WEIGHTS", "-0", "WITHSCORES"}), R"(["a", "-0"])");
  EXPECT_EQ(run({"ZUNIONSTORE", "d", "1", "n", "WEIGHTS", "-0"}), "1");
  EXPECT_EQ(run({"ZSCORE", "d", "a"}), "\"0\"");
  run({"ZADD", "n", "1", std::string(65, 'x')});
  EXPECT_EQ(run({"ZUNIONSTORE", "d", "1", "n", "WEIGHTS", "-0"}), "2");
  EXPECT_EQ(run({"OBJECT", "ENCODING", "d"}), "\"skiplist\"");
  EXPECT_EQ(run({"ZSCORE", "d", "a"}), "\"-0\"");
  std::vector<std::string> big = {"ZADD", "big", "-0", "first"};
  for (int i = 0; i < 130; ++i) {
    big.push_back(std::to_string(i + 1));
    big.push_back("m" + std::to_string(i));
  }
  h.run(big);
  EXPECT_EQ(run({"ZSCORE", "big", "first"}), "\"0\"");  // it was a listpack then
  EXPECT_EQ(run({"ZADD", "big", "-0", "again"}), "1");
  EXPECT_EQ(run({"ZRANGESTORE", "d", "big", "0", "128"}), "129");  // > 128 ranks: a skiplist at once
  EXPECT_EQ(run({"ZSCORE", "d", "again"}), "\"-0\"");
  EXPECT_EQ(run({"ZRANGESTORE", "d", "big", "0", "127"}), "128");
  EXPECT_EQ(run({"ZSCORE", "d", "again"}), "\"0\"");
  EXPECT_EQ(run({"ZRANGESTORE", "d", "big", "-inf", "+inf", "BYSCORE"}), "132");
  EXPECT_EQ(run({"ZSCORE", "d", "again"}), "\"0\"");
}

TEST_F(ZsetAlgebra, InterCard) {
  EXPECT_EQ(run({"ZINTERCARD", "2", "w", "s"}), "3");
  EXPECT_EQ(run({"ZINTERCARD", "2", "w", "s", "LIMIT", "2"}), "2");
  EXPECT_EQ(run({"ZINTERCARD", "2", "w", "s", "LIMIT", "0"}), "3");
  EXPECT_EQ(run({"ZINTERCARD", "2", "w", "nokey"}), "0");
  EXPECT_EQ(run({"ZINTERCARD", "0", "w"}), err("ERR at least 1 input key is needed for 'zintercard' command"));
  EXPECT_EQ(run({"ZINTERCARD", "2", "w"}), kSyntax);
  EXPECT_EQ(run({"ZINTERCARD", "1", "w", "LIMIT", "-1"}), err("ERR LIMIT can't be negative"));
  EXPECT_EQ(run({"ZINTERCARD", "1", "w", "LIMIT", "a"}), err("ERR LIMIT can't be negative"));
  EXPECT_EQ(run({"ZINTERCARD", "1", "w", "WITHSCORES"}), kSyntax);
}

TEST_F(ZsetAlgebra, Errors) {
  EXPECT_EQ(run({"ZUNIONSTORE", "d", "0", "w"}), err("ERR at least 1 input key is needed for 'zunionstore' command"));
  EXPECT_EQ(run({"ZUNION", "-1", "w"}), err("ERR at least 1 input key is needed for 'zunion' command"));
  EXPECT_EQ(run({"ZUNION", "a", "w"}), kNotInt);
  EXPECT_EQ(run({"ZUNIONSTORE", "d", "2", "w"}), kSyntax);
  EXPECT_EQ(run({"ZUNION", "1", "w", "WEIGHTS"}), kSyntax);
  EXPECT_EQ(run({"ZUNION", "1", "w", "WEIGHTS", "a"}), err("ERR weight value is not a float"));
  EXPECT_EQ(run({"ZUNION", "1", "w", "WEIGHTS", "1", "2"}), kSyntax);
  EXPECT_EQ(run({"ZUNION", "1", "w", "AGGREGATE", "FOO"}), kSyntax);
  EXPECT_EQ(run({"ZUNION", "1", "w", "FOO"}), kSyntax);
  EXPECT_EQ(run({"ZDIFF", "1", "w", "WEIGHTS", "1"}), kSyntax);
  EXPECT_EQ(run({"ZDIFF", "1", "w", "AGGREGATE", "SUM"}), kSyntax);
  EXPECT_EQ(run({"ZINTERSTORE", "d", "1", "w", "WITHSCORES"}), kSyntax);
  run({"SET", "str", "x"});
  // Every key's type is checked before the options.
  EXPECT_EQ(run({"ZUNION", "2", "w", "str", "AGGREGATE", "FOO"}), kWrongType);
  EXPECT_EQ(run({"ZINTERCARD", "1", "str"}), kWrongType);
  EXPECT_EQ(run({"ZDIFFSTORE", "d", "1", "str"}), kWrongType);
}

TEST_F(ZsetAlgebra, Resp3) {
  h.set_resp(3);
  EXPECT_EQ(raw({"ZDIFF", "2", "w", "y", "WITHSCORES"}), "*1\r\n*2\r\n$1\r\nc\r\n,1\r\n");
  EXPECT_EQ(raw({"ZINTER", "1", "x"}), "*1\r\n$1\r\na\r\n");
  EXPECT_EQ(raw({"ZUNION", "1", "nokey", "WITHSCORES"}), "*0\r\n");
}

}  // namespace
}  // namespace arbor
