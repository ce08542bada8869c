// HyperLogLog (PFADD, PFCOUNT, PFMERGE, PFDEBUG, PFSELFTEST) against
// redis-server 7.0 in the same run. An HLL is a string, so the bar is the
// bytes: after every write the value must be the one Redis holds (sparse
// opcodes, promotion to dense, the cached cardinality). A fixed script of
// errors and edges, then seeded random sequences at three
// hll-sparse-max-bytes settings.
//
// Suite: 2 seeds x 1200 commands per setting. Long run on demand:
//   ARBOR_DIFF_SEEDS=30 ARBOR_DIFF_STEPS=20000 differential_hyperloglog_test
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "tests/integration/differential_support.h"
#include "tests/integration/server_fixture.h"

namespace arbor::test {
namespace {

using Command = std::vector<std::string>;

const std::string kHeader("HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00", 16);

std::vector<Command> fixed_script() {
  return {
      {"PFADD", "h", "a", "b", "c"}, {"GET", "h"}, {"PFCOUNT", "h"}, {"GET", "h"}, {"PFADD", "h", "a"},
      {"PFADD", "h"}, {"PFADD", "new"}, {"GET", "new"}, {"OBJECT", "ENCODING", "new"}, {"PFCOUNT", "none"},
      {"PFCOUNT", "h", "new", "none"}, {"PFDEBUG", "DECODE", "h"}, {"PFDEBUG", "ENCODING", "h"},
      {"PFDEBUG", "foo", "h"}, {"PFDEBUG", "foo", "none"}, {"PFDEBUG", "GETREG", "h", "x"}, {"PFDEBUG", "DECODE"},
      {"SET", "s", "abc"}, {"PFADD", "s", "x"}, {"PFCOUNT", "s"}, {"PFCOUNT", "h", "s"}, {"SET", "i", "123"},
      {"PFCOUNT", "i"}, {"RPUSH", "l", "x"}, {"PFADD", "l", "x"}, {"PFCOUNT", "l"}, {"PFMERGE", "l", "h"},
      {"PFMERGE", "h", "l"}, {"PFDEBUG", "ENCODING", "l"}, {"PFMERGE", "d", "h", "new", "none"}, {"GET", "d"},
      {"PFMERGE", "d2"}, {"GET", "d2"}, {"PFSELFTEST"}, {"PFSELFTEST", "x"}, {"PFADD"}, {"PFCOUNT"},
      {"PFDEBUG", "TODENSE", "d"}, {"PFDEBUG", "TODENSE", "d"}, {"PFDEBUG", "DECODE", "d"}, {"PFCOUNT", "d"},
      {"PFMERGE", "d3", "d", "h"}, {"PFDEBUG", "ENCODING", "d3"}, {"GET", "d3"}, {"STRLEN", "d3"},
      // Damaged values: a short sparse run, too many registers, a bad
      // encoding byte, a dense one of the wrong length.
      {"SET", "c1", kHeader + "\x7f"}, {"PFCOUNT", "c1"}, {"PFADD", "c1", "zz"}, {"PFCOUNT", "c1", "h"},
      {"SET", "c2", kHeader + "\xff\xff\xff"}, {"PFCOUNT", "c2"}, {"PFADD", "c2", "zz"}, {"PFMERGE", "c3", "c2"},
      {"SET", "c4", "HYLL\x02" + std::string(11, '\0')}, {"PFCOUNT", "c4"},
      {"SET", "c5", "HYLL" + std::string(12, '\0') + "xx"}, {"PFCOUNT", "c5"}, {"PFADD", "c5", "a"},
      {"SET", "c6", "HYLL\x01" + std::string(2, '\0')}, {"PFCOUNT", "c6"},
      {"SET", "c7", kHeader.substr(0, 15) + std::string(1, '\x80') + "\x7f\xff"}, {"PFCOUNT", "c7"}, {"GET", "c7"},
  };
}

// PFADD/PFCOUNT/PFMERGE/PFDEBUG over four keys; elements from ranges small
// enough that some keys stay sparse for a while and others go dense.
class HllGenerator {
 public:
  explicit HllGenerator(uint64_t seed) : rng_(seed) {}

  Command next() {
    switch (below(10)) {
      case 0:
      case 1:
      case 2:
      case 3: {
        Command c{"PFADD", key()};
        const size_t n = below(6);
        const size_t range = chance(50) ? 300 : 100000;
        for (size_t i = 0; i < n; ++i) c.push_back(std::to_string(below(range)));
        return c;
      }
      case 4:
      case 5: {
        Command c{"PFCOUNT", key()};
        if (chance(30)) c.push_back(key());
        return c;
      }
      case 6: {
        Command c{"PFMERGE", key()};
        for (size_t i = below(3); i > 0; --i) c.push_back(key());
        return c;
      }
      case 7: {
        static const char* const kSubs[] = {"ENCODING", "DECODE", "TODENSE", "GETREG"};
        return {"PFDEBUG", kSubs[chance(95) ? below(3) : 3], key()};
      }
      default:
        return {"GET", key()};
    }
  }

 private:
  size_t below(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng_); }
  bool chance(int percent) { return static_cast<int>(below(100)) < percent; }
  std::string key() { return "h" + std::to_string(below(4)); }
  std::mt19937_64 rng_;
};

class DifferentialHyperLogLog : public ::testing::Test {
 protected:
  ServerProcess arbor_;
  RedisProcess redis_;
};

TEST_F(DifferentialHyperLogLog, FixedScriptMatchesRedis) {
  ASSERT_TRUE(redis_.ok());
  Client ours(arbor_.port()), theirs(redis_.port());
  const std::vector<Command> script = fixed_script();
  for (size_t i = 0; i < script.size(); ++i)
    EXPECT_EQ(describe(ours.cmd(script[i])), describe(theirs.cmd(script[i])))
        << "step " << i << ": " << printable(script[i]);
}

TEST_F(DifferentialHyperLogLog, RandomSequencesMatchRedisByteForByte) {
  ASSERT_TRUE(redis_.ok());
  const int seeds = env_int("ARBOR_DIFF_SEEDS", 2), steps = env_int("ARBOR_DIFF_STEPS", 1200);
  const int first = env_int("ARBOR_DIFF_FIRST_SEED", 1);
  Client ours(arbor_.port()), theirs(redis_.port());
  for (const char* sparse_max : {"3000", "200", "12000"}) {
    for (Client* c : {&ours, &theirs})
      ASSERT_TRUE(is_status(c->cmd({"CONFIG", "SET", "hll-sparse-max-bytes", sparse_max}), "OK"));
    for (int seed = first; seed < first + seeds; ++seed) {
      ASSERT_EQ(describe(ours.cmd({"FLUSHALL"})), describe(theirs.cmd({"FLUSHALL"})));
      HllGenerator gen(static_cast<uint64_t>(seed));
      for (int step = 0; step < steps; ++step) {
        const Command cmd = gen.next();
        const std::string where = std::string("hll-sparse-max-bytes ") + sparse_max + ", seed " +
                                  std::to_string(seed) + ", step " + std::to_string(step) + ": " + printable(cmd);
        ASSERT_EQ(describe(ours.cmd(cmd)), describe(theirs.cmd(cmd))) << where;
        if (cmd[0] == "GET") continue;
        const Command get{"GET", cmd[0] == "PFDEBUG" ? cmd[2] : cmd[1]};
        ASSERT_EQ(describe(ours.cmd(get)), describe(theirs.cmd(get))) << "value after " << where;
      }
    }
  }
}

}  // namespace
}  // namespace arbor::test
