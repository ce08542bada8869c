// Generic key commands through the in-process harness: DEL, EXISTS, TOUCH,
// TYPE, KEYS, SCAN (MATCH/COUNT/TYPE, cursor parsing), RANDOMKEY, RENAME,
// RENAMENX, COPY, MOVE and OBJECT. Expected replies are redis-server 7.0.15's.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "tests/unit/commands/harness.h"

namespace arbor {
namespace {

using testing::CommandHarness;
using testing::err;
using testing::kOk;
using testing::kSyntax;
using testing::kNotInt;

const std::string kOutOfRange = err("ERR DB index is out of range");
const std::string kIntRange = err("ERR value is out of range, value must between -2147483648 and 2147483647");
const std::string kSame = err("ERR source and destination objects are the same");
constexpr int64_t kNow = 1'700'000'000'000;

class Keys : public ::testing::Test {
 protected:
  Keys() { h.pin_clock(kNow); }
  std::string run(std::initializer_list<std::string_view> args) { return h.text(args); }
  void make_notetree(std::string_view key) { ASSERT_EQ(run({"NOTE.ADD", key, "root", "a", "x"}), "1"); }
  // Sorted element strings of an array reply.
  static std::vector<std::string> sorted(const protocol::Reply& reply) {
    std::vector<std::string> out;
    for (const auto& e : reply.elements) out.push_back(e.str);
    std::sort(out.begin(), out.end());
    return out;
  }
  // Every key a whole SCAN returns, with extra options after the cursor.
  std::set<std::string> scan_all(std::vector<std::string> options = {}) {
    std::set<std::string> seen;
    std::string cursor = "0";
    int calls = 0;
    do {
      std::vector<std::string> args{"SCAN", cursor};
      args.insert(args.end(), options.begin(), options.end());
      const protocol::Reply reply = h.run(args);
      EXPECT_EQ(reply.elements.size(), 2u) << reply.to_string();
      if (reply.elements.size() != 2) break;
      cursor = reply.elements[0].str;
      for (const auto& key : reply.elements[1].elements) seen.insert(key.str);
    } while (cursor != "0" && ++calls < 100000);
    return seen;
  }
  CommandHarness h;
};

TEST_F(Keys, DelExistsTouch) {
  run({"MSET", "a", "1", "b", "2"});
  EXPECT_EQ(run({"EXISTS", "a", "a", "nokey"}), "2");  // duplicates count
  EXPECT_EQ(run({"TOUCH", "a", "nokey"}), "1");
  EXPECT_EQ(run({"DEL", "a", "a", "b", "nokey"}), "2");
  EXPECT_EQ(run({"EXISTS", "a", "b"}), "0");
  EXPECT_EQ(run({"UNLINK", "nokey"}), "0");
}

TEST_F(Keys, Type) {
  run({"SET", "s", "v"});
  make_notetree("tree");
  EXPECT_EQ(run({"TYPE", "s"}), "\"string\"");
  EXPECT_EQ(run({"TYPE", "tree"}), "\"notetree\"");
  EXPECT_EQ(run({"TYPE", "nokey"}), "\"none\"");
}

TEST_F(Keys, KeysMatchesPatterns) {
  run({"MSET", "user:1", "a", "user:2", "b", "other", "c", "a*b", "d"});
  EXPECT_EQ(sorted(h.run({"KEYS", "*"})), (std::vector<std::string>{"a*b", "other", "user:1", "user:2"}));
  EXPECT_EQ(sorted(h.run({"KEYS", "user:*"})), (std::vector<std::string>{"user:1", "user:2"}));
  EXPECT_EQ(sorted(h.run({"KEYS", "user:[^1]"})), (std::vector<std::string>{"user:2"}));
  EXPECT_EQ(sorted(h.run({"KEYS", "a\\*b"})), (std::vector<std::string>{"a*b"}));
  EXPECT_EQ(run({"KEYS", "nomatch*"}), "[]");
}

TEST_F(Keys, OnlyALoneStarMatchesTheEmptyKey) {
  run({"SET", "", "empty"});
  run({"SET", "x", "1"});
  EXPECT_EQ(sorted(h.run({"KEYS", "*"})), (std::vector<std::string>{"", "x"}));
  EXPECT_EQ(sorted(h.run({"KEYS", "**"})), (std::vector<std::string>{"x"}));
  EXPECT_EQ(scan_all({"MATCH", "**"}), (std::set<std::string>{"x"}));
  EXPECT_EQ(scan_all({"MATCH", "*"}), (std::set<std::string>{"", "x"}));
}

TEST_F(Keys, KeysAndScanSkipExpiredKeys) {
  run({"SET", "live", "1"});
  run({"SET", "dying", "1", "PX", "10"});
  h.pin_clock(kNow + 10);
  EXPECT_EQ(run({"KEYS", "*"}), "[\"live\"]");
  EXPECT_EQ(scan_all(), (std::set<std::string>{"live"}));
}

TEST_F(Keys, ScanVisitsEveryKey) {
  std::set<std::string> expected;
  for (int i = 0; i < 1000; ++i) {
    const std::string key = "key:" + std::to_string(i);
    h.run(std::vector<std::string>{"SET", key, "v"});
    expected.insert(key);
  }
  EXPECT_EQ(scan_all(), expected);
  EXPECT_EQ(scan_all({"COUNT", "1"}), expected);
  EXPECT_EQ(scan_all({"COUNT", "1000"}), expected);
  EXPECT_EQ(scan_all({"MATCH", "key:99*"}), (std::set<std::string>{"key:99", "key:990", "key:991", "key:992",
                                                                     "key:993", "key:994", "key:995", "key:996",
                                                                     "key:997", "key:998", "key:999"}));
}

TEST_F(Keys, ScanFiltersByType) {
  run({"SET", "s", "v"});
  make_notetree("tree");
  EXPECT_EQ(scan_all({"TYPE", "notetree"}), (std::set<std::string>{"tree"}));
  EXPECT_EQ(scan_all({"TYPE", "string"}), (std::set<std::string>{"s"}));
  EXPECT_EQ(scan_all({"TYPE", "STRING"}), (std::set<std::string>{"s"}));
  EXPECT_EQ(scan_all({"TYPE", "nosuchtype"}), (std::set<std::string>{}));
  EXPECT_EQ(scan_all({"TYPE", "string", "MATCH", "t*"}), (std::set<std::string>{}));
}

TEST_F(Keys, ScanOfAnEmptyDatabase) { EXPECT_EQ(run({"SCAN", "0"}), "[\"0\", []]"); }

TEST_F(Keys, ScanOptionErrors) {
  run({"SET", "a", "1"});
  EXPECT_EQ(run({"SCAN", "0", "COUNT", "0"}), kSyntax);
  EXPECT_EQ(run({"SCAN", "0", "COUNT", "-1"}), kSyntax);
  EXPECT_EQ(run({"SCAN", "0", "COUNT", "abc"}), kNotInt);
  EXPECT_EQ(run({"SCAN", "0", "MATCH"}), kSyntax);
  EXPECT_EQ(run({"SCAN", "0", "FOO", "bar"}), kSyntax);
}

TEST_F(Keys, ScanCursorIsParsedLikeStrtoul) {
  run({"SET", "a", "1"});
  const std::string invalid = err("ERR invalid cursor");
  EXPECT_EQ(run({"SCAN", "abc"}), invalid);
  EXPECT_EQ(run({"SCAN", " 1"}), invalid);
  EXPECT_EQ(run({"SCAN", "0x"}), invalid);
  EXPECT_EQ(run({"SCAN", "18446744073709551616"}), invalid);
  // redis-server 7.0 accepts these: strtoul reads "" as 0 and wraps "-1".
  for (const char* cursor : {"", "+0", "-0", "-1", "18446744073709551615"}) {
    const protocol::Reply reply = h.run(std::vector<std::string>{"SCAN", cursor});
    EXPECT_FALSE(reply.is_error()) << "'" << cursor << "': " << reply.to_string();
  }
}

TEST_F(Keys, Randomkey) {
  EXPECT_EQ(run({"RANDOMKEY"}), "nil");
  run({"SET", "only", "v"});
  EXPECT_EQ(run({"RANDOMKEY"}), "\"only\"");
}

TEST_F(Keys, RandomkeyPassesOverManyExpiredKeys) {
  for (int i = 0; i < 1000; ++i) h.run(std::vector<std::string>{"SET", "old:" + std::to_string(i), "v", "PX", "1"});
  run({"SET", "live", "v"});
  h.pin_clock(kNow + 1);
  EXPECT_EQ(run({"RANDOMKEY"}), "\"live\"");
  for (int i = 0; i < 1000; ++i) h.run(std::vector<std::string>{"SET", "gone:" + std::to_string(i), "v", "PX", "1"});
  h.pin_clock(kNow + 2);
  run({"DEL", "live"});
  EXPECT_EQ(run({"RANDOMKEY"}), "nil");
  EXPECT_EQ(run({"DBSIZE"}), "0");
}

TEST_F(Keys, RenameMovesValueAndTtl) {
  run({"SET", "a", "1", "EX", "100"});
  run({"SET", "b", "2", "EX", "500"});
  EXPECT_EQ(run({"RENAME", "a", "b"}), kOk);
  EXPECT_EQ(run({"GET", "b"}), "\"1\"");
  EXPECT_EQ(run({"TTL", "b"}), "100");
  EXPECT_EQ(run({"EXISTS", "a"}), "0");
  run({"SET", "c", "3"});
  EXPECT_EQ(run({"RENAME", "b", "c"}), kOk);
  EXPECT_EQ(run({"TTL", "c"}), "100");
  run({"SET", "plain", "p"});
  run({"SET", "withttl", "t", "EX", "50"});
  EXPECT_EQ(run({"RENAME", "plain", "withttl"}), kOk);
  EXPECT_EQ(run({"TTL", "withttl"}), "-1");  // the destination's TTL goes with its value
  EXPECT_EQ(h.instance().db(0).expires_count(), 1u);
}

TEST_F(Keys, RenameSameKeyAndErrors) {
  run({"SET", "a", "1", "EX", "100"});
  EXPECT_EQ(run({"RENAME", "a", "a"}), kOk);
  EXPECT_EQ(run({"TTL", "a"}), "100");
  EXPECT_EQ(run({"RENAMENX", "a", "a"}), "0");
  EXPECT_EQ(run({"RENAME", "nokey", "x"}), err("ERR no such key"));
  EXPECT_EQ(run({"RENAMENX", "nokey", "x"}), err("ERR no such key"));
  EXPECT_EQ(run({"RENAME", "nokey", "nokey"}), err("ERR no such key"));
}

TEST_F(Keys, RenamenxOnlyWhenTheTargetIsAbsent) {
  run({"SET", "c", "3", "EX", "100"});
  run({"SET", "d", "4"});
  EXPECT_EQ(run({"RENAMENX", "c", "d"}), "0");
  EXPECT_EQ(run({"RENAMENX", "c", "e"}), "1");
  EXPECT_EQ(run({"TTL", "e"}), "100");
  EXPECT_EQ(run({"GET", "d"}), "\"4\"");
}

TEST_F(Keys, RenameMovesANoteTree) {
  make_notetree("tree");
  EXPECT_EQ(run({"RENAME", "tree", "tree2"}), kOk);
  EXPECT_EQ(run({"TYPE", "tree2"}), "\"notetree\"");
}

TEST_F(Keys, CopyKeepsTtlAndHonoursReplace) {
  run({"SET", "e", "v", "EX", "100"});
  EXPECT_EQ(run({"COPY", "e", "f"}), "1");
  EXPECT_EQ(run({"GET", "f"}), "\"v\"");
  EXPECT_EQ(run({"TTL", "f"}), "100");
  run({"SET", "x", "1"});
  EXPECT_EQ(run({"COPY", "x", "e"}), "0");
  EXPECT_EQ(run({"COPY", "x", "e", "REPLACE"}), "1");
  EXPECT_EQ(run({"GET", "e"}), "\"1\"");
  EXPECT_EQ(run({"TTL", "e"}), "-1");
  EXPECT_EQ(run({"COPY", "x", "e", "REPLACE", "REPLACE"}), "1");
  EXPECT_EQ(run({"COPY", "nokey", "b"}), "0");
  EXPECT_EQ(h.instance().db(0).expires_count(), 1u);
}

TEST_F(Keys, CopyToAnotherDatabase) {
  run({"SET", "e", "v", "EX", "100"});
  EXPECT_EQ(run({"COPY", "e", "e", "DB", "1"}), "1");
  EXPECT_EQ(run({"COPY", "e", "e", "DB", "1"}), "0");
  EXPECT_EQ(run({"COPY", "e", "e", "DB", "1", "REPLACE"}), "1");
  run({"SELECT", "1"});
  EXPECT_EQ(run({"GET", "e"}), "\"v\"");
  EXPECT_EQ(run({"TTL", "e"}), "100");
}

TEST_F(Keys, CopyIsDeepForObjects) {
  make_notetree("tree");
  EXPECT_EQ(run({"COPY", "tree", "tree2"}), "1");
  run({"DEL", "tree"});
  EXPECT_EQ(run({"TYPE", "tree2"}), "\"notetree\"");
}

TEST_F(Keys, CopyErrors) {
  run({"SET", "a", "1"});
  EXPECT_EQ(run({"COPY", "a", "a"}), kSame);
  EXPECT_EQ(run({"COPY", "a", "a", "DB", "0"}), kSame);
  EXPECT_EQ(run({"COPY", "a", "b", "DB", "16"}), kOutOfRange);
  EXPECT_EQ(run({"COPY", "a", "b", "DB", "-1"}), kOutOfRange);
  EXPECT_EQ(run({"COPY", "a", "b", "DB", "abc"}), kNotInt);
  EXPECT_EQ(run({"COPY", "a", "b", "DB", "99999999999"}), kIntRange);
  EXPECT_EQ(run({"COPY", "a", "b", "DB"}), kSyntax);
  EXPECT_EQ(run({"COPY", "a", "b", "FOO"}), kSyntax);
}

TEST_F(Keys, MoveCarriesTheTtl) {
  run({"SET", "h", "1", "EX", "50"});
  EXPECT_EQ(run({"MOVE", "h", "1"}), "1");
  EXPECT_EQ(run({"EXISTS", "h"}), "0");
  EXPECT_EQ(h.instance().db(0).expires_count(), 0u);
  run({"SELECT", "1"});
  EXPECT_EQ(run({"TTL", "h"}), "50");
  run({"SELECT", "0"});
  run({"SET", "h", "other"});
  EXPECT_EQ(run({"MOVE", "h", "1"}), "0");  // present in the target
  EXPECT_EQ(run({"MOVE", "nokey", "1"}), "0");
}

TEST_F(Keys, MoveErrors) {
  run({"SET", "a", "1"});
  EXPECT_EQ(run({"MOVE", "a", "0"}), kSame);
  EXPECT_EQ(run({"MOVE", "a", "16"}), kOutOfRange);
  EXPECT_EQ(run({"MOVE", "a", "abc"}), kNotInt);
  EXPECT_EQ(run({"MOVE", "a", "99999999999"}), kIntRange);
}

TEST_F(Keys, ObjectEncodingOfStrings) {
  const std::string s44(44, 'x'), s45(45, 'x');
  h.run(std::vector<std::string>{"MSET", "int", "1234567890123456789", "neg", "-5", "big", "12345678901234567890",
                                 "s44", s44, "s45", s45, "lead0", "01"});
  EXPECT_EQ(run({"OBJECT", "ENCODING", "int"}), "\"int\"");
  EXPECT_EQ(run({"OBJECT", "ENCODING", "neg"}), "\"int\"");
  EXPECT_EQ(run({"OBJECT", "ENCODING", "big"}), "\"embstr\"");  // does not fit a long
  EXPECT_EQ(run({"OBJECT", "ENCODING", "s44"}), "\"embstr\"");
  EXPECT_EQ(run({"OBJECT", "ENCODING", "s45"}), "\"raw\"");
  EXPECT_EQ(run({"OBJECT", "ENCODING", "lead0"}), "\"embstr\"");
  EXPECT_EQ(run({"OBJECT", "ENCODING", "nokey"}), "nil");
}

TEST_F(Keys, ObjectEncodingAfterAppendSetrangeAndIncr) {
  run({"SET", "a", "1"});
  run({"APPEND", "a", "2"});
  EXPECT_EQ(run({"OBJECT", "ENCODING", "a"}), "\"raw\"");
  run({"APPEND", "n1", "5"});  // a new key is encoded as SET would
  run({"APPEND", "n2", "hello"});
  EXPECT_EQ(run({"OBJECT", "ENCODING", "n1"}), "\"int\"");
  EXPECT_EQ(run({"OBJECT", "ENCODING", "n2"}), "\"embstr\"");
  run({"APPEND", "n2", "!"});
  EXPECT_EQ(run({"OBJECT", "ENCODING", "n2"}), "\"raw\"");
  EXPECT_EQ(run({"GET", "n2"}), "\"hello!\"");
  run({"SET", "str", "1"});
  run({"SETRANGE", "str", "0", "2"});
  EXPECT_EQ(run({"OBJECT", "ENCODING", "str"}), "\"raw\"");
  run({"INCR", "str"});
  EXPECT_EQ(run({"OBJECT", "ENCODING", "str"}), "\"int\"");
  EXPECT_EQ(run({"SETRANGE", "new", "0", "abc"}), "3");
  EXPECT_EQ(run({"OBJECT", "ENCODING", "new"}), "\"raw\"");
  make_notetree("tree");
  EXPECT_EQ(run({"OBJECT", "ENCODING", "tree"}), "\"notetree\"");
}

TEST_F(Keys, ObjectSubcommands) {
  run({"SET", "a", "1"});
  EXPECT_EQ(run({"OBJECT", "REFCOUNT", "a"}), "1");
  EXPECT_EQ(run({"OBJECT", "IDLETIME", "a"}), "0");
  EXPECT_EQ(run({"OBJECT", "FREQ", "a"}),
            err("ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that "
                "when switching between policies at runtime LRU and LFU data will take some time to adjust."));
  EXPECT_EQ(run({"OBJECT", "FREQ", "nokey"}), "nil");
  EXPECT_EQ(run({"OBJECT", "foo", "a"}), err("ERR unknown subcommand 'foo'. Try OBJECT HELP."));
  EXPECT_EQ(run({"OBJECT"}), err("ERR wrong number of arguments for 'object' command"));
  EXPECT_EQ(run({"OBJECT", "ENCODING"}), err("ERR wrong number of arguments for 'object|encoding' command"));
  EXPECT_EQ(h.run({"OBJECT", "HELP"}).elements.front().str,
            "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
}

}  // namespace
}  // namespace arbor
