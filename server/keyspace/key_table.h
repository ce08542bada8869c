// The hash table behind a database (and a large sorted set's member index):
// chained buckets, power-of-two sizes and incremental rehashing (a little
// work per operation, as Redis's dict), so growing a table of millions of
// keys never pauses the loop. The chain link lives in the node itself, so an
// element costs one bucket slot and no extra allocation. scan() uses Redis's
// reverse-binary cursor, which returns every key present for the whole scan
// even across resizes.
//
// A node type N provides ChainTraits<N>: next(n) (its chain link), key(n)
// and destroy(n) (what clear() does with the nodes the table holds).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "server/keyspace/entry.h"

namespace arbor::keyspace {

uint64_t hash_key(std::string_view key);

template <typename Node>
struct ChainTraits;

template <>
struct ChainTraits<Entry> {
  static Entry*& next(Entry* e) { return e->next_; }
  static std::string_view key(const Entry* e) { return e->key(); }
  static void destroy(Entry* e) { Entry::destroy(e); }
};

template <typename Node>
class ChainedTable {
  using Traits = ChainTraits<Node>;

 public:
  ChainedTable() = default;
  ~ChainedTable();
  ChainedTable(ChainedTable&& other) noexcept;
  ChainedTable& operator=(ChainedTable&& other) noexcept;
  ChainedTable(const ChainedTable&) = delete;
  ChainedTable& operator=(const ChainedTable&) = delete;

  size_t size() const { return size_; }
  Node* find(std::string_view key) const;
  // Inserts a node whose key is not present. Takes ownership.
  void insert(Node* node);
  // Swaps `fresh` in for the node with the same key; destroys the old one.
  void replace(Node* old_node, Node* fresh);
  // Removes the node with `key` and hands it to the caller (nullptr if absent).
  Node* detach(std::string_view key);
  void clear();

  // Visits the entries of one cursor step; returns the next cursor (0 = done).
  template <typename Visit>
  uint64_t scan(uint64_t cursor, Visit&& visit) const;
  // A random node, or nullptr when empty (for RANDOMKEY and sampling).
  Node* random_entry(uint64_t random) const;
  template <typename Visit>
  void for_each(Visit&& visit) const;
  // Buckets in use, for the memory report.
  size_t bucket_count() const { return tables_[0].size() + tables_[1].size(); }
  // True while entries are moving to a resized table (two tables live).
  bool rehashing() const { return rehash_index_ >= 0; }

 private:
  using Buckets = std::vector<Node*>;
  void rehash_step(size_t buckets) const;
  void maybe_grow();
  void maybe_shrink();
  Node** slot_of(std::string_view key, uint64_t hash) const;

  // mutable: lookups advance the incremental rehash, as in Redis.
  mutable Buckets tables_[2];
  mutable int64_t rehash_index_ = -1;
  size_t size_ = 0;
};

// The database's table of keys.
using KeyTable = ChainedTable<Entry>;

template <typename Node>
template <typename Visit>
void ChainedTable<Node>::for_each(Visit&& visit) const {
  for (const auto& table : tables_)
    for (Node* head : table)
      for (Node* e = head; e != nullptr;) {
        Node* next = Traits::next(e);
        visit(e);
        e = next;
      }
}

inline uint64_t reverse_bits(uint64_t v) {
  v = ((v >> 1) & 0x5555555555555555ULL) | ((v & 0x5555555555555555ULL) << 1);
  v = ((v >> 2) & 0x3333333333333333ULL) | ((v & 0x3333333333333333ULL) << 2);
  v = ((v >> 4) & 0x0F0F0F0F0F0F0F0FULL) | ((v & 0x0F0F0F0F0F0F0F0FULL) << 4);
  return __builtin_bswap64(v);
}

// Increments the cursor's bits under `mask` in reverse-binary order: visiting
// buckets in this order means a bucket split or merged by a resize between
// two calls is never skipped (Redis's dictScan argument).
inline uint64_t next_scan_cursor(uint64_t cursor, uint64_t mask) {
  cursor |= ~mask;
  return reverse_bits(reverse_bits(cursor) + 1);
}

template <typename Node>
template <typename Visit>
uint64_t ChainedTable<Node>::scan(uint64_t cursor, Visit&& visit) const {
  if (size_ == 0) return 0;
  auto visit_bucket = [&](const Buckets& table, uint64_t index) {
    for (Node* e = table[index]; e != nullptr;) {
      Node* next = Traits::next(e);
      visit(e);
      e = next;
    }
  };
  if (!rehashing()) {
    const uint64_t mask = tables_[0].size() - 1;
    visit_bucket(tables_[0], cursor & mask);
    return next_scan_cursor(cursor, mask);
  }
  const bool first_small = tables_[0].size() <= tables_[1].size();
  const Buckets& small = first_small ? tables_[0] : tables_[1];
  const Buckets& large = first_small ? tables_[1] : tables_[0];
  const uint64_t small_mask = small.size() - 1;
  const uint64_t large_mask = large.size() - 1;
  visit_bucket(small, cursor & small_mask);
  // Every bucket of the larger table that the smaller one's bucket expands to.
  do {
    visit_bucket(large, cursor & large_mask);
    cursor = next_scan_cursor(cursor, large_mask);
  } while (cursor & (small_mask ^ large_mask));
  return cursor;
}

extern template class ChainedTable<Entry>;

}  // namespace arbor::keyspace
