// DUMP, RESTORE and MIGRATE under seeded random data, against redis-server
// 7.0 in the same run. The mixed-type generator of the differential test
// (lists, hashes, sets, sorted sets, streams, strings; both servers hold the
// same data throughout) runs on arbor and Redis, and between its commands:
//
// - DUMP crosses over: Redis's payload of a key is restored into arbor and
//   arbor's into Redis, and each server judges with its own DEBUG
//   DIGEST-VALUE that the copy equals one restored from its own DUMP (the
//   digests of the two servers differ, so each compares only with itself).
// - RESTORE with options and damaged payloads: the same command (Redis's
//   payload, a byte flipped or cut short; REPLACE, ABSTTL, IDLETIME, FREQ,
//   bad TTLs, existing targets) to both; replies, existence, type and TTL
//   presence compared.
// - MIGRATE: arbor and Redis move (or COPY) the same keys into one target,
//   an arbor or a Redis by turns, arbor into db 1 and Redis into db 2; the
//   replies, the sources' keys, and the target's two copies (by its own
//   digest) compared.
//
// Suite: 2 seeds x 1500 commands. Long run on demand:
//   ARBOR_DIFF_SEEDS=30 ARBOR_DIFF_STEPS=10000 [ARBOR_DIFF_FIRST_SEED=1] differential_dump_migrate_test
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "tests/integration/differential_support.h"
#include "tests/integration/differential_types.h"
#include "tests/integration/server_fixture.h"

namespace arbor::test {
namespace {

// A key's value as text, for failure messages.
std::string show_value(Client& c, const std::string& key) {
  const std::string type = c.cmd({"TYPE", key}).str;
  Command view{"GET", key};
  if (type == "list") view = {"LRANGE", key, "0", "-1"};
  if (type == "hash") view = {"HGETALL", key};
  if (type == "set") view = {"SMEMBERS", key};
  if (type == "zset") view = {"ZRANGE", key, "0", "-1", "WITHSCORES"};
  if (type == "stream") view = {"XINFO", "STREAM", key, "FULL"};
  return type + " " + describe(c.cmd({"OBJECT", "ENCODING", key})) + " " + describe(c.cmd(view));
}

class DumpMigrate : public ::testing::Test {
 protected:
  size_t below(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng_); }
  bool chance(int percent) { return static_cast<int>(below(100)) < percent; }
  std::string key() { return "k" + std::to_string(below(11)); }

  // On one server: `key` restored from the other server's `payload` must
  // digest as `key` restored from this server's own DUMP (a round trip is
  // not always the identity, in Redis too: a skiplist's -0 score becomes 0
  // when the copy is small enough for a listpack).
  void expect_restored_copy_equal(Client& c, const std::string& key, const std::string& payload,
                                  const std::string& where) {
    const Reply expires = c.cmd({"PEXPIRETIME", key});
    const std::string ttl = expires.integer > 0 ? std::to_string(expires.integer) : "0";
    const Reply own = c.cmd({"DUMP", key});
    ASSERT_EQ(describe(c.cmd({"RESTORE", "own", ttl, own.str, "REPLACE", "ABSTTL"})), "+\"OK\"")
        << where << " (its own DUMP)\n  value: " << show_value(c, key) << "\n  payload: " << printable({own.str});
    ASSERT_EQ(describe(c.cmd({"RESTORE", "copy", ttl, payload, "REPLACE", "ABSTTL"})), "+\"OK\"") << where;
    ASSERT_EQ(c.cmd({"DEBUG", "DIGEST-VALUE", "copy"}).elements.at(0).str,
              c.cmd({"DEBUG", "DIGEST-VALUE", "own"}).elements.at(0).str)
        << where << "\n  own copy: " << show_value(c, "own") << "\n  copy:     " << show_value(c, "copy");
    c.cmd({"DEL", "copy", "own"});
  }

  void dump_crosses_over(const std::string& where) {
    const std::string k = key();
    const Reply ours = arbor_client_->cmd({"DUMP", k}), theirs = redis_client_->cmd({"DUMP", k});
    ASSERT_EQ(ours.type, theirs.type) << where << " DUMP " << k;
    if (ours.is_null()) return;
    expect_restored_copy_equal(*arbor_client_, k, theirs.str, where + " Redis's DUMP " + k + " in arbor");
    expect_restored_copy_equal(*redis_client_, k, ours.str, where + " arbor's DUMP " + k + " in Redis");
  }

  std::string damaged(std::string payload) {
    if (payload.empty() || chance(40)) return payload;
    if (chance(50)) return payload.substr(0, below(payload.size()));
    payload[below(payload.size())] ^= static_cast<char>(1 + below(255));
    return payload;
  }

