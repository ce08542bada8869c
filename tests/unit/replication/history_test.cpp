// The history rules (replication/history.h) with byte strings: which PSYNC
// a primary continues, what a replica reads from the answer, and when a
// replica holding data lets a full sync replace it. The scenarios are the
// ones that lost data before the rules existed (issue 11).
#include "replication/history.h"

#include <gtest/gtest.h>

#include <string>

#include "replication/backlog.h"

namespace arbor::replication {
namespace {

const std::string kA1(40, 'a');  // the first primary's history
const std::string kC1(40, 'c');  // C's, after its promotion
const std::string kA2(40, 'd');  // A's, after it seeded from B

History at(const std::string& replid, uint64_t offset) {
  History h;
  h.replid = replid;
  h.offset = offset;
  return h;
}

// A backlog that received `bytes` so that its last byte is at `end`.
Backlog backlog_ending_at(uint64_t end, const std::string& bytes) {
  Backlog backlog(1 << 20, end - bytes.size() + 1);
  backlog.append(bytes);
  return backlog;
}

BacklogWindow window_of(const Backlog& b) { return {true, b.first_offset(), b.histlen()}; }

TEST(PsyncRules, TheSameHistoryContinuesFromTheBacklog) {
  const std::string stream = "*1\r\n$4\r\nPING\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n";
  const Backlog backlog = backlog_ending_at(100, stream);
  const History primary = at(kA1, 100);
  const PsyncAnswer answer = answer_psync(primary, window_of(backlog), kA1, std::to_string(100 - 30));
  ASSERT_TRUE(answer.resume);
  EXPECT_EQ(answer.from, 70u);
  EXPECT_EQ(continue_bytes(primary, backlog, answer.from, true), "+CONTINUE " + kA1 + "\r\n" + stream.substr(stream.size() - 31));
  EXPECT_EQ(continue_bytes(primary, backlog, 101, false), "+CONTINUE\r\n");  // up to date: nothing to send
}

TEST(PsyncRules, AnOffsetOutsideTheBacklogOrPastOurEndIsAFullSync) {
  const Backlog backlog = backlog_ending_at(100, std::string(50, 'x'));
  const History primary = at(kA1, 100);
  EXPECT_FALSE(answer_psync(primary, window_of(backlog), kA1, "50").resume);  // before the backlog
  EXPECT_TRUE(answer_psync(primary, window_of(backlog), kA1, "51").resume);
  EXPECT_TRUE(answer_psync(primary, window_of(backlog), kA1, "101").resume);
  // A replica claiming bytes we never produced is on another history.
  const PsyncAnswer ahead = answer_psync(primary, window_of(backlog), kA1, "102");
  EXPECT_FALSE(ahead.resume);
  EXPECT_NE(ahead.why.find("greater than the master replication offset"), std::string::npos);
  EXPECT_FALSE(answer_psync(primary, {}, kA1, "100").resume);  // no backlog
  EXPECT_FALSE(answer_psync(primary, window_of(backlog), "?", "-1").resume);
  EXPECT_FALSE(answer_psync(primary, window_of(backlog), kA1, "x").resume);
  EXPECT_FALSE(answer_psync(primary, window_of(backlog), kC1, "60").resume);
}

TEST(PsyncRules, APromotedNodeContinuesItsOldHistoryOnlyUpToTheFork) {
  // C was a replica of A at offset 1000 and was promoted.
  const History c = promoted(at(kA1, 1000), kC1);
  EXPECT_EQ(c.replid, kC1);
  EXPECT_EQ(c.replid2, kA1);
  EXPECT_EQ(c.second_offset, 1001);
  Backlog backlog = backlog_ending_at(1000, std::string(500, 'x'));
  backlog.append(std::string(100, 'y'));  // C's own writes after the promotion
  History c_now = c;
  c_now.offset = 1100;
  const BacklogWindow window = window_of(backlog);
  // A sibling at or behind the fork continues under the new id.
  EXPECT_TRUE(answer_psync(c_now, window, kA1, "1001").resume);
  EXPECT_TRUE(answer_psync(c_now, window, kA1, "900").resume);
  // One that has more of A's history than C took with it diverged.
  const PsyncAnswer diverged = answer_psync(c_now, window, kA1, "1015");
  EXPECT_FALSE(diverged.resume);
  EXPECT_NE(diverged.why.find("Requested offset for second ID was 1015, but I can reply up to 1001"),
            std::string::npos);
}

// Issue 11's reproduction: A dies; C is promoted; B follows C; A restarts
// and seeds from B; Sentinel's PUBLISH grows A's offset; C takes writes;
// A is made a replica of C. Before the rules, A kept C's id unchanged
// after seeding, so C continued A at A's own offset and A skipped the bytes
// that carried C's writes.
TEST(PsyncRules, ANodeThatSeededAndWroteCannotBeContinuedPastTheFork) {
  const History c_promoted = promoted(at(kA1, 1000), kC1);
  // B follows C from offset 1000 under C's id.
  History b = at(kC1, 1000);
  // A seeds from B, then starts taking writes as a primary: a new id.
  History a = promoted(b, kA2);
  a.offset += 14;  // PUBLISH __sentinel__:hello propagated on A
  History c = c_promoted;
  c.offset = 1000 + 120;  // c1..c5 on C
  Backlog c_backlog = backlog_ending_at(1000, std::string(200, 'x'));
  c_backlog.append(std::string(120, 'w'));
  // A, demoted, asks to continue its own history: C never had it.
  EXPECT_FALSE(answer_psync(c, window_of(c_backlog), a.replid, std::to_string(a.offset + 1)).resume);
  // What A asked before the rule, C's id at A's offset, C would have
  // continued, skipping the 14 bytes of C's writes A never had.
  EXPECT_TRUE(answer_psync(c, window_of(c_backlog), kC1, std::to_string(1000 + 14 + 1)).resume);
  // A replica that stayed with A at the seeded offset continues with A.
  Backlog a_backlog = backlog_ending_at(1000, std::string(100, 'x'));
  a_backlog.append(std::string(14, 'p'));
  const PsyncAnswer follower = answer_psync(a, window_of(a_backlog), kC1, "1001");
  ASSERT_TRUE(follower.resume);
  EXPECT_EQ(continue_bytes(a, a_backlog, follower.from, true), "+CONTINUE " + kA2 + "\r\n" + std::string(14, 'p'));
}

TEST(PsyncReplies, ReadAsRedisWritesThem) {
  PsyncReply full = parse_psync_reply("+FULLRESYNC " + kA1 + " 1234");
  EXPECT_EQ(full.kind, PsyncReply::Kind::kFullResync);
  EXPECT_EQ(full.replid, kA1);
  EXPECT_EQ(full.offset, 1234u);
  EXPECT_EQ(parse_psync_reply("+FULLRESYNC abc 12").kind, PsyncReply::Kind::kMalformed);
  EXPECT_EQ(parse_psync_reply("+FULLRESYNC " + kA1 + " -1").kind, PsyncReply::Kind::kMalformed);
  PsyncReply resume = parse_psync_reply("+CONTINUE " + kC1);
  EXPECT_EQ(resume.kind, PsyncReply::Kind::kContinue);
  EXPECT_EQ(resume.replid, kC1);
  EXPECT_EQ(parse_psync_reply("+CONTINUE").kind, PsyncReply::Kind::kContinue);
  EXPECT_TRUE(parse_psync_reply("+CONTINUE").replid.empty());
  EXPECT_EQ(parse_psync_reply("-NOMASTERLINK Can't SYNC while not connected with my master").kind,
            PsyncReply::Kind::kTryLater);
  EXPECT_EQ(parse_psync_reply("-LOADING arbor is seeding its dataset from replicas").kind,
            PsyncReply::Kind::kTryLater);
  EXPECT_EQ(parse_psync_reply("-ERR unknown command 'PSYNC'").kind, PsyncReply::Kind::kError);
  EXPECT_EQ(parse_psync_reply("+OK").kind, PsyncReply::Kind::kMalformed);
}

TEST(PeerHistoryText, ReadFromInfoReplication) {
  const std::string info =
      "# Replication\r\nrole:slave\r\nmaster_host:127.0.0.1\r\nmaster_port:7352\r\nmaster_link_status:up\r\n"
      "master_replid:" + kC1 + "\r\nmaster_replid2:" + kA1 + "\r\nmaster_repl_offset:1100\r\n"
      "second_repl_offset:1001\r\n";
  const PeerHistory peer = read_peer_history(info);
  ASSERT_TRUE(peer.known);
  EXPECT_EQ(peer.role, "slave");
  EXPECT_EQ(peer.replid, kC1);
  EXPECT_EQ(peer.replid2, kA1);
  EXPECT_EQ(peer.second_offset, 1001);
  EXPECT_EQ(peer.offset, 1100u);
  EXPECT_EQ(peer.master_host, "127.0.0.1");
  EXPECT_EQ(peer.master_port, 7352);
  EXPECT_FALSE(read_peer_history("# Server\r\nredis_version:7.0.15\r\n").known);
}

// A primary's replicas, as a replica reads them to know its siblings:
// every "slaveN:" line with an address, none of the "slave_*" fields.
TEST(PeerHistoryText, APrimarysReplicasAreReadFromItsSlaveLines) {
  const std::string info =
      "# Replication\r\nrole:master\r\nconnected_slaves:3\r\n"
      "slave0:ip=127.0.0.1,port=7351,state=online,offset=1100,lag=0\r\n"
      "slave1:ip=10.0.0.7,port=0,state=online,offset=1100,lag=0\r\n"
      "slave12:ip=::1,port=7353,state=wait_bgsave,offset=0,lag=1\r\n"
      "slave_read_only:1\r\nmaster_replid:" + kA1 + "\r\nmaster_repl_offset:1100\r\n";
  EXPECT_EQ(read_peer_history(info).replicas, (std::vector<std::string>{"127.0.0.1:7351", "::1:7353"}));
}

PeerHistory primary_info(const History& h) {
  PeerHistory p;
  p.known = true;
  p.role = "master";
  p.replid = h.replid;
  p.replid2 = h.replid2;
  p.second_offset = h.second_offset;
  p.offset = h.offset;
  return p;
}

OwnData holding(const History& h, bool wrote = false) {
  OwnData own;
  own.history = h;
  own.holds_data = true;
  own.wrote_history = wrote;
  return own;
}

using Kind = FullSyncVerdict::Kind;

TEST(FullSyncRules, AReplicaWithoutDataAcceptsAnything) {
  OwnData own;
  own.history = at(kA1, 5000);
  EXPECT_EQ(judge_full_sync(own, primary_info(at(kC1, 0)), kC1, 0).kind, Kind::kAccept);
}

TEST(FullSyncRules, APrimaryThatCameBackEmptyIsRefused) {
  const History empty_primary = at(kC1, 0);
  const FullSyncVerdict v = judge_full_sync(holding(at(kA1, 5000)), primary_info(empty_primary), kC1, 0);
  EXPECT_EQ(v.kind, Kind::kRefuseUnrelated);
  // Level counts as not ahead: a replica that got all its data in one
  // snapshot may itself be at offset 0.
  EXPECT_EQ(judge_full_sync(holding(at(kA1, 0)), primary_info(empty_primary), kC1, 0).kind, Kind::kRefuseUnrelated);
  // An unrelated history ahead of ours is taken (unknown INFO too).
  EXPECT_EQ(judge_full_sync(holding(at(kA1, 5000)), PeerHistory{}, kC1, 6000).kind, Kind::kAccept);
}

// Fault run: the promoted primary lacked 91,876 bytes of a replica's; it
// then restarted and seeded itself onto a new id with a bigger offset. The
// replica must keep refusing: the new history descends from the one that
// lacked its writes.
TEST(FullSyncRules, AReplicaAlreadyRefusingKeepsRefusingThePrimarysNextHistory) {
  const std::string kC2(40, 'e');  // C's, after it restarted and seeded
  OwnData own = holding(at(kA1, 186624567));
  const History moved_on = promoted(at(kC1, 201286003), kC2);
  EXPECT_EQ(judge_full_sync(own, primary_info(moved_on), kC2, 201286003).kind, Kind::kAccept);  // not yet refusing
  own.primary_lacked = 91876;
  const FullSyncVerdict v = judge_full_sync(own, primary_info(moved_on), kC2, 201286003);
  EXPECT_EQ(v.kind, Kind::kRefuseAhead);
  EXPECT_EQ(v.ahead_by, 91876u);
  EXPECT_NE(v.why.find("after lacking 91876 bytes of ours on " + kA1), std::string::npos) << v.why;
  // A history that shares ours and holds all of it is still taken.
  EXPECT_EQ(judge_full_sync(own, primary_info(at(kA1, 186700000)), kA1, 186700000).kind, Kind::kAccept);
}

TEST(FullSyncRules, AReplicaBehindOnTheSameHistoryAccepts) {
  // Its backlog did not reach back far enough: a full sync loses nothing.
  EXPECT_EQ(judge_full_sync(holding(at(kA1, 5000)), primary_info(at(kA1, 9000)), kA1, 9000).kind, Kind::kAccept);
  // Behind the fork of a promoted replica's history.
  const History c = promoted(at(kA1, 5000), kC1);
  EXPECT_EQ(judge_full_sync(holding(at(kA1, 4000)), primary_info(c), kC1, 5200).kind, Kind::kAccept);
}

// The seeding case: the primary seeded from a replica that was behind the
// other, so the other holds acknowledged writes the new history lacks.
TEST(FullSyncRules, AReplicaAheadOfItsPrimarysHistoryKeepsItsData) {
  const History seeded = promoted(at(kA1, 2986007), kA2);
  const FullSyncVerdict v = judge_full_sync(holding(at(kA1, 7679894)), primary_info(seeded), kA2, 2986100);
  EXPECT_EQ(v.kind, Kind::kRefuseAhead);
  EXPECT_EQ(v.ahead_by, 7679894u - 2986007u);
  // The same id, offered from behind us (a primary that adopted it without
  // moving on), is no better.
  EXPECT_EQ(judge_full_sync(holding(at(kA1, 800)), primary_info(at(kA1, 500)), kA1, 500).kind, Kind::kRefuseAhead);
}

// The failover case: the old primary comes back with bytes it wrote that
// never reached the promoted replica; the failover decided, as in Redis.
TEST(FullSyncRules, AnOldPrimaryFollowsTheReplicaPromotedInItsPlace) {
  const History c = promoted(at(kA1, 1000), kC1);
  const FullSyncVerdict v = judge_full_sync(holding(at(kA1, 1200), /*wrote=*/true), primary_info(c), kC1, 1500);
  EXPECT_EQ(v.kind, Kind::kAccept);
  EXPECT_EQ(v.ahead_by, 200u);
  // A replica with those same bytes did not write them: it keeps them.
  EXPECT_EQ(judge_full_sync(holding(at(kA1, 1200)), primary_info(c), kC1, 1500).kind, Kind::kRefuseAhead);
  // A promoted node sent back to the history it left drops what it wrote
  // since, and nothing it replicated.
  History promoted_then_written = promoted(at(kA1, 1000), kC1);
  promoted_then_written.offset = 1300;
  EXPECT_EQ(judge_full_sync(holding(promoted_then_written, true), primary_info(at(kA1, 4000)), kA1, 4000).kind,
            Kind::kAccept);
  EXPECT_EQ(judge_full_sync(holding(promoted_then_written, false), primary_info(at(kA1, 4000)), kA1, 4000).kind,
            Kind::kRefuseAhead);
}

// A restarted primary that seeded (and so moved on from history H1 at X)
// while a failover promoted C (moving on from H1 at Y): siblings. What both
// hold of H1 is shared; the rest of ours is what we wrote as a primary.
TEST(FullSyncRules, SiblingsOfOneHistoryShareItUpToTheEarlierFork) {
  const History a = promoted(at(kA1, 5000), kA2);
  History a_now = a;
  a_now.offset = 5100;
  const History c = promoted(at(kA1, 4900), kC1);
  const FullSyncVerdict v = judge_full_sync(holding(a_now, /*wrote=*/true), primary_info(c), kC1, 6000);
  EXPECT_EQ(v.kind, Kind::kAccept);
  EXPECT_EQ(v.ahead_by, 200u);  // H1 from 4900 to 5000, and 100 bytes of A2
  EXPECT_EQ(judge_full_sync(holding(a_now), primary_info(c), kC1, 6000).kind, Kind::kRefuseAhead);
  // Behind both forks: nothing of ours is lost.
  History behind = promoted(at(kA1, 4000), kA2);
  EXPECT_EQ(judge_full_sync(holding(behind), primary_info(c), kC1, 6000).kind, Kind::kAccept);
}

}  // namespace
}  // namespace arbor::replication
