// What an entry's 24 access bits mean, as Redis's robj.lru. Under an LFU
// eviction policy: the minute of the last decrement (16 bits, wrapping) and
// a logarithmic access counter (8 bits) that grows ever more slowly
// (lfu-log-factor) and decays by one per lfu-decay-time minutes. Under any
// other policy: the second of the last access, wrapping every 194 days.
// Switching policies at run time reinterprets the bits, as in Redis: the
// figures take a while to become meaningful again.
#pragma once

#include <cstdint>

#include "server/keyspace/entry.h"

namespace arbor::keyspace {

class AccessClock {
 public:
  static constexpr uint32_t kLruMax = Entry::kAccessMask;
  static constexpr uint32_t kLfuInitial = 5;  // a new key is not the first evicted

  void set_lfu(bool lfu, int64_t log_factor, int64_t decay_minutes) {
    lfu_ = lfu;
    log_factor_ = log_factor;
    decay_minutes_ = decay_minutes;
  }
  bool lfu() const { return lfu_; }
  void tick(int64_t now_ms) { seconds_ = now_ms / 1000; }

  // Lookups by commands that only inspect a key (TYPE, EXISTS, TTL, OBJECT)
  // leave its clock alone, as Redis's LOOKUP_NOTOUCH.
  bool suspended = false;

  // The bits of a key just created.
  uint32_t fresh() const { return lfu_ ? (minutes() << 8) | kLfuInitial : lru_now(); }
  // A lookup: the time refreshed, or the counter decayed and incremented.
  void touch(Entry& entry) {
    if (suspended) return;
    entry.set_access(lfu_ ? bumped(entry.access()) : lru_now());
  }

  // RESTORE ... IDLETIME s | FREQ f (-1: not given), as Redis's
  // objectSetLRUOrLFU: only the reading of the current policy applies.
  void restore(Entry& entry, int64_t idle_seconds, int64_t frequency) const {
    if (lfu_ && frequency >= 0) entry.set_access((minutes() << 8) | static_cast<uint32_t>(frequency));
    if (lfu_ || idle_seconds < 0) return;
    const int64_t now = lru_now(), at = now - idle_seconds;
    // Further back than the wrapping clock reaches: half a turn back, so
    // the key keeps looking long idle.
    entry.set_access(static_cast<uint32_t>(at >= 0 ? at : (now + kLruMax / 2) % kLruMax));
  }

  // LRU reading: milliseconds since the last access (a second's resolution).
  uint64_t idle_ms(uint32_t access) const;
  // LFU reading: the counter after the decay due by now (OBJECT FREQ).
  uint32_t frequency(uint32_t access) const;

 private:
  uint32_t lru_now() const { return static_cast<uint32_t>(seconds_) & kLruMax; }
  uint32_t minutes() const { return static_cast<uint32_t>(seconds_ / 60) & 0xFFFF; }
  uint32_t bumped(uint32_t access);
  double uniform();  // in [0, 1)

  bool lfu_ = false;
  int64_t log_factor_ = 10;
  int64_t decay_minutes_ = 1;
  int64_t seconds_ = 0;
  uint64_t random_state_ = 0x9E3779B97F4A7C15ULL;
};

}  // namespace arbor::keyspace
