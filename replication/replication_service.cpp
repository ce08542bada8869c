// ReplicationService: the history, the backlog, the stream's encoding and
// its fan-out to attached replicas, and the once-a-tick housekeeping.
#include "replication/replication_service.h"

#include <spdlog/spdlog.h>

#include <stdexcept>
#include <string>

#include "replication/persistence.h"
#include "replication/replica_link.h"
#include "server/core/arguments.h"
#include "server/core/random.h"
#include "protocol/reply_writer.h"

namespace arbor::replication {
namespace {

// True for an encoded NOTE.* command ("*N\r\n$L\r\nNOTE.ADD\r\n...").
bool is_note_command(std::string_view command) {
  const size_t name = command.find('\n', command.find('\n') + 1) + 1;
  return name != 0 && core::equals_ci(command.substr(name, 5), "note.");
}

}  // namespace

std::string random_replid() {
  static const char kDigits[] = "0123456789abcdef";
  std::string id(40, '0');
  uint64_t bits = 0;
  for (size_t i = 0; i < id.size(); ++i) {
    if (i % 16 == 0) bits = core::random_u64();
    id[i] = kDigits[bits & 15];
    bits >>= 4;
  }
  return id;
}

ReplicationService& service_of(core::Instance& instance) {
  ReplicationService* service = instance.hooks.replication_service;
  if (service == nullptr) throw std::logic_error("no replication service installed");
  return *service;
}

ReplicationService::ReplicationService(core::Instance& instance, core::Dispatcher& dispatcher, asio::io_context& io)
    : instance_(instance),
      dispatcher_(dispatcher),
      io_(io),
      pump_timer_(io),
      cron_timer_(io),
      known_replicas_(path_in_dir(instance, "arbor-replicas")) {
  history_.replid = random_replid();
  known_replicas_.load();
  instance_.propagation.set_feed(this);
  instance_.hooks.replication_service = this;
  instance_.hooks.on_client_removed = [this](core::ClientState& client) { forget(client); };
  instance_.hooks.replication_info = [this] { return info_section(); };
  instance_.hooks.on_sentinel_hello = [this](std::string_view payload) { on_sentinel_hello(payload); };
  instance_.hooks.drop_master_link = [this] {
    if (link_) link_->drop();
  };
  instance_.hooks.save_to_disk = [this](std::string& error) {
    abort_snapshot("saving in the foreground before exit");
    return save_to_disk(instance_, error);
  };
  schedule_cron();
}

ReplicationService::~ReplicationService() {
  if (link_) link_->stop();  // the coroutine may outlive us: it must not call back
  if (seeder_) seeder_->stop();
  if (catch_up_) catch_up_->stop();
  link_.reset();
  snapshot_.reset();
  instance_.propagation.set_feed(nullptr);
  instance_.hooks.on_client_removed = nullptr;
  instance_.hooks.replication_info = nullptr;
  instance_.hooks.on_sentinel_hello = nullptr;
  instance_.hooks.drop_master_link = nullptr;
  instance_.hooks.save_to_disk = nullptr;
  instance_.hooks.replication_service = nullptr;
}

void ReplicationService::feed(int db, std::string_view command) {
  if (is_note_command(command)) refuse_redis_replicas();  // a Redis replica cannot run it
  if (select_next_ || db != stream_db_) {
    std::string select;
    protocol::append_command(select, std::initializer_list<std::string_view>{"SELECT", std::to_string(db)});
    append(select);
    stream_db_ = db;
    select_next_ = false;
  }
  append(command);
}

void ReplicationService::append(std::string_view bytes) {
  if (!backlog_) return;
  backlog_->append(bytes);
  history_.offset += bytes.size();
  std::vector<AttachedReplica*> over_limit, out_of_memory;
  const auto& limit = instance_.config.settings().output_limit_replica;
  for (auto& [client, replica] : replicas_) {
    if (replica->rdb_only) continue;  // the snapshot alone, then it closes
    // A replica whose copy of the stream cannot be buffered (allocation
    // failed) is dropped, never left up with a gap: it continues from the
    // backlog when it reconnects.
    try {
      switch (replica->state) {
        case AttachedReplica::State::kOnline:
          if (client->control != nullptr) client->control->deliver(bytes);
          break;
        case AttachedReplica::State::kSendSnapshot:
        case AttachedReplica::State::kWaitFirstAck:
          // Held until the snapshot is through; bounded like an output buffer.
          replica->pending.append(bytes);
          if (limit.hard > 0 && static_cast<int64_t>(replica->pending.size()) >= limit.hard)
            over_limit.push_back(replica.get());
          break;
        default:
          break;
      }
    } catch (const std::bad_alloc&) {
      out_of_memory.push_back(replica.get());
    }
  }
  for (AttachedReplica* replica : over_limit) {
    ++instance_.stats.client_output_buffer_limit_disconnections;
    drop(*replica, "its stream buffer passed client-output-buffer-limit replica during the sync");
  }
  for (AttachedReplica* replica : out_of_memory)
    drop(*replica, "out of memory buffering its stream; it continues from the backlog when it reconnects");
}

void ReplicationService::reserve(size_t bytes) {
  // A replica whose buffer cannot take the write is dropped (it continues
  // from the backlog when it reconnects), not a reason to refuse the write.
  std::vector<AttachedReplica*> out_of_memory;
  for (auto& [client, replica] : replicas_) {
    if (replica->rdb_only) continue;
    try {
      if (replica->state == AttachedReplica::State::kOnline && client->control != nullptr)
        client->control->reserve_output(bytes);
      else if (replica->state == AttachedReplica::State::kSendSnapshot ||
               replica->state == AttachedReplica::State::kWaitFirstAck)
        replica->pending.reserve(replica->pending.size() + bytes);
    } catch (const std::bad_alloc&) {
      out_of_memory.push_back(replica.get());
    }
  }
  for (AttachedReplica* replica : out_of_memory)
    drop(*replica, "out of memory for its stream buffer; it continues from the backlog when it reconnects");
}

// The stream misses a write the data has: no offset of this history can be
// trusted past here, so a new history without a past, and every replica
// syncs again in full.
void ReplicationService::lost_write(std::string_view why) {
  spdlog::error("A write could not be propagated ({}): starting a new replication history so that every replica "
                "syncs again in full",
                why);
  start_history(history_.offset, true);
  if (is_replica() && link_) link_->drop();
  disconnect_replicas();
}

void ReplicationService::forget_history(std::string_view why) {
  spdlog::error("Forgetting our replication history ({}): the next sync with our primary is a full one", why);
  start_history(0, false);
  backlog_.reset();
  disconnect_replicas();
}

void ReplicationService::start_history(uint64_t offset, bool wrote) {
  history_ = History{.replid = random_replid(), .offset = offset};
  wrote_history_ = wrote;
  record_role();
}

void ReplicationService::ensure_backlog() {
  if (backlog_) return;
  // As Redis's createReplicationBacklog: a primary's first replica starts a
  // new history, so no one can mistake old offsets for this one's.
  if (!is_replica()) start_history(history_.offset, true);
  backlog_.emplace(static_cast<size_t>(instance_.config.settings().repl_backlog_size), history_.offset + 1);
}

int ReplicationService::stream_db() const {
  if (link_) return link_->stream_db();
  return stream_db_;
}

SnapshotAux ReplicationService::snapshot_aux() const {
  return SnapshotAux{.replid = history_.replid,
                     .repl_offset = history_.offset,
                     .stream_db = stream_db(),
                     .with_repl_fields = backlog_.has_value()};
}

void ReplicationService::adopt_history(std::string replid, uint64_t offset, int stream_db) {
  history_ = History{.replid = std::move(replid), .offset = offset};
  wrote_history_ = false;
  stream_db_ = stream_db;
  select_next_ = true;
  backlog_.emplace(static_cast<size_t>(instance_.config.settings().repl_backlog_size), history_.offset + 1);
}

void ReplicationService::switch_replid(std::string replid) {
  history_ = promoted(history_, std::move(replid));
  wrote_history_ = false;  // the id is our primary's
  record_role();
  // Sub-replicas reconnect and continue under the new id (replid2 matches).
  disconnect_replicas();
}

void ReplicationService::promote(std::string_view why) {
  history_ = promoted(history_, random_replid());
  wrote_history_ = true;
  record_role();
  if (!backlog_) backlog_.emplace(static_cast<size_t>(instance_.config.settings().repl_backlog_size), history_.offset + 1);
  spdlog::info("Setting secondary replication ID to {}, valid up to offset: {}. New replication ID is {} ({})",
               history_.replid2, history_.second_offset, history_.replid, why);
}

void ReplicationService::start_serving(std::string_view why) {
  // A history of ours from before (a dump, a seed): continuing it as its
  // writer after a restart would let a node that followed someone else on
  // it be continued past their fork.
  if (backlog_ && !is_replica()) promote(why);
}

void ReplicationService::disconnect_replicas() {
  std::vector<AttachedReplica*> all;
  for (auto& [client, replica] : replicas_)
    if (client->is_replica) all.push_back(replica.get());
  for (AttachedReplica* replica : all) drop(*replica, "the replication history changed");
}

void ReplicationService::schedule_cron() {
  cron_timer_.expires_after(std::chrono::milliseconds(100));
  cron_timer_.async_wait([this](boost::system::error_code ec) {
    if (ec) return;
    schedule_cron();  // first: a tick that throws must not end the ticks
    cron();
  });
}

void ReplicationService::cron() {
  if (instance_.script_running) return;  // inside a busy script: next tick
  const int64_t now = core::unix_time_ms();
  const auto& settings = instance_.config.settings();
  // backlog_->resize when repl-backlog-size changed at run time.
  if (backlog_ && backlog_->capacity() != static_cast<size_t>(settings.repl_backlog_size))
    backlog_->resize(static_cast<size_t>(settings.repl_backlog_size));
  instance_.repl.backlog_bytes = backlog_ ? backlog_->capacity() : 0;  // (INFO memory)
  // A primary pings its replicas through the stream (counted in offsets);
  // a replica forwards its own primary's pings instead.
  update_failover();
  // (No PING while a failover waits for its target: the offset must hold.)
  if (!is_replica() && !replicas_.empty() && failover_.state == FailoverState::kNone &&
      now - last_ping_ms_ >= settings.repl_ping_replica_period * 1000) {
    last_ping_ms_ = now;
    if (online_replicas() > 0) {
      append("*1\r\n$4\r\nPING\r\n");  // no database: no SELECT for it
    }
  }
  // A replica that stopped acknowledging is gone (Redis's repl-timeout).
  std::vector<AttachedReplica*> silent;
  for (auto& [client, replica] : replicas_) {
    if (replica->state == AttachedReplica::State::kOnline && !replica->old_sync &&
        now - replica->last_ack_ms > settings.repl_timeout * 1000)
      silent.push_back(replica.get());
  }
  for (AttachedReplica* replica : silent) drop(*replica, "timeout: no ACK within repl-timeout");
  // A snapshot target that stopped reading would hold the pump forever.
  std::vector<AttachedReplica*> stalled;
  for (AttachedReplica* replica : snapshot_targets_) {
    const size_t unsent = replica->client->control != nullptr ? replica->client->control->output_buffer_bytes() : 0;
    if (unsent == 0 || unsent != replica->stalled_unsent) {
      replica->stalled_unsent = unsent;
      replica->stalled_since_ms = now;
    } else if (now - replica->stalled_since_ms > settings.repl_timeout * 1000) {
      stalled.push_back(replica);
    }
  }
  for (AttachedReplica* replica : stalled) drop(*replica, "timeout: it stopped reading the snapshot (streaming sync)");
  update_good_replicas();
  check_save_schedule(now);
  if (link_) link_->cron(now);
}

void ReplicationService::update_good_replicas() {
  const int64_t now = core::unix_time_ms();
  const int64_t max_lag = instance_.config.settings().min_replicas_max_lag;
  int good = 0;
  for (auto& [client, replica] : replicas_)
    if (replica->state == AttachedReplica::State::kOnline && (now - replica->last_ack_ms) / 1000 <= max_lag) ++good;
  instance_.repl.good_replicas = good;
}

}  // namespace arbor::replication
