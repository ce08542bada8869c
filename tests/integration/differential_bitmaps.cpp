// Bitmap commands (SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP, BITFIELD,
// BITFIELD_RO) against redis-server 7.0 in the same run: a fixed script of
// options, edges and errors, then seeded random sequences over a few string
// keys (and one list, for WRONGTYPE), each reply compared and, after every
// write, the bytes of the key written.
//
// Suite: 3 seeds x 1500 commands. Long run on demand:
//   ARBOR_DIFF_SEEDS=50 ARBOR_DIFF_STEPS=20000 [ARBOR_DIFF_FIRST_SEED=1] differential_bitmaps_test
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "tests/integration/differential_support.h"
#include "tests/integration/server_fixture.h"

namespace arbor::test {
namespace {

using Command = std::vector<std::string>;

std::vector<Command> fixed_script() {
  return {
      {"SETBIT", "b", "7", "1"}, {"SETBIT", "b", "7", "1"}, {"SETBIT", "b", "7", "0"}, {"GET", "b"},
      {"SETBIT", "b", "100", "1"}, {"STRLEN", "b"}, {"GETBIT", "b", "100"}, {"GETBIT", "b", "99"},
      {"GETBIT", "b", "100000"}, {"GETBIT", "none", "3"}, {"OBJECT", "ENCODING", "b"},
      {"SETBIT", "b", "-1", "1"}, {"SETBIT", "b", "4294967296", "1"}, {"SETBIT", "b", "x", "1"},
      {"SETBIT", "b", "1", "2"}, {"SETBIT", "b", "1", "x"}, {"SETBIT", "b", "1", "-1"},
      {"SETBIT", "b", "x", "x"}, {"GETBIT", "b", "-1"}, {"GETBIT", "b", "4294967296"},
      {"SETBIT", "b"}, {"GETBIT", "b"}, {"RPUSH", "l", "x"}, {"SETBIT", "l", "1", "1"},
      {"SETBIT", "l", "x", "1"}, {"GETBIT", "l", "1"}, {"GETBIT", "l", "x"},
      {"SET", "i", "123"}, {"GETBIT", "i", "2"}, {"SETBIT", "i", "2", "1"}, {"GET", "i"},
      {"OBJECT", "ENCODING", "i"}, {"SET", "s", "foobar"}, {"EXPIRE", "s", "1000"},
      {"SETBIT", "s", "1000", "1"}, {"TTL", "s"}, {"SET", "s", "foobar"},
      {"BITCOUNT", "s"}, {"BITCOUNT", "s", "0", "0"}, {"BITCOUNT", "s", "1", "1"}, {"BITCOUNT", "s", "1", "-2"},
      {"BITCOUNT", "s", "-3", "-5"}, {"BITCOUNT", "s", "5", "30", "BIT"}, {"BITCOUNT", "s", "-13", "-1", "bit"},
      {"BITCOUNT", "s", "0", "-1", "BYTE"}, {"BITCOUNT", "s", "0", "-1", "x"}, {"BITCOUNT", "s", "1"},
      {"BITCOUNT", "s", "a", "1"}, {"BITCOUNT", "s", "1", "a"}, {"BITCOUNT", "s", "0", "1", "BIT", "x"},
      {"BITCOUNT", "none", "a", "b"}, {"BITCOUNT", "none", "1"}, {"BITCOUNT", "l"}, {"BITCOUNT", "l", "1"},
      {"BITCOUNT", "s", "100", "200"}, {"BITCOUNT", "s", "-100", "-50"}, {"BITCOUNT", "s", "9", "2", "bit"},
      {"SET", "p", std::string("\xff\xf0\x00", 3)}, {"SET", "e", ""}, {"SET", "ones", "\xff\xff"},
      {"BITPOS", "p", "0"}, {"BITPOS", "p", "1"}, {"BITPOS", "p", "1", "2"}, {"BITPOS", "p", "0", "0", "0"},
      {"BITPOS", "p", "0", "1"}, {"BITPOS", "p", "0", "0", "-1", "bit"}, {"BITPOS", "p", "1", "5", "-1", "BIT"},
      {"BITPOS", "p", "0", "3", "4"}, {"BITPOS", "p", "0", "0", "1", "bit"}, {"BITPOS", "p", "0", "0", "0", "x"},
      {"BITPOS", "p", "0", "a"}, {"BITPOS", "p", "0", "0", "a"}, {"BITPOS", "p", "0", "1", "2", "byte", "x"},
      {"BITPOS", "p", "1", "9", "bit"}, {"BITPOS", "p", "2"}, {"BITPOS", "p", "x"}, {"BITPOS", "none", "0", "x"},
      {"BITPOS", "none", "1"}, {"BITPOS", "none", "0"}, {"BITPOS", "none", "2"}, {"BITPOS", "e", "0"},
      {"BITPOS", "e", "1"}, {"BITPOS", "ones", "0"}, {"BITPOS", "ones", "0", "0"}, {"BITPOS", "ones", "0", "0", "-1"},
      {"BITPOS", "ones", "0", "3", "12", "BIT"}, {"BITPOS", "ones", "1", "-3", "-1", "BIT"}, {"BITPOS", "l", "1"},
      {"BITPOS", "p", "1", "-100", "100"}, {"BITPOS", "p", "0", "20", "10"},
      {"BITOP", "AND", "d", "s", "p"}, {"GET", "d"}, {"BITOP", "or", "d", "s", "p", "none"}, {"GET", "d"},
      {"BITOP", "XOR", "d", "s", "p", "e"}, {"GET", "d"}, {"BITOP", "NOT", "d", "s"}, {"GET", "d"},
      {"BITOP", "AND", "d", "s", "none"}, {"GET", "d"}, {"BITOP", "NOT", "d", "s", "p"}, {"BITOP", "NOT", "d"},
      {"EXPIRE", "d", "100"}, {"BITOP", "OR", "d", "s"}, {"TTL", "d"}, {"OBJECT", "ENCODING", "d"},
      {"BITOP", "NOT", "d", "none"}, {"EXISTS", "d"}, {"BITOP", "NOT", "d", "none"}, {"BITOP", "NAND", "d", "s"},
      {"BITOP", "AND", "d", "s", "l"}, {"BITOP", "OR", "l", "s"}, {"TYPE", "l"}, {"BITOP", "AND", "d"},
      {"BITOP", "AND", "d", "e", "none"}, {"EXISTS", "d"}, {"BITOP", "or", "i2", "i"}, {"OBJECT", "ENCODING", "i2"},
      {"BITFIELD", "f", "SET", "i8", "0", "-100", "GET", "u8", "0", "GET", "i4", "4", "INCRBY", "u2", "100", "1"},
      {"GET", "f"}, {"BITFIELD", "f", "GET", "i64", "0", "GET", "u63", "1", "GET", "u1", "#3"},
      {"BITFIELD", "f", "OVERFLOW", "SAT", "INCRBY", "i8", "0", "-100", "INCRBY", "u4", "#1", "100"},
      {"BITFIELD", "f", "OVERFLOW", "FAIL", "INCRBY", "i8", "0", "-100", "INCRBY", "u4", "#1", "100",
       "OVERFLOW", "WRAP", "INCRBY", "i8", "0", "-100"},
      {"BITFIELD", "f", "SET", "u8", "0", "-1", "OVERFLOW", "SAT", "SET", "u8", "8", "-1", "SET", "i8", "16", "300",
       "SET", "i8", "24", "-9223372036854775808", "SET", "i64", "32", "-9223372036854775808"},
      {"BITFIELD", "f", "INCRBY", "i64", "32", "-1", "OVERFLOW", "SAT", "INCRBY", "i64", "32", "-1",
       "INCRBY", "i64", "32", "9223372036854775807", "INCRBY", "i64", "32", "9223372036854775807"},
      {"BITFIELD", "f", "OVERFLOW", "WRAP", "SET", "i8", "0", "9223372036854775807", "SET", "u63", "0",
       "9223372036854775807", "INCRBY", "u63", "0", "1"},
      {"GET", "f"}, {"BITFIELD", "f", "GET", "u64", "0"}, {"BITFIELD", "f", "GET", "i65", "0"},
      {"BITFIELD", "f", "GET", "i0", "0"}, {"BITFIELD", "f", "GET", "x8", "0"}, {"BITFIELD", "f", "GET", "i08", "0"},
      {"BITFIELD", "f", "GET", "i8", "-1"}, {"BITFIELD", "f", "GET", "i8", "#-1"}, {"BITFIELD", "f", "GET", "i8"},
      {"BITFIELD", "f", "SET", "i8", "0"}, {"BITFIELD", "f", "OVERFLOW", "x", "GET", "i8", "0"},
      {"BITFIELD", "f", "OVERFLOW"}, {"BITFIELD", "f", "FOO"}, {"BITFIELD", "f", "SET", "i8", "0", "x"},
      {"BITFIELD", "f", "GET", "i8", "4294967296"}, {"BITFIELD", "f", "GET", "i8", "#536870912"},
      {"BITFIELD", "f", "GET", "i8", "#2305843009213693952"}, {"BITFIELD", "f"}, {"BITFIELD", "f", "OVERFLOW", "SAT"},
      {"BITFIELD", "none", "GET", "u8", "0"}, {"EXISTS", "none"}, {"BITFIELD", "none", "OVERFLOW", "FAIL",
      "INCRBY", "u2", "100", "10"}, {"GET", "none"}, {"BITFIELD", "l", "GET", "u8", "0"},
      {"BITFIELD", "l", "SET", "u8", "0", "1"}, {"BITFIELD_RO", "f", "GET", "u8", "0", "GET", "i16", "#1"},
      {"BITFIELD_RO", "f", "SET", "u8", "0", "1"}, {"BITFIELD_RO", "f", "GET", "u8"}, {"BITFIELD_RO", "f"},
      {"BITFIELD_RO", "f", "OVERFLOW", "SAT", "GET", "u8", "0"}, {"BITFIELD_RO", "l", "GET", "u8", "0"},
      {"BITFIELD_RO", "f", "INCRBY", "u8", "x", "1"}, {"BITFIELD", "f", "incrby", "u8", "x", "1"},
      {"BITFIELD", "big", "SET", "u8", "#100000", "255"}, {"STRLEN", "big"}, {"BITCOUNT", "big"},
      {"SETBIT", "big2", "8000000", "1"}, {"STRLEN", "big2"}, {"BITPOS", "big2", "1"}, {"BITPOS", "big2", "0", "1"},
      {"BITCOUNT", "big2", "1000", "-1"},
  };
}

// Random commands over three string keys and a list.
class BitGenerator {
 public:
  explicit BitGenerator(uint64_t seed) : rng_(seed) {}

