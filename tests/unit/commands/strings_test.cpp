// String commands through the in-process harness: GET/SET with every option
// and conflict, GETEX/GETDEL/GETSET, MGET/MSET(NX), APPEND, SETRANGE,
// GETRANGE and STRLEN. Expected replies are redis-server 7.0.15's; the clock
// is pinned so TTLs are exact.
#include <gtest/gtest.h>

#include <string>

#include "tests/unit/commands/harness.h"

namespace arbor {
namespace {

using testing::CommandHarness;
using testing::err;
using testing::kOk;
using testing::kSyntax;
using testing::kNotInt;

const std::string kWrongType = err("WRONGTYPE Operation against a key holding the wrong kind of value");
constexpr int64_t kNow = 1'700'000'000'000;

class Strings : public ::testing::Test {
 protected:
  Strings() { h.pin_clock(kNow); }
  std::string run(std::initializer_list<std::string_view> args) { return h.text(args); }
  void make_notetree(std::string_view key) { ASSERT_EQ(run({"NOTE.ADD", key, "root", "a", "x"}), "1"); }
  CommandHarness h;
};

TEST_F(Strings, SetThenGet) {
  EXPECT_EQ(run({"SET", "k", "v"}), kOk);
  EXPECT_EQ(run({"GET", "k"}), "\"v\"");
  EXPECT_EQ(run({"GET", "missing"}), "nil");
  EXPECT_EQ(run({"SET", "k", ""}), kOk);
  EXPECT_EQ(run({"GET", "k"}), "\"\"");
}

TEST_F(Strings, ValuesAreBinarySafe) {
  const std::string value("a\0b\r\n\xff", 6);
  h.run(std::vector<std::string>{"SET", "bin", value});
  EXPECT_EQ(h.run({"GET", "bin"}).str, value);
  EXPECT_EQ(run({"STRLEN", "bin"}), "6");
}

TEST_F(Strings, GetOnANonStringIsWrongType) {
  make_notetree("tree");
  EXPECT_EQ(run({"GET", "tree"}), kWrongType);
  EXPECT_EQ(run({"STRLEN", "tree"}), kWrongType);
  EXPECT_EQ(run({"GETDEL", "tree"}), kWrongType);
  EXPECT_EQ(run({"GETEX", "tree"}), kWrongType);
  EXPECT_EQ(run({"GETSET", "tree", "v"}), kWrongType);
  EXPECT_EQ(run({"APPEND", "tree", "v"}), kWrongType);
  EXPECT_EQ(run({"GETRANGE", "tree", "0", "1"}), kWrongType);
  EXPECT_EQ(run({"SETRANGE", "tree", "0", "x"}), kWrongType);
  EXPECT_EQ(run({"MGET", "tree"}), "[nil]");
}

TEST_F(Strings, SetOverwritesAnyTypeAndDropsTheTtl) {
  make_notetree("tree");
  EXPECT_EQ(run({"SET", "tree", "v"}), kOk);
  EXPECT_EQ(run({"TYPE", "tree"}), "\"string\"");
  run({"SET", "k", "v", "EX", "100"});
  run({"SET", "k", "w"});
  EXPECT_EQ(run({"TTL", "k"}), "-1");
}

TEST_F(Strings, SetNxAndXx) {
  EXPECT_EQ(run({"SET", "k", "v", "XX"}), "nil");
  EXPECT_EQ(run({"EXISTS", "k"}), "0");
  EXPECT_EQ(run({"SET", "k", "v", "NX"}), kOk);
  EXPECT_EQ(run({"SET", "k", "w", "NX"}), "nil");
  EXPECT_EQ(run({"SET", "k", "w", "xx"}), kOk);
  EXPECT_EQ(run({"GET", "k"}), "\"w\"");
}

TEST_F(Strings, SetGetReturnsTheOldValue) {
  EXPECT_EQ(run({"SET", "k", "old", "GET"}), "nil");
  EXPECT_EQ(run({"SET", "k", "new", "NX", "GET"}), "\"old\"");  // NX blocks the write
  EXPECT_EQ(run({"GET", "k"}), "\"old\"");
  EXPECT_EQ(run({"SET", "k", "v2", "XX", "GET"}), "\"old\"");
  EXPECT_EQ(run({"SET", "missing", "v", "XX", "GET"}), "nil");
  EXPECT_EQ(run({"EXISTS", "missing"}), "0");
  make_notetree("tree");
  EXPECT_EQ(run({"SET", "tree", "v", "GET"}), kWrongType);
  EXPECT_EQ(run({"TYPE", "tree"}), "\"notetree\"");  // nothing written
}

TEST_F(Strings, SetExpireForms) {
  run({"SET", "ex", "v", "EX", "100"});
  run({"SET", "px", "v", "PX", "1500"});
  run({"SET", "exat", "v", "EXAT", "1700000100"});
  run({"SET", "pxat", "v", "PXAT", "1700000000250"});
  EXPECT_EQ(run({"PTTL", "ex"}), "100000");
  EXPECT_EQ(run({"PTTL", "px"}), "1500");
  EXPECT_EQ(run({"PTTL", "exat"}), "100000");
  EXPECT_EQ(run({"PTTL", "pxat"}), "250");
}

TEST_F(Strings, SetKeepTtl) {
  run({"SET", "k", "v", "EX", "100"});
  EXPECT_EQ(run({"SET", "k", "longer value", "KEEPTTL"}), kOk);
  EXPECT_EQ(run({"TTL", "k"}), "100");
  EXPECT_EQ(run({"SET", "k", "v", "KEEPTTL", "KEEPTTL"}), kOk);
  EXPECT_EQ(run({"TTL", "k"}), "100");
}

TEST_F(Strings, SetRepeatedOptionsAreAllowedAndTheLastExpireWins) {
  EXPECT_EQ(run({"SET", "k", "v", "EX", "10", "EX", "20"}), kOk);
  EXPECT_EQ(run({"TTL", "k"}), "20");
  EXPECT_EQ(run({"SET", "k", "v", "NX", "NX"}), "nil");
  EXPECT_EQ(run({"SET", "k", "w", "GET", "GET"}), "\"v\"");
}

TEST_F(Strings, SetConflictingOptionsAreSyntaxErrors) {
  EXPECT_EQ(run({"SET", "k", "v", "NX", "XX"}), kSyntax);
  EXPECT_EQ(run({"SET", "k", "v", "XX", "NX"}), kSyntax);
  EXPECT_EQ(run({"SET", "k", "v", "EX", "10", "PX", "100"}), kSyntax);
  EXPECT_EQ(run({"SET", "k", "v", "EXAT", "10", "PXAT", "100"}), kSyntax);
  EXPECT_EQ(run({"SET", "k", "v", "EX", "10", "KEEPTTL"}), kSyntax);
  EXPECT_EQ(run({"SET", "k", "v", "KEEPTTL", "EX", "10"}), kSyntax);
  EXPECT_EQ(run({"SET", "k", "v", "EX"}), kSyntax);
  EXPECT_EQ(run({"SET", "k", "v", "PERSIST"}), kSyntax);
  EXPECT_EQ(run({"SET", "k", "v", "FOO"}), kSyntax);
  EXPECT_EQ(run({"EXISTS", "k"}), "0");
}

TEST_F(Strings, SetSyntaxIsCheckedBeforeTheExpireValue) {
  EXPECT_EQ(run({"SET", "k", "v", "EX", "abc", "NX", "XX"}), kSyntax);
  EXPECT_EQ(run({"SET", "k", "v", "EX", "abc"}), kNotInt);
}

TEST_F(Strings, SetInvalidExpireTimes) {
  const std::string invalid = err("ERR invalid expire time in 'set' command");
  EXPECT_EQ(run({"SET", "k", "v", "EX", "0"}), invalid);
  EXPECT_EQ(run({"SET", "k", "v", "PX", "-1"}), invalid);
  EXPECT_EQ(run({"SET", "k", "v", "EXAT", "0"}), invalid);
  EXPECT_EQ(run({"SET", "k", "v", "EX", "9223372036854776"}), invalid);     // * 1000 overflows
  EXPECT_EQ(run({"SET", "k", "v", "PX", "9223372036854775807"}), invalid);  // + now overflows
  EXPECT_EQ(run({"SET", "k", "v", "PXAT", "9223372036854775807"}), kOk);
  EXPECT_EQ(run({"SET", "k", "v", "EXAT", "9223372036854775"}), kOk);
  EXPECT_EQ(run({"SET", "k", "v", "EX", "1.5"}), kNotInt);
}

TEST_F(Strings, SetExpireTimeIsCheckedBeforeGetsWrongType) {
  make_notetree("tree");
  EXPECT_EQ(run({"SET", "tree", "v", "EX", "abc", "GET"}), kNotInt);
}

TEST_F(Strings, SetWithAPastAbsoluteTimeLeavesNoKey) {
  EXPECT_EQ(run({"SET", "k", "v", "PXAT", "1"}), kOk);
  EXPECT_EQ(run({"GET", "k"}), "nil");
}

TEST_F(Strings, KeyVanishesWhenItsSetTtlPasses) {
  run({"SET", "k", "v", "PX", "100"});
  h.pin_clock(kNow + 99);
  EXPECT_EQ(run({"GET", "k"}), "\"v\"");
  h.pin_clock(kNow + 100);
  EXPECT_EQ(run({"GET", "k"}), "nil");
}

TEST_F(Strings, SetexAndPsetex) {
  EXPECT_EQ(run({"SETEX", "k", "10", "v"}), kOk);
  EXPECT_EQ(run({"TTL", "k"}), "10");
  EXPECT_EQ(run({"PSETEX", "k", "1500", "w"}), kOk);
  EXPECT_EQ(run({"PTTL", "k"}), "1500");
  EXPECT_EQ(run({"GET", "k"}), "\"w\"");
  EXPECT_EQ(run({"SETEX", "k", "0", "v"}), err("ERR invalid expire time in 'setex' command"));
  EXPECT_EQ(run({"PSETEX", "k", "-5", "v"}), err("ERR invalid expire time in 'psetex' command"));
  EXPECT_EQ(run({"SETEX", "k", "abc", "v"}), kNotInt);
  EXPECT_EQ(run({"SETEX", "k", "10"}), err("ERR wrong number of arguments for 'setex' command"));
}

TEST_F(Strings, Setnx) {
  EXPECT_EQ(run({"SETNX", "k", "1"}), "1");
  EXPECT_EQ(run({"SETNX", "k", "2"}), "0");
  EXPECT_EQ(run({"GET", "k"}), "\"1\"");
}

TEST_F(Strings, Getset) {
  EXPECT_EQ(run({"GETSET", "k", "a"}), "nil");
  run({"EXPIRE", "k", "100"});
  EXPECT_EQ(run({"GETSET", "k", "b"}), "\"a\"");
  EXPECT_EQ(run({"GET", "k"}), "\"b\"");
  EXPECT_EQ(run({"TTL", "k"}), "-1");
}

TEST_F(Strings, Getdel) {
  run({"SET", "k", "v"});
  EXPECT_EQ(run({"GETDEL", "k"}), "\"v\"");
  EXPECT_EQ(run({"GETDEL", "k"}), "nil");
  EXPECT_EQ(run({"EXISTS", "k"}), "0");
}

TEST_F(Strings, GetexSetsAndClearsTheTtl) {
  run({"SET", "k", "v"});
  EXPECT_EQ(run({"GETEX", "k"}), "\"v\"");
  EXPECT_EQ(run({"GETEX", "k", "EX", "100"}), "\"v\"");
  EXPECT_EQ(run({"TTL", "k"}), "100");
  EXPECT_EQ(run({"GETEX", "k", "PX", "500"}), "\"v\"");
  EXPECT_EQ(run({"PTTL", "k"}), "500");
  EXPECT_EQ(run({"GETEX", "k", "EXAT", "1700000200"}), "\"v\"");
  EXPECT_EQ(run({"TTL", "k"}), "200");
  EXPECT_EQ(run({"GETEX", "k", "PERSIST"}), "\"v\"");
  EXPECT_EQ(run({"TTL", "k"}), "-1");
  EXPECT_EQ(run({"GETEX", "k", "EX", "10", "EX", "20"}), "\"v\"");
  EXPECT_EQ(run({"TTL", "k"}), "20");
  EXPECT_EQ(run({"GETEX", "k", "PERSIST", "PERSIST"}), "\"v\"");
  EXPECT_EQ(run({"GETEX", "missing", "EX", "10"}), "nil");
}

TEST_F(Strings, GetexWithAPastAbsoluteTimeDeletes) {
  run({"SET", "k", "v"});
  EXPECT_EQ(run({"GETEX", "k", "PXAT", "1"}), "\"v\"");
  EXPECT_EQ(run({"EXISTS", "k"}), "0");
  run({"SET", "k", "v"});
  EXPECT_EQ(run({"GETEX", "k", "EXAT", "1000"}), "\"v\"");
  EXPECT_EQ(run({"EXISTS", "k"}), "0");
}

TEST_F(Strings, GetexErrors) {
  run({"SET", "k", "v"});
  EXPECT_EQ(run({"GETEX", "k", "PERSIST", "EX", "10"}), kSyntax);
  EXPECT_EQ(run({"GETEX", "k", "PX", "1000", "EX", "10"}), kSyntax);
  EXPECT_EQ(run({"GETEX", "k", "NX"}), kSyntax);
  EXPECT_EQ(run({"GETEX", "k", "KEEPTTL"}), kSyntax);
  EXPECT_EQ(run({"GETEX", "k", "EX"}), kSyntax);
  EXPECT_EQ(run({"GETEX", "k", "EX", "abc"}), kNotInt);
  EXPECT_EQ(run({"GETEX", "k", "EX", "0"}), err("ERR invalid expire time in 'getex' command"));
  EXPECT_EQ(run({"GETEX", "missing", "EX", "abc"}), "nil");  // the key is looked up first
}

TEST_F(Strings, MgetAndMset) {
  EXPECT_EQ(run({"MSET", "a", "1", "b", "2"}), kOk);
  make_notetree("tree");
  EXPECT_EQ(run({"MGET", "a", "tree", "nokey", "b"}), "[\"1\", nil, nil, \"2\"]");
  EXPECT_EQ(run({"MSET", "a", "1", "b"}), err("ERR wrong number of arguments for 'mset' command"));
  EXPECT_EQ(run({"MSET", "a", "x", "a", "y"}), kOk);
  EXPECT_EQ(run({"GET", "a"}), "\"y\"");
}

TEST_F(Strings, Msetnx) {
  EXPECT_EQ(run({"MSETNX", "a", "1", "c", "2"}), "1");
  EXPECT_EQ(run({"MSETNX", "c", "1", "d", "2"}), "0");
  EXPECT_EQ(run({"GET", "c"}), "\"2\"");
  EXPECT_EQ(run({"EXISTS", "d"}), "0");
  EXPECT_EQ(run({"MSETNX", "a", "1", "b"}), err("ERR wrong number of arguments for 'msetnx' command"));
}

TEST_F(Strings, AppendCreatesAndGrows) {
  EXPECT_EQ(run({"APPEND", "k", "Hello"}), "5");
  EXPECT_EQ(run({"APPEND", "k", " World"}), "11");
  EXPECT_EQ(run({"GET", "k"}), "\"Hello World\"");
  run({"EXPIRE", "k", "100"});
  run({"APPEND", "k", "!"});
  EXPECT_EQ(run({"TTL", "k"}), "100");  // APPEND keeps the TTL
}

TEST_F(Strings, AppendPastTheMaximumSizeFails) {
  h.config().settings().proto_max_bulk_len = 10;
  run({"SET", "k", "12345"});
  EXPECT_EQ(run({"APPEND", "k", "67890"}), "10");
  EXPECT_EQ(run({"APPEND", "k", "x"}), err("ERR string exceeds maximum allowed size (proto-max-bulk-len)"));
  EXPECT_EQ(run({"STRLEN", "k"}), "10");
}

TEST_F(Strings, SetrangePadsWithZeroBytes) {
  EXPECT_EQ(run({"SETRANGE", "new", "3", "ab"}), "5");
  EXPECT_EQ(h.run({"GET", "new"}).str, std::string("\0\0\0ab", 5));
  EXPECT_EQ(run({"SETRANGE", "new", "5", "c"}), "6");
  run({"SET", "s", "Hello World"});
  EXPECT_EQ(run({"SETRANGE", "s", "6", "Redis"}), "11");
  EXPECT_EQ(run({"GET", "s"}), "\"Hello Redis\"");
}

TEST_F(Strings, SetrangeWithAnEmptyValueChangesNothing) {
  EXPECT_EQ(run({"SETRANGE", "nokey", "5", ""}), "0");
  EXPECT_EQ(run({"EXISTS", "nokey"}), "0");
  run({"SET", "s", "Hello World"});
  EXPECT_EQ(run({"SETRANGE", "s", "0", ""}), "11");
}

TEST_F(Strings, SetrangeErrors) {
  run({"SET", "s", "x"});
  EXPECT_EQ(run({"SETRANGE", "s", "-1", "x"}), err("ERR offset is out of range"));
  EXPECT_EQ(run({"SETRANGE", "s", "a", "x"}), kNotInt);
  h.config().settings().proto_max_bulk_len = 1048576;
  EXPECT_EQ(run({"SETRANGE", "new", "1048576", "x"}),
            err("ERR string exceeds maximum allowed size (proto-max-bulk-len)"));
  EXPECT_EQ(run({"SETRANGE", "new", "1048575", "x"}), "1048576");
  EXPECT_EQ(run({"SETRANGE", "s", "1048576", "x"}),
            err("ERR string exceeds maximum allowed size (proto-max-bulk-len)"));
}

// Each range below was asked of redis-server 7.0 on "Hello World".
TEST_F(Strings, GetrangeHandlesNegativeAndOutOfRangeIndexes) {
  run({"SET", "s", "Hello World"});
  const std::pair<std::vector<std::string>, std::string> cases[] = {
      {{"0", "4"}, "Hello"},       {{"-5", "-1"}, "World"},  {{"-1", "-5"}, ""},   {{"0", "-1"}, "Hello World"},
      {{"5", "3"}, ""},            {{"-100", "-50"}, "H"},   {{"-100", "2"}, "Hel"}, {{"2", "100"}, "llo World"},
      {{"11", "20"}, ""},          {{"10", "10"}, "d"},      {{"-1", "-1"}, "d"},  {{"0", "0"}, "H"},
      {{"-3", "-2"}, "rl"},        {{"3", "-100"}, ""},      {{"-11", "-11"}, "H"}, {{"-12", "-11"}, "H"},
  };
  for (const auto& [range, expected] : cases) {
    auto reply = h.run(std::vector<std::string>{"GETRANGE", "s", range[0], range[1]});
    EXPECT_EQ(reply.str, expected) << range[0] << " " << range[1];
  }
  EXPECT_EQ(run({"GETRANGE", "nokey", "0", "-1"}), "\"\"");
  EXPECT_EQ(run({"SUBSTR", "s", "0", "2"}), "\"Hel\"");
  run({"SET", "n", "12345"});
  EXPECT_EQ(run({"GETRANGE", "n", "1", "2"}), "\"23\"");
  EXPECT_EQ(run({"GETRANGE", "s", "0", "9223372036854775807"}), "\"Hello World\"");
  EXPECT_EQ(run({"GETRANGE", "s", "-9223372036854775808", "0"}), "\"H\"");
}

TEST_F(Strings, GetrangeParsesIndexesBeforeTheType) {
  make_notetree("tree");
  EXPECT_EQ(run({"GETRANGE", "tree", "a", "1"}), kNotInt);
  EXPECT_EQ(run({"GETRANGE", "s", "0", "b"}), kNotInt);
}

TEST_F(Strings, Strlen) {
  EXPECT_EQ(run({"STRLEN", "nokey"}), "0");
  run({"SET", "k", "12345"});
  EXPECT_EQ(run({"STRLEN", "k"}), "5");
}

TEST_F(Strings, WritesCountAsDirty) {
  const uint64_t before = h.instance().persistence.dirty;
  run({"SET", "a", "1"});
  run({"MSET", "b", "1", "c", "2"});
  run({"SET", "a", "1", "NX"});  // not written
  EXPECT_EQ(h.instance().persistence.dirty, before + 3);
}

}  // namespace
}  // namespace arbor
