// ZRANDMEMBER and ZSCAN through the harness, the shared random-count bound
// (SRANDMEMBER, HRANDFIELD and ZRANDMEMBER refuse negative counts beyond
// 2^24), and the collection-scan helper shared by HSCAN, SSCAN and ZSCAN.
#include <gtest/gtest.h>

#include <map>
#include <set>
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

class ZsetRandomScan : public ::testing::Test {
 protected:
  std::string run(std::initializer_list<std::string_view> args) { return h.text(args); }
  std::string raw(std::initializer_list<std::string_view> args) {
    return h.raw(std::vector<std::string>(args.begin(), args.end()));
  }
  void fill(std::string_view key, int n) {
    std::vector<std::string> add = {"ZADD", std::string(key)};
    for (int i = 0; i < n; ++i) {
      add.push_back(std::to_string(i));
      add.push_back("m" + std::to_string(i));
    }
    h.run(add);
  }
  CommandHarness h;
};

TEST_F(ZsetRandomScan, RandMemberShapes) {
  EXPECT_EQ(run({"ZRANDMEMBER", "nokey"}), "nil");
  EXPECT_EQ(run({"ZRANDMEMBER", "nokey", "2"}), "[]");
  fill("z", 3);
  EXPECT_EQ(run({"ZRANDMEMBER", "z", "0"}), "[]");
  EXPECT_EQ(run({"ZRANDMEMBER", "z", "10", "WITHSCORES"}), R"(["m0", "0", "m1", "1", "m2", "2"])");
  EXPECT_EQ(h.run({"ZRANDMEMBER", "z", "-7"}).elements.size(), 7u);
  EXPECT_EQ(h.run({"ZRANDMEMBER", "z", "-7", "WITHSCORES"}).elements.size(), 14u);
  const auto two = h.run({"ZRANDMEMBER", "z", "2"});
  ASSERT_EQ(two.elements.size(), 2u);
  EXPECT_NE(two.elements[0].str, two.elements[1].str);
  const std::string one = h.run({"ZRANDMEMBER", "z"}).str;
  EXPECT_TRUE(one == "m0" || one == "m1" || one == "m2");
  h.set_resp(3);
  EXPECT_EQ(raw({"ZRANDMEMBER", "z", "5", "WITHSCORES"}),
            "*3\r\n*2\r\n$2\r\nm0\r\n,0\r\n*2\r\n$2\r\nm1\r\n,1\r\n*2\r\n$2\r\nm2\r\n,2\r\n");
  EXPECT_EQ(raw({"ZRANDMEMBER", "nokey"}), "_\r\n");
}

TEST_F(ZsetRandomScan, RandMemberDistinctPicksFromALargeZset) {
  fill("z", 1000);
  for (const char* count : {"10", "500", "999"}) {
    const auto reply = h.run({"ZRANDMEMBER", "z", count, "WITHSCORES"});
    std::map<std::string, std::string> picks;
    for (size_t i = 0; i + 1 < reply.elements.size(); i += 2)
      picks.emplace(reply.elements[i].str, reply.elements[i + 1].str);
    EXPECT_EQ(picks.size(), std::stoul(count));
    for (const auto& [m, s] : picks) EXPECT_EQ(m, "m" + s);
  }
  EXPECT_EQ(h.run({"ZRANDMEMBER", "z", "-3000"}).elements.size(), 3000u);
}

TEST_F(ZsetRandomScan, RandMemberErrors) {
  fill("z", 3);
  EXPECT_EQ(run({"ZRANDMEMBER", "z", "a"}), kNotInt);
  EXPECT_EQ(run({"ZRANDMEMBER", "z", "1", "WITHSCORES", "x"}), kSyntax);
  EXPECT_EQ(run({"ZRANDMEMBER", "z", "1", "foo"}), kSyntax);
  EXPECT_EQ(run({"ZRANDMEMBER", "z", "-9223372036854775808"}),
            err("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"));
  EXPECT_EQ(run({"ZRANDMEMBER", "z", "-9223372036854775807", "WITHSCORES"}), err("ERR value is out of range"));
  run({"SET", "s", "x"});
  EXPECT_EQ(run({"ZRANDMEMBER", "s", "-20000000"}), kWrongType);
  EXPECT_EQ(run({"ZRANDMEMBER", "s"}), kWrongType);
}

