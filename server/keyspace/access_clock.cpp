// The LRU and LFU arithmetic of Redis's evict.c, on our 24 bits.
#include "server/keyspace/access_clock.h"

namespace arbor::keyspace {

uint64_t AccessClock::idle_ms(uint32_t access) const {
  const uint32_t now = lru_now();
  const uint64_t seconds = now >= access ? now - access : now + (kLruMax - access);
  return seconds * 1000;
}

uint32_t AccessClock::frequency(uint32_t access) const {
  const uint32_t stamp = access >> 8, counter = access & 0xFF;
  const uint32_t now = minutes();
  const uint32_t elapsed = now >= stamp ? now - stamp : 0xFFFF - stamp + now;
  const uint32_t periods = decay_minutes_ > 0 ? elapsed / static_cast<uint32_t>(decay_minutes_) : 0;
  return periods >= counter ? 0 : counter - periods;
}

uint32_t AccessClock::bumped(uint32_t access) {
  uint32_t counter = frequency(access);
  if (counter < 255) {
    // The more hits a key has, the less likely the next one counts: about
    // a million hits reach 255 at the default factor of 10.
    const double base = counter > kLfuInitial ? counter - kLfuInitial : 0;
    if (uniform() < 1.0 / (base * static_cast<double>(log_factor_) + 1)) ++counter;
  }
  return (minutes() << 8) | counter;
}

double AccessClock::uniform() {
  random_state_ ^= random_state_ << 13;
  random_state_ ^= random_state_ >> 7;
  random_state_ ^= random_state_ << 17;
  return static_cast<double>(random_state_ >> 11) * 0x1.0p-53;
}

}  // namespace arbor::keyspace
