// Instance: databases, client registry and clocks.
#include "server/core/instance.h"

#include <algorithm>
#include <chrono>

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
  }
  stats.start_time_ms = unix_time_ms();
  last_save_unix = stats.start_time_ms / 1000;
}

// Databases go first: their big values may still be queued on the freer,
// whose destructor (a member, destroyed after this body) drains the queue.
Instance::~Instance() { dbs_.clear(); }

void Instance::flush_all(bool async) {
  for (auto& db : dbs_) db->clear(async ? &freer : nullptr);
}

void Instance::swap_databases(int a, int b) {
  if (a == b) return;
  dbs_[static_cast<size_t>(a)]->swap_contents(*dbs_[static_cast<size_t>(b)]);
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

void Instance::add_client(ClientState* client) { clients_.push_back(client); }

void Instance::remove_client(ClientState* client) {
  auto it = std::find(clients_.begin(), clients_.end(), client);
  if (it != clients_.end()) clients_.erase(it);
}

}  // namespace arbor::core
