// INCR/DECR/INCRBY/DECRBY/INCRBYFLOAT (parsing, overflow texts, formatting,
// TTL kept) and LCS with every option, through the in-process harness. The
// expected replies are redis-server 7.0.15's.
#include <gtest/gtest.h>

#include <string>

#include "tests/unit/commands/harness.h"

namespace arbor {
namespace {

using testing::CommandHarness;
using testing::err;
using testing::kOk;
using testing::kNotInt;

const std::string kWrongType = err("WRONGTYPE Operation against a key holding the wrong kind of value");
const std::string kNotFloat = err("ERR value is not a valid float");
constexpr int64_t kNow = 1'700'000'000'000;

class Counters : public ::testing::Test {
 protected:
  Counters() { h.pin_clock(kNow); }
  std::string run(std::initializer_list<std::string_view> args) { return h.text(args); }
  void make_notetree(std::string_view key) { ASSERT_EQ(run({"NOTE.ADD", key, "root", "a", "x"}), "1"); }
  CommandHarness h;
};

TEST_F(Counters, IncrFamily) {
  EXPECT_EQ(run({"INCR", "k"}), "1");
  EXPECT_EQ(run({"INCRBY", "k", "10"}), "11");
  EXPECT_EQ(run({"DECR", "k"}), "10");
  EXPECT_EQ(run({"DECRBY", "k", "3"}), "7");
  EXPECT_EQ(run({"INCRBY", "k", "-10"}), "-3");
  EXPECT_EQ(run({"DECRBY", "k", "-3"}), "0");
  EXPECT_EQ(run({"DECR", "nokey"}), "-1");
  EXPECT_EQ(run({"GET", "k"}), "\"0\"");
}

TEST_F(Counters, IncrKeepsTheTtl) {
  run({"SET", "k", "10"});
  run({"EXPIRE", "k", "100"});
  EXPECT_EQ(run({"INCR", "k"}), "11");
  EXPECT_EQ(run({"INCRBY", "k", "1000"}), "1011");  // a longer value: a new entry
  EXPECT_EQ(run({"TTL", "k"}), "100");
  EXPECT_EQ(run({"INCRBYFLOAT", "k", "1.5"}), "\"1012.5\"");
  EXPECT_EQ(run({"TTL", "k"}), "100");
}

TEST_F(Counters, IncrOnNonIntegersFails) {
  for (const char* value : {"abc", " 1", "1 ", "+1", "01", "1.5", "1e2", "", "-0", "9223372036854775808"}) {
    h.run(std::vector<std::string>{"SET", "k", value});
    EXPECT_EQ(run({"INCR", "k"}), kNotInt) << "'" << value << "'";
  }
  EXPECT_EQ(run({"INCRBY", "x", "abc"}), kNotInt);
  EXPECT_EQ(run({"INCRBY", "x", "9223372036854775808"}), kNotInt);
  EXPECT_EQ(run({"DECRBY", "x", " 1"}), kNotInt);
  make_notetree("tree");
  EXPECT_EQ(run({"INCR", "tree"}), kWrongType);
  EXPECT_EQ(run({"INCRBY", "tree", "abc"}), kNotInt);  // the increment is parsed first
}

TEST_F(Counters, OverflowTexts) {
  run({"SET", "big", "9223372036854775807"});
  EXPECT_EQ(run({"INCR", "big"}), err("ERR increment or decrement would overflow"));
  run({"SET", "small", "-9223372036854775808"});
  EXPECT_EQ(run({"DECR", "small"}), err("ERR increment or decrement would overflow"));
  EXPECT_EQ(run({"INCRBY", "small", "-1"}), err("ERR increment or decrement would overflow"));
  EXPECT_EQ(run({"DECRBY", "small", "-9223372036854775808"}), err("ERR decrement would overflow"));
  EXPECT_EQ(run({"DECRBY", "x", "-9223372036854775808"}), err("ERR decrement would overflow"));
  EXPECT_EQ(run({"INCRBY", "small", "9223372036854775807"}), "-1");
  EXPECT_EQ(run({"GET", "big"}), "\"9223372036854775807\"");
}

TEST_F(Counters, IncrbyfloatFormatsLikeRedis) {
  run({"SET", "f", "10.50"});
  EXPECT_EQ(run({"INCRBYFLOAT", "f", "0.1"}), "\"10.6\"");
  run({"SET", "g", "5.0e3"});
  EXPECT_EQ(run({"INCRBYFLOAT", "g", "0"}), "\"5000\"");
  EXPECT_EQ(run({"GET", "g"}), "\"5000\"");
  EXPECT_EQ(run({"INCRBYFLOAT", "h", "1.1e1"}), "\"11\"");
  EXPECT_EQ(run({"INCRBYFLOAT", "h", "0.0000001"}), "\"11.0000001\"");
  EXPECT_EQ(run({"INCRBYFLOAT", "h", "-11.0000001"}), "\"0\"");
  EXPECT_EQ(run({"INCRBYFLOAT", "i", "1e-5"}), "\"0.00001\"");
  EXPECT_EQ(run({"INCRBYFLOAT", "j", "100"}), "\"100\"");
  EXPECT_EQ(run({"INCRBYFLOAT", "j", "0.1"}), "\"100.1\"");
  EXPECT_EQ(run({"INCRBYFLOAT", "j", "-0.1"}), "\"100\"");
  run({"SET", "one", "1.0"});
  EXPECT_EQ(run({"INCRBYFLOAT", "one", "1"}), "\"2\"");
  EXPECT_EQ(run({"INCRBYFLOAT", "n", "1"}), "\"1\"");
  EXPECT_EQ(run({"INCRBYFLOAT", "n", "1.5e-20"}), "\"1\"");
  EXPECT_EQ(run({"INCRBYFLOAT", "z", "3.0000000000000000001"}), "\"3\"");
  EXPECT_EQ(run({"INCRBYFLOAT", "z2", "-0.0"}), "\"0\"");
}

TEST_F(Counters, IncrbyfloatAcceptsWhatStrtoldAccepts) {
  EXPECT_EQ(run({"INCRBYFLOAT", "a", ".5"}), "\"0.5\"");
  EXPECT_EQ(run({"INCRBYFLOAT", "b", "5."}), "\"5\"");
  EXPECT_EQ(run({"INCRBYFLOAT", "c", "+5"}), "\"5\"");
  run({"SET", "hex", "0x10"});
  EXPECT_EQ(run({"INCRBYFLOAT", "hex", "1"}), "\"17\"");
}

TEST_F(Counters, IncrbyfloatErrors) {
  run({"SET", "s", "abc"});
  EXPECT_EQ(run({"INCRBYFLOAT", "s", "1"}), kNotFloat);
  EXPECT_EQ(run({"INCRBYFLOAT", "s", "xyz"}), kNotFloat);
  EXPECT_EQ(run({"INCRBYFLOAT", "f", "abc"}), kNotFloat);
  EXPECT_EQ(run({"INCRBYFLOAT", "f", " 1"}), kNotFloat);
  EXPECT_EQ(run({"INCRBYFLOAT", "f", "nan"}), kNotFloat);
  EXPECT_EQ(run({"INCRBYFLOAT", "f", "inf"}), err("ERR increment would produce NaN or Infinity"));
  EXPECT_EQ(run({"INCRBYFLOAT", "f", "-inf"}), err("ERR increment would produce NaN or Infinity"));
  EXPECT_EQ(run({"EXISTS", "f"}), "0");
  for (const char* stored : {"  5", "5 ", ""}) {
    h.run(std::vector<std::string>{"SET", "k", stored});
    EXPECT_EQ(run({"INCRBYFLOAT", "k", "1"}), kNotFloat) << "'" << stored << "'";
  }
}

TEST_F(Counters, IncrbyfloatChecksTheTypeBeforeTheIncrement) {
  make_notetree("tree");
  EXPECT_EQ(run({"INCRBYFLOAT", "tree", "abc"}), kWrongType);
}

class Lcs : public Counters {
 protected:
  Lcs() { run({"MSET", "key1", "ohmytext", "key2", "mynewtext"}); }
};

TEST_F(Lcs, StringAndLength) {
  EXPECT_EQ(run({"LCS", "key1", "key2"}), "\"mytext\"");
  EXPECT_EQ(run({"LCS", "key1", "key2", "LEN"}), "6");
  EXPECT_EQ(run({"LCS", "key1", "nokey"}), "\"\"");
  EXPECT_EQ(run({"LCS", "nokey", "nokey2", "LEN"}), "0");
}

TEST_F(Lcs, Indexes) {
  EXPECT_EQ(run({"LCS", "key1", "key2", "IDX"}), "[\"matches\", [[[4, 7], [5, 8]], [[2, 3], [0, 1]]], \"len\", 6]");
  EXPECT_EQ(run({"LCS", "key1", "key2", "IDX", "WITHMATCHLEN"}),
            "[\"matches\", [[[4, 7], [5, 8], 4], [[2, 3], [0, 1], 2]], \"len\", 6]");
  EXPECT_EQ(run({"LCS", "key1", "key2", "IDX", "MINMATCHLEN", "4", "WITHMATCHLEN"}),
            "[\"matches\", [[[4, 7], [5, 8], 4]], \"len\", 6]");
  EXPECT_EQ(run({"LCS", "key1", "key2", "IDX", "MINMATCHLEN", "-5"}),
            "[\"matches\", [[[4, 7], [5, 8]], [[2, 3], [0, 1]]], \"len\", 6]");
  EXPECT_EQ(run({"LCS", "key1", "nokey", "IDX"}), "[\"matches\", [], \"len\", 0]");
}

TEST_F(Lcs, IndexesAreAMapInResp3) {
  h.set_resp(3);
  EXPECT_EQ(run({"LCS", "key1", "key2", "IDX", "MINMATCHLEN", "4"}), "{\"matches\": [[[4, 7], [5, 8]]], \"len\": 6}");
}

TEST_F(Lcs, Errors) {
  EXPECT_EQ(run({"LCS", "key1", "key2", "IDX", "LEN"}),
            err("ERR If you want both the length and indexes, please just use IDX."));
  EXPECT_EQ(run({"LCS", "key1", "key2", "FOO"}), err("ERR syntax error"));
  EXPECT_EQ(run({"LCS", "key1", "key2", "MINMATCHLEN"}), err("ERR syntax error"));
  EXPECT_EQ(run({"LCS", "key1", "key2", "MINMATCHLEN", "abc"}), kNotInt);
  make_notetree("tree");
  const std::string not_strings = err("ERR The specified keys must contain string values");
  EXPECT_EQ(run({"LCS", "tree", "key1"}), not_strings);
  EXPECT_EQ(run({"LCS", "key1", "tree", "LEN"}), not_strings);
  EXPECT_EQ(run({"LCS", "tree", "key1", "FOO"}), not_strings);  // types before options
}

TEST_F(Lcs, TableLargerThanProtoMaxBulkLenIsRefused) {
  h.config().settings().proto_max_bulk_len = 1048576;
  const std::string a(1000, 'a');
  h.run(std::vector<std::string>{"MSET", "big1", a, "big2", a});
  EXPECT_EQ(run({"LCS", "big1", "big2", "LEN"}),
            err("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len"));
  h.config().settings().proto_max_bulk_len = 512LL * 1024 * 1024;
  EXPECT_EQ(run({"LCS", "big1", "big2", "LEN"}), "1000");
}

TEST_F(Lcs, IdenticalAndDisjointStrings) {
  run({"MSET", "x", "abcdef", "y", "abcdef", "z", "uvw"});
  EXPECT_EQ(run({"LCS", "x", "y"}), "\"abcdef\"");
  EXPECT_EQ(run({"LCS", "x", "y", "IDX", "WITHMATCHLEN"}), "[\"matches\", [[[0, 5], [0, 5], 6]], \"len\", 6]");
  EXPECT_EQ(run({"LCS", "x", "z"}), "\"\"");
  EXPECT_EQ(run({"LCS", "x", "z", "IDX"}), "[\"matches\", [], \"len\", 0]");
}

}  // namespace
}  // namespace arbor
