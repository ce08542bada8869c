// Replication between real processes on loopback: a primary with two
// replicas and a chained one converge on every type (note trees and TTLs
// included) while writes continue; a dropped link within the backlog
// continues with +CONTINUE, a replica stopped past it syncs fully; a
// promoted replica lets the others continue partially; WAIT counts; a
// broken full sync leaves the old data serving. Equality is DEBUG DIGEST,
// which hashes contents independently of layout.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include "tests/integration/differential_types.h"
#include "tests/integration/replication_helpers.h"
#include "tests/integration/server_fixture.h"

namespace arbor::test {
namespace {

TEST(Replication, ChainOfReplicasHoldsThePrimarysDataOfEveryType) {
  ServerProcess primary;
  Client p(primary.port());
  write_mixed(p, 0, 50000);
  ServerProcess r1, r2, r3;
  Client c1(r1.port()), c2(r2.port()), c3(r3.port());
  ASSERT_TRUE(is_status(c1.cmd({"REPLICAOF", "127.0.0.1", std::to_string(primary.port())}), "OK"));
  ASSERT_TRUE(is_status(c2.cmd({"REPLICAOF", "127.0.0.1", std::to_string(primary.port())}), "OK"));
  ASSERT_TRUE(is_status(c3.cmd({"REPLICAOF", "127.0.0.1", std::to_string(r1.port())}), "OK"));
  // Writes while the snapshots are being produced and after.
  write_mixed(p, 50000, 50000);
  write_rewritten(p);
  ASSERT_TRUE(converged(p, {&c1, &c2, &c3})) << info(p) << info(c1) << info(c3);
  // The key that expired on the primary is gone on every replica too.
  EXPECT_TRUE(eventually([&] { return c3.cmd({"EXISTS", "gone"}).integer == 0; }));
  ASSERT_TRUE(converged(p, {&c1, &c2, &c3}));
  // Visible keys: DBSIZE may differ by keys that expired and await their
  // DEL (a snapshot leaves those out, as Redis's does).
  const size_t keys = p.cmd({"KEYS", "*"}).elements.size();
  EXPECT_EQ(c3.cmd({"KEYS", "*"}).elements.size(), keys);
  EXPECT_GT(keys, 100000u - 1000u);
  EXPECT_EQ(describe(c3.cmd({"NOTE.TREE", "n:7"})), describe(p.cmd({"NOTE.TREE", "n:7"})));
  EXPECT_TRUE(is_bulk(c2.cmd({"GET", "float"}), "0.101"));
  EXPECT_GT(c1.cmd({"PTTL", "t:1"}).integer, 0);
  EXPECT_EQ(info_field(info(p), "connected_slaves"), std::optional<std::string>("2"));
  EXPECT_EQ(info_field(info(c1), "connected_slaves"), std::optional<std::string>("1"));
  const Reply role = c3.cmd({"ROLE"});
  ASSERT_EQ(role.elements.size(), 5u);
  EXPECT_EQ(role.elements[0].str, "slave");
  EXPECT_EQ(role.elements[2].integer, r1.port());
  EXPECT_EQ(role.elements[3].str, "connected");
}

// Each write command, once, with what it needs in place: the replica must
// end with the primary's data. A write command the script does not cover
// fails the test, so a new command cannot miss its propagation unnoticed.
TEST(Replication, EveryWriteCommandReachesTheReplica) {
  ServerProcess migrate_target;
  const std::vector<std::vector<std::string>> script = {
      {"SELECT", "5"}, {"SET", "a", "1"}, {"SWAPDB", "5", "6"}, {"SET", "b", "2"}, {"FLUSHDB"}, {"SELECT", "0"},
      {"SET", "s", "v"}, {"SETNX", "s2", "v"}, {"SETEX", "s3", "100", "v"}, {"PSETEX", "s4", "100000", "v"},
      {"GETSET", "s", "w"}, {"SET", "g", "x"}, {"GETDEL", "g"}, {"GETEX", "s", "EX", "500"},
      {"MSET", "m1", "1", "m2", "2"}, {"MSETNX", "m3", "3"}, {"APPEND", "s2", "more"}, {"SETRANGE", "s2", "1", "XY"},
      {"SETBIT", "bits", "77", "1"}, {"BITFIELD", "bits", "OVERFLOW", "SAT", "INCRBY", "i5", "#2", "40"},
      {"BITOP", "NOT", "bits2", "bits"}, {"PFADD", "hll", "a", "b", "c"}, {"PFCOUNT", "hll"},
      {"PFMERGE", "hll2", "hll"}, {"PFDEBUG", "TODENSE", "hll2"},
      {"SET", "migrated", "x"}, {"MIGRATE", "127.0.0.1", std::to_string(migrate_target.port()), "migrated", "0", "5000"},
      {"RESTORE", "restored", "900000", std::string("\x00\x01v\x0a\x00\x91\x08\xce\xb2\x19\x38\x8a\xce", 13)},  // DUMP of "v"
      {"INCR", "n"}, {"DECR", "n"}, {"INCRBY", "n", "10"}, {"DECRBY", "n", "3"}, {"INCRBYFLOAT", "f", "1.1"},
      {"DEL", "m1"}, {"UNLINK", "m2"}, {"RENAME", "m3", "m4"}, {"RENAMENX", "m4", "m5"}, {"COPY", "m5", "m6"},
      {"MOVE", "m6", "2"}, {"EXPIRE", "m5", "1000"}, {"PEXPIRE", "s2", "1000000"},
      {"EXPIREAT", "n", "4000000000"}, {"PEXPIREAT", "f", "4000000000000"}, {"PERSIST", "n"},
      {"NOTE.ADD", "notes", "root", "a", "A"}, {"NOTE.ADD", "notes", "root", "b", "B"},
      {"NOTE.SET", "notes", "a", "AA"}, {"NOTE.MOVE", "notes", "b", "a"}, {"NOTE.ADD", "notes", "root", "c", "C"},
      {"NOTE.DEL", "notes", "c"},
      {"LPUSH", "l", "a", "b", "c", "d", "e"}, {"RPUSH", "l", "f"}, {"LPUSHX", "l", "g"}, {"RPUSHX", "l", "h"},
      {"LPOP", "l"}, {"RPOP", "l"}, {"LTRIM", "l", "0", "4"}, {"LSET", "l", "0", "z"},
      {"LINSERT", "l", "BEFORE", "z", "y"}, {"LREM", "l", "1", "y"}, {"LMOVE", "l", "l2", "LEFT", "RIGHT"},
      {"RPOPLPUSH", "l", "l2"}, {"LMPOP", "1", "l", "LEFT", "COUNT", "1"}, {"BLPOP", "l2", "0"},
      {"BRPOP", "l2", "0"}, {"RPUSH", "l3", "1", "2", "3"}, {"BLMOVE", "l3", "l4", "LEFT", "LEFT", "0"},
      {"BRPOPLPUSH", "l3", "l4", "0"}, {"BLMPOP", "0", "1", "l4", "RIGHT"},
      {"HSET", "h", "a", "1", "b", "2"}, {"HSETNX", "h", "c", "3"}, {"HMSET", "h", "d", "4"}, {"HDEL", "h", "a"},
      {"HINCRBY", "h", "b", "5"}, {"HINCRBYFLOAT", "h", "b", "0.5"},
      {"SADD", "x", "1", "2", "3", "4", "5"}, {"SADD", "y", "4", "5", "6"}, {"SREM", "x", "1"},
      {"SMOVE", "x", "y", "2"}, {"SPOP", "x"}, {"SINTERSTORE", "si", "x", "y"}, {"SUNIONSTORE", "su", "x", "y"},
      {"SDIFFSTORE", "sd", "y", "x"}, {"SORT", "y", "BY", "nosort", "STORE", "sorted"}, {"SORT", "y", "DESC"},
      {"GEOADD", "geo", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania"},
      {"GEORADIUS", "geo", "15", "37", "200", "km", "STORE", "geo2"},
      {"GEORADIUSBYMEMBER", "geo", "Palermo", "200", "km", "STOREDIST", "geo3"},
      {"GEOSEARCHSTORE", "geo4", "geo", "FROMMEMBER", "Catania", "BYBOX", "500", "500", "km"},
      {"ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"}, {"ZINCRBY", "z", "0.25", "a"},
      {"ZREM", "z", "e"}, {"ZPOPMIN", "z"}, {"ZPOPMAX", "z"}, {"ZADD", "z", "7", "p", "8", "q", "9", "r"},
      {"ZMPOP", "1", "z", "MIN"}, {"ZRANGESTORE", "zr", "z", "0", "1"}, {"ZREMRANGEBYRANK", "zr", "0", "0"},
      {"ZREMRANGEBYSCORE", "z", "8", "8"}, {"ZADD", "zl", "0", "a", "0", "b", "0", "c"},
      {"ZREMRANGEBYLEX", "zl", "[a", "[a"}, {"ZUNIONSTORE", "zu", "2", "z", "zl"},
      {"ZINTERSTORE", "zi", "2", "z", "zu"}, {"ZDIFFSTORE", "zd", "2", "zu", "zl"}, {"BZPOPMIN", "zu", "0"},
      {"BZPOPMAX", "zu", "0"}, {"BZMPOP", "0", "1", "zl", "MAX"},
      {"XADD", "st", "5-1", "f", "2"}, {"XADD", "st", "*", "f", "1"}, {"XADD", "st", "MAXLEN", "1", "*", "f", "3"},
      {"XADD", "st2", "1-1", "a", "b"}, {"XADD", "st2", "1-2", "a", "b"}, {"XDEL", "st2", "1-1"},
      {"XTRIM", "st", "MAXLEN", "0"}, {"XSETID", "st2", "99-0"},
      {"XGROUP", "CREATE", "st2", "grp", "0"}, {"XREADGROUP", "GROUP", "grp", "c1", "STREAMS", "st2", ">"},
      {"XACK", "st2", "grp", "1-2"}, {"XCLAIM", "st2", "grp", "c2", "0", "1-2", "FORCE"},
      {"XAUTOCLAIM", "st2", "grp", "c3", "0", "0"}, {"XGROUP", "CREATECONSUMER", "st2", "grp", "c4"},
      {"XGROUP", "DELCONSUMER", "st2", "grp", "c4"}, {"XGROUP", "SETID", "st2", "grp", "0"},
      {"SELECT", "9"}, {"SET", "gone-with-flushall", "x"}, {"FLUSHALL"}, {"SET", "after-flushall", "y"},
      {"SELECT", "0"}, {"SET", "last", "z"}};

  ServerProcess primary;
  ServerProcess replica({"--replicaof", "127.0.0.1 " + std::to_string(primary.port())});
  Client p(primary.port()), r(replica.port());
  ASSERT_TRUE(converged(p, {&r}));
  std::set<std::string> covered;
  for (const auto& command : script) {
    const Reply reply = p.cmd(command);
    EXPECT_NE(reply.type, ReplyType::kError) << command[0] << ": " << reply.str;
    std::string name = command[0];
    std::transform(name.begin(), name.end(), name.begin(), ::tolower);
    covered.insert(name);
  }
  ASSERT_TRUE(converged(p, {&r}));
  EXPECT_TRUE(is_bulk(r.cmd({"GET", "last"}), "z"));
  // Every command flagged "write" appears in the script.
  for (const Reply& entry : p.cmd({"COMMAND"}).elements) {
    bool write = false;
    for (const Reply& flag : entry.elements[2].elements) write |= flag.str == "write";
    if (write) {
      EXPECT_TRUE(covered.count(entry.elements[0].str)) << entry.elements[0].str << " is not in the script";
    }
  }
}

// The differential test's random command stream (every type, errors
// included) run on a primary: the replica ends with the same data.
TEST(Replication, ARandomCommandStreamLeavesTheReplicaEqual) {
  ServerProcess primary;
  ServerProcess replica({"--replicaof", "127.0.0.1 " + std::to_string(primary.port())});
  Client p(primary.port()), r(replica.port());
  for (uint64_t seed = 1; seed <= 3; ++seed) {
    TypesGenerator generator(seed);
    for (int step = 0; step < 3000; ++step) p.cmd(generator.next());
    ASSERT_TRUE(converged(p, {&r})) << "seed " << seed;
  }
}

TEST(Replication, ReplicasRefuseWritesAndWaitCountsAcknowledgements) {
  ServerProcess primary;
  ServerProcess r1({"--replicaof", "127.0.0.1 " + std::to_string(primary.port())});
  ServerProcess r2({"--replicaof", "127.0.0.1 " + std::to_string(primary.port())});
  Client p(primary.port()), c1(r1.port()), c2(r2.port());
  ASSERT_TRUE(converged(p, {&c1, &c2}));
  EXPECT_TRUE(is_error(c1.cmd({"SET", "k", "v"}), "READONLY You can't write against a read only replica."));
  const Reply hello = c1.cmd({"HELLO", "2"});
  for (size_t i = 0; i + 1 < hello.elements.size(); i += 2) {
    if (hello.elements[i].str == "role") {
      EXPECT_EQ(hello.elements[i + 1].str, "replica");
    }
  }
  EXPECT_TRUE(is_error(c1.cmd({"WAIT", "1", "0"}),
                       "ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a "
                       "replica is configured to be writable (which is not the default) writes to replicas are just "
                       "local and are not propagated."));
  p.cmd({"SET", "k", "v"});
  EXPECT_TRUE(is_int(p.cmd({"WAIT", "2", "5000"}), 2));
  p.cmd({"SET", "k", "w"});
  EXPECT_TRUE(is_int(p.cmd({"WAIT", "3", "200"}), 2));  // times out with the count reached
  EXPECT_TRUE(is_bulk(c2.cmd({"GET", "k"}), "w"));
  EXPECT_TRUE(is_int(p.cmd({"WAIT", "0", "0"}), 2));
  // Messages published on the primary reach subscribers of a replica.
  Client subscriber(r2.port());
  subscriber.cmd({"SUBSCRIBE", "news"});
  p.cmd({"PUBLISH", "news", "hello"});
  const Reply message = subscriber.read_reply();
  ASSERT_EQ(message.elements.size(), 3u);
  EXPECT_EQ(message.elements[2].str, "hello");
}

TEST(Replication, AReplicaAuthenticatesWithMasterauth) {
  ServerProcess primary({"--requirepass", "secret"});
  ServerProcess wrong({"--replicaof", "127.0.0.1 " + std::to_string(primary.port()), "--masterauth", "nope"});
  ServerProcess replica({"--replicaof", "127.0.0.1 " + std::to_string(primary.port()), "--masterauth", "secret"});
  Client p(primary.port()), r(replica.port()), w(wrong.port());
  ASSERT_TRUE(is_status(p.cmd({"AUTH", "secret"}), "OK"));
  p.cmd({"SET", "k", "v"});
  ASSERT_TRUE(converged(p, {&r}));
  EXPECT_TRUE(eventually([&] { return wrong.log().find("Unable to AUTH to MASTER") != std::string::npos; }));
  EXPECT_EQ(info_field(info(w), "master_link_status"), "down");
}

TEST(Replication, AReplicaAuthenticatesAsMasteruser) {
  ServerProcess primary({"--requirepass", "secret"});
  ServerProcess replica({"--replicaof", "127.0.0.1 " + std::to_string(primary.port()), "--masteruser", "default",
                         "--masterauth", "secret"});
  Client p(primary.port()), r(replica.port());
  ASSERT_TRUE(is_status(p.cmd({"AUTH", "default", "secret"}), "OK"));
  p.cmd({"SET", "k", "v"});
  ASSERT_TRUE(converged(p, {&r}));
}

// SLAVEOF is REPLICAOF's old name; the primary pings its replicas through
// the stream every repl-ping-replica-period, so offsets move while idle.
TEST(Replication, SlaveofWorksAndTheIdleStreamCarriesPings) {
  ServerProcess primary({"--repl-ping-replica-period", "1"});
  ServerProcess replica;
  Client p(primary.port()), r(replica.port());
  ASSERT_TRUE(is_status(r.cmd({"SLAVEOF", "127.0.0.1", std::to_string(primary.port())}), "OK"));
  p.cmd({"SET", "k", "v"});
  ASSERT_TRUE(converged(p, {&r}));
  EXPECT_EQ(r.cmd({"ROLE"}).elements.at(0).str, "slave");
  const int64_t before = info_int(p, "replication", "master_repl_offset");
  // Each PING is 14 bytes ("*1\r\n$4\r\nPING\r\n"); two of them within a few seconds.
  EXPECT_TRUE(eventually([&] { return info_int(r, "replication", "master_repl_offset") >= before + 28; },
                         milliseconds(10000)));
  EXPECT_TRUE(is_status(r.cmd({"SLAVEOF", "NO", "ONE"}), "OK"));
  EXPECT_EQ(r.cmd({"ROLE"}).elements.at(0).str, "master");
}

// A client that says SYNC (no PSYNC, no capa eof) gets the snapshot as one
// "$<length>" bulk, with no +FULLRESYNC line, as old replicas expect.
TEST(Replication, PlainSyncGetsTheSnapshotAsALengthPrefixedBulk) {
  ServerProcess primary;
  Client p(primary.port());
  p.cmd({"SET", "k", "v"});
  RawConnection old(primary.port());
  ASSERT_TRUE(old.send(encode_command({"SYNC"})));
  std::string head = old.read_until("\r\n", milliseconds(10000));
  head.erase(0, head.find_first_not_of('\n'));  // keep-alive newlines may come first
  ASSERT_TRUE(head.starts_with("$")) << head;
  const size_t length = std::stoul(head.substr(1, head.find('\r') - 1));
  const std::string rdb = old.read_bytes(length, milliseconds(10000));
  ASSERT_EQ(rdb.size(), length);
  EXPECT_TRUE(rdb.starts_with("REDIS0010"));
  EXPECT_NE(rdb.find("k"), std::string::npos);
}

TEST(Replication, StaleDataAndTooFewReplicasAreRefusedWhenConfigured) {
  ServerProcess primary({"--min-replicas-to-write", "1"});
  Client p(primary.port());
  EXPECT_TRUE(is_error(p.cmd({"SET", "k", "v"}), "NOREPLICAS Not enough good replicas to write."));
  EXPECT_TRUE(p.cmd({"GET", "k"}).is_null());
  ServerProcess replica({"--replicaof", "127.0.0.1 " + std::to_string(primary.port()),
                         "--replica-serve-stale-data", "no"});
  Client r(replica.port());
  ASSERT_TRUE(converged(p, {&r}));
  EXPECT_TRUE(eventually([&] { return is_status(p.cmd({"SET", "k", "v"}), "OK"); }));
  primary.stop();
  EXPECT_TRUE(eventually([&] {
    return is_error(r.cmd({"GET", "k"}),
                    "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.");
  }));
  EXPECT_TRUE(is_status(r.cmd({"PING"}), "PONG"));
  EXPECT_EQ(info_field(info(r), "master_link_status"), "down");
}

TEST(Replication, ALinkLostWithinTheBacklogContinuesWithoutAFullSync) {
  ServerProcess primary;
  ServerProcess replica({"--replicaof", "127.0.0.1 " + std::to_string(primary.port())});
  Client p(primary.port()), r(replica.port());
  write_mixed(p, 0, 2000);
  ASSERT_TRUE(converged(p, {&r}));
  EXPECT_EQ(info_int(p, "stats", "sync_full"), 1);
  // The primary remembers the replica as it announced itself.
  std::ifstream known(primary.dir() + "/arbor-replicas");
  const std::string remembered((std::istreambuf_iterator<char>(known)), std::istreambuf_iterator<char>());
  EXPECT_EQ(remembered, "127.0.0.1:" + std::to_string(replica.port()) + "\n");
  EXPECT_TRUE(is_int(p.cmd({"CLIENT", "KILL", "TYPE", "replica"}), 1));
  write_mixed(p, 2000, 500);
  ASSERT_TRUE(converged(p, {&r}));
  EXPECT_EQ(info_int(p, "stats", "sync_full"), 1);
  EXPECT_EQ(info_int(p, "stats", "sync_partial_ok"), 1);
}

TEST(Replication, AReplicaRestartedWithinTheBacklogContinuesFromItsDump) {
  ServerProcess primary;
  const std::vector<std::string> follow = {"--replicaof", "127.0.0.1 " + std::to_string(primary.port())};
  ServerProcess replica(follow);
  Client p(primary.port());
  write_mixed(p, 0, 2000);
  p.cmd({"SELECT", "3"});
  p.cmd({"SET", "in-db-3", "before"});
  {
    Client r(replica.port());
    ASSERT_TRUE(converged(p, {&r}));
  }
  // SIGTERM saves the dump (save points are on by default) with the
  // replication id, offset and the stream's current database in it.
  replica.stop();
  p.cmd({"SET", "in-db-3", "after"});  // no SELECT precedes it in the stream
  p.cmd({"SELECT", "0"});
  write_mixed(p, 2000, 500);
  ASSERT_TRUE(replica.start(follow));
  Client r(replica.port());
  ASSERT_TRUE(converged(p, {&r}));
  EXPECT_EQ(info_int(p, "stats", "sync_full"), 1);
  EXPECT_EQ(info_int(p, "stats", "sync_partial_ok"), 1);
  r.cmd({"SELECT", "3"});
  EXPECT_TRUE(is_bulk(r.cmd({"GET", "in-db-3"}), "after"));
}

TEST(Replication, AReplicaStoppedPastTheBacklogIsDroppedAndSyncsFullyAgain) {
  ServerProcess primary({"--repl-backlog-size", "16kb", "--client-output-buffer-limit", "replica 1mb 0 0"});
  ServerProcess replica({"--replicaof", "127.0.0.1 " + std::to_string(primary.port())});
  Client p(primary.port()), r(replica.port());
  ASSERT_TRUE(converged(p, {&r}));
  ASSERT_EQ(kill(replica.pid(), SIGSTOP), 0);
  // Far more than the backlog, the output limit and the socket buffers
  // together: the primary must let the stopped replica go.
  const std::string big(64 * 1024, 'v');
  const bool dropped = eventually(
      [&] {
        for (int i = 0; i < 16; ++i) p.cmd({"SET", "big" + std::to_string(i), big});
        return info_field(info(p), "connected_slaves") == "0";
      },
      milliseconds(20000), milliseconds(1));
  ASSERT_EQ(kill(replica.pid(), SIGCONT), 0);
  ASSERT_TRUE(dropped);
  ASSERT_TRUE(converged(p, {&r}));
  EXPECT_EQ(info_int(p, "stats", "sync_full"), 2);
  EXPECT_EQ(info_int(p, "stats", "sync_partial_ok"), 0);
}

TEST(Replication, APromotedReplicaLetsTheOthersContinuePartially) {
  ServerProcess primary;
  ServerProcess r1({"--replicaof", "127.0.0.1 " + std::to_string(primary.port())});
  ServerProcess r2({"--replicaof", "127.0.0.1 " + std::to_string(primary.port())});
  Client p(primary.port()), c1(r1.port()), c2(r2.port());
  write_mixed(p, 0, 1000);
  ASSERT_TRUE(converged(p, {&c1, &c2}));
  const std::string old_id = *info_field(info(p), "master_replid");
  primary.stop();
  ASSERT_TRUE(is_status(c1.cmd({"REPLICAOF", "NO", "ONE"}), "OK"));
  EXPECT_EQ(info_field(info(c1), "master_replid2"), old_id);
  EXPECT_TRUE(is_status(c1.cmd({"SET", "after", "promotion"}), "OK"));
  ASSERT_TRUE(is_status(c2.cmd({"REPLICAOF", "127.0.0.1", std::to_string(r1.port())}), "OK"));
  ASSERT_TRUE(converged(c1, {&c2}));
  EXPECT_EQ(info_int(c1, "stats", "sync_partial_ok"), 1);
  EXPECT_EQ(info_int(c1, "stats", "sync_full"), 0);
  EXPECT_TRUE(is_bulk(c2.cmd({"GET", "after"}), "promotion"));
}

TEST(Replication, APrimaryRestartedFromItsDumpLetsItsReplicaContinue) {
  ServerProcess primary;  // save points on: SIGTERM writes the dump with repl-id / repl-offset
  const std::string port = std::to_string(primary.port());
  ServerProcess replica({"--replicaof", "127.0.0.1 " + port});
  {
    Client p(primary.port()), r(replica.port());
    write_mixed(p, 0, 1000);
    ASSERT_TRUE(converged(p, {&r}));
  }
  primary.stop();
  ASSERT_TRUE(primary.start({"--port", port}));
  Client p(primary.port()), r(replica.port());
  ASSERT_TRUE(serving(p));  // it first checks its replicas are not ahead of its dump
  EXPECT_NE(info_field(info(p), "seeding_outcome").value_or("").find("kept our dump"), std::string::npos);
  ASSERT_TRUE(is_status(p.cmd({"SET", "after", "restart"}), "OK"));
  ASSERT_TRUE(converged(p, {&r}));
  EXPECT_EQ(info_int(p, "stats", "sync_full"), 0);
  EXPECT_EQ(info_int(p, "stats", "sync_partial_ok"), 1);
}

// BGSAVE's file carries the history too: a primary killed after it and
// restarted from it continues with its replica.
TEST(Replication, APrimaryRestartedFromABgsaveDumpLetsItsReplicaContinue) {
  ServerProcess primary({"--save", ""});
  const std::string port = std::to_string(primary.port());
  ServerProcess replica({"--replicaof", "127.0.0.1 " + port});
  {
    Client p(primary.port()), r(replica.port());
    write_mixed(p, 0, 1000);
    p.cmd({"SELECT", "5"});
    p.cmd({"SET", "in-db-5", "x"});
    ASSERT_TRUE(converged(p, {&r}));
    ASSERT_TRUE(is_status(p.cmd({"BGSAVE"}), "Background saving started"));
    ASSERT_TRUE(eventually([&] { return info_int(p, "persistence", "rdb_bgsave_in_progress") == 0; }));
    ASSERT_EQ(info_field(p.cmd({"INFO", "persistence"}).str, "rdb_last_bgsave_status"), "ok");
  }
  primary.kill();
  ASSERT_TRUE(primary.start({"--save", "", "--port", port}));
  Client p(primary.port()), r(replica.port());
  ASSERT_TRUE(serving(p));
  ASSERT_TRUE(is_status(p.cmd({"SET", "after", "restart"}), "OK"));  // db 0: the stream must SELECT it
  ASSERT_TRUE(converged(p, {&r}));
  EXPECT_EQ(info_int(p, "stats", "sync_full"), 0);
  EXPECT_EQ(info_int(p, "stats", "sync_partial_ok"), 1);
  EXPECT_TRUE(is_bulk(r.cmd({"GET", "after"}), "restart"));
}

// A replica that stops reading its snapshot is dropped after repl-timeout
// (Redis's streaming-sync timeout), and the next replica gets its sync.
TEST(Replication, AReplicaThatStopsReadingItsSnapshotIsDropped) {
  ServerProcess primary({"--save", "", "--repl-timeout", "2", "--client-output-buffer-limit", "replica 1mb 1mb 60"});
  Client p(primary.port());
  const std::string value(100, 'v');
  set_keys(p, "k", 200000, value);
  RawConnection stuck(primary.port());
  ASSERT_TRUE(stuck.send(encode_command({"REPLCONF", "capa", "eof"}) + encode_command({"PSYNC", "?", "-1"})));
  // 20 MB does not fit in the socket buffers: the transfer stalls.
  EXPECT_TRUE(eventually([&] { return primary.log().find("stopped reading the snapshot") != std::string::npos; },
                         milliseconds(15000)));
  ServerProcess replica({"--replicaof", "127.0.0.1 " + std::to_string(primary.port())});
  Client r(replica.port());
  EXPECT_TRUE(converged(p, {&r}));
}

// replica-protect-data: a primary that comes back empty, on a new history
// behind the replica's, does not wipe it; REPLICAOF again lets it.
TEST(Replication, AReplicaKeepsItsDataFromAPrimaryThatRestartedEmpty) {
  ServerProcess primary({"--save", ""});  // no dump: it restarts empty
  const std::string port = std::to_string(primary.port());
  Client p(primary.port());
  // Written before the replica comes: it gets everything in its snapshot
  // and stays at offset 0, level with what an empty primary offers.
  write_mixed(p, 0, 1000);
  ServerProcess replica({"--replicaof", "127.0.0.1 " + port});
  Client r(replica.port());
  ASSERT_TRUE(converged(p, {&r}));
  const int64_t keys = r.cmd({"DBSIZE"}).integer;
  primary.stop();
  // It forgets its replicas too, so it cannot seed: a new history, empty.
  std::filesystem::remove(primary.dir() + "/arbor-replicas");
  ASSERT_TRUE(primary.start({"--save", "", "--port", port}));
  EXPECT_TRUE(eventually([&] { return replica.log().find("Refusing the full sync") != std::string::npos; },
                         milliseconds(10000)));
  EXPECT_TRUE(is_int(r.cmd({"DBSIZE"}), keys));
  EXPECT_EQ(info_field(info(r), "master_link_status"), "down");
  EXPECT_TRUE(is_error(r.cmd({"SET", "k", "v"}), "READONLY You can't write against a read only replica."));
  // The operator insists.
  ASSERT_TRUE(is_status(r.cmd({"REPLICAOF", "127.0.0.1", port}), "OK"));
  EXPECT_TRUE(eventually([&] { return info_field(info(r), "master_link_status") == "up"; }, milliseconds(10000)));
  EXPECT_TRUE(is_int(r.cmd({"DBSIZE"}), 0));
}

std::string read_some(int fd, milliseconds timeout) {
  pollfd p{fd, POLLIN, 0};
  if (poll(&p, 1, static_cast<int>(timeout.count())) != 1) return {};
  char buf[4096];
  const ssize_t n = read(fd, buf, sizeof buf);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

TEST(Replication, APrimaryThatDiesMidTransferLeavesTheOldDataServing) {
  ServerProcess first;
  Client f(first.port());
  f.cmd({"SET", "kept", "old data"});
  ServerProcess replica({"--replicaof", "127.0.0.1 " + std::to_string(first.port())});
  Client r(replica.port());
  ASSERT_TRUE(converged(f, {&r}));

  LoopbackListener fake;  // a primary that dies mid-transfer
  ASSERT_TRUE(is_status(r.cmd({"REPLICAOF", "127.0.0.1", std::to_string(fake.port())}), "OK"));
  const int link = fake.accept_one(milliseconds(5000));
  ASSERT_GE(link, 0);
  std::string handshake;
  ASSERT_TRUE(eventually([&] {
    handshake += read_some(link, milliseconds(50));
    auto answer_once = [&](std::string_view asked, std::string_view answer, std::string_view mark) {
      if (handshake.find(asked) == std::string::npos || handshake.find(mark) != std::string::npos) return;
      (void)!write(link, answer.data(), answer.size());
      handshake += mark;
    };
    answer_once("PING", "+PONG\r\n", "<pong sent>");
    answer_once("capa", "+OK\r\n+OK\r\n", "<oks sent>");
    answer_once("INFO", "-ERR unknown command 'INFO'\r\n", "<info refused>");
    return handshake.find("PSYNC") != std::string::npos;
  }));
  EXPECT_NE(handshake.find("listening-port"), std::string::npos);
  EXPECT_NE(handshake.find("psync2"), std::string::npos);
  // A full sync that stops half-way.
  const std::string reply = "+FULLRESYNC " + std::string(40, 'a') +
                            " 100\r\n\n$EOF:" + std::string(40, 'm') + "\r\nREDIS0010\xfa\x09redis-ver";
  (void)!write(link, reply.data(), reply.size());
  close(link);
  // The replica goes on serving what it had.
  EXPECT_TRUE(eventually([&] { return info_field(info(r), "master_link_status") == "down"; }));
  EXPECT_TRUE(is_bulk(r.cmd({"GET", "kept"}), "old data"));
  EXPECT_TRUE(is_int(r.cmd({"DBSIZE"}), 1));
}

}  // namespace
}  // namespace arbor::test
