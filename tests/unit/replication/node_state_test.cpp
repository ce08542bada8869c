// What a node remembers across restarts: arbor-state, arbor-replicas, and
// the Sentinel hello it learns the primary from.
#include <gtest/gtest.h>

#include <string>

#include "replication/known_replicas.h"
#include "replication/node_state.h"

namespace arbor::replication {
namespace {

TEST(NodeStateFile, RoundTripsEveryField) {
  NodeState s;
  s.role = "slave";
  s.replid = std::string(40, 'a');
  s.offset = 12345;
  s.master_host = "10.0.0.7";
  s.master_port = 7352;
  s.sentinel_primary_host = "10.0.0.7";
  s.sentinel_primary_port = 7352;
  s.sentinel_epoch = 3;
  const std::string text = format_node_state(s);
  EXPECT_EQ(text, "role slave\nreplid " + std::string(40, 'a') +
                      "\noffset 12345\nmaster 10.0.0.7 7352\nsentinel-primary 10.0.0.7 7352\nsentinel-epoch 3\n");
  const NodeState back = parse_node_state(text);
  EXPECT_EQ(back.role, "slave");
  EXPECT_EQ(back.replid, s.replid);
  EXPECT_EQ(back.offset, 12345u);
  EXPECT_EQ(back.master_host, "10.0.0.7");
  EXPECT_EQ(back.master_port, 7352);
  EXPECT_EQ(back.sentinel_primary_port, 7352);
  EXPECT_EQ(back.sentinel_epoch, 3);
}

TEST(NodeStateFile, UnknownAndBrokenLinesAreSkipped) {
  const NodeState s = parse_node_state("role master\nfuture-field 1 2\nmaster nohost\nsentinel-epoch 5\n");
  EXPECT_EQ(s.role, "master");
  EXPECT_TRUE(s.master_host.empty());
  EXPECT_EQ(s.sentinel_epoch, -1);  // an epoch without the primary it named is no use
  EXPECT_TRUE(parse_node_state("").role.empty());
}

TEST(SentinelHelloPayload, ReadAsSentinelWritesIt) {
  const auto hello = parse_sentinel_hello(
      "127.0.0.1,26379,3bf64d8e0c1a4b52a0c2fd3b2cd4e1f4a3a5b6c7,7,mymaster,127.0.0.1,7352,4");
  ASSERT_TRUE(hello.has_value());
  EXPECT_EQ(hello->sentinel_port, 26379);
  EXPECT_EQ(hello->master_name, "mymaster");
  EXPECT_EQ(hello->master_host, "127.0.0.1");
  EXPECT_EQ(hello->master_port, 7352);
  EXPECT_EQ(hello->config_epoch, 4);
  EXPECT_FALSE(parse_sentinel_hello("hello").has_value());
  EXPECT_FALSE(parse_sentinel_hello("127.0.0.1,26379,id,7,m,127.0.0.1,notaport,4").has_value());
  EXPECT_FALSE(parse_sentinel_hello("127.0.0.1,26379,id,7,m,127.0.0.1,7352,-1").has_value());
}

TEST(KnownReplicasFile, RecordsWhatAReplicaThatLeftHadAcknowledged) {
  std::vector<KnownReplica> list(2);
  list[0].address = "127.0.0.1:7351";
  list[1].address = "[::1]:7352";
  list[1].left = true;
  list[1].left_replid = std::string(40, 'b');
  list[1].left_offset = 991;
  const std::string text = format_known_replicas(list);
  EXPECT_EQ(text, "127.0.0.1:7351\n[::1]:7352 left " + std::string(40, 'b') + " 991\n");
  const auto back = parse_known_replicas(text + "garbage\n127.0.0.1:7351\n");
  ASSERT_EQ(back.size(), 2u);
  EXPECT_FALSE(back[0].left);
  EXPECT_TRUE(back[1].left);
  EXPECT_EQ(back[1].left_offset, 991u);
  // The file of earlier versions: addresses only.
  EXPECT_EQ(parse_known_replicas("127.0.0.1:6380\n127.0.0.1:6381\n").size(), 2u);
}

}  // namespace
}  // namespace arbor::replication