// Redis 7.0 builds a reply of |count| picks for any negative count and runs
// out of memory on counts like -4611686018427387903; arbor refuses beyond 2^24.
TEST_F(ZsetRandomScan, HugeNegativeCountsAreRefusedByAllThree) {
  fill("z", 3);
  h.run({"SADD", "s", "a", "b"});
  h.run({"HSET", "h", "f", "v"});
  const std::string out_of_range = err("ERR value is out of range");
  for (const char* count : {"-16777217", "-4611686018427387903"}) {
    EXPECT_EQ(run({"ZRANDMEMBER", "z", count}), out_of_range) << count;
    EXPECT_EQ(run({"SRANDMEMBER", "s", count}), out_of_range) << count;
    EXPECT_EQ(run({"HRANDFIELD", "h", count}), out_of_range) << count;
    EXPECT_EQ(run({"ZRANDMEMBER", "z", count, "WITHSCORES"}), out_of_range) << count;
    EXPECT_EQ(run({"HRANDFIELD", "h", count, "WITHVALUES"}), out_of_range) << count;
    // A missing key still answers an empty array, as Redis.
    EXPECT_EQ(run({"ZRANDMEMBER", "nokey", count}), "[]");
    EXPECT_EQ(run({"SRANDMEMBER", "nokey", count}), "[]");
    EXPECT_EQ(run({"HRANDFIELD", "nokey", count}), "[]");
  }
  EXPECT_EQ(h.run({"SRANDMEMBER", "s", "-1000"}).elements.size(), 1000u);
}

TEST_F(ZsetRandomScan, ScanListpackInOneCall) {
  EXPECT_EQ(run({"ZSCAN", "nokey", "0"}), R"(["0", []])");
  h.run({"ZADD", "z", "1", "a", "1.5", "x", "2", "b", "-0", "zero"});
  EXPECT_EQ(run({"ZSCAN", "z", "0"}), R"(["0", ["zero", "0", "a", "1", "x", "1.5", "b", "2"]])");
  EXPECT_EQ(run({"ZSCAN", "z", "0", "MATCH", "[ab]", "COUNT", "1"}), R"(["0", ["a", "1", "b", "2"]])");
  h.set_resp(3);  // scores stay bulk strings in RESP3, as Redis
  EXPECT_EQ(raw({"ZSCAN", "z", "0", "MATCH", "x"}), "*2\r\n$1\r\n0\r\n*2\r\n$1\r\nx\r\n$3\r\n1.5\r\n");
}

TEST_F(ZsetRandomScan, ScanErrors) {
  fill("z", 3);
  EXPECT_EQ(run({"ZSCAN", "z", "abc"}), err("ERR invalid cursor"));
  EXPECT_EQ(run({"ZSCAN", "z", "0", "COUNT"}), kSyntax);
  EXPECT_EQ(run({"ZSCAN", "z", "0", "COUNT", "0"}), kSyntax);
  EXPECT_EQ(run({"ZSCAN", "z", "0", "TYPE", "zset"}), kSyntax);
  EXPECT_EQ(run({"ZSCAN", "nokey", "0", "COUNT", "0"}), R"(["0", []])");  // options after the lookup
  run({"SET", "s", "x"});
  EXPECT_EQ(run({"ZSCAN", "s", "0"}), kWrongType);
  EXPECT_EQ(run({"ZSCAN", "s", "abc"}), err("ERR invalid cursor"));
}

// The shared helper: a whole scan of each type's table encoding returns
// every element, with COUNT bounding the work of one call.
TEST_F(ZsetRandomScan, CollectionScansWalkWholeTables) {
  fill("z", 1000);
  std::vector<std::string> sadd = {"SADD", "s"}, hset = {"HSET", "h"};
  for (int i = 0; i < 1000; ++i) {
    sadd.push_back("m" + std::to_string(i));
    hset.push_back("m" + std::to_string(i));
    hset.push_back(std::to_string(i));
  }
  h.run(sadd);
  h.run(hset);
  for (const char* cmd : {"ZSCAN", "SSCAN", "HSCAN"}) {
    const bool pairs = cmd[0] != 'S';
    std::map<std::string, std::string> seen;
    std::string cursor = "0";
    int calls = 0;
    do {
      const auto reply = h.run({cmd, cmd[0] == 'Z' ? "z" : cmd[0] == 'S' ? "s" : "h", cursor, "COUNT", "50"});
      ASSERT_EQ(reply.elements.size(), 2u);
      cursor = reply.elements[0].str;
      const auto& page = reply.elements[1].elements;
      EXPECT_LT(page.size(), 200u);
      for (size_t i = 0; i < page.size(); i += pairs ? 2 : 1)
        seen[page[i].str] = pairs ? page[i + 1].str : "";
      ++calls;
    } while (cursor != "0");
    EXPECT_EQ(seen.size(), 1000u) << cmd;
    EXPECT_GT(calls, 5) << cmd;
    if (pairs) {
      EXPECT_EQ(seen["m42"], "42") << cmd;
    }
  }
  const auto matched = h.run({"ZSCAN", "z", "0", "MATCH", "m99*", "COUNT", "100000"});
  EXPECT_EQ(matched.elements[0].str, "0");
  EXPECT_EQ(matched.elements[1].elements.size(), 22u);  // m99, m990..m999 with scores
}

}  // namespace
}  // namespace arbor
