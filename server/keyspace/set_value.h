// The set value (TYPE set): unique binary-safe members. While every member is
// an integer and there are at most 512, they live in one sorted array of
// 2/4/8-byte integers ("intset"); otherwise, once and for good, in a KeyTable
// whose Entries are the members with an empty value ("hashtable").
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

  SetValue() : Object(ValueType::kSet) {}
  ~SetValue() override;

  std::string_view encoding() const override { return table_ ? "hashtable" : "intset"; }
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

  // visit(member) over every member (intset: ascending). The view is only
  // valid during the call (intset members are formatted into a scratch buffer).
  template <typename Visit>
  void for_each(Visit&& visit) const;
  // As for_each, stopping once visit(member) returns false (SINTERCARD LIMIT).
  template <typename Visit>
  void for_each_while(Visit&& visit) const;
  // One SSCAN step over the hashtable; the intset visits all and returns 0.
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
  void convert_to_table();
  static std::string_view format(int64_t value, char* scratch);

  char* ints_ = nullptr;   // count_ * width_ bytes, sorted ascending
  uint32_t count_ = 0;
  uint8_t width_ = 2;
  std::unique_ptr<KeyTable> table_;
};

template <typename Visit>
void SetValue::for_each(Visit&& visit) const {
  if (table_) {
    table_->for_each([&](Entry* e) { visit(e->key()); });
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
