#include "replication/history.h"

#include <algorithm>

#include "protocol/number_format.h"
#include "replication/info_text.h"

namespace arbor::replication {
namespace {

constexpr size_t kReplidLength = 40;

std::string text(uint64_t n) { return std::to_string(n); }

// "ip=127.0.0.1,port=7351,state=online,...": "127.0.0.1:7351", or empty.
std::string replica_address(std::string_view fields) {
  std::string_view ip, port;
  while (!fields.empty()) {
    const size_t comma = fields.find(',');
    const std::string_view field = fields.substr(0, comma);
    if (field.starts_with("ip=")) ip = field.substr(3);
    if (field.starts_with("port=")) port = field.substr(5);
    fields = comma == std::string_view::npos ? std::string_view() : fields.substr(comma + 1);
  }
  const auto number = protocol::parse_int64(port);
  if (ip.empty() || !number || *number <= 0 || *number > 65535) return {};
  return std::string(ip) + ":" + std::string(port);
}

}  // namespace

History promoted(const History& history, std::string new_replid) {
  History next;
  next.replid = std::move(new_replid);
  next.replid2 = history.replid;
  next.second_offset = static_cast<int64_t>(history.offset) + 1;
  next.offset = history.offset;
  return next;
}

PsyncAnswer answer_psync(const History& ours, const BacklogWindow& backlog, std::string_view replid,
                         std::string_view offset_text) {
  PsyncAnswer answer;
  if (replid == "?") {
    answer.why = "Full resync requested by replica";
    return answer;
  }
  const auto wanted = protocol::parse_int64(offset_text);
  if (!wanted) {
    answer.why = "Partial resynchronization not accepted: the offset is not a number";
    return answer;
  }
  // The offset must lie on a history we share with the replica: our own up
  // to its end, or the one we continued, up to where we left it.
  const bool ours_now = replid == ours.replid;
  const bool ours_before = !ours_now && replid == ours.replid2 && ours.replid2 != kNoReplid;
  if (!ours_now && !ours_before) {
    answer.why = "Partial resynchronization not accepted: Replication ID mismatch (Replica asked for '" +
                 std::string(replid) + "', my replication IDs are '" + ours.replid + "' and '" + ours.replid2 + "')";
    return answer;
  }
  if (ours_before && *wanted > ours.second_offset) {
    answer.why = "Partial resynchronization not accepted: Requested offset for second ID was " +
                 std::to_string(*wanted) + ", but I can reply up to " + std::to_string(ours.second_offset);
    return answer;
  }
  const uint64_t end = ours.offset + 1;  // the first byte we do not have
  if (!backlog.present || *wanted < static_cast<int64_t>(backlog.first) ||
      *wanted > static_cast<int64_t>(backlog.first + backlog.histlen) || *wanted > static_cast<int64_t>(end)) {
    answer.why = "Unable to partial resync for lack of backlog (Replica request was: " + std::to_string(*wanted) + ")";
    if (*wanted > static_cast<int64_t>(end))
      answer.why += "; the replica asked for an offset greater than the master replication offset";
    return answer;
  }
  answer.resume = true;
  answer.from = static_cast<uint64_t>(*wanted);
  return answer;
}

std::string continue_bytes(const History& ours, const Backlog& backlog, uint64_t from, bool psync2) {
  std::string out = psync2 ? "+CONTINUE " + ours.replid + "\r\n" : std::string("+CONTINUE\r\n");
  backlog.append_to(from, out);
  return out;
}

PsyncReply parse_psync_reply(std::string_view line) {
  PsyncReply reply;
  if (line.starts_with("+FULLRESYNC ")) {
    const std::string_view rest = line.substr(12);
    const size_t space = rest.find(' ');
    if (space != kReplidLength) return reply;
    const auto offset = protocol::parse_int64(rest.substr(space + 1));
    if (!offset || *offset < 0) return reply;
    reply.kind = PsyncReply::Kind::kFullResync;
    reply.replid = std::string(rest.substr(0, space));
    reply.offset = static_cast<uint64_t>(*offset);
    return reply;
  }
  if (line == "+CONTINUE" || line.starts_with("+CONTINUE ")) {
    reply.kind = PsyncReply::Kind::kContinue;
    const std::string_view id = line.size() > 10 ? line.substr(10) : std::string_view();
    if (id.size() == kReplidLength) reply.replid = std::string(id);
    return reply;
  }
  if (line.starts_with("-NOMASTERLINK") || line.starts_with("-LOADING")) {
    reply.kind = PsyncReply::Kind::kTryLater;
    return reply;
  }
  if (line.starts_with("-")) reply.kind = PsyncReply::Kind::kError;
  return reply;
}

PeerHistory read_peer_history(std::string_view info) {
  PeerHistory peer;
  const auto role = info_field(info, "role");
  const auto replid = info_field(info, "master_replid");
  if (!role || !replid) return peer;
  peer.known = true;
  peer.role = std::string(*role);
  peer.replid = std::string(*replid);
  peer.replid2 = std::string(info_field(info, "master_replid2").value_or(kNoReplid));
  peer.second_offset = info_integer(info, "second_repl_offset", -1);
  peer.offset = static_cast<uint64_t>(std::max<int64_t>(0, info_integer(info, "master_repl_offset")));
  peer.master_host = std::string(info_field(info, "master_host").value_or(""));
  peer.master_port = static_cast<int>(info_integer(info, "master_port"));
  for_each_info_line(info, [&peer](std::string_view line) {
    const size_t colon = line.find(':');
    if (!line.starts_with("slave") || colon == std::string_view::npos || colon <= 5) return;
    if (line.substr(5, colon - 5).find_first_not_of("0123456789") != std::string_view::npos) return;
    std::string address = replica_address(line.substr(colon + 1));
    if (!address.empty()) peer.replicas.push_back(std::move(address));
  });
  return peer;
}

FullSyncVerdict judge_full_sync(const OwnData& own, const PeerHistory& primary, std::string_view offered_replid,
                                uint64_t offered_offset) {
  FullSyncVerdict verdict;
  const History& us = own.history;
  if (!own.holds_data) {
    verdict.why = "we hold no data";
    return verdict;
  }
  // How much of our history the offered one holds: all of it up to its
  // offset when it is our id, up to the fork when it continued from ours.
  bool related = false;
  uint64_t shared = 0;
  // The two histories forked at `shared` (one moved on from the other),
  // rather than one being a prefix of the other.
  bool forked = false;
  if (offered_replid == us.replid) {
    related = true;
    shared = std::min(us.offset, offered_offset);
  } else if (offered_replid == us.replid2 && us.replid2 != kNoReplid && us.second_offset > 0) {
    // The history we moved on from: shared up to where we left it.
    related = true;
    forked = true;
    shared = std::min({us.offset, offered_offset, static_cast<uint64_t>(us.second_offset - 1)});
  } else if (primary.known && primary.replid == offered_replid && primary.replid2 == us.replid &&
             primary.second_offset > 0) {
    related = true;
    forked = true;
    shared = std::min(us.offset, static_cast<uint64_t>(primary.second_offset - 1));
  } else if (primary.known && primary.replid == offered_replid && us.replid2 != kNoReplid &&
             primary.replid2 == us.replid2 && primary.second_offset > 0 && us.second_offset > 0) {
    // Siblings: both moved on from the same history (two promotions of it).
    related = true;
    forked = true;
    shared = std::min({us.offset, static_cast<uint64_t>(primary.second_offset - 1),
                       static_cast<uint64_t>(us.second_offset - 1)});
  }
  if (related) {
    if (us.offset <= shared) {
      verdict.why = "the offered history holds everything we have (" + us.replid + " up to " + text(us.offset) + ")";
      return verdict;
    }
    verdict.ahead_by = us.offset - shared;
    if (forked && own.wrote_history) {
      // We were the primary: our bytes past the fork never reached the
      // replica that a failover promoted, so no replica acknowledged them
      // to it. Following the failover's choice is Redis's rule.
      verdict.why = "it was promoted on our history at offset " + text(shared) + "; the " + text(verdict.ahead_by) +
                    " bytes we wrote as primary past that point were not replicated to it and are dropped";
      return verdict;
    }
    verdict.kind = FullSyncVerdict::Kind::kRefuseAhead;
    verdict.why = "we are ahead of it on our shared history " + us.replid + " (our offset " + text(us.offset) +
                  ", it holds it up to " + text(shared) + "): a full sync would drop " + text(verdict.ahead_by) +
                  " bytes of writes we replicated, which WAIT may have acknowledged";
    return verdict;
  }
  // A history we never followed, from a primary already found lacking our
  // writes: it moved on (restarted, seeded) from the history that lacked
  // them, so its offset says nothing about them.
  if (own.primary_lacked > 0) {
    verdict.kind = FullSyncVerdict::Kind::kRefuseAhead;
    verdict.ahead_by = own.primary_lacked;
    verdict.why = "it moved to a new history (" + std::string(offered_replid) + " at offset " + text(offered_offset) +
                  ") after lacking " + text(own.primary_lacked) + " bytes of ours on " + us.replid +
                  ": a full sync would drop them, and WAIT may have acknowledged them";
    return verdict;
  }
  // A history we never followed: accepted only when it is ahead of ours
  // (a primary that came back empty offers one at or behind our offset).
  if (offered_offset > us.offset) {
    verdict.why = "its history is unrelated to ours but ahead of our offset";
    return verdict;
  }
  verdict.kind = FullSyncVerdict::Kind::kRefuseUnrelated;
  verdict.why = "it is on a new history (" + std::string(offered_replid) + " at offset " + text(offered_offset) +
                ") not ahead of ours (" + us.replid + " at offset " + text(us.offset) +
                "), as a primary that restarted empty would be";
  return verdict;
}

}  // namespace arbor::replication