  Command next() {
    switch (below(12)) {
      case 0:
      case 1:
        return {"SETBIT", key(), offset(), chance(5) ? "2" : (chance(50) ? "1" : "0")};
      case 2:
        return {"GETBIT", key(), offset()};
      case 3:
        return with_range({"BITCOUNT", key()}, false);
      case 4:
        return with_range({"BITPOS", key(), chance(3) ? "2" : (chance(50) ? "1" : "0")}, true);
      case 5: {
        static const char* const kOps[] = {"AND", "OR", "XOR", "NOT", "and", "nand"};
        Command c{"BITOP", kOps[below(6)], key()};
        const size_t n = c[1] == "NOT" && !chance(5) ? 1 : 1 + below(3);
        for (size_t i = 0; i < n; ++i) c.push_back(key());
        return c;
      }
      case 6:
        return {"SET", key(), value()};
      case 7:
        return {"GET", key()};
      default:
        return bitfield();
    }
  }

 private:
  size_t below(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng_); }
  bool chance(int percent) { return static_cast<int>(below(100)) < percent; }
  std::string key() {
    static const char* const kKeys[] = {"b0", "b1", "b2", "b3", "l"};
    return kKeys[chance(3) ? 4 : below(4)];
  }
  std::string value() {
    std::string v(below(6), '\0');
    for (char& c : v) c = static_cast<char>(chance(30) ? 0xff : below(256));
    return chance(10) ? std::to_string(below(1000)) : v;
  }
  std::string offset() {
    if (chance(3)) return chance(50) ? "-1" : "x";
    return std::to_string(chance(90) ? below(64) : below(2000));
  }
  std::string index() {
    const int64_t v = static_cast<int64_t>(below(30)) - 12;
    return chance(2) ? "y" : std::to_string(v);
  }
  Command with_range(Command c, bool bitpos) {
    const size_t n = below(bitpos ? 4 : 4);
    if (n >= 1) c.push_back(index());
    if (n >= 2 || (!bitpos && n == 1 && !chance(10))) c.push_back(index());
    if (n >= 3) c.push_back(chance(45) ? "BIT" : (chance(80) ? "byte" : "x"));
    return c;
  }
  std::string field_type() {
    if (chance(3)) return chance(50) ? "u64" : "i0";
    const bool is_signed = chance(50);
    return (is_signed ? "i" : "u") + std::to_string(1 + below(is_signed ? 64 : 63));
  }
  std::string field_offset() {
    if (chance(2)) return "-3";
    return chance(20) ? "#" + std::to_string(below(8)) : std::to_string(below(80));
  }
  std::string number() {
    static const char* const kEdges[] = {"9223372036854775807", "-9223372036854775808", "255", "-128", "128", "x"};
    if (chance(20)) return kEdges[below(6)];
    return std::to_string(static_cast<int64_t>(below(2001)) - 1000);
  }
  Command bitfield() {
    Command c{chance(20) ? "BITFIELD_RO" : "BITFIELD", key()};
    const size_t ops = 1 + below(4);
    for (size_t i = 0; i < ops; ++i) {
      switch (below(5)) {
        case 0:
          c.insert(c.end(), {"OVERFLOW", chance(5) ? "nope" : std::vector<std::string>{"WRAP", "SAT", "FAIL"}[below(3)]});
          break;
        case 1:
          c.insert(c.end(), {"SET", field_type(), field_offset(), number()});
          break;
        case 2:
          c.insert(c.end(), {"INCRBY", field_type(), field_offset(), number()});
          break;
        default:
          c.insert(c.end(), {"GET", field_type(), field_offset()});
      }
    }
    return c;
  }

