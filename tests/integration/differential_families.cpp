// One fixed script per family of issue 3 (lists, hashes, sets, sorted sets,
// streams): every command of the family with its usual options and its
// error paths (arity, WRONGTYPE, syntax, ranges), run over hiredis against
// arbor and redis-server and compared reply by reply. Only deterministic
// forms: explicit stream ids, random picks compared by shape.
#include <string>
#include <vector>

#include "tests/integration/differential_types.h"

namespace arbor::test {

std::vector<Command> list_script() {
  return {
      {"RPUSH", "l", "a", "b", "c"},  {"LPUSH", "l", "z"},          {"LPUSHX", "l", "y"},
      {"RPUSHX", "l", "d"},           {"LPUSHX", "none", "x"},      {"RPUSHX", "none", "x"},
      {"LLEN", "l"},                  {"LRANGE", "l", "0", "-1"},   {"LRANGE", "l", "-2", "100"},
      {"LINDEX", "l", "1"},           {"LINDEX", "l", "-1"},        {"LINDEX", "l", "99"},
      {"LSET", "l", "0", "Z"},        {"LSET", "l", "99", "x"},     {"LSET", "none", "0", "x"},
      {"LINSERT", "l", "BEFORE", "b", "ab"}, {"LINSERT", "l", "AFTER", "nope", "x"},
      {"LINSERT", "l", "MIDDLE", "b", "x"},  {"RPUSH", "l", "b", "b"},
      {"LREM", "l", "-1", "b"},       {"LREM", "l", "0", "b"},      {"LPOS", "l", "c"},
      {"LPOS", "l", "d", "RANK", "-1", "COUNT", "0", "MAXLEN", "10"}, {"LPOS", "l", "c", "RANK", "0"},
      {"LPOS", "l", "c", "COUNT", "-1"}, {"LTRIM", "l", "1", "-2"}, {"LRANGE", "l", "0", "-1"},
      {"LPOP", "l"},                  {"RPOP", "l", "2"},           {"LPOP", "l", "-1"},
      {"RPUSH", "src", "1", "2", "3"}, {"LMOVE", "src", "dst", "LEFT", "RIGHT"},
      {"LMOVE", "src", "dst", "UP", "RIGHT"}, {"RPOPLPUSH", "src", "dst"}, {"LRANGE", "dst", "0", "-1"},
      {"LMPOP", "2", "none", "dst", "RIGHT", "COUNT", "5"}, {"LMPOP", "0", "dst", "LEFT"},
      {"LMPOP", "1", "dst", "LEFT", "COUNT", "0"}, {"BLPOP", "src", "0.01"}, {"BLPOP", "none", "0.01"},
      {"RPUSH", "q", "x", "y", "z", "w"}, {"BRPOP", "none", "q", "1"}, {"BLMOVE", "q", "q2", "LEFT", "LEFT", "1"},
      {"BRPOPLPUSH", "q", "q2", "1"}, {"BLMPOP", "1", "1", "q", "LEFT", "COUNT", "3"}, {"BLPOP", "q", "-1"},
      {"BLMPOP", "0.01", "1", "none", "LEFT"}, {"LRANGE", "q2", "0", "-1"}, {"EXISTS", "q"},
      {"SET", "str", "v"},            {"LPUSH", "str", "x"},        {"LLEN", "str"},
      {"LRANGE", "str", "0", "1"},    {"LMOVE", "q2", "str", "LEFT", "LEFT"}, {"BLPOP", "str", "0.01"},
      {"LPUSH", "l"},                 {"LRANGE", "l", "a", "1"},    {"LINDEX", "l"},
      {"OBJECT", "ENCODING", "q2"},
  };
}

std::vector<Command> hash_script() {
  return {
      {"HSET", "h", "f1", "v1", "f2", "v2"}, {"HSET", "h", "f1", "new"}, {"HSET", "h", "f3"},
      {"HSETNX", "h", "f1", "x"},     {"HSETNX", "h", "f4", "4"},  {"HMSET", "h", "n", "10", "fl", "1.5"},
      {"HGET", "h", "f1"},            {"HGET", "h", "nope"},        {"HMGET", "h", "f1", "nope", "f2"},
      {"HLEN", "h"},                  {"HEXISTS", "h", "f2"},       {"HEXISTS", "h", "nope"},
      {"HGETALL", "h"},               {"HKEYS", "h"},               {"HVALS", "h"},
      {"HSTRLEN", "h", "f1"},         {"HSTRLEN", "h", "nope"},     {"HINCRBY", "h", "n", "5"},
      {"HINCRBY", "h", "f1", "1"},    {"HINCRBY", "h", "n", "x"},   {"HINCRBY", "h", "big", "9223372036854775807"},
      {"HINCRBY", "h", "big", "1"},   {"HINCRBYFLOAT", "h", "fl", "0.25"}, {"HINCRBYFLOAT", "h", "fl", "abc"},
      {"HINCRBYFLOAT", "h", "f1", "1"}, {"HDEL", "h", "f2", "nope"}, {"HRANDFIELD", "h"},
      {"HRANDFIELD", "h", "3", "WITHVALUES"}, {"HRANDFIELD", "h", "-5"}, {"HRANDFIELD", "h", "x"},
      {"HRANDFIELD", "none", "3"},    {"HSCAN", "h", "0"},          {"HSCAN", "h", "0", "MATCH", "f*", "COUNT", "100"},
      {"HSCAN", "h", "abc"},          {"HDEL", "h", "f1", "f3", "f4", "n", "fl", "big"}, {"EXISTS", "h"},
      {"SET", "str", "v"},            {"HSET", "str", "f", "v"},    {"HGET", "str", "f"},
      {"HGETALL", "str"},             {"HGET", "h"},                {"HMGET", "h"},
      {"HGETALL", "none"},            {"HLEN", "none"},
  };
}

std::vector<Command> set_script() {
  return {
      {"SADD", "s", "a", "b", "c", "a"}, {"SADD", "t", "b", "c", "d"}, {"SADD", "n", "1", "2", "3"},
      {"SREM", "s", "a", "zz"},       {"SMEMBERS", "s"},            {"SISMEMBER", "s", "b"},
      {"SISMEMBER", "s", "a"},        {"SMISMEMBER", "s", "a", "b", "c"}, {"SCARD", "s"},
      {"SCARD", "none"},              {"SINTER", "s", "t"},         {"SINTER", "s", "none"},
      {"SUNION", "s", "t", "n"},      {"SDIFF", "t", "s"},          {"SINTERCARD", "2", "s", "t"},
      {"SINTERCARD", "2", "s", "t", "LIMIT", "1"}, {"SINTERCARD", "0", "s"}, {"SINTERCARD", "3", "s", "t"},
      {"SINTERSTORE", "d1", "s", "t"}, {"SUNIONSTORE", "d2", "s", "t"}, {"SDIFFSTORE", "d3", "t", "s"},
      {"SMEMBERS", "d2"},             {"SDIFFSTORE", "d3", "s", "s"}, {"EXISTS", "d3"},
      {"SMOVE", "t", "s", "d"},       {"SMOVE", "t", "s", "nope"},  {"SMEMBERS", "s"},
      {"SRANDMEMBER", "s"},           {"SRANDMEMBER", "s", "2"},    {"SRANDMEMBER", "s", "-7"},
      {"SRANDMEMBER", "none", "2"},   {"SADD", "one", "only"},      {"SPOP", "one"},
      {"EXISTS", "one"},              {"SPOP", "none"},             {"SSCAN", "n", "0"},
      {"SSCAN", "s", "0", "MATCH", "b*", "COUNT", "10"}, {"OBJECT", "ENCODING", "n"}, {"OBJECT", "ENCODING", "s"},
      {"SET", "str", "v"},            {"SADD", "str", "x"},         {"SMEMBERS", "str"},
      {"SINTER", "s", "str"},         {"SMOVE", "s", "str", "b"},   {"SADD", "s"},
      {"SMISMEMBER", "s"},            {"SRANDMEMBER", "s", "x"},
  };
}

std::vector<Command> zset_script() {
  return {
      {"ZADD", "z", "1", "a", "2", "b", "3", "c"}, {"ZADD", "z", "NX", "5", "a", "4", "d"},
      {"ZADD", "z", "XX", "CH", "10", "a", "9", "nope"}, {"ZADD", "z", "GT", "CH", "1", "b", "7", "c"},
      {"ZADD", "z", "LT", "5", "d"},  {"ZADD", "z", "INCR", "2", "b"}, {"ZADD", "z", "NX", "XX", "1", "a"},
      {"ZADD", "z", "GT", "LT", "1", "a"}, {"ZADD", "z", "INCR", "1", "a", "2", "b"}, {"ZADD", "z", "x", "a"},
      {"ZADD", "z", "1"},             {"ZINCRBY", "z", "1.5", "a"}, {"ZINCRBY", "z", "x", "a"},
      {"ZCARD", "z"},                 {"ZSCORE", "z", "a"},         {"ZSCORE", "z", "nope"},
      {"ZMSCORE", "z", "a", "nope"},  {"ZRANK", "z", "c"},          {"ZREVRANK", "z", "c"},
      {"ZRANK", "z", "nope"},         {"ZRANGE", "z", "0", "-1", "WITHSCORES"}, {"ZRANGE", "z", "0", "1", "REV"},
      {"ZRANGE", "z", "(2", "+inf", "BYSCORE", "LIMIT", "1", "2"}, {"ZRANGE", "z", "+inf", "-inf", "BYSCORE", "REV"},
      {"ZRANGE", "z", "0", "1", "LIMIT", "0", "1"}, {"ZRANGEBYSCORE", "z", "-inf", "(10", "WITHSCORES"},
      {"ZREVRANGEBYSCORE", "z", "10", "4"}, {"ZREVRANGE", "z", "0", "1", "WITHSCORES"}, {"ZCOUNT", "z", "(4", "10"},
      {"ZCOUNT", "z", "x", "1"},      {"ZADD", "lex", "0", "a", "0", "b", "0", "c", "0", "d"},
      {"ZRANGEBYLEX", "lex", "[b", "(d"}, {"ZREVRANGEBYLEX", "lex", "+", "-", "LIMIT", "0", "2"},
      {"ZRANGE", "lex", "[a", "[c", "BYLEX"}, {"ZLEXCOUNT", "lex", "-", "+"}, {"ZRANGEBYLEX", "lex", "b", "c"},
      {"ZRANGESTORE", "zd", "z", "0", "1"}, {"ZRANGE", "zd", "0", "-1", "WITHSCORES"},
      {"ZREMRANGEBYLEX", "lex", "[a", "[b"}, {"ZREMRANGEBYRANK", "zd", "0", "0"},
      {"ZREMRANGEBYSCORE", "z", "-inf", "(4"}, {"ZREM", "z", "c", "nope"}, {"ZRANGE", "z", "0", "-1", "WITHSCORES"},
      {"ZADD", "y", "1", "a", "2", "x"}, {"ZUNION", "2", "z", "y", "WITHSCORES"},
      {"ZINTER", "2", "z", "y", "WEIGHTS", "2", "3", "AGGREGATE", "MAX", "WITHSCORES"}, {"ZDIFF", "2", "z", "y"},
      {"ZUNIONSTORE", "u", "2", "z", "y", "AGGREGATE", "MIN"}, {"ZINTERSTORE", "i", "2", "z", "y"},
      {"ZDIFFSTORE", "df", "2", "y", "z"}, {"ZINTERCARD", "2", "z", "y", "LIMIT", "5"},
      {"ZUNION", "0", "z"},           {"ZINTER", "2", "z"},         {"ZUNION", "1", "z", "WEIGHTS", "x"},
      {"ZPOPMIN", "u"},               {"ZPOPMAX", "u", "2"},        {"ZPOPMIN", "u", "-1"},
      {"ZMPOP", "2", "none", "y", "MIN", "COUNT", "1"}, {"ZMPOP", "1", "y", "SIDEWAYS"},
      {"BZPOPMIN", "none", "y", "1"}, {"BZPOPMAX", "none", "0.01"}, {"BZMPOP", "1", "1", "z", "MAX", "COUNT", "2"},
      {"BZMPOP", "0.01", "1", "none", "MIN"}, {"ZRANDMEMBER", "lex"}, {"ZRANDMEMBER", "lex", "-3", "WITHSCORES"},
      {"ZSCAN", "lex", "0"},          {"ZADD", "inf", "inf", "a", "-inf", "b"}, {"ZRANGE", "inf", "0", "-1", "WITHSCORES"},
      {"ZINCRBY", "inf", "-inf", "a"}, {"OBJECT", "ENCODING", "lex"}, {"SET", "str", "v"},
      {"ZADD", "str", "1", "a"},      {"ZRANGE", "str", "0", "1"},  {"ZUNIONSTORE", "u", "1", "str"},
      {"ZCARD", "none"},              {"ZRANGE", "z", "0"},
  };
}

std::vector<Command> stream_script() {
  return {
      {"XADD", "x", "1-1", "f", "v"}, {"XADD", "x", "1-2", "f", "w", "g", "z"}, {"XADD", "x", "1-*", "f", "auto"},
      {"XADD", "x", "1-1", "f", "v"}, {"XADD", "x", "0-0", "f", "v"},       {"XADD", "x", "abc", "f", "v"},
      {"XADD", "x", "5-0", "f"},      {"XADD", "none", "NOMKSTREAM", "9-9", "f", "v"}, {"EXISTS", "none"},
      {"XLEN", "x"},                  {"XRANGE", "x", "-", "+"},    {"XRANGE", "x", "(1-1", "+", "COUNT", "1"},
      {"XREVRANGE", "x", "+", "-", "COUNT", "2"}, {"XRANGE", "x", "x", "+"},
      {"XADD", "x", "MAXLEN", "3", "2-0", "f", "v"}, {"XADD", "x", "MINID", "=", "1-2", "3-0", "f", "v"},
      {"XLEN", "x"},                  {"XDEL", "x", "2-0", "9-9"},  {"XTRIM", "x", "MAXLEN", "1"},
      {"XTRIM", "x", "MINID", "0"},   {"XTRIM", "x", "SIZE", "1"},  {"XRANGE", "x", "-", "+"},
      {"XREAD", "COUNT", "1", "STREAMS", "x", "0-0"}, {"XREAD", "STREAMS", "x", "none", "0", "0"},
      {"XREAD", "BLOCK", "10", "STREAMS", "x", "$"}, {"XREAD", "STREAMS", "x"},
      {"XREAD", "BLOCK", "-1", "STREAMS", "x", "0"}, {"SET", "str", "v"}, {"XADD", "str", "1-1", "f", "v"},
      {"XLEN", "str"},                {"XRANGE", "x"},              {"TYPE", "x"},
  };
}

}  // namespace arbor::test
