// ChainedTable's members (key_table.h), instantiated for the database's
// entries in key_table.cpp and for sorted-set nodes in zset_value.cpp.
#pragma once

#include <utility>

#include "server/keyspace/key_table.h"

namespace arbor::keyspace {

namespace table_detail {
inline constexpr size_t kInitialBuckets = 4;
inline constexpr size_t kRehashStepBuckets = 1;
}  // namespace table_detail

template <typename Node>
ChainedTable<Node>::~ChainedTable() { clear(); }

template <typename Node>
ChainedTable<Node>::ChainedTable(ChainedTable&& other) noexcept { *this = std::move(other); }

template <typename Node>
ChainedTable<Node>& ChainedTable<Node>::operator=(ChainedTable&& other) noexcept {
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

template <typename Node>
void ChainedTable<Node>::clear() {
  for (auto& table : tables_) {
    for (Node* head : table) {
      while (head != nullptr) {
        Node* next = Traits::next(head);
        Traits::destroy(head);
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
template <typename Node>
void ChainedTable<Node>::rehash_step(size_t buckets) const {
  if (!rehashing()) return;
  size_t empty_visits = buckets * 10;
  Buckets& from = tables_[0];
  Buckets& to = tables_[1];
  const uint64_t mask = to.size() - 1;
  while (buckets > 0 && static_cast<size_t>(rehash_index_) < from.size()) {
    Node*& head = from[rehash_index_];
    if (head == nullptr) {
      ++rehash_index_;
      if (--empty_visits == 0) return;
      continue;
    }
    while (head != nullptr) {
      Node* e = head;
      head = Traits::next(e);
      Node*& dest = to[hash_key(Traits::key(e)) & mask];
      Traits::next(e) = dest;
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

template <typename Node>
void ChainedTable<Node>::maybe_grow() {
  if (tables_[0].empty()) {
    tables_[0].assign(table_detail::kInitialBuckets, nullptr);
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
template <typename Node>
void ChainedTable<Node>::maybe_shrink() {
  if (rehashing() || tables_[0].size() <= table_detail::kInitialBuckets) return;
  if (size_ * 8 >= tables_[0].size()) return;
  size_t target = table_detail::kInitialBuckets;
  while (target < size_) target <<= 1;
  tables_[1].assign(target, nullptr);
  rehash_index_ = 0;
}

template <typename Node>
Node** ChainedTable<Node>::slot_of(std::string_view key, uint64_t hash) const {
  for (int t = 0; t < 2; ++t) {
    Buckets& table = tables_[t];
    if (table.empty()) continue;
    // Buckets of table 0 below rehash_index_ are already moved.
    if (t == 0 && rehashing() && (hash & (table.size() - 1)) < static_cast<uint64_t>(rehash_index_))
      continue;
    Node** link = &table[hash & (table.size() - 1)];
    while (*link != nullptr) {
      if (Traits::key(*link) == key) return link;
      link = &Traits::next(*link);
    }
    if (!rehashing()) break;
  }
  return nullptr;
}

template <typename Node>
Node* ChainedTable<Node>::find(std::string_view key) const {
  if (size_ == 0) return nullptr;
  rehash_step(table_detail::kRehashStepBuckets);
  Node** link = slot_of(key, hash_key(key));
  return link != nullptr ? *link : nullptr;
}

template <typename Node>
void ChainedTable<Node>::insert(Node* entry) {
  maybe_grow();
  rehash_step(table_detail::kRehashStepBuckets);
  Buckets& table = rehashing() ? tables_[1] : tables_[0];
  Node*& head = table[hash_key(Traits::key(entry)) & (table.size() - 1)];
  Traits::next(entry) = head;
  head = entry;
  ++size_;
}

template <typename Node>
void ChainedTable<Node>::replace(Node* old_entry, Node* fresh) {
  Node** link = slot_of(Traits::key(old_entry), hash_key(Traits::key(old_entry)));
  Traits::next(fresh) = Traits::next(old_entry);
  *link = fresh;
  Traits::destroy(old_entry);
}

template <typename Node>
Node* ChainedTable<Node>::detach(std::string_view key) {
  if (size_ == 0) return nullptr;
  rehash_step(table_detail::kRehashStepBuckets);
  Node** link = slot_of(key, hash_key(key));
  if (link == nullptr) return nullptr;
  Node* entry = *link;
  *link = Traits::next(entry);
  Traits::next(entry) = nullptr;
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
template <typename Node>
Node* ChainedTable<Node>::random_entry(uint64_t random) const {
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
    Node* head = (*table)[index];
    if (head == nullptr) continue;
    size_t length = 0;
    for (Node* e = head; e != nullptr; e = Traits::next(e)) ++length;
    size_t pick = rng() % length;
    Node* e = head;
    while (pick-- > 0) e = Traits::next(e);
    return e;
  }
}

}  // namespace arbor::keyspace
