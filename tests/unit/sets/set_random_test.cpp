// SPOP, SRANDMEMBER and SSCAN through the harness: counts (positive distinct,
// negative with repeats), whole-set answers, deletion when popped empty,
// errors and RESP3 shapes, a distribution sanity check (every member turns
// up) in both encodings, and SSCAN over both encodings with MATCH and COUNT.
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

const std::string kPositive = err("ERR value is out of range, must be positive");

class SetRandom : public ::testing::Test {
 protected:
  std::string run(std::initializer_list<std::string_view> args) { return h.text(args); }
  std::vector<std::string> strs(const protocol::Reply& reply) {
    std::vector<std::string> out;
    for (const auto& e : reply.elements) out.push_back(e.str);
    return out;
  }
  // Fills `key` with n members: integers (intset) or "m<i>" (hashtable).
  void fill(const std::string& key, int n, bool integers) {
    for (int i = 0; i < n; ++i) h.run({"SADD", key, integers ? std::to_string(i) : "m" + std::to_string(i)});
  }
  CommandHarness h;
};

TEST_F(SetRandom, SpopSingle) {
  EXPECT_EQ(run({"SPOP", "nokey"}), "nil");
  run({"SADD", "s", "a", "b"});
  std::set<std::string> popped;
  popped.insert(h.run({"SPOP", "s"}).str);
  popped.insert(h.run({"SPOP", "s"}).str);
  EXPECT_EQ(popped, (std::set<std::string>{"a", "b"}));
  EXPECT_EQ(run({"EXISTS", "s"}), "0");
}

TEST_F(SetRandom, SpopCount) {
  for (bool integers : {true, false}) {
    h.run({"DEL", "s"});
    fill("s", 20, integers);
    auto reply = h.run({"SPOP", "s", "5"});
    ASSERT_EQ(reply.elements.size(), 5u);
    std::set<std::string> got;
    for (const auto& m : strs(reply)) got.insert(m);
    EXPECT_EQ(got.size(), 5u);  // distinct
    for (const auto& m : got) EXPECT_EQ(h.text({"SISMEMBER", "s", m}), "0");  // really removed
    EXPECT_EQ(run({"SCARD", "s"}), "15");
    reply = h.run({"SPOP", "s", "100"});  // more than there is: everything
    EXPECT_EQ(reply.elements.size(), 15u);
    for (const auto& m : strs(reply)) got.insert(m);
    EXPECT_EQ(got.size(), 20u);
    EXPECT_EQ(run({"EXISTS", "s"}), "0");
  }
  EXPECT_EQ(run({"SPOP", "nokey", "3"}), "[]");
  run({"SADD", "s", "a"});
  EXPECT_EQ(run({"SPOP", "s", "0"}), "[]");
  EXPECT_EQ(run({"SCARD", "s"}), "1");
  EXPECT_EQ(run({"SPOP", "s", "-1"}), kPositive);
  EXPECT_EQ(run({"SPOP", "s", "x"}), kPositive);
  EXPECT_EQ(run({"SPOP", "s", "1", "2"}), kSyntax);
  run({"SET", "str", "v"});
  EXPECT_EQ(run({"SPOP", "str", "x"}), kPositive);  // the count is checked first
  h.set_resp(3);
  EXPECT_EQ(h.raw({"SPOP", "nokey", "3"}), "~0\r\n");
  EXPECT_EQ(h.raw({"SPOP", "s", "0"}), "~0\r\n");
  EXPECT_EQ(h.raw({"SPOP", "s", "5"}), "~1\r\n$1\r\na\r\n");
  EXPECT_EQ(h.raw({"SPOP", "nokey"}), "_\r\n");
}

TEST_F(SetRandom, SrandmemberCounts) {
  EXPECT_EQ(run({"SRANDMEMBER", "nokey"}), "nil");
  EXPECT_EQ(run({"SRANDMEMBER", "nokey", "3"}), "[]");
  EXPECT_EQ(run({"SRANDMEMBER", "nokey", "-3"}), "[]");
  for (bool integers : {true, false}) {
    for (int n : {5, 600}) {
      h.run({"DEL", "s"});
      fill("s", n, integers);
      EXPECT_EQ(run({"SRANDMEMBER", "s", "0"}), "[]");
      for (int count : {1, 3, n / 2, n - 1, n, n + 10}) {
        auto got = strs(h.run({"SRANDMEMBER", "s", std::to_string(count)}));
        EXPECT_EQ(got.size(), static_cast<size_t>(std::min(count, n)));
        EXPECT_EQ(std::set<std::string>(got.begin(), got.end()).size(), got.size());  // distinct
        for (const auto& m : got) EXPECT_EQ(h.text({"SISMEMBER", "s", m}), "1");
      }
      // Negative: exactly |count| picks, repeats allowed (certain here).
      auto got = strs(h.run({"SRANDMEMBER", "s", std::to_string(-3 * n)}));
      EXPECT_EQ(got.size(), static_cast<size_t>(3 * n));
      EXPECT_LT(std::set<std::string>(got.begin(), got.end()).size(), got.size());
      EXPECT_EQ(run({"SCARD", "s"}), std::to_string(n));  // nothing removed
    }
  }
  EXPECT_EQ(run({"SRANDMEMBER", "s", "x"}), kNotInt);
  EXPECT_EQ(run({"SRANDMEMBER", "s", "-9223372036854775808"}),
            err("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"));
  EXPECT_EQ(run({"SRANDMEMBER", "s", "1", "2"}), kSyntax);
  run({"DEL", "s"});
  run({"SADD", "s", "7"});
  h.set_resp(3);
  EXPECT_EQ(h.raw({"SRANDMEMBER", "s", "5"}), "*1\r\n$1\r\n7\r\n");  // an array, not a set
  EXPECT_EQ(h.raw({"SRANDMEMBER", "s", "-2"}), "*2\r\n$1\r\n7\r\n$1\r\n7\r\n");
  EXPECT_EQ(h.raw({"SRANDMEMBER", "s"}), "$1\r\n7\r\n");
}

