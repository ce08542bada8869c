// Stream commands through the harness: XADD (ids, options, trimming, every
// error), XLEN, XRANGE/XREVRANGE, XDEL, XTRIM, XSETID, RESP2/RESP3 shapes
// and the generic commands on a stream (TYPE, OBJECT ENCODING, COPY, RENAME,
// SCAN TYPE, EXPIRE). Expected replies were taken from redis-server 7.0.15.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/unit/commands/harness.h"

namespace arbor {
namespace {

using testing::CommandHarness;
using testing::err;
using testing::kOk;

const std::string kWrongType = err("WRONGTYPE Operation against a key holding the wrong kind of value");
const std::string kInvalidId = err("ERR Invalid stream ID specified as stream command argument");
const std::string kTooSmall = err("ERR The ID specified in XADD is equal or smaller than the target stream top item");
const std::string kXaddArity = err("ERR wrong number of arguments for 'xadd' command");

class Streams : public ::testing::Test {
 protected:
  static constexpr int64_t kNow = 1'700'000'000'000;
  Streams() { h.pin_clock(kNow); }
  std::string run(std::initializer_list<std::string_view> args) { return h.text(args); }
  // Adds n entries with ids 1-0 .. n-0 (field f, value v<i>).
  void fill(std::string_view key, int n) {
    for (int i = 1; i <= n; ++i) {
      const std::string id = std::to_string(i) + "-0";
      const std::string value = "v" + std::to_string(i);
      h.run({"XADD", key, id, "f", value});
    }
  }
  CommandHarness h;
};

TEST_F(Streams, XaddAutoIdsFollowTheClock) {
  EXPECT_EQ(run({"XADD", "s", "*", "f", "v"}), "\"1700000000000-0\"");
  EXPECT_EQ(run({"XADD", "s", "*", "f", "v"}), "\"1700000000000-1\"");
  h.pin_clock(kNow - 5);  // the clock went back: the sequence keeps growing
  EXPECT_EQ(run({"XADD", "s", "*", "f", "v"}), "\"1700000000000-2\"");
  h.pin_clock(kNow + 1);
  EXPECT_EQ(run({"XADD", "s", "*", "a", "1", "b", "2"}), "\"1700000000001-0\"");
  EXPECT_EQ(run({"XLEN", "s"}), "4");
  EXPECT_EQ(run({"XRANGE", "s", "1700000000001", "+"}),
            "[[\"1700000000001-0\", [\"a\", \"1\", \"b\", \"2\"]]]");
}

TEST_F(Streams, XaddExplicitIdForms) {
  EXPECT_EQ(run({"XADD", "s", "0-0", "f", "v"}), err("ERR The ID specified in XADD must be greater than 0-0"));
  EXPECT_EQ(run({"EXISTS", "s"}), "0");
  EXPECT_EQ(run({"XADD", "s", "0-*", "f", "v"}), "\"0-1\"");
  EXPECT_EQ(run({"XADD", "s", "0-*", "f", "v"}), "\"0-2\"");
  EXPECT_EQ(run({"XADD", "s", "5", "f", "v"}), "\"5-0\"");
  EXPECT_EQ(run({"XADD", "s", "3-*", "f", "v"}), kTooSmall);
  EXPECT_EQ(run({"XADD", "s", "5-*", "f", "v"}), "\"5-1\"");
  EXPECT_EQ(run({"XADD", "s", "5-1", "f", "v"}), kTooSmall);
  EXPECT_EQ(run({"XADD", "s", "+5-1", "f", "v"}), kTooSmall);  // strtoull takes '+'
  EXPECT_EQ(run({"XADD", "s", " 6-1", "f", "v"}), "\"6-1\"");  // and leading blanks
  EXPECT_EQ(run({"XADD", "s", "00001-000", "f", "v"}), kTooSmall);
  EXPECT_EQ(run({"XADD", "s", "7-*", "f", "v"}), "\"7-0\"");
  for (std::string_view bad : {"7-1x", "-", "+", "", " ", "-18446744073709551615-5", "18446744073709551616-1",
                               "1-18446744073709551616", "1--1", "a-1", "1-*-*"})
    EXPECT_EQ(h.run({"XADD", "s", bad, "f", "v"}).to_string(), kInvalidId) << bad;
  EXPECT_EQ(run({"XADD", "s", std::string(128, '9'), "f", "v"}), kInvalidId);
}

TEST_F(Streams, XaddAtTheLastPossibleId) {
  EXPECT_EQ(run({"XADD", "s2", "18446744073709551615-18446744073709551614", "f", "v"}),
            "\"18446744073709551615-18446744073709551614\"");
  EXPECT_EQ(run({"XADD", "s2", "18446744073709551615-*", "f", "v"}),
            "\"18446744073709551615-18446744073709551615\"");
  const std::string exhausted = err("ERR The stream has exhausted the last possible ID, unable to add more items");
  EXPECT_EQ(run({"XADD", "s2", "*", "f", "v"}), exhausted);
  EXPECT_EQ(run({"XADD", "s2", "18446744073709551615-*", "f", "v"}), exhausted);
  EXPECT_EQ(run({"XADD", "s2", "1-1", "f", "v"}), exhausted);
  // Auto ids roll over to the next millisecond when the sequence is full.
  EXPECT_EQ(run({"XADD", "s3", "1700000000000-18446744073709551615", "f", "v"}),
            "\"1700000000000-18446744073709551615\"");
  EXPECT_EQ(run({"XADD", "s3", "*", "f", "v"}), "\"1700000000001-0\"");
  EXPECT_EQ(run({"XADD", "s4", "1700000000000-18446744073709551615", "f", "v"}),
            "\"1700000000000-18446744073709551615\"");
  EXPECT_EQ(run({"XADD", "s4", "1700000000000-*", "f", "v"}), kTooSmall);
}

TEST_F(Streams, XaddArityAndOptionErrors) {
  EXPECT_EQ(run({"XADD", "s", "1-1", "f"}), err("ERR wrong number of arguments for 'xadd' command"));
  EXPECT_EQ(run({"XADD", "s", "1-1", "f", "v", "g"}), kXaddArity);
  EXPECT_EQ(run({"XADD", "s", "nomkstream", "*"}), kXaddArity);
  EXPECT_EQ(run({"XADD", "s", "nomkstream", "f", "v"}), kInvalidId);  // "f" taken as the id
  EXPECT_EQ(run({"XADD", "s", "*", "f"}), kXaddArity);
  EXPECT_EQ(run({"XADD", "s", "MAXLEN", "7-1", "f", "v"}), testing::kNotInt);
  EXPECT_EQ(run({"XADD", "s", "MAXLEN", "~", "*", "f", "v"}), testing::kNotInt);
  EXPECT_EQ(run({"XADD", "s", "MAXLEN", "-1", "*", "f", "v"}), err("ERR The MAXLEN argument must be >= 0."));
  EXPECT_EQ(run({"XADD", "s", "MAXLEN", "=", "10", "LIMIT", "5", "*", "f", "v"}),
            err("ERR syntax error, LIMIT cannot be used without the special ~ option"));
  EXPECT_EQ(run({"XADD", "s", "LIMIT", "0", "*", "f", "v"}),
            err("ERR syntax error, LIMIT cannot be used without the special ~ option"));
  EXPECT_EQ(run({"XADD", "s", "MAXLEN", "1", "LIMIT", "5", "*"}),
            err("ERR syntax error, LIMIT cannot be used without the special ~ option"));
  EXPECT_EQ(run({"XADD", "s", "LIMIT", "5", "*", "f", "v"}),
            err("ERR syntax error, LIMIT cannot be used without specifying a trimming strategy"));
  EXPECT_EQ(run({"XADD", "s", "MAXLEN", "1", "MINID", "5", "*", "f", "v"}),
            err("ERR syntax error, MAXLEN and MINID options at the same time are not compatible"));
  EXPECT_EQ(run({"XADD", "s", "MINID", "abc", "*", "f", "v"}), kInvalidId);
  EXPECT_EQ(run({"XADD", "s", "MAXLEN", "1", "LIMIT", "-1", "*", "f", "v"}),
            err("ERR The LIMIT argument must be >= 0."));
  EXPECT_EQ(run({"XADD", "s", "MAXLEN", "1", "LIMIT", "abc", "*", "f", "v"}), testing::kNotInt);
  EXPECT_EQ(run({"XADD", "s", "foo", "f", "v"}), kInvalidId);
  EXPECT_EQ(run({"EXISTS", "s"}), "0");
  EXPECT_EQ(run({"XADD", "s"}), kXaddArity);
}

TEST_F(Streams, XaddNomkstreamAndWrongType) {
  EXPECT_EQ(h.raw({"XADD", "nos", "NOMKSTREAM", "*", "f", "v"}), "$-1\r\n");
  EXPECT_EQ(h.raw({"XADD", "nos", "nomkstream", "nomkstream", "1-1", "f", "v"}), "$-1\r\n");
  h.set_resp(3);
  EXPECT_EQ(h.raw({"XADD", "nos", "NOMKSTREAM", "*", "f", "v"}), "_\r\n");
  EXPECT_EQ(run({"EXISTS", "nos"}), "0");
  EXPECT_EQ(run({"XADD", "s", "1-1", "f", "v"}), "\"1-1\"");
  EXPECT_EQ(run({"XADD", "s", "NOMKSTREAM", "2-1", "f", "v"}), "\"2-1\"");
  run({"SET", "str", "x"});
  EXPECT_EQ(run({"XADD", "str", "0-0", "f", "v"}), err("ERR The ID specified in XADD must be greater than 0-0"));
  EXPECT_EQ(run({"XADD", "str", "1-1", "f", "v"}), kWrongType);
  EXPECT_EQ(run({"XADD", "str", "1-1", "f"}), kXaddArity);
  EXPECT_EQ(run({"XLEN", "str"}), kWrongType);
  EXPECT_EQ(run({"XRANGE", "str", "-", "+"}), kWrongType);
  EXPECT_EQ(run({"XREVRANGE", "str", "+", "-"}), kWrongType);
  EXPECT_EQ(run({"XDEL", "str", "1"}), kWrongType);
  EXPECT_EQ(run({"XTRIM", "str", "MAXLEN", "1"}), kWrongType);
  EXPECT_EQ(run({"XSETID", "str", "1"}), kWrongType);
}

TEST_F(Streams, XaddTrims) {
  // for i in 1..250: XADD s MAXLEN ~ 10 * f v  ->  XLEN 50 (whole blocks of 100 go)
  for (int i = 0; i < 250; ++i) h.run({"XADD", "s", "MAXLEN", "~", "10", "*", "f", "v"});
  EXPECT_EQ(run({"XLEN", "s"}), "50");
  EXPECT_EQ(run({"XADD", "s", "MAXLEN", "10", "*", "f", "v"}), "\"1700000000000-250\"");
  EXPECT_EQ(run({"XLEN", "s"}), "10");
  EXPECT_EQ(run({"XADD", "s", "MAXLEN", "=", "3", "*", "f", "v"}), "\"1700000000000-251\"");
  EXPECT_EQ(run({"XLEN", "s"}), "3");
  EXPECT_EQ(run({"XRANGE", "s", "-", "+", "COUNT", "1"}), "[[\"1700000000000-249\", [\"f\", \"v\"]]]");
  EXPECT_EQ(run({"XADD", "s", "MINID", "1700000000000-251", "*", "f", "v"}), "\"1700000000000-252\"");
  EXPECT_EQ(run({"XLEN", "s"}), "2");
  // MAXLEN 0 keeps an empty stream, as Redis.
  EXPECT_EQ(run({"XADD", "s", "MAXLEN", "0", "*", "f", "v"}), "\"1700000000000-253\"");
  EXPECT_EQ(run({"XLEN", "s"}), "0");
  EXPECT_EQ(run({"EXISTS", "s"}), "1");
  EXPECT_EQ(run({"XADD", "t", "MAXLEN", "~", "0", "LIMIT", "0", "*", "f", "v"}), "\"1700000000000-0\"");
}

TEST_F(Streams, XrangeAndXrevrange) {
  run({"XADD", "s", "1-1", "a", "1"});
  run({"XADD", "s", "1-2", "b", "2", "c", "3"});
  run({"XADD", "s", "2-0", "a", "1"});
  const std::string e11 = "[\"1-1\", [\"a\", \"1\"]]";
  const std::string e12 = "[\"1-2\", [\"b\", \"2\", \"c\", \"3\"]]";
  const std::string e20 = "[\"2-0\", [\"a\", \"1\"]]";
  EXPECT_EQ(run({"XRANGE", "s", "-", "+"}), "[" + e11 + ", " + e12 + ", " + e20 + "]");
  EXPECT_EQ(run({"XRANGE", "s", "1", "1"}), "[" + e11 + ", " + e12 + "]");
  EXPECT_EQ(run({"XRANGE", "s", "(1-1", "+"}), "[" + e12 + ", " + e20 + "]");
  EXPECT_EQ(run({"XRANGE", "s", "-", "(2"}), "[" + e11 + ", " + e12 + ", " + e20 + "]");
  EXPECT_EQ(run({"XRANGE", "s", "-", "(2-0"}), "[" + e11 + ", " + e12 + "]");
  EXPECT_EQ(run({"XRANGE", "s", "-", "(0"}), "[]");
  EXPECT_EQ(run({"XRANGE", "s", "5", "1"}), "[]");
  EXPECT_EQ(run({"XRANGE", "s", "+", "-"}), "[]");
  EXPECT_EQ(run({"XRANGE", "s", "-", "+", "COUNT", "1", "count", "2"}), "[" + e11 + ", " + e12 + "]");
  EXPECT_EQ(run({"XREVRANGE", "s", "+", "-", "COUNT", "2"}), "[" + e20 + ", " + e12 + "]");
  EXPECT_EQ(run({"XREVRANGE", "s", "1", "1"}), "[" + e12 + ", " + e11 + "]");
  EXPECT_EQ(run({"XREVRANGE", "s", "(2-0", "-"}), "[" + e12 + ", " + e11 + "]");
  EXPECT_EQ(run({"XRANGE", "nokey", "-", "+"}), "[]");
  // COUNT 0 (or negative): a null array on a stream, an empty one on no key.
  EXPECT_EQ(h.raw({"XRANGE", "s", "-", "+", "COUNT", "0"}), "*-1\r\n");
  EXPECT_EQ(h.raw({"XRANGE", "s", "-", "+", "COUNT", "-1"}), "*-1\r\n");
  EXPECT_EQ(h.raw({"XRANGE", "nokey", "-", "+", "COUNT", "0"}), "*0\r\n");
  h.set_resp(3);
  EXPECT_EQ(h.raw({"XRANGE", "s", "-", "+", "COUNT", "0"}), "_\r\n");
  EXPECT_EQ(h.raw({"XRANGE", "s", "2", "+"}), "*1\r\n*2\r\n$3\r\n2-0\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n");
}

TEST_F(Streams, XrangeErrors) {
  run({"XADD", "s", "1-1", "a", "1"});
  for (std::string_view bad : {"(-", "(", "(+", "((1", "1-*", "x", "1-2-3"})
    EXPECT_EQ(h.run({"XRANGE", "s", bad, "+"}).to_string(), kInvalidId) << bad;
  EXPECT_EQ(run({"XRANGE", "s", "-", "x"}), kInvalidId);
  EXPECT_EQ(run({"XRANGE", "s", "(18446744073709551615-18446744073709551615", "+"}),
            err("ERR invalid start ID for the interval"));
  EXPECT_EQ(run({"XRANGE", "s", "-", "(0-0"}), err("ERR invalid end ID for the interval"));
  EXPECT_EQ(run({"XRANGE", "s", "-", "+", "COUNT"}), testing::kSyntax);
  EXPECT_EQ(run({"XRANGE", "s", "-", "+", "foo", "1"}), testing::kSyntax);
  EXPECT_EQ(run({"XRANGE", "s", "-", "+", "COUNT", "x"}), testing::kNotInt);
  EXPECT_EQ(run({"XRANGE", "nokey", "-", "+", "COUNT", "x"}), testing::kNotInt);
  EXPECT_EQ(run({"XRANGE", "s", "-"}), err("ERR wrong number of arguments for 'xrange' command"));
  EXPECT_EQ(run({"XREVRANGE", "s", "+"}), err("ERR wrong number of arguments for 'xrevrange' command"));
  EXPECT_EQ(run({"XLEN"}), err("ERR wrong number of arguments for 'xlen' command"));
}

TEST_F(Streams, XdelAndEmptyStreamsStay) {
  run({"XADD", "s", "1-1", "a", "1"});
  run({"XADD", "s", "1-2", "b", "2"});
  run({"XADD", "s", "2-0", "a", "1"});
  EXPECT_EQ(run({"XDEL", "nokey", "bad"}), "0");
  EXPECT_EQ(run({"XDEL", "s", "bad"}), kInvalidId);
  EXPECT_EQ(run({"XDEL", "s", "2-0", "bad"}), kInvalidId);  // nothing deleted before the check
  EXPECT_EQ(run({"XLEN", "s"}), "3");
  EXPECT_EQ(run({"XDEL", "s", "1-1", "1-1", "5"}), "1");
  EXPECT_EQ(run({"XDEL", "s", "1"}), "0");
  EXPECT_EQ(run({"XDEL", "s", "1-2", "2-0"}), "2");
  EXPECT_EQ(run({"XLEN", "s"}), "0");
  EXPECT_EQ(run({"EXISTS", "s"}), "1");
  EXPECT_EQ(run({"TYPE", "s"}), "\"stream\"");
  EXPECT_EQ(run({"XRANGE", "s", "-", "+"}), "[]");
  // The top id is remembered: smaller ids stay refused.
  EXPECT_EQ(run({"XADD", "s", "2-0", "f", "v"}), kTooSmall);
  EXPECT_EQ(run({"XADD", "s", "2-*", "f", "v"}), "\"2-1\"");
  EXPECT_EQ(run({"XDEL", "s"}), err("ERR wrong number of arguments for 'xdel' command"));
}

TEST_F(Streams, Xtrim) {
  fill("s", 250);
  EXPECT_EQ(run({"XTRIM", "s", "MAXLEN", "~", "10"}), "200");
  EXPECT_EQ(run({"XLEN", "s"}), "50");
  EXPECT_EQ(run({"XTRIM", "s", "MAXLEN", "~", "10"}), "0");
  EXPECT_EQ(run({"XTRIM", "s", "maxlen", "10"}), "40");
  EXPECT_EQ(run({"XTRIM", "s", "MAXLEN", "=", "10"}), "0");
  EXPECT_EQ(run({"XRANGE", "s", "-", "+", "COUNT", "1"}), "[[\"241-0\", [\"f\", \"v241\"]]]");
  EXPECT_EQ(run({"XTRIM", "s", "MAXLEN", "0"}), "10");
  EXPECT_EQ(run({"EXISTS", "s"}), "1");
  fill("m", 250);
  EXPECT_EQ(run({"XTRIM", "m", "MINID", "~", "150"}), "100");
  EXPECT_EQ(run({"XTRIM", "m", "minid", "150"}), "49");
  EXPECT_EQ(run({"XLEN", "m"}), "101");
  EXPECT_EQ(run({"XTRIM", "m", "MAXLEN", "~", "0", "LIMIT", "30"}), "0");
  EXPECT_EQ(run({"XTRIM", "m", "MAXLEN", "~", "1", "LIMIT", "5"}), "0");
  EXPECT_EQ(run({"XTRIM", "m", "LIMIT", "200", "MAXLEN", "~", "0"}), "101");
  EXPECT_EQ(run({"XTRIM", "nokey", "MAXLEN", "1"}), "0");
}

TEST_F(Streams, XtrimErrors) {
  fill("s", 3);
  EXPECT_EQ(run({"XTRIM", "s"}), err("ERR wrong number of arguments for 'xtrim' command"));
  EXPECT_EQ(run({"XTRIM", "s", "MAXLEN"}), err("ERR wrong number of arguments for 'xtrim' command"));
  EXPECT_EQ(run({"XTRIM", "s", "foo", "1"}), testing::kSyntax);
  EXPECT_EQ(run({"XTRIM", "s", "MAXLEN", "1", "NOMKSTREAM"}), testing::kSyntax);
  EXPECT_EQ(run({"XTRIM", "s", "MINID", "10", "*"}), testing::kSyntax);
  EXPECT_EQ(run({"XTRIM", "s", "MAXLEN", "1", "LIMIT", "5", "x"}), testing::kSyntax);
  EXPECT_EQ(run({"XTRIM", "nokey", "MAXLEN", "x"}), testing::kNotInt);
  EXPECT_EQ(run({"XTRIM", "s", "MAXLEN", "~"}), testing::kNotInt);
  EXPECT_EQ(run({"XTRIM", "s", "MINID", "~"}), kInvalidId);
  EXPECT_EQ(run({"XTRIM", "s", "MINID", "=", "-"}), kInvalidId);
  EXPECT_EQ(run({"XTRIM", "s", "MINID", "(5"}), kInvalidId);
  EXPECT_EQ(run({"XTRIM", "s", "MAXLEN", "1", "LIMIT", "1"}),
            err("ERR syntax error, LIMIT cannot be used without the special ~ option"));
  EXPECT_EQ(run({"XTRIM", "s", "LIMIT", "0", "MAXLEN", "1"}),
            err("ERR syntax error, LIMIT cannot be used without the special ~ option"));
  EXPECT_EQ(run({"XTRIM", "s", "LIMIT", "5", "LIMIT", "6"}),
            err("ERR syntax error, LIMIT cannot be used without specifying a trimming strategy"));
  EXPECT_EQ(run({"XTRIM", "s", "MAXLEN", "1", "MAXLEN", "2"}),
            err("ERR syntax error, MAXLEN and MINID options at the same time are not compatible"));
  EXPECT_EQ(run({"XLEN", "s"}), "3");
}

TEST_F(Streams, Xsetid) {
  run({"XADD", "s", "5-0", "f", "v"});
  EXPECT_EQ(run({"XSETID", "s", "4-0"}),
            err("ERR The ID specified in XSETID is smaller than the target stream top item"));
  EXPECT_EQ(run({"XSETID", "s", "10-0"}), kOk);
  EXPECT_EQ(run({"XADD", "s", "9-0", "f", "v"}), kTooSmall);
  EXPECT_EQ(run({"XADD", "s", "10-*", "f", "v"}), "\"10-1\"");
  EXPECT_EQ(run({"XSETID", "nokey", "1-1"}), err("ERR no such key"));
  EXPECT_EQ(run({"XSETID", "s", "x"}), kInvalidId);
  EXPECT_EQ(run({"XSETID", "s", "20", "ENTRIESADDED", "-1"}), err("ERR entries_added must be positive"));
  EXPECT_EQ(run({"XSETID", "s", "20", "ENTRIESADDED", "1"}),
            err("ERR The entries_added specified in XSETID is smaller than the target stream length"));
  EXPECT_EQ(run({"XSETID", "s", "20", "MAXDELETEDID", "30"}),
            err("ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id"));
  EXPECT_EQ(run({"XSETID", "s", "20", "FOO", "1"}), testing::kSyntax);
  EXPECT_EQ(run({"XSETID", "s", "20", "ENTRIESADDED"}), testing::kSyntax);
  EXPECT_EQ(run({"XSETID", "s"}), err("ERR wrong number of arguments for 'xsetid' command"));
  EXPECT_EQ(run({"XSETID", "s", "20", "ENTRIESADDED", "5", "MAXDELETEDID", "15"}), kOk);
  EXPECT_EQ(run({"XSETID", "s", "16"}), kOk);
  EXPECT_EQ(run({"XSETID", "s", "14"}), kOk);  // below max_deleted_entry_id 15-0: fine in 7.0.15
  EXPECT_EQ(run({"XSETID", "s", "4"}),
            err("ERR The ID specified in XSETID is smaller than the target stream top item"));
  EXPECT_EQ(run({"XDEL", "s", "5-0", "10-1"}), "2");
  EXPECT_EQ(run({"XSETID", "s", "1-0"}), kOk);  // an empty stream takes any id
  EXPECT_EQ(run({"XADD", "s", "1-*", "f", "v"}), "\"1-1\"");
}

TEST_F(Streams, GenericCommandsOnAStream) {
  fill("s", 120);
  EXPECT_EQ(run({"TYPE", "s"}), "\"stream\"");
  EXPECT_EQ(run({"OBJECT", "ENCODING", "s"}), "\"stream\"");
  EXPECT_EQ(run({"COPY", "s", "c"}), "1");
  EXPECT_EQ(run({"XDEL", "c", "1-0", "2-0"}), "2");
  EXPECT_EQ(run({"XLEN", "s"}), "120");
  EXPECT_EQ(run({"XLEN", "c"}), "118");
  EXPECT_EQ(run({"XADD", "c", "120-0", "f", "v"}), kTooSmall);  // last id copied
  EXPECT_EQ(run({"RENAME", "s", "r"}), kOk);
  EXPECT_EQ(run({"EXISTS", "s"}), "0");
  EXPECT_EQ(run({"XRANGE", "r", "120", "+"}), "[[\"120-0\", [\"f\", \"v120\"]]]");
  run({"SET", "str", "v"});
  auto scan = h.run({"SCAN", "0", "TYPE", "stream", "COUNT", "100"});
  std::vector<std::string> keys;
  for (const auto& e : scan.elements[1].elements) keys.push_back(e.str);
  std::sort(keys.begin(), keys.end());
  EXPECT_EQ(keys, (std::vector<std::string>{"c", "r"}));
  EXPECT_EQ(run({"PEXPIRE", "r", "100"}), "1");
  EXPECT_EQ(run({"XADD", "r", "*", "f", "v"}), "\"1700000000000-0\"");
  EXPECT_EQ(run({"PTTL", "r"}), "100");  // adding keeps the TTL
  h.pin_clock(kNow + 200);
  EXPECT_EQ(run({"XLEN", "r"}), "0");
  EXPECT_EQ(run({"EXISTS", "r"}), "0");
  EXPECT_EQ(run({"DEL", "c"}), "1");
}

TEST_F(Streams, MemoryUsageIsCompact) {
  for (int i = 0; i < 10000; ++i) h.run({"XADD", "s", "*", "myfield", "xxx"});
  EXPECT_EQ(run({"XLEN", "s"}), "10000");
  const auto usage = h.run({"MEMORY", "USAGE", "s"});
  if (usage.type == protocol::ReplyType::kInteger) {
    EXPECT_LT(usage.integer, 10000 * 16);  // ids and the value, not a node per entry
  }
}

}  // namespace
}  // namespace arbor
