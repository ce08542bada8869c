// EVAL, FCALL, SCRIPT and FUNCTION against redis-server 7.0 in the same run:
// a corpus of scripts (reply conversions, errors, the sandbox, the redis.*
// helpers, the cjson/cmsgpack/struct/bit libraries, and scripts popular
// libraries send: redis-py's Lock, a rate limiter, a BullMQ-style job move)
// run over hiredis against both, reply by reply.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/integration/server_fixture.h"

namespace arbor::test {
namespace {

using Command = std::vector<std::string>;

Command eval(std::string script, std::vector<std::string> keys = {}, std::vector<std::string> args = {}) {
  Command c{"EVAL", std::move(script), std::to_string(keys.size())};
  c.insert(c.end(), keys.begin(), keys.end());
  c.insert(c.end(), args.begin(), args.end());
  return c;
}

// redis-py 4.3's Lock scripts (lock.py), verbatim.
const char* kLockRelease =
    "local token = redis.call('get', KEYS[1])\n"
    "if not token or token ~= ARGV[1] then\n    return 0\nend\n"
    "redis.call('del', KEYS[1])\nreturn 1\n";
const char* kLockExtend =
    "local token = redis.call('get', KEYS[1])\n"
    "if not token or token ~= ARGV[1] then\n    return 0\nend\n"
    "local expiration = redis.call('pttl', KEYS[1])\n"
    "if not expiration then\n    expiration = 0\nend\n"
    "if expiration < 0 then\n    return 0\nend\n\n"
    "local newttl = ARGV[2]\nif ARGV[3] == \"0\" then\n    newttl = ARGV[2] + expiration\nend\n"
    "redis.call('pexpire', KEYS[1], newttl)\nreturn 1\n";
// A fixed-window rate limiter as commonly written.
const char* kRateLimit =
    "local current = redis.call('incr', KEYS[1])\n"
    "if tonumber(current) == 1 then redis.call('expire', KEYS[1], ARGV[2]) end\n"
    "if tonumber(current) > tonumber(ARGV[1]) then return {0, current} end\n"
    "return {1, current}";
// BullMQ-style: move the next waiting job to active, record it, emit an event.
const char* kJobMove =
    "local jobId = redis.call('rpoplpush', KEYS[1], KEYS[2])\n"
    "if jobId then\n"
    "  redis.call('hset', KEYS[3] .. jobId, 'processedOn', ARGV[1], 'attemptsMade', 1)\n"
    "  redis.call('xadd', KEYS[4], 'MAXLEN', '~', 10000, '1-' .. jobId, 'event', 'active', 'jobId', jobId)\n"
    "  return {jobId, redis.call('hgetall', KEYS[3] .. jobId)}\n"
    "end\n"
    "return nil";

std::vector<Command> corpus() {
  std::vector<Command> c = {
      eval("return {1,2,3,'ciao',{1,2}}"), eval("return 3.99"), eval("return -3.99"), eval("return true"),
      eval("return false"), eval("return nil"), eval("return {1, 2, nil, 4}"), eval("return {err='x'}"),
      eval("return {ok='fine'}"), eval("return {double=3.5}"), eval("return {map={a=1}}"), eval("return 1/0"),
      eval("return redis.error_reply('My Error')"), eval("return redis.error_reply('-Oops')"),
      eval("return redis.error_reply(1)"), eval("return redis.status_reply('GOOD')"),
      eval("return x"), eval("x = 1"), eval("return 1 +"), eval("error('boom')"), eval("error({err='MY custom'})"),
      eval("error()"), eval("error(12)"), eval("return redis.call('incr', 'b', 'c')"),
      eval("return redis.call('multi')"), eval("return redis.pcall('nosuch')"), eval("return redis.call()"),
      eval("return redis.call(1)"), eval("return redis.call('set', {})"), eval("return os"),
      eval("return print"), eval("rawset(_G, 'x', 1)"), eval("setmetatable(_G, nil)"),
      eval("string.x = 1"), eval("return loadstring('x=1')()"), eval("table.insert(_G, 'x')"),
      eval("table.sort(string) return table.remove(_G)"), eval("return rawget(_G, 1)"), eval("return type(getmetatable(''))"),
      eval("local t={} for k in pairs(_G) do t[#t+1]=k end table.sort(t) return t"),
      eval("local t={} for k in pairs(redis) do t[#t+1]=k end table.sort(t) return t"),
      eval("return redis.sha1hex('abc')"), eval("return redis.sha1hex()"), eval("redis.setresp(4)"),
      eval("return redis.REDIS_VERSION_NUM"), eval("return redis.acl_check_cmd('get', 'x')"),
      eval("return redis.acl_check_cmd('nosuch')"), eval("return redis.set_repl(7)"),
      eval("return redis.log(redis.LOG_WARNING)"), eval("return redis.log('x', 'y')"),
      eval("return cjson.encode({a={1,2,3}})"), eval("return cjson.decode('{\"a\":[1,2,{\"b\":true}]}').a[3].b"),
      eval("return cjson.decode('[1,')"), eval("return bit.bxor(5, 3)"), eval("return bit.tohex(-1)"),
      eval("return cmsgpack.pack({1,2,3}, 'abc', {a=1}, 3.5, -1, 300, true, nil, 2^40, -2^40, 0.1)"),
      eval("return {cmsgpack.unpack(cmsgpack.pack({1,{2,{3}}}, 'x', -129))}"),
      eval("return {cmsgpack.unpack_one(cmsgpack.pack(1, 2))}"),
      eval("return {cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 2, 1)}"),
      eval("return cmsgpack.unpack(string.char(0x92, 1))"), eval("return cmsgpack.pack()"),
      eval("return struct.pack('>I2i4bBhHlLdf', 258, -5, -1, 255, -2, 65535, -3, 3, 1.5, 2.5)"),
      eval("return {struct.unpack('<i4I8', struct.pack('<i4I8', -5, 2^40))}"),
      eval("return {struct.unpack('>bc0s', struct.pack('>b', 3) .. 'abcxy\\0')}"),
      eval("return struct.size('!4 b i d')"), eval("return struct.unpack('>i4', 'ab')"),
      eval("return struct.pack('q', 1)"), eval("return {math.floor(3.7), math.max(1, 9), string.rep('ab', 3)}"),
      eval("return {string.format('%5.2f|%d|%s', 3.14159, 42, 'x'), ('abc'):upper(), #('hello')}"),
      eval("return tostring(0.1)"), eval("return tonumber('0x10')"), eval("return {select('#', 1, 2, 3)}"),
      eval("local ok, e = pcall(error, 'x') return {tostring(ok), e}"),
      eval("local ok, e = pcall(redis.call, 'incr', 'str') return e"),
      eval("return {pcall(function() return redis.call('nosuch') end)}"),
      eval("local c = coroutine.create(function(a) coroutine.yield(a + 1) return 'done' end) "
           "return {select(2, coroutine.resume(c, 1)), select(2, coroutine.resume(c))}"),
      eval("#!lua flags=no-writes\nreturn redis.call('set','k','v')"), eval("#!lua\nreturn redis.call('get','k')"),
      eval("#!lua name=x\nreturn 1"), eval("#!lua flags=bad\nreturn 1"), eval("#!luax\nreturn 1"),
      eval("#!lua flags=no-writes,allow-oom,allow-stale\nreturn 1"),
      {"EVAL_RO", "return redis.call('set','k','v')", "0"}, {"EVAL_RO", "#!lua\nreturn 1", "0"},
      {"EVAL_RO", "return redis.call('get', KEYS[1])", "1", "k"},
      {"EVAL", "return 1", "-1"}, {"EVAL", "return 1", "2", "a"}, {"EVAL", "return 1", "x"}, {"EVAL", "return 1"},
      {"EVALSHA", "ffffffffffffffffffffffffffffffffffffffff", "0"}, {"EVALSHA", "short", "0"}, {"EVALSHA", "short", "x"},
      {"EVALSHA", "ffffffffffffffffffffffffffffffffffffffff", "x"},
      {"SCRIPT", "LOAD", "return 'loaded'"}, {"EVALSHA", "b534286061d4b9e4026607613b95c06c06015ae8", "0"},
      {"SCRIPT", "EXISTS", "b534286061d4b9e4026607613b95c06c06015ae8", "0000"}, {"SCRIPT", "LOAD", "return +"},
      {"SCRIPT", "FLUSH", "x"}, {"SCRIPT", "KILL"}, {"SCRIPT", "FOO"}, {"SCRIPT", "HELP"},
      {"SET", "str", "text"}, eval("return redis.call('lpush', 'str', 1)"),
      eval("redis.call('set', 'n', 0.1) redis.call('set', 'm', 1e20) return {redis.call('get', 'n'), "
           "redis.call('get', 'm')}"),
      eval("redis.call('select', 3) redis.call('set', 'x', 'y') return redis.call('get', 'x')"), {"EXISTS", "x"},
      // Blocking commands are refused in scripts (XREAD BLOCK with its own text).
      eval("return redis.pcall('blpop', 'x', 0)"), eval("return redis.pcall('bzpopmin', 'z', 0)"),
      eval("return redis.pcall('wait', '0', '0')"), eval("return redis.pcall('subscribe', 'c')"),
      eval("return redis.pcall('xread', 'BLOCK', '0', 'STREAMS', 'nostream', '$')"),
      eval("return redis.pcall('XREAD', 'STREAMS', 'nostream', '0')"),
      eval("return redis.pcall('blmpop', '0', '1', 'x', 'LEFT')"),
      // Scripts from the libraries people run.
      {"SET", "lock:a", "token1", "PX", "10000"}, eval(kLockExtend, {"lock:a"}, {"token1", "5000", "0"}),
      eval(kLockExtend, {"lock:a"}, {"other", "5000", "0"}), eval(kLockRelease, {"lock:a"}, {"other"}),
      eval(kLockRelease, {"lock:a"}, {"token1"}), {"EXISTS", "lock:a"},
      eval(kRateLimit, {"rate:1"}, {"2", "60"}), eval(kRateLimit, {"rate:1"}, {"2", "60"}),
      eval(kRateLimit, {"rate:1"}, {"2", "60"}), {"TTL", "rate:1"},
      {"RPUSH", "wait", "7", "8"}, eval(kJobMove, {"wait", "active", "job:", "events"}, {"1700000000000"}),
      eval(kJobMove, {"wait", "active", "job:", "events"}, {"1700000000001"}),
      eval(kJobMove, {"wait", "active", "job:", "events"}, {"1700000000002"}), {"LRANGE", "active", "0", "-1"},
      {"XLEN", "events"},
      // Functions.
      {"FUNCTION", "LOAD", "mylib"}, {"FUNCTION", "LOAD", "#!lua"}, {"FUNCTION", "LOAD", "#!lua\nx"},
      {"FUNCTION", "LOAD", "#!js name=x\nx"}, {"FUNCTION", "LOAD", "#!lua name=a name=b\nx"},
      {"FUNCTION", "LOAD", "#!lua foo=bar\nx"}, {"FUNCTION", "LOAD", "#!lua name=a-b\nx"},
      {"FUNCTION", "LOAD", "#!lua name=l\nreturn 1 +"}, {"FUNCTION", "LOAD", "#!lua name=l\nlocal x = 1"},
      {"FUNCTION", "LOAD", "#!lua name=l\nredis.register_function('f')"},
      {"FUNCTION", "LOAD", "#!lua name=l\nredis.call('ping')"}, {"FUNCTION", "LOAD", "#!lua name=l\nx = 1"},
      {"FUNCTION", "LOAD", "#!lua name=l\nredis.register_function('bad-name', function() end)"},
      {"FUNCTION", "LOAD", "#!lua name=l\nredis.register_function{function_name='f', callback=function() end, "
                           "flags={'bad'}}"},
      {"FUNCTION", "LOAD", "#!lua name=l\nredis.register_function{function_name='f', callback=function() end, "
                           "other=1}"},
      {"FUNCTION", "LOAD", "#!lua name=l\nredis.register_function('f', 1)"},
      {"FUNCTION", "LOAD",
       "#!lua name=mylib\nredis.register_function{function_name='get_it', callback=function(keys) return "
       "redis.call('get', keys[1]) end, flags={'no-writes'}, description='reads'}"},
      {"FUNCTION", "LOAD", "#!lua name=mylib\nredis.register_function('x', function() end)"},
      {"FUNCTION", "LOAD", "REPLACE2", "#!lua name=mylib\nx"},
      {"FUNCTION", "LOAD", "#!lua name=other\nredis.register_function('get_it', function() end)"},
      {"FUNCTION", "LOAD",
       "#!lua name=writer\nredis.register_function('set_it', function(keys, args) return redis.call('set', "
       "keys[1], args[1]) end)\n"},
      {"FCALL", "set_it", "1", "fk", "fv"}, {"FCALL", "GET_IT", "1", "fk"}, {"FCALL_RO", "get_it", "1", "fk"},
      {"FCALL_RO", "set_it", "1", "fk", "x"}, {"FCALL", "nosuch", "0"}, {"FCALL", "get_it", "x"},
      {"FCALL", "get_it", "-1"}, {"FCALL", "get_it", "2", "a"},
      {"FUNCTION", "LIST", "LIBRARYNAME", "my*"}, {"FUNCTION", "LIST", "LIBRARYNAME", "MY*", "WITHCODE"},
      {"FUNCTION", "LIST", "LIBRARYNAME"}, {"FUNCTION", "LIST", "foo"},
      {"FUNCTION", "DELETE", "nosuch"}, {"FUNCTION", "DELETE", "writer"}, {"FCALL", "set_it", "1", "fk", "fv"},
      {"FUNCTION", "FLUSH", "bad"}, {"FUNCTION", "KILL"}, {"FUNCTION", "RESTORE", "short"},
      {"FUNCTION", "RESTORE", "0123456789ab", "BAD"}, {"FUNCTION", "HELP"}, {"FUNCTION", "FLUSH"},
      {"FUNCTION", "LIST"},
  };
  return c;
}

TEST(DifferentialScripting, ScriptsFunctionsAndTheirErrorsMatchRedis) {
  ServerProcess arbor;
  RedisProcess redis;
  ASSERT_TRUE(redis.ok());
  Client ours(arbor.port());
  Client theirs(redis.port());
  const std::vector<Command> script = corpus();
  for (size_t i = 0; i < script.size(); ++i) {
    const protocol::Reply a = ours.cmd(script[i]);
    const protocol::Reply b = theirs.cmd(script[i]);
    std::string shown;
    for (const std::string& arg : script[i]) shown += (shown.empty() ? "" : " ") + arg.substr(0, 60);
    EXPECT_EQ(describe(a), describe(b)) << "step " << i << ": " << shown;
  }
}

}  // namespace
}  // namespace arbor::test
