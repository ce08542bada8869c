// maxmemory side by side with redis-server 7.0: the refusals of noeviction
// and of policies with nothing to evict, which keys each policy gives up
// (keys told apart by RESTORE ... IDLETIME / FREQ and by TTLs, so nothing
// waits for clocks), the access clock behind OBJECT IDLETIME / FREQ, and
// evictions reaching replicas (arbor and Redis) as deletions.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "tests/integration/replication_helpers.h"
#include "tests/integration/server_fixture.h"

namespace arbor::test {
namespace {

const std::string kValue(100, 'v');

bool is_status_ok(const Reply& r) { return is_status(r, "OK"); }

std::string payload_of(Client& c) {
  c.cmd({"SET", "payload-source", kValue});
  const Reply dumped = c.cmd({"DUMP", "payload-source"});
  c.cmd({"DEL", "payload-source"});
  return dumped.str;
}

// RESTOREs <prefix>0 .. <prefix>(count-1), pipelined, with `options` and,
// when `ttl_ms` is not 0, that TTL.
void restore_keys(Client& c, const std::string& payload, const std::string& prefix, int count,
                  const std::vector<std::string>& options, int64_t ttl_ms = 0) {
  for (int i = 0; i < count; ++i) {
    std::vector<std::string> args = {"RESTORE", prefix + std::to_string(i), std::to_string(ttl_ms), payload};
    args.insert(args.end(), options.begin(), options.end());
    c.append(args);
  }
  for (int i = 0; i < count; ++i) c.read_reply();
}

int surviving(Client& c, const std::string& prefix, int count) {
  for (int i = 0; i < count; ++i) c.append({"EXISTS", prefix + std::to_string(i)});
  int alive = 0;
  for (int i = 0; i < count; ++i) alive += static_cast<int>(c.read_reply().integer);
  return alive;
}

// Sets a limit that half of the memory the "cold" keys took must be freed
// for, then waits (each PING makes room first) until a command finds the
// server under it. (INFO's own figure includes the buffers of the command
// that reads it.)
bool squeeze(Client& c, int64_t cold_bytes) {
  const int64_t used = info_int(c, "memory", "used_memory");
  c.cmd({"CONFIG", "SET", "maxmemory", std::to_string(used - cold_bytes / 2)});
  const bool under = eventually([&] {
    c.cmd({"PING"});
    return info_int(c, "stats", "evicted_keys") > 0 && info_int(c, "stats", "current_eviction_exceeded_time") == 0;
  });
  if (!under) ADD_FAILURE() << c.cmd({"INFO", "everything"}).str;
  return under;
}

std::vector<std::string> sorted_keys(Client& c) {
  std::vector<std::string> keys;
  for (const Reply& key : c.cmd({"KEYS", "*"}).elements) keys.push_back(key.str);
  std::sort(keys.begin(), keys.end());
  return keys;
}

struct Survivors {
  int hot = 0, cold = 0;
};

// 2000 keys the policy should keep and 2000 it should give up first.
Survivors run_policy(uint16_t port, const std::string& policy, const std::vector<std::string>& hot_options,
                     const std::vector<std::string>& cold_options, int64_t hot_ttl = 0, int64_t cold_ttl = 0) {
  Client c(port);
  c.cmd({"CONFIG", "SET", "maxmemory-policy", policy});
  const std::string payload = payload_of(c);
  restore_keys(c, payload, "hot:", 2000, hot_options, hot_ttl);
  const int64_t before = info_int(c, "memory", "used_memory");
  restore_keys(c, payload, "cold:", 2000, cold_options, cold_ttl);
  const int64_t cold_bytes = info_int(c, "memory", "used_memory") - before;
  EXPECT_TRUE(squeeze(c, cold_bytes)) << policy;
  EXPECT_GT(info_int(c, "stats", "evicted_keys"), 0) << policy;
  return {surviving(c, "hot:", 2000), surviving(c, "cold:", 2000)};
}

void expect_policy_keeps_hot_keys(const std::string& policy, const std::vector<std::string>& hot,
                                  const std::vector<std::string>& cold, int64_t hot_ttl = 0, int64_t cold_ttl = 0) {
  RedisProcess redis;
  ASSERT_TRUE(redis.ok());
  ServerProcess arbor;
  for (const uint16_t port : {redis.port(), arbor.port()}) {
    const char* who = port == redis.port() ? "redis" : "arbor";
    const Survivors s = run_policy(port, policy, hot, cold, hot_ttl, cold_ttl);
    // Sampling is approximate: a hot key may go, but far fewer than cold ones.
    EXPECT_GE(s.hot, 1900) << who << " " << policy;
    EXPECT_GT(2000 - s.cold, 10 * (2000 - s.hot)) << who << " " << policy << " " << s.hot << " " << s.cold;
  }
}

TEST(MaxmemoryAgainstRedis, AllkeysLruGivesUpTheLongestIdleKeys) {
  expect_policy_keeps_hot_keys("allkeys-lru", {"IDLETIME", "0"}, {"IDLETIME", "100000"});
}

TEST(MaxmemoryAgainstRedis, AllkeysLfuGivesUpTheLeastFrequentKeys) {
  expect_policy_keeps_hot_keys("allkeys-lfu", {"FREQ", "200"}, {"FREQ", "0"});
}

TEST(MaxmemoryAgainstRedis, VolatileTtlGivesUpTheSoonestToExpire) {
  expect_policy_keeps_hot_keys("volatile-ttl", {}, {}, 100000000, 1000000);
}

TEST(MaxmemoryAgainstRedis, VolatileLruTakesOnlyKeysWithATtl) {
  // The hot keys have no TTL: whatever their idle time, they stay.
  expect_policy_keeps_hot_keys("volatile-lru", {"IDLETIME", "100000"}, {"IDLETIME", "0"}, 0, 1000000);
}

TEST(MaxmemoryAgainstRedis, RandomPoliciesEvictUntilUnderTheLimit) {
  RedisProcess redis;
  ASSERT_TRUE(redis.ok());
  ServerProcess arbor;
  for (const uint16_t port : {redis.port(), arbor.port()}) {
    for (const std::string policy : {"allkeys-random", "volatile-random"}) {
      Client c(port);
      c.cmd({"FLUSHALL"});
      c.cmd({"CONFIG", "SET", "maxmemory", "0"});
      c.cmd({"CONFIG", "SET", "maxmemory-policy", policy});
      const std::string payload = payload_of(c);
      restore_keys(c, payload, "keep:", 1000, {});
      const int64_t before = info_int(c, "memory", "used_memory");
      restore_keys(c, payload, "ttl:", 2000, {}, 1000000);
      ASSERT_TRUE(squeeze(c, info_int(c, "memory", "used_memory") - before)) << policy;
      if (policy == "volatile-random") {
        EXPECT_EQ(surviving(c, "keep:", 1000), 1000) << policy;
      }
      EXPECT_LT(surviving(c, "ttl:", 2000), 2000) << policy;
    }
  }
}

// What is refused once memory is over the limit and nothing can go: the
// same replies as Redis, command by command.
TEST(MaxmemoryAgainstRedis, RefusalsMatchRedisWhenNothingCanBeEvicted) {
  RedisProcess redis;
  ASSERT_TRUE(redis.ok());
  ServerProcess arbor;
  Client r(redis.port()), a(arbor.port());
  const std::vector<std::vector<std::string>> setup = {
      {"SET", "existing", "1"},
      {"RPUSH", "list", "a", "b"},
      {"FUNCTION", "LOAD",
       "#!lua name=lib\nredis.register_function('setter', function(keys, args) return redis.call('set', keys[1], "
       "'x') end)\nredis.register_function{function_name='reader', callback=function(keys, args) return "
       "redis.call('get', keys[1]) end, flags={'no-writes'}}\nredis.register_function{function_name='oomer', "
       "callback=function(keys, args) return redis.call('set', keys[1], 'x') end, flags={'allow-oom'}}"},
      {"CONFIG", "SET", "maxmemory", "1"},
  };
  const std::vector<std::vector<std::string>> corpus = {
      {"SET", "k", "v"},
      {"GET", "existing"},
      {"INCR", "existing"},
      {"APPEND", "existing", "x"},
      {"LPUSH", "list", "c"},
      {"LPOP", "list"},
      {"DEL", "existing"},
      {"EXPIRE", "list", "100"},
      {"PING"},
      {"EVAL", "return redis.call('set', 'e', '1')", "0"},
      {"EVAL", "redis.call('get', 'x'); return redis.call('set', 'e', '1')", "0"},
      {"EVAL", "return redis.pcall('set', 'e', '1')", "0"},
      {"EVAL", "#!lua\nreturn redis.call('get', 'x')", "0"},
      {"EVAL", "#!lua flags=no-writes\nreturn redis.call('get', 'x')", "0"},
      {"EVAL", "#!lua flags=allow-oom\nreturn redis.call('set', 'e', '1')", "0"},
      {"EVAL_RO", "return redis.call('get', 'list')", "0"},
      {"FCALL", "setter", "1", "f"},
      {"FCALL", "reader", "1", "f"},
      {"FCALL", "oomer", "1", "f"},
      {"MULTI"},
      {"GET", "e"},
      {"EXEC"},
      {"MULTI"},
      {"DISCARD"},
      {"CONFIG", "SET", "maxmemory-policy", "volatile-lru"},
      {"SET", "k", "v"},
      {"CONFIG", "SET", "maxmemory-policy", "allkeys-lru"},
      {"SET", "k", "v"},
  };
  for (const auto& command : setup) EXPECT_EQ(describe(a.cmd(command)), describe(r.cmd(command))) << command[0];
  for (const auto& command : corpus) {
    const Reply expected = r.cmd(command), actual = a.cmd(command);
    EXPECT_EQ(describe(actual), describe(expected)) << command[0] << " " << command.back();
  }
}

TEST(MaxmemoryAgainstRedis, ObjectIdletimeAndFreqReadTheAccessClock) {
  RedisProcess redis;
  ASSERT_TRUE(redis.ok());
  ServerProcess arbor;
  for (const uint16_t port : {redis.port(), arbor.port()}) {
    const char* who = port == redis.port() ? "redis" : "arbor";
    Client c(port);
    const std::string payload = payload_of(c);
    ASSERT_TRUE(is_status_ok(c.cmd({"RESTORE", "old", "0", payload, "IDLETIME", "1000"}))) << who;
    // Inspecting commands leave the clock alone; reading and writing reset it.
    for (const std::vector<std::string>& look :
         {std::vector<std::string>{"TYPE", "old"}, {"EXISTS", "old"}, {"TTL", "old"}, {"PTTL", "old"},
          {"EXPIRETIME", "old"}, {"OBJECT", "ENCODING", "old"}})
      c.cmd(look);
    EXPECT_GE(c.cmd({"OBJECT", "IDLETIME", "old"}).integer, 1000) << who;
    c.cmd({"GET", "old"});
    EXPECT_LE(c.cmd({"OBJECT", "IDLETIME", "old"}).integer, 1) << who;
    ASSERT_TRUE(is_status_ok(c.cmd({"RESTORE", "older", "0", payload, "IDLETIME", "5000"}))) << who;
    c.cmd({"SET", "older", "new value"});
    EXPECT_LE(c.cmd({"OBJECT", "IDLETIME", "older"}).integer, 1) << who;
    EXPECT_TRUE(c.cmd({"OBJECT", "FREQ", "old"}).type == ReplyType::kError) << who;

    c.cmd({"CONFIG", "SET", "maxmemory-policy", "allkeys-lfu"});
    EXPECT_TRUE(c.cmd({"OBJECT", "IDLETIME", "old"}).type == ReplyType::kError) << who;
    ASSERT_TRUE(is_status_ok(c.cmd({"RESTORE", "frequent", "0", payload, "FREQ", "100"}))) << who;
    c.cmd({"TYPE", "frequent"});
    EXPECT_EQ(c.cmd({"OBJECT", "FREQ", "frequent"}).integer, 100) << who;
    for (int i = 0; i < 50; ++i) c.cmd({"GET", "frequent"});
    EXPECT_GE(c.cmd({"OBJECT", "FREQ", "frequent"}).integer, 100) << who;
    c.cmd({"SET", "fresh", "v"});
    EXPECT_EQ(c.cmd({"OBJECT", "FREQ", "fresh"}).integer, 5) << who;  // LFU_INIT_VAL
    EXPECT_EQ(c.cmd({"OBJECT", "FREQ", "missing"}).type, ReplyType::kNull) << who;
  }
}

// Evictions reach replicas as DEL (UNLINK with lazyfree-lazy-eviction), as
// keyspace events "evicted", and a replica that ignores maxmemory keeps
// what its primary keeps: an arbor and a Redis replica end equal to it.
TEST(MaxmemoryReplication, EvictionsReachArborAndRedisReplicas) {
  ServerProcess primary;
  Client p(primary.port());
  const std::string where = std::to_string(primary.port());
  ServerProcess replica({"--replicaof", "127.0.0.1 " + where, "--maxmemory", "1"});
  RedisProcess redis({"--replicaof", "127.0.0.1", where, "--enable-debug-command", "yes", "--maxmemory", "1"});
  ASSERT_TRUE(redis.ok());
  Client ar(replica.port()), rr(redis.port());
  ASSERT_TRUE(converged(p, {&ar, &rr}));
  RawConnection events(primary.port());
  ASSERT_TRUE(events.send(encode_command({"CONFIG", "SET", "notify-keyspace-events", "Ee"})));
  ASSERT_TRUE(events.read_reply());
  ASSERT_TRUE(events.send(encode_command({"SUBSCRIBE", "__keyevent@0__:evicted"})));
  ASSERT_TRUE(events.read_reply());

  const std::string payload = payload_of(p);
  restore_keys(p, payload, "old:", 1000, {"IDLETIME", "100000"});
  // (Set first: the commands' first calls allocate their latency
  // histograms, which must not count as the keys' bytes.)
  // (Ten samples: this test is about what reaches the replicas, so the
  // approximated LRU is made to keep nearly all recent keys.)
  p.cmd({"CONFIG", "SET", "maxmemory-policy", "allkeys-lru", "lazyfree-lazy-eviction", "yes", "maxmemory-samples",
         "10"});
  p.cmd({"PING"});
  const int64_t before = info_int(p, "memory", "used_memory");
  restore_keys(p, payload, "new:", 1000, {});
  ASSERT_TRUE(squeeze(p, info_int(p, "memory", "used_memory") - before));  // about half the old keys go
  const auto evicted = events.read_reply();
  ASSERT_TRUE(evicted && evicted->elements.size() == 3u);
  EXPECT_TRUE(is_int(p.cmd({"EXISTS", evicted->elements[2].str}), 0)) << describe(*evicted);
  EXPECT_GT(info_int(p, "stats", "evicted_keys"), 0);
  p.cmd({"CONFIG", "SET", "maxmemory", "0"});  // no more evictions while the digests are compared
  ASSERT_TRUE(converged(p, {&ar}));
  // (Redis's DEBUG DIGEST is computed otherwise than arbor's: the key
  // names are compared; every value is the same.)
  EXPECT_TRUE(eventually([&] { return sorted_keys(rr) == sorted_keys(p); }));
  EXPECT_EQ(ar.cmd({"DBSIZE"}).integer, p.cmd({"DBSIZE"}).integer);
  EXPECT_EQ(info_int(ar, "stats", "evicted_keys"), 0);  // replica-ignore-maxmemory yes
  // Approximated LRU: as the old keys thin out, a sample may hold none, and
  // a recent key goes (Redis loses a few percent too).
  EXPECT_GE(surviving(ar, "new:", 1000), 900);
  EXPECT_LT(surviving(ar, "old:", 1000), 1000);  // approximated LRU: hardly any recent key goes
}

}  // namespace
}  // namespace arbor::test
