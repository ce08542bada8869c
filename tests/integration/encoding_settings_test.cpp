// The encoding settings (hash-/zset-max-listpack-*, their -ziplist- aliases,
// set-max-intset-entries, list-max-listpack-size, stream-node-max-*) against
// redis-server 7.0 in the same run: CONFIG SET and GET with Redis's
// validation, and the conversions and stream trimming they drive; then
// seeded random settings and writes, every encoding compared.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "tests/integration/differential_support.h"
#include "tests/integration/differential_types.h"
#include "tests/integration/server_fixture.h"

namespace arbor::test {
namespace {

std::vector<Command> script() {
  std::vector<Command> s = {
      {"CONFIG", "GET", "hash-max-listpack-entries"}, {"CONFIG", "GET", "hash-max-ziplist-value"},
      {"CONFIG", "GET", "zset-max-ziplist-entries"}, {"CONFIG", "GET", "list-max-ziplist-size"},
      {"CONFIG", "GET", "stream-node-max-bytes"}, {"CONFIG", "GET", "stream-node-max-entries"},
      {"CONFIG", "GET", "set-max-intset-entries"},
      {"CONFIG", "GET", "list-compress-depth"},
      {"CONFIG", "SET", "hash-max-ziplist-entries", "2"}, {"HSET", "h", "a", "1", "b", "2"},
      {"OBJECT", "ENCODING", "h"}, {"HSET", "h", "c", "3"}, {"OBJECT", "ENCODING", "h"},
      {"CONFIG", "SET", "hash-max-listpack-value", "3"}, {"HSET", "h2", "abcd", "1"}, {"OBJECT", "ENCODING", "h2"},
      {"CONFIG", "SET", "hash-max-listpack-value", "1kb"}, {"CONFIG", "GET", "hash-max-listpack-value"},
      {"CONFIG", "SET", "zset-max-listpack-entries", "1"}, {"ZADD", "z", "1", "a"}, {"OBJECT", "ENCODING", "z"},
      {"ZADD", "z", "2", "b"}, {"OBJECT", "ENCODING", "z"}, {"CONFIG", "SET", "zset-max-ziplist-value", "2"},
      {"ZADD", "z2", "1", "abc"}, {"OBJECT", "ENCODING", "z2"}, {"CONFIG", "SET", "set-max-intset-entries", "2"},
      {"SADD", "s", "1", "2"}, {"OBJECT", "ENCODING", "s"}, {"SADD", "s", "3"}, {"OBJECT", "ENCODING", "s"},
      {"CONFIG", "SET", "list-max-listpack-size", "x"}, {"CONFIG", "SET", "list-max-listpack-size", "-3000000000"},
      {"CONFIG", "SET", "list-max-listpack-size", "5"}, {"CONFIG", "GET", "list-max-ziplist-size"},
      {"CONFIG", "SET", "stream-node-max-entries", "-1"}, {"CONFIG", "SET", "stream-node-max-bytes", "x"},
      {"CONFIG", "SET", "stream-node-max-entries", "10"},
  };
  for (int i = 1; i <= 95; ++i) s.push_back({"XADD", "st", std::to_string(i) + "-1", "f", "v"});
  s.push_back({"XTRIM", "st", "MAXLEN", "~", "30"});
  s.push_back({"XLEN", "st"});
  s.push_back({"XADD", "st", "MAXLEN", "~", "5", "200-1", "f", "v"});
  s.push_back({"XLEN", "st"});
  // An update converts a hash left over a lowered limit (Redis checks after every set).
  for (const Command& c : std::vector<Command>{{"CONFIG", "SET", "hash-max-listpack-entries", "512"},
                                               {"HSET", "hu", "a", "1", "b", "2", "c", "3"},
                                               {"CONFIG", "SET", "hash-max-listpack-entries", "2"},
                                               {"OBJECT", "ENCODING", "hu"}, {"HSET", "hu", "a", "9"},
                                               {"OBJECT", "ENCODING", "hu"}})
    s.push_back(c);
  s.push_back({"CONFIG", "SET", "hash-max-listpack-entries", "-1"});
  s.push_back({"CONFIG", "SET", "zset-max-listpack-value", "x"});
  return s;
}

TEST(EncodingSettings, ActAndValidateAsRedis) {
  ServerProcess arbor;
  RedisProcess redis;
  ASSERT_TRUE(redis.ok());
  Client ours(arbor.port()), theirs(redis.port());
  for (const Command& cmd : script()) EXPECT_EQ(describe(ours.cmd(cmd)), describe(theirs.cmd(cmd))) << printable(cmd);
}

// Random settings within arbor's compact ceilings (zset 128 members of 64
// bytes, hash values of 255 bytes), random writes that grow and shrink
// hashes, sorted sets, sets of integers and lists across them, and OBJECT
// ENCODING after each write. Store commands build results under the
// settings of the moment.
class EncodingGenerator {
 public:
  explicit EncodingGenerator(uint64_t seed) : rng_(seed) {}

