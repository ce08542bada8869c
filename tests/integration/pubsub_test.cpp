// Pub/Sub against a real arbor-server: SUBSCRIBE/PSUBSCRIBE and their
// replies in RESP2 and RESP3, the RESP2 subscribe-mode command filter,
// PUBSUB introspection, keyspace notifications, and the output buffer
// limit that disconnects a subscriber that does not read.
#include <gtest/gtest.h>

#include <string>

#include "tests/integration/server_fixture.h"
#include "tests/integration/session.h"

namespace arbor::test {
namespace {

constexpr milliseconds kWait(5000);

// Subscriptions are registered when the reply is sent; the publisher polls
// NUMSUB so the test never races the subscribe.
void wait_subscribers(Client& c, const std::string& channel, int64_t n) {
  ASSERT_TRUE(eventually([&] {
    const Reply r = c.cmd({"PUBSUB", "NUMSUB", channel});
    return r.elements.size() == 2 && r.elements[1].integer == n;
  })) << channel;
}

TEST(PubSub, SubscribeRepliesAndMessagesInResp2) {
  ServerProcess server;
  Client publisher(server.port());
  Session sub(server.port());
  sub.send({"SUBSCRIBE", "news", "sport"});
  EXPECT_EQ(sub.next(), R"(["subscribe", "news", 1])");
  EXPECT_EQ(sub.next(), R"(["subscribe", "sport", 2])");
  EXPECT_EQ(sub.call({"PSUBSCRIBE", "n*"}), R"(["psubscribe", "n*", 3])");

  EXPECT_TRUE(is_int(publisher.cmd({"PUBLISH", "news", "hello"}), 2));  // channel + pattern
  EXPECT_EQ(sub.next(), R"(["message", "news", "hello"])");
  EXPECT_EQ(sub.next(), R"(["pmessage", "n*", "news", "hello"])");
  EXPECT_TRUE(is_int(publisher.cmd({"PUBLISH", "nothing-here", "x"}), 1));
  EXPECT_EQ(sub.next(), R"(["pmessage", "n*", "nothing-here", "x"])");
  EXPECT_TRUE(is_int(publisher.cmd({"PUBLISH", "weather", "x"}), 0));

  // RESP2 subscribe mode: only the subscribe family, PING, QUIT and RESET.
  EXPECT_EQ(sub.call({"GET", "k"}),
            "(error \"ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are "
            "allowed in this context\")");
  EXPECT_EQ(sub.call({"PING"}), R"(["pong", ""])");
  EXPECT_EQ(sub.call({"PING", "hi"}), R"(["pong", "hi"])");

  sub.send({"UNSUBSCRIBE"});
  // Unsubscribing from all channels names each (order unspecified).
  const std::string a = sub.next(), b = sub.next();
  EXPECT_TRUE((a == R"(["unsubscribe", "news", 2])" && b == R"(["unsubscribe", "sport", 1])") ||
              (a == R"(["unsubscribe", "sport", 2])" && b == R"(["unsubscribe", "news", 1])"))
      << a << " " << b;
  EXPECT_EQ(sub.call({"PUNSUBSCRIBE", "n*"}), R"(["punsubscribe", "n*", 0])");
  EXPECT_EQ(sub.call({"UNSUBSCRIBE"}), R"(["unsubscribe", nil, 0])");
  // Out of subscribe mode, normal commands work again.
  EXPECT_EQ(sub.call({"SET", "k", "v"}), R"("OK")");
}

TEST(PubSub, Resp3UsesPushFramesAndKeepsNormalCommands) {
  ServerProcess server;
  Client publisher(server.port());
  Session sub(server.port());
  ASSERT_NE(sub.call({"HELLO", "3"}).find("proto"), std::string::npos);
  EXPECT_EQ(sub.call({"SUBSCRIBE", "chat"}), R"(>["subscribe", "chat", 1])");
  EXPECT_EQ(sub.call({"SET", "k", "v"}), R"("OK")");
  EXPECT_EQ(sub.call({"GET", "k"}), R"("v")");
  EXPECT_EQ(sub.call({"PING"}), R"("PONG")");
  EXPECT_TRUE(is_int(publisher.cmd({"PUBLISH", "chat", "hi"}), 1));
  EXPECT_EQ(sub.next(), R"(>["message", "chat", "hi"])");
  // Publishing to its own channel: the message first, then the reply, in
  // the order Redis 7.0.15 sends them.
  EXPECT_EQ(sub.call({"PUBLISH", "chat", "me"}), R"(>["message", "chat", "me"])");
  EXPECT_EQ(sub.next(), "1");
  // PUBSUB NUMSUB stays a flat array in RESP3, as Redis 7.0 replies.
  EXPECT_EQ(sub.call({"PUBSUB", "NUMSUB", "chat", "other"}), R"(["chat", 1, "other", 0])");
  EXPECT_EQ(sub.call({"UNSUBSCRIBE", "chat"}), R"(>["unsubscribe", "chat", 0])");
  EXPECT_EQ(sub.call({"PUBSUB", "CHANNELS", "a", "b"}),
            R"((error "ERR unknown subcommand or wrong number of arguments for 'CHANNELS'. Try PUBSUB HELP."))");
}

TEST(PubSub, IntrospectionCountsChannelsSubscribersAndPatterns) {
  ServerProcess server;
  Client c(server.port());
  Session s1(server.port()), s2(server.port());
  EXPECT_EQ(s1.call({"SUBSCRIBE", "a"}), R"(["subscribe", "a", 1])");
  EXPECT_EQ(s2.call({"SUBSCRIBE", "a"}), R"(["subscribe", "a", 1])");
  EXPECT_EQ(s2.call({"SUBSCRIBE", "b"}), R"(["subscribe", "b", 2])");
  EXPECT_EQ(s2.call({"PSUBSCRIBE", "x*"}), R"(["psubscribe", "x*", 3])");
  EXPECT_EQ(describe(c.cmd({"PUBSUB", "NUMSUB", "a", "b", "zz"})), R"(["a", 2, "b", 1, "zz", 0])");
  EXPECT_TRUE(is_int(c.cmd({"PUBSUB", "NUMPAT"}), 1));
  const Reply channels = c.cmd({"PUBSUB", "CHANNELS"});
  EXPECT_EQ(channels.elements.size(), 2u);
  EXPECT_EQ(describe(c.cmd({"PUBSUB", "CHANNELS", "b*"})), R"(["b"])");
  EXPECT_EQ(info_int(c, "stats", "pubsub_channels"), 2);
  EXPECT_EQ(info_int(c, "stats", "pubsub_patterns"), 1);
  EXPECT_NE(describe(c.cmd({"CLIENT", "LIST", "TYPE", "pubsub"})).find("sub=2 psub=1"), std::string::npos);
  // A subscriber that leaves leaves no subscription behind.
  s2.raw().close();
  wait_subscribers(c, "b", 0);
  EXPECT_EQ(describe(c.cmd({"PUBSUB", "NUMSUB", "a"})), R"(["a", 1])");
  EXPECT_TRUE(eventually([&] { return c.cmd({"PUBSUB", "NUMPAT"}).integer == 0; }));
}

TEST(PubSub, KeyspaceNotificationsReachSubscribersInBothProtocols) {
  ServerProcess server;
  Client c(server.port());
  EXPECT_TRUE(is_status(c.cmd({"CONFIG", "SET", "notify-keyspace-events", "KEA"}), "OK"));
  EXPECT_EQ(describe(c.cmd({"CONFIG", "GET", "notify-keyspace-events"})), R"(["notify-keyspace-events", "AKE"])");
  Session resp2(server.port()), resp3(server.port());
  ASSERT_NE(resp3.call({"HELLO", "3"}).find("proto"), std::string::npos);
  EXPECT_EQ(resp2.call({"PSUBSCRIBE", "__key*@0__:*"}), R"(["psubscribe", "__key*@0__:*", 1])");
  EXPECT_EQ(resp3.call({"SUBSCRIBE", "__keyevent@0__:lpush"}), R"(>["subscribe", "__keyevent@0__:lpush", 1])");
  EXPECT_TRUE(is_int(c.cmd({"RPUSH", "q", "a"}), 1));
  EXPECT_TRUE(is_int(c.cmd({"LPUSH", "q", "b"}), 2));
  EXPECT_EQ(resp2.next(), R"(["pmessage", "__key*@0__:*", "__keyspace@0__:q", "rpush"])");
  EXPECT_EQ(resp2.next(), R"(["pmessage", "__key*@0__:*", "__keyevent@0__:rpush", "q"])");
  EXPECT_EQ(resp2.next(), R"(["pmessage", "__key*@0__:*", "__keyspace@0__:q", "lpush"])");
  EXPECT_EQ(resp2.next(), R"(["pmessage", "__key*@0__:*", "__keyevent@0__:lpush", "q"])");
  EXPECT_EQ(resp3.next(), R"(>["message", "__keyevent@0__:lpush", "q"])");
  // Expiry is an event too, published when the key is deleted.
  EXPECT_TRUE(is_int(c.cmd({"PEXPIRE", "q", "1"}), 1));
  EXPECT_EQ(resp2.next(), R"(["pmessage", "__key*@0__:*", "__keyspace@0__:q", "expire"])");
  EXPECT_EQ(resp2.next(), R"(["pmessage", "__key*@0__:*", "__keyevent@0__:expire", "q"])");
  EXPECT_EQ(resp2.next(), R"(["pmessage", "__key*@0__:*", "__keyspace@0__:q", "expired"])");
  EXPECT_EQ(resp2.next(), R"(["pmessage", "__key*@0__:*", "__keyevent@0__:expired", "q"])");
}

TEST(PubSub, SubscriberThatDoesNotReadIsDisconnectedAtTheHardLimit) {
  ServerProcess server({"--client-output-buffer-limit", "pubsub 1mb 512kb 60"});
  Client publisher(server.port());
  RawConnection slow(server.port());
  ASSERT_TRUE(slow.send(encode_command({"SUBSCRIBE", "firehose"})));
  wait_subscribers(publisher, "firehose", 1);
  const int64_t memory_before = info_int(publisher, "memory", "used_memory");
  // The subscriber never reads: kernel buffers fill, then our 1 MB limit
  // closes it. Bounded: at most 64 MB published.
  const std::string payload(16 * 1024, 'm');
  bool disconnected = false;
  for (int i = 0; i < 4096 && !disconnected; ++i) {
    publisher.cmd({"PUBLISH", "firehose", payload});
    if (i % 16 == 15) disconnected = publisher.cmd({"PUBSUB", "NUMSUB", "firehose"}).elements[1].integer == 0;
  }
  EXPECT_TRUE(disconnected) << "the subscriber was never disconnected";
  EXPECT_EQ(info_int(publisher, "stats", "client_output_buffer_limit_disconnections"), 1);
  // Its buffer went with it: memory is back near where it started.
  int64_t memory_after = 0;
  EXPECT_TRUE(eventually([&] {
    memory_after = info_int(publisher, "memory", "used_memory");
    return memory_after < memory_before + 2 * 1024 * 1024;
  })) << "used_memory before " << memory_before << ", after " << memory_after;
  EXPECT_TRUE(slow.wait_closed(kWait));
  EXPECT_TRUE(is_status(publisher.cmd({"PING"}), "PONG"));
}

TEST(PubSub, OutputLimitConfigRoundTripsAndRejectsBadInput) {
  ServerProcess server;
  Client c(server.port());
  EXPECT_EQ(describe(c.cmd({"CONFIG", "GET", "client-output-buffer-limit"})),
            R"(["client-output-buffer-limit", "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60"])");
  EXPECT_TRUE(is_status(c.cmd({"CONFIG", "SET", "client-output-buffer-limit", "pubsub 1mb 512kb 10"}), "OK"));
  EXPECT_EQ(describe(c.cmd({"CONFIG", "GET", "client-output-buffer-limit"})),
            R"(["client-output-buffer-limit", "normal 0 0 0 slave 268435456 67108864 60 pubsub 1048576 524288 10"])");
  EXPECT_TRUE(is_error(c.cmd({"CONFIG", "SET", "client-output-buffer-limit", "pubsub 1 2"}),
                       "ERR CONFIG SET failed (possibly related to argument 'client-output-buffer-limit') - Wrong "
                       "number of arguments in buffer limit configuration."));
  EXPECT_TRUE(is_error(c.cmd({"CONFIG", "SET", "client-output-buffer-limit", "foo 1 2 3"}),
                       "ERR CONFIG SET failed (possibly related to argument 'client-output-buffer-limit') - Invalid "
                       "client class specified in buffer limit configuration."));
}

}  // namespace
}  // namespace arbor::test
