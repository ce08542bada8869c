// Client-side caching (CLIENT TRACKING) side by side with redis-server 7.0:
// each scenario runs against both servers and writes a transcript of every
// reply and push message its connections receive; the transcripts must be
// equal. Then node-redis 5's clientSideCache end to end against arbor.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/integration/replication_helpers.h"
#include "tests/integration/server_fixture.h"

namespace arbor::test {
namespace {

// One connection of a scenario, writing what it receives to the transcript.
class Peer {
 public:
  Peer(uint16_t port, std::vector<std::string>& transcript, std::string name)
      : conn_(port), transcript_(transcript), name_(std::move(name)) {}

  // Sends a command and records its reply (and any push ahead of it).
  void cmd(const std::vector<std::string>& args) {
    ASSERT_TRUE(conn_.send(encode_command(args)));
    record(args[0]);
  }
  // Sends a command that gets no reply (CLIENT REPLY OFF).
  void send(const std::vector<std::string>& args) { ASSERT_TRUE(conn_.send(encode_command(args))); }
  // Records what arrived before the reply to a PING: the invalidations
  // caused by commands other connections completed before.
  void drain() {
    ASSERT_TRUE(conn_.send(encode_command({"PING"})));
    record("PING");
  }
  // The replies up to the next one that is no push.
  void record(const std::string& what) {
    for (;;) {
      const auto reply = conn_.read_reply(milliseconds(5000));
      if (!reply) {
        transcript_.push_back(name_ + " " + what + ": (timeout)");
        return;
      }
      transcript_.push_back(name_ + " " + what + ": " + describe(*reply));
      // A RESP2 message on __redis__:invalidate is an array, not a push.
      const bool message = reply->type == ReplyType::kArray && !reply->elements.empty() &&
                           reply->elements[0].str == "message";
      if (reply->type != ReplyType::kPush && !message) return;
    }
  }
  // Records exactly one reply or message (one that comes without a reply).
  void record_one(const std::string& what) {
    const auto reply = conn_.read_reply(milliseconds(5000));
    transcript_.push_back(name_ + " " + what + ": " + (reply ? describe(*reply) : "(timeout)"));
  }
  int64_t id() {
    conn_.send(encode_command({"CLIENT", "ID"}));
    return conn_.read_reply()->integer;
  }
  RawConnection& raw() { return conn_; }

