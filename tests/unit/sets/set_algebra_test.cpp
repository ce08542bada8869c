// SINTER, SINTERCARD, SUNION, SDIFF and the *STORE forms through the harness:
// missing keys as empty sets, order-insensitive results, RESP3 set replies,
// SINTERCARD's numkeys/LIMIT errors, destinations that are also sources, the
// stored result's encoding, and deletion (TTL included) on empty results.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "tests/unit/commands/harness.h"

namespace arbor {
namespace {

using testing::CommandHarness;
using testing::err;
using testing::kSyntax;

class SetAlgebra : public ::testing::Test {
 protected:
  SetAlgebra() {
    h.pin_clock(1'700'000'000'000);
    h.run({"SADD", "a", "1", "2", "3", "4"});
    h.run({"SADD", "b", "3", "4", "5"});
    h.run({"SADD", "c", "x", "3", "y"});
  }
  std::string run(std::initializer_list<std::string_view> args) { return h.text(args); }
  using Strings = std::vector<std::string>;
  Strings sorted(std::initializer_list<std::string_view> args) {
    Strings out;
    for (const auto& e : h.run(args).elements) out.push_back(e.str);
    std::sort(out.begin(), out.end());
    return out;
  }
  CommandHarness h;
};

TEST_F(SetAlgebra, Inter) {
  EXPECT_EQ(sorted({"SINTER", "a", "b"}), (Strings{"3", "4"}));
  EXPECT_EQ(sorted({"SINTER", "a", "b", "c"}), (Strings{"3"}));
  EXPECT_EQ(sorted({"SINTER", "c"}), (Strings{"3", "x", "y"}));
  EXPECT_EQ(run({"SINTER", "a", "nokey"}), "[]");
  EXPECT_EQ(run({"SINTER", "nokey"}), "[]");
  EXPECT_EQ(sorted({"SINTER", "a", "a"}), (Strings{"1", "2", "3", "4"}));
}

TEST_F(SetAlgebra, Union) {
  EXPECT_EQ(sorted({"SUNION", "a", "b"}), (Strings{"1", "2", "3", "4", "5"}));
  EXPECT_EQ(sorted({"SUNION", "a", "nokey", "c"}), (Strings{"1", "2", "3", "4", "x", "y"}));
  EXPECT_EQ(run({"SUNION", "nokey", "nokey2"}), "[]");
}

TEST_F(SetAlgebra, Diff) {
  EXPECT_EQ(sorted({"SDIFF", "a", "b"}), (Strings{"1", "2"}));
  EXPECT_EQ(sorted({"SDIFF", "a", "b", "c"}), (Strings{"1", "2"}));
  EXPECT_EQ(sorted({"SDIFF", "c", "a"}), (Strings{"x", "y"}));
  EXPECT_EQ(sorted({"SDIFF", "a", "nokey"}), (Strings{"1", "2", "3", "4"}));
  EXPECT_EQ(run({"SDIFF", "nokey", "a"}), "[]");
  EXPECT_EQ(run({"SDIFF", "a", "a"}), "[]");
}

TEST_F(SetAlgebra, Resp3RepliesAreSets) {
  h.set_resp(3);
  EXPECT_EQ(h.raw({"SINTER", "a", "nokey"}), "~0\r\n");
  EXPECT_EQ(h.raw({"SDIFF", "nokey"}), "~0\r\n");
  EXPECT_EQ(h.raw({"SINTER", "a", "c"}), "~1\r\n$1\r\n3\r\n");
  EXPECT_EQ(h.raw({"SUNION", "b"}).substr(0, 4), "~3\r\n");
  EXPECT_EQ(h.raw({"SDIFF", "b", "a"}), "~1\r\n$1\r\n5\r\n");
  EXPECT_EQ(h.raw({"SINTERCARD", "2", "a", "b"}), ":2\r\n");
}

TEST_F(SetAlgebra, InterCard) {
  EXPECT_EQ(run({"SINTERCARD", "2", "a", "b"}), "2");
  EXPECT_EQ(run({"SINTERCARD", "1", "a"}), "4");
  EXPECT_EQ(run({"SINTERCARD", "3", "a", "b", "c"}), "1");
  EXPECT_EQ(run({"SINTERCARD", "2", "a", "nokey"}), "0");
  EXPECT_EQ(run({"SINTERCARD", "1", "a", "LIMIT", "3"}), "3");
  EXPECT_EQ(run({"SINTERCARD", "1", "a", "limit", "0"}), "4");  // 0 = no limit
  EXPECT_EQ(run({"SINTERCARD", "1", "a", "LIMIT", "100"}), "4");
  EXPECT_EQ(run({"SINTERCARD", "0", "a"}), err("ERR numkeys should be greater than 0"));
  EXPECT_EQ(run({"SINTERCARD", "-1", "a"}), err("ERR numkeys should be greater than 0"));
  EXPECT_EQ(run({"SINTERCARD", "x", "a"}), err("ERR numkeys should be greater than 0"));
  EXPECT_EQ(run({"SINTERCARD", "3", "a", "b"}), err("ERR Number of keys can't be greater than number of args"));
  EXPECT_EQ(run({"SINTERCARD", "1", "a", "LIMIT", "-1"}), err("ERR LIMIT can't be negative"));
  EXPECT_EQ(run({"SINTERCARD", "1", "a", "LIMIT", "x"}), err("ERR LIMIT can't be negative"));
  EXPECT_EQ(run({"SINTERCARD", "1", "a", "LIMIT"}), kSyntax);
  EXPECT_EQ(run({"SINTERCARD", "1", "a", "FOO"}), kSyntax);
  // "b" counted as an option here, not a key: numkeys rules.
  EXPECT_EQ(run({"SINTERCARD", "1", "a", "b"}), kSyntax);
}

TEST_F(SetAlgebra, Store) {
  EXPECT_EQ(run({"SINTERSTORE", "d", "a", "b"}), "2");
  EXPECT_EQ(run({"SMEMBERS", "d"}), "[\"3\", \"4\"]");
  EXPECT_EQ(run({"OBJECT", "ENCODING", "d"}), "\"intset\"");
  EXPECT_EQ(run({"SUNIONSTORE", "d", "a", "c"}), "6");
  EXPECT_EQ(run({"OBJECT", "ENCODING", "d"}), "\"listpack\"");
  EXPECT_EQ(run({"SDIFFSTORE", "d", "c", "a"}), "2");
  EXPECT_EQ(run({"SCARD", "d"}), "2");
  // A result of integers from a hashtable source is stored as an intset.
  EXPECT_EQ(run({"SINTERSTORE", "d", "c", "a"}), "1");
  EXPECT_EQ(run({"OBJECT", "ENCODING", "d"}), "\"intset\"");
  // The destination may be a source.
  EXPECT_EQ(run({"SUNIONSTORE", "a", "a", "b"}), "5");
  EXPECT_EQ(run({"SCARD", "a"}), "5");
  EXPECT_EQ(run({"SDIFFSTORE", "a", "a", "b"}), "2");
  EXPECT_EQ(run({"SMEMBERS", "a"}), "[\"1\", \"2\"]");
  // The destination is overwritten whatever its type, and loses its TTL.
  run({"SET", "str", "v"});
  run({"EXPIRE", "str", "100"});
  EXPECT_EQ(run({"SUNIONSTORE", "str", "b"}), "3");
  EXPECT_EQ(run({"TYPE", "str"}), "\"set\"");
  EXPECT_EQ(run({"TTL", "str"}), "-1");
}

TEST_F(SetAlgebra, EmptyResultDeletesDestination) {
  for (const char* cmd : {"SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE"}) {
    run({"SET", "d", "v"});
    EXPECT_EQ(h.text({cmd, "d", "nokey"}), "0") << cmd;
    EXPECT_EQ(run({"EXISTS", "d"}), "0") << cmd;
    EXPECT_EQ(h.text({cmd, "d", "nokey"}), "0") << cmd;  // and with no destination
    EXPECT_EQ(run({"EXISTS", "d"}), "0") << cmd;
  }
  run({"SADD", "d", "z"});
  EXPECT_EQ(run({"SINTERSTORE", "d", "a", "c", "b", "nokey"}), "0");
  EXPECT_EQ(run({"EXISTS", "d"}), "0");
  EXPECT_EQ(run({"SDIFFSTORE", "d", "a", "a"}), "0");
  EXPECT_EQ(run({"EXISTS", "d"}), "0");
}

TEST_F(SetAlgebra, WrongTypeLeavesDestination) {
  run({"SET", "str", "v"});
  run({"SADD", "d", "keep"});
  EXPECT_EQ(run({"SINTERSTORE", "d", "nokey", "str"}),
            err("WRONGTYPE Operation against a key holding the wrong kind of value"));
  EXPECT_EQ(run({"SINTER", "nokey", "str"}), err("WRONGTYPE Operation against a key holding the wrong kind of value"));
  EXPECT_EQ(run({"SDIFF", "nokey", "str"}), err("WRONGTYPE Operation against a key holding the wrong kind of value"));
  EXPECT_EQ(run({"SMEMBERS", "d"}), "[\"keep\"]");
}

// A set against itself while its table may be mid-rehash (sizes around a
// resize): the walk must not be disturbed by lookups in the same table.
TEST_F(SetAlgebra, SameKeyTwiceAcrossResizes) {
  for (int i = 0; i < 1100; ++i) {
    h.run({"SADD", "big", "m" + std::to_string(i)});
    if (i < 1000 && i % 97 != 0) continue;
    EXPECT_EQ(h.text({"SINTERCARD", "2", "big", "big"}), std::to_string(i + 1));
    EXPECT_EQ(h.run({"SINTER", "big", "big"}).elements.size(), static_cast<size_t>(i + 1));
    EXPECT_EQ(run({"SDIFF", "big", "big"}), "[]");
    EXPECT_EQ(run({"SDIFF", "big", "nokey", "big"}), "[]");
  }
}

// Redis subtracts by copying the first set when that is less work
// (size(first) * keys / 2 > total size): the copy's encoding survives the
// removals, so an all-integer result can be a listpack or a hashtable.
TEST_F(SetAlgebra, DiffStoreKeepsTheCopiedFirstSetsEncoding) {
  std::vector<std::string> add = {"SADD", "first", "c"};
  for (int i = 0; i < 20; ++i) add.push_back(std::to_string(i));
  h.run(add);
  h.run({"SADD", "other", "c", "1"});
  // 21 * 3 / 2 = 31 > 21 + 2 + 2: copy, then remove.
  EXPECT_EQ(run({"SDIFFSTORE", "d", "first", "other", "other"}), "19");
  EXPECT_EQ(run({"OBJECT", "ENCODING", "d"}), "\"listpack\"");
  // 21 * 2 / 2 = 21 <= 21 + 2: walk the first set, adding only the result.
  EXPECT_EQ(run({"SDIFFSTORE", "d", "first", "other"}), "19");
  EXPECT_EQ(run({"OBJECT", "ENCODING", "d"}), "\"intset\"");
  // More than 512 integers copied, then fewer left: a hashtable too.
  std::vector<std::string> ints = {"SADD", "ints"};
  for (int i = 0; i < 600; ++i) ints.push_back(std::to_string(i));
  h.run(ints);
  std::vector<std::string> drop = {"SADD", "drop"};
  for (int i = 0; i < 100; ++i) drop.push_back(std::to_string(i));
  h.run(drop);
  EXPECT_EQ(run({"SDIFFSTORE", "d", "ints", "drop", "drop", "missing"}), "500");
  EXPECT_EQ(run({"OBJECT", "ENCODING", "d"}), "\"hashtable\"");
  // A missing key adds no work: 600 * 2 / 2 <= 600 + 100, so walk.
  EXPECT_EQ(run({"SDIFFSTORE", "d", "ints", "drop", "missing"}), "500");
  EXPECT_EQ(run({"OBJECT", "ENCODING", "d"}), "\"intset\"");
}

TEST_F(SetAlgebra, LargeSets) {
  for (int i = 0; i < 2000; ++i) h.run({"SADD", "big1", "m" + std::to_string(i)});
  for (int i = 1000; i < 3000; ++i) h.run({"SADD", "big2", "m" + std::to_string(i)});
  EXPECT_EQ(run({"SINTERCARD", "2", "big1", "big2"}), "1000");
  EXPECT_EQ(run({"SINTERCARD", "2", "big1", "big2", "LIMIT", "10"}), "10");
  EXPECT_EQ(run({"SUNIONSTORE", "u", "big1", "big2"}), "3000");
  EXPECT_EQ(run({"SDIFFSTORE", "df", "big1", "big2"}), "1000");
  EXPECT_EQ(run({"SINTERSTORE", "i", "big1", "big2"}), "1000");
  EXPECT_EQ(run({"SISMEMBER", "i", "m1500"}), "1");
  EXPECT_EQ(run({"SISMEMBER", "df", "m1500"}), "0");
}

}  // namespace
}  // namespace arbor
