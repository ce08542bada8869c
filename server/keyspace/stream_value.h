// The stream value (TYPE stream, OBJECT ENCODING "stream"): entries with
// ids ms-seq, each a list of field/value pairs. As Redis's listpack nodes
// under a radix tree, entries are packed into byte blocks of at most
// node_max_entries entries / node_max_bytes bytes, kept in an ordered map
// keyed by each block's first ("master") id. Deleted entries are flagged in
// place; a block goes away when its last live entry does.
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "server/keyspace/value.h"

namespace arbor::keyspace {

struct StreamGroups;

struct StreamId {
  uint64_t ms = 0;
  uint64_t seq = 0;

  friend auto operator<=>(const StreamId&, const StreamId&) = default;
  friend bool operator==(const StreamId&, const StreamId&) = default;

  bool is_max() const { return ms == UINT64_MAX && seq == UINT64_MAX; }
  // The next / previous id (Redis's streamIncrID / streamDecrID); false,
  // leaving the id unchanged, at the edge (max-max / 0-0).
  bool increment();
  bool decrement();
  // "ms-seq" into `buf` (at least kMaxText bytes); returns the text.
  static constexpr size_t kMaxText = 42;
  std::string_view format(char* buf) const;
  std::string to_string() const;
};

inline constexpr StreamId kMinStreamId{0, 0};
inline constexpr StreamId kMaxStreamId{UINT64_MAX, UINT64_MAX};

// One entry as read from a block: valid until the stream changes.
class StreamEntryView {
 public:
  StreamId id;
  // Number of field/value pairs.
  size_t pair_count() const { return pairs_; }
  // visit(field, value) for every pair, in insertion order.
  template <typename Visit>
  void for_each_pair(Visit&& visit) const;

 private:
  friend class StreamValue;
  const char* data_ = nullptr;    // the entry's values (same_fields_) or pairs
  const char* master_ = nullptr;  // the block's master field names
  uint32_t pairs_ = 0;
  bool same_fields_ = false;
};

// How XADD / XTRIM trim (Redis's streamAddTrimArgs after parsing).
struct StreamTrim {
  enum class Strategy : uint8_t { kMaxLen, kMinId };
  Strategy strategy = Strategy::kMaxLen;
  uint64_t maxlen = 0;
  StreamId minid{};
  bool approx = false;  // '~': whole blocks only
  uint64_t limit = 0;   // most entries removed (whole blocks, approx only); 0 = no limit
};

class StreamValue final : public Object {
 public:
  // Redis 7.0's stream-node-max-entries / stream-node-max-bytes defaults.
  static constexpr size_t kNodeMaxEntries = 100;
  static constexpr size_t kNodeMaxBytes = 4096;

  explicit StreamValue(size_t node_max_entries = kNodeMaxEntries, size_t node_max_bytes = kNodeMaxBytes);
  ~StreamValue() override;

  std::string_view encoding() const override { return "stream"; }
  size_t element_count() const override { return length_; }
  size_t memory_usage() const override;
  std::unique_ptr<Object> clone() const override;

  size_t length() const { return length_; }
  StreamId last_id() const { return last_id_; }
  void set_last_id(StreamId id) { last_id_ = id; }
  uint64_t entries_added() const { return entries_added_; }
  void set_entries_added(uint64_t n) { entries_added_ = n; }
  StreamId max_deleted_entry_id() const { return max_deleted_; }
  void set_max_deleted_entry_id(StreamId id) { max_deleted_ = id; }
  // The first live entry's id (0-0 when empty); computed from the first block.
  StreamId first_id() const;
  // The last live entry's id, if any (Redis's streamLastValidID).
  std::optional<StreamId> last_valid_id() const;

  // Appends an entry; `id` must be greater than last_id() (the caller checks)
  // and `fields_values` holds field, value, field, value ... (even, >= 2).
  // Updates last_id and entries_added.
  void append(StreamId id, std::span<const std::string_view> fields_values);
  // Deletes the entry `id`; true if it existed. Updates max_deleted_entry_id.
  bool erase(StreamId id);
  // Trims as Redis's streamTrim; returns the number of entries removed.
  uint64_t trim(const StreamTrim& how);

  // visit(const StreamEntryView&) over live entries with start <= id <= end,
  // ascending (or descending when `reverse`), at most `count` (0 = all).
  // Returns the number visited.
  template <typename Visit>
  size_t range(StreamId start, StreamId end, bool reverse, size_t count, Visit&& visit) const;

  // Consumer groups (stream_groups.h); null while the stream has none.
  const StreamGroups* groups() const { return groups_.get(); }
  StreamGroups* groups() { return groups_.get(); }
  // The groups, created empty when there are none yet.
  StreamGroups& groups_for_write();

  // For tests and memory reports: blocks and their entry counts.
  size_t block_count() const { return blocks_.size(); }
  struct BlockInfo {
    StreamId master;
    size_t live;
    size_t deleted;
    size_t bytes;
  };
  std::vector<BlockInfo> blocks() const;