 private:
  RawConnection conn_;
  std::vector<std::string>& transcript_;
  std::string name_;
};

using Scenario = void (*)(uint16_t port, std::vector<std::string>& out);

// INFO's tracking figures.
std::string tracking_info(uint16_t port) {
  Client c(port);
  std::string text;
  for (const char* section : {"clients", "stats"}) {
    for (const char* field : {"tracking_clients", "tracking_total_keys", "tracking_total_items", "tracking_total_prefixes"}) {
      const std::string name = field;
      if ((name == "tracking_clients") != (std::string_view(section) == "clients")) continue;
      text += name + "=" + std::to_string(info_int(c, section, field)) + " ";
    }
  }
  return text;
}

void default_mode(uint16_t port, std::vector<std::string>& out) {
  Peer a(port, out, "a"), w(port, out, "w");
  a.cmd({"HELLO", "3"});
  out.pop_back();  // the server's own description
  a.cmd({"CLIENT", "TRACKING", "on"});
  a.cmd({"GET", "k"});
  a.cmd({"MGET", "m1", "m2"});
  w.cmd({"SET", "k", "1"});
  w.cmd({"MSET", "m1", "1", "m2", "2"});
  a.drain();
  // Its own change: the reply first, then the invalidation.
  a.cmd({"GET", "k"});
  a.cmd({"SET", "k", "2"});
  a.drain();
  // In a transaction, after EXEC's whole reply.
  a.cmd({"GET", "k"});
  a.cmd({"MULTI"});
  a.cmd({"SET", "k", "3"});
  a.cmd({"GET", "k"});
  a.cmd({"EXEC"});
  a.drain();
  // Keys a script declares are tracked, ones it names in ARGV are not.
  a.cmd({"EVAL", "return redis.call('get', KEYS[1])", "1", "s1"});
  a.cmd({"EVAL", "return redis.call('get', ARGV[1])", "0", "s2"});
  w.cmd({"SET", "s1", "x"});
  w.cmd({"SET", "s2", "x"});
  a.drain();
  // Deletion, expiry on access, a rename, a type change, a failed write.
  a.cmd({"GET", "k"});
  a.cmd({"HGETALL", "h"});
  a.cmd({"LRANGE", "l", "0", "-1"});
  w.cmd({"DEL", "k"});
  w.cmd({"HSET", "h", "f", "v"});
  w.cmd({"RPUSH", "l", "x"});
  w.cmd({"DEL", "nothing"});
  a.drain();
  w.cmd({"SET", "e", "1"});
  a.cmd({"GET", "e"});
  out.push_back(tracking_info(port));
  w.cmd({"PEXPIRE", "e", "1"});
  EXPECT_TRUE(eventually([&] { return Client(port).cmd({"EXISTS", "e"}).integer == 0; }));
  a.drain();
  a.cmd({"GET", "r"});
  w.cmd({"SET", "r", "1"});
  a.drain();
  a.cmd({"GET", "r"});
  w.cmd({"RENAME", "r", "r2"});
  a.drain();
  // NOLOOP: not told of its own changes.
  a.cmd({"CLIENT", "TRACKING", "on", "NOLOOP"});
  a.cmd({"GET", "n"});
  a.cmd({"SET", "n", "1"});
  a.cmd({"GET", "n2"});
  w.cmd({"SET", "n2", "1"});
  a.drain();
  // A flush invalidates everything with a null; SWAPDB does not.
  a.cmd({"GET", "f"});
  w.cmd({"SWAPDB", "0", "1"});
  a.drain();
  w.cmd({"FLUSHALL"});
  a.drain();
  a.cmd({"CLIENT", "TRACKINGINFO"});
  a.cmd({"CLIENT", "GETREDIR"});
  out.push_back(tracking_info(port));
  a.cmd({"CLIENT", "TRACKING", "off"});
  a.cmd({"GET", "z"});
  w.cmd({"SET", "z", "1"});
  a.drain();
}

void opt_in_out(uint16_t port, std::vector<std::string>& out) {
  Peer a(port, out, "a"), w(port, out, "w");
  a.cmd({"HELLO", "3"});
  out.pop_back();
  a.cmd({"CLIENT", "CACHING", "yes"});
  a.cmd({"CLIENT", "TRACKING", "on", "OPTIN"});
  a.cmd({"GET", "c0"});
  a.cmd({"CLIENT", "CACHING", "no"});
  a.cmd({"CLIENT", "CACHING", "yes"});
  a.cmd({"CLIENT", "TRACKINGINFO"});
  a.cmd({"GET", "c1"});
  a.cmd({"GET", "c2"});
  // CACHING covers a whole transaction, and survives other CLIENT calls.
  a.cmd({"CLIENT", "CACHING", "yes"});
  a.cmd({"CLIENT", "ID"});
  out.pop_back();
  a.cmd({"MULTI"});
  a.cmd({"GET", "c3"});
  a.cmd({"GET", "c4"});
  a.cmd({"EXEC"});
  a.cmd({"GET", "c5"});
  for (const char* key : {"c0", "c1", "c2", "c3", "c4", "c5"}) w.cmd({"SET", key, "1"});
  a.drain();
  a.cmd({"CLIENT", "TRACKING", "on", "OPTOUT"});
  a.cmd({"CLIENT", "TRACKING", "off"});
  a.cmd({"CLIENT", "TRACKING", "on", "OPTOUT"});
  a.cmd({"GET", "d1"});
  a.cmd({"CLIENT", "CACHING", "no"});
  a.cmd({"CLIENT", "TRACKINGINFO"});
  a.cmd({"GET", "d2"});
  a.cmd({"GET", "d3"});
  for (const char* key : {"d1", "d2", "d3"}) w.cmd({"SET", key, "1"});
  a.drain();
}

void broadcast_mode(uint16_t port, std::vector<std::string>& out) {
  Peer a(port, out, "a"), b(port, out, "b"), w(port, out, "w");
  a.cmd({"HELLO", "3"});
  b.cmd({"HELLO", "3"});
  out.resize(out.size() - 2);
  a.cmd({"CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "user:", "PREFIX", "obj:"});
  b.cmd({"CLIENT", "TRACKING", "on", "BCAST", "NOLOOP"});
  a.cmd({"CLIENT", "TRACKINGINFO"});
  b.cmd({"CLIENT", "TRACKINGINFO"});
  // A pipeline's keys come in one message per prefix, keys in order.
  ASSERT_TRUE(w.raw().send(encode_command({"SET", "user:2", "x"}) + encode_command({"SET", "obj:1", "x"}) +
                           encode_command({"SET", "user:1", "x"}) + encode_command({"SET", "other", "x"}) +
                           encode_command({"DEL", "user:2"})));
  for (int i = 0; i < 5; ++i) w.record("pipeline");
  a.drain();
  b.drain();
  b.cmd({"SET", "user:3", "x"});
  b.cmd({"SET", "mine", "x"});
  a.drain();
  b.drain();
  out.push_back(tracking_info(port));
  // Mode and prefix rules.
  a.cmd({"CLIENT", "TRACKING", "on"});
  a.cmd({"CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "user:x"});
  a.cmd({"CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "new:"});
  a.cmd({"CLIENT", "TRACKINGINFO"});
  a.cmd({"CLIENT", "TRACKING", "off"});
  w.cmd({"SET", "user:9", "x"});
  a.drain();
  w.cmd({"FLUSHALL"});
  b.drain();
}

void resp2_redirect(uint16_t port, std::vector<std::string>& out) {
  Peer a(port, out, "a"), r(port, out, "r"), w(port, out, "w");
  const std::string rid = std::to_string(r.id());
  r.cmd({"SUBSCRIBE", "__redis__:invalidate"});
  a.cmd({"CLIENT", "TRACKING", "on", "REDIRECT", rid});
  a.cmd({"GET", "x"});
  w.cmd({"SET", "x", "1"});
  r.record_one("message");
  a.cmd({"GET", "x"});
  w.cmd({"FLUSHDB"});
  r.record_one("message");
  // Redirected to a client that then goes away: RESP3 learns it.
  Peer b(port, out, "b");
  b.cmd({"HELLO", "3"});
  out.pop_back();
  {
    Peer gone(port, out, "gone");
    b.cmd({"CLIENT", "TRACKING", "on", "REDIRECT", std::to_string(gone.id())});
  }
  EXPECT_TRUE(eventually([&] { return Client(port).cmd({"CLIENT", "LIST"}).str.find("cmd=client|id") == std::string::npos; }));
  b.cmd({"GET", "y"});
  w.cmd({"SET", "y", "1"});
  b.drain();
  b.cmd({"CLIENT", "TRACKINGINFO"});
  // (The gone client's id differs between the servers.)
  for (std::string& line : out) {
    for (std::string_view marker : {"\"tracking-redir-broken\", ", "\"redirect\", "}) {
      const size_t at = line.find(marker);
      if (at != std::string::npos) line.erase(at + marker.size(), line.find_first_not_of("0123456789", at + marker.size()) - at - marker.size());
    }
  }
}

void argument_errors(uint16_t port, std::vector<std::string>& out) {
  Peer a(port, out, "a");
  const std::vector<std::vector<std::string>> corpus = {
      {"CLIENT", "TRACKING"},
      {"CLIENT", "TRACKING", "maybe"},
      {"CLIENT", "TRACKING", "on", "foo"},
      {"CLIENT", "TRACKING", "on", "PREFIX"},
      {"CLIENT", "TRACKING", "on", "REDIRECT"},
      {"CLIENT", "TRACKING", "on", "REDIRECT", "abc"},
      {"CLIENT", "TRACKING", "on", "REDIRECT", "-1"},
      {"CLIENT", "TRACKING", "on", "REDIRECT", "999999"},
      {"CLIENT", "TRACKING", "on", "PREFIX", "a"},
      {"CLIENT", "TRACKING", "on", "BCAST", "OPTIN"},
      {"CLIENT", "TRACKING", "on", "BCAST", "OPTOUT"},
      {"CLIENT", "TRACKING", "on", "OPTIN", "OPTOUT"},
      {"CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "ab", "PREFIX", "a"},
      {"CLIENT", "TRACKING", "maybe", "BCAST", "OPTIN"},
      {"CLIENT", "CACHING"},
      {"CLIENT", "CACHING", "yes"},
      {"CLIENT", "CACHING", "yes", "no"},
      {"CLIENT", "GETREDIR", "x"},
      {"CLIENT", "TRACKINGINFO", "x"},
      {"CLIENT", "GETREDIR"},
      {"CLIENT", "TRACKINGINFO"},
      {"CLIENT", "TRACKING", "on", "OPTIN"},
      {"CLIENT", "CACHING", "no"},
      {"CLIENT", "CACHING", "maybe"},
      {"CLIENT", "TRACKING", "on", "OPTOUT"},
      {"CLIENT", "TRACKING", "on", "BCAST"},
      {"CLIENT", "TRACKING", "off", "BCAST", "OPTIN"},
      {"CLIENT", "GETREDIR"},
      {"CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "a"},
      {"CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "abc"},
      {"CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "b", "PREFIX", "c"},
      {"CLIENT", "TRACKINGINFO"},
      {"RESET"},
      {"CLIENT", "TRACKINGINFO"},
  };
  for (const auto& command : corpus) a.cmd(command);
}

// CLIENT REPLY OFF | SKIP: replies go, push messages (subscription
// confirmations in both protocols, messages, invalidations) still come.
void replies_off(uint16_t port, std::vector<std::string>& out) {
  Peer a(port, out, "a"), b(port, out, "b"), w(port, out, "w");
  a.cmd({"HELLO", "3"});
  out.pop_back();
  a.send({"CLIENT", "REPLY", "OFF"});
  a.send({"SUBSCRIBE", "ch"});
  a.record_one("subscribe");
  a.send({"CLIENT", "TRACKING", "on"});
  a.send({"GET", "t"});
  a.send({"SET", "t", "1"});
  a.record_one("own change");
  w.cmd({"PUBLISH", "ch", "hello"});
  a.record_one("message");
  a.send({"UNSUBSCRIBE"});
  a.record_one("unsubscribe");
  a.cmd({"CLIENT", "REPLY", "ON"});
  a.send({"CLIENT", "REPLY", "SKIP"});
  a.send({"SUBSCRIBE", "c3"});
  a.record_one("skipped subscribe");
  a.cmd({"PING"});
  b.send({"CLIENT", "REPLY", "OFF"});
  b.send({"SUBSCRIBE", "ch"});
  b.record_one("resp2 subscribe");
  w.cmd({"PUBLISH", "ch", "x"});
  b.record_one("resp2 message");
}

// Evicted keys are invalidated too, as changed ones.
void evictions(uint16_t port, std::vector<std::string>& out) {
  Peer a(port, out, "a"), w(port, out, "w");
  a.cmd({"HELLO", "3"});
  out.pop_back();
  w.cmd({"MSET", "e1", "1", "e2", "2"});
  a.cmd({"CLIENT", "TRACKING", "on"});
  a.cmd({"MGET", "e1", "e2"});
  w.cmd({"CONFIG", "SET", "maxmemory-policy", "allkeys-random"});
  w.cmd({"CONFIG", "SET", "maxmemory", "1"});
  w.cmd({"SET", "x", "y"});  // refused: nothing left to evict
  w.cmd({"CONFIG", "SET", "maxmemory", "0"});
  std::vector<std::string> keys;
  for (int i = 0; i < 2; ++i) {
    const auto reply = a.raw().read_reply(milliseconds(5000));
    ASSERT_TRUE(reply && reply->type == ReplyType::kPush && reply->elements.size() == 2);
    keys.push_back(describe(reply->elements[1]));
  }
  std::sort(keys.begin(), keys.end());
  for (const auto& key : keys) out.push_back("a evicted: " + key);
  a.drain();
}

// tracking-table-max-keys: past it, keys are invalidated as if changed.
void table_limit(uint16_t port, std::vector<std::string>& out) {
  Peer a(port, out, "a"), w(port, out, "w");
  a.cmd({"HELLO", "3"});
  out.pop_back();
  w.cmd({"CONFIG", "SET", "tracking-table-max-keys", "3"});
  a.cmd({"CLIENT", "TRACKING", "on"});
  std::string gets;
  for (int i = 0; i < 8; ++i) gets += encode_command({"GET", "t" + std::to_string(i)});
  ASSERT_TRUE(a.raw().send(gets));
  // The limit is applied before each command (and by the timer), so the
  // pushes come between the replies: counted, not listed (which keys go is
  // each server's random pick). Before the last GET's reply the table was
  // cut four times.
  int replies = 0, invalidated = 0, before_last = 0;
  while (replies < 8 || invalidated < 5) {
    const auto reply = a.raw().read_reply(milliseconds(5000));
    if (!reply) break;
    ++(reply->type == ReplyType::kPush ? invalidated : replies);
    if (replies == 7) before_last = invalidated;
  }
  out.push_back("a replies: " + std::to_string(replies));
  EXPECT_GE(before_last, 4);
  out.push_back("a limit invalidations: " + std::to_string(invalidated));
  Client c(port);
  EXPECT_TRUE(eventually([&] { return info_int(c, "stats", "tracking_total_keys") == 3; }));
  w.cmd({"CONFIG", "GET", "tracking-table-max-keys"});
}

void same_transcript(Scenario scenario) {
  RedisProcess redis;
  ASSERT_TRUE(redis.ok());
  ServerProcess arbor;
  std::vector<std::string> expected, actual;
  scenario(redis.port(), expected);
  scenario(arbor.port(), actual);
  // A scenario that waits for something Redis does not send is wrong.
  for (const std::string& line : expected) EXPECT_EQ(line.find("(timeout)"), std::string::npos) << line;
  ASSERT_EQ(actual.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) EXPECT_EQ(actual[i], expected[i]) << "line " << i;
  if (std::getenv("ARBOR_SHOW_TRANSCRIPT") != nullptr)
    for (const std::string& line : expected) std::printf("%s\n", line.c_str());
}

TEST(TrackingAgainstRedis, DefaultModeInvalidatesWhatWasRead) { same_transcript(default_mode); }
TEST(TrackingAgainstRedis, OptinAndOptoutFollowCaching) { same_transcript(opt_in_out); }
TEST(TrackingAgainstRedis, BroadcastSendsPrefixesOncePerPass) { same_transcript(broadcast_mode); }
TEST(TrackingAgainstRedis, Resp2RedirectAndBrokenRedirect) { same_transcript(resp2_redirect); }
TEST(TrackingAgainstRedis, ArgumentErrorsAndInfo) { same_transcript(argument_errors); }
TEST(TrackingAgainstRedis, RepliesOffStillDeliverPushes) { same_transcript(replies_off); }
TEST(TrackingAgainstRedis, EvictedKeysAreInvalidated) { same_transcript(evictions); }
TEST(TrackingAgainstRedis, TableLimitInvalidatesKeys) { same_transcript(table_limit); }

// node-redis 5's clientSideCache, unchanged, against arbor.
TEST(TrackingClients, NodeRedisClientSideCacheWorks) {
  if (!std::filesystem::exists("/usr/bin/node"))
    GTEST_SKIP() << "Node.js is missing (/usr/bin/node): tools/install-deps installs Debian's nodejs";
  const std::string modules = ARBOR_NODE_CLIENTS;
  ASSERT_TRUE(std::filesystem::exists(std::filesystem::path(modules) / "redis"))
      << "tools/install-deps installs redis@5 into " << modules;
  ServerProcess server;
  TempDir dir;
  ChildProcess client;
  const std::string out = dir.file("client.out");
  client.spawn("/usr/bin/node", {ARBOR_CLIENT_SCRIPTS "/node_redis_cache.js", modules, std::to_string(server.port())},
               out);
  const auto status = client.wait_exit(milliseconds(60000));
  const std::string text = read_file(out);
  EXPECT_TRUE(status && WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << text;
  EXPECT_NE(text.find("first v1\nsecond v1\nhits 1 misses 1 size 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("invalidated size 0\nafter-change v2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("hash {\"f\":\"1\"}\n"), std::string::npos) << text;
  EXPECT_NE(text.find("flushed size 0\nafter-flush null\ntracking true\n"), std::string::npos) << text;
}

}  // namespace
}  // namespace arbor::test
