// NoteIndex: a note tree's id -> note table. Chained through Note::hash_next_
// (no allocation per note) and resized incrementally, two buckets per update,
// with the same seeded hash as the key table so ids cannot be chosen to collide.
#include <utility>

#include "server/keyspace/key_table.h"
#include "server/keyspace/note_tree.h"

namespace arbor::keyspace {
namespace {

constexpr size_t kInitialBuckets = 8;
constexpr size_t kRehashStepBuckets = 2;

size_t power_of_two_at_least(size_t count) {
  size_t buckets = kInitialBuckets;
  while (buckets < count) buckets <<= 1;
  return buckets;
}

}  // namespace

Note** NoteIndex::slot_of(std::string_view id, uint64_t hash) const {
  for (int t = 0; t < 2; ++t) {
    Buckets& table = tables_[t];
    if (table.empty()) continue;
    const size_t index = hash & (table.size() - 1);
    // Buckets of table 0 below rehash_index_ have already moved to table 1.
    if (t == 0 && rehashing() && index < rehash_index_) continue;
    for (Note** link = &table[index]; *link != nullptr; link = &(*link)->hash_next_)
      if ((*link)->id() == id) return link;
  }
  return nullptr;
}

Note* NoteIndex::find(std::string_view id) const {
  if (size_ == 0) return nullptr;
  Note** link = slot_of(id, hash_key(id));
  return link != nullptr ? *link : nullptr;
}

void NoteIndex::insert(Note* note) {
  maybe_resize();
  rehash_step(kRehashStepBuckets);
  Buckets& table = rehashing() ? tables_[1] : tables_[0];
  Note*& head = table[hash_key(note->id()) & (table.size() - 1)];
  note->hash_next_ = head;
  head = note;
  ++size_;
}

void NoteIndex::erase(Note* note) {
  Note** link = slot_of(note->id(), hash_key(note->id()));
  *link = note->hash_next_;
  note->hash_next_ = nullptr;
  --size_;
  rehash_step(kRehashStepBuckets);
  maybe_resize();
}

void NoteIndex::reserve(size_t count) {
  if (size_ == 0 && !rehashing()) tables_[0].assign(power_of_two_at_least(count), nullptr);
}

void NoteIndex::start_rehash(size_t buckets) {
  tables_[1].assign(buckets, nullptr);
  rehash_index_ = 0;
}

// Grows at load factor 1 and shrinks under 1/8, as KeyTable. A rehash moves
// table 0's buckets over at least as fast as inserts can fill table 1.
void NoteIndex::maybe_resize() {
  if (tables_[0].empty()) {
    tables_[0].assign(kInitialBuckets, nullptr);
    return;
  }
  if (rehashing()) return;
  const size_t buckets = tables_[0].size();
  if (size_ >= buckets) {
    start_rehash(power_of_two_at_least(size_ * 2));
  } else if (buckets > kInitialBuckets && size_ * 8 < buckets) {
    start_rehash(power_of_two_at_least(size_ * 2));
  }
}

// Moves up to `buckets` non-empty buckets (and ten times as many empty ones)
// from table 0 to table 1; table 1 becomes table 0 when the move is complete.
void NoteIndex::rehash_step(size_t buckets) {
  if (!rehashing()) return;
  Buckets& from = tables_[0];
  Buckets& to = tables_[1];
  const size_t mask = to.size() - 1;
  size_t empty_visits = buckets * 10;
  while (buckets > 0 && rehash_index_ < from.size()) {
    Note*& head = from[rehash_index_];
    if (head == nullptr) {
      ++rehash_index_;
      if (--empty_visits == 0) return;
      continue;
    }
    while (head != nullptr) {
      Note* note = head;
      head = note->hash_next_;
      Note*& dest = to[hash_key(note->id()) & mask];
      note->hash_next_ = dest;
      dest = note;
    }
    ++rehash_index_;
    --buckets;
  }
  if (rehash_index_ >= from.size()) {
    from = std::move(to);
    to = Buckets();
    rehash_index_ = 0;
  }
}

}  // namespace arbor::keyspace
