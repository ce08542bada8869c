// WATCH invalidation by the write commands: another client's write that
// changed a watched key fails the EXEC; one that changed nothing (Redis
// touches nothing then) lets it run. Cases mirror redis-server 7.0.15.
#include <string>
#include <vector>

#include "tests/unit/notifications/notify_fixture.h"

namespace arbor {
namespace {

using Args = std::vector<std::string>;

struct WatchCase {
  std::vector<Args> setup;  // run by the watching client before WATCH
  std::string watched;
  Args write;  // run by the other client
  bool aborts;
};

class WatchTouch : public testing::NotifyTest {
 protected:
  // True when EXEC ran (the watched key was not touched).
  bool exec_runs(const WatchCase& c) {
    h.run({"FLUSHALL"});
    for (const auto& args : c.setup) h.run(args);
    EXPECT_EQ(h.text({"WATCH", c.watched}), testing::kOk);
    h.run_as(other, c.write);
    EXPECT_EQ(h.text({"MULTI"}), testing::kOk);
    h.run({"PING"});
    const auto reply = h.run({"EXEC"});
    EXPECT_FALSE(reply.is_error()) << reply.to_string();
    return !reply.is_null();
  }
  void check(const std::vector<WatchCase>& cases) {
    for (const auto& c : cases) {
      std::string name;
      for (const auto& a : c.write) name += a + " ";
      SCOPED_TRACE(name + "(watching " + c.watched + ")");
      EXPECT_EQ(exec_runs(c), !c.aborts);
    }
  }
};

const Args kStr{"SET", "s", "v"};
const Args kList{"RPUSH", "l", "a", "b"};
const Args kHash{"HSET", "h", "f", "1"};
const Args kSet{"SADD", "st", "a", "b"};
const Args kNote{"NOTE.ADD", "t", "root", "a", "x"};

TEST_F(WatchTouch, StringWritesAbort) {
  check({
      {{}, "s", {"SET", "s", "v"}, true},
      {{kStr}, "s", {"SETRANGE", "s", "1", "x"}, true},
      {{kStr}, "s", {"APPEND", "s", "x"}, true},
      {{}, "s", {"INCR", "s"}, true},
      {{}, "s", {"INCRBYFLOAT", "s", "1.5"}, true},
      {{kStr}, "s", {"GETSET", "s", "w"}, true},
      {{kStr}, "s", {"GETDEL", "s"}, true},
      {{kStr}, "s", {"GETEX", "s", "EX", "100"}, true},
      {{{"SET", "s", "v", "EX", "100"}}, "s", {"GETEX", "s", "PERSIST"}, true},
      {{kStr}, "s", {"GETEX", "s", "PXAT", "1"}, true},
      {{}, "b", {"MSET", "a", "1", "b", "2"}, true},
      {{}, "b", {"MSETNX", "a", "1", "b", "2"}, true},
      {{kList}, "l", {"SET", "l", "v"}, true},  // overwriting another type
  });
}

TEST_F(WatchTouch, StringNoOpsRun) {
  check({
      {{kStr}, "s", {"SETNX", "s", "w"}, false},
      {{kStr}, "s", {"SET", "s", "w", "NX"}, false},
      {{}, "s", {"SET", "s", "w", "XX"}, false},
      {{kStr}, "s", {"SETRANGE", "s", "0", ""}, false},
      {{kStr}, "s", {"GETEX", "s"}, false},
      {{kStr}, "s", {"GETEX", "s", "PERSIST"}, false},
      {{}, "s", {"GETDEL", "s"}, false},
      {{kStr}, "s", {"MSETNX", "s", "1", "b", "2"}, false},
      {{kList}, "l", {"INCR", "l"}, false},  // WRONGTYPE
  });
}

TEST_F(WatchTouch, KeyWrites) {
  check({
      {{kStr}, "s", {"DEL", "s"}, true},
      {{kStr}, "s", {"UNLINK", "s"}, true},
      {{}, "s", {"DEL", "s"}, false},
      {{kStr}, "s", {"EXPIRE", "s", "100"}, true},
      {{kStr}, "s", {"EXPIRE", "s", "-1"}, true},
      {{kStr, {"EXPIRE", "s", "100"}}, "s", {"EXPIRE", "s", "100", "NX"}, false},
      {{kStr, {"EXPIRE", "s", "100"}}, "s", {"PERSIST", "s"}, true},
      {{kStr}, "s", {"PERSIST", "s"}, false},
      {{kStr}, "s", {"RENAME", "s", "d"}, true},
      {{kStr}, "d", {"RENAME", "s", "d"}, true},
      {{kStr}, "s", {"RENAME", "s", "s"}, false},
      {{kStr, {"SET", "d", "x"}}, "s", {"RENAMENX", "s", "d"}, false},
      {{kStr}, "s", {"MOVE", "s", "1"}, true},
      {{kStr}, "d", {"COPY", "s", "d"}, true},
      {{kStr}, "s", {"COPY", "s", "d"}, false},  // only the destination is touched
      {{kStr, {"SET", "d", "x"}}, "d", {"COPY", "s", "d"}, false},
      {{kStr, {"SET", "d", "x"}}, "d", {"COPY", "s", "d", "REPLACE"}, true},
  });
}

TEST_F(WatchTouch, MoveAndCopyTouchTheOtherDatabase) {
  h.run({"SET", "s", "v"});
  h.run({"SELECT", "1"});
  EXPECT_EQ(h.text({"WATCH", "s"}), testing::kOk);
  h.run_as(other, {"MOVE", "s", "1"});
  h.run({"MULTI"});
  EXPECT_TRUE(h.run({"EXEC"}).is_null());

  h.run({"SELECT", "2"});
  EXPECT_EQ(h.text({"WATCH", "c"}), testing::kOk);
  h.run_as(other, {"SET", "s", "v"});
  h.run_as(other, {"COPY", "s", "c", "DB", "2"});
  h.run({"MULTI"});
  EXPECT_TRUE(h.run({"EXEC"}).is_null());
}

TEST_F(WatchTouch, ListWrites) {
  check({
      {{}, "l", {"LPUSH", "l", "a"}, true},
      {{kList}, "l", {"RPUSHX", "l", "a"}, true},
      {{}, "l", {"LPUSHX", "l", "a"}, false},
      {{kList}, "l", {"LPOP", "l"}, true},
      {{kList}, "l", {"RPOP", "l", "5"}, true},
      {{kList}, "l", {"LPOP", "l", "0"}, false},
      {{kList}, "l", {"LSET", "l", "0", "x"}, true},
      {{kList}, "l", {"LINSERT", "l", "AFTER", "a", "x"}, true},
      {{kList}, "l", {"LINSERT", "l", "AFTER", "zz", "x"}, false},
      {{kList}, "l", {"LREM", "l", "0", "a"}, true},
      {{kList}, "l", {"LREM", "l", "0", "zz"}, false},
      {{kList}, "l", {"LTRIM", "l", "0", "-1"}, true},  // Redis touches even when nothing is trimmed
      {{kList}, "l", {"LMOVE", "l", "d", "LEFT", "LEFT"}, true},
      {{kList}, "d", {"LMOVE", "l", "d", "LEFT", "LEFT"}, true},
      {{kList}, "d", {"RPOPLPUSH", "zz", "d"}, false},
      {{kList}, "l", {"LMPOP", "2", "zz", "l", "RIGHT"}, true},
      {{kList}, "l", {"BLPOP", "l", "0"}, true},
  });
}

TEST_F(WatchTouch, HashWrites) {
  check({
      {{}, "h", {"HSET", "h", "f", "v"}, true},
      {{kHash}, "h", {"HSET", "h", "f", "1"}, true},  // same value: still a touch, as Redis
      {{kHash}, "h", {"HSETNX", "h", "f", "2"}, false},
      {{kHash}, "h", {"HSETNX", "h", "g", "2"}, true},
      {{kHash}, "h", {"HINCRBY", "h", "f", "1"}, true},
      {{kHash}, "h", {"HINCRBYFLOAT", "h", "f", "1"}, true},
      {{kHash}, "h", {"HDEL", "h", "zz"}, false},
      {{kHash}, "h", {"HDEL", "h", "f"}, true},
  });
}

TEST_F(WatchTouch, SetWrites) {
  check({
      {{}, "st", {"SADD", "st", "a"}, true},
      {{kSet}, "st", {"SADD", "st", "a"}, false},
      {{kSet}, "st", {"SREM", "st", "zz"}, false},
      {{kSet}, "st", {"SREM", "st", "a"}, true},
      {{kSet}, "st", {"SMOVE", "st", "d", "a"}, true},
      {{kSet}, "d", {"SMOVE", "st", "d", "a"}, true},
      {{kSet}, "st", {"SMOVE", "st", "d", "zz"}, false},
      {{kSet, {"SADD", "d", "a"}}, "d", {"SMOVE", "st", "d", "a"}, false},  // already there
      {{kSet}, "d", {"SINTERSTORE", "d", "st"}, true},
      {{kSet}, "d", {"SUNIONSTORE", "d", "st"}, true},
      {{kSet}, "d", {"SDIFFSTORE", "d", "st", "zz"}, true},
      {{kSet}, "d", {"SINTERSTORE", "d", "st", "zz"}, false},  // empty result, no destination
      {{kSet, {"SET", "d", "x"}}, "d", {"SINTERSTORE", "d", "st", "zz"}, true},  // deletes it
  });
}

const Args kZset{"ZADD", "z", "1", "a", "2", "b"};
const Args kStream{"XADD", "x", "1-1", "f", "v"};

TEST_F(WatchTouch, SortedSetWrites) {
  check({
      {{}, "z", {"ZADD", "z", "1", "a"}, true},
      {{kZset}, "z", {"ZADD", "z", "1", "a"}, false},
      {{kZset}, "z", {"ZADD", "z", "9", "a"}, true},
      {{kZset}, "z", {"ZINCRBY", "z", "1", "a"}, true},
      {{kZset}, "z", {"ZREM", "z", "zz"}, false},
      {{kZset}, "z", {"ZREM", "z", "a"}, true},
      {{kZset}, "z", {"ZPOPMIN", "z"}, true},
      {{kZset}, "z", {"ZPOPMAX", "z", "0"}, false},
      {{kZset}, "z", {"ZMPOP", "1", "z", "MAX"}, true},
      {{kZset}, "z", {"BZPOPMIN", "z", "0"}, true},
      {{kZset}, "z", {"ZREMRANGEBYRANK", "z", "0", "0"}, true},
      {{kZset}, "z", {"ZREMRANGEBYSCORE", "z", "5", "6"}, false},
      {{kZset}, "z", {"ZREMRANGEBYLEX", "z", "-", "+"}, true},
      {{kZset}, "d", {"ZUNIONSTORE", "d", "1", "z"}, true},
      {{kZset}, "d", {"ZRANGESTORE", "d", "z", "0", "-1"}, true},
      {{kZset}, "d", {"ZINTERSTORE", "d", "2", "z", "zz"}, false},
      {{kZset, {"SET", "d", "x"}}, "d", {"ZINTERSTORE", "d", "2", "z", "zz"}, true},
  });
}

TEST_F(WatchTouch, StreamAndSetPopWrites) {
  check({
      {{}, "x", {"XADD", "x", "1-1", "f", "v"}, true},
      {{kStream}, "x", {"XADD", "x", "1-1", "f", "v"}, false},  // id too small
      {{kStream}, "x", {"XDEL", "x", "1-1"}, true},
      {{kStream}, "x", {"XDEL", "x", "9-9"}, false},
      {{kStream}, "x", {"XTRIM", "x", "MAXLEN", "0"}, true},
      {{kStream}, "x", {"XSETID", "x", "5-5"}, true},
      {{{"SADD", "st", "a", "b"}}, "st", {"SPOP", "st"}, true},
      {{{"SADD", "st", "a", "b"}}, "st", {"SPOP", "st", "0"}, false},
  });
}

TEST_F(WatchTouch, NoteTreeWrites) {
  check({
      {{}, "t", {"NOTE.ADD", "t", "root", "a", "x"}, true},
      {{kNote}, "t", {"NOTE.ADD", "t", "nope", "b", "x"}, false},
      {{kNote}, "t", {"NOTE.SET", "t", "a", "y"}, true},
      {{kNote}, "t", {"NOTE.SET", "t", "nope", "y"}, false},
      {{kNote, {"NOTE.ADD", "t", "root", "b", "y"}}, "t", {"NOTE.MOVE", "t", "b", "a"}, true},
      {{kNote}, "t", {"NOTE.DEL", "t", "a"}, true},
      {{kNote}, "t", {"NOTE.DEL", "t", "nope"}, false},
  });
}

}  // namespace
}  // namespace arbor