  std::mt19937_64 rng_;
};

bool is_write(const Command& cmd) { return cmd[0] == "SETBIT" || cmd[0] == "BITOP" || cmd[0] == "BITFIELD"; }

// The key a write changes: BITOP's destination, else the first argument.
const std::string& written_key(const Command& cmd) { return cmd[0] == "BITOP" ? cmd[2] : cmd[1]; }

class DifferentialBitmaps : public ::testing::Test {
 protected:
  ServerProcess arbor_;
  RedisProcess redis_;
};

TEST_F(DifferentialBitmaps, FixedScriptMatchesRedis) {
  ASSERT_TRUE(redis_.ok());
  Client ours(arbor_.port()), theirs(redis_.port());
  const std::vector<Command> script = fixed_script();
  for (size_t i = 0; i < script.size(); ++i)
    EXPECT_EQ(describe(ours.cmd(script[i])), describe(theirs.cmd(script[i]))) << "step " << i << ": " << printable(script[i]);
}

TEST_F(DifferentialBitmaps, RandomSequencesMatchRedis) {
  ASSERT_TRUE(redis_.ok());
  const int seeds = env_int("ARBOR_DIFF_SEEDS", 3), steps = env_int("ARBOR_DIFF_STEPS", 1500);
  const int first = env_int("ARBOR_DIFF_FIRST_SEED", 1);
  Client ours(arbor_.port()), theirs(redis_.port());
  for (int seed = first; seed < first + seeds; ++seed) {
    ASSERT_EQ(describe(ours.cmd({"FLUSHALL"})), describe(theirs.cmd({"FLUSHALL"})));
    ours.cmd({"RPUSH", "l", "x"});
    theirs.cmd({"RPUSH", "l", "x"});
    BitGenerator gen(static_cast<uint64_t>(seed));
    for (int step = 0; step < steps; ++step) {
      const Command cmd = gen.next();
      const std::string a = describe(ours.cmd(cmd)), b = describe(theirs.cmd(cmd));
      ASSERT_EQ(a, b) << "seed " << seed << " step " << step << ": " << printable(cmd);
      if (!is_write(cmd)) continue;
      const Command get{"GET", written_key(cmd)};
      ASSERT_EQ(describe(ours.cmd(get)), describe(theirs.cmd(get)))
          << "value after seed " << seed << " step " << step << ": " << printable(cmd);
    }
  }
}

}  // namespace
}  // namespace arbor::test