 private:
  // Block layout: header = varint n, then n master field names (varint len +
  // bytes); then entries: [flags:1][varint ms - master.ms][varint seq] and
  // either (flag kSameFields) n values, or varint pairs + field/value pairs,
  // every string as varint len + bytes.
  struct Block {
    std::string bytes;
    uint32_t header = 0;  // bytes of the header
    uint32_t live = 0;
    uint32_t deleted = 0;
    StreamId last{};  // the last id written, live or deleted
  };
  using Blocks = std::map<StreamId, Block>;

  static constexpr uint8_t kDeleted = 1;
  static constexpr uint8_t kSameFields = 2;

  // Decodes the entry at `p`; returns the position after it.
  static const char* decode(const Block& block, StreamId master, const char* p, StreamEntryView& out,
                            uint8_t& flags);
  template <typename Visit>
  static bool visit_block(const Block& block, StreamId master, StreamId start, StreamId end, bool reverse,
                          size_t count, size_t& done, Visit& visit);
  void remove_block(Blocks::iterator it);

  Blocks blocks_;
  size_t length_ = 0;
  StreamId last_id_{};
  StreamId max_deleted_{};
  uint64_t entries_added_ = 0;
  uint32_t node_max_entries_;
  uint32_t node_max_bytes_;
  std::unique_ptr<StreamGroups> groups_;
};

// ---- varints and inline templates ------------------------------------------

namespace stream_detail {

inline uint64_t read_varint(const char*& p) {
  uint64_t v = 0;
  int shift = 0;
  for (;;) {
    const auto byte = static_cast<uint8_t>(*p++);
    v |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return v;
    shift += 7;
  }
}

inline std::string_view read_string(const char*& p) {
  const uint64_t len = read_varint(p);
  std::string_view s(p, len);
  p += len;
  return s;
}

}  // namespace stream_detail

template <typename Visit>
void StreamEntryView::for_each_pair(Visit&& visit) const {
  const char* p = data_;
  if (same_fields_) {
    const char* m = master_;
    for (uint32_t i = 0; i < pairs_; ++i) {
      const std::string_view field = stream_detail::read_string(m);
      const std::string_view value = stream_detail::read_string(p);
      visit(field, value);
    }
    return;
  }
  for (uint32_t i = 0; i < pairs_; ++i) {
    const std::string_view field = stream_detail::read_string(p);
    const std::string_view value = stream_detail::read_string(p);
    visit(field, value);
  }
}

template <typename Visit>
bool StreamValue::visit_block(const Block& block, StreamId master, StreamId start, StreamId end, bool reverse,
                              size_t count, size_t& done, Visit& visit) {
  const char* p = block.bytes.data() + block.header;
  const char* const stop = block.bytes.data() + block.bytes.size();
  StreamEntryView view;
  uint8_t flags = 0;
  if (!reverse) {
    while (p < stop) {
      p = decode(block, master, p, view, flags);
      if (flags & kDeleted) continue;
      if (view.id < start) continue;
      if (view.id > end) return false;
      visit(static_cast<const StreamEntryView&>(view));
      if (++done == count) return false;
    }
    return true;
  }
  // Backwards: entries are only linked forwards, so collect the offsets of
  // this block's entries first (a block holds a bounded number of them).
  uint32_t stack_offsets[128];
  std::vector<uint32_t> heap_offsets;
  uint32_t* offsets = stack_offsets;
  const size_t total = size_t{block.live} + block.deleted;
  if (total > 128) {
    heap_offsets.resize(total);
    offsets = heap_offsets.data();
  }
  size_t n = 0;
  while (p < stop && n < total) {
    offsets[n++] = static_cast<uint32_t>(p - block.bytes.data());
    p = decode(block, master, p, view, flags);
  }
  while (n > 0) {
    decode(block, master, block.bytes.data() + offsets[--n], view, flags);
    if (flags & kDeleted) continue;
    if (view.id > end) continue;
    if (view.id < start) return false;
    visit(static_cast<const StreamEntryView&>(view));
    if (++done == count) return false;
  }
  return true;
}

template <typename Visit>
size_t StreamValue::range(StreamId start, StreamId end, bool reverse, size_t count, Visit&& visit) const {
  size_t done = 0;
  if (start > end || blocks_.empty()) return 0;
  if (!reverse) {
    auto it = blocks_.upper_bound(start);
    if (it != blocks_.begin()) --it;
    for (; it != blocks_.end() && it->first <= end; ++it)
      if (!visit_block(it->second, it->first, start, end, false, count, done, visit)) break;
    return done;
  }
  auto it = blocks_.upper_bound(end);
  while (it != blocks_.begin()) {
    --it;
    if (it->second.last < start) break;
    if (!visit_block(it->second, it->first, start, end, true, count, done, visit)) break;
  }
  return done;
}

}  // namespace arbor::keyspace
