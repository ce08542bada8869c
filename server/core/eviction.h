// maxmemory: Redis's performEvictions. Before a command runs, while the
// memory in use (less what replicas' output buffers hold: evicting keys
// cannot shrink them) is over the limit, keys go by maxmemory-policy:
// sampled (maxmemory-samples per database) into a pool of the best
// candidates seen so far, the best of which goes first; or at random. Each
// eviction is a deletion as DEL would make it: WATCH, keyspace event
// "evicted", DEL (UNLINK with lazyfree-lazy-eviction) to replicas. A call
// spends at most the time maxmemory-eviction-tenacity allows; past it, the
// rest continues from the event loop between commands.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "server/core/config.h"
#include "server/keyspace/access_clock.h"

namespace arbor::core {

class Instance;

class Eviction {
 public:
  enum class Result { kOk, kRunning, kFail };
  explicit Eviction(Instance& instance) : instance_(instance) {}

  // Makes room if over the limit. kFail: nothing (more) can go, and
  // commands that would grow memory get -OOM; kRunning: over the limit
  // still, but the event loop goes on evicting.
  Result perform();
  // Takes up the settings (at start-up and after CONFIG SET): the clock's
  // LRU or LFU bits; a lowered limit starts evicting from the event loop.
  void configure();
  // Called from the event loop (Instance::hooks.post), after the work
  // already queued there.
  void continue_evicting();

  // Memory over the limit that eviction does not count (Redis's
  // freeMemoryGetNotCountedMemory): replicas' output buffers.
  uint64_t not_counted_memory() const;

  keyspace::AccessClock clock;
  uint64_t evicted_keys = 0;
  // Time spent over the limit (INFO's *_eviction_exceeded_time, in ms).
  uint64_t total_exceeded_ms() const;
  uint64_t current_exceeded_ms() const;

 private:
  struct Candidate {
    uint64_t score;  // higher goes first
    int db;
    std::string key;
  };
  static constexpr size_t kPoolSize = 16;
  bool safe_to_evict() const;
  bool over_limit(uint64_t& to_free) const;
  // The next key to evict; false when there is none.
  bool choose(int& db, std::string& key);
  void sample_into_pool(int db);
  bool choose_from_pool(int& db, std::string& key);
  bool choose_at_random(int& db, std::string& key);
  uint64_t evict(int db, const std::string& key);  // the bytes the deletion freed
  uint64_t time_limit_us() const;
  void start_continuing();
  void note_result(Result result);

  Instance& instance_;
  std::vector<Candidate> pool_;  // ascending score
  int next_random_db_ = 0;
  bool continuing_ = false;  // a continue_evicting() is scheduled
  Settings::EvictionPolicy policy_ = Settings::EvictionPolicy::noeviction;
  uint64_t limit_ = 0;
  int64_t exceeded_since_us_ = 0;  // 0: within the limit
  uint64_t exceeded_total_us_ = 0;
};

}  // namespace arbor::core
