// ReplicaLink: the handshake, the transfer, the load and the stream, as one
// coroutine per connection attempt.
#include "replication/replica_link.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <initializer_list>
#include <vector>

#include "protocol/number_format.h"
#include "protocol/reply_writer.h"
#include "protocol/request_parser.h"
#include "replication/history.h"
#include "replication/peer_query.h"
#include "replication/replication_service.h"
#include "server/core/dispatcher.h"
#include "server/core/scoped_value.h"

namespace arbor::replication {
using protocol::encode_command;

namespace {

// How often a replica reads its primary's list of replicas.
constexpr int64_t kSiblingsEveryMs = 2000;

}  // namespace

ReplicaLink::ReplicaLink(ReplicationService& service, std::string host, int port, int stream_db)
    : service_(service), peer_(service.io(), std::move(host), port, "MASTER"), retry_timer_(service.io()) {
  core::Instance& instance = service_.instance();
  master_client_.id = instance.next_client_id();
  master_client_.is_master = true;
  master_client_.authenticated = true;
  master_client_.addr = peer_.address();
  master_client_.db = stream_db;
  master_client_.created_ms = core::unix_time_ms();
  master_client_.last_interaction_ms = master_client_.created_ms;
  instance.add_client(&master_client_);
  down_since_ms_ = core::unix_time_ms();
}

ReplicaLink::~ReplicaLink() { stop(); }

void ReplicaLink::start() {
  spdlog::info("Connecting to MASTER {}", peer_.address());
  // `self` keeps the link alive until the coroutine, which uses `this`, ends.
  asio::co_spawn(service_.io(), run(), [self = shared_from_this()](std::exception_ptr error) {
    if (error) spdlog::warn("Replication link stopped after an internal error: {}", net::exception_text(error));
  });
}

void ReplicaLink::stop() {
  if (stopped_) return;
  stopped_ = true;
  peer_.stop();
  for (auto& query : queries_) query->stop();
  retry_timer_.cancel();
  service_.instance().repl.master_link_up = false;
  service_.instance().remove_client(&master_client_);
}

void ReplicaLink::drop() {
  if (stopped_ || state_ == State::kConnect) return;
  reconnect_now_ = true;
  peer_.close();  // the pending read fails and run() starts again
}

const char* ReplicaLink::state_name() const {
  switch (state_) {
    case State::kConnect: return "connect";
    case State::kConnecting: return "connecting";
    case State::kHandshake: return "handshake";
    case State::kTransfer: return "sync";
    case State::kConnected: return "connected";
  }
  return "connect";
}

void ReplicaLink::hold_off(int64_t ms) {
  hold_until_ms_ = core::unix_time_ms() + ms;
  if (state_ == State::kConnect) retry_timer_.cancel();  // run() then waits out the hold
  else peer_.close();
}

bool ReplicaLink::holding_off() const { return core::unix_time_ms() < hold_until_ms_; }

asio::awaitable<void> ReplicaLink::run() {
  boost::system::error_code ec;
  while (!stopped_) {
    if (const int64_t hold = hold_until_ms_ - core::unix_time_ms(); hold > 0) {
      retry_timer_.expires_after(std::chrono::milliseconds(hold));
      co_await retry_timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      continue;
    }
    // Out of memory (a snapshot too big for an address-space limit): the
    // attempt is given up, the data we have keeps serving, and we retry.
    bool out_of_memory = false;
    try {
      co_await session();
    } catch (const std::bad_alloc&) {
      out_of_memory = true;
    }
    // Each failed attempt may have copied a whole snapshot: back off.
    oom_streak_ = out_of_memory ? std::min(oom_streak_ + 1, 5) : 0;
    if (out_of_memory) {
      ++service_.instance().stats.allocation_failures;
      spdlog::warn("Out of memory syncing with MASTER {}; retrying in {} s", peer_.address(), 1 << oom_streak_);
    }
    if (stopped_) break;
    peer_.close();
    state_ = State::kConnect;
    service_.instance().repl.master_link_up = false;
    if (down_since_ms_ == 0) down_since_ms_ = core::unix_time_ms();
    retry_timer_.expires_after(reconnect_now_ ? std::chrono::milliseconds(0)
                                              : std::chrono::milliseconds(1000 << oom_streak_));
    reconnect_now_ = false;
    co_await retry_timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
}

void ReplicaLink::queue_write(std::string bytes) {
  out_queue_ += bytes;
  if (writing_ || out_queue_.empty() || stopped_) return;
  writing_ = true;
  auto buffer = std::make_shared<std::string>(std::move(out_queue_));
  out_queue_.clear();
  asio::async_write(peer_.socket(), asio::buffer(*buffer),
                    [self = shared_from_this(), buffer](boost::system::error_code ec, size_t) {
                      self->writing_ = false;
                      if (ec || self->stopped_) return;
                      if (!self->out_queue_.empty()) self->queue_write({});
                    });
}

void ReplicaLink::send_ack() {
  if (stopped_ || (state_ != State::kConnected && state_ != State::kTransfer)) return;
  last_ack_ms_ = core::unix_time_ms();
  queue_write(encode_command({"REPLCONF", "ACK", std::to_string(service_.offset())}));
}

void ReplicaLink::cron(int64_t now_ms) {
  if (stopped_) return;
  if (state_ == State::kConnected && now_ms - last_ack_ms_ >= 1000) send_ack();
  if (state_ == State::kConnected && !catch_up_only_ && now_ms - siblings_asked_ms_ >= kSiblingsEveryMs) {
    siblings_asked_ms_ = now_ms;
    asio::co_spawn(service_.io(), refresh_siblings(), asio::detached);
  }
  const int64_t timeout_ms = service_.instance().config.settings().repl_timeout * 1000;
  const int64_t last_sign = std::max(peer_.last_io_ms(), last_timeout_ms_);
  if (state_ != State::kConnect && last_sign != 0 && now_ms - last_sign > timeout_ms) {
    spdlog::warn("MASTER timeout: no data nor PING received for {} seconds", timeout_ms / 1000);
    last_timeout_ms_ = now_ms;
    peer_.close();  // the pending read fails and the link starts again
  }
}

asio::awaitable<void> ReplicaLink::session() {
  core::Instance& instance = service_.instance();
  state_ = State::kConnecting;
  out_queue_.clear();
  if (!co_await peer_.connect()) co_return;
  spdlog::info("MASTER <-> REPLICA sync started");
  state_ = State::kHandshake;
  // The port Sentinel and our primary's INFO list us under.
  const int64_t announced = instance.config.settings().replica_announce_port;
  // (A catch-up is no replica of its sibling's: not announced.)
  const int listening_port = catch_up_only_ ? 0 : announced > 0 ? static_cast<int>(announced) : instance.identity.tcp_port;
  if (!co_await peer_.handshake(instance.config.settings(), listening_port)) co_return;
  spdlog::info("Master replied to PING, replication can continue...");

  // The primary's history (its replid2 tells a replica promoted on ours
  // from a primary that came back empty), asked before PSYNC.
  std::string info_request = encode_command({"INFO", "replication"});
  std::string info;
  bool info_error = false;
  if (!co_await peer_.write(std::move(info_request))) co_return;
  if (!co_await peer_.read_bulk_or_error(info, info_error)) co_return;
  const PeerHistory primary = info_error ? PeerHistory{} : read_peer_history(info);
  note_siblings(primary);

  // Handing over in a FAILOVER: the target promotes itself on this PSYNC.
  const bool failover = service_.failover_state() == ReplicationService::FailoverState::kInProgress;
  std::string psync;
  if (service_.backlog()) {
    const std::string offset = std::to_string(service_.offset() + 1);
    psync = failover ? encode_command({"PSYNC", service_.replid(), offset, "FAILOVER"})
                     : encode_command({"PSYNC", service_.replid(), offset});
    spdlog::info("Trying a partial resynchronization (request {}:{}).", service_.replid(), service_.offset() + 1);
  } else {
    psync = encode_command({"PSYNC", "?", "-1"});
    spdlog::info("Partial resynchronization not possible (no cached master)");
  }
  if (!co_await peer_.write(std::move(psync))) {
    if (failover) service_.abort_failover("Write error to failover target");
    co_return;
  }
  std::string line;
  do {
    if (!co_await peer_.read_line(line)) co_return;
  } while (line.empty());  // keep-alives while the primary prepares

  const PsyncReply reply = parse_psync_reply(line);
  if (failover) {
    const bool accepted = reply.kind == PsyncReply::Kind::kFullResync || reply.kind == PsyncReply::Kind::kContinue;
    if (!accepted) {
      spdlog::warn("Failover target answered PSYNC FAILOVER with: {}", line);
      service_.abort_failover("Failover target rejected psync request");
      co_return;  // we are a primary again: this link is stopped
    }
    service_.end_failover();
  }
  switch (reply.kind) {
    case PsyncReply::Kind::kFullResync:
      // (Handing over in a FAILOVER, the operator chose the target: its
      // history is the one we hand our place to.)
      if (catch_up_only_ && (reply.replid != service_.replid() || reply.offset < service_.offset())) {
        spdlog::warn("Promotion: {} offers {}:{} instead of our history: not taking it", peer_.address(),
                     reply.replid, reply.offset);
        co_return;
      }
      if (!failover && !may_replace_data(primary, reply.replid, reply.offset)) co_return;
      spdlog::info("Full resync from master: {}:{}", reply.replid, reply.offset);
      if (!co_await full_sync(reply.replid, reply.offset)) co_return;
      break;
    case PsyncReply::Kind::kContinue:
      if (!reply.replid.empty() && reply.replid != service_.replid()) {
        spdlog::info("Master replication ID changed to {}", reply.replid);
        service_.switch_replid(reply.replid);
      }
      refusal_ = {};
      ever_synced_ = true;
      spdlog::info("Successful partial resynchronization with master.");
      spdlog::info("MASTER <-> REPLICA sync: Master accepted a Partial Resynchronization.");
      break;
    case PsyncReply::Kind::kTryLater:
      spdlog::info("Master is currently unable to PSYNC but should be in the future: {}", line);
      co_return;
    case PsyncReply::Kind::kError:
    case PsyncReply::Kind::kMalformed:
      spdlog::warn("Unexpected reply to PSYNC from master: {}", line);
      co_return;
  }
  co_await follow_stream();
}

void ReplicaLink::note_siblings(const PeerHistory& primary) {
  if (!catch_up_only_ && primary.known && primary.role == "master") service_.set_siblings(primary.replicas);
}

asio::awaitable<void> ReplicaLink::refresh_siblings() {
  auto self = shared_from_this();
  auto peer = std::make_shared<PeerConnection>(service_.io(), peer_.host(), peer_.port(), "MASTER");
  WatchedPeer watched(service_.io(), peer, 1000, queries_, "Replication");
  std::string info;
  bool connected = false;
  const bool ok =
      co_await fetch_info(*peer, service_.instance().config.settings(), "replication", info, connected);
  if (ok && !stopped_) note_siblings(read_peer_history(info));
}

// replica-protect-data (history.h's judge_full_sync): a replica holding
// data does not let a primary that came up on a history we never followed
// wipe it, nor one that continues ours from a point behind the writes we
// replicated. The operator can insist with REPLICAOF host port again.
bool ReplicaLink::may_replace_data(const PeerHistory& primary, const std::string& replid, uint64_t offset) {
  core::Instance& instance = service_.instance();
  OwnData own;
  own.history = service_.history();
  own.wrote_history = service_.wrote_history();
  if (refusal_.kind == FullSyncVerdict::Kind::kRefuseAhead) own.primary_lacked = refusal_.ahead_by;
  for (int i = 0; i < instance.db_count() && !own.holds_data; ++i) own.holds_data = instance.db(i).size() > 0;
  const FullSyncVerdict verdict = judge_full_sync(own, primary, replid, offset);
  const bool accepted = verdict.kind == FullSyncVerdict::Kind::kAccept;
  if (accepted || allow_replacing_data_ || !instance.config.settings().replica_protect_data) {
    if (accepted && verdict.ahead_by > 0)
      spdlog::warn("Accepting the full sync offered by MASTER {}: {}", peer_.address(), verdict.why);
    else if (!accepted)
      spdlog::warn("Accepting the full sync offered by MASTER {} although {}: {}", peer_.address(), verdict.why,
                   allow_replacing_data_ ? "REPLICAOF was given again" : "replica-protect-data is no");
    refusal_ = {};
    return true;
  }
  if (refusal_.kind != verdict.kind || refusal_.ahead_by != verdict.ahead_by)
    spdlog::error("Refusing the full sync offered by MASTER {}: {}. Keeping our data, read-only, and retrying. "
                  "REPLICAOF {} {} again (or replica-protect-data no) accepts it.",
                  peer_.address(), verdict.why, peer_.host(), peer_.port());
  refusal_ = verdict;
  return false;
}

// A busy script (an EVAL_RO or FCALL_RO here) holds the data and its Lua
// state: the stream and a full sync's load wait until it ends, never run in
// the middle of it. False when the link stopped meanwhile.
asio::awaitable<bool> ReplicaLink::wait_for_script_end() {
  core::Instance& instance = service_.instance();
  while (instance.script_running && !stopped_) {
    boost::system::error_code waited;
    asio::steady_timer pause(co_await asio::this_coro::executor, std::chrono::milliseconds(1));
    co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, waited));
  }
  co_return !stopped_;
}

