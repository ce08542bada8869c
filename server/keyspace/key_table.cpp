// KeyTable: chained hash table with incremental rehash (see key_table.h).
#include "server/keyspace/key_table.h"

#include <cstring>
#include <random>
#include <utility>

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

constexpr size_t kInitialBuckets = 4;
constexpr size_t kRehashStepBuckets = 1;

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

KeyTable::~KeyTable() { clear(); }

KeyTable::KeyTable(KeyTable&& other) noexcept { *this = std::move(other); }

KeyTable& KeyTable::operator=(KeyTable&& other) noexcept {
  if (this == &other) return *this;
  clear();
  tables_[0] = std::move(other.tables_[0]);
  tables_[1] = std::move(other.tables_[1]);
  rehash_index_ = std::exchange(other.rehash_index_, -1);
  size_ = std::exchange(other.size_, 0);
  other.tables_[0].clear();
  other.tables_[1].clear();
  return *this;
}

void KeyTable::clear() {
  for (auto& table : tables_) {
    for (Entry* head : table) {
      while (head != nullptr) {
        Entry* next = head->next_;
        Entry::destroy(head);
        head = next;
      }
    }
    Buckets().swap(table);
  }
  rehash_index_ = -1;
  size_ = 0;
}

// Moves up to `buckets` buckets from table 0 to table 1; when table 0 is
// empty, table 1 becomes table 0. Empty buckets are bounded too (10x), so one
// step never walks a long empty stretch, as in Redis's dictRehash.
void KeyTable::rehash_step(size_t buckets) const {
  if (!rehashing()) return;
  size_t empty_visits = buckets * 10;
  Buckets& from = tables_[0];
  Buckets& to = tables_[1];
  const uint64_t mask = to.size() - 1;
  while (buckets > 0 && static_cast<size_t>(rehash_index_) < from.size()) {
    Entry*& head = from[rehash_index_];
    if (head == nullptr) {
      ++rehash_index_;
      if (--empty_visits == 0) return;
      continue;
    }
    while (head != nullptr) {
      Entry* e = head;
      head = e->next_;
      Entry*& dest = to[hash_key(e->key()) & mask];
      e->next_ = dest;
      dest = e;
    }
    ++rehash_index_;
    --buckets;
  }
  if (static_cast<size_t>(rehash_index_) >= from.size()) {
    from = std::move(to);
    to = Buckets();
    rehash_index_ = -1;
  }
}

void KeyTable::maybe_grow() {
  if (tables_[0].empty()) {
    tables_[0].assign(kInitialBuckets, nullptr);
    return;
  }
  if (rehashing() || size_ < tables_[0].size()) return;
  size_t target = tables_[0].size();
  while (target <= size_) target <<= 1;
  tables_[1].assign(target, nullptr);
  rehash_index_ = 0;
}

// Shrink when under 1/8 full (Redis uses 10%): frees bucket memory after a
// large delete without thrashing between sizes.
void KeyTable::maybe_shrink() {
  if (rehashing() || tables_[0].size() <= kInitialBuckets) return;
  if (size_ * 8 >= tables_[0].size()) return;
  size_t target = kInitialBuckets;
  while (target < size_) target <<= 1;
  tables_[1].assign(target, nullptr);
  rehash_index_ = 0;
}

Entry** KeyTable::slot_of(std::string_view key, uint64_t hash) const {
  for (int t = 0; t < 2; ++t) {
    Buckets& table = tables_[t];
    if (table.empty()) continue;
    // Buckets of table 0 below rehash_index_ are already moved.
    if (t == 0 && rehashing() && (hash & (table.size() - 1)) < static_cast<uint64_t>(rehash_index_))
      continue;
    Entry** link = &table[hash & (table.size() - 1)];
    while (*link != nullptr) {
      if ((*link)->key() == key) return link;
      link = &(*link)->next_;
    }
    if (!rehashing()) break;
  }
  return nullptr;
}

Entry* KeyTable::find(std::string_view key) const {
  if (size_ == 0) return nullptr;
  rehash_step(kRehashStepBuckets);
  Entry** link = slot_of(key, hash_key(key));
  return link != nullptr ? *link : nullptr;
}

void KeyTable::insert(Entry* entry) {
  maybe_grow();
  rehash_step(kRehashStepBuckets);
  Buckets& table = rehashing() ? tables_[1] : tables_[0];
  Entry*& head = table[hash_key(entry->key()) & (table.size() - 1)];
  entry->next_ = head;
  head = entry;
  ++size_;
}

void KeyTable::replace(Entry* old_entry, Entry* fresh) {
  Entry** link = slot_of(old_entry->key(), hash_key(old_entry->key()));
  fresh->next_ = old_entry->next_;
  *link = fresh;
  Entry::destroy(old_entry);
}

Entry* KeyTable::detach(std::string_view key) {
  if (size_ == 0) return nullptr;
  rehash_step(kRehashStepBuckets);
  Entry** link = slot_of(key, hash_key(key));
  if (link == nullptr) return nullptr;
  Entry* entry = *link;
  *link = entry->next_;
  entry->next_ = nullptr;
  if (--size_ == 0) {
    // Nothing left to move: give the bucket arrays back now. A shrink still
    // in progress would otherwise hold them until the next write, since
    // lookups on an empty table do no rehash work.
    Buckets().swap(tables_[0]);
    Buckets().swap(tables_[1]);
    rehash_index_ = -1;
    return entry;
  }
  maybe_shrink();
  return entry;
}

// Picks a random non-empty bucket, then a random element of its chain. Like
// Redis's dictGetRandomKey this is not perfectly uniform, which is fine for
// RANDOMKEY and expiry sampling.
Entry* KeyTable::random_entry(uint64_t random) const {
  if (size_ == 0) return nullptr;
  uint64_t state = random;
  auto rng = [&state] {  // splitmix64: cheap, and quality is ample here
    uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  };
  for (;;) {
    const Buckets* table = &tables_[0];
    uint64_t index;
    if (rehashing()) {
      const uint64_t span = tables_[0].size() - rehash_index_ + tables_[1].size();
      index = rng() % span;
      if (index < tables_[0].size() - rehash_index_) {
        index += rehash_index_;
      } else {
        index -= tables_[0].size() - rehash_index_;
        table = &tables_[1];
      }
    } else {
      index = rng() & (tables_[0].size() - 1);
    }
    Entry* head = (*table)[index];
    if (head == nullptr) continue;
    size_t length = 0;
    for (Entry* e = head; e != nullptr; e = e->next_) ++length;
    size_t pick = rng() % length;
    Entry* e = head;
    while (pick-- > 0) e = e->next_;
    return e;
  }
}

}  // namespace arbor::keyspace
