// The loop thread's random source, for RANDOMKEY, SPOP, SRANDMEMBER,
// HRANDFIELD and sampling. Seeded once per process; not for cryptography.
#pragma once

#include <cstdint>
#include <random>

namespace arbor::core {

inline uint64_t random_u64() {
  static std::mt19937_64 rng{std::random_device{}()};
  return rng();
}

}  // namespace arbor::core
