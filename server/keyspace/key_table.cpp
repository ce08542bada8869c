// The key hash and the database table's instantiation (key_table.h).
#include "server/keyspace/key_table.h"

#include <cstring>
#include <random>
#include <utility>

#include "server/keyspace/key_table_impl.h"

namespace arbor::keyspace {
namespace {

// Seeded per process so clients cannot pre-compute colliding keys.
uint64_t process_seed() {
  static const uint64_t seed = [] {
    std::random_device rd;
    return (static_cast<uint64_t>(rd()) << 32) ^ rd() ^ 0x9E3779B97F4A7C15ULL;
  }();
  return seed;
}

inline uint64_t mix(uint64_t a, uint64_t b) {
  const __uint128_t r = static_cast<__uint128_t>(a) * b;
  return static_cast<uint64_t>(r) ^ static_cast<uint64_t>(r >> 64);
}

inline uint64_t load64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}


}  // namespace

// A multiply-mix hash in the style of wyhash: 8 bytes per step, good
// distribution for short keys, which dominate.
uint64_t hash_key(std::string_view key) {
  constexpr uint64_t k0 = 0xa0761d6478bd642fULL, k1 = 0xe7037ed1a0b428dbULL,
                     k2 = 0x8ebc6af09c88c6e3ULL;
  const char* p = key.data();
  size_t n = key.size();
  uint64_t h = process_seed() ^ (n * k2);
  while (n >= 16) {
    h = mix(load64(p) ^ k0 ^ h, load64(p + 8) ^ k1);
    p += 16;
    n -= 16;
  }
  uint64_t a = 0, b = 0;
  if (n >= 8) {
    a = load64(p);
    b = load64(p + n - 8);
  } else if (n >= 4) {
    uint32_t x, y;
    std::memcpy(&x, p, 4);
    std::memcpy(&y, p + n - 4, 4);
    a = x;
    b = y;
  } else if (n > 0) {
    a = (static_cast<uint64_t>(static_cast<uint8_t>(p[0])) << 16) |
        (static_cast<uint64_t>(static_cast<uint8_t>(p[n >> 1])) << 8) |
        static_cast<uint8_t>(p[n - 1]);
  }
  return mix(mix(a ^ k0, b ^ h) ^ k1, key.size() ^ k2);
}

template class ChainedTable<Entry>;

}  // namespace arbor::keyspace
