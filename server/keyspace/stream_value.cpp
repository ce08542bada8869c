// StreamValue: appending into the tail block (a new block once the tail holds
// node_max_entries entries or would reach node_max_bytes), deletion by flag,
// and trimming by whole blocks or entry by entry, as Redis 7.0's t_stream.c.
#include "server/keyspace/stream_value.h"

#include <charconv>
#include <iterator>

#include "server/keyspace/stream_groups.h"

namespace arbor::keyspace {

namespace {

void put_varint(std::string& out, uint64_t v) {
  char buf[10];
  size_t n = 0;
  while (v >= 0x80) {
    buf[n++] = static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  buf[n++] = static_cast<char>(v);
  out.append(buf, n);
}

void put_string(std::string& out, std::string_view s) {
  put_varint(out, s.size());
  out.append(s);
}

}  // namespace

// ---- StreamId ---------------------------------------------------------------

bool StreamId::increment() {
  if (seq == UINT64_MAX) {
    if (ms == UINT64_MAX) return false;
    ++ms;
    seq = 0;
    return true;
  }
  ++seq;
  return true;
}

bool StreamId::decrement() {
  if (seq == 0) {
    if (ms == 0) return false;
    --ms;
    seq = UINT64_MAX;
    return true;
  }
  --seq;
  return true;
}

std::string_view StreamId::format(char* buf) const {
  char* p = std::to_chars(buf, buf + 20, ms).ptr;
  *p++ = '-';
  p = std::to_chars(p, p + 20, seq).ptr;
  return {buf, static_cast<size_t>(p - buf)};
}

std::string StreamId::to_string() const {
  char buf[kMaxText];
  return std::string(format(buf));
}

// ---- StreamValue ------------------------------------------------------------

StreamValue::StreamValue(size_t node_max_entries, size_t node_max_bytes)
    : Object(ValueType::kStream),
      node_max_entries_(static_cast<uint32_t>(node_max_entries)),
      node_max_bytes_(static_cast<uint32_t>(node_max_bytes)) {}

StreamValue::~StreamValue() = default;

StreamGroups& StreamValue::groups_for_write() {
  if (!groups_) groups_ = std::make_unique<StreamGroups>();
  return *groups_;
}

size_t StreamValue::memory_usage() const {
  // A map node is the pair plus three pointers and a colour word.
  constexpr size_t kNodeOverhead = sizeof(Blocks::value_type) + 4 * sizeof(void*);
  size_t bytes = sizeof(StreamValue);
  for (const auto& [master, block] : blocks_) bytes += kNodeOverhead + block.bytes.capacity();
  if (groups_) {
    // Map nodes of groups, consumers and pending entries, as estimates.
    for (const auto& [name, group] : groups_->by_name) {
      bytes += sizeof(StreamGroup) + name.capacity() + 4 * sizeof(void*);
      bytes += group.pel.size() * (sizeof(StreamId) + sizeof(StreamNack) + 4 * sizeof(void*));
      for (const auto& [cname, consumer] : group.consumers)
        bytes += sizeof(StreamConsumer) + 2 * cname.capacity() +
                 consumer.pending.size() * (sizeof(StreamId) + 4 * sizeof(void*));
    }
  }
  return bytes;
}

std::unique_ptr<Object> StreamValue::clone() const {
  auto copy = std::make_unique<StreamValue>(node_max_entries_, node_max_bytes_);
  copy->blocks_ = blocks_;
  copy->length_ = length_;
  copy->last_id_ = last_id_;
  copy->max_deleted_ = max_deleted_;
  copy->entries_added_ = entries_added_;
  if (groups_) copy->groups_ = std::make_unique<StreamGroups>(*groups_);
  return copy;
}

const char* StreamValue::decode(const Block& block, StreamId master, const char* p, StreamEntryView& out,
                                uint8_t& flags) {
  flags = static_cast<uint8_t>(*p++);
  out.id.ms = master.ms + stream_detail::read_varint(p);
  out.id.seq = stream_detail::read_varint(p);
  out.master_ = nullptr;
  if (flags & kSameFields) {
    const char* h = block.bytes.data();
    out.pairs_ = static_cast<uint32_t>(stream_detail::read_varint(h));
    out.master_ = h;
    out.same_fields_ = true;
    out.data_ = p;
    for (uint32_t i = 0; i < out.pairs_; ++i) stream_detail::read_string(p);
    return p;
  }
  out.pairs_ = static_cast<uint32_t>(stream_detail::read_varint(p));
  out.same_fields_ = false;
  out.data_ = p;
  for (uint32_t i = 0; i < 2 * out.pairs_; ++i) stream_detail::read_string(p);
  return p;
}

void StreamValue::append(StreamId id, std::span<const std::string_view> fields_values) {
  size_t payload = 0;
  for (std::string_view s : fields_values) payload += s.size();
  const size_t pairs = fields_values.size() / 2;

  Block* block = nullptr;
  StreamId master{};
  if (!blocks_.empty()) {
    auto tail = std::prev(blocks_.end());
    Block& b = tail->second;
    // Redis's rule: a new node when the tail's bytes plus the new strings
    // reach the byte limit, or it holds max entries counting deleted ones.
    const bool full_bytes = node_max_bytes_ != 0 && b.bytes.size() + payload >= node_max_bytes_;
    const bool full_entries = node_max_entries_ != 0 && size_t{b.live} + b.deleted >= node_max_entries_;
    if (full_bytes || full_entries) {
      b.bytes.shrink_to_fit();  // as lpShrinkToFit: the block is closed
    } else {
      block = &b;
      master = tail->first;
    }
  }
  if (block == nullptr) {
    block = &blocks_.emplace_hint(blocks_.end(), id, Block{})->second;
    master = id;
    put_varint(block->bytes, pairs);
    for (size_t i = 0; i < fields_values.size(); i += 2) put_string(block->bytes, fields_values[i]);
    block->header = static_cast<uint32_t>(block->bytes.size());
  }

  // Same field names as the block's master entry: store the values only.
  bool same = false;
  {
    const char* h = block->bytes.data();
    if (stream_detail::read_varint(h) == pairs) {
      same = true;
      for (size_t i = 0; i < fields_values.size() && same; i += 2)
        same = stream_detail::read_string(h) == fields_values[i];
    }
  }
  std::string& bytes = block->bytes;
  bytes.push_back(static_cast<char>(same ? kSameFields : 0));
  put_varint(bytes, id.ms - master.ms);
  put_varint(bytes, id.seq);
  if (same) {
    for (size_t i = 1; i < fields_values.size(); i += 2) put_string(bytes, fields_values[i]);
  } else {
    put_varint(bytes, pairs);
    for (std::string_view s : fields_values) put_string(bytes, s);
  }
  ++block->live;
  block->last = id;
  ++length_;
  last_id_ = id;
  ++entries_added_;
}

void StreamValue::remove_block(Blocks::iterator it) {
  length_ -= it->second.live;
  blocks_.erase(it);
}

bool StreamValue::erase(StreamId id) {
  auto it = blocks_.upper_bound(id);
  if (it == blocks_.begin()) return false;
  --it;
  Block& block = it->second;
  if (id > block.last) return false;
  const char* base = block.bytes.data();
  const char* p = base + block.header;
  const char* const stop = base + block.bytes.size();
  StreamEntryView view;
  uint8_t flags = 0;
  while (p < stop) {
    const size_t at = static_cast<size_t>(p - base);
    p = decode(block, it->first, p, view, flags);
    if (view.id > id) return false;
    if (view.id < id) continue;
    if (flags & kDeleted) return false;
    block.bytes[at] = static_cast<char>(flags | kDeleted);
    --block.live;
    ++block.deleted;
    --length_;
    if (block.live == 0) remove_block(it);
    if (id > max_deleted_) max_deleted_ = id;
    return true;
  }
  return false;
}

uint64_t StreamValue::trim(const StreamTrim& how) {
  const bool by_len = how.strategy == StreamTrim::Strategy::kMaxLen;
  uint64_t removed = 0;
  auto it = blocks_.begin();
  while (it != blocks_.end()) {
    if (by_len && length_ <= how.maxlen) break;
    Block& block = it->second;
    const uint64_t entries = block.live;
    if (how.limit != 0 && removed + entries > how.limit) break;
    const bool whole = by_len ? length_ - entries >= how.maxlen : block.last < how.minid;
    if (whole) {
      removed += entries;
      auto next = std::next(it);
      remove_block(it);
      it = next;
      continue;
    }
    // '~' removes whole blocks only.
    if (how.approx) break;
    const char* base = block.bytes.data();
    const char* p = base + block.header;
    const char* const stop = base + block.bytes.size();
    StreamEntryView view;
    uint8_t flags = 0;
    while (p < stop) {
      const size_t at = static_cast<size_t>(p - base);
      p = decode(block, it->first, p, view, flags);
      if (flags & kDeleted) continue;
      if (by_len ? length_ <= how.maxlen : view.id >= how.minid) break;
      block.bytes[at] = static_cast<char>(flags | kDeleted);
      --block.live;
      ++block.deleted;
      --length_;
      ++removed;
    }
    // MINID can empty a block whose last written entry was deleted earlier.
    if (block.live == 0) remove_block(it);
    break;  // the rest of the stream is past the threshold
  }
  return removed;
}

StreamId StreamValue::first_id() const {
  StreamId id{};
  range(kMinStreamId, kMaxStreamId, false, 1, [&](const StreamEntryView& e) { id = e.id; });
  return id;
}

std::optional<StreamId> StreamValue::last_valid_id() const {
  std::optional<StreamId> id;
  range(kMinStreamId, kMaxStreamId, true, 1, [&](const StreamEntryView& e) { id = e.id; });
  return id;
}

std::vector<StreamValue::BlockInfo> StreamValue::blocks() const {
  std::vector<BlockInfo> out;
  out.reserve(blocks_.size());
  for (const auto& [master, block] : blocks_) out.push_back({master, block.live, block.deleted, block.bytes.size()});
  return out;
}

}  // namespace arbor::keyspace
