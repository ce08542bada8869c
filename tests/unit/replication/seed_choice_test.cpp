#include "replication/seed_choice.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace arbor::replication {
namespace {

SeedCandidate replica(std::string replid, uint64_t offset, int64_t lag = 0, std::string replid2 = "") {
  SeedCandidate c;
  c.answered = true;
  c.is_arbor = true;
  c.role = "slave";
  c.run_id = "r" + std::to_string(offset) + replid;
  c.replid = std::move(replid);
  c.replid2 = std::move(replid2);
  c.offset = offset;
  c.lag_seconds = lag;
  return c;
}

TEST(SeedChoice, ReadsTheFieldsOfAnInfoReply) {
  SeedCandidate c;
  ASSERT_TRUE(read_candidate_info("# Server\r\narbor_version:0.1.0\r\nrun_id:abc\r\n# Replication\r\nrole:slave\r\n"
                                  "master_link_down_since_seconds:3\r\nmaster_replid:h1\r\nmaster_replid2:h0\r\n"
                                  "master_repl_offset:1234\r\nrepl_backlog_first_byte_offset:200\r\n"
                                  "repl_backlog_histlen:1035\r\n# Keyspace\r\ndb0:keys=10,expires=1,avg_ttl=5\r\n"
                                  "db3:keys=5,expires=0,avg_ttl=0\r\n",
                                  c));
  EXPECT_TRUE(c.is_arbor);
  EXPECT_EQ(c.role, "slave");
  EXPECT_EQ(c.run_id, "abc");
  EXPECT_EQ(c.replid, "h1");
  EXPECT_EQ(c.replid2, "h0");
  EXPECT_EQ(c.offset, 1234u);
  EXPECT_EQ(c.backlog_first, 200u);
  EXPECT_EQ(c.backlog_histlen, 1035u);
  EXPECT_EQ(c.lag_seconds, 3);
  EXPECT_EQ(c.keys, 15u);
  SeedCandidate none;
  EXPECT_FALSE(read_candidate_info("-ERR nope", none));
}

// A promoted replica hears from R - k + 1 of its R siblings (seed-safe-wait
// k), clamped to what exists; k = 0 waits for nobody.
TEST(SeedChoice, APromotedReplicaWaitsForEnoughSiblingsToSeeEveryAcknowledgedWrite) {
  EXPECT_EQ(siblings_needed(2, 1), 2);
  EXPECT_EQ(siblings_needed(2, 2), 1);
  EXPECT_EQ(siblings_needed(2, 3), 0);  // on 3 of 3 replicas: we hold it
  EXPECT_EQ(siblings_needed(0, 1), 0);
  EXPECT_EQ(siblings_needed(4, 0), 0);
}

// It follows the sibling furthest along on its own history, read from the
// siblings' INFO replies; one on another history, behind it or itself is
// never followed.
TEST(SeedChoice, APromotedReplicaFollowsTheSiblingFurthestAheadOnItsHistory) {
  auto sibling = [](std::string_view info) {
    SeedCandidate c;
    EXPECT_TRUE(read_candidate_info(info, c));
    return c;
  };
  const History ours{.replid = "h1", .offset = 1000};
  std::vector<SeedCandidate> siblings = {
      sibling("run_id:b\r\n# Replication\r\nrole:slave\r\nmaster_replid:h1\r\nmaster_repl_offset:1400\r\n"),
      sibling("run_id:c\r\n# Replication\r\nrole:slave\r\nmaster_replid:h1\r\nmaster_repl_offset:1900\r\n"),
      sibling("run_id:d\r\n# Replication\r\nrole:master\r\nmaster_replid:h2\r\nmaster_replid2:h1\r\n"
              "second_repl_offset:1001\r\nmaster_repl_offset:5000\r\n"),
      sibling("run_id:me\r\n# Replication\r\nrole:slave\r\nmaster_replid:h1\r\nmaster_repl_offset:9000\r\n")};
  EXPECT_EQ(sibling_ahead(siblings, ours, "me"), 1u);
  siblings[1].answered = false;  // silent this time
  EXPECT_EQ(sibling_ahead(siblings, ours, "me"), 0u);
  EXPECT_EQ(sibling_ahead(siblings, History{.replid = "h1", .offset = 1400}, "me"), std::nullopt);
  EXPECT_EQ(sibling_ahead(siblings, History{.replid = "h0", .offset = 10}, "me"), std::nullopt);
}

TEST(SeedChoice, TheMostAdvancedOffsetWinsThenTheLowestLagThenListOrder) {
  std::vector<SeedCandidate> c = {replica("h", 100, 5), replica("h", 300, 9), replica("h", 300, 2),
                                  replica("h", 300, 2)};
  EXPECT_EQ(rank_candidates(c, "me"), (std::vector<size_t>{2, 3, 1, 0}));
}

TEST(SeedChoice, ANewerHistoryWinsOverAHigherOffsetOnTheOldOne) {
  // Candidate 1 moved on from history "old" (promoted, then written to).
  std::vector<SeedCandidate> c = {replica("old", 900), replica("new", 500, 0, "old")};
  EXPECT_EQ(rank_candidates(c, "me"), (std::vector<size_t>{1, 0}));
}

TEST(SeedChoice, UnusableCandidatesAreLeftOut) {
  std::vector<SeedCandidate> c = {replica("h", 10), replica("h", 20), replica("h", 30), replica("h", 40),
                                  replica("h", 50)};
  c[0].answered = false;
  c[1].is_arbor = false;
  c[2].role = "master";
  c[3].run_id = "me";
  EXPECT_TRUE(unusable_reason(c[1], "me").has_value());
  EXPECT_EQ(rank_candidates(c, "me"), (std::vector<size_t>{4}));
}

SeedCandidate known(SeedCandidate c, std::string address) {
  c.known = true;
  c.address = std::move(address);
  return c;
}

bool only_port_7350_is_us(std::string_view host, int port) { return port == 7350 && host == "127.0.0.1"; }

TEST(Fence, AReplicaPromotedOnOurHistoryTookOver) {
  SeedCandidate c = known(replica("C1", 1100, 0, "A1"), "127.0.0.1:7352");
  c.role = "master";
  c.second_offset = 1001;
  const auto t = find_takeover({c}, {"A1", ""}, "me", only_port_7350_is_us);
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->host, "127.0.0.1");
  EXPECT_EQ(t->port, 7352);
  EXPECT_NE(t->why.find("promoted on our history A1 (up to offset 1000)"), std::string::npos);
  // A primary on a history unrelated to ours (a replica restarted empty,
  // standalone) took nothing over.
  c.replid2 = std::string(40, '0');
  EXPECT_FALSE(find_takeover({c}, {"A1"}, "me", only_port_7350_is_us).has_value());
}