TEST_F(SetRandom, EveryMemberEventuallyAppears) {
  for (bool integers : {true, false}) {
    h.run({"DEL", "s"});
    const int n = integers ? 50 : 600;
    fill("s", n, integers);
    std::map<std::string, int> single, negative, positive;
    for (int i = 0; i < 40 * n; ++i) ++single[h.run({"SRANDMEMBER", "s"}).str];
    for (const auto& m : strs(h.run({"SRANDMEMBER", "s", std::to_string(-40 * n)}))) ++negative[m];
    for (int i = 0; i < 200; ++i)
      for (const auto& m : strs(h.run({"SRANDMEMBER", "s", std::to_string(n / 5)}))) ++positive[m];
    EXPECT_EQ(single.size(), static_cast<size_t>(n));
    EXPECT_EQ(negative.size(), static_cast<size_t>(n));
    EXPECT_EQ(positive.size(), static_cast<size_t>(n));
    // No member hogs the picks (expected 40 each; a loose bound).
    for (const auto& [m, c] : single) EXPECT_LT(c, 160) << m;
    // SPOP one by one empties the set, each member exactly once.
    std::set<std::string> popped;
    for (int i = 0; i < n; ++i) EXPECT_TRUE(popped.insert(h.run({"SPOP", "s"}).str).second);
    EXPECT_EQ(popped.size(), static_cast<size_t>(n));
    EXPECT_EQ(run({"EXISTS", "s"}), "0");
  }
}

TEST_F(SetRandom, ScanCompactAndErrors) {
  EXPECT_EQ(run({"SSCAN", "nokey", "0"}), "[\"0\", []]");
  EXPECT_EQ(run({"SSCAN", "nokey", "0", "foo", "bar"}), "[\"0\", []]");  // key checked before options
  run({"SADD", "s", "3", "1", "12"});
  EXPECT_EQ(run({"SSCAN", "s", "0"}), "[\"0\", [\"1\", \"3\", \"12\"]]");
  EXPECT_EQ(run({"SSCAN", "s", "0", "COUNT", "1"}), "[\"0\", [\"1\", \"3\", \"12\"]]");
  EXPECT_EQ(run({"SSCAN", "s", "0", "MATCH", "1*"}), "[\"0\", [\"1\", \"12\"]]");
  EXPECT_EQ(run({"SSCAN", "s", "0", "match", "3", "count", "1"}), "[\"0\", [\"3\"]]");
  EXPECT_EQ(run({"SSCAN", "s", "abc"}), err("ERR invalid cursor"));
  EXPECT_EQ(run({"SSCAN", "s", "0", "COUNT", "0"}), kSyntax);
  EXPECT_EQ(run({"SSCAN", "s", "0", "COUNT", "x"}), kNotInt);
  EXPECT_EQ(run({"SSCAN", "s", "0", "MATCH"}), kSyntax);
  EXPECT_EQ(run({"SSCAN", "s", "0", "foo", "bar"}), kSyntax);
}

TEST_F(SetRandom, ScanHashtableVisitsEverything) {
  fill("s", 1000, false);
  std::map<std::string, int> seen;
  std::string cursor = "0";
  int calls = 0;
  do {
    auto reply = h.run({"SSCAN", "s", cursor, "COUNT", "20"});
    cursor = reply.elements[0].str;
    for (const auto& m : strs(reply.elements[1])) ++seen[m];
    ++calls;
  } while (cursor != "0");
  EXPECT_EQ(seen.size(), 1000u);
  EXPECT_GT(calls, 10);  // really incremental
  std::set<std::string> matched;
  cursor = "0";
  do {
    auto reply = h.run({"SSCAN", "s", cursor, "MATCH", "m1?"});
    cursor = reply.elements[0].str;
    for (const auto& m : strs(reply.elements[1])) matched.insert(m);
  } while (cursor != "0");
  EXPECT_EQ(matched.size(), 10u);
}

}  // namespace
}  // namespace arbor
