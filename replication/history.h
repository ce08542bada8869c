// The history rules (DESIGN.md, "Replication and seeding"): a replication
// id names one linear history with one writer, and every decision about
// continuing one is made here, sans-io, from byte strings and numbers:
// what a primary answers to PSYNC, what a replica makes of the answer, and
// whether a replica holding data lets a full sync replace it. Unit-tested
// with the cases that lost data (tests/unit/replication/history_test.cpp).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "replication/backlog.h"

namespace arbor::replication {

// "0000...": no second history (Redis's cleared replid2).
inline const std::string kNoReplid(40, '0');

// Where a node stands: the history it is on and the bytes of it it holds,
// and the history it continued from, valid up to `second_offset` (Redis's
// second_replid_offset: the first byte it did not share, so PSYNC offsets
// <= second_offset continue it).
struct History {
  std::string replid;
  std::string replid2 = kNoReplid;
  int64_t second_offset = -1;
  uint64_t offset = 0;
};

// A node that starts taking writes as a primary moves to `new_replid` and
// keeps the old one as replid2 up to where it left it, as Redis's
// shiftReplicationId: a node that diverged from us can then never be
// continued past the fork.
History promoted(const History& history, std::string new_replid);

// The bytes a backlog holds: [first, first + histlen).
struct BacklogWindow {
  bool present = false;
  uint64_t first = 0;
  uint64_t histlen = 0;
};

// A primary's answer to `PSYNC <replid> <offset>`.
struct PsyncAnswer {
  bool resume = false;  // +CONTINUE from `from`; otherwise a full sync
  uint64_t from = 0;
  std::string why;  // for a full sync: Redis's log text
};
PsyncAnswer answer_psync(const History& ours, const BacklogWindow& backlog, std::string_view replid,
                         std::string_view offset_text);
// What a resumed PSYNC sends: "+CONTINUE <replid>\r\n" ("+CONTINUE\r\n" to
// a replica without capa psync2), then the backlog from `from` on.
std::string continue_bytes(const History& ours, const Backlog& backlog, uint64_t from, bool psync2);

// A replica's reading of the primary's reply line to PSYNC.
struct PsyncReply {
  enum class Kind : uint8_t { kFullResync, kContinue, kTryLater, kError, kMalformed };
  Kind kind = Kind::kMalformed;
  std::string replid;   // kFullResync: the history offered; kContinue: the new id, if given
  uint64_t offset = 0;  // kFullResync: where the snapshot stands
};
PsyncReply parse_psync_reply(std::string_view line);

// What a node's `INFO replication` says of its history (another node:
// our primary, a seeding candidate, a node a restarted primary checks).
struct PeerHistory {
  bool known = false;  // the reply had the replication section
  std::string role;    // "master" or "slave"
  std::string replid;
  std::string replid2;
  int64_t second_offset = -1;
  uint64_t offset = 0;
  std::string master_host;  // a replica's primary
  int master_port = 0;
  // A primary's replicas ("slaveN:ip=...,port=..." lines) as "ip:port".
  std::vector<std::string> replicas;
};
PeerHistory read_peer_history(std::string_view info);

// Whether a replica holding data lets a full sync from its primary replace
// it (replica-protect-data). Refused: a primary on a history we never
// followed that is not ahead of us (one that came back empty), and a
// primary that continues our history from a point behind us when the bytes
// past that point are writes we replicated (they may be acknowledged by
// WAIT). Accepted when nothing of ours is lost, and when we wrote those
// bytes ourselves as the history's primary and the offer comes from a
// replica promoted on our history (a failover decided it, as in Redis).
struct OwnData {
  History history;
  bool holds_data = false;
  bool wrote_history = false;  // we were the primary of history.replid
  // Bytes of ours this primary was already found to lack (a refusal in
  // force): a history it moved on to since cannot hold them either.
  uint64_t primary_lacked = 0;
};
struct FullSyncVerdict {
  enum class Kind : uint8_t { kAccept, kRefuseUnrelated, kRefuseAhead };
  Kind kind = Kind::kAccept;
  uint64_t ahead_by = 0;  // bytes of ours the offered history lacks
  std::string why;
};
// `primary` is the primary's INFO (known=false when it could not be read);
// `offered_replid` / `offered_offset` are its +FULLRESYNC.
FullSyncVerdict judge_full_sync(const OwnData& own, const PeerHistory& primary, std::string_view offered_replid,
                                uint64_t offered_offset);

}  // namespace arbor::replication