asio::awaitable<bool> ReplicaLink::full_sync(std::string replid, uint64_t offset) {
  allow_replacing_data_ = false;  // the insistence covers one sync
  state_ = State::kTransfer;
  std::string_view payload;
  if (!co_await peer_.read_snapshot(payload)) co_return false;
  if (!co_await wait_for_script_end()) co_return false;
  spdlog::info("MASTER <-> REPLICA sync: Loading DB in memory");
  std::string error;
  if (!service_.load_from_primary(payload, error)) {
    spdlog::warn("Failed trying to load the MASTER synchronization DB from socket: {}; the old data stays", error);
    co_return false;
  }
  peer_.consume_snapshot();
  master_client_.db = 0;
  service_.adopt_history(replid, offset);
  service_.record_role();
  ever_synced_ = true;
  spdlog::info("MASTER <-> REPLICA sync: Finished with success");
  send_ack();  // an EOF-mode primary starts the stream on this
  co_return true;
}

asio::awaitable<void> ReplicaLink::follow_stream() {
  core::Instance& instance = service_.instance();
  state_ = State::kConnected;
  instance.repl.master_link_up = true;
  down_since_ms_ = 0;
  protocol::ParserLimits limits;
  limits.max_bulk_len = INT64_MAX;  // the primary already accepted these commands
  protocol::RequestParser parser(limits);
  std::vector<std::string_view> args;
  std::string discarded;
  protocol::ReplyWriter replies(discarded);
  while (!stopped_) {
    while (!peer_.unread().empty()) {
      const std::string_view unread = peer_.unread();
      const auto result = parser.parse(unread, args);
      using Status = protocol::RequestParser::Status;
      if (result.status == Status::kNeedMore) break;
      if (result.status == Status::kError) {
        spdlog::warn("Protocol error in the stream from MASTER: {}",
                     protocol::parse_error_text(parser.error(), parser.offending_byte()));
        co_return;
      }
      const std::string_view raw = unread.substr(0, result.consumed);
      if (result.status == Status::kCommand) {
        if (!co_await wait_for_script_end()) co_return;
        master_client_.last_interaction_ms = peer_.last_io_ms();
        const uint64_t failures_before = instance.stats.allocation_failures;
        const uint64_t partial_before = instance.stats.partial_write_failures;
        {
          // (Expired keys stay visible to the stream until it deletes them.)
          core::ScopedValue<bool> applying(instance.repl.applying_primary_stream, true);
          service_.dispatcher().execute(master_client_, args, replies);
        }
        discarded.clear();
        // Out of memory applying it: those bytes are not counted (so never
        // acknowledged). Refused before it ran: applied again from the
        // backlog after reconnecting. Failed half-way: our data no longer
        // matches any offset, so we forget our history and sync in full.
        if (instance.stats.allocation_failures != failures_before) {
          const bool partial = instance.stats.partial_write_failures != partial_before;
          spdlog::warn("Out of memory applying the primary's stream at offset {}: {}", service_.offset() + 1,
                       partial ? "it may have changed data half-way, syncing again in full"
                               : "reconnecting to apply it again");
          if (partial) {
            service_.forget_history("out of memory in the middle of a command of the primary's stream");
            allow_replacing_data_ = true;
          }
          co_return;
        }
      }
      // Counted once applied: an ACK for GETACK excludes the GETACK itself.
      service_.append_from_primary(raw);
      peer_.consume(result.consumed);
      if (stopped_) co_return;
    }
    peer_.compact();
    if (!co_await peer_.read_more()) {
      if (!stopped_) spdlog::warn("Connection with master lost.");
      co_return;
    }
  }
}

}  // namespace arbor::replication
