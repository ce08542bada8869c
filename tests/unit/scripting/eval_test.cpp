// EVAL, EVALSHA, EVAL_RO, SCRIPT: replies converted from Lua values in both
// protocols, errors with Redis 7.0's texts (taken from redis-server 7.0.15),
// the script cache, shebang flags, and redis.* helpers.
#include <gtest/gtest.h>

#include <string>

#include "tests/unit/commands/harness.h"

namespace arbor {
namespace {

using testing::CommandHarness;
using testing::err;
using testing::kOk;

// The " script: <sha>, on @user_script:<line>." suffix of a runtime error.
std::string where(const std::string& sha, int line = 1) {
  return " script: " + sha + ", on @user_script:" + std::to_string(line) + ".";
}

TEST(Eval, LuaValuesBecomeRedisReplies) {
  CommandHarness h;
  EXPECT_EQ(h.text({"EVAL", "return {1,2,3,'ciao',{1,2}}", "0"}), R"([1, 2, 3, "ciao", [1, 2]])");
  EXPECT_EQ(h.text({"EVAL", "return 3.99", "0"}), "3");
  EXPECT_EQ(h.text({"EVAL", "return -3.99", "0"}), "-3");
  EXPECT_EQ(h.text({"EVAL", "return 'x'", "0"}), R"("x")");
  EXPECT_EQ(h.text({"EVAL", "return true", "0"}), "1");
  EXPECT_EQ(h.text({"EVAL", "return false", "0"}), "nil");
  EXPECT_EQ(h.text({"EVAL", "return nil", "0"}), "nil");
  EXPECT_EQ(h.text({"EVAL", "return {1, 2, nil, 4}", "0"}), "[1, 2]");
  EXPECT_EQ(h.text({"EVAL", "return {err='x'}", "0"}), err("x"));
  EXPECT_EQ(h.text({"EVAL", "return {ok='fine'}", "0"}), R"("fine")");
  EXPECT_EQ(h.text({"EVAL", "return redis.error_reply('My Error')", "0"}), err("My Error"));
  EXPECT_EQ(h.text({"EVAL", "return redis.error_reply('-Oops')", "0"}), err("ERR Oops"));
  EXPECT_EQ(h.text({"EVAL", "return redis.error_reply(1)", "0"}), err("ERR wrong number or type of arguments"));
  EXPECT_EQ(h.text({"EVAL", "return redis.status_reply('GOOD')", "0"}), R"("GOOD")");
  EXPECT_EQ(h.text({"EVAL", "return 1/0", "0"}), "-9223372036854775808");
}

TEST(Eval, Resp3ValuesAndSetresp) {
  CommandHarness h;
  h.set_resp(3);
  EXPECT_EQ(h.text({"EVAL", "return {double=3.5}", "0"}), "(double 3.5)");
  EXPECT_EQ(h.text({"EVAL", "return {map={a=1}}", "0"}), R"({"a": 1})");
  EXPECT_EQ(h.text({"EVAL", "return {set={a=true}}", "0"}), R"(~["a"])");
  EXPECT_EQ(h.text({"EVAL", "return {big_number='123'}", "0"}), "(bignum 123)");
  EXPECT_EQ(h.text({"EVAL", "return false", "0"}), "nil");
  EXPECT_EQ(h.text({"EVAL", "redis.setresp(3) return false", "0"}), "false");
  EXPECT_EQ(h.text({"EVAL", "redis.setresp(3) return true", "0"}), "true");
  h.run({"HSET", "h", "f", "v"});
  // The command's RESP3 map reaches Lua as {map=...} and goes back as a map.
  EXPECT_EQ(h.text({"EVAL", "redis.setresp(3) return redis.call('hgetall', 'h')", "0"}), R"({"f": "v"})");
  // (A Lua boolean under setresp(3) is a RESP3 boolean.)
  EXPECT_EQ(h.text({"EVAL", "redis.setresp(3) return redis.call('get', 'nosuch') == nil", "0"}), "true");
  EXPECT_EQ(h.text({"EVAL", "return redis.call('get', 'nosuch') == false", "0"}), "1");
  h.set_resp(2);
  EXPECT_EQ(h.text({"EVAL", "return redis.call('hgetall', 'h')", "0"}), R"(["f", "v"])");
  EXPECT_EQ(h.text({"EVAL", "redis.setresp(3) return redis.call('hgetall', 'h')", "0"}), R"(["f", "v"])");
}

TEST(Eval, KeysAndArgvAndCommands) {
  CommandHarness h;
  EXPECT_EQ(h.text({"EVAL", "return redis.call('set', KEYS[1], ARGV[1])", "1", "k", "v"}), R"("OK")");
  EXPECT_EQ(h.text({"EVAL", "return {#KEYS, #ARGV}", "2", "a", "b", "c"}), "[2, 1]");
  EXPECT_EQ(h.text({"GET", "k"}), R"("v")");
  EXPECT_EQ(h.text({"EVAL", "redis.call('set', 'n', 0.1) return redis.call('get', 'n')", "0"}),
            R"("0.10000000000000001")");
  EXPECT_EQ(h.text({"EVAL", "redis.call('set', 'n', 3) return redis.call('get', 'n')", "0"}), R"("3")");
  // SELECT inside a script does not change the caller's database.
  EXPECT_EQ(h.text({"EVAL", "redis.call('select', 3) redis.call('set', 'x', 'y') return 1", "0"}), "1");
  EXPECT_EQ(h.text({"EXISTS", "x"}), "0");
  EXPECT_EQ(h.text({"SELECT", "3"}), kOk);
  EXPECT_EQ(h.text({"EXISTS", "x"}), "1");
}

TEST(Eval, NoteTreesAreCallableFromScripts) {
  CommandHarness h;
  EXPECT_EQ(h.text({"EVAL",
                    "redis.call('note.add', KEYS[1], 'root', 'a', 'first') "
                    "redis.call('note.add', KEYS[1], 'a', 'b', 'child') "
                    "return {redis.call('note.tree', KEYS[1]), redis.call('note.get', KEYS[1], 'b'), "
                    "redis.call('note.len', KEYS[1])}",
                    "1", "n"}),
            R"([["root", "", [["a", "first", [["b", "child", []]]]]], "child", 2])");
  h.set_resp(3);
  EXPECT_EQ(h.text({"EVAL", "redis.setresp(3) return redis.call('note.tree', KEYS[1], 'b')", "1", "n"}),
            R"({"id": "b", "text": "child", "children": []})");
}

TEST(Eval, CommandInfoAndGetkeysFollowNumkeys) {
  CommandHarness h;
  EXPECT_EQ(h.text({"COMMAND", "GETKEYS", "EVAL", "return 1", "2", "a", "b", "c"}), R"(["a", "b"])");
  EXPECT_EQ(h.text({"COMMAND", "GETKEYS", "FCALL", "f", "1", "k"}), R"(["k"])");
  EXPECT_EQ(h.text({"COMMAND", "GETKEYS", "EVAL", "return 1", "0", "a"}), "[]");
  // Redis 7.0.15's row: legacy 0 0 0, movablekeys, a keynum key spec.
  EXPECT_EQ(h.text({"COMMAND", "INFO", "eval"}),
            R"([["eval", -3, ["noscript", "stale", "skip_monitor", "no_mandatory_keys", "movablekeys"], 0, 0, 0, )"
            R"(["@slow", "@scripting"], [], [["notes", "We cannot tell how the keys will be used so we assume the )"
            R"(worst, RW and UPDATE", "flags", ["RW", "access", "update"], "begin_search", ["type", "index", "spec", )"
            R"(["index", 2]], "find_keys", ["type", "keynum", "spec", ["keynumidx", 0, "firstkey", 1, "keystep", )"
            R"(1]]]], []]])");
}

TEST(Eval, NumkeysErrors) {
  CommandHarness h;
  EXPECT_EQ(h.text({"EVAL", "return 1", "-1"}), err("ERR Number of keys can't be negative"));
  EXPECT_EQ(h.text({"EVAL", "return 1", "2", "a"}), err("ERR Number of keys can't be greater than number of args"));
  EXPECT_EQ(h.text({"EVAL", "return 1", "x"}), err("ERR value is not an integer or out of range"));
  EXPECT_EQ(h.text({"EVAL", "return 1"}), err("ERR wrong number of arguments for 'eval' command"));
}

TEST(Eval, ErrorTexts) {
  CommandHarness h;
  EXPECT_EQ(h.text({"EVAL", "return x", "0"}),
            err("ERR user_script:1: Script attempted to access nonexistent global variable 'x'" +
                where("03c387736bb5cc009ff35151572cee04677aa374")));
  EXPECT_EQ(h.text({"EVAL", "return 1 +", "0"}),
            err("ERR Error compiling script (new function): user_script:1: unexpected symbol near '<eof>'"));
  EXPECT_EQ(h.text({"EVAL", "error('boom')", "0"}),
            err("ERR user_script:1: boom" + where("82903a0434f1503e152f89c03c9acd881a0e8150")));
  EXPECT_EQ(h.text({"EVAL", "error({err='MY custom'})", "0"}),
            err("MY custom" + where("784d3ae9e6566ecb57138d89d618d989007a9bc6")));
  EXPECT_EQ(h.text({"EVAL", "return redis.call('incr', 'b', 'c')", "0"}),
            err("ERR Wrong number of args calling Redis command from script" +
                where("a69f388e1cd1122c64c198645868916b593f49a8")));
  EXPECT_EQ(h.text({"EVAL", "return redis.call('multi')", "0"}),
            err("ERR This Redis command is not allowed from script" + where("c329a1a294be6bf95b44144f7502610661ae925a")));
  EXPECT_EQ(h.text({"EVAL", "return redis.pcall('nosuch')", "0"}), err("ERR Unknown Redis command called from script"));
  EXPECT_EQ(h.text({"EVAL", "return redis.call()", "0"}),
            err("ERR Please specify at least one argument for this redis lib call" +
                where("0a907e1429221a4d85516cab7fd219a82a9439d8")));
  EXPECT_EQ(h.text({"EVAL", "return redis.call('set', {})", "0"}),
            err("ERR Lua redis lib command arguments must be strings or integers" +
                where("3f0c48a287b0f27352f41e2d8f1934c462d3bc65")));
  EXPECT_EQ(h.text({"EVAL", "return redis.sha1hex()", "0"}),
            err("ERR wrong number of arguments" + where("3c7ce947ae74a835cc575b6ee87fb27503cb7ba4")));
  EXPECT_EQ(h.text({"EVAL", "redis.setresp(4)", "0"}),
            err("ERR RESP version must be 2 or 3." + where("68e72e4d8a428b9f599dce492315f2455a425a82")));
  // A failing command raises its own error through redis.call.
  h.run({"SET", "s", "x"});
  EXPECT_EQ(h.text({"EVAL", "return redis.call('lpush', 's', 1)", "0"}),
            err("WRONGTYPE Operation against a key holding the wrong kind of value" +
                where("d8542109061bc82efdfca6330ffbf792c1590de5")));
  // pcall(redis.call, ...) gives the error's text, not its table.
  EXPECT_EQ(h.text({"EVAL", "local ok, e = pcall(redis.call, 'incr', 's') return e", "0"}),
            R"("ERR value is not an integer or out of range")");
  EXPECT_EQ(h.text({"EVAL", "local ok, e = pcall(error, 'x') return {tostring(ok), e}", "0"}), R"(["false", "x"])");
}

TEST(Eval, ScriptCacheAndEvalsha) {
  CommandHarness h;
  EXPECT_EQ(h.text({"EVALSHA", "ffffffffffffffffffffffffffffffffffffffff", "0"}),
            err("NOSCRIPT No matching script. Please use EVAL."));
  EXPECT_EQ(h.text({"SCRIPT", "LOAD", "return 1"}), R"("e0e1f9fabfc9d4800c877a703b823ac0578ff8db")");
  EXPECT_EQ(h.text({"EVALSHA", "e0e1f9fabfc9d4800c877a703b823ac0578ff8db", "0"}), "1");
  EXPECT_EQ(h.text({"EVALSHA", "E0E1F9FABFC9D4800C877A703B823AC0578FF8DB", "0"}), "1");
  EXPECT_EQ(h.text({"SCRIPT", "EXISTS", "e0e1f9fabfc9d4800c877a703b823ac0578ff8db", "0000"}), "[1, 0]");
  h.run({"EVAL", "return 2", "0"});
  EXPECT_EQ(h.text({"SCRIPT", "EXISTS", "7f923f79fe76194c868d7e1d0820de36700eb649"}), "[1]");
  EXPECT_EQ(h.text({"SCRIPT", "FLUSH", "x"}), err("ERR SCRIPT FLUSH only support SYNC|ASYNC option"));
  EXPECT_EQ(h.text({"SCRIPT", "FLUSH", "ASYNC"}), kOk);
  EXPECT_EQ(h.text({"SCRIPT", "EXISTS", "e0e1f9fabfc9d4800c877a703b823ac0578ff8db"}), "[0]");
  EXPECT_EQ(h.text({"SCRIPT", "KILL"}), err("NOTBUSY No scripts in execution right now."));
  EXPECT_EQ(h.text({"SCRIPT", "LOAD", "return +"}),
            err("ERR Error compiling script (new function): user_script:1: unexpected symbol near '+'"));
  EXPECT_EQ(h.text({"SCRIPT", "FOO"}), err("ERR unknown subcommand 'FOO'. Try SCRIPT HELP."));
}

TEST(Eval, ShebangFlagsAndReadOnlyRuns) {
  CommandHarness h;
  EXPECT_EQ(h.text({"EVAL_RO", "return redis.call('set','k','v')", "0"}),
            err("ERR Write commands are not allowed from read-only scripts." +
                where("d223ed8c7345b684e8ed044ed472601f536fa58b")));
  EXPECT_EQ(h.text({"EVAL", "#!lua flags=no-writes\nreturn redis.call('set','k','v')", "0"}),
            err("ERR Write commands are not allowed from read-only scripts." +
                where("34c8c9d31128963989284e33e9f94720fd85832d", 2)));
  EXPECT_EQ(h.text({"EVAL", "#!lua\nreturn redis.call('get','k')", "0"}), "nil");
  EXPECT_EQ(h.text({"EVAL", "#!lua name=x\nreturn 1", "0"}), err("ERR Unknown lua shebang option: name=x"));
  EXPECT_EQ(h.text({"EVAL", "#!lua flags=bad\nreturn 1", "0"}), err("ERR Unexpected flag in script shebang: bad"));
  EXPECT_EQ(h.text({"EVAL", "#!luax\nreturn 1", "0"}), err("ERR Unexpected engine in script shebang: #!luax"));
  EXPECT_EQ(h.text({"EVAL", "#!lua flags=no-writes,allow-oom\nreturn 1", "0"}), "1");
  EXPECT_EQ(h.text({"EVAL_RO", "#!lua\nreturn 1", "0"}),
            err("ERR Can not execute a script with write flag using *_ro command."));
  // PUBLISH may replicate: a read-only script may not call it either.
  EXPECT_EQ(h.text({"EVAL_RO", "return redis.pcall('publish', 'c', 'm')", "0"}),
            err("ERR Write commands are not allowed from read-only scripts."));
}

TEST(Eval, RedisHelpers) {
  CommandHarness h;
  EXPECT_EQ(h.text({"EVAL", "return redis.sha1hex('')", "0"}), R"("da39a3ee5e6b4b0d3255bfef95601890afd80709")");
  EXPECT_EQ(h.text({"EVAL", "return redis.REDIS_VERSION_NUM", "0"}), "458767");
  EXPECT_EQ(h.text({"EVAL", "return redis.REDIS_VERSION", "0"}), R"("7.0.15")");
  EXPECT_EQ(h.text({"EVAL", "return redis.replicate_commands()", "0"}), "1");
  EXPECT_EQ(h.text({"EVAL", "return redis.breakpoint()", "0"}), "nil");
  EXPECT_EQ(h.text({"EVAL", "return redis.acl_check_cmd('get', 'x')", "0"}), "1");
  EXPECT_EQ(h.text({"EVAL", "return redis.acl_check_cmd('nosuch')", "0"}),
            err("ERR Invalid command passed to redis.acl_check_cmd()" +
                where("d2491587bab5149c93be0dce4426f7a06ba9e1a1")));
  EXPECT_EQ(h.text({"EVAL", "return redis.set_repl(7)", "0"}),
            err("ERR Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE." +
                where("cedb2b57227b6373471ce552cec25d44bc1ff54b")));
  EXPECT_EQ(h.text({"EVAL", "return redis.log(redis.LOG_WARNING, 'hello', 1, {})", "0"}), "nil");
  // math.random follows Redis's rand48 from the same initial state.
  EXPECT_EQ(h.text({"EVAL", "return math.random(1000)", "0"}), "397");
  EXPECT_EQ(h.text({"EVAL", "math.randomseed(1) return math.random(1000)", "0"}), "42");
}

TEST(Eval, KeysDoNotExpireDuringAScript) {
  CommandHarness h;
  h.run({"SET", "k", "v", "PX", "30"});
  // The script spins until the wall clock (TIME) is past the key's expiry,
  // then still finds the key: expiry is judged at the script's start.
  const auto reply = h.run({"EVAL",
                            "local t0 = redis.call('time') "
                            "local start = t0[1] * 1000000 + t0[2] "
                            "repeat local t = redis.call('time') until t[1] * 1000000 + t[2] > start + 60000 "
                            "return redis.call('get', 'k')",
                            "0"});
  EXPECT_EQ(reply.to_string(), R"("v")");
  EXPECT_EQ(h.text({"GET", "k"}), "nil");
}

TEST(Eval, InsideMultiEvalQueues) {
  CommandHarness h;
  EXPECT_EQ(h.text({"MULTI"}), kOk);
  EXPECT_EQ(h.text({"EVAL", "return redis.call('incr', 'c')", "0"}), R"("QUEUED")");
  EXPECT_EQ(h.text({"EXEC"}), "[1]");
}

}  // namespace
}  // namespace arbor
