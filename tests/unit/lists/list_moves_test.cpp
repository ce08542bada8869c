// LMOVE, RPOPLPUSH and LMPOP through the in-process harness: every
// direction, rotation of a list onto itself, type checks, null shapes in
// RESP2 and RESP3. Expected replies are redis-server 7.0.15's.
#include <gtest/gtest.h>

#include <string>

#include "server/core/command_docs.h"
#include "tests/unit/commands/harness.h"

namespace arbor {
namespace {

using testing::CommandHarness;
using testing::err;
using testing::kSyntax;

const std::string kWrongType = err("WRONGTYPE Operation against a key holding the wrong kind of value");

class ListMoves : public ::testing::Test {
 protected:
  std::string run(std::initializer_list<std::string_view> args) { return h.text(args); }
  CommandHarness h;
};

TEST_F(ListMoves, LmoveEveryDirection) {
  run({"RPUSH", "src", "a", "b", "c", "d"});
  EXPECT_EQ(run({"LMOVE", "src", "dst", "LEFT", "LEFT"}), "\"a\"");
  EXPECT_EQ(run({"LMOVE", "src", "dst", "right", "LEFT"}), "\"d\"");
  EXPECT_EQ(run({"LMOVE", "src", "dst", "LEFT", "RIGHT"}), "\"b\"");
  EXPECT_EQ(run({"LMOVE", "src", "dst", "RIGHT", "RIGHT"}), "\"c\"");
  EXPECT_EQ(run({"EXISTS", "src"}), "0");
  EXPECT_EQ(run({"LRANGE", "dst", "0", "-1"}), "[\"d\", \"a\", \"b\", \"c\"]");
  EXPECT_EQ(run({"LMOVE", "src", "dst", "UP", "LEFT"}), kSyntax);
  EXPECT_EQ(run({"LMOVE", "nokey", "dst", "LEFT", "LEFT"}), "nil");
}

TEST_F(ListMoves, LmoveToItselfRotates) {
  run({"RPUSH", "l", "a", "b", "c"});
  EXPECT_EQ(run({"LMOVE", "l", "l", "LEFT", "RIGHT"}), "\"a\"");
  EXPECT_EQ(run({"LRANGE", "l", "0", "-1"}), "[\"b\", \"c\", \"a\"]");
  EXPECT_EQ(run({"RPOPLPUSH", "l", "l"}), "\"a\"");
  EXPECT_EQ(run({"LRANGE", "l", "0", "-1"}), "[\"a\", \"b\", \"c\"]");
  run({"RPUSH", "one", "x"});
  EXPECT_EQ(run({"LMOVE", "one", "one", "LEFT", "LEFT"}), "\"x\"");  // never empty in between
  EXPECT_EQ(run({"LRANGE", "one", "0", "-1"}), "[\"x\"]");
  for (int i = 0; i < 300; ++i) h.run({"RPUSH", "big", std::to_string(i)});
  for (int i = 0; i < 300; ++i) h.run({"LMOVE", "big", "big", "RIGHT", "LEFT"});
  EXPECT_EQ(run({"LINDEX", "big", "0"}), "\"0\"");
  EXPECT_EQ(run({"LINDEX", "big", "299"}), "\"299\"");
}

TEST_F(ListMoves, RpoplpushAndTypes) {
  run({"RPUSH", "src", "a", "b"});
  EXPECT_EQ(run({"RPOPLPUSH", "src", "dst"}), "\"b\"");
  EXPECT_EQ(run({"LRANGE", "dst", "0", "-1"}), "[\"b\"]");
  run({"SET", "s", "v"});
  EXPECT_EQ(run({"RPOPLPUSH", "src", "s"}), kWrongType);
  EXPECT_EQ(run({"LMOVE", "src", "s", "LEFT", "LEFT"}), kWrongType);
  EXPECT_EQ(run({"LLEN", "src"}), "1");                // nothing popped on the error
  EXPECT_EQ(run({"RPOPLPUSH", "nokey", "s"}), "nil");  // destination unchecked without a source
  EXPECT_EQ(run({"RPOPLPUSH", "s", "dst"}), kWrongType);
  h.set_resp(3);
  EXPECT_EQ(h.raw({"RPOPLPUSH", "nokey", "dst"}), "_\r\n");
}

TEST_F(ListMoves, Lmpop) {
  run({"RPUSH", "l1", "a", "b", "c"});
  run({"RPUSH", "l2", "x", "y"});
  EXPECT_EQ(run({"LMPOP", "2", "nokey", "l1", "LEFT"}), "[\"l1\", [\"a\"]]");
  EXPECT_EQ(run({"LMPOP", "2", "l1", "l2", "RIGHT", "COUNT", "10"}), "[\"l1\", [\"c\", \"b\"]]");
  EXPECT_EQ(run({"EXISTS", "l1"}), "0");
  EXPECT_EQ(run({"LMPOP", "2", "l1", "l2", "left", "count", "1"}), "[\"l2\", [\"x\"]]");
  EXPECT_EQ(h.raw({"LMPOP", "1", "nokey", "LEFT"}), "*-1\r\n");
  h.set_resp(3);
  EXPECT_EQ(h.raw({"LMPOP", "1", "nokey", "LEFT"}), "_\r\n");
}

TEST_F(ListMoves, LmpopErrors) {
  run({"RPUSH", "l", "a"});
  run({"SET", "s", "v"});
  EXPECT_EQ(run({"LMPOP", "0", "l", "LEFT"}), err("ERR numkeys should be greater than 0"));
  EXPECT_EQ(run({"LMPOP", "x", "l", "LEFT"}), err("ERR numkeys should be greater than 0"));
  EXPECT_EQ(run({"LMPOP", "2", "l", "LEFT"}), kSyntax);
  EXPECT_EQ(run({"LMPOP", "1", "l", "MIDDLE"}), kSyntax);
  EXPECT_EQ(run({"LMPOP", "1", "l", "LEFT", "COUNT", "0"}), err("ERR count should be greater than 0"));
  EXPECT_EQ(run({"LMPOP", "1", "l", "LEFT", "COUNT", "-1"}), err("ERR count should be greater than 0"));
  EXPECT_EQ(run({"LMPOP", "1", "l", "LEFT", "COUNT", "1", "COUNT", "2"}), kSyntax);
  EXPECT_EQ(run({"LMPOP", "1", "l", "LEFT", "COUNT"}), kSyntax);
  EXPECT_EQ(run({"LMPOP", "1", "l", "LEFT", "foo"}), kSyntax);
  EXPECT_EQ(run({"LMPOP", "2", "nokey", "s", "LEFT"}), kWrongType);
  EXPECT_EQ(run({"LMPOP", "2", "l", "s", "LEFT"}), "[\"l\", [\"a\"]]");  // stops at the first list
  EXPECT_EQ(run({"LMPOP", "1", "l"}), err("ERR wrong number of arguments for 'lmpop' command"));
}

TEST_F(ListMoves, CommandInfoKeys) {
  EXPECT_EQ(h.run({"COMMAND", "INFO", "lmove"}).elements[0].elements[1].to_string(), "5");
  EXPECT_EQ(h.run({"COMMAND", "INFO", "lpos"}).elements[0].elements[1].to_string(), "-3");
}

// Every list row's syntax line parses, and names the groups as Redis does.
TEST_F(ListMoves, DocsOfListCommands) {
  for (const char* name : {"lpush", "rpush", "lpushx", "rpushx", "lpop", "rpop", "llen", "lrange", "ltrim",
                           "lindex", "lset", "linsert", "lrem", "lpos", "lmove", "rpoplpush", "lmpop"}) {
    const core::Command* c = h.instance().commands.find(name);
    ASSERT_NE(c, nullptr) << name;
    EXPECT_EQ(core::syntax_error(c->spec.syntax), "") << name;
  }
  const auto args = core::parse_syntax(h.instance().commands.find("lmove")->spec.syntax);
  ASSERT_EQ(args.size(), 4u);
  EXPECT_EQ(args[2].type, "oneof");
  EXPECT_EQ(args[2].arguments.size(), 2u);
}

}  // namespace
}  // namespace arbor