  void restore_with_options(const std::string& where) {
    const std::string source = key();
    const Reply dumped = redis_client_->cmd({"DUMP", source});
    const std::string payload = dumped.is_null() ? (chance(50) ? "" : "garbage") : damaged(dumped.str);
    const std::string target = chance(60) ? "r" + std::to_string(below(3)) : key();
    static const char* const kTtls[] = {"0", "0", "100000", "-1", "x"};
    Command cmd{"RESTORE", target, kTtls[below(5)], payload};
    if (chance(50)) cmd.push_back("REPLACE");
    if (chance(15)) {
      cmd.push_back("ABSTTL");
      cmd[2] = chance(50) ? "1" : "4102444800000";  // long past, or 2100
    }
    if (chance(15)) cmd.insert(cmd.end(), {"IDLETIME", chance(80) ? std::to_string(below(1000)) : "-1"});
    if (chance(15)) cmd.insert(cmd.end(), {"FREQ", chance(80) ? std::to_string(below(256)) : "256"});
    if (chance(3)) cmd.push_back("BOGUS");
    const std::string step = where + " " + printable(cmd);
    ASSERT_EQ(describe(arbor_client_->cmd(cmd)), describe(redis_client_->cmd(cmd))) << step;
    for (const Command& look : {Command{"EXISTS", target}, Command{"TYPE", target}})
      ASSERT_EQ(describe(arbor_client_->cmd(look)), describe(redis_client_->cmd(look))) << step;
    const auto has_ttl = [&](Client& c) { return c.cmd({"PTTL", target}).integer > 0; };
    ASSERT_EQ(has_ttl(*arbor_client_), has_ttl(*redis_client_)) << step;
  }

  void migrate(const std::string& where) {
    const bool to_redis = chance(50);
    const uint16_t port = to_redis ? redis_target_.port() : arbor_target_.port();
    Command options;
    if (chance(40)) options.push_back("COPY");
    if (chance(40)) options.push_back("REPLACE");
    if (chance(4)) options.insert(options.end(), {"AUTH", "secret"});
    std::vector<std::string> keys;
    std::string single;
    if (chance(50)) {
      single = key();
      keys.push_back(single);
    } else {
      options.push_back("KEYS");
      for (size_t n = 1 + below(3); n > 0; --n) keys.push_back(key());
      options.insert(options.end(), keys.begin(), keys.end());
    }
    const auto command = [&](const char* db) {
      Command cmd{"MIGRATE", "127.0.0.1", std::to_string(port), single, db, "5000"};
      cmd.insert(cmd.end(), options.begin(), options.end());
      return cmd;
    };
    const std::string step = where + " " + printable(command("1/2")) + (to_redis ? " to Redis" : " to arbor");
    ASSERT_EQ(describe(arbor_client_->cmd(command("1"))), describe(redis_client_->cmd(command("2")))) << step;
    Client target(port);
    for (const std::string& k : keys) {
      const Command exists{"EXISTS", k};
      ASSERT_EQ(describe(arbor_client_->cmd(exists)), describe(redis_client_->cmd(exists))) << step;
      std::string digests[2];
      for (int db : {1, 2}) {
        target.cmd({"SELECT", std::to_string(db)});
        const Reply ttl = target.cmd({"PTTL", k});
        digests[db - 1] = target.cmd({"DEBUG", "DIGEST-VALUE", k}).elements.at(0).str + (ttl.integer > 0 ? " ttl" : "");
      }
      ASSERT_EQ(digests[0], digests[1]) << step << ": the target's copies of " << k;
    }
  }

  std::mt19937_64 rng_;
  ServerProcess arbor_;
  RedisProcess redis_{{"--enable-debug-command", "yes"}};
  ServerProcess arbor_target_;
  RedisProcess redis_target_{{"--enable-debug-command", "yes"}};
  Client* arbor_client_ = nullptr;
  Client* redis_client_ = nullptr;
};

TEST_F(DumpMigrate, RandomDataCrossesBetweenArborAndRedis) {
  ASSERT_TRUE(redis_.ok());
  ASSERT_TRUE(redis_target_.ok());
  const int seeds = env_int("ARBOR_DIFF_SEEDS", 2), steps = env_int("ARBOR_DIFF_STEPS", 1500);
  const int first = env_int("ARBOR_DIFF_FIRST_SEED", 1);
  Client ours(arbor_.port()), theirs(redis_.port());
  arbor_client_ = &ours;
  redis_client_ = &theirs;
  for (int seed = first; seed < first + seeds; ++seed) {
    for (uint16_t port : {arbor_.port(), redis_.port(), arbor_target_.port(), redis_target_.port()})
      ASSERT_EQ(describe(Client(port).cmd({"FLUSHALL"})), "+\"OK\"");
    rng_.seed(static_cast<uint64_t>(seed) * 7919);
    TypesGenerator data(static_cast<uint64_t>(seed));
    for (int step = 0; step < steps; ++step) {
      const Command cmd = data.next();
      ours.cmd(cmd);
      theirs.cmd(cmd);
      const std::string where = "seed " + std::to_string(seed) + " step " + std::to_string(step);
      switch (below(20)) {
        case 0: case 1: dump_crosses_over(where); break;
        case 2: restore_with_options(where); break;
        case 3: migrate(where); break;
        default: break;
      }
      if (HasFatalFailure()) return;
    }
  }
}

}  // namespace
}  // namespace arbor::test
