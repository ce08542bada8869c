// The hash value (TYPE hash): field -> value, both binary-safe. Small hashes
// live in one flat buffer of length-prefixed field/value pairs ("listpack");
// past 512 fields or a 64-byte field/value they move once, for good, to a
// KeyTable whose Entries hold field + value in one allocation ("hashtable").
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <utility>

#include "server/keyspace/key_table.h"
#include "server/keyspace/value.h"

namespace arbor::keyspace {

class HashValue final : public Object {
 public:
  // Redis 7.0.15's compiled-in hash-max-listpack-entries / -value defaults
  // (512 and 64, checked against redis-server: CONFIG GET, OBJECT ENCODING).
  static constexpr size_t kMaxCompactEntries = 512;
  static constexpr size_t kMaxCompactLength = 64;

  HashValue() : Object(ValueType::kHash) {}
  ~HashValue() override;

  std::string_view encoding() const override { return table_ ? "hashtable" : "listpack"; }
  size_t element_count() const override { return size(); }
  size_t memory_usage() const override;
  std::unique_ptr<Object> clone() const override;

  size_t size() const { return table_ ? table_->size() : count_; }
  bool empty() const { return size() == 0; }
  bool compact() const { return table_ == nullptr; }

  // The value of `field`; the view is valid until the next change.
  std::optional<std::string_view> get(std::string_view field) const;
  // Sets field to value; true when the field is new. May convert the encoding.
  bool set(std::string_view field, std::string_view value);
  // True when the field existed.
  bool erase(std::string_view field);

  // visit(field, value) over every pair, in storage order.
  template <typename Visit>
  void for_each(Visit&& visit) const;
  // One HSCAN step over the hashtable (the compact form has no cursor: the
  // caller lists everything and answers cursor 0).
  template <typename Visit>
  uint64_t scan(uint64_t cursor, Visit&& visit) const;
  // A uniformly random pair (hash must be non-empty); `random` seeds the pick.
  std::pair<std::string_view, std::string_view> random_pair(uint64_t random) const;

 private:
  // Compact layout: [flen:1][field][vlen:1][value] ... both lengths <= 64.
  size_t find_compact(std::string_view field) const;  // offset of the pair, or npos
  void convert_to_table();
  void reserve_compact(size_t bytes);
  void shrink_if_slack();

  // Counters first: they fill the tail padding of Object, keeping a
  // HashValue at 40 bytes (a 48-byte malloc chunk rather than 64).
  uint32_t used_ = 0;
  uint32_t cap_ = 0;
  uint32_t count_ = 0;
  char* buf_ = nullptr;
  std::unique_ptr<KeyTable> table_;
};

template <typename Visit>
void HashValue::for_each(Visit&& visit) const {
  if (table_) {
    table_->for_each([&](Entry* e) { visit(e->key(), e->string_value()); });
    return;
  }
  for (size_t at = 0; at < used_;) {
    const size_t flen = static_cast<uint8_t>(buf_[at]);
    const std::string_view field(buf_ + at + 1, flen);
    at += 1 + flen;
    const size_t vlen = static_cast<uint8_t>(buf_[at]);
    visit(field, std::string_view(buf_ + at + 1, vlen));
    at += 1 + vlen;
  }
}

template <typename Visit>
uint64_t HashValue::scan(uint64_t cursor, Visit&& visit) const {
  if (!table_) {
    for_each(visit);
    return 0;
  }
  return table_->scan(cursor, [&](Entry* e) { visit(e->key(), e->string_value()); });
}

}  // namespace arbor::keyspace
