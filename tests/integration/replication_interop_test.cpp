// Replication across arbor and Redis 7.0 (Debian's redis-server): a Redis
// replica follows an arbor primary, an arbor replica follows a Redis
// primary, both through a full sync and the command stream afterwards; and
// a Redis replica is turned away while note trees exist (it could not load
// them), then syncs once they are gone. Datasets are compared through
// commands, key by key, since the two servers' digests differ.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "tests/integration/server_fixture.h"

namespace arbor::test {
namespace {

// One line per visible key: name, type, TTL set or not, and its value in a
// canonical form (sets and hashes sorted).
std::string dataset(Client& c) {
  std::vector<std::string> keys;
  for (const auto& e : c.cmd({"KEYS", "*"}).elements) keys.push_back(e.str);
  std::sort(keys.begin(), keys.end());
  for (const auto& k : keys) c.append({"TYPE", k});
  std::vector<std::string> types;
  for (size_t i = 0; i < keys.size(); ++i) types.push_back(c.read_reply().str);
  for (size_t i = 0; i < keys.size(); ++i) {
    const std::string& k = keys[i];
    const std::string& t = types[i];
    if (t == "string") c.append({"GET", k});
    else if (t == "list") c.append({"LRANGE", k, "0", "-1"});
    else if (t == "set") c.append({"SMEMBERS", k});
    else if (t == "hash") c.append({"HGETALL", k});
    else if (t == "zset") c.append({"ZRANGE", k, "0", "-1", "WITHSCORES"});
    else c.append({"XRANGE", k, "-", "+"});
    c.append({"PEXPIRETIME", k});
    // A stream's groups: consumers, pending counts, last ids (entries-read
    // and lag left out: a replica fed XCLAIM ... LASTID leaves them unknown,
    // in Redis too), and each pending entry's owner and delivery count.
    if (t == "stream") {
      c.append({"XINFO", "GROUPS", k});
      c.append({"XPENDING", k, "g", "-", "+", "100"});
    }
  }
  std::string out;
  for (size_t i = 0; i < keys.size(); ++i) {
    Reply value = c.read_reply();
    const Reply expire = c.read_reply();
    if (types[i] == "stream") {
      Reply groups = c.read_reply();
      for (Reply& g : groups.elements)
        for (size_t j = 0; j + 1 < g.elements.size(); j += 2)
          if (g.elements[j].str == "entries-read" || g.elements[j].str == "lag") g.elements[j + 1] = Reply{};
      Reply pending = c.read_reply();
      for (Reply& entry : pending.elements)
        if (entry.elements.size() == 4) entry.elements[2] = Reply{};  // idle time: a clock
      value.elements.push_back(groups);
      value.elements.push_back(pending);
    }
    if (types[i] == "set") {
      std::sort(value.elements.begin(), value.elements.end(), [](const Reply& a, const Reply& b) { return a.str < b.str; });
    } else if (types[i] == "hash") {
      std::vector<std::pair<std::string, std::string>> pairs;
      for (size_t j = 0; j + 1 < value.elements.size(); j += 2)
        pairs.emplace_back(value.elements[j].str, value.elements[j + 1].str);
      std::sort(pairs.begin(), pairs.end());
      for (size_t j = 0; j < pairs.size(); ++j) {
        value.elements[2 * j].str = pairs[j].first;
        value.elements[2 * j + 1].str = pairs[j].second;
      }
    }
    out += keys[i] + " " + types[i] + " exp=" + std::to_string(expire.integer) + " " + describe(value) + "\n";
  }
  return out;
}

// Every type in the encodings both servers pick for small and large values,
// strings written by the bitmap and HyperLogLog commands (sent on as they
// came; HLL values must be byte for byte Redis's on both sides), geo sets,
// and streams with a consumer group and pending entries.
void fill(Client& c, const std::string& prefix) {
  for (int i = 0; i < 300; ++i) {
    const std::string n = prefix + std::to_string(i);
    c.append({"SET", "s:" + n, "value " + n});
    c.append({"SET", "t:" + n, n, "PX", "100000000"});
    c.append({"RPUSH", "l:" + n, "a", n, "c"});
    c.append({"HSET", "h:" + n, "f", n, "g", "x"});
    c.append({"SADD", "i:" + n, "1", "2", std::to_string(i)});
    c.append({"SADD", "w:" + n, "a", "b", n});
    c.append({"ZADD", "z:" + n, "1.5", "a", "-2", n});
    c.append({"XADD", "x:" + n, "1-" + std::to_string(i + 1), "f", n});
    c.append({"SETBIT", "bits:" + n, std::to_string(i * 7), "1"});
    c.append({"BITFIELD", "bf:" + n, "SET", "i16", "#" + std::to_string(i % 5), std::to_string(-i), "OVERFLOW", "SAT",
              "INCRBY", "u8", "3", std::to_string(i)});
    c.append({"PFADD", "hll:" + std::to_string(i % 7), n, "x" + n});
    c.append({"GEOADD", "geo:" + std::to_string(i % 3), std::to_string(-179.5 + i * 1.19), std::to_string(-84 + i * 0.56), n});
    // A stream with a group, entries delivered to two consumers, one acked.
    c.append({"XGROUP", "CREATE", "x:" + n, "g", "0"});
    c.append({"XADD", "x:" + n, "2-" + std::to_string(i + 1), "f", "second"});
    c.append({"XREADGROUP", "GROUP", "g", "alice", "COUNT", "1", "STREAMS", "x:" + n, ">"});
    c.append({"XREADGROUP", "GROUP", "g", "bob", "STREAMS", "x:" + n, ">"});
    c.append({"XACK", "x:" + n, "g", "1-" + std::to_string(i + 1)});
  }
  constexpr int kPerRound = 17;
  // PFCOUNT stores the count in the value and is sent on; PFMERGE of a
  // dense and sparse HLLs.
  for (int i = 0; i < 7; ++i) c.append({"PFCOUNT", "hll:" + std::to_string(i)});
  for (int i = 0; i < 400; ++i) c.append({"PFADD", "hll:0", "many" + std::to_string(i)});
  c.append({"PFMERGE", prefix + "hllmerge", "hll:0", "hll:1"});
  c.append({"BITOP", "XOR", prefix + "bitop", "bits:" + prefix + "1", "bits:" + prefix + "299", "bf:" + prefix + "7"});
  for (int i = 0; i < 300 * kPerRound + 7 + 400 + 1 + 1; ++i) c.read_reply();
  for (int i = 0; i < 1000; ++i) {
    c.append({"RPUSH", prefix + "biglist", std::to_string(i)});
    c.append({"HSET", prefix + "bighash", "f" + std::to_string(i), std::string(100, 'v')});
    c.append({"ZADD", prefix + "bigzset", std::to_string(i), "m" + std::to_string(i)});
    c.append({"SADD", prefix + "bigset", "m" + std::to_string(i)});
  }
  for (int i = 0; i < 4000; ++i) c.read_reply();
}

// The replica's offset has reached the primary's: Redis and arbor both
// report master_repl_offset and slave_repl_offset in INFO replication.
bool caught_up(Client& primary, Client& replica) {
  const auto target = info_field(primary.cmd({"INFO", "replication"}).str, "master_repl_offset");
  if (!target) return false;
  return eventually(
      [&] {
        const std::string text = replica.cmd({"INFO", "replication"}).str;
        const auto offset = info_field(text, "slave_repl_offset");
        return info_field(text, "master_link_status") == "up" && offset && std::stoll(*offset) >= std::stoll(*target);
      },
      milliseconds(30000), milliseconds(20));
}

TEST(ReplicationInterop, RedisReplicaFollowsAnArborPrimary) {
  ServerProcess primary;
  Client p(primary.port());
  fill(p, "a");
  RedisProcess redis({"--replicaof", "127.0.0.1", std::to_string(primary.port())});
  ASSERT_TRUE(redis.ok());
  Client r(redis.port());
  fill(p, "b");  // during and after the full sync
  p.cmd({"INCRBYFLOAT", "float", "2.5"});
  p.cmd({"SPOP", "w:a1"});
  p.cmd({"EXPIRE", "s:a2", "1000"});
  ASSERT_TRUE(caught_up(p, r)) << redis.log();
  const std::string ours = dataset(p);
  EXPECT_EQ(dataset(r), ours);
  EXPECT_GT(ours.size(), 10000u);
}

TEST(ReplicationInterop, ArborReplicaFollowsARedisPrimary) {
  RedisProcess redis({"--repl-diskless-sync-delay", "0"});
  ASSERT_TRUE(redis.ok());
  Client p(redis.port());
  fill(p, "a");
  ServerProcess replica({"--replicaof", "127.0.0.1 " + std::to_string(redis.port())});
  Client r(replica.port());
  fill(p, "b");
  p.cmd({"INCRBYFLOAT", "float", "2.5"});
  p.cmd({"SPOP", "w:a1"});
  p.cmd({"MULTI"});
  p.cmd({"LPUSH", "l:a1", "front"});
  p.cmd({"EXPIRE", "s:a2", "1000"});
  p.cmd({"EXEC"});
  ASSERT_TRUE(caught_up(p, r)) << replica.log();
  const std::string theirs = dataset(p);
  EXPECT_EQ(dataset(r), theirs);
  EXPECT_TRUE(is_int(p.cmd({"WAIT", "1", "5000"}), 1));  // arbor's ACKs count for Redis's WAIT
}

TEST(ReplicationInterop, ARedisReplicaIsTurnedAwayWhileNoteTreesExist) {
  ServerProcess primary;
  Client p(primary.port());
  p.cmd({"SET", "plain", "value"});
  p.cmd({"NOTE.ADD", "notes", "root", "a", "text"});
  RedisProcess redis({"--replicaof", "127.0.0.1", std::to_string(primary.port())});
  ASSERT_TRUE(redis.ok());
  Client r(redis.port());
  EXPECT_TRUE(eventually([&] { return primary.log().find("the dataset holds note trees") != std::string::npos; },
                         milliseconds(10000)));
  EXPECT_NE(info_field(r.cmd({"INFO", "replication"}).str, "master_link_status"), "up");
  EXPECT_TRUE(is_int(r.cmd({"DBSIZE"}), 0));
  // Once the note trees are gone, the retrying replica syncs.
  p.cmd({"DEL", "notes"});
  ASSERT_TRUE(caught_up(p, r)) << redis.log();
  EXPECT_TRUE(is_bulk(r.cmd({"GET", "plain"}), "value"));
}

// redis-cli --rdb asks for the snapshot alone (REPLCONF rdb-only 1, SYNC):
// the file it writes passes redis-check-rdb.
TEST(ReplicationInterop, RedisCliRdbFetchesASnapshotRedisCheckRdbAccepts) {
  ServerProcess primary;
  Client p(primary.port());
  fill(p, "a");
  const std::string path = primary.dir() + "/fetched.rdb";
  const std::string fetch = "redis-cli -p " + std::to_string(primary.port()) + " --rdb " + path + " 2>&1";
  ASSERT_EQ(std::system(fetch.c_str()), 0);
  const std::string check = "redis-check-rdb " + path + " > " + primary.dir() + "/check.txt 2>&1";
  EXPECT_EQ(std::system(check.c_str()), 0);
  std::ifstream in(primary.dir() + "/check.txt");
  const std::string report((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(report.find("RDB looks OK"), std::string::npos) << report;
  EXPECT_NE(report.find(std::to_string(p.cmd({"DBSIZE"}).integer) + " keys read"), std::string::npos) << report;
}

}  // namespace
}  // namespace arbor::test
