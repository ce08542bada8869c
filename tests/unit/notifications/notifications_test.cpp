// Keyspace notifications per command, as redis-server 7.0.15 publishes them
// (event names, order, keys, databases), checked in-process through a
// psubscribed listener client; plus class filtering and the CONFIG value.
#include "tests/unit/notifications/notify_fixture.h"

namespace arbor {
namespace {

using testing::err;
using testing::Events;
using testing::kOk;

class Notify : public testing::NotifyTest {};

TEST_F(Notify, StringSetFamily) {
  EXPECT_EQ(events({"SET", "s1", "v"}), (Events{"set s1"}));
  EXPECT_EQ(events({"SET", "s1", "v", "EX", "100"}), (Events{"set s1", "expire s1"}));
  EXPECT_EQ(events({"SETEX", "s2", "100", "v"}), (Events{"set s2", "expire s2"}));
  EXPECT_EQ(events({"PSETEX", "s3", "100000", "v"}), (Events{"set s3", "expire s3"}));
  EXPECT_EQ(events({"SETNX", "s1", "x"}), Events{});
  EXPECT_EQ(events({"SETNX", "s4", "x"}), (Events{"set s4"}));
  EXPECT_EQ(events({"GETSET", "s4", "y"}), (Events{"set s4"}));
  EXPECT_EQ(events({"SET", "s4", "z", "GET"}), (Events{"set s4"}));
  EXPECT_EQ(events({"SET", "s4", "z", "NX"}), Events{});
  EXPECT_EQ(events({"SET", "s5", "z", "XX"}), Events{});
  EXPECT_EQ(events({"SET", "s4", "z", "KEEPTTL"}), (Events{"set s4"}));
  EXPECT_EQ(events({"MSET", "a", "1", "b", "2"}), (Events{"set a", "set b"}));
  EXPECT_EQ(events({"MSETNX", "a", "1", "c", "2"}), Events{});
  EXPECT_EQ(events({"MSETNX", "c", "1", "d", "2"}), (Events{"set c", "set d"}));
}

TEST_F(Notify, StringGetdelGetex) {
  h.run({"SET", "s", "v"});
  messages();
  EXPECT_EQ(events({"GETEX", "s", "EX", "100"}), (Events{"expire s"}));
  EXPECT_EQ(events({"GETEX", "s", "PERSIST"}), (Events{"persist s"}));
  EXPECT_EQ(events({"GETEX", "s", "PERSIST"}), Events{});
  EXPECT_EQ(events({"GETEX", "s"}), Events{});
  EXPECT_EQ(events({"GETEX", "s", "PXAT", "1"}), (Events{"del s"}));
  EXPECT_EQ(events({"GETEX", "s", "EX", "10"}), Events{});
  h.run({"SET", "g", "v"});
  messages();
  EXPECT_EQ(events({"GETDEL", "g"}), (Events{"del g"}));
  EXPECT_EQ(events({"GETDEL", "g"}), Events{});
}

TEST_F(Notify, StringCountersAppendSetrange) {
  EXPECT_EQ(events({"INCR", "n"}), (Events{"incrby n"}));
  EXPECT_EQ(events({"INCRBY", "n", "5"}), (Events{"incrby n"}));
  EXPECT_EQ(events({"DECR", "n"}), (Events{"incrby n"}));
  EXPECT_EQ(events({"DECRBY", "n", "2"}), (Events{"incrby n"}));
  EXPECT_EQ(events({"INCRBYFLOAT", "n", "1.5"}), (Events{"incrbyfloat n"}));
  EXPECT_EQ(events({"INCR", "n"}), Events{});  // not an integer any more: an error, no event
  EXPECT_EQ(events({"APPEND", "ap", "x"}), (Events{"append ap"}));  // a new key is still "append"
  EXPECT_EQ(events({"APPEND", "ap", "y"}), (Events{"append ap"}));
  EXPECT_EQ(events({"SETRANGE", "sr", "0", ""}), Events{});
  EXPECT_EQ(events({"SETRANGE", "sr", "2", "ab"}), (Events{"setrange sr"}));
  EXPECT_EQ(events({"SETRANGE", "sr", "0", ""}), Events{});
}

TEST_F(Notify, DelUnlinkAndWrongTypeWrites) {
  h.run({"MSET", "a", "1", "b", "2", "c", "3"});
  messages();
  EXPECT_EQ(events({"DEL", "a", "b", "zz", "a"}), (Events{"del a", "del b"}));
  EXPECT_EQ(events({"UNLINK", "c", "zz"}), (Events{"del c"}));
  EXPECT_EQ(events({"DEL", "zz"}), Events{});
  h.run({"LPUSH", "l", "x"});
  messages();
  EXPECT_EQ(events({"INCR", "l"}), Events{});
  EXPECT_EQ(events({"SADD", "l", "x"}), Events{});
  EXPECT_EQ(events({"SET", "l", "v"}), (Events{"set l"}));  // overwriting another type
}

TEST_F(Notify, RenameMoveCopy) {
  h.run({"MSET", "r1", "v", "r2", "w"});
  messages();
  EXPECT_EQ(events({"RENAME", "r1", "r2"}), (Events{"rename_from r1", "rename_to r2"}));
  EXPECT_EQ(events({"RENAME", "r2", "r2"}), Events{});
  EXPECT_EQ(events({"RENAMENX", "r2", "r3"}), (Events{"rename_from r2", "rename_to r3"}));
  h.run({"SET", "r4", "x"});
  messages();
  EXPECT_EQ(events({"RENAMENX", "r3", "r4"}), Events{});
  EXPECT_EQ(events({"MOVE", "r3", "1"}), (Events{"move_from r3", "move_to@1 r3"}));
  h.run({"SET", "r3", "again"});
  messages();
  EXPECT_EQ(events({"MOVE", "r3", "1"}), Events{});  // exists in the target
  EXPECT_EQ(events({"COPY", "r4", "r5"}), (Events{"copy_to r5"}));
  EXPECT_EQ(events({"COPY", "r4", "r5"}), Events{});
  EXPECT_EQ(events({"COPY", "r4", "r5", "REPLACE"}), (Events{"copy_to r5"}));
  EXPECT_EQ(events({"COPY", "r4", "r5", "DB", "2"}), (Events{"copy_to@2 r5"}));
  EXPECT_EQ(events({"COPY", "missing", "r6"}), Events{});
}

TEST_F(Notify, ExpireAndPersist) {
  h.run({"SET", "k", "v"});
  messages();
  EXPECT_EQ(events({"EXPIRE", "k", "100"}), (Events{"expire k"}));
  EXPECT_EQ(events({"EXPIRE", "k", "100", "NX"}), Events{});
  EXPECT_EQ(events({"PEXPIRE", "k", "100000"}), (Events{"expire k"}));
  EXPECT_EQ(events({"EXPIREAT", "k", "99999999999"}), (Events{"expire k"}));
  EXPECT_EQ(events({"PERSIST", "k"}), (Events{"persist k"}));
  EXPECT_EQ(events({"PERSIST", "k"}), Events{});
  EXPECT_EQ(events({"EXPIRE", "k", "-1"}), (Events{"del k"}));
  EXPECT_EQ(events({"EXPIRE", "k", "10"}), Events{});
  h.run({"SET", "k", "v"});
  messages();
  EXPECT_EQ(events({"PEXPIREAT", "k", "1"}), (Events{"del k"}));
}

TEST_F(Notify, ListPushPopAndEdits) {
  EXPECT_EQ(events({"LPUSH", "l", "a", "b", "c"}), (Events{"lpush l"}));  // one per command
  EXPECT_EQ(events({"RPUSH", "l", "d"}), (Events{"rpush l"}));
  EXPECT_EQ(events({"LPUSHX", "nol", "a"}), Events{});
  EXPECT_EQ(events({"RPUSHX", "l", "e"}), (Events{"rpush l"}));
  EXPECT_EQ(events({"LPUSHX", "l", "f"}), (Events{"lpush l"}));
  EXPECT_EQ(events({"LPOP", "l"}), (Events{"lpop l"}));
  EXPECT_EQ(events({"RPOP", "l", "2"}), (Events{"rpop l"}));
  EXPECT_EQ(events({"LPOP", "l", "0"}), Events{});
  EXPECT_EQ(events({"LPOP", "nol"}), Events{});
  EXPECT_EQ(events({"LINSERT", "l", "BEFORE", "b", "x"}), (Events{"linsert l"}));
  EXPECT_EQ(events({"LINSERT", "l", "BEFORE", "zz", "x"}), Events{});
  EXPECT_EQ(events({"LSET", "l", "0", "y"}), (Events{"lset l"}));
  EXPECT_EQ(events({"LSET", "l", "99", "y"}), Events{});
  EXPECT_EQ(events({"LREM", "l", "0", "zz"}), Events{});
  EXPECT_EQ(events({"LREM", "l", "1", "y"}), (Events{"lrem l"}));
  EXPECT_EQ(events({"LTRIM", "l", "0", "-1"}), (Events{"ltrim l"}));  // even when nothing goes
  EXPECT_EQ(events({"LTRIM", "l", "1", "0"}), (Events{"ltrim l", "del l"}));
  EXPECT_EQ(events({"LTRIM", "nol", "0", "1"}), Events{});
  h.run({"RPUSH", "l", "a"});
  messages();
  EXPECT_EQ(events({"RPOP", "l", "5"}), (Events{"rpop l", "del l"}));
  h.run({"RPUSH", "l", "a", "a"});
  messages();
  EXPECT_EQ(events({"LREM", "l", "0", "a"}), (Events{"lrem l", "del l"}));
}

TEST_F(Notify, ListMovesPushBeforePop) {
  h.run({"RPUSH", "l", "a", "b", "c"});
  messages();
  // As Redis's lmoveGenericCommand: the destination's push comes first.
  EXPECT_EQ(events({"LMOVE", "l", "l2", "LEFT", "RIGHT"}), (Events{"rpush l2", "lpop l"}));
  EXPECT_EQ(events({"RPOPLPUSH", "l", "l2"}), (Events{"lpush l2", "rpop l"}));
  EXPECT_EQ(events({"RPOPLPUSH", "l", "l2"}), (Events{"lpush l2", "rpop l", "del l"}));
  EXPECT_EQ(events({"RPOPLPUSH", "l", "l2"}), Events{});
  EXPECT_EQ(events({"RPOPLPUSH", "l2", "l2"}), (Events{"lpush l2", "rpop l2"}));
  EXPECT_EQ(events({"LMPOP", "2", "nol", "l2", "LEFT", "COUNT", "2"}), (Events{"lpop l2"}));
  EXPECT_EQ(events({"LMPOP", "2", "nol", "l2", "RIGHT", "COUNT", "5"}), (Events{"rpop l2", "del l2"}));
  EXPECT_EQ(events({"LMPOP", "1", "nol", "LEFT"}), Events{});
  h.run({"RPUSH", "b", "x"});
  messages();
  EXPECT_EQ(events({"BLMOVE", "b", "b2", "RIGHT", "LEFT", "0"}), (Events{"lpush b2", "rpop b", "del b"}));
  EXPECT_EQ(events({"BLMPOP", "0", "1", "b2", "LEFT"}), (Events{"lpop b2", "del b2"}));
}

TEST_F(Notify, Hashes) {
  EXPECT_EQ(events({"HSET", "h", "f", "v", "g", "w"}), (Events{"hset h"}));
  EXPECT_EQ(events({"HSET", "h", "f", "v"}), (Events{"hset h"}));  // even with nothing new
  EXPECT_EQ(events({"HMSET", "h", "f", "v"}), (Events{"hset h"}));
  EXPECT_EQ(events({"HSETNX", "h", "f", "v"}), Events{});
  EXPECT_EQ(events({"HSETNX", "h", "n", "v"}), (Events{"hset h"}));
  EXPECT_EQ(events({"HINCRBY", "h", "i", "1"}), (Events{"hincrby h"}));
  EXPECT_EQ(events({"HINCRBYFLOAT", "h", "j", "1.5"}), (Events{"hincrbyfloat h"}));
  EXPECT_EQ(events({"HINCRBY", "h", "f", "1"}), Events{});  // not an integer
  EXPECT_EQ(events({"HDEL", "h", "zz"}), Events{});
  EXPECT_EQ(events({"HDEL", "nohash", "zz"}), Events{});
  EXPECT_EQ(events({"HDEL", "h", "f", "g"}), (Events{"hdel h"}));
  EXPECT_EQ(events({"HDEL", "h", "n", "i", "j", "zz"}), (Events{"hdel h", "del h"}));
}

TEST_F(Notify, Sets) {
  EXPECT_EQ(events({"SADD", "st", "a", "b"}), (Events{"sadd st"}));
  EXPECT_EQ(events({"SADD", "st", "a"}), Events{});
  EXPECT_EQ(events({"SREM", "st", "zz"}), Events{});
  EXPECT_EQ(events({"SREM", "nost", "zz"}), Events{});
  EXPECT_EQ(events({"SREM", "st", "a"}), (Events{"srem st"}));
  h.run({"SADD", "st2", "b"});
  messages();
  // The member is already in the destination: only the source changes.
  EXPECT_EQ(events({"SMOVE", "st", "st2", "b"}), (Events{"srem st", "del st"}));
  h.run({"SADD", "st", "a", "c"});
  messages();
  EXPECT_EQ(events({"SMOVE", "st", "st3", "a"}), (Events{"srem st", "sadd st3"}));
  EXPECT_EQ(events({"SMOVE", "st", "st3", "zz"}), Events{});
  EXPECT_EQ(events({"SMOVE", "st", "st", "c"}), Events{});
  EXPECT_EQ(events({"SMOVE", "nost", "st3", "a"}), Events{});
  EXPECT_EQ(events({"SMOVE", "st", "st3", "c"}), (Events{"srem st", "del st", "sadd st3"}));
}

TEST_F(Notify, SetStores) {
  h.run({"SADD", "x", "1", "2", "3"});
  h.run({"SADD", "y", "2", "3", "4"});
  messages();
  EXPECT_EQ(events({"SINTERSTORE", "z", "x", "y"}), (Events{"sinterstore z"}));
  EXPECT_EQ(events({"SUNIONSTORE", "z", "x", "y"}), (Events{"sunionstore z"}));
  EXPECT_EQ(events({"SDIFFSTORE", "z", "x", "y"}), (Events{"sdiffstore z"}));
  EXPECT_EQ(events({"SDIFFSTORE", "z", "x", "x"}), (Events{"del z"}));
  EXPECT_EQ(events({"SDIFFSTORE", "z", "x", "x"}), Events{});
  EXPECT_EQ(events({"SINTERSTORE", "z", "x", "nokey"}), Events{});
  EXPECT_EQ(events({"SUNIONSTORE", "z", "nokey"}), Events{});
  EXPECT_EQ(events({"SINTERSTORE", "x", "x", "nokey"}), (Events{"del x"}));
  h.run({"SET", "str", "v"});
  messages();
  EXPECT_EQ(events({"SUNIONSTORE", "str", "y"}), (Events{"sunionstore str"}));  // overwrites any type
}

TEST_F(Notify, SetPops) {
  h.run({"SADD", "s", "a", "b", "c"});
  messages();
  EXPECT_EQ(events({"SPOP", "s", "0"}), Events{});
  EXPECT_EQ(events({"SPOP", "nos"}), Events{});
  EXPECT_EQ(events({"SPOP", "s"}), (Events{"spop s"}));
  EXPECT_EQ(events({"SPOP", "s", "1"}), (Events{"spop s"}));
  EXPECT_EQ(events({"SPOP", "s", "5"}), (Events{"spop s", "del s"}));
  h.run({"SADD", "s", "a"});
  messages();
  EXPECT_EQ(events({"SPOP", "s"}), (Events{"spop s", "del s"}));
}

TEST_F(Notify, SortedSets) {
  EXPECT_EQ(events({"ZADD", "z", "1", "a", "2", "b"}), (Events{"zadd z"}));
  EXPECT_EQ(events({"ZADD", "z", "1", "a"}), Events{});
  EXPECT_EQ(events({"ZADD", "z", "XX", "5", "c"}), Events{});
  EXPECT_EQ(events({"ZADD", "noz", "XX", "5", "c"}), Events{});
  EXPECT_EQ(events({"ZADD", "z", "INCR", "1", "a"}), (Events{"zincr z"}));
  EXPECT_EQ(events({"ZINCRBY", "z", "1", "a"}), (Events{"zincr z"}));
  EXPECT_EQ(events({"ZADD", "z", "CH", "3", "a"}), Events{});  // same score: nothing changed
  EXPECT_EQ(events({"ZREM", "z", "nope"}), Events{});
  EXPECT_EQ(events({"ZREM", "z", "a"}), (Events{"zrem z"}));
  EXPECT_EQ(events({"ZREM", "z", "b"}), (Events{"zrem z", "del z"}));
  h.run({"ZADD", "z", "1", "a", "3", "c", "4", "d", "5", "e"});
  messages();
  EXPECT_EQ(events({"ZPOPMIN", "z"}), (Events{"zpopmin z"}));
  EXPECT_EQ(events({"ZPOPMAX", "z", "0"}), Events{});
  EXPECT_EQ(events({"ZPOPMAX", "z", "1"}), (Events{"zpopmax z"}));
  EXPECT_EQ(events({"ZREMRANGEBYRANK", "z", "5", "6"}), Events{});
  EXPECT_EQ(events({"ZREMRANGEBYRANK", "z", "0", "0"}), (Events{"zremrangebyrank z"}));
  EXPECT_EQ(events({"ZREMRANGEBYSCORE", "z", "(4", "+inf"}), Events{});
  EXPECT_EQ(events({"ZADD", "z", "1", "a", "2", "b"}), (Events{"zadd z"}));
  EXPECT_EQ(events({"ZREMRANGEBYSCORE", "z", "1", "1"}), (Events{"zremrangebyscore z"}));
  EXPECT_EQ(events({"ZREMRANGEBYLEX", "z", "[b", "[b"}), (Events{"zremrangebylex z"}));
  EXPECT_EQ(events({"ZMPOP", "2", "noz", "z", "MIN", "COUNT", "5"}), (Events{"zpopmin z", "del z"}));
  EXPECT_EQ(events({"ZMPOP", "1", "noz", "MAX"}), Events{});
  // A NaN increment fails with nothing changed and nothing announced.
  h.run({"ZADD", "inf", "-inf", "a"});
  messages();
  EXPECT_EQ(events({"ZADD", "inf", "INCR", "+inf", "a"}), Events{});
}

TEST_F(Notify, SortedSetStores) {
  h.run({"ZADD", "z", "1", "a", "2", "b", "3", "c"});
  h.run({"ZADD", "y", "1", "a"});
  messages();
  EXPECT_EQ(events({"ZUNIONSTORE", "d", "2", "z", "y"}), (Events{"zunionstore d"}));
  EXPECT_EQ(events({"ZINTERSTORE", "d", "2", "z", "y"}), (Events{"zinterstore d"}));
  EXPECT_EQ(events({"ZDIFFSTORE", "d", "2", "z", "y"}), (Events{"zdiffstore d"}));
  EXPECT_EQ(events({"ZINTERSTORE", "d", "2", "z", "nokey"}), (Events{"del d"}));
  EXPECT_EQ(events({"ZINTERSTORE", "d", "2", "z", "nokey"}), Events{});
  EXPECT_EQ(events({"ZRANGESTORE", "d2", "z", "0", "-1"}), (Events{"zrangestore d2"}));
  EXPECT_EQ(events({"ZRANGESTORE", "d2", "z", "5", "6"}), (Events{"del d2"}));
}

TEST_F(Notify, BlockingPopsServedAtOnce) {
  h.run({"ZADD", "z", "1", "a", "2", "b"});
  h.run({"RPUSH", "l", "a", "b"});
  messages();
  EXPECT_EQ(events({"BZPOPMIN", "z", "0"}), (Events{"zpopmin z"}));
  EXPECT_EQ(events({"BZMPOP", "0", "1", "z", "MAX"}), (Events{"zpopmax z", "del z"}));
  EXPECT_EQ(events({"BLPOP", "l", "0"}), (Events{"lpop l"}));
  EXPECT_EQ(events({"BRPOP", "l", "0"}), (Events{"rpop l", "del l"}));
}

TEST_F(Notify, Streams) {
  EXPECT_EQ(events({"XADD", "x", "1-1", "f", "v"}), (Events{"xadd x"}));
  EXPECT_EQ(events({"XADD", "x", "NOMKSTREAM", "2-1", "f", "v"}), (Events{"xadd x"}));
  EXPECT_EQ(events({"XADD", "nox", "NOMKSTREAM", "2-1", "f", "v"}), Events{});
  EXPECT_EQ(events({"XADD", "x", "1-1", "f", "v"}), Events{});  // id too small: an error
  EXPECT_EQ(events({"XADD", "x", "MAXLEN", "1", "3-1", "f", "v"}), (Events{"xadd x", "xtrim x"}));
  EXPECT_EQ(events({"XTRIM", "x", "MAXLEN", "0"}), (Events{"xtrim x"}));
  EXPECT_EQ(events({"XTRIM", "x", "MAXLEN", "0"}), Events{});
  EXPECT_EQ(events({"XDEL", "x", "3-1"}), Events{});
  EXPECT_EQ(events({"XSETID", "x", "5-5"}), (Events{"xsetid x"}));
  EXPECT_EQ(events({"XADD", "x", "6-1", "f", "v"}), (Events{"xadd x"}));
  EXPECT_EQ(events({"XDEL", "x", "6-1"}), (Events{"xdel x"}));
  EXPECT_EQ(events({"EXISTS", "x"}), Events{});  // an emptied stream stays, as in Redis
}

TEST_F(Notify, KeymissOnlyForReadsAndOnlyWithM) {
  set_classes("Em");
  h.run({"GET", "nokey"});
  h.run({"MGET", "a", "b"});
  h.run({"EXISTS", "c"});
  h.run({"TYPE", "d"});
  h.run({"LPUSH", "e", "x"});  // a write's lookup is not a miss
  h.run({"LRANGE", "e", "0", "-1"});  // a hit
  const std::vector<std::pair<std::string, std::string>> want = {{"__keyevent@0__:keymiss", "nokey"},
                                                                 {"__keyevent@0__:keymiss", "a"},
                                                                 {"__keyevent@0__:keymiss", "b"},
                                                                 {"__keyevent@0__:keymiss", "c"},
                                                                 {"__keyevent@0__:keymiss", "d"}};
  EXPECT_EQ(messages(), want);
  set_classes("KEA");  // A does not include m
  h.run({"GET", "nokey"});
  EXPECT_TRUE(messages().empty());
}

TEST_F(Notify, ExpiredOnAccessAndNewKeys) {
  h.pin_clock(1'000'000);
  h.run({"SET", "k", "v", "PX", "10"});
  messages();
  h.pin_clock(1'000'020);
  EXPECT_EQ(events({"GET", "k"}), (Events{"expired k"}));
  set_classes("En");
  h.run({"SET", "fresh", "v"});
  h.run({"SET", "fresh", "w"});
  h.run({"RPUSH", "l2", "a"});
  const std::vector<std::pair<std::string, std::string>> want = {{"__keyevent@0__:new", "fresh"},
                                                                 {"__keyevent@0__:new", "l2"}};
  EXPECT_EQ(messages(), want);
}

TEST_F(Notify, NoteTrees) {
  EXPECT_EQ(events({"NOTE.ADD", "t", "root", "a", "x"}), (Events{"note.add t"}));
  EXPECT_EQ(events({"NOTE.ADD", "t", "a", "b", "y"}), (Events{"note.add t"}));
  EXPECT_EQ(events({"NOTE.ADD", "t", "nope", "c", "y"}), Events{});
  EXPECT_EQ(events({"NOTE.ADD", "t2", "nope", "c", "y"}), Events{});
  EXPECT_EQ(events({"NOTE.SET", "t", "b", "z"}), (Events{"note.set t"}));
  EXPECT_EQ(events({"NOTE.SET", "t", "nope", "z"}), Events{});
  EXPECT_EQ(events({"NOTE.MOVE", "t", "b", "root"}), (Events{"note.move t"}));
  EXPECT_EQ(events({"NOTE.MOVE", "t", "nope", "root"}), Events{});
  EXPECT_EQ(events({"NOTE.DEL", "t", "b"}), (Events{"note.del t"}));
  EXPECT_EQ(events({"NOTE.DEL", "t", "nope"}), Events{});
  EXPECT_EQ(events({"NOTE.DEL", "t", "a"}), (Events{"note.del t", "del t"}));
  EXPECT_EQ(events({"EXISTS", "t"}), Events{});
}

TEST_F(Notify, ClassFilteringKeyspaceStringsOnly) {
  set_classes("K$");
  h.run({"SET", "s", "v", "EX", "100"});  // "expire" is generic: filtered out
  h.run({"LPUSH", "l", "a"});
  h.run({"DEL", "s"});
  h.run({"INCR", "n"});
  const auto got = messages();
  const std::vector<std::pair<std::string, std::string>> want = {{"__keyspace@0__:s", "set"},
                                                                 {"__keyspace@0__:n", "incrby"}};
  EXPECT_EQ(got, want);
}

TEST_F(Notify, ClassFilteringKeyeventListAndGeneric) {
  set_classes("Elg");
  h.run({"SET", "s", "v"});
  h.run({"RPUSH", "l", "a"});
  h.run({"LPOP", "l"});
  h.run({"SADD", "st", "a"});
  const auto got = messages();
  const std::vector<std::pair<std::string, std::string>> want = {
      {"__keyevent@0__:rpush", "l"}, {"__keyevent@0__:lpop", "l"}, {"__keyevent@0__:del", "l"}};
  EXPECT_EQ(got, want);
}

TEST_F(Notify, NoteClassIsPartOfA) {
  set_classes("Ko");
  h.run({"NOTE.ADD", "t", "root", "a", "x"});
  h.run({"SET", "s", "v"});
  const std::vector<std::pair<std::string, std::string>> want = {{"__keyspace@0__:t", "note.add"}};
  EXPECT_EQ(messages(), want);
}

TEST_F(Notify, NothingWithoutKOrE) {
  set_classes("A");
  h.run({"SET", "s", "v"});
  EXPECT_TRUE(messages().empty());
  set_classes("");
  h.run({"SET", "s", "v"});
  EXPECT_TRUE(messages().empty());
}

TEST_F(Notify, ConfigRoundTrip) {
  set_classes("KEA");
  EXPECT_EQ(h.text({"CONFIG", "GET", "notify-keyspace-events"}), "[\"notify-keyspace-events\", \"AKE\"]");
  set_classes("");
  EXPECT_EQ(h.text({"CONFIG", "GET", "notify-keyspace-events"}), "[\"notify-keyspace-events\", \"\"]");
  EXPECT_EQ(
      h.text({"CONFIG", "SET", "notify-keyspace-events", "KEQ"}),
      err("ERR CONFIG SET failed (possibly related to argument 'notify-keyspace-events') - Invalid event "
          "class character. Use 'Ag$lshzxeKEtmdno'."));
  EXPECT_EQ(h.text({"CONFIG", "GET", "notify-keyspace-events"}), "[\"notify-keyspace-events\", \"\"]");
}

}  // namespace
}  // namespace arbor
