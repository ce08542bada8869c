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

}  // namespace
}  // namespace arbor::replication
