// List commands on one key through the in-process harness: pushes, pops with
// count, LLEN, LRANGE, LINDEX, LSET, LINSERT, LREM, LTRIM, LPOS, node
// boundaries and generic commands on lists. Expected replies are
// redis-server 7.0.15's.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "tests/unit/commands/harness.h"

namespace arbor {
namespace {

using testing::CommandHarness;
using testing::err;
using testing::kNotInt;
using testing::kOk;
using testing::kSyntax;

const std::string kWrongType = err("WRONGTYPE Operation against a key holding the wrong kind of value");

class Lists : public ::testing::Test {
 protected:
  std::string run(std::initializer_list<std::string_view> args) { return h.text(args); }
  // RPUSH key 0 1 ... n-1
  void fill(std::string_view key, size_t n, size_t from = 0) {
    for (size_t i = from; i < from + n; ++i) h.run({"RPUSH", key, std::to_string(i)});
  }
  CommandHarness h;
};

TEST_F(Lists, PushReturnsLengthAndKeepsOrder) {
  EXPECT_EQ(run({"LPUSH", "l", "a", "b"}), "2");
  EXPECT_EQ(run({"RPUSH", "l", "c", "d"}), "4");
  EXPECT_EQ(run({"LRANGE", "l", "0", "-1"}), "[\"b\", \"a\", \"c\", \"d\"]");
  EXPECT_EQ(run({"LLEN", "l"}), "4");
  EXPECT_EQ(run({"LLEN", "nokey"}), "0");
  EXPECT_EQ(run({"LPUSH", "l"}), err("ERR wrong number of arguments for 'lpush' command"));
}

TEST_F(Lists, PushxOnlyOnExistingLists) {
  EXPECT_EQ(run({"LPUSHX", "l", "a"}), "0");
  EXPECT_EQ(run({"RPUSHX", "l", "a"}), "0");
  EXPECT_EQ(run({"EXISTS", "l"}), "0");
  run({"RPUSH", "l", "x"});
  EXPECT_EQ(run({"LPUSHX", "l", "a", "b"}), "3");
  EXPECT_EQ(run({"RPUSHX", "l", "c"}), "4");
  EXPECT_EQ(run({"LRANGE", "l", "0", "-1"}), "[\"b\", \"a\", \"x\", \"c\"]");
}

TEST_F(Lists, WrongTypeEverywhere) {
  run({"SET", "s", "v"});
  for (auto args : std::vector<std::vector<std::string>>{{"LPUSH", "s", "a"},
                                                         {"RPUSH", "s", "a"},
                                                         {"LPUSHX", "s", "a"},
                                                         {"RPUSHX", "s", "a"},
                                                         {"LPOP", "s"},
                                                         {"RPOP", "s", "2"},
                                                         {"LLEN", "s"},
                                                         {"LRANGE", "s", "0", "1"},
                                                         {"LINDEX", "s", "0"},
                                                         {"LSET", "s", "0", "x"},
                                                         {"LINSERT", "s", "BEFORE", "a", "b"},
                                                         {"LREM", "s", "0", "a"},
                                                         {"LTRIM", "s", "0", "1"},
                                                         {"LPOS", "s", "a"},
                                                         {"LMOVE", "s", "d", "LEFT", "LEFT"},
                                                         {"RPOPLPUSH", "s", "d"},
                                                         {"LMPOP", "1", "s", "LEFT"}}) {
    EXPECT_EQ(h.run(args).to_string(), kWrongType) << args[0];
  }
  run({"RPUSH", "l", "a"});
  EXPECT_EQ(run({"GET", "l"}), kWrongType);
  EXPECT_EQ(run({"APPEND", "l", "x"}), kWrongType);
}

TEST_F(Lists, PopWithoutCount) {
  run({"RPUSH", "l", "a", "b", "c"});
  EXPECT_EQ(run({"LPOP", "l"}), "\"a\"");
  EXPECT_EQ(run({"RPOP", "l"}), "\"c\"");
  EXPECT_EQ(run({"RPOP", "l"}), "\"b\"");
  EXPECT_EQ(run({"EXISTS", "l"}), "0");  // the empty list is deleted
  EXPECT_EQ(h.raw({"LPOP", "l"}), "$-1\r\n");
  EXPECT_EQ(run({"LPOP", "l", "1", "2"}), err("ERR wrong number of arguments for 'lpop' command"));
}

TEST_F(Lists, PopWithCount) {
  run({"RPUSH", "l", "a", "b", "c", "d"});
  EXPECT_EQ(run({"LPOP", "l", "2"}), "[\"a\", \"b\"]");
  EXPECT_EQ(run({"RPOP", "l", "1"}), "[\"d\"]");
  // Redis 7.0.15: count 0 is an empty array on an existing list.
  EXPECT_EQ(h.raw({"LPOP", "l", "0"}), "*0\r\n");
  EXPECT_EQ(run({"LPOP", "l", "-1"}), err("ERR value is out of range, must be positive"));
  EXPECT_EQ(run({"LPOP", "l", "x"}), err("ERR value is out of range, must be positive"));
  EXPECT_EQ(run({"RPOP", "l", "10"}), "[\"c\"]");
  EXPECT_EQ(run({"EXISTS", "l"}), "0");
  // A missing key with a count is a null array: *-1 in RESP2, _ in RESP3.
  EXPECT_EQ(h.raw({"LPOP", "l", "2"}), "*-1\r\n");
  EXPECT_EQ(h.raw({"RPOP", "l", "0"}), "*-1\r\n");
  h.set_resp(3);
  EXPECT_EQ(h.raw({"LPOP", "l", "2"}), "_\r\n");
  EXPECT_EQ(h.raw({"LPOP", "l"}), "_\r\n");
}

TEST_F(Lists, LrangeIndexes) {
  run({"RPUSH", "l", "a", "b", "c", "d", "e"});
  EXPECT_EQ(run({"LRANGE", "l", "1", "2"}), "[\"b\", \"c\"]");
  EXPECT_EQ(run({"LRANGE", "l", "-2", "-1"}), "[\"d\", \"e\"]");
  EXPECT_EQ(run({"LRANGE", "l", "-100", "1"}), "[\"a\", \"b\"]");
  EXPECT_EQ(run({"LRANGE", "l", "3", "100"}), "[\"d\", \"e\"]");
  EXPECT_EQ(run({"LRANGE", "l", "3", "1"}), "[]");
  EXPECT_EQ(run({"LRANGE", "l", "5", "10"}), "[]");
  EXPECT_EQ(run({"LRANGE", "l", "0", "-6"}), "[]");
  EXPECT_EQ(run({"LRANGE", "nokey", "0", "-1"}), "[]");
  EXPECT_EQ(run({"LRANGE", "nokey", "x", "1"}), kNotInt);
}

TEST_F(Lists, LindexAndLset) {
  run({"RPUSH", "l", "a", "b", "c"});
  EXPECT_EQ(run({"LINDEX", "l", "0"}), "\"a\"");
  EXPECT_EQ(run({"LINDEX", "l", "-1"}), "\"c\"");
  EXPECT_EQ(run({"LINDEX", "l", "3"}), "nil");
  EXPECT_EQ(run({"LINDEX", "l", "-4"}), "nil");
  EXPECT_EQ(run({"LINDEX", "l", "x"}), kNotInt);
  EXPECT_EQ(run({"LINDEX", "nokey", "x"}), "nil");  // the key is looked up first
  EXPECT_EQ(run({"LSET", "l", "1", "B"}), kOk);
  EXPECT_EQ(run({"LSET", "l", "-1", "C"}), kOk);
  EXPECT_EQ(run({"LRANGE", "l", "0", "-1"}), "[\"a\", \"B\", \"C\"]");
  EXPECT_EQ(run({"LSET", "l", "3", "x"}), err("ERR index out of range"));
  EXPECT_EQ(run({"LSET", "l", "x", "x"}), kNotInt);
  EXPECT_EQ(run({"LSET", "nokey", "0", "x"}), err("ERR no such key"));
  EXPECT_EQ(run({"LSET", "nokey", "x", "x"}), err("ERR no such key"));
}

TEST_F(Lists, Linsert) {
  run({"RPUSH", "l", "a", "b", "c"});
  EXPECT_EQ(run({"LINSERT", "l", "BEFORE", "a", "0"}), "4");
  EXPECT_EQ(run({"LINSERT", "l", "after", "c", "d"}), "5");
  EXPECT_EQ(run({"LINSERT", "l", "AFTER", "a", "a2"}), "6");
  EXPECT_EQ(run({"LRANGE", "l", "0", "-1"}), "[\"0\", \"a\", \"a2\", \"b\", \"c\", \"d\"]");
  EXPECT_EQ(run({"LINSERT", "l", "BEFORE", "zz", "x"}), "-1");
  EXPECT_EQ(run({"LINSERT", "nokey", "BEFORE", "a", "x"}), "0");
  EXPECT_EQ(run({"LINSERT", "l", "MIDDLE", "a", "x"}), kSyntax);
  EXPECT_EQ(run({"LINSERT", "nokey", "MIDDLE", "a", "x"}), kSyntax);
}

TEST_F(Lists, Lrem) {
  run({"RPUSH", "l", "a", "b", "a", "c", "a", "b"});
  EXPECT_EQ(run({"LREM", "l", "1", "a"}), "1");
  EXPECT_EQ(run({"LRANGE", "l", "0", "-1"}), "[\"b\", \"a\", \"c\", \"a\", \"b\"]");
  EXPECT_EQ(run({"LREM", "l", "-1", "b"}), "1");
  EXPECT_EQ(run({"LRANGE", "l", "0", "-1"}), "[\"b\", \"a\", \"c\", \"a\"]");
  EXPECT_EQ(run({"LREM", "l", "0", "a"}), "2");
  EXPECT_EQ(run({"LREM", "l", "0", "zz"}), "0");
  EXPECT_EQ(run({"LREM", "l", "-9223372036854775808", "b"}), "1");
  EXPECT_EQ(run({"LREM", "l", "5", "c"}), "1");
  EXPECT_EQ(run({"EXISTS", "l"}), "0");
  EXPECT_EQ(run({"LREM", "nokey", "0", "a"}), "0");
  EXPECT_EQ(run({"LREM", "nokey", "x", "a"}), kNotInt);
}

TEST_F(Lists, Ltrim) {
  run({"RPUSH", "l", "a", "b", "c", "d", "e"});
  EXPECT_EQ(run({"LTRIM", "l", "1", "-2"}), kOk);
  EXPECT_EQ(run({"LRANGE", "l", "0", "-1"}), "[\"b\", \"c\", \"d\"]");
  EXPECT_EQ(run({"LTRIM", "l", "-100", "100"}), kOk);
  EXPECT_EQ(run({"LLEN", "l"}), "3");
  EXPECT_EQ(run({"LTRIM", "l", "2", "1"}), kOk);  // empty range: the key goes
  EXPECT_EQ(run({"EXISTS", "l"}), "0");
  EXPECT_EQ(run({"LTRIM", "nokey", "0", "1"}), kOk);
  EXPECT_EQ(run({"LTRIM", "nokey", "0", "x"}), kNotInt);
}

TEST_F(Lists, Lpos) {
  run({"RPUSH", "l", "a", "b", "c", "1", "2", "3", "c", "c"});
  EXPECT_EQ(run({"LPOS", "l", "a"}), "0");
  EXPECT_EQ(run({"LPOS", "l", "c"}), "2");
  EXPECT_EQ(run({"LPOS", "l", "c", "RANK", "2"}), "6");
  EXPECT_EQ(run({"LPOS", "l", "c", "RANK", "-1"}), "7");
  EXPECT_EQ(run({"LPOS", "l", "c", "RANK", "-3"}), "2");
  EXPECT_EQ(run({"LPOS", "l", "c", "RANK", "4"}), "nil");
  EXPECT_EQ(run({"LPOS", "l", "c", "COUNT", "0"}), "[2, 6, 7]");
  EXPECT_EQ(run({"LPOS", "l", "c", "COUNT", "2"}), "[2, 6]");
  EXPECT_EQ(run({"LPOS", "l", "c", "COUNT", "2", "RANK", "-1"}), "[7, 6]");
  EXPECT_EQ(run({"LPOS", "l", "c", "COUNT", "0", "MAXLEN", "7"}), "[2, 6]");
  EXPECT_EQ(run({"LPOS", "l", "a", "RANK", "-1", "MAXLEN", "2"}), "nil");
  EXPECT_EQ(run({"LPOS", "l", "zz", "COUNT", "0"}), "[]");
  EXPECT_EQ(h.raw({"LPOS", "l", "zz"}), "$-1\r\n");
  EXPECT_EQ(run({"LPOS", "l", "c", "RANK", "-9223372036854775808"}), "7");  // as 7.0.15
  EXPECT_EQ(run({"LPOS", "nokey", "a"}), "nil");
  EXPECT_EQ(run({"LPOS", "nokey", "a", "COUNT", "1"}), "[]");
  EXPECT_EQ(run({"LPOS", "l", "a", "RANK", "0"}),
            err("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use "
                "negative to start from the end of the list"));
  EXPECT_EQ(run({"LPOS", "l", "a", "COUNT", "-1"}), err("ERR COUNT can't be negative"));
  EXPECT_EQ(run({"LPOS", "l", "a", "MAXLEN", "-1"}), err("ERR MAXLEN can't be negative"));
  EXPECT_EQ(run({"LPOS", "l", "a", "RANK", "x"}), kNotInt);
  // Redis gives COUNT's and MAXLEN's own message for a non-number too.
  EXPECT_EQ(run({"LPOS", "l", "a", "COUNT", "abc"}), err("ERR COUNT can't be negative"));
  EXPECT_EQ(run({"LPOS", "l", "a", "MAXLEN", "1.5"}), err("ERR MAXLEN can't be negative"));
  EXPECT_EQ(run({"LPOS", "l", "a", "RANK"}), kSyntax);
  EXPECT_EQ(run({"LPOS", "l", "a", "FOO", "1"}), kSyntax);
  h.set_resp(3);
  EXPECT_EQ(h.raw({"LPOS", "l", "zz"}), "_\r\n");
}

// Lists of 1, 127, 128, 129 and 10000 elements cross node boundaries
// (128 elements per node) at both ends and in the middle.
TEST_F(Lists, NodeBoundaries) {
  for (size_t n : {1u, 127u, 128u, 129u, 10000u}) {
    SCOPED_TRACE(n);
    h.run({"DEL", "l"});
    fill("l", n);
    EXPECT_EQ(run({"LLEN", "l"}), std::to_string(n));
    EXPECT_EQ(run({"OBJECT", "ENCODING", "l"}), "\"quicklist\"");
    EXPECT_EQ(run({"LINDEX", "l", "-1"}), "\"" + std::to_string(n - 1) + "\"");
    EXPECT_EQ(run({"LINDEX", "l", std::to_string(n / 2)}), "\"" + std::to_string(n / 2) + "\"");
    EXPECT_EQ(h.run({"LRANGE", "l", "0", "-1"}).elements.size(), n);
    const auto middle = h.run({"LRANGE", "l", std::to_string(n / 3), std::to_string(n / 3 + 200)});
    ASSERT_EQ(middle.elements.size(), std::min<size_t>(201, n - n / 3));
    for (size_t i = 0; i < middle.elements.size(); ++i)
      ASSERT_EQ(middle.elements[i].str, std::to_string(n / 3 + i));
    EXPECT_EQ(run({"LSET", "l", std::to_string(n - 1), "last"}), kOk);
    EXPECT_EQ(run({"LINSERT", "l", "BEFORE", "last", "x"}), std::to_string(n + 1));
    EXPECT_EQ(run({"LPOS", "l", "x"}), std::to_string(n - 1));
    EXPECT_EQ(run({"LREM", "l", "0", "x"}), "1");
    EXPECT_EQ(run({"RPOP", "l"}), "\"last\"");
    if (n > 1) {
      EXPECT_EQ(run({"LPOP", "l"}), "\"0\"");
    }
    EXPECT_EQ(run({"LTRIM", "l", "1", "-2"}), kOk);
    EXPECT_EQ(run({"LLEN", "l"}), std::to_string(n > 4 ? n - 4 : 0));
  }
}

TEST_F(Lists, BigElements) {
  const std::string big(9000, 'b');
  EXPECT_EQ(run({"RPUSH", "l", "a", big, "c"}), "3");
  EXPECT_EQ(run({"LPUSH", "l", big + "2"}), "4");
  EXPECT_EQ(h.run({"LINDEX", "l", "2"}).str, big);
  EXPECT_EQ(run({"LSET", "l", "1", big + "3"}), kOk);
  EXPECT_EQ(run({"LINSERT", "l", "AFTER", "c", big}), "5");
  const auto all = h.run({"LRANGE", "l", "0", "-1"});
  ASSERT_EQ(all.elements.size(), 5u);
  EXPECT_EQ(all.elements[0].str, big + "2");
  EXPECT_EQ(all.elements[1].str, big + "3");
  EXPECT_EQ(all.elements[3].str, "c");
  EXPECT_EQ(run({"LREM", "l", "0", big}), "2");
  EXPECT_EQ(run({"LLEN", "l"}), "3");
}

TEST_F(Lists, GenericCommandsOnLists) {
  run({"RPUSH", "l", "a", "b", "c"});
  EXPECT_EQ(run({"TYPE", "l"}), "\"list\"");
  EXPECT_EQ(run({"OBJECT", "ENCODING", "l"}), "\"quicklist\"");
  EXPECT_EQ(run({"COPY", "l", "l2"}), "1");
  EXPECT_EQ(run({"RPUSH", "l2", "d"}), "4");
  EXPECT_EQ(run({"LLEN", "l"}), "3");  // the copy is deep
  EXPECT_EQ(run({"RENAME", "l2", "l3"}), kOk);
  EXPECT_EQ(run({"LRANGE", "l3", "0", "-1"}), "[\"a\", \"b\", \"c\", \"d\"]");
  run({"SET", "s", "v"});
  std::vector<std::string> scanned;
  const auto scan = h.run({"SCAN", "0", "TYPE", "list", "COUNT", "100"});
  for (const auto& key : scan.elements[1].elements) scanned.push_back(key.str);
  std::sort(scanned.begin(), scanned.end());
  EXPECT_EQ(scanned, (std::vector<std::string>{"l", "l3"}));
  EXPECT_EQ(run({"EXPIRE", "l", "100"}), "1");
  EXPECT_EQ(run({"TTL", "l"}), "100");
  EXPECT_EQ(run({"DEL", "l", "l3"}), "2");
  EXPECT_EQ(run({"TYPE", "l"}), "\"none\"");
}

// Reads count keyspace hits and misses; writes don't (lookupKeyWrite).
TEST_F(Lists, OnlyReadsCountKeyspaceHits) {
  auto& stats = h.instance().stats;
  run({"RPUSH", "l", "a"});
  run({"LPUSH", "nokey2", "a"});
  run({"LPOP", "nokey"});
  EXPECT_EQ(stats.keyspace_hits + stats.keyspace_misses, 0u);
  run({"LLEN", "l"});
  run({"LRANGE", "nokey", "0", "1"});
  EXPECT_EQ(stats.keyspace_hits, 1u);
  EXPECT_EQ(stats.keyspace_misses, 1u);
}

TEST_F(Lists, ExpiredListIsGone) {
  h.pin_clock(1'700'000'000'000);
  run({"RPUSH", "l", "a"});
  EXPECT_EQ(run({"PEXPIRE", "l", "10"}), "1");
  h.pin_clock(1'700'000'000'011);
  EXPECT_EQ(run({"LLEN", "l"}), "0");
  EXPECT_EQ(run({"RPUSH", "l", "b"}), "1");
  EXPECT_EQ(run({"TTL", "l"}), "-1");
}

}  // namespace
}  // namespace arbor
