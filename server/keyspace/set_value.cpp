// SetValue: the intset (sorted fixed-width integers, binary search, widened
// in place when a value needs more bytes, never narrowed), the listpack
// (length-prefixed members, linear search: at most 128 of them) and the
// one-way moves intset -> listpack -> hashtable, as Redis 7.2.
#include "server/keyspace/set_value.h"
#include "server/keyspace/encoding_limits.h"

#include <cstdlib>
#include <cstring>
#include <limits>
#include <new>

#include "protocol/number_format.h"

namespace arbor::keyspace {

namespace {

size_t width_for(int64_t v) {
  if (v >= std::numeric_limits<int16_t>::min() && v <= std::numeric_limits<int16_t>::max()) return 2;
  if (v >= std::numeric_limits<int32_t>::min() && v <= std::numeric_limits<int32_t>::max()) return 4;
  return 8;
}

}  // namespace

// Many small sets: the object's own size counts (48-byte malloc chunk).
static_assert(sizeof(SetValue) <= 40);

SetValue::~SetValue() { std::free(data_); }

std::string_view SetValue::encoding() const {
  switch (encoding_) {
    case Encoding::kIntset: return "intset";
    case Encoding::kListpack: return "listpack";
    case Encoding::kHashtable: break;
  }
  return "hashtable";
}

size_t SetValue::memory_usage() const {
  size_t bytes = sizeof(SetValue) + (encoding_ == Encoding::kListpack ? used_ : static_cast<size_t>(count_) * width_);
  if (table_) {
    bytes += sizeof(KeyTable) + table_->bucket_count() * sizeof(Entry*);
    table_->for_each([&](Entry* e) { bytes += e->memory_usage(); });
  }
  return bytes;
}

std::unique_ptr<Object> SetValue::clone() const {
  auto copy = std::make_unique<SetValue>();
  copy->encoding_ = encoding_;
  if (table_) {
    copy->table_ = std::make_unique<KeyTable>();
    table_->for_each([&](Entry* e) { copy->table_->insert(Entry::make_string(e->key(), {})); });
  } else if (count_ > 0) {
    const size_t bytes = encoding_ == Encoding::kListpack ? used_ : static_cast<size_t>(count_) * width_;
    copy->data_ = static_cast<char*>(std::malloc(bytes));
    if (copy->data_ == nullptr) throw std::bad_alloc();
    std::memcpy(copy->data_, data_, bytes);
    copy->count_ = count_;
    copy->used_ = used_;
    copy->width_ = width_;
  }
  return copy;
}

std::string_view SetValue::format(int64_t value, char* scratch) {
  // Digits backwards from the end of the 24-byte scratch; unsigned magnitude
  // so INT64_MIN needs no special case.
  char* end = scratch + 24;
  char* p = end;
  uint64_t mag = value < 0 ? 0 - static_cast<uint64_t>(value) : static_cast<uint64_t>(value);
  do {
    *--p = static_cast<char>('0' + mag % 10);
    mag /= 10;
  } while (mag != 0);
  if (value < 0) *--p = '-';
  return {p, static_cast<size_t>(end - p)};
}

int64_t SetValue::int_at(size_t index) const {
  const char* p = data_ + index * width_;
  if (width_ == 2) {
    int16_t v;
    std::memcpy(&v, p, 2);
    return v;
  }
  if (width_ == 4) {
    int32_t v;
    std::memcpy(&v, p, 4);
    return v;
  }
  int64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

void SetValue::put_int(size_t index, int64_t value) {
  char* p = data_ + index * width_;
  if (width_ == 2) {
    const auto v = static_cast<int16_t>(value);
    std::memcpy(p, &v, 2);
  } else if (width_ == 4) {
    const auto v = static_cast<int32_t>(value);
    std::memcpy(p, &v, 4);
  } else {
    std::memcpy(p, &value, 8);
  }
}

size_t SetValue::search(int64_t value, bool& found) const {
  size_t lo = 0;
  size_t hi = count_;
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    const int64_t at = int_at(mid);
    if (at == value) {
      found = true;
      return mid;
    }
    if (at < value) lo = mid + 1;
    else hi = mid;
  }
  found = false;
  return lo;
}

// Re-encodes every element at the larger width, from the back so the
// realloc'ed buffer can be rewritten in place.
void SetValue::widen(size_t width) {
  char* grown = static_cast<char*>(std::realloc(data_, static_cast<size_t>(count_) * width + width));
  if (grown == nullptr) throw std::bad_alloc();
  data_ = grown;
  const size_t old_width = width_;
  for (size_t i = count_; i-- > 0;) {
    width_ = static_cast<uint8_t>(old_width);
    const int64_t v = int_at(i);
    width_ = static_cast<uint8_t>(width);
    put_int(i, v);
  }
  width_ = static_cast<uint8_t>(width);
}

bool SetValue::contains(std::string_view member) const {
  switch (encoding_) {
    case Encoding::kHashtable: return table_->find(member) != nullptr;
    case Encoding::kListpack: return find_packed(member) != std::string_view::npos;
    case Encoding::kIntset: break;
  }
  const auto value = protocol::parse_int64(member);
  if (!value || width_for(*value) > width_) return false;
  bool found;
  search(*value, found);
  return found;
}

bool SetValue::add_to_intset(int64_t value) {
  bool found = false;
  size_t at = 0;
  if (width_for(value) > width_) {
    widen(width_for(value));
    at = value < 0 ? 0 : count_;  // a wider value sorts at one end
  } else {
    at = search(value, found);
    if (found) return false;
    // Exact-size growth, as an intset: small sets are many.
    char* grown = static_cast<char*>(std::realloc(data_, (static_cast<size_t>(count_) + 1) * width_));
    if (grown == nullptr) throw std::bad_alloc();
    data_ = grown;
  }
  std::memmove(data_ + (at + 1) * width_, data_ + at * width_, (count_ - at) * width_);
  put_int(at, value);
  ++count_;
  if (count_ > encoding_limits().set_max_intset_entries) convert_to_table();
  return true;
}

bool SetValue::add(std::string_view member) {
  if (encoding_ == Encoding::kIntset) {
    if (const auto value = protocol::parse_int64(member)) return add_to_intset(*value);
    if (count_ + 1 <= kMaxListpackEntries && member.size() <= kMaxListpackLength)
      convert_to_listpack();
    else
      convert_to_table();
  }
  if (encoding_ == Encoding::kListpack) {
    if (find_packed(member) != std::string_view::npos) return false;
    if (count_ + 1 <= kMaxListpackEntries && member.size() <= kMaxListpackLength) {
      append_packed(member);
      return true;
    }
    convert_to_table();
  }
  if (table_->find(member) != nullptr) return false;
  table_->insert(Entry::make_string(member, {}));
  return true;
}

bool SetValue::erase(std::string_view member) {
  if (table_) {
    Entry* e = table_->detach(member);
    if (e == nullptr) return false;
    Entry::destroy(e);
    return true;
  }
  if (encoding_ == Encoding::kListpack) {
    const size_t at = find_packed(member);
    if (at == std::string_view::npos) return false;
    const size_t len = 1 + member.size();
    std::memmove(data_ + at, data_ + at + len, used_ - at - len);
    used_ -= static_cast<uint32_t>(len);
    --count_;
  } else {
    const auto value = protocol::parse_int64(member);
    if (!value || width_for(*value) > width_) return false;
    bool found;
    const size_t at = search(*value, found);
    if (!found) return false;
    std::memmove(data_ + at * width_, data_ + (at + 1) * width_, (count_ - at - 1) * width_);
    --count_;
  }
  if (count_ == 0) {
    std::free(data_);
    data_ = nullptr;
    used_ = 0;
  }
  return true;
}

size_t SetValue::find_packed(std::string_view member) const {
  if (member.size() > kMaxListpackLength) return std::string_view::npos;
  for (size_t at = 0; at < used_; at += 1 + static_cast<uint8_t>(data_[at])) {
    if (static_cast<uint8_t>(data_[at]) == member.size() && std::memcmp(data_ + at + 1, member.data(), member.size()) == 0)
      return at;
  }
  return std::string_view::npos;
}

void SetValue::append_packed(std::string_view member) {
  // Exact-size growth, as the intset's.
  char* grown = static_cast<char*>(std::realloc(data_, used_ + 1 + member.size()));
  if (grown == nullptr) throw std::bad_alloc();
  data_ = grown;
  data_[used_] = static_cast<char>(member.size());
  std::memcpy(data_ + used_ + 1, member.data(), member.size());
  used_ += static_cast<uint32_t>(1 + member.size());
  ++count_;
}

void SetValue::convert_to_listpack() {
  // Integers print in at most 20 characters.
  char* packed = static_cast<char*>(std::malloc(static_cast<size_t>(count_) * 21 + 1));
  if (packed == nullptr) throw std::bad_alloc();
  size_t used = 0;
  for_each([&](std::string_view m) {
    packed[used] = static_cast<char>(m.size());
    std::memcpy(packed + used + 1, m.data(), m.size());
    used += 1 + m.size();
  });
  std::free(data_);
  data_ = static_cast<char*>(std::realloc(packed, used));  // shrinking cannot fail
  used_ = static_cast<uint32_t>(used);
  encoding_ = Encoding::kListpack;
}

void SetValue::convert_to_table() {
  auto table = std::make_unique<KeyTable>();
  for_each([&](std::string_view m) { table->insert(Entry::make_string(m, {})); });
  table_ = std::move(table);
  std::free(data_);
  data_ = nullptr;
  count_ = 0;
  used_ = 0;
  encoding_ = Encoding::kHashtable;
}

std::string SetValue::random_member(uint64_t random) const {
  if (table_) return std::string(table_->random_entry(random)->key());
  if (encoding_ == Encoding::kListpack) {
    size_t at = 0;
    for (size_t skip = random % count_; skip > 0; --skip) at += 1 + static_cast<uint8_t>(data_[at]);
    return std::string(data_ + at + 1, static_cast<uint8_t>(data_[at]));
  }
  char scratch[24];
  return std::string(format(int_at(random % count_), scratch));
}

}  // namespace arbor::keyspace
