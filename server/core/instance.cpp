// Instance: databases, client registry and clocks.
#include "server/core/instance.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

#include "server/core/keyspace_events.h"

namespace arbor::core {

int64_t unix_time_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

int64_t unix_time_us() {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

Instance::Instance(Config& config, CommandTable& commands) : config(config), commands(commands) {
  const int count = static_cast<int>(config.settings().databases);
  dbs_.reserve(static_cast<size_t>(count));
  for (int i = 0; i < count; ++i) {
    dbs_.push_back(std::make_unique<keyspace::Database>(i));
    dbs_.back()->set_lazy_freer(&freer);
    dbs_.back()->set_access_clock(&eviction.clock);
    dbs_.back()->set_expired_visible_flag(&repl.applying_primary_stream);
    dbs_.back()->set_expire_hook([this](keyspace::Database& db, std::string_view key) {
      touch_key(db.index(), key, false);
      notify_keyspace_event(kEventExpired, "expired", key, db.index());
      // Replicas never expire keys themselves: they wait for this DEL.
      propagation.add(db.index(), {"DEL", key});
      if (command_depth == 0) propagation.flush();  // the timer's expiry: a unit of its own
    });
    dbs_.back()->set_add_hook([this](keyspace::Database& db, const keyspace::Entry& entry) {
      notify_keyspace_event(kEventNew, "new", entry.key(), db.index());
      const auto type = entry.type();
      if (type == keyspace::ValueType::kList || type == keyspace::ValueType::kZset ||
          type == keyspace::ValueType::kStream)
        blocking.signal_ready(db.index(), entry.key());
    });
    dbs_.back()->set_stream_gone_hook(
        [this](keyspace::Database& db, std::string_view key) { blocking.signal_ready(db.index(), key); });
  }
  // BCAST invalidations leave once per loop pass (Redis's beforeSleep), and
  // never from the middle of a busy script.
  tracking.schedule_broadcast = [this] {
    if (hooks.post) hooks.post([this] { after_script([this] { tracking.broadcast(); }); });
  };
  eviction.configure();
  client_eviction.configure();
  eviction.clock.tick(unix_time_ms());
  stats.start_time_ms = unix_time_ms();
  persistence.last_save_unix = stats.start_time_ms / 1000;
}

// Databases go first: their big values may still be queued on the freer,
// whose destructor (a member, destroyed after this body) drains the queue.
Instance::~Instance() { dbs_.clear(); }

void Instance::flush_all(bool async) {
  for (int i = 0; i < db_count(); ++i) empty_db(i, async);
  tracking.invalidate_all(clients_);
}

void Instance::flush_db(int index, bool async) {
  empty_db(index, async);
  // Cached keys are not per database: every one is invalid (Redis's
  // trackingInvalidateKeysOnFlush).
  tracking.invalidate_all(clients_);
}

void Instance::empty_db(int index, bool async) {
  keyspace::Database& database = db(index);
  watches.touch_all(database, nullptr);
  database.clear(async ? &freer : nullptr);
  // XREADGROUP readers blocked on a stream that went learn it.
  for (const std::string& key : blocking.keys_in(index)) blocking.signal_ready(index, key);
}

void Instance::swap_databases(int a, int b) {
  if (a == b) return;
  keyspace::Database& first = db(a);
  keyspace::Database& second = db(b);
  watches.touch_all(first, &second);
  watches.touch_all(second, &first);
  first.swap_contents(second);
  // As Redis's scanDatabaseForReadyKeys: a blocked client's key may now
  // hold a list, sorted set or stream.
  for (keyspace::Database* database : {&first, &second}) {
    for (const std::string& key : blocking.keys_in(database->index())) {
      const keyspace::Entry* entry = database->find_raw(key);
      if (entry == nullptr) continue;
      const auto type = entry->type();
      if (type == keyspace::ValueType::kList || type == keyspace::ValueType::kZset ||
          type == keyspace::ValueType::kStream)
        blocking.signal_ready(database->index(), key);
    }
  }
}

void Instance::notify_keyspace_event(uint32_t event_class, std::string_view event, std::string_view key,
                                     int db) {
  const uint32_t flags = config.settings().notify_keyspace_events;
  if ((flags & event_class) == 0) return;
  if ((flags & (kEventKeyspace | kEventKeyevent)) == 0) return;
  const std::string db_text = std::to_string(db);
  std::string channel;
  channel.reserve(24 + key.size() + event.size());
  if (flags & kEventKeyspace) {
    channel.append("__keyspace@").append(db_text).append("__:").append(key);
    pubsub.publish(channel, event);
  }
  if (flags & kEventKeyevent) {
    channel.clear();
    channel.append("__keyevent@").append(db_text).append("__:").append(event);
    pubsub.publish(channel, key);
  }
}

void Instance::block_client(ClientState& client, protocol::ReplyWriter& reply, std::vector<std::string> keys,
                            int64_t deadline_ms, keyspace::ValueType wanted, TimeoutReply timeout_reply,
                            std::vector<std::string> args) {
  if (client.in_exec || client.control == nullptr) {
    reply.null(timeout_reply == TimeoutReply::kNullArray ? protocol::NullKind::kArray : protocol::NullKind::kBulk);
    return;
  }
  client.blocked = std::make_unique<BlockedState>();
  BlockedState& state = *client.blocked;
  state.db = client.db;
  state.keys = std::move(keys);
  state.deadline_ms = deadline_ms;
  state.args = std::move(args);
  state.timeout_reply = timeout_reply;
  state.wanted_type = wanted;
  blocking.add(client);
  client.control->block_timeout_at(deadline_ms);
}

void Instance::unblock_client(ClientState& client, std::string_view error) {
  if (!client.blocked) return;
  const TimeoutReply kind = client.blocked->timeout_reply;
  const auto timeout_writer = std::move(client.blocked->timeout_writer);
  if (Command* command = commands.find(client.blocked->args.front())) ++command->calls;
  blocking.remove(client);
  if (client.control == nullptr) return;
  protocol::ReplyWriter& reply = client.control->reply_writer();
  reply.set_resp(client.resp);
  if (!error.empty()) reply.error(error);
  else if (timeout_writer) timeout_writer(reply);
  else reply.null(kind == TimeoutReply::kNullArray ? protocol::NullKind::kArray : protocol::NullKind::kBulk);
  client.control->unblocked();
}

void Instance::postpone(ClientState& client, std::span<const std::string_view> args) {
  client.blocked = std::make_unique<BlockedState>();
  client.blocked->db = client.db;
  client.blocked->postponed = true;
  client.blocked->args.assign(args.begin(), args.end());
  if (const Command* command = commands.find(args[0])) client.last_command = command->fullname;  // CLIENT LIST cmd=
  blocking.add(client);
  postponed_.push_back(&client);
  client.control->block_timeout_at(0);
}

void Instance::resume_writes() {
  failover_pause_ = false;
  pause_changed();
}

void Instance::pause_clients(PauseType type, int64_t end_ms) {
  client_pause_ = type;
  client_pause_end_ms_ = std::max(client_pause_end_ms_, end_ms);
  pause_changed();
}

void Instance::unpause_clients() {
  client_pause_ = PauseType::none;
  client_pause_end_ms_ = 0;
  pause_changed();
}

void Instance::pause_changed() {
  // Expired keys read as missing but stay until the pause ends (a replica
  // keeps them until its primary's DEL anyway).
  for (auto& db : dbs_) db->set_delete_expired(!replica_ && !writes_paused());
  // Under a write pause the postponed reads run; the writes wait again.
  if (all_paused() || postponed_.empty()) return;
  for (ClientState* client : postponed_) {
    if (!client->blocked || !client->blocked->postponed || client->control == nullptr) continue;
    client->rerun_args = std::move(client->blocked->args);
    blocking.remove(*client);
    released_.push_back(client);
  }
  postponed_.clear();
  schedule_release();
}

void Instance::schedule_release() {
  if (release_scheduled_) return;
  release_scheduled_ = true;
  if (hooks.post) hooks.post([this] { release_postponed(); });
  else release_postponed();
}

// From the event loop, as Redis's processUnblockedClients: after the command
// that ended the pause, one client after the other in arrival order. A busy
// script's event processing may run this task: the clients then wait for
// the script to end, and for the loop after it (a script ends inside its
// caller's command).
void Instance::release_postponed() {
  release_scheduled_ = false;
  if (script_running) {
    release_scheduled_ = true;
    return after_script([this] {
      release_scheduled_ = false;
      schedule_release();
    });
  }
  if (command_depth > 0 && hooks.post) return schedule_release();
  // One at a time from the list: a client that goes away meanwhile (a busy
  // script of another lets the loop run) is taken out of it.
  while (!released_.empty()) {
    ClientState* client = released_.front();
    released_.erase(released_.begin());
    if (client->control == nullptr) continue;
    try {
      client->control->rerun();
    } catch (const std::exception& e) {
      // Out of memory running it: this client goes, the others run.
      ++stats.allocation_failures;
      spdlog::warn("Client id={} closed after an error running its postponed command: {}", client->id, e.what());
      client->control->close_soon();
    }
  }
}

void Instance::forget_client_state(ClientState& client) {
  std::erase(postponed_, &client);
  std::erase(released_, &client);
  if (client.is_monitor) monitors.remove(client);
  pubsub.remove_client(client);
  watches.unwatch_all(client);
  blocking.remove(client);
  tracking.disable(client);
}

bool Instance::save_before_exit(bool forced, bool exit_anyway) {
  if (!hooks.save_to_disk || (!forced && config.settings().save.empty())) return true;
  // As Redis while loading: the dataset is not ours yet, the file on disk is kept.
  if (repl.seeding) {
    spdlog::warn("Not saving on exit: the dataset is still being seeded from replicas.");
    return true;
  }
  spdlog::info("Saving the final RDB snapshot before exiting.");
  std::string error;
  if (hooks.save_to_disk(error)) return true;
  if (exit_anyway) {
    spdlog::warn("Error trying to save the DB. Exit anyway. ({})", error);
    return true;
  }
  spdlog::warn("Error trying to save the DB, can't exit. ({})", error);
  return false;
}

void Instance::set_replica(bool replica) {
  replica_ = replica;
  for (auto& db : dbs_) db->set_delete_expired(!replica && !writes_paused());
}

uint64_t Instance::expired_keys() const {
  uint64_t total = 0;
  for (const auto& db : dbs_) total += db->expired_keys();
  return total;
}

// Redis's activeExpireCycle in spirit: visit databases round-robin in
// batches of 20 TTL keys, keep going while a batch finds more than 10%
// expired, and stop when the time budget is spent, so a million keys
// expiring together go away over a few ticks without stalling the loop.
void Instance::active_expire_cycle(int64_t budget_us) {
  // As Redis while clients are paused: the dataset stays as it is.
  if (writes_paused() || script_running) return;
  if (!active_expire_enabled) return;
  constexpr size_t kBatch = 20;
  const int64_t started = unix_time_us();
  const int64_t now = now_ms();
  for (size_t n = 0; n < dbs_.size(); ++n) {
    auto& db = *dbs_[(expire_next_db_ + n) % dbs_.size()];
    for (int batches = 0;; ++batches) {
      if (db.expires_count() == 0) break;
      size_t checked = 0;
      const size_t deleted = db.expire_cycle(now, kBatch, checked);
      if ((batches & 15) == 15 && unix_time_us() - started > budget_us) {
        expire_next_db_ = (expire_next_db_ + n) % dbs_.size();
        return;
      }
      if (deleted * 10 <= checked) break;
    }
  }
  expire_next_db_ = (expire_next_db_ + 1) % dbs_.size();
}

void Instance::add_client(ClientState* client) {
  clients_.push_back(client);
  clients_by_id_[client->id] = client;
}

void Instance::remove_client(ClientState* client) {
  client_eviction.update(*client, 0);
  if (hooks.on_client_removed) hooks.on_client_removed(*client);
  forget_client_state(*client);
  auto it = std::find(clients_.begin(), clients_.end(), client);
  if (it != clients_.end()) clients_.erase(it);
  auto by_id = clients_by_id_.find(client->id);
  if (by_id != clients_by_id_.end() && by_id->second == client) clients_by_id_.erase(by_id);
}

}  // namespace arbor::core
