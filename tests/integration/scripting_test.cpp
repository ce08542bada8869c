// Scripting with real processes: a script past busy-reply-threshold makes
// other clients get -BUSY while SCRIPT KILL, SHUTDOWN NOSAVE, MULTI and
// DISCARD work as in Redis 7.0; script effects (not scripts) reach an
// arbor replica and a Redis 7.0 replica; replicas run read-only scripts.
#include <gtest/gtest.h>

#include <string>

#include "protocol/reply_writer.h"
#include "tests/integration/replication_helpers.h"
#include "tests/integration/server_fixture.h"

namespace arbor::test {
namespace {

const std::string kBusy = "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.";

// Sends EVAL without waiting for its reply (the caller is held by the script).
void send_eval(RawConnection& conn, const std::string& script) {
  ASSERT_TRUE(conn.send(protocol::encode_command({"EVAL", script, "0"})));
}

bool busy(Client& c) { return is_error(c.cmd({"PING"}), kBusy); }

TEST(Scripting, ABusyScriptAnswersBusyUntilScriptKillStopsIt) {
  ServerProcess server({"--busy-reply-threshold", "100"});
  RawConnection caller(server.port());
  Client other(server.port());
  EXPECT_TRUE(is_error(other.cmd({"SCRIPT", "KILL"}), "NOTBUSY No scripts in execution right now."));
  send_eval(caller, "local i = 0 while true do i = i + 1 end");
  ASSERT_TRUE(eventually([&] { return busy(other); }, milliseconds(10000))) << server.log();
  EXPECT_TRUE(is_error(other.cmd({"GET", "k"}), kBusy));
  EXPECT_TRUE(is_status(other.cmd({"SCRIPT", "KILL"}), "OK"));
  const auto killed = caller.read_reply(milliseconds(10000));
  ASSERT_TRUE(killed.has_value());
  EXPECT_TRUE(killed->is_error());
  EXPECT_TRUE(killed->str.starts_with("ERR Script killed by user with SCRIPT KILL... script: ")) << killed->str;
  EXPECT_TRUE(is_status(other.cmd({"PING"}), "PONG"));
  EXPECT_NE(server.log().find("Slow script detected: still in execution after"), std::string::npos);
}

TEST(Scripting, ABusyFunctionIsStoppedByFunctionKillAndShownByFunctionStats) {
  ServerProcess server({"--busy-reply-threshold", "100"});
  Client other(server.port());
  ASSERT_TRUE(is_bulk(other.cmd({"FUNCTION", "LOAD",
                                 "#!lua name=spin\nredis.register_function('spin', function() while true do end end)"}),
                      "spin"));
  RawConnection caller(server.port());
  ASSERT_TRUE(caller.send(protocol::encode_command({"FCALL", "spin", "0"})));
  const std::string busy_function =
      "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.";
  ASSERT_TRUE(eventually([&] { return is_error(other.cmd({"PING"}), busy_function); }, milliseconds(10000)));
  EXPECT_TRUE(is_error(other.cmd({"SCRIPT", "KILL"}), busy_function));
  const auto stats = other.cmd({"FUNCTION", "STATS"});
  ASSERT_EQ(stats.elements.size(), 4u) << describe(stats);
  EXPECT_NE(describe(stats.elements[1]).find("spin"), std::string::npos) << describe(stats);
  EXPECT_TRUE(is_status(other.cmd({"FUNCTION", "KILL"}), "OK"));
  const auto killed = caller.read_reply(milliseconds(10000));
  ASSERT_TRUE(killed.has_value());
  EXPECT_TRUE(killed->str.starts_with("ERR Script killed by user with SCRIPT KILL... script: spin, on @user_function:2."))
      << killed->str;
  EXPECT_TRUE(is_status(other.cmd({"PING"}), "PONG"));
}

TEST(Scripting, AScriptThatWroteCannotBeKilledButShutdownNosaveStopsTheServer) {
  ServerProcess server({"--busy-reply-threshold", "100"});
  RawConnection caller(server.port());
  Client other(server.port());
  send_eval(caller, "redis.call('set', 'k', 'v') while true do end");
  ASSERT_TRUE(eventually([&] { return busy(other); }, milliseconds(10000))) << server.log();
  EXPECT_TRUE(is_error(other.cmd({"SCRIPT", "KILL"}),
                       "UNKILLABLE Sorry the script already executed write commands against the dataset. You can "
                       "either wait the script termination or kill the server in a hard way using the SHUTDOWN "
                       "NOSAVE command."));
  EXPECT_TRUE(is_error(other.cmd({"SHUTDOWN"}), kBusy));
  // Transactions may be opened and dropped while busy, as Redis allows.
  EXPECT_TRUE(is_status(other.cmd({"MULTI"}), "OK"));
  EXPECT_TRUE(is_status(other.cmd({"DISCARD"}), "OK"));
  RawConnection stopper(server.port());
  ASSERT_TRUE(stopper.send(protocol::encode_command({"SHUTDOWN", "NOSAVE"})));
  const auto status = server.child().wait_exit(milliseconds(10000));
  ASSERT_TRUE(status.has_value()) << server.log();
}

TEST(Scripting, ScriptEffectsReachArborAndRedisReplicas) {
  ServerProcess primary;
  ServerProcess replica({"--replicaof", "127.0.0.1 " + std::to_string(primary.port())});
  RedisProcess redis({"--replicaof", "127.0.0.1", std::to_string(primary.port())});
  ASSERT_TRUE(redis.ok());
  Client p(primary.port());
  Client r(replica.port());
  Client rr(redis.port());
  ASSERT_TRUE(converged(p, {&r}));
  const std::string script =
      "redis.call('set', KEYS[1], ARGV[1]) redis.call('incrby', KEYS[2], 5) "
      "redis.call('sadd', 'set', 'a', 'b', 'c') local popped = redis.call('spop', 'set') "
      "redis.call('expire', KEYS[1], 1000) return popped";
  for (int i = 0; i < 20; ++i)
    ASSERT_EQ(p.cmd({"EVAL", script, "2", "s" + std::to_string(i), "counter", std::to_string(i)}).type,
              protocol::ReplyType::kBulk);
  // A script that wrote nothing propagates nothing; a failing one keeps
  // the writes it made before failing.
  p.cmd({"EVAL", "return redis.call('get', 'counter')", "0"});
  p.cmd({"EVAL", "redis.call('set', 'before-error', '1') return redis.call('nosuch')", "0"});
  ASSERT_TRUE(converged(p, {&r}));
  EXPECT_EQ(digest(p), digest(r));
  // SCRIPT FLUSH reaches the replica's cache too.
  const auto sha = r.cmd({"SCRIPT", "LOAD", "return 'replica'"});
  ASSERT_EQ(sha.type, protocol::ReplyType::kBulk);
  EXPECT_TRUE(is_status(p.cmd({"SCRIPT", "FLUSH"}), "OK"));
  ASSERT_TRUE(converged(p, {&r}));
  EXPECT_EQ(describe(r.cmd({"SCRIPT", "EXISTS", sha.str})), describe(p.cmd({"SCRIPT", "EXISTS", sha.str})));
  EXPECT_TRUE(r.cmd({"SCRIPT", "EXISTS", sha.str}).elements.at(0).integer == 0);
  ASSERT_TRUE(eventually([&] { return is_bulk(rr.cmd({"GET", "before-error"}), "1"); }, milliseconds(30000)));
  EXPECT_TRUE(is_bulk(rr.cmd({"GET", "counter"}), "100"));
  EXPECT_TRUE(is_int(rr.cmd({"SCARD", "set"}), p.cmd({"SCARD", "set"}).integer));
  EXPECT_TRUE(is_bulk(rr.cmd({"GET", "s7"}), "7"));
  EXPECT_GT(rr.cmd({"TTL", "s7"}).integer, 900);
}

// A busy read-only script on a replica sees one moment of the data: the
// primary's stream waits for it, then applies.
TEST(Scripting, AReplicaAppliesItsPrimarysStreamOnlyBetweenScripts) {
  ServerProcess primary;
  ServerProcess replica({"--replicaof", "127.0.0.1 " + std::to_string(primary.port()), "--busy-reply-threshold", "50"});
  Client p(primary.port());
  Client r(replica.port());
  p.cmd({"SET", "k", "1"});
  ASSERT_TRUE(converged(p, {&r}));
  RawConnection caller(replica.port());
  ASSERT_TRUE(caller.send(protocol::encode_command(
      {"EVAL_RO",
       "local first = redis.call('get', KEYS[1]) "
       "local t0 = redis.call('time') local start = t0[1] * 1000000 + t0[2] "
       "repeat local t = redis.call('time') until t[1] * 1000000 + t[2] > start + 400000 "
       "return {first, redis.call('get', KEYS[1])}",
       "1", "k"})));
  ASSERT_TRUE(eventually([&] { return r.cmd({"PING"}).is_error(); }, milliseconds(10000)));  // busy now
  p.cmd({"SET", "k", "2"});
  const auto seen = caller.read_reply(milliseconds(10000));
  ASSERT_TRUE(seen.has_value());
  EXPECT_EQ(describe(*seen), R"(["1", "1"])");
  ASSERT_TRUE(converged(p, {&r}));
  EXPECT_TRUE(is_bulk(r.cmd({"GET", "k"}), "2"));
}

TEST(Scripting, AReplicaRunsReadOnlyScriptsAndRefusesWrites) {
  ServerProcess primary;
  ServerProcess replica({"--replicaof", "127.0.0.1 " + std::to_string(primary.port())});
  Client p(primary.port());
  Client r(replica.port());
  p.cmd({"SET", "k", "v"});
  ASSERT_TRUE(converged(p, {&r}));
  EXPECT_TRUE(is_bulk(r.cmd({"EVAL_RO", "return redis.call('get', KEYS[1])", "1", "k"}), "v"));
  EXPECT_TRUE(is_bulk(r.cmd({"EVAL", "return redis.call('get', KEYS[1])", "1", "k"}), "v"));
  const auto refused = r.cmd({"EVAL", "return redis.call('set', 'k', 'x')", "0"});
  EXPECT_TRUE(refused.is_error());
  EXPECT_TRUE(refused.str.starts_with("READONLY You can't write against a read only replica. script: ")) << refused.str;
  EXPECT_TRUE(is_error(r.cmd({"EVAL", "#!lua\nreturn 1", "0"}), "READONLY You can't write against a read only replica."));
  EXPECT_TRUE(is_int(r.cmd({"EVAL", "#!lua flags=no-writes\nreturn 1", "0"}), 1));
}

const char* kLibrary =
    "#!lua name=lib\n"
    "redis.register_function('incr_by', function(keys, args) return redis.call('incrby', keys[1], args[1]) end)\n"
    "redis.register_function{function_name='read', callback=function(keys) return redis.call('get', keys[1]) end, "
    "flags={'no-writes'}}";

TEST(Scripting, FunctionsReachReplicasThroughTheStreamAndFullSyncs) {
  ServerProcess primary;
  ServerProcess replica({"--replicaof", "127.0.0.1 " + std::to_string(primary.port())});
  Client p(primary.port());
  Client r(replica.port());
  ASSERT_TRUE(is_bulk(p.cmd({"FUNCTION", "LOAD", kLibrary}), "lib"));
  EXPECT_TRUE(is_int(p.cmd({"FCALL", "incr_by", "1", "n", "5"}), 5));
  ASSERT_TRUE(converged(p, {&r}));
  EXPECT_TRUE(is_bulk(r.cmd({"FCALL_RO", "read", "1", "n"}), "5"));
  EXPECT_TRUE(is_error(r.cmd({"FCALL", "incr_by", "1", "n", "1"}),
                       "READONLY You can't write against a read only replica."));
  // Redis 7.0 attached now gets the library in the full sync's RDB.
  RedisProcess redis({"--replicaof", "127.0.0.1", std::to_string(primary.port())});
  ASSERT_TRUE(redis.ok());
  Client rr(redis.port());
  ASSERT_TRUE(eventually([&] { return is_bulk(rr.cmd({"FCALL_RO", "read", "1", "n"}), "5"); }, milliseconds(30000)))
      << redis.log();
  // Deleting it reaches both.
  EXPECT_TRUE(is_status(p.cmd({"FUNCTION", "DELETE", "lib"}), "OK"));
  ASSERT_TRUE(converged(p, {&r}));
  EXPECT_TRUE(is_error(r.cmd({"FCALL_RO", "read", "1", "n"}), "ERR Function not found"));
  EXPECT_TRUE(eventually([&] { return is_error(rr.cmd({"FCALL_RO", "read", "1", "n"}), "ERR Function not found"); },
                         milliseconds(30000)));
}

TEST(Scripting, FunctionsAreSavedInTheDumpAndInteroperateWithRedis) {
  ServerProcess server({"--save", ""});
  Client a(server.port());
  ASSERT_TRUE(is_bulk(a.cmd({"FUNCTION", "LOAD", kLibrary}), "lib"));
  ASSERT_TRUE(is_status(a.cmd({"SAVE"}), "OK"));
  server.stop();
  ASSERT_TRUE(server.start({"--save", ""}));
  Client b(server.port());
  EXPECT_TRUE(is_int(b.cmd({"FCALL", "incr_by", "1", "n", "2"}), 2));
  // redis-check-rdb accepts the dump with its library.
  const RunResult check = run_program("/usr/bin/redis-check-rdb", {server.dir() + "/dump.rdb"});
  EXPECT_EQ(check.exit_code, 0) << check.output;
  // FUNCTION DUMP payloads move both ways between arbor and Redis 7.0.
  RedisProcess redis;
  ASSERT_TRUE(redis.ok());
  Client r(redis.port());
  const auto ours = b.cmd({"FUNCTION", "DUMP"});
  ASSERT_EQ(ours.type, protocol::ReplyType::kBulk);
  EXPECT_TRUE(is_status(r.cmd({"FUNCTION", "RESTORE", ours.str}), "OK"));
  EXPECT_TRUE(is_int(r.cmd({"FCALL", "incr_by", "1", "n", "3"}), 3));
  ASSERT_TRUE(is_bulk(r.cmd({"FUNCTION", "LOAD", "REPLACE",
                             "#!lua name=lib\nredis.register_function('from_redis', function() return 7 end)"}),
                      "lib"));
  const auto theirs = r.cmd({"FUNCTION", "DUMP"});
  ASSERT_EQ(theirs.type, protocol::ReplyType::kBulk);
  EXPECT_TRUE(is_status(b.cmd({"FUNCTION", "RESTORE", theirs.str, "FLUSH"}), "OK"));
  EXPECT_TRUE(is_int(b.cmd({"FCALL", "from_redis", "0"}), 7));
}

}  // namespace
}  // namespace arbor::test