  // The next command, and the key whose encoding to ask after it (or "").
  std::pair<Command, std::string> next() {
    switch (below(12)) {
      case 0: return {setting(), ""};
      case 1: case 2: {
        const std::string k = "h" + std::to_string(below(2));
        Command cmd{"HSET", k};
        for (size_t n = 1 + below(40); n > 0; --n) cmd.insert(cmd.end(), {"f" + std::to_string(below(300)), text(120)});
        return {cmd, k};
      }
      case 3: {
        const std::string k = "z" + std::to_string(below(2));
        Command cmd{"ZADD", k};
        for (size_t n = 1 + below(30); n > 0; --n)
          cmd.insert(cmd.end(), {std::to_string(below(50)), chance(80) ? "m" + std::to_string(below(200)) : text(80)});
        return {cmd, k};
      }
      case 4: {
        const std::string k = "s" + std::to_string(below(2));
        Command cmd{"SADD", k};
        for (size_t n = 1 + below(60); n > 0; --n) cmd.push_back(std::to_string(static_cast<int>(below(2000)) - 1000));
        return {cmd, k};
      }
      case 5: {
        const std::string k = "l" + std::to_string(below(2));
        Command cmd{chance(50) ? "RPUSH" : "LPUSH", k};
        for (size_t n = 1 + below(40); n > 0; --n) cmd.push_back(text(300));
        return {cmd, k};
      }
      case 6: {
        static const char* const kShrink[][2] = {{"HDEL", "h"}, {"ZREM", "z"}, {"SREM", "s"}};
        const auto& pick = kShrink[below(3)];
        const std::string k = std::string(pick[1]) + std::to_string(below(2));
        Command cmd{pick[0], k};
        for (size_t n = 1 + below(60); n > 0; --n)
          cmd.push_back(pick[1][0] == 'h' ? "f" + std::to_string(below(300))
                                           : pick[1][0] == 'z' ? "m" + std::to_string(below(200))
                                                               : std::to_string(static_cast<int>(below(2000)) - 1000));
        return {cmd, k};
      }
      case 7: return {{"ZUNIONSTORE", "zd", "2", "z0", "z1"}, "zd"};
      case 8: return {{chance(50) ? "SUNIONSTORE" : "SINTERSTORE", "sd", "s0", "s1"}, "sd"};
      case 9: return {{"ZRANGESTORE", "zd", "z" + std::to_string(below(2)), "0", std::to_string(below(150))}, "zd"};
      case 10: return {{"LPOP", "l" + std::to_string(below(2)), std::to_string(1 + below(30))}, ""};
      default: return {{"DEL", key()}, ""};
    }
  }

 private:
  size_t below(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng_); }
  bool chance(int percent) { return static_cast<int>(below(100)) < percent; }
  std::string text(size_t longest) { return std::string(below(longest + 1), static_cast<char>('a' + below(26))); }
  std::string key() {
    static const char* const kKeys[] = {"h0", "h1", "z0", "z1", "s0", "s1", "l0", "l1", "zd", "sd"};
    return kKeys[below(10)];
  }
  Command setting() {
    switch (below(7)) {
      case 0: return {"CONFIG", "SET", chance(50) ? "hash-max-listpack-entries" : "hash-max-ziplist-entries",
                      std::to_string(below(300))};
      case 1: return {"CONFIG", "SET", "hash-max-listpack-value", std::to_string(below(256))};
      case 2: return {"CONFIG", "SET", "zset-max-listpack-entries", std::to_string(below(129))};
      case 3: return {"CONFIG", "SET", chance(50) ? "zset-max-listpack-value" : "zset-max-ziplist-value",
                      std::to_string(below(65))};
      case 4: return {"CONFIG", "SET", "set-max-intset-entries", std::to_string(below(600))};
      case 5: {
        static const char* const kSizes[] = {"-1", "-2", "-3", "-4", "-5", "1", "4", "16", "128"};
        return {"CONFIG", "SET", "list-max-listpack-size", kSizes[below(9)]};
      }
      default: return {"CONFIG", "SET", "list-compress-depth", std::to_string(below(3))};
    }
  }

  std::mt19937_64 rng_;
};

TEST(EncodingSettings, RandomSettingsAndWritesConvertAsRedis) {
  ServerProcess arbor;
  RedisProcess redis;
  ASSERT_TRUE(redis.ok());
  const int seeds = env_int("ARBOR_DIFF_SEEDS", 3), steps = env_int("ARBOR_DIFF_STEPS", 1500);
  const int first = env_int("ARBOR_DIFF_FIRST_SEED", 1);
  const bool verbose = env_int("ARBOR_DIFF_VERBOSE", 0) != 0;
  Client ours(arbor.port()), theirs(redis.port());
  for (int seed = first; seed < first + seeds; ++seed) {
    ASSERT_EQ(describe(ours.cmd({"FLUSHALL"})), describe(theirs.cmd({"FLUSHALL"})));
    EncodingGenerator gen(static_cast<uint64_t>(seed));
    for (int step = 0; step < steps; ++step) {
      const auto [cmd, key] = gen.next();
      const std::string where = "seed " + std::to_string(seed) + " step " + std::to_string(step) + ": ";
      if (verbose) std::printf("%d/%d %s\n", seed, step, printable(cmd).substr(0, 160).c_str());
      ASSERT_EQ(describe(ours.cmd(cmd)), describe(theirs.cmd(cmd))) << where << printable(cmd);
      if (key.empty()) continue;
      const Command ask{"OBJECT", "ENCODING", key};
      const Reply a = ours.cmd(ask), b = theirs.cmd(ask);
      // (A small set arbor keeps as a listpack, as Redis 7.2, is a hashtable in 7.0.)
      if (set_listpack_where_redis70_has_hashtable(ask, a, b, theirs)) continue;
      ASSERT_EQ(describe(a), describe(b)) << where << printable(cmd) << " then OBJECT ENCODING " << key;
    }
  }
}

}  // namespace
}  // namespace arbor::test
