// The primary side of replication: PSYNC's answer (+CONTINUE from the
// backlog, or +FULLRESYNC and a snapshot), the snapshot pump that streams a
// forkless snapshot to the replicas waiting for one, ACK bookkeeping and
// WAIT. Redis 7.0's replication.c is the reference for the wire behaviour.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

#include "protocol/number_format.h"
#include "replication/replication_service.h"
#include "server/core/command_context.h"

namespace arbor::replication {
namespace {

constexpr size_t kSnapshotSlice = 256 * 1024;          // bytes per step
constexpr size_t kSnapshotMaxUnsent = 4 * 1024 * 1024;  // pause while a replica has this much unsent
constexpr auto kSnapshotSliceTime = std::chrono::microseconds(2000);

}  // namespace

std::string AttachedReplica::ip() const {
  if (!announced_ip.empty()) return announced_ip;
  const std::string& addr = client->addr;
  const size_t colon = addr.rfind(':');
  std::string ip = colon == std::string::npos ? addr : addr.substr(0, colon);
  // "[::1]:port" (CLIENT LIST's form) names the replica as ::1, as Redis.
  if (ip.size() >= 2 && ip.front() == '[' && ip.back() == ']') ip = ip.substr(1, ip.size() - 2);
  return ip;
}

const char* AttachedReplica::state_name() const {
  switch (state) {
    case State::kHandshake:
    case State::kWaitSnapshot: return "wait_bgsave";
    case State::kSendSnapshot: return "send_bulk";
    case State::kWaitFirstAck: return "send_bulk";
    case State::kOnline: return "online";
  }
  return "online";
}

AttachedReplica& ReplicationService::replica_for(core::ClientState& client) {
  auto& slot = replicas_[&client];
  if (!slot) {
    slot = std::make_unique<AttachedReplica>();
    slot->client = &client;
  }
  return *slot;
}

void ReplicationService::forget(core::ClientState& client) {
  std::erase(waiters_, &client);
  auto it = replicas_.find(&client);
  if (it == replicas_.end()) return;  // an ordinary client
  AttachedReplica* replica = it->second.get();
  if (replica->state != AttachedReplica::State::kHandshake)
    spdlog::info("Connection with replica {}:{} lost.", replica->ip(), replica->listening_port);
  // What it acknowledged is all a WAIT can have counted it for: a restarted
  // primary needs no answer from it if another replica holds that much.
  if (replica->state == AttachedReplica::State::kOnline && replica->listening_port > 0)
    known_replicas_.left(replica->ip() + ":" + std::to_string(replica->listening_port), history_.replid,
                         replica->ack_offset);
  std::erase(snapshot_targets_, replica);
  replicas_.erase(it);
  update_good_replicas();
  if (snapshot_ && snapshot_targets_.empty() && disk_fd_ < 0) {
    spdlog::info("Snapshot for replication abandoned: no replica waits for it any more");
    snapshot_.reset();
    schedule_pump(0);  // replicas queued behind it get theirs
  }
}

void ReplicationService::drop(AttachedReplica& replica, const std::string& why) {
  spdlog::warn("Disconnecting replica {}:{}: {}", replica.ip(), replica.listening_port, why);
  core::ClientState* client = replica.client;
  if (client->control != nullptr) client->control->close_soon();
  forget(*client);
}

void ReplicationService::psync(core::CommandContext& ctx, std::string_view replid, std::string_view offset_text,
                               bool old_sync, bool failover) {
  core::ClientState& client = ctx.client;
  // A second SYNC on the same link, or one from a MONITOR (a replica to
  // Redis): ignored, as Redis.
  if (client.is_replica || client.is_monitor) return;
  if (failover && !accept_failover_request(ctx, replid)) return;
  // As Redis's syncCommand: no sync while we hand over. (Unlike Redis, a
  // replica whose own link is down still serves PSYNC: seeding needs it.)
  if (failover_.state != FailoverState::kNone) return ctx.reply.error("NOMASTERLINK Can't SYNC while failing over");
  // Promoted, catching up with a sibling: our history is not the one we
  // will serve yet (the replica retries on -LOADING).
  if (catch_up_ && catch_up_->phase() != PromotionCatchUp::Phase::kDone)
    return ctx.reply.error("LOADING arbor is catching up with another replica before taking writes");
  AttachedReplica& replica = replica_for(client);
  replica.old_sync = old_sync;
  client.is_replica = true;
  const std::string who = replica.ip() + ":" + std::to_string(replica.listening_port);

  if (!old_sync) {
    const BacklogWindow window =
        backlog_ ? BacklogWindow{true, backlog_->first_offset(), backlog_->histlen()} : BacklogWindow{};
    const PsyncAnswer answer = answer_psync(history_, window, replid, offset_text);
    if (answer.resume) {
      ctx.reply.raw(continue_bytes(history_, *backlog_, answer.from, replica.capa_psync2));
      replica.state = AttachedReplica::State::kOnline;
      replica.last_ack_ms = core::unix_time_ms();
      ++instance_.stats.sync_partial_ok;
      if (replica.listening_port > 0) known_replicas_.joined(replica.ip() + ":" + std::to_string(replica.listening_port));
      spdlog::info("Partial resynchronization request from {} accepted. Sending {} bytes of backlog starting from "
                   "offset {}.",
                   who, history_.offset - answer.from + 1, answer.from);
      update_good_replicas();
      return;
    }
    if (replid != "?") {
      ++instance_.stats.sync_partial_err;
      spdlog::info("{} (replica {})", answer.why, who);
    }
  }
  spdlog::info("Replica {} asks for synchronization; full resync requested", who);
  ++instance_.stats.sync_full;
  ensure_backlog();
  replica.state = AttachedReplica::State::kWaitSnapshot;
  schedule_pump(0);
}

void ReplicationService::schedule_pump(int delay_ms) {
  if (pump_scheduled_) return;
  pump_scheduled_ = true;
  pump_timer_.expires_after(std::chrono::milliseconds(delay_ms));
  pump_timer_.async_wait([this](boost::system::error_code ec) {
    if (ec) return;
    pump_scheduled_ = false;
    pump();
  });
}

void ReplicationService::start_snapshot() {
  for (auto& [client, replica] : replicas_)
    if (replica->state == AttachedReplica::State::kWaitSnapshot) snapshot_targets_.push_back(replica.get());
  const bool to_disk = disk_wanted_ && disk_begin();
  if (snapshot_targets_.empty() && !to_disk) return;
  const SnapshotAux aux = snapshot_aux();  // before the SELECT reset below
  // The stream after the snapshot begins with a SELECT, whatever came before.
  select_next_ = true;
  for (AttachedReplica* replica : snapshot_targets_) {
    replica->state = AttachedReplica::State::kSendSnapshot;
    replica->pending.clear();
    std::string head;
    if (!replica->old_sync) head = "+FULLRESYNC " + history_.replid + " " + std::to_string(history_.offset) + "\r\n";
    if (replica->capa_eof) {
      replica->eof_mark = random_replid();
      head += "$EOF:" + replica->eof_mark + "\r\n";
    }
    replica->client->control->deliver(head);
  }
  snapshot_ = std::make_unique<Snapshot>(instance_, aux);
  spdlog::info("Starting a forkless snapshot for {} replica(s){} at offset {}", snapshot_targets_.size(),
               to_disk ? " and the dump file" : "", history_.offset);
}

void ReplicationService::pump() {
  // Snapshot slices read the keyspace: not in the middle of a script.
  if (instance_.script_running) return instance_.after_script([this] { schedule_pump(0); });
  try {
    pump_slices();
  } catch (const std::bad_alloc&) {
    // The replicas waiting for it sync again when they reconnect.
    ++instance_.stats.allocation_failures;
    std::vector<AttachedReplica*> targets = snapshot_targets_;
    abort_snapshot("out of memory writing the snapshot");
    for (AttachedReplica* replica : targets) drop(*replica, "out of memory writing its snapshot");
  }
}

void ReplicationService::pump_slices() {
  if (!snapshot_) {
    start_snapshot();
    if (!snapshot_) return;
  }
  // The snapshot passes through the replica's output buffer: keep well
  // under client-output-buffer-limit replica, which is meant for the stream.
  const auto& limit = instance_.config.settings().output_limit_replica;
  size_t max_unsent = kSnapshotMaxUnsent;
  if (limit.hard > 0) max_unsent = std::min(max_unsent, static_cast<size_t>(limit.hard) / 4);
  if (limit.soft > 0) max_unsent = std::min(max_unsent, static_cast<size_t>(limit.soft) / 4);
  max_unsent = std::max<size_t>(max_unsent, 16 * 1024);
  const size_t slice = std::min(kSnapshotSlice, max_unsent);
  const auto started = std::chrono::steady_clock::now();
  while (true) {
    size_t unsent = 0;
    for (AttachedReplica* replica : snapshot_targets_)
      if (replica->capa_eof && replica->client->control != nullptr)
        unsent = std::max(unsent, replica->client->control->output_buffer_bytes());
    if (unsent > max_unsent) return schedule_pump(1);  // let the socket drain
    const bool complete = snapshot_->step(slice);
    if (snapshot_->note_trees_written() > 0) refuse_redis_replicas();
    if (!snapshot_) return;  // every target was refused
    std::string& chunk = snapshot_->output();
    disk_write(chunk);
    for (AttachedReplica* replica : snapshot_targets_) {
      if (replica->capa_eof) replica->client->control->deliver(chunk);
      else replica->bulk.append(chunk);
    }
    chunk.clear();
    if (complete) return snapshot_done();
    if (std::chrono::steady_clock::now() - started > kSnapshotSliceTime) return schedule_pump(0);
  }
}

// Our decision for a replica that is not arbor (a real Redis) while note
// trees exist: it cannot load them, and half a dataset would be silent
// divergence, so it is disconnected with a log line that says why; it keeps
// retrying, and syncs once no note tree is left.
void ReplicationService::refuse_redis_replicas() {
  std::vector<AttachedReplica*> refused;
  for (const auto& [client, replica] : replicas_) {
    using enum AttachedReplica::State;
    const bool receiving = replica->state == kSendSnapshot || replica->state == kWaitFirstAck ||
                           replica->state == kOnline;
    if (!replica->is_arbor && receiving) refused.push_back(replica.get());
  }
  for (AttachedReplica* replica : refused)
    drop(*replica, "it is not arbor (no REPLCONF capa arbor) and the dataset holds note trees, which Redis cannot "
                   "load; it can replicate once no note tree is left");
}

void ReplicationService::snapshot_done() {
  spdlog::info("Snapshot complete: {} keys", snapshot_->keys_written());
  const auto targets = std::move(snapshot_targets_);
  snapshot_targets_.clear();
  snapshot_.reset();
  disk_finish(true);
  for (AttachedReplica* replica : targets) {
    auto* control = replica->client->control;
    if (replica->capa_eof) {
      control->deliver(replica->eof_mark);
    } else {
      control->deliver("$" + std::to_string(replica->bulk.size()) + "\r\n");
      control->deliver(replica->bulk);
      std::string().swap(replica->bulk);
    }
    if (replica->rdb_only) {
      control->close_after_output();
      continue;
    }
    // A replica loading from an EOF-marked stream cannot tell the stream
    // from the snapshot's tail: it gets the stream after its first ACK.
    if (replica->capa_eof) replica->state = AttachedReplica::State::kWaitFirstAck;
    else go_online(*replica);
  }
  schedule_pump(0);  // replicas that arrived meanwhile
}

void ReplicationService::go_online(AttachedReplica& replica) {
  replica.state = AttachedReplica::State::kOnline;
  replica.last_ack_ms = core::unix_time_ms();
  if (!replica.pending.empty()) replica.client->control->deliver(replica.pending);
  std::string().swap(replica.pending);
  spdlog::info("Synchronization with replica {}:{} succeeded", replica.ip(), replica.listening_port);
  if (replica.listening_port > 0) known_replicas_.joined(replica.ip() + ":" + std::to_string(replica.listening_port));
  update_good_replicas();
}

void ReplicationService::ack(core::ClientState& client, uint64_t offset) {
  auto it = replicas_.find(&client);
  if (it == replicas_.end()) return;
  AttachedReplica& replica = *it->second;
  replica.ack_offset = std::max(replica.ack_offset, offset);
  replica.last_ack_ms = core::unix_time_ms();
  if (replica.state == AttachedReplica::State::kWaitFirstAck) go_online(replica);
  check_waiters();
  update_failover();
}

int ReplicationService::online_replicas() const {
  int n = 0;
  for (const auto& [client, replica] : replicas_) n += replica->state == AttachedReplica::State::kOnline;
  return n;
}

int ReplicationService::replicas_acked(uint64_t offset) const {
  int n = 0;
  for (const auto& [client, replica] : replicas_)
    n += replica->state == AttachedReplica::State::kOnline && replica->ack_offset >= offset;
  return n;
}

void ReplicationService::wait(core::CommandContext& ctx, int64_t count, int64_t timeout_ms) {
  const uint64_t target = ctx.client.repl_offset;
  const int acked = replicas_acked(target);
  if (acked >= count || ctx.client.in_exec) return ctx.reply.integer(acked);
  const int64_t deadline = timeout_ms == 0 ? 0 : ctx.now_ms() + timeout_ms;
  ctx.block({}, deadline, keyspace::ValueType::kString, core::TimeoutReply::kNullArray, {"wait"});
  if (!ctx.client.blocked) return;
  ctx.client.blocked->timeout_writer = [this, target](protocol::ReplyWriter& reply) {
    reply.integer(replicas_acked(target));
  };
  ctx.client.blocked->wait_target = {target, count};
  waiters_.push_back(&ctx.client);
  // Ask every replica where it is now (Redis does it once per loop pass).
  append("*3\r\n$8\r\nREPLCONF\r\n$6\r\nGETACK\r\n$1\r\n*\r\n");
}

void ReplicationService::check_waiters() {
  std::vector<core::ClientState*> done;
  std::erase_if(waiters_, [&](core::ClientState* client) {
    if (!client->blocked || !client->blocked->wait_target) return true;  // timed out meanwhile
    const auto [target, count] = *client->blocked->wait_target;
    if (replicas_acked(target) < count) return false;
    done.push_back(client);
    return true;
  });
  for (core::ClientState* client : done) instance_.unblock_client(*client);
}

}  // namespace arbor::replication
