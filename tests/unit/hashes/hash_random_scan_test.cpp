// HRANDFIELD and HSCAN through the harness: counts (positive distinct,
// negative with repeats), WITHVALUES in RESP2 and RESP3, argument errors,
// and HSCAN over both encodings with MATCH and COUNT.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

#include "tests/unit/commands/harness.h"

namespace arbor {
namespace {

using testing::CommandHarness;
using testing::err;
using testing::kNotInt;
using testing::kSyntax;

class HashRandomScan : public ::testing::Test {
 protected:
  std::string run(std::initializer_list<std::string_view> args) { return h.text(args); }
  void fill(std::string_view key, int n) {
    for (int i = 0; i < n; ++i)
      h.run({"HSET", std::string(key), "f" + std::to_string(i), "v" + std::to_string(i)});
  }
  CommandHarness h;
};

TEST_F(HashRandomScan, SingleField) {
  EXPECT_EQ(run({"HRANDFIELD", "nokey"}), "nil");
  run({"HSET", "h", "only", "1"});
  EXPECT_EQ(run({"HRANDFIELD", "h"}), "\"only\"");
  EXPECT_EQ(run({"HRANDFIELD", "nokey", "3"}), "[]");
  EXPECT_EQ(run({"HRANDFIELD", "h", "0"}), "[]");
  EXPECT_EQ(run({"HRANDFIELD", "h", "0", "WITHVALUES"}), "[]");
}

TEST_F(HashRandomScan, ArgumentErrors) {
  run({"HSET", "h", "a", "1"});
  EXPECT_EQ(run({"HRANDFIELD", "h", "x"}), kNotInt);
  EXPECT_EQ(run({"HRANDFIELD", "h", "x", "y"}), kNotInt);  // the count is checked first
  EXPECT_EQ(run({"HRANDFIELD", "h", "1", "2"}), kSyntax);
  EXPECT_EQ(run({"HRANDFIELD", "h", "1", "WITHVALUES", "x"}), kSyntax);
  EXPECT_EQ(
      run({"HRANDFIELD", "h", "-9223372036854775808"}),
      err("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"));
  EXPECT_EQ(run({"HRANDFIELD", "h", "4611686018427387904", "WITHVALUES"}), err("ERR value is out of range"));
  EXPECT_EQ(run({"HRANDFIELD", "h", "-4611686018427387904", "withvalues"}), err("ERR value is out of range"));
}

TEST_F(HashRandomScan, PositiveCountIsDistinct) {
  for (int n : {5, 100, 2000}) {  // compact, compact, hashtable (3x rule and sampling)
    const std::string key = "h" + std::to_string(n);
    fill(key, n);
    for (int count : {1, 3, 4, n / 2, n - 1, n, n + 5}) {
      auto reply = h.run({"HRANDFIELD", key, std::to_string(count)});
      const size_t expect = static_cast<size_t>(std::min(count, n));
      ASSERT_EQ(reply.elements.size(), expect);
      std::set<std::string> fields;
      for (const auto& e : reply.elements) fields.insert(e.str);
      EXPECT_EQ(fields.size(), expect) << key << " count " << count;
    }
  }
}

TEST_F(HashRandomScan, NegativeCountRepeats) {
  fill("h", 3);
  auto reply = h.run({"HRANDFIELD", "h", "-50"});
  ASSERT_EQ(reply.elements.size(), 50u);
  std::set<std::string> fields;
  for (const auto& e : reply.elements) fields.insert(e.str);
  EXPECT_EQ(fields.size(), 3u);
  fill("big", 600);
  reply = h.run({"HRANDFIELD", "big", "-20", "WITHVALUES"});
  ASSERT_EQ(reply.elements.size(), 40u);
  for (size_t i = 0; i < 40; i += 2)
    EXPECT_EQ("v" + reply.elements[i].str.substr(1), reply.elements[i + 1].str);
}

TEST_F(HashRandomScan, WithValuesShapes) {
  run({"HSET", "h", "a", "1"});
  EXPECT_EQ(run({"HRANDFIELD", "h", "1", "WITHVALUES"}), "[\"a\", \"1\"]");
  EXPECT_EQ(run({"HRANDFIELD", "h", "-2", "WITHVALUES"}), "[\"a\", \"1\", \"a\", \"1\"]");
  h.set_resp(3);
  // Redis 7.0: an array of [field, value] pairs.
  EXPECT_EQ(h.raw({"HRANDFIELD", "h", "1", "WITHVALUES"}), "*1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n");
  EXPECT_EQ(run({"HRANDFIELD", "h", "-2", "WITHVALUES"}), "[[\"a\", \"1\"], [\"a\", \"1\"]]");
  EXPECT_EQ(run({"HRANDFIELD", "h", "5"}), "[\"a\"]");
  EXPECT_EQ(h.raw({"HRANDFIELD", "nokey"}), "_\r\n");
  fill("big", 600);
  auto reply = h.run({"HRANDFIELD", "big", "10", "WITHVALUES"});
  ASSERT_EQ(reply.elements.size(), 10u);
  for (const auto& pair : reply.elements) {
    ASSERT_EQ(pair.elements.size(), 2u);
    EXPECT_EQ("v" + pair.elements[0].str.substr(1), pair.elements[1].str);
  }
}

TEST_F(HashRandomScan, ScanCompactReturnsAllWithCursorZero) {
  EXPECT_EQ(run({"HSCAN", "nokey", "0"}), "[\"0\", []]");
  run({"HSET", "h", "a", "1", "b", "2", "ab", "3"});
  EXPECT_EQ(run({"HSCAN", "h", "0"}), "[\"0\", [\"a\", \"1\", \"b\", \"2\", \"ab\", \"3\"]]");
  EXPECT_EQ(run({"HSCAN", "h", "0", "COUNT", "1"}), "[\"0\", [\"a\", \"1\", \"b\", \"2\", \"ab\", \"3\"]]");
  EXPECT_EQ(run({"HSCAN", "h", "0", "MATCH", "a*"}), "[\"0\", [\"a\", \"1\", \"ab\", \"3\"]]");
  EXPECT_EQ(run({"HSCAN", "h", "0", "match", "a", "count", "1"}), "[\"0\", [\"a\", \"1\"]]");
}

TEST_F(HashRandomScan, ScanErrors) {
  run({"HSET", "h", "a", "1"});
  EXPECT_EQ(run({"HSCAN", "h", "abc"}), err("ERR invalid cursor"));
  EXPECT_EQ(run({"HSCAN", "h", "0", "COUNT", "0"}), kSyntax);
  EXPECT_EQ(run({"HSCAN", "h", "0", "COUNT", "x"}), kNotInt);
  EXPECT_EQ(run({"HSCAN", "h", "0", "MATCH"}), kSyntax);
  EXPECT_EQ(run({"HSCAN", "h", "0", "foo", "bar"}), kSyntax);
  EXPECT_EQ(run({"HSCAN", "nokey", "0", "foo", "bar"}), "[\"0\", []]");  // key checked before options
}

TEST_F(HashRandomScan, ScanHashtableVisitsEveryField) {
  fill("h", 1000);
  std::map<std::string, std::string> seen;
  std::string cursor = "0";
  int calls = 0;
  do {
    auto reply = h.run({"HSCAN", "h", cursor, "COUNT", "20"});
    cursor = reply.elements[0].str;
    const auto& items = reply.elements[1].elements;
    ASSERT_EQ(items.size() % 2, 0u);
    for (size_t i = 0; i < items.size(); i += 2) seen[items[i].str] = items[i + 1].str;
    ++calls;
  } while (cursor != "0");
  EXPECT_EQ(seen.size(), 1000u);
  EXPECT_EQ(seen["f7"], "v7");
  EXPECT_GT(calls, 10);
  // MATCH filters fields after the step; the walk still ends.
  std::set<std::string> matched;
  cursor = "0";
  do {
    auto reply = h.run({"HSCAN", "h", cursor, "MATCH", "f1?"});
    cursor = reply.elements[0].str;
    for (size_t i = 0; i < reply.elements[1].elements.size(); i += 2)
      matched.insert(reply.elements[1].elements[i].str);
  } while (cursor != "0");
  EXPECT_EQ(matched.size(), 10u);
}

}  // namespace
}  // namespace arbor
