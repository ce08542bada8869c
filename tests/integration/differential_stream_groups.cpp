// Stream consumer groups (XGROUP, XREADGROUP, XACK, XPENDING, XCLAIM,
// XAUTOCLAIM, XINFO) against redis-server 7.0 in the same run: a fixed
// script of options, edges and errors compared reply for reply (times and
// idle counters masked where they are clocks), blocking reads woken by XADD
// or ended by XGROUP DESTROY and DEL as Redis ends them, and the groups an
// arbor replica and a Redis replica of arbor hold after the same commands.
#include <gtest/gtest.h>

#include <cctype>
#include <set>
#include <string>
#include <vector>

#include "tests/integration/differential_support.h"
#include "tests/integration/replication_helpers.h"
#include "tests/integration/server_fixture.h"

namespace arbor::test {

using Command = std::vector<std::string>;

// Replies that carry clocks (delivery times, idle and seen times): every
// integer is masked.
std::string masked_clocks(const Reply& r) {
  if (r.type == ReplyType::kInteger) return "#";
  if (r.type != ReplyType::kArray && r.type != ReplyType::kMap && r.type != ReplyType::kSet) return describe(r);
  std::string out = "[";
  for (const Reply& e : r.elements) out += masked_clocks(e) + ",";
  return out + "]";
}

bool has_clock_fields(const Command& c) {
  const auto is = [&](size_t i, const std::string& word) {
    if (c.size() <= i || c[i].size() != word.size()) return false;
    for (size_t k = 0; k < word.size(); ++k)
      if (std::toupper(static_cast<unsigned char>(c[i][k])) != word[k]) return false;
    return true;
  };
  return (is(0, "XPENDING") && c.size() > 3) || (is(0, "XINFO") && (is(1, "CONSUMERS") || c.size() > 3));
}

namespace {

std::vector<Command> fixed_script() {
  std::vector<Command> s;
  for (int i = 1; i < 12; ++i) s.push_back({"XADD", "s", std::to_string(i) + "-1", "f", std::to_string(i)});
  const std::vector<Command> rest = {
      {"SET", "str", "x"},
      {"XGROUP", "CREATE", "s", "g1", "0"}, {"XGROUP", "CREATE", "s", "g1", "0"}, {"XGROUP", "CREATE", "nos", "g", "0"},
      {"XGROUP", "CREATE", "nos", "g", "$", "MKSTREAM"}, {"TYPE", "nos"}, {"XGROUP", "CREATE", "str", "g", "0"},
      {"XGROUP", "CREATE", "s", "g2", "$", "ENTRIESREAD", "5"}, {"XGROUP", "CREATE", "s", "g3", "0", "ENTRIESREAD", "-2"},
      {"XGROUP", "CREATE", "s", "g3", "0", "BOGUS"}, {"XGROUP", "CREATE", "s", "g3", "bad"}, {"XGROUP", "CREATE", "s", "g3", "-"},
      {"XGROUP", "SETID", "s", "nog", "0"}, {"XGROUP", "SETID", "s", "g2", "0", "ENTRIESREAD"},
      {"XGROUP", "SETID", "s", "g2", "-"}, {"XGROUP", "CREATECONSUMER", "s", "g1", "c0"},
      {"XGROUP", "CREATECONSUMER", "s", "g1", "c0"}, {"XGROUP", "CREATECONSUMER", "s", "nog", "c0"},
      {"XREADGROUP", "GROUP", "g1", "alice", "COUNT", "3", "STREAMS", "s", ">"},
      {"XREADGROUP", "GROUP", "g1", "bob", "COUNT", "2", "NOACK", "STREAMS", "s", ">"},
      {"XREADGROUP", "GROUP", "g1", "carol", "STREAMS", "s", ">"}, {"XREADGROUP", "GROUP", "g1", "carol", "STREAMS", "s", ">"},
      {"XREADGROUP", "GROUP", "g1", "alice", "STREAMS", "s", "0"},
      {"XREADGROUP", "GROUP", "g1", "alice", "COUNT", "1", "STREAMS", "s", "1-1"},
      {"XREADGROUP", "GROUP", "g1", "alice", "STREAMS", "s", "$"}, {"XREADGROUP", "GROUP", "nog", "alice", "STREAMS", "s", ">"},
      {"XREADGROUP", "GROUP", "g1", "alice", "STREAMS", "s"}, {"XREADGROUP", "STREAMS", "s", ">"},
      {"XREADGROUP", "GROUP", "g1", "a", "STREAMS", "str", ">"}, {"XREADGROUP", "GROUP", "g1", "a", "STREAMS", "s", "bad"},
      {"XREADGROUP", "GROUP", "g1", "a", "FOO", "STREAMS", "s", ">"},
      {"XREADGROUP", "GROUP", "g1", "a", "BLOCK", "-1", "STREAMS", "s", ">"},
      {"XREADGROUP", "GROUP", "g1", "a", "BLOCK", "10", "STREAMS", "s", "nos", ">", ">"},
      {"XPENDING", "s", "g1"}, {"XPENDING", "s", "g1", "-", "+", "10"}, {"XPENDING", "s", "g1", "-", "+", "10", "carol"},
      {"XPENDING", "s", "g1", "(1-1", "+", "2"}, {"XPENDING", "s", "g1", "IDLE", "0", "-", "+", "10", "alice"},
      {"XPENDING", "s", "g1", "-", "+"}, {"XPENDING", "s", "g1", "IDLE", "x", "-", "+", "1"},
      {"XPENDING", "s", "g1", "IDLE", "5", "-", "+"}, {"XPENDING", "s", "nog"}, {"XPENDING", "s", "g1", "-", "+", "10", "nobody"},
      {"XPENDING", "s", "g1", "x", "+", "1"}, {"XPENDING", "s", "g1", "-", "+", "x"}, {"XPENDING", "s", "g2"},
      {"XACK", "s", "g1", "1-1", "2-1", "99-1"}, {"XACK", "s", "g1", "bad"}, {"XACK", "s", "nog", "1-1"},
      {"XACK", "nokey", "g", "1-1"}, {"XACK", "str", "g", "1-1"}, {"XPENDING", "s", "g1"},
      {"XCLAIM", "s", "g1", "dave", "0", "3-1", "6-1", "JUSTID"}, {"XCLAIM", "s", "g1", "dave", "0", "7-1", "RETRYCOUNT", "7", "JUSTID"},
      {"XCLAIM", "s", "g1", "erin", "0", "8-1"}, {"XCLAIM", "s", "g1", "erin", "1000000", "9-1"},
      {"XCLAIM", "s", "g1", "erin", "0", "1-1", "FORCE", "JUSTID"}, {"XCLAIM", "s", "g1", "erin", "0", "1-1", "BOGUS"},
      {"XCLAIM", "s", "g1", "erin", "x", "1-1"}, {"XCLAIM", "s", "nog", "erin", "0", "1-1"},
      {"XCLAIM", "s", "g1", "erin", "0", "1-1", "IDLE", "x"}, {"XCLAIM", "s", "g1", "erin", "0", "1-1", "LASTID", "bad"},
      {"XCLAIM", "s", "g1", "erin", "0", "1-1", "LASTID", "50-0", "JUSTID"}, {"XDEL", "s", "8-1"},
      {"XCLAIM", "s", "g1", "fred", "0", "8-1"}, {"XPENDING", "s", "g1"}, {"XPENDING", "s", "g1", "-", "+", "100"},
      {"XGROUP", "DELCONSUMER", "s", "g1", "dave"}, {"XGROUP", "DELCONSUMER", "s", "g1", "nobody"},
      {"XGROUP", "DESTROY", "s", "g2"}, {"XGROUP", "DESTROY", "s", "g2"}, {"XGROUP", "HELP"}, {"XGROUP", "FOO"},
      {"XGROUP", "CREATE", "s"}, {"XGROUP", "DESTROY", "s", "g", "x"}, {"XPENDING", "s", "g1"},
      {"XAUTOCLAIM", "s", "g1", "zed", "0", "0-0", "COUNT", "2"}, {"XAUTOCLAIM", "s", "g1", "zed", "0", "0-0", "JUSTID"},
      {"XDEL", "s", "10-1"}, {"XAUTOCLAIM", "s", "g1", "yan", "0", "-", "COUNT", "1"}, {"XAUTOCLAIM", "s", "g1", "yan", "0", "(1-1"},
      {"XAUTOCLAIM", "s", "g1", "yan", "0", "0", "COUNT", "0"}, {"XAUTOCLAIM", "s", "g1", "yan", "x", "0"},
      {"XAUTOCLAIM", "s", "nog", "yan", "0", "0"}, {"XAUTOCLAIM", "s", "g1", "yan", "0", "0", "BOGUS"},
      {"XAUTOCLAIM", "s", "g1", "yan", "1000000", "0"},
      {"XINFO", "GROUPS", "s"}, {"XINFO", "STREAM", "s"}, {"XINFO", "STREAM", "nos"}, {"XINFO", "STREAM", "nokey"},
      {"XINFO", "GROUPS", "str"}, {"XINFO", "STREAM", "s", "FULL", "COUNT", "0"}, {"XINFO", "STREAM", "s", "FULL", "COUNT", "1"},
      {"XINFO", "STREAM", "s", "FULLY"}, {"XINFO", "STREAM", "s", "FULL", "COUNT"}, {"XINFO", "CONSUMERS", "s", "nog"},
      {"XINFO", "CONSUMERS", "s", "g1"}, {"XINFO", "HELP"},
      {"XGROUP", "CREATE", "s", "late", "$"}, {"XADD", "s", "20-1", "a", "b"}, {"XINFO", "GROUPS", "s"},
      {"XGROUP", "SETID", "s", "late", "0"}, {"XINFO", "GROUPS", "s"}, {"XGROUP", "SETID", "s", "late", "$", "ENTRIESREAD", "3"},
      {"XINFO", "GROUPS", "s"},
      // (Redis lists a container's subcommands in hash order: each is asked for by name.)
      {"COMMAND", "INFO", "XREADGROUP", "XACK", "XCLAIM", "XAUTOCLAIM", "XPENDING", "XREAD", "xgroup|create",
       "xgroup|setid", "xgroup|destroy", "xgroup|createconsumer", "xgroup|delconsumer", "xgroup|help", "xinfo|stream",
       "xinfo|groups", "xinfo|consumers", "xinfo|help"},
      {"COMMAND", "GETKEYS", "XREADGROUP", "GROUP", "g", "c", "STREAMS", "a", "b", ">", ">"},
      {"COMMAND", "GETKEYSANDFLAGS", "XREADGROUP", "GROUP", "g", "c", "COUNT", "1", "STREAMS", "a", ">"},
  };
  s.insert(s.end(), rest.begin(), rest.end());
  return s;
}

TEST(DifferentialStreamGroups, FixedScriptMatchesRedis) {
  ServerProcess arbor;
  RedisProcess redis;
  ASSERT_TRUE(redis.ok());
  for (const char* protocol : {"2", "3"}) {
    Client ours(arbor.port()), theirs(redis.port());
    ours.cmd({"HELLO", protocol});
    theirs.cmd({"HELLO", protocol});
    ours.cmd({"FLUSHALL"});
    theirs.cmd({"FLUSHALL"});
    for (const Command& cmd : fixed_script()) {
      const Reply a = ours.cmd(cmd), b = theirs.cmd(cmd);
      if (has_clock_fields(cmd)) EXPECT_EQ(masked_clocks(a), masked_clocks(b)) << "RESP" << protocol << " " << printable(cmd);
      else EXPECT_EQ(describe(a), describe(b)) << "RESP" << protocol << " " << printable(cmd);
    }
  }
}

// One blocked XREADGROUP per server, ended by `action`; the replies compared.
void blocked_read_ends_as_redis(const std::vector<Command>& action) {
  ServerProcess arbor;
  RedisProcess redis;
  ASSERT_TRUE(redis.ok());
  std::vector<std::string> replies;
  for (int port : {arbor.port(), redis.port()}) {
    Client c(port), reader(port);
    c.cmd({"XADD", "s", "1-1", "a", "1"});
    c.cmd({"XGROUP", "CREATE", "s", "g", "$"});
    reader.append({"XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">"});
    for (int done = 0; done == 0;) ASSERT_EQ(redisBufferWrite(reader.raw(), &done), REDIS_OK);
    ASSERT_TRUE(eventually([&] { return c.cmd({"INFO", "clients"}).str.find("blocked_clients:1") != std::string::npos; }));
    for (const Command& cmd : action) c.cmd(cmd);
    replies.push_back(describe(reader.read_reply()));
    replies.back() += " pending " + describe(c.cmd({"XPENDING", "s", "g"}));
  }
  EXPECT_EQ(replies[0], replies[1]);
}

TEST(DifferentialStreamGroups, BlockedReadIsServedByXadd) { blocked_read_ends_as_redis({{"XADD", "s", "2-1", "b", "2"}}); }
TEST(DifferentialStreamGroups, BlockedReadEndsWhenTheGroupIsDestroyed) {
  blocked_read_ends_as_redis({{"XGROUP", "DESTROY", "s", "g"}});
}
TEST(DifferentialStreamGroups, BlockedReadEndsWhenTheStreamIsDeleted) { blocked_read_ends_as_redis({{"DEL", "s"}}); }
TEST(DifferentialStreamGroups, BlockedReadEndsWhenTheStreamIsReplaced) {
  blocked_read_ends_as_redis({{"SET", "s", "x"}});
}

// What a replica must hold: groups, consumers' PELs, delivery counts. With
// `entries_read` false the groups' entries-read is left out: replicas learn
// last ids from XCLAIM's LASTID, which (in Redis too) leaves it unknown.
std::string group_state(Client& c, bool entries_read) {
  Reply groups = c.cmd({"XINFO", "GROUPS", "s"});
  if (!entries_read)
    for (Reply& g : groups.elements)
      for (size_t i = 0; i + 1 < g.elements.size(); i += 2)
        if (g.elements[i].str == "entries-read") g.elements[i + 1] = Reply{};
  std::string out = describe(groups);
  for (const char* group : {"g1", "g2"}) {
    out += describe(c.cmd({"XPENDING", "s", group}));
    const Reply pending = c.cmd({"XPENDING", "s", group, "-", "+", "100"});
    for (const Reply& e : pending.elements) out += describe(e.elements[0]) + describe(e.elements[1]) + describe(e.elements[3]);
    for (const Reply& consumer : c.cmd({"XINFO", "CONSUMERS", "s", group}).elements) out += describe(consumer.elements[1]);
  }
  return out;
}

TEST(DifferentialStreamGroups, ArborAndRedisReplicasHoldThePrimarysGroups) {
  ServerProcess primary;
  ServerProcess replica({"--replicaof", "127.0.0.1 " + std::to_string(primary.port())});
  RedisProcess redis_replica({"--replicaof", "127.0.0.1", std::to_string(primary.port())});
  ASSERT_TRUE(redis_replica.ok());
  Client p(primary.port()), r(replica.port()), rr(redis_replica.port());
  const std::vector<Command> script = {
      {"XADD", "s", "1-1", "f", "1"}, {"XADD", "s", "2-1", "f", "2"}, {"XADD", "s", "3-1", "f", "3"},
      {"XADD", "s", "4-1", "f", "4"}, {"XGROUP", "CREATE", "s", "g1", "0"}, {"XGROUP", "CREATE", "s", "g2", "0"},
      {"XREADGROUP", "GROUP", "g1", "alice", "COUNT", "2", "STREAMS", "s", ">"},
      {"XREADGROUP", "GROUP", "g1", "bob", "STREAMS", "s", ">"},
      {"XREADGROUP", "GROUP", "g2", "carol", "NOACK", "COUNT", "3", "STREAMS", "s", ">"},
      {"XGROUP", "CREATECONSUMER", "s", "g2", "dave"}, {"XACK", "s", "g1", "1-1"},
      {"XCLAIM", "s", "g1", "carol", "0", "3-1", "RETRYCOUNT", "5"}, {"XDEL", "s", "4-1"},
      {"XAUTOCLAIM", "s", "g1", "erin", "0", "0"}, {"XREADGROUP", "GROUP", "g2", "new", "STREAMS", "s", ">"},
      {"XGROUP", "SETID", "s", "g2", "1-1"}, {"XREADGROUP", "GROUP", "g2", "fred", "STREAMS", "s", ">"},
      {"XGROUP", "DELCONSUMER", "s", "g1", "alice"},
  };
  // Both replicas take the commands as a stream (a full sync after them
  // would carry the primary's own counters instead).
  ASSERT_TRUE(eventually([&] { return info_int(p, "replication", "connected_slaves") == 2; }, milliseconds(20000)));
  ASSERT_TRUE(converged(p, {&r}));
  for (const Command& cmd : script) ASSERT_NE(p.cmd(cmd).type, ReplyType::kError) << printable(cmd);
  ASSERT_TRUE(converged(p, {&r}));
  EXPECT_EQ(group_state(r, false), group_state(p, false));
  // The Redis replica took the same stream: it ends where arbor's replica is.
  ASSERT_TRUE(eventually([&] { return group_state(rr, true) == group_state(r, true); }, milliseconds(10000)))
      << group_state(rr, true) << "\nvs\n" << group_state(r, true);
}

}  // namespace
}  // namespace arbor::test
