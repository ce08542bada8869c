// Sharded pub/sub without a cluster (SSUBSCRIBE, SUNSUBSCRIBE, SPUBLISH,
// PUBSUB SHARDCHANNELS / SHARDNUMSUB), as Redis 7.0: the same script runs
// against arbor and redis-server, a subscriber and a publisher on each, and
// every reply and message must be the same, in RESP2 and RESP3 (where a
// message to oneself arrives ahead of the reply, as Redis sends it). Then an
// SPUBLISH on a primary reaches a shard subscriber on its replica.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/integration/replication_helpers.h"
#include "tests/integration/server_fixture.h"
#include "tests/integration/session.h"

namespace arbor::test {
namespace {

struct Step {
  bool from_subscriber;           // else the publisher sends it
  std::vector<std::string> args;
  int subscriber_replies;         // replies or messages the subscriber then reads
  int more_in_resp3 = 0;          // ... and these more in RESP3
};

// Every line the subscriber and the publisher saw, in order.
std::vector<std::string> run(uint16_t port, int resp, const std::vector<Step>& steps) {
  Session subscriber(port), publisher(port);
  std::vector<std::string> seen;
  if (resp == 3) seen.push_back("hello3 " + std::to_string(subscriber.call({"HELLO", "3"}).size() > 0));
  for (const Step& step : steps) {
    if (step.from_subscriber) subscriber.send(step.args);
    else seen.push_back("pub " + publisher.call(step.args));
    const int replies = step.subscriber_replies + (resp == 3 ? step.more_in_resp3 : 0);
    for (int i = 0; i < replies; ++i) seen.push_back("sub " + subscriber.next());
  }
  return seen;
}

const std::vector<Step> kScript = {
    {true, {"SSUBSCRIBE", "a", "b", "a"}, 3},
    {true, {"SUBSCRIBE", "x"}, 1},  // counted apart from the shard channels
    {true, {"SUNSUBSCRIBE", "a"}, 1},
    {false, {"SPUBLISH", "b", "hello"}, 1},
    {false, {"SPUBLISH", "a", "nobody"}, 0},
    {false, {"PUBLISH", "b", "not a shard message"}, 0},
    {false, {"PUBSUB", "SHARDCHANNELS"}, 0},
    {false, {"PUBSUB", "SHARDCHANNELS", "b*"}, 0},
    {false, {"PUBSUB", "SHARDCHANNELS", "z*"}, 0},
    {false, {"PUBSUB", "SHARDNUMSUB", "a", "b", "c"}, 0},
    {false, {"PUBSUB", "SHARDNUMSUB"}, 0},
    {false, {"PUBSUB", "NUMSUB", "b"}, 0},
    {false, {"PUBSUB", "SHARDCHANNELS", "a", "b"}, 0},
    {true, {"SUNSUBSCRIBE", "zz"}, 1},
    {true, {"SUNSUBSCRIBE"}, 1},
    {true, {"SUNSUBSCRIBE"}, 1},
    {true, {"PING"}, 1},
    {true, {"UNSUBSCRIBE"}, 1},
    {true, {"SSUBSCRIBE", "q"}, 1},
    // RESP2 refuses it in subscribed mode; in RESP3 the message comes first.
    {true, {"SPUBLISH", "q", "from a subscriber"}, 1, 1},
    {false, {"SPUBLISH", "q", "hi"}, 1},
    {false, {"SPUBLISH", "q"}, 0},
    {false, {"SSUBSCRIBE"}, 0},
    {false, {"SPUBLISH", "q", "x", "y"}, 0},
    {false, {"COMMAND", "GETKEYS", "SPUBLISH", "q", "x"}, 0},
    {false, {"COMMAND", "GETKEYSANDFLAGS", "SSUBSCRIBE", "q", "r"}, 0},
    {true, {"RESET"}, 1},
    {false, {"PUBSUB", "SHARDNUMSUB", "q"}, 0},
};

TEST(ShardedPubSub, RepliesAndMessagesMatchRedisInBothProtocols) {
  ServerProcess arbor;
  RedisProcess redis;
  ASSERT_TRUE(redis.ok());
  for (int resp : {2, 3}) {
    const auto ours = run(arbor.port(), resp, kScript), theirs = run(redis.port(), resp, kScript);
    ASSERT_EQ(ours.size(), theirs.size());
    for (size_t i = 0; i < ours.size(); ++i) EXPECT_EQ(ours[i], theirs[i]) << "RESP" << resp << " line " << i;
  }
}

TEST(ShardedPubSub, SpublishReachesAShardSubscriberOnTheReplica) {
  ServerProcess primary, replica;
  Client p(primary.port()), r(replica.port());
  ASSERT_TRUE(is_status(r.cmd({"REPLICAOF", "127.0.0.1", std::to_string(primary.port())}), "OK"));
  ASSERT_TRUE(converged(p, {&r}));
  Session listener(replica.port());
  EXPECT_EQ(listener.call({"SSUBSCRIBE", "orders"}), R"(["ssubscribe", "orders", 1])");
  EXPECT_TRUE(is_int(p.cmd({"SPUBLISH", "orders", "o-1"}), 0));  // nobody listens on the primary itself
  EXPECT_EQ(listener.next(), R"(["smessage", "orders", "o-1"])");
}

}  // namespace
}  // namespace arbor::test
