// ZsetValue: the flat sorted buffer (linear search and in-place edits, as a
// listpack; integral scores take 1 or 4 bytes) and the one-way move to a
// member table plus skiplist.
#include "server/keyspace/zset_value.h"
#include "server/keyspace/encoding_limits.h"
#include "server/keyspace/key_table_impl.h"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <new>
#include <string>

namespace arbor::keyspace {

namespace {

constexpr size_t kNpos = static_cast<size_t>(-1);

// How an item's score is stored; the header byte is len + 65 * kind (member
// lengths run 0..64).
enum ScoreKind : uint8_t { kDouble = 0, kInt8 = 1, kInt32 = 2 };
constexpr size_t kKindSpan = ZsetValue::kMaxCompactLength + 1;
constexpr size_t kScoreBytes[] = {8, 1, 4};

// The narrowest exact form of `score`. -0 becomes 0 here, as a listpack
// stores it ("-0" is written as the integer 0 there too).
ScoreKind kind_of(double score) {
  if (!(score >= std::numeric_limits<int32_t>::min() && score <= std::numeric_limits<int32_t>::max()))
    return kDouble;
  const auto i = static_cast<int32_t>(score);
  if (static_cast<double>(i) != score) return kDouble;
  return i >= -128 && i <= 127 ? kInt8 : kInt32;
}

size_t item_size(std::string_view member, double score) { return 1 + kScoreBytes[kind_of(score)] + member.size(); }

bool less(double a_score, std::string_view a, double b_score, std::string_view b) {
  return a_score < b_score || (a_score == b_score && a < b);
}

}  // namespace

template class ChainedTable<ZNode>;

ZsetValue::~ZsetValue() { std::free(buf_); }

size_t ZsetValue::size() const { return large_ ? large_->list.size() : count_; }

size_t ZsetValue::memory_usage() const {
  size_t bytes = sizeof(ZsetValue) + used_;
  if (large_) {
    bytes += sizeof(Large) + large_->table.bucket_count() * sizeof(ZNode*);
    large_->table.for_each([&](const ZNode* n) { bytes += n->bytes(); });
  }
  return bytes;
}

std::unique_ptr<Object> ZsetValue::clone() const {
  auto copy = std::make_unique<ZsetValue>();
  if (large_) {
    copy->large_ = std::make_unique<Large>();
    for (const ZNode* n = large_->list.first(); n != nullptr; n = n->level[0].forward)
      copy->insert_large(n->member(), n->score);
  } else if (used_ > 0) {
    copy->buf_ = static_cast<char*>(std::malloc(used_));
    if (copy->buf_ == nullptr) throw std::bad_alloc();
    std::memcpy(copy->buf_, buf_, used_);
    copy->used_ = used_;
    copy->count_ = count_;
  }
  return copy;
}

ZsetValue::Item ZsetValue::read(size_t at) const {
  const auto hdr = static_cast<uint8_t>(buf_[at]);
  const size_t kind = hdr / kKindSpan;
  const size_t len = hdr % kKindSpan;
  Item item;
  const char* p = buf_ + at + 1;
  if (kind == kInt8) {
    item.score = static_cast<int8_t>(*p);
  } else if (kind == kInt32) {
    int32_t i;
    std::memcpy(&i, p, 4);
    item.score = i;
  } else {
    std::memcpy(&item.score, p, 8);
  }
  p += kScoreBytes[kind];
  item.member = std::string_view(p, len);
  item.next = static_cast<size_t>(p - buf_) + len;
  return item;
}

size_t ZsetValue::find_compact(std::string_view member, double* score) const {
  for (size_t at = 0; at < used_;) {
    const Item item = read(at);
    if (item.member == member) {
      if (score != nullptr) *score = item.score;
      return at;
    }
    at = item.next;
  }
  return kNpos;
}

// Inserts a member known to be absent at its sorted place. Grows the buffer
// to exactly what is needed, as a listpack: small zsets are many.
void ZsetValue::insert_compact(std::string_view member, double score) {
  size_t pos = 0;
  while (pos < used_) {
    const Item item = read(pos);
    if (less(score, member, item.score, item.member)) break;
    pos = item.next;
  }
  const size_t size = item_size(member, score);
  char* grown = static_cast<char*>(std::realloc(buf_, used_ + size));
  if (grown == nullptr) throw std::bad_alloc();
  buf_ = grown;
  std::memmove(buf_ + pos + size, buf_ + pos, used_ - pos);
  char* p = buf_ + pos;
  const ScoreKind kind = kind_of(score);
  *p++ = static_cast<char>(member.size() + kKindSpan * kind);
  if (kind == kInt8) {
    *p = static_cast<char>(static_cast<int8_t>(score));
  } else if (kind == kInt32) {
    const auto i = static_cast<int32_t>(score);
    std::memcpy(p, &i, 4);
  } else {
    std::memcpy(p, &score, 8);
  }
  p += kScoreBytes[kind];
  if (!member.empty()) std::memcpy(p, member.data(), member.size());
  used_ += static_cast<uint32_t>(size);
  ++count_;
}

void ZsetValue::erase_compact_at(size_t at) {
  const size_t next = read(at).next;
  std::memmove(buf_ + at, buf_ + next, used_ - next);
  used_ -= static_cast<uint32_t>(next - at);
  --count_;
  if (count_ == 0) {
    std::free(buf_);
    buf_ = nullptr;
  }
}

void ZsetValue::insert_large(std::string_view member, double score) {
  large_->table.insert(large_->list.insert(score, member));
}

void ZsetValue::make_large() {
  if (!large_) convert_to_large();
}

void ZsetValue::convert_to_large() {
  auto large = std::make_unique<Large>();
  large_ = std::move(large);
  for (size_t at = 0; at < used_;) {
    const Item item = read(at);
    insert_large(item.member, item.score);
    at = item.next;
  }
  std::free(buf_);
  buf_ = nullptr;
  used_ = 0;
  count_ = 0;
}

std::optional<double> ZsetValue::score(std::string_view member) const {
  if (large_) {
    const ZNode* node = large_->table.find(member);
    if (node == nullptr) return std::nullopt;
    return node->score;
  }
  double s;
  if (find_compact(member, &s) == kNpos) return std::nullopt;
  return s;
}

size_t ZsetValue::max_compact_entries() {
  return std::min(encoding_limits().zset_max_entries, kMaxCompactEntries);
}
size_t ZsetValue::max_compact_length() { return std::min(encoding_limits().zset_max_value, kMaxCompactLength); }

bool ZsetValue::set(std::string_view member, double score) {
  if (large_) {
    ZNode* node = large_->table.find(member);
    if (node == nullptr) {
      insert_large(member, score);
      return true;
    }
    large_->list.update_score(node, score);
    return false;
  }
  double old;
  const size_t at = find_compact(member, &old);
  if (at != kNpos) {
    if (old == score && std::signbit(old) == std::signbit(score)) return false;
    erase_compact_at(at);
    insert_compact(member, score);
    return false;
  }
  if (member.size() > max_compact_length() || count_ + 1 > max_compact_entries()) {
    convert_to_large();
    insert_large(member, score);
    return true;
  }
  insert_compact(member, score);
  return true;
}

bool ZsetValue::erase(std::string_view member) {
  if (large_) {
    ZNode* node = large_->table.detach(member);
    if (node == nullptr) return false;
    large_->list.erase(node);
    return true;
  }
  const size_t at = find_compact(member, nullptr);
  if (at == kNpos) return false;
  erase_compact_at(at);
  return true;
}

std::optional<size_t> ZsetValue::rank(std::string_view member) const {
  if (large_) {
    const ZNode* node = large_->table.find(member);
    if (node == nullptr) return std::nullopt;
    return large_->list.rank(node);
  }
  size_t r = 0;
  for (size_t at = 0; at < used_; ++r) {
    const Item item = read(at);
    if (item.member == member) return r;
    at = item.next;
  }
  return std::nullopt;
}

size_t ZsetValue::count_below(double score, bool include_equal) const {
  if (large_) return large_->list.count_below(score, include_equal);
  size_t n = 0;
  for (size_t at = 0; at < used_; ++n) {
    const Item item = read(at);
    if (!(item.score < score || (include_equal && item.score == score))) break;
    at = item.next;
  }
  return n;
}

std::pair<std::string_view, double> ZsetValue::at(size_t rank) const {
  if (large_) {
    const ZNode* n = large_->list.at(rank);
    return {n->member(), n->score};
  }
  size_t at = 0;
  for (size_t i = 0; i < rank; ++i) at = read(at).next;
  const Item item = read(at);
  return {item.member, item.score};
}

void ZsetValue::erase_ranks(size_t first, size_t count) {
  if (count == 0) return;
  if (large_) {
    std::vector<std::string> members;
    members.reserve(count);
    walk(first, false, [&](std::string_view m, double) {
      members.emplace_back(m);
      return members.size() < count;
    });
    for (const auto& m : members) erase(m);
    return;
  }
  size_t begin = 0;
  for (size_t i = 0; i < first; ++i) begin = read(begin).next;
  size_t end = begin;
  for (size_t i = 0; i < count && end < used_; ++i) end = read(end).next;
  std::memmove(buf_ + begin, buf_ + end, used_ - end);
  used_ -= static_cast<uint32_t>(end - begin);
  count_ -= static_cast<uint32_t>(count);
  if (count_ == 0) {
    std::free(buf_);
    buf_ = nullptr;
    used_ = 0;
  }
}

}  // namespace arbor::keyspace
