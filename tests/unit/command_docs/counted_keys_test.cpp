// Commands whose keys are counted by an argument (Redis's keynum key
// specs): COMMAND GETKEYS, GETKEYSANDFLAGS and INFO over the real table,
// with the answers of redis-server 7.0.15.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/unit/commands/harness.h"

namespace arbor::testing {
namespace {

class CountedKeys : public ::testing::Test {
 protected:
  CommandHarness h;
  static std::vector<std::string> strings(const protocol::Reply& r) {
    std::vector<std::string> out;
    for (const auto& e : r.elements) out.push_back(e.str);
    return out;
  }
};

// The keynum key specs: keys counted by an argument (expected lists from
// redis-server 7.0.15). A count that does not fit gives no keys at all.
TEST_F(CountedKeys, GetKeys) {
  using V = std::vector<std::string>;
  EXPECT_EQ(strings(h.run({"COMMAND", "GETKEYS", "zunionstore", "d", "2", "a", "b"})), (V{"d", "a", "b"}));
  EXPECT_EQ(strings(h.run({"COMMAND", "GETKEYS", "zinterstore", "d", "1", "a", "weights", "1"})), (V{"d", "a"}));
  EXPECT_EQ(strings(h.run({"COMMAND", "GETKEYS", "zdiffstore", "d", "1", "a"})), (V{"d", "a"}));
  EXPECT_EQ(strings(h.run({"COMMAND", "GETKEYS", "zunion", "2", "a", "b", "withscores"})), (V{"a", "b"}));
  EXPECT_EQ(strings(h.run({"COMMAND", "GETKEYS", "zintercard", "2", "a", "b"})), (V{"a", "b"}));
  EXPECT_EQ(strings(h.run({"COMMAND", "GETKEYS", "sintercard", "1", "a"})), (V{"a"}));
  EXPECT_EQ(strings(h.run({"COMMAND", "GETKEYS", "lmpop", "2", "a", "b", "left"})), (V{"a", "b"}));
  EXPECT_EQ(strings(h.run({"COMMAND", "GETKEYS", "blmpop", "0", "2", "a", "b", "left"})), (V{"a", "b"}));
  EXPECT_EQ(strings(h.run({"COMMAND", "GETKEYS", "zmpop", "1", "a", "min"})), (V{"a"}));
  EXPECT_EQ(strings(h.run({"COMMAND", "GETKEYS", "bzmpop", "1", "1", "a", "min"})), (V{"a"}));
  for (const auto& args : {V{"COMMAND", "GETKEYS", "zunionstore", "d", "3", "a", "b"},
                           V{"COMMAND", "GETKEYS", "zunionstore", "d", "x", "a", "b"},
                           V{"COMMAND", "GETKEYS", "zunionstore", "d", "0", "a", "b"},
                           V{"COMMAND", "GETKEYS", "zunion", "5", "a", "b"},
                           V{"COMMAND", "GETKEYS", "sintercard", "0", "a"}})
    EXPECT_EQ(h.raw(args), "-ERR Invalid arguments specified for command\r\n");
  // The destination is overwritten, the sources read.
  EXPECT_EQ(h.raw({"COMMAND", "GETKEYSANDFLAGS", "zunionstore", "d", "1", "a"}),
            "*2\r\n*2\r\n$1\r\nd\r\n*2\r\n+OW\r\n+update\r\n*2\r\n$1\r\na\r\n*2\r\n+RO\r\n+access\r\n");
  EXPECT_EQ(h.raw({"COMMAND", "GETKEYSANDFLAGS", "lmpop", "1", "a", "left"}),
            "*1\r\n*2\r\n$1\r\na\r\n*3\r\n+RW\r\n+access\r\n+delete\r\n");
}

// COMMAND INFO's legacy triple and movablekeys for counted keys, as Redis.
TEST_F(CountedKeys, InfoFlagsThemMovable) {
  const auto store = h.run({"COMMAND", "INFO", "zunionstore"}).elements.at(0);
  EXPECT_EQ(strings(store.elements.at(2)), (std::vector<std::string>{"write", "denyoom", "movablekeys"}));
  EXPECT_EQ(store.elements.at(3).integer, 1);
  EXPECT_EQ(store.elements.at(4).integer, 1);
  EXPECT_EQ(store.elements.at(5).integer, 1);
  EXPECT_EQ(store.elements.at(8).elements.size(), 2u);  // destination range, then keynum
  const auto pop = h.run({"COMMAND", "INFO", "blmpop"}).elements.at(0);
  EXPECT_EQ(strings(pop.elements.at(2)), (std::vector<std::string>{"write", "blocking", "movablekeys"}));
  EXPECT_EQ(pop.elements.at(3).integer, 0);
  ASSERT_EQ(pop.elements.at(8).elements.size(), 1u);
}

}  // namespace
}  // namespace arbor::testing
