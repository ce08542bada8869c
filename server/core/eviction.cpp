// performEvictions and its eviction pool, after Redis's evict.c.
#include "server/core/eviction.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>

#include "server/core/instance.h"
#include "server/core/keyspace_events.h"
#include "server/core/memory.h"
#include "server/core/random.h"

namespace arbor::core {
namespace {

using Policy = Settings::EvictionPolicy;

int64_t steady_us() {
  using namespace std::chrono;
  return duration_cast<microseconds>(steady_clock::now().time_since_epoch()).count();
}

bool is_lfu(Policy p) { return p == Policy::volatile_lfu || p == Policy::allkeys_lfu; }
bool is_allkeys(Policy p) { return p == Policy::allkeys_lru || p == Policy::allkeys_lfu || p == Policy::allkeys_random; }
bool is_random(Policy p) { return p == Policy::allkeys_random || p == Policy::volatile_random; }

}  // namespace

void Eviction::configure() {
  const Settings& s = instance_.config.settings();
  clock.set_lfu(is_lfu(s.maxmemory_policy), s.lfu_log_factor, s.lfu_decay_time);
  // Scores from another policy mean nothing under this one.
  if (s.maxmemory_policy != policy_) pool_.clear();
  policy_ = s.maxmemory_policy;
  if (s.maxmemory == limit_) return;
  limit_ = s.maxmemory;
  const uint64_t used = used_memory();
  if (limit_ != 0 && used > limit_)
    spdlog::warn("WARNING: the new maxmemory value set via CONFIG SET ({}) is smaller than the current memory "
                 "usage ({}). This will result in key eviction and/or the inability to accept new write commands "
                 "depending on the maxmemory-policy.",
                 limit_, used);
  start_continuing();
}

void Eviction::start_continuing() {
  if (continuing_ || !instance_.hooks.post) return;
  continuing_ = true;
  instance_.hooks.post([this] { continue_evicting(); });
}

uint64_t Eviction::not_counted_memory() const {
  uint64_t bytes = 0;
  for (const ClientState* client : instance_.clients())
    if (client->is_replica && client->control != nullptr) bytes += client->control->output_buffer_bytes();
  return bytes;
}

bool Eviction::over_limit(uint64_t& to_free) const {
  const uint64_t limit = instance_.config.settings().maxmemory;
  uint64_t used = used_memory();
  if (limit == 0 || used <= limit) return false;
  const uint64_t uncounted = not_counted_memory();
  used = used > uncounted ? used - uncounted : 0;
  if (used <= limit) return false;
  to_free = used - limit;
  return true;
}

// As Redis's isSafeToPerformEvictions: not inside a busy script or while
// the dataset loads, not on a replica that mirrors its primary
// (replica-ignore-maxmemory), not while clients are paused.
bool Eviction::safe_to_evict() const {
  if (instance_.script_busy || instance_.repl.seeding) return false;
  if (instance_.is_replica() && instance_.config.settings().replica_ignore_maxmemory) return false;
  return !instance_.writes_paused();
}

// Tenacity 0..10: up to 500 µs, linearly; then 15% more per step; 100: no limit.
uint64_t Eviction::time_limit_us() const {
  const int64_t tenacity = instance_.config.settings().maxmemory_eviction_tenacity;
  if (tenacity <= 10) return 50 * static_cast<uint64_t>(tenacity);
  if (tenacity < 100) return static_cast<uint64_t>(500.0 * std::pow(1.15, static_cast<double>(tenacity) - 10.0));
  return std::numeric_limits<uint64_t>::max();
}

Eviction::Result Eviction::perform() {
  if (!safe_to_evict()) return Result::kOk;
  uint64_t to_free = 0;
  if (!over_limit(to_free)) {
    note_result(Result::kOk);
    return Result::kOk;
  }
  const Settings& settings = instance_.config.settings();
  if (settings.maxmemory_policy == Policy::noeviction) {
    note_result(Result::kFail);
    return Result::kFail;
  }
  const uint64_t limit_us = time_limit_us();
  const int64_t started = steady_us();
  const bool lazily = settings.lazyfree_lazy_eviction;
  uint64_t freed = 0, keys = 0;
  Result result = Result::kOk;
  while (freed < to_free) {
    int db = 0;
    std::string key;
    if (!choose(db, key)) {
      result = Result::kFail;
      break;
    }
    freed += evict(db, key);
    if (++keys % 16 != 0) continue;
    // Values freed off the loop do not show in `freed`: look at the total.
    uint64_t remaining = 0;
    if (lazily && !over_limit(remaining)) break;
    if (static_cast<uint64_t>(steady_us() - started) > limit_us) {
      start_continuing();
      break;
    }
  }
  if (result == Result::kOk && continuing_) result = Result::kRunning;
  instance_.latency_sample("eviction-cycle", static_cast<uint64_t>(steady_us() - started) / 1000);
  note_result(result);
  return result;
}

void Eviction::continue_evicting() {
  continuing_ = false;
  perform();  // schedules itself again while the time budget runs out
}

void Eviction::note_result(Result result) {
  if (result == Result::kOk) {
    if (exceeded_since_us_ != 0) exceeded_total_us_ += static_cast<uint64_t>(steady_us() - exceeded_since_us_);
    exceeded_since_us_ = 0;
  } else if (exceeded_since_us_ == 0) {
    exceeded_since_us_ = steady_us();
  }
}

uint64_t Eviction::total_exceeded_ms() const { return (exceeded_total_us_ + current_exceeded_ms() * 1000) / 1000; }

uint64_t Eviction::current_exceeded_ms() const {
  return exceeded_since_us_ == 0 ? 0 : static_cast<uint64_t>(steady_us() - exceeded_since_us_) / 1000;
}

bool Eviction::choose(int& db, std::string& key) {
  const Policy policy = instance_.config.settings().maxmemory_policy;
  if (is_random(policy)) return choose_at_random(db, key);
  // Sample every database into the pool until the pool yields a key that
  // still exists (one evicted or deleted since it was sampled is skipped).
  for (;;) {
    size_t keys = 0;
    for (int i = 0; i < instance_.db_count(); ++i) {
      const keyspace::Database& database = instance_.db(i);
      const size_t size = is_allkeys(policy) ? database.size() : database.expires_count();
      if (size == 0) continue;
      keys += size;
      sample_into_pool(i);
    }
    if (keys == 0) return false;
    if (choose_from_pool(db, key)) return true;
  }
}

void Eviction::sample_into_pool(int db_index) {
  const Settings& settings = instance_.config.settings();
  const Policy policy = settings.maxmemory_policy;
  keyspace::Database& db = instance_.db(db_index);
  for (int64_t i = 0; i < settings.maxmemory_samples; ++i) {
    const keyspace::Entry* entry =
        is_allkeys(policy) ? db.random_entry(random_u64()) : db.random_ttl_entry(random_u64());
    if (entry == nullptr) return;
    uint64_t score = 0;
    if (policy == Policy::volatile_ttl) score = std::numeric_limits<uint64_t>::max() - static_cast<uint64_t>(entry->expire_ms());
    else if (is_lfu(policy)) score = 255 - clock.frequency(entry->access());
    else score = clock.idle_ms(entry->access());
    // Kept sorted; when full, a candidate better than the worst replaces it.
    auto at = std::find_if(pool_.begin(), pool_.end(), [&](const Candidate& c) { return c.score >= score; });
    if (pool_.size() == kPoolSize && at == pool_.begin()) continue;
    pool_.insert(at, Candidate{score, db_index, std::string(entry->key())});
    if (pool_.size() > kPoolSize) pool_.erase(pool_.begin());
  }
}

bool Eviction::choose_from_pool(int& db, std::string& key) {
  const bool allkeys = is_allkeys(instance_.config.settings().maxmemory_policy);
  while (!pool_.empty()) {
    Candidate best = std::move(pool_.back());
    pool_.pop_back();
    const keyspace::Entry* entry = instance_.db(best.db).find_raw(best.key);
    if (entry == nullptr || (!allkeys && !entry->has_expire())) continue;  // a ghost: gone since sampled
    db = best.db;
    key = std::move(best.key);
    return true;
  }
  return false;
}

// Databases take turns, as Redis's static next_db.
bool Eviction::choose_at_random(int& db, std::string& key) {
  const bool allkeys = is_allkeys(instance_.config.settings().maxmemory_policy);
  for (int i = 0; i < instance_.db_count(); ++i) {
    next_random_db_ = (next_random_db_ + 1) % instance_.db_count();
    keyspace::Database& database = instance_.db(next_random_db_);
    const keyspace::Entry* entry =
        allkeys ? database.random_entry(random_u64()) : database.random_ttl_entry(random_u64());
    if (entry == nullptr) continue;
    db = next_random_db_;
    key = std::string(entry->key());
    return true;
  }
  return false;
}

uint64_t Eviction::evict(int db, const std::string& key) {
  const bool lazily = instance_.config.settings().lazyfree_lazy_eviction;
  // Only the deletion is measured: the DEL it propagates grows the
  // replicas' buffers, which eviction does not count.
  const uint64_t before = used_memory();
  const int64_t started = steady_us();
  instance_.db(db).erase(key, lazily);
  const uint64_t after = used_memory();
  instance_.latency_sample("eviction-del", static_cast<uint64_t>(steady_us() - started) / 1000);
  ++evicted_keys;
  instance_.touch_key(db, key, false);
  instance_.notify_keyspace_event(kEventEvicted, "evicted", key, db);
  // A unit of its own (Redis propagates evictions outside any MULTI): made
  // before the command whose room it is, nothing else is pending yet.
  instance_.propagation.add(db, {lazily ? "UNLINK" : "DEL", key});
  instance_.propagation.flush();
  return before > after ? before - after : 0;
}

}  // namespace arbor::core
