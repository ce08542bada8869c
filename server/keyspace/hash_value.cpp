// HashValue: the flat compact encoding (linear search, in-place edits that
// keep field order, as a listpack) and the one-way move to a KeyTable.
#include "server/keyspace/hash_value.h"
#include "server/keyspace/encoding_limits.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>

namespace arbor::keyspace {

namespace {
constexpr size_t kNpos = static_cast<size_t>(-1);
}

// Many small hashes: the object's own size counts (48-byte malloc chunk).
static_assert(sizeof(HashValue) <= 40);

HashValue::~HashValue() { std::free(buf_); }

size_t HashValue::memory_usage() const {
  size_t bytes = sizeof(HashValue) + cap_;
  if (table_) {
    bytes += sizeof(KeyTable) + table_->bucket_count() * sizeof(Entry*);
    table_->for_each([&](Entry* e) { bytes += e->memory_usage(); });
  }
  return bytes;
}

std::unique_ptr<Object> HashValue::clone() const {
  auto copy = std::make_unique<HashValue>();
  if (table_) {
    copy->table_ = std::make_unique<KeyTable>();
    table_->for_each(
        [&](Entry* e) { copy->table_->insert(Entry::make_string(e->key(), e->string_value())); });
  } else if (used_ > 0) {
    copy->reserve_compact(used_);
    std::memcpy(copy->buf_, buf_, used_);
    copy->used_ = used_;
    copy->count_ = count_;
  }
  return copy;
}

size_t HashValue::find_compact(std::string_view field) const {
  for (size_t at = 0; at < used_;) {
    const size_t flen = static_cast<uint8_t>(buf_[at]);
    const size_t vlen = static_cast<uint8_t>(buf_[at + 1 + flen]);
    if (flen == field.size() && std::memcmp(buf_ + at + 1, field.data(), flen) == 0) return at;
    at += 2 + flen + vlen;
  }
  return kNpos;
}

// Grows to exactly what is needed, as a listpack does: small hashes are
// many, so slack would cost more than the occasional realloc.
void HashValue::reserve_compact(size_t bytes) {
  if (bytes <= cap_) return;
  char* grown = static_cast<char*>(std::realloc(buf_, bytes));
  if (grown == nullptr) throw std::bad_alloc();
  buf_ = grown;
  cap_ = static_cast<uint32_t>(bytes);
}

std::optional<std::string_view> HashValue::get(std::string_view field) const {
  if (table_) {
    Entry* e = table_->find(field);
    if (e == nullptr) return std::nullopt;
    return e->string_value();
  }
  const size_t at = find_compact(field);
  if (at == kNpos) return std::nullopt;
  const size_t flen = static_cast<uint8_t>(buf_[at]);
  const size_t vpos = at + 1 + flen;
  return std::string_view(buf_ + vpos + 1, static_cast<uint8_t>(buf_[vpos]));
}

bool HashValue::set(std::string_view field, std::string_view value) {
  // hash-max-listpack-value, up to the 255 bytes a compact length byte holds.
  const size_t max_length = std::min<size_t>(encoding_limits().hash_max_value, 255);
  if (!table_ && (field.size() > max_length || value.size() > max_length)) convert_to_table();
  if (table_) {
    Entry* e = table_->find(field);
    if (e == nullptr) {
      table_->insert(Entry::make_string(field, value));
      return true;
    }
    if (!e->overwrite_string_in_place(value)) table_->replace(e, Entry::make_string(field, value));
    return false;
  }
  const size_t at = find_compact(field);
  if (at != kNpos) {
    // Replace the value where it is, shifting the tail by the size change.
    const size_t vpos = at + 1 + field.size();
    const size_t old_len = static_cast<uint8_t>(buf_[vpos]);
    const size_t tail = vpos + 1 + old_len;
    const size_t new_used = used_ - old_len + value.size();
    reserve_compact(new_used);
    std::memmove(buf_ + vpos + 1 + value.size(), buf_ + tail, used_ - tail);
    buf_[vpos] = static_cast<char>(value.size());
    if (!value.empty()) std::memcpy(buf_ + vpos + 1, value.data(), value.size());
    used_ = static_cast<uint32_t>(new_used);
    shrink_if_slack();
    // Redis's hashTypeSet checks the length after every set, an update too:
    // a hash over a lowered hash-max-listpack-entries converts on its next write.
    if (count_ > encoding_limits().hash_max_entries) convert_to_table();
    return false;
  }
  if (count_ + 1 > encoding_limits().hash_max_entries) {
    convert_to_table();
    table_->insert(Entry::make_string(field, value));
    return true;
  }
  reserve_compact(used_ + 2 + field.size() + value.size());
  char* p = buf_ + used_;
  *p++ = static_cast<char>(field.size());
  if (!field.empty()) std::memcpy(p, field.data(), field.size());
  p += field.size();
  *p++ = static_cast<char>(value.size());
  if (!value.empty()) std::memcpy(p, value.data(), value.size());
  used_ += static_cast<uint32_t>(2 + field.size() + value.size());
  ++count_;
  return true;
}

bool HashValue::erase(std::string_view field) {
  if (table_) {
    Entry* e = table_->detach(field);
    if (e == nullptr) return false;
    Entry::destroy(e);
    return true;
  }
  const size_t at = find_compact(field);
  if (at == kNpos) return false;
  const size_t vpos = at + 1 + field.size();
  const size_t end = vpos + 1 + static_cast<uint8_t>(buf_[vpos]);
  std::memmove(buf_ + at, buf_ + end, used_ - end);
  used_ -= static_cast<uint32_t>(end - at);
  --count_;
  shrink_if_slack();
  return true;
}

// Gives back what shrunken values or removed fields left behind, once it is
// worth a realloc (a hash that empties is deleted by its command anyway).
void HashValue::shrink_if_slack() {
  if (used_ == 0 || cap_ <= used_ + 64) return;
  if (char* smaller = static_cast<char*>(std::realloc(buf_, used_))) {
    buf_ = smaller;
    cap_ = used_;
  }
}

void HashValue::convert_to_table() {
  auto table = std::make_unique<KeyTable>();
  for_each([&](std::string_view f, std::string_view v) { table->insert(Entry::make_string(f, v)); });
  table_ = std::move(table);
  std::free(buf_);
  buf_ = nullptr;
  used_ = cap_ = count_ = 0;
}

std::pair<std::string_view, std::string_view> HashValue::random_pair(uint64_t random) const {
  if (table_) {
    Entry* e = table_->random_entry(random);
    return {e->key(), e->string_value()};
  }
  size_t index = random % count_;
  std::pair<std::string_view, std::string_view> picked;
  for_each([&](std::string_view f, std::string_view v) {
    if (index-- == 0) picked = {f, v};
  });
  return picked;
}

}  // namespace arbor::keyspace
