// FAILOVER [TO host port [FORCE]] [ABORT] [TIMEOUT ms]: Redis 7.0's
// coordinated failover (replication.c's failoverCommand and
// updateFailoverStatus). The primary pauses writes, waits until the target
// replica has acknowledged every byte, becomes its replica and asks
// `PSYNC <our replid> <offset+1> FAILOVER`, on which the target promotes
// itself and continues us. Writes postponed meanwhile run again afterwards
// (and get -READONLY), so no acknowledged write is lost.
#include <spdlog/spdlog.h>

#include <algorithm>

#include "protocol/errors.h"
#include "protocol/number_format.h"
#include "replication/replica_link.h"
#include "replication/replication_service.h"
#include "server/core/arguments.h"
#include "server/core/command_context.h"

namespace arbor::replication {
namespace {

using core::equals_ci;

}  // namespace

const char* ReplicationService::failover_state_name() const {
  switch (failover_.state) {
    case FailoverState::kNone: return "no-failover";
    case FailoverState::kWaitForSync: return "waiting-for-sync";
    case FailoverState::kInProgress: return "failover-in-progress";
  }
  return "unknown";
}

AttachedReplica* ReplicationService::find_replica(std::string_view host, int port) {
  for (auto& [client, replica] : replicas_)
    if (replica->listening_port == port && equals_ci(replica->ip(), host)) return replica.get();
  return nullptr;
}

void ReplicationService::failover_command(core::CommandContext& ctx) {
  if (ctx.argc() == 2 && equals_ci(ctx.arg(1), "abort")) {
    if (failover_.state == FailoverState::kNone) return ctx.reply.error("ERR No failover in progress.");
    abort_failover("Failover manually aborted");
    return ctx.reply.ok();
  }
  int64_t timeout = 0;
  std::string host;
  int64_t port = 0;
  bool force = false;
  for (size_t j = 1; j < ctx.argc(); ++j) {
    if (equals_ci(ctx.arg(j), "timeout") && j + 1 < ctx.argc() && timeout == 0) {
      if (!core::int_or_reply(ctx, ctx.arg(j + 1), timeout)) return;
      if (timeout <= 0) return ctx.reply.error("ERR FAILOVER timeout must be greater than 0");
      ++j;
    } else if (equals_ci(ctx.arg(j), "to") && j + 2 < ctx.argc() && host.empty()) {
      if (!core::int_or_reply(ctx, ctx.arg(j + 2), port)) return;
      host = std::string(ctx.arg(j + 1));
      j += 2;
    } else if (equals_ci(ctx.arg(j), "force") && !force) {
      force = true;
    } else {
      return ctx.reply.error(protocol::errors::kSyntax);
    }
  }
  if (failover_.state != FailoverState::kNone) return ctx.reply.error("ERR FAILOVER already in progress.");
  if (is_replica()) return ctx.reply.error("ERR FAILOVER is not valid when server is a replica.");
  // As Redis's server.slaves: connections that sent SYNC/PSYNC, not ones
  // that only sent REPLCONF.
  const bool has_replicas = std::any_of(replicas_.begin(), replicas_.end(), [](const auto& entry) {
    return entry.second->state != AttachedReplica::State::kHandshake;
  });
  if (!has_replicas) return ctx.reply.error("ERR FAILOVER requires connected replicas.");
  if (force && (timeout == 0 || host.empty()))
    return ctx.reply.error("ERR FAILOVER with force option requires both a timeout and target HOST and IP.");
  if (!host.empty()) {
    const AttachedReplica* target = find_replica(host, static_cast<int>(port));
    if (target == nullptr) return ctx.reply.error("ERR FAILOVER target HOST and PORT is not a replica.");
    if (target->state != AttachedReplica::State::kOnline)
      return ctx.reply.error("ERR FAILOVER target replica is not online.");
    spdlog::info("FAILOVER requested to {}:{}.", host, port);
  } else {
    spdlog::info("FAILOVER requested to any replica.");
  }
  failover_ = Failover{};
  failover_.state = FailoverState::kWaitForSync;
  failover_.end_ms = timeout > 0 ? core::unix_time_ms() + timeout : 0;
  failover_.force = force;
  failover_.target_host = host;
  failover_.target_port = static_cast<int>(port);
  instance_.pause_writes();
  ctx.reply.ok();
  update_failover();
}

void ReplicationService::update_failover() {
  if (failover_.state != FailoverState::kWaitForSync) return;
  if (failover_.end_ms != 0 && failover_.end_ms <= core::unix_time_ms()) {
    if (failover_.force) {
      spdlog::warn("FAILOVER to {}:{} time out exceeded, failing over.", failover_.target_host, failover_.target_port);
      return hand_over();
    }
    return abort_failover("Replica never caught up before timeout");
  }
  const AttachedReplica* target = nullptr;
  if (!failover_.target_host.empty()) {
    target = find_replica(failover_.target_host, failover_.target_port);
  } else {
    // The first replica (in the order they attached) that has everything.
    std::vector<const AttachedReplica*> ordered;
    for (const auto& [client, replica] : replicas_) ordered.push_back(replica.get());
    std::sort(ordered.begin(), ordered.end(),
              [](const AttachedReplica* a, const AttachedReplica* b) { return a->client->id < b->client->id; });
    for (const AttachedReplica* replica : ordered)
      if (replica->state == AttachedReplica::State::kOnline && replica->ack_offset == history_.offset &&
          replica->listening_port > 0) {
        target = replica;
        failover_.target_host = replica->ip();
        failover_.target_port = replica->listening_port;
        break;
      }
  }
  if (target == nullptr || target->ack_offset != history_.offset) return;
  spdlog::info("Failover target {}:{} is synced, failing over.", failover_.target_host, failover_.target_port);
  hand_over();
}

void ReplicationService::hand_over() {
  failover_.state = FailoverState::kInProgress;
  // The link asks PSYNC ... FAILOVER while the state says so (replica_link.cpp).
  instance_.config.settings().replicaof = failover_.target_host + " " + std::to_string(failover_.target_port);
  replicate_from(failover_.target_host, failover_.target_port);
}

void ReplicationService::abort_failover(std::string_view why) {
  if (failover_.state == FailoverState::kNone) return;
  if (failover_.target_host.empty())
    spdlog::warn("FAILOVER to any replica aborted: {}", why);
  else
    spdlog::warn("FAILOVER to {}:{} aborted: {}", failover_.target_host, failover_.target_port, why);
  // Already a replica of the target: a primary again, on a new history.
  if (failover_.state == FailoverState::kInProgress) {
    become_primary(false);
    instance_.config.settings().replicaof.clear();
  }
  end_failover();
}

void ReplicationService::end_failover() {
  failover_ = Failover{};
  instance_.resume_writes();
}

// The target's side: `PSYNC <replid> <offset> FAILOVER` from our primary.
// True when the PSYNC goes on as an ordinary one.
bool ReplicationService::accept_failover_request(core::CommandContext& ctx, std::string_view replid) {
  spdlog::warn("Failover request received for replid {}.", replid);
  if (!is_replica()) {
    ctx.reply.error("ERR PSYNC FAILOVER can't be sent to a master.");
    return false;
  }
  if (replid != history_.replid) {
    ctx.reply.error("ERR PSYNC FAILOVER replid must match my replid.");
    return false;
  }
  become_primary(false);
  instance_.config.settings().replicaof.clear();
  spdlog::info("MASTER MODE enabled (failover request from 'id={} addr={}')", ctx.client.id, ctx.client.addr);
  return true;
}

}  // namespace arbor::replication