TEST(Fence, AKnownReplicaFollowingAnotherPrimaryMeansItTookOver) {
  SeedCandidate b = known(replica("C1", 1100, 0, "A1"), "127.0.0.1:7351");
  b.master_host = "127.0.0.1";
  b.master_port = 7352;
  const auto t = find_takeover({b}, {"A1"}, "me", only_port_7350_is_us);
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->port, 7352);
  EXPECT_EQ(t->why, "replica 127.0.0.1:7351 follows 127.0.0.1:7352, another primary");
  // Following us is no takeover; nor is a seed-from entry that never
  // synced with us following its own primary.
  b.master_port = 7350;
  EXPECT_FALSE(find_takeover({b}, {"A1"}, "me", only_port_7350_is_us).has_value());
  SeedCandidate stranger = replica("X", 10);
  stranger.address = "127.0.0.1:7400";
  stranger.master_host = "127.0.0.1";
  stranger.master_port = 7401;
  EXPECT_FALSE(find_takeover({stranger}, {"A1"}, "me", only_port_7350_is_us).has_value());
}

TEST(Fence, AReplicaOfOurReplicaIsAChainNotATakeover) {
  SeedCandidate r1 = known(replica("A1", 500), "127.0.0.1:7351");
  r1.master_host = "127.0.0.1";
  r1.master_port = 7350;
  SeedCandidate r2 = known(replica("A1", 500), "127.0.0.1:7353");
  r2.master_host = "127.0.0.1";
  r2.master_port = 7351;
  EXPECT_FALSE(find_takeover({r1, r2}, {"A1"}, "me", only_port_7350_is_us).has_value());
}

// issue 11: with R known replicas, a write acknowledged by WAIT k is on k
// of them; seeding needs R - k + 1 answers to be sure to see it.
TEST(SeedQuorumRule, NeedsRMinusKPlusOneAnswers) {
  SeedCandidate r1 = known(replica("A1", 7679894), "127.0.0.1:7351");
  SeedCandidate r2 = known(replica("A1", 2986007), "127.0.0.1:7352");
  r1.answered = false;  // paused: it accepted the connection, never answered
  SeedQuorum q = assess_quorum({r1, r2}, 1, "me");
  EXPECT_EQ(q.known, 2);
  EXPECT_EQ(q.needed, 2);
  EXPECT_EQ(q.covered, 1);
  EXPECT_FALSE(q.met());
  EXPECT_EQ(q.missing, (std::vector<std::string>{"127.0.0.1:7351"}));
  EXPECT_TRUE(assess_quorum({r1, r2}, 2, "me").met());  // WAIT 2: any one answer sees it
  EXPECT_TRUE(assess_quorum({r1, r2}, 0, "me").met());
  r1.answered = true;
  EXPECT_TRUE(assess_quorum({r1, r2}, 1, "me").met());
  // seed-from entries that never synced with us do not count.
  SeedCandidate other = replica("A1", 10);
  other.answered = false;
  EXPECT_EQ(assess_quorum({r1, r2, other}, 1, "me").known, 2);
  // An answer that cannot seed us (a Redis replica) covers nothing.
  r2.is_arbor = false;
  EXPECT_EQ(assess_quorum({r1, r2}, 1, "me").covered, 1);
}

TEST(SeedQuorumRule, AReplicaThatLeftIsCoveredByOneHoldingWhatItAcknowledged) {
  SeedCandidate gone = known(replica("A1", 0), "127.0.0.1:7351");
  gone.answered = false;
  gone.left = true;
  gone.left_replid = "A1";
  gone.left_offset = 4000;
  SeedCandidate here = known(replica("A1", 5000), "127.0.0.1:7352");
  EXPECT_TRUE(assess_quorum({gone, here}, 1, "me").met());
  here.offset = 3999;  // behind what the gone one had acknowledged
  EXPECT_FALSE(assess_quorum({gone, here}, 1, "me").met());
  // Held on a history that moved on from A1 past that offset.
  here = known(replica("A2", 6000, 0, "A1"), "127.0.0.1:7352");
  here.second_offset = 4001;
  EXPECT_TRUE(assess_quorum({gone, here}, 1, "me").met());
  here.second_offset = 3000;
  EXPECT_FALSE(assess_quorum({gone, here}, 1, "me").met());
}

}  // namespace
}  // namespace arbor::replication
