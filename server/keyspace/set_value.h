// The set value (TYPE set): unique binary-safe members, in one of three
// encodings, each move one way only:
//   intset     every member an integer, at most 512: one sorted array of
//              2/4/8-byte integers;
//   listpack   at most 128 members of at most 64 bytes: one flat buffer of
//              length-prefixed members, in insertion order;
//   hashtable  a KeyTable whose Entries are the members with an empty value.
// Redis 7.0 goes from intset straight to hashtable; the listpack step is
// Redis 7.2's (set-max-listpack-entries 128, -value 64), taken because a
// small set of words costs a fifth of the memory in it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "server/keyspace/key_table.h"
#include "server/keyspace/value.h"

namespace arbor::keyspace {

class SetValue final : public Object {
 public:
  // Redis's set-max-intset-entries default.
  static constexpr size_t kMaxIntsetEntries = 512;
  // Redis 7.2's set-max-listpack-entries / -value defaults.
  static constexpr size_t kMaxListpackEntries = 128;
  static constexpr size_t kMaxListpackLength = 64;

  enum class Encoding : uint8_t { kIntset, kListpack, kHashtable };

  SetValue() : Object(ValueType::kSet) {}
  ~SetValue() override;

  Encoding encoding_kind() const { return encoding_; }
  std::string_view encoding() const override;
  size_t element_count() const override { return size(); }
  size_t memory_usage() const override;
  std::unique_ptr<Object> clone() const override;

  size_t size() const { return table_ ? table_->size() : count_; }
  bool empty() const { return size() == 0; }
  bool compact() const { return table_ == nullptr; }
  // Bytes per intset element (2, 4 or 8); for tests and memory reports.
  size_t intset_width() const { return width_; }

  bool contains(std::string_view member) const;
  // True when the member is new. May widen the intset or convert to a table.
  bool add(std::string_view member);
  // True when the member existed.
  bool erase(std::string_view member);

  // visit(member) over every member (intset: ascending; listpack: insertion
  // order). The view is only valid during the call (intset members are
  // formatted into a scratch buffer).
  template <typename Visit>
  void for_each(Visit&& visit) const;
  // As for_each, stopping once visit(member) returns false (SINTERCARD LIMIT).
  template <typename Visit>
  void for_each_while(Visit&& visit) const;
  // One SSCAN step over the hashtable; the compact forms visit all and return 0.
  template <typename Visit>
  uint64_t scan(uint64_t cursor, Visit&& visit) const;
  // A uniformly random member (set must be non-empty); `random` seeds it.
  std::string random_member(uint64_t random) const;

 private:
  int64_t int_at(size_t index) const;
  void put_int(size_t index, int64_t value);
  // Index of `value` when present; else the insertion point, found = false.
  size_t search(int64_t value, bool& found) const;
  void widen(size_t width);
  bool add_to_intset(int64_t value);
  // Listpack: offset of `member`'s length byte, or npos.
  size_t find_packed(std::string_view member) const;
  void append_packed(std::string_view member);
  // The one-way moves; the current members are kept, the new one not added.
  void convert_to_listpack();
  void convert_to_table();
  static std::string_view format(int64_t value, char* scratch);

  // Small fields first: they fill the tail padding of Object, keeping a
  // SetValue at 40 bytes.
  Encoding encoding_ = Encoding::kIntset;
  uint8_t width_ = 2;  // intset: bytes per integer
  uint32_t count_ = 0;  // intset and listpack members
  uint32_t used_ = 0;   // listpack bytes
  // intset: count_ * width_ bytes, sorted ascending; listpack: used_ bytes of
  // [len:1][member bytes] ...
  char* data_ = nullptr;
  std::unique_ptr<KeyTable> table_;
};

template <typename Visit>
void SetValue::for_each(Visit&& visit) const {
  if (table_) {
    table_->for_each([&](Entry* e) { visit(e->key()); });
    return;
  }
  if (encoding_ == Encoding::kListpack) {
    for (size_t at = 0; at < used_; at += 1 + static_cast<uint8_t>(data_[at]))
      visit(std::string_view(data_ + at + 1, static_cast<uint8_t>(data_[at])));
    return;
  }
  char scratch[24];
  for (size_t i = 0; i < count_; ++i) visit(format(int_at(i), scratch));
}

template <typename Visit>
void SetValue::for_each_while(Visit&& visit) const {
  if (table_) {
    // Bucket by bucket through the scan cursor, which can stop between buckets.
    bool go = true;
    uint64_t cursor = 0;
    do {
      cursor = table_->scan(cursor, [&](Entry* e) {
        if (go) go = visit(e->key());
      });
    } while (go && cursor != 0);
    return;
  }
  if (encoding_ == Encoding::kListpack) {
    for (size_t at = 0; at < used_; at += 1 + static_cast<uint8_t>(data_[at]))
      if (!visit(std::string_view(data_ + at + 1, static_cast<uint8_t>(data_[at])))) return;
    return;
  }
  char scratch[24];
  for (size_t i = 0; i < count_; ++i)
    if (!visit(format(int_at(i), scratch))) return;
}

template <typename Visit>
uint64_t SetValue::scan(uint64_t cursor, Visit&& visit) const {
  if (!table_) {
    for_each(visit);
    return 0;
  }
  return table_->scan(cursor, [&](Entry* e) { visit(e->key()); });
}

}  // namespace arbor::keyspace
