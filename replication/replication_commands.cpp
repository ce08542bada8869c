// The replication commands: REPLCONF, PSYNC, SYNC, REPLICAOF (SLAVEOF),
// ROLE, WAIT, and the INFO replication section, with Redis 7.0's replies.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <type_traits>

#include "protocol/errors.h"
#include "protocol/number_format.h"
#include "replication/replica_link.h"
#include "replication/replication_service.h"
#include "server/core/arguments.h"
#include "server/core/command_context.h"

namespace arbor::replication {
namespace {

using core::CommandContext;
using core::equals_ci;

// REPLCONF <option> <value> [<option> <value> ...]
void replconf(CommandContext& ctx) {
  if (ctx.argc() % 2 == 0) return ctx.reply.error(protocol::errors::kSyntax);
  ReplicationService& service = service_of(ctx.instance);
  std::string_view promoting, old_primary;
  for (size_t i = 1; i < ctx.argc(); i += 2) {
    const std::string_view option = ctx.arg(i);
    const std::string_view value = ctx.arg(i + 1);
    if (equals_ci(option, "ack")) {
      // Never answered: ACKs flow on the replica's stream connection.
      if (auto offset = protocol::parse_int64(value); offset && *offset >= 0 && ctx.client.is_replica)
        service.ack(ctx.client, static_cast<uint64_t>(*offset));
      return;
    }
    if (equals_ci(option, "getack")) {
      if (ctx.client.is_master && service.link() != nullptr) service.link()->send_ack();
      return;
    }
    // arbor's own: `promoting <replid> old-primary <host:port>`, a replica
    // of that primary is promoted in its place (promotion_catch_up.h).
    if (equals_ci(option, "promoting") || equals_ci(option, "old-primary")) {
      (equals_ci(option, "promoting") ? promoting : old_primary) = value;
      continue;
    }
    AttachedReplica& replica = service.replica_for(ctx.client);
    if (equals_ci(option, "listening-port")) {
      int64_t port;
      if (!core::int_or_reply(ctx, value, port)) return;
      replica.listening_port = static_cast<int>(port);
    } else if (equals_ci(option, "ip-address")) {
      replica.announced_ip = std::string(value);
    } else if (equals_ci(option, "capa")) {
      if (equals_ci(value, "eof")) replica.capa_eof = true;
      else if (equals_ci(value, "psync2")) replica.capa_psync2 = true;
      else if (equals_ci(value, "arbor")) replica.is_arbor = true;
      // Other capabilities are ignored, as Redis does.
    } else if (equals_ci(option, "rdb-only")) {
      replica.rdb_only = value == "1";
    } else if (equals_ci(option, "rdb-filter-only") || equals_ci(option, "fack")) {
      // Accepted and ignored (redis-cli --replica; Redis 7.2's ACK FACK).
    } else {
      return ctx.reply.error("ERR Unrecognized REPLCONF option: " + std::string(option));
    }
  }
  if (!promoting.empty()) service.hold_off_primary(promoting, old_primary, ctx.client.addr);
  ctx.reply.ok();
}

// PSYNC replicationid offset [FAILOVER]
void psync(CommandContext& ctx) {
  const bool failover = ctx.argc() > 3 && equals_ci(ctx.arg(3), "failover");
  service_of(ctx.instance).psync(ctx, ctx.arg(1), ctx.arg(2), false, failover);
}

// FAILOVER [TO host port [FORCE]] [ABORT] [TIMEOUT milliseconds]
void failover(CommandContext& ctx) { service_of(ctx.instance).failover_command(ctx); }

// SYNC
void sync(CommandContext& ctx) { service_of(ctx.instance).psync(ctx, "?", "-1", true); }

// REPLICAOF host port | NO ONE (SLAVEOF is the same command)
void replicaof(CommandContext& ctx) {
  ReplicationService& service = service_of(ctx.instance);
  if (service.failover_state() != ReplicationService::FailoverState::kNone)
    return ctx.reply.error("ERR REPLICAOF not allowed while failing over.");
  if (equals_ci(ctx.arg(1), "no") && equals_ci(ctx.arg(2), "one")) {
    // Undecided at boot: the operator (or Sentinel) says we are the primary.
    if (service.end_seeding("REPLICAOF NO ONE: serving as the primary with the data we have")) {
      service.start_serving("REPLICAOF NO ONE while seeding");
      return ctx.reply.ok();
    }
    if (service.is_replica()) {
      // Sentinel names its connections "sentinel-<id>-cmd": a failover its
      // quorum decided, the old primary is out whether it answers us or not.
      service.become_primary(true, ctx.client.name.starts_with("sentinel-"));
      ctx.instance.config.settings().replicaof.clear();
      spdlog::info("MASTER MODE enabled (user request from 'id={} addr={}')", ctx.client.id, ctx.client.addr);
    }
    return ctx.reply.ok();
  }
  if (ctx.client.is_replica) return ctx.reply.error("ERR Command is not valid when client is a replica.");
  int64_t port;
  if (!core::int_or_reply(ctx, ctx.arg(2), port)) return;
  if (port < 0 || port > 65535) return ctx.reply.error("ERR Invalid master port");
  const std::string host(ctx.arg(1));
  if (ReplicaLink* link = service.link(); link != nullptr && link->host() == host && link->port() == port) {
    if (link->protecting_data()) {
      link->allow_replacing_data();
      spdlog::warn("REPLICAOF {}:{} again: the next full sync from it may replace our data (user request from "
                   "'id={} addr={}')",
                   host, port, ctx.client.id, ctx.client.addr);
      return ctx.reply.ok();
    }
    spdlog::info("REPLICAOF would result into synchronization with the master we are already connected with. No "
                 "operation performed.");
    return ctx.reply.simple("OK Already connected to specified master");
  }
  service.end_seeding("REPLICAOF " + host + " " + std::to_string(port) + ": following it instead");
  ctx.instance.config.settings().replicaof = host + " " + std::to_string(port);
  service.replicate_from(host, static_cast<int>(port));
  spdlog::info("REPLICAOF {}:{} enabled (user request from 'id={} addr={}')", host, port, ctx.client.id,
               ctx.client.addr);
  ctx.reply.ok();
}

// ROLE
void role(CommandContext& ctx) {
  ReplicationService& service = service_of(ctx.instance);
  if (const ReplicaLink* link = service.link()) {
    ctx.reply.array(5);
    ctx.reply.bulk("slave");
    ctx.reply.bulk(link->host());
    ctx.reply.integer(link->port());
    // "protecting-data": refusing the primary's full sync (replica-protect-data).
    ctx.reply.bulk(link->protecting_data() ? "protecting-data" : link->state_name());
    ctx.reply.integer(link->ever_synced() || link->protecting_data() ? static_cast<int64_t>(service.offset()) : -1);
    return;
  }
  if (const Seeder* seeder = service.seeder(); seeder != nullptr && seeder->phase() != Seeder::Phase::kDone) {
    // Not a primary yet: a role of its own, so nothing mistakes it for one.
    ctx.reply.array(4);
    ctx.reply.bulk("seeding");
    ctx.reply.bulk(seeder->phase_name());
    ctx.reply.bulk(seeder->chosen());
    ctx.reply.integer(static_cast<int64_t>(seeder->bytes_loaded()));
    return;
  }
  std::vector<const AttachedReplica*> online;
  for (const auto& [client, replica] : service.replicas())
    if (replica->state == AttachedReplica::State::kOnline) online.push_back(replica.get());
  ctx.reply.array(3);
  ctx.reply.bulk("master");
  ctx.reply.integer(static_cast<int64_t>(service.offset()));
  ctx.reply.array(online.size());
  for (const AttachedReplica* replica : online) {
    ctx.reply.array(3);
    ctx.reply.bulk(replica->ip());
    ctx.reply.bulk(std::to_string(replica->listening_port));
    ctx.reply.bulk(std::to_string(replica->ack_offset));
  }
}

// WAIT numreplicas timeout
void wait(CommandContext& ctx) {
  ReplicationService& service = service_of(ctx.instance);
  if (service.is_replica())
    return ctx.reply.error("ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 "
                           "if a replica is configured to be writable (which is not the default) writes to "
                           "replicas are just local and are not propagated.");
  int64_t count, timeout;
  if (!core::int_or_reply(ctx, ctx.arg(1), count)) return;
  if (!core::int_or_reply(ctx, ctx.arg(2), timeout)) return;
  if (timeout < 0) return ctx.reply.error("ERR timeout is negative");
  service.wait(ctx, count, timeout);
}

// BGSAVE [SCHEDULE]
void bgsave(CommandContext& ctx) {
  bool schedule = false;
  if (ctx.argc() == 2) {
    if (!equals_ci(ctx.arg(1), "schedule")) return ctx.reply.error(protocol::errors::kSyntax);
    schedule = true;
  }
  service_of(ctx.instance).bgsave(schedule, ctx.reply);
}

}  // namespace

std::string ReplicationService::info_section() const {
  std::string out;
  auto field = [&out](std::string_view name, const auto& value) {
    out.append(name);
    out += ':';
    if constexpr (std::is_arithmetic_v<std::decay_t<decltype(value)>>) out += std::to_string(value);
    else out.append(value);
    out += "\r\n";
  };
  const int64_t now = core::unix_time_ms();
  field("role", std::string_view(link_ ? "slave" : "master"));
  if (link_) {
    const bool up = link_->state() == ReplicaLink::State::kConnected;
    field("master_host", link_->host());
    field("master_port", link_->port());
    field("master_link_status", std::string_view(up ? "up" : "down"));
    field("master_last_io_seconds_ago", link_->last_io_ms() ? (now - link_->last_io_ms()) / 1000 : int64_t{-1});
    const bool syncing = link_->state() == ReplicaLink::State::kTransfer;
    field("master_sync_in_progress", syncing ? 1 : 0);
    field("slave_read_repl_offset", history_.offset);
    field("slave_repl_offset", history_.offset);
    if (syncing) {
      field("master_sync_total_bytes", link_->transfer_size());
      field("master_sync_read_bytes", link_->transfer_read());
      field("master_sync_left_bytes",
            link_->transfer_size() < 0 ? int64_t{-1}
                                       : link_->transfer_size() - static_cast<int64_t>(link_->transfer_read()));
      const int64_t total = link_->transfer_size();
      char perc[32];
      std::snprintf(perc, sizeof perc, "%.2f",
                    total > 0 ? 100.0 * static_cast<double>(link_->transfer_read()) / static_cast<double>(total) : 0.0);
      field("master_sync_perc", std::string_view(perc));
      field("master_sync_last_io_seconds_ago", (now - link_->last_io_ms()) / 1000);
    }
    if (!up) field("master_link_down_since_seconds", link_->down_since_ms() ? (now - link_->down_since_ms()) / 1000 : -1);
    field("slave_priority", instance_.config.settings().replica_priority);
    field("slave_read_only", instance_.config.settings().replica_read_only ? 1 : 0);
    field("replica_announced", instance_.config.settings().replica_announced ? 1 : 0);
  }
  field("connected_slaves", replicas_.size() - std::count_if(replicas_.begin(), replicas_.end(), [](const auto& r) {
                              return r.second->state == AttachedReplica::State::kHandshake;
                            }));
  if (instance_.config.settings().min_replicas_to_write > 0 && instance_.config.settings().min_replicas_max_lag > 0)
    field("min_slaves_good_slaves", instance_.repl.good_replicas);
  int n = 0;
  for (const auto& [client, replica] : replicas_) {
    if (replica->state == AttachedReplica::State::kHandshake) continue;
    const int64_t lag = replica->last_ack_ms ? (now - replica->last_ack_ms) / 1000 : 0;
    field("slave" + std::to_string(n++), "ip=" + replica->ip() + ",port=" + std::to_string(replica->listening_port) +
                                            ",state=" + replica->state_name() +
                                            ",offset=" + std::to_string(replica->ack_offset) +
                                            ",lag=" + std::to_string(lag));
  }
  field("master_failover_state", std::string_view(failover_state_name()));
  field("master_replid", history_.replid);
  field("master_replid2", history_.replid2);
  field("master_repl_offset", history_.offset);
  field("second_repl_offset", history_.second_offset);
  field("repl_backlog_active", backlog_ ? 1 : 0);
  field("repl_backlog_size", instance_.config.settings().repl_backlog_size);
  field("repl_backlog_first_byte_offset", backlog_ ? backlog_->first_offset() : history_.offset + 1);
  field("repl_backlog_histlen", backlog_ ? backlog_->histlen() : 0);
  // arbor's own lines last, after Redis's: replica-protect-data refusing
  // the primary's full sync, and why; the seeding at boot.
  if (link_) {
    const FullSyncVerdict& refusal = link_->refusal();
    field("replica_protect_data_refusing",
          std::string_view(refusal.kind == FullSyncVerdict::Kind::kRefuseAhead       ? "ahead"
                           : refusal.kind == FullSyncVerdict::Kind::kRefuseUnrelated ? "new-history"
                                                                                      : "no"));
    if (refusal.kind == FullSyncVerdict::Kind::kRefuseAhead) field("replica_protect_data_ahead_bytes", refusal.ahead_by);
  }
  if (link_) {
    std::string siblings;
    for (const std::string& address : siblings_) siblings += (siblings.empty() ? "" : " ") + address;
    field("sibling_replicas", siblings);
  }
  if (seeder_) seeder_->append_info(out);
  if (catch_up_) catch_up_->append_info(out);
  return out;
}

void register_replication_commands(core::CommandTable& t) {
  using namespace core;
  t.add({"replconf", -1, kAdmin | kNoscript | kLoading | kStale | kAllowBusy, {}, replconf, "server",
         "An internal command for configuring the replication stream", "3.0.0", "O(1)", ""});
  t.add({"psync", -3, kAdmin | kNoscript | kNoMulti, {}, psync, "server",
         "Internal command used for replication", "2.8.0", "", "replicationid offset:integer"});
  t.add({"sync", 1, kAdmin | kNoscript | kNoMulti, {}, sync, "server", "Internal command used for replication",
         "1.0.0", "", ""});
  t.add({"replicaof", 3, kAdmin | kNoscript | kStale | kWhileSeeding, {}, replicaof, "server",
         "Make the server a replica of another instance, or promote it as master.", "5.0.0", "O(1)",
         "host port"});
  t.add({"slaveof", 3, kAdmin | kNoscript | kStale | kWhileSeeding, {}, replicaof, "server",
         "Make the server a replica of another instance, or promote it as master.", "1.0.0", "O(1)",
         "host port"});
  t.add({"failover", -1, kAdmin | kNoscript | kStale, {}, failover, "server",
         "Start a coordinated failover between this server and one of its replicas.", "6.2.0", "O(1)",
         "[TO host port [FORCE]] [ABORT] [TIMEOUT milliseconds]"});
  t.add({"bgsave", -1, kAdmin | kNoscript | kNoMulti, {}, bgsave, "server",
         "Asynchronously save the dataset to disk", "1.0.0", "O(1)", "[SCHEDULE]"});
  t.add({"role", 1, kNoscript | kLoading | kStale | kFast, {}, role, "server",
         "Return the role of the instance in the context of replication", "2.8.12", "O(1)", ""});
  t.add({"wait", 3, kNoscript, {}, wait, "generic",
         "Wait for the synchronous replication of all the write commands sent in the context of the current "
         "connection",
         "3.0.0", "O(1)", "numreplicas:integer timeout:integer"});
}

}  // namespace arbor::replication
