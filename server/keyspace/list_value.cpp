// ListValue: node encoding (length, bytes, reversed length), positional
// lookup that skips nodes by their counts, and the node split/merge rules
// that keep every node within kNodeMaxBytes / kNodeMaxCount.
#include "server/keyspace/list_value.h"
#include "server/keyspace/encoding_limits.h"

#include <utility>

namespace arbor::keyspace {
namespace {

size_t varint_size(size_t n) {
  size_t size = 1;
  while (n >= 0x80) {
    n >>= 7;
    ++size;
  }
  return size;
}

size_t encoded_size(size_t len) { return len + 2 * varint_size(len); }

// Appends one element: LEB128 length, bytes, then the same length bytes in
// reverse order so a reader standing at the element's end can decode it.
void encode(std::string& out, std::string_view value) {
  char tmp[10];
  size_t n = 0;
  size_t len = value.size();
  do {
    uint8_t b = len & 0x7f;
    len >>= 7;
    if (len != 0) b |= 0x80;
    tmp[n++] = static_cast<char>(b);
  } while (len != 0);
  out.append(tmp, n);
  out.append(value);
  for (size_t i = n; i > 0; --i) out.push_back(tmp[i - 1]);
}

std::string encoded(std::string_view value) {
  std::string out;
  out.reserve(encoded_size(value.size()));
  encode(out, value);
  return out;
}

// Decodes the element starting at `offset`; returns its view, sets `end`.
std::string_view decode_at(const std::string& bytes, size_t offset, size_t& end) {
  size_t len = 0;
  int shift = 0;
  size_t p = offset;
  while (true) {
    auto b = static_cast<uint8_t>(bytes[p++]);
    len |= static_cast<size_t>(b & 0x7f) << shift;
    shift += 7;
    if ((b & 0x80) == 0) break;
  }
  std::string_view value(bytes.data() + p, len);
  end = p + len + (p - offset);
  return value;
}

// Decodes the element ending at `end`; returns its view, sets `start`.
std::string_view decode_before(const std::string& bytes, size_t end, size_t& start) {
  size_t len = 0;
  int shift = 0;
  size_t p = end;
  while (true) {
    auto b = static_cast<uint8_t>(bytes[--p]);
    len |= static_cast<size_t>(b & 0x7f) << shift;
    shift += 7;
    if ((b & 0x80) == 0) break;
  }
  const size_t header = end - p;
  start = p - len - header;
  return {bytes.data() + p - len, len};
}

}  // namespace

size_t ListValue::memory_usage() const {
  size_t total = sizeof(*this) + nodes_.capacity() * sizeof(Node);
  for (size_t i = 0; i < nodes_.size(); ++i) {
    const std::string& bytes = nodes_[i].bytes;
    if (bytes.capacity() > 15) total += bytes.capacity() + 1;  // beyond the inline buffer
  }
  return total;
}

std::unique_ptr<Object> ListValue::clone() const {
  auto copy = std::make_unique<ListValue>();
  copy->nodes_ = nodes_;
  copy->size_ = size_;
  return copy;
}

namespace {

// list-max-listpack-size: -1..-5 give 4..64 KB nodes (below -5 as -5) of at
// most kNodeMaxCount elements; n > 0 gives n elements within 8 KB.
struct NodeLimits {
  uint32_t count;
  size_t bytes;
};
NodeLimits node_limits() {
  const int64_t size = encoding_limits().list_max_size;
  if (size > 0) return {static_cast<uint32_t>(std::min<int64_t>(size, UINT32_MAX)), ListValue::kNodeMaxBytes};
  static constexpr size_t kBytes[] = {4096, 8192, 16384, 32768, 65536};
  const int64_t index = std::min<int64_t>(-size - 1, 4);
  return {ListValue::kNodeMaxCount, kBytes[index < 0 ? 0 : index]};
}

}  // namespace

bool ListValue::fits(const Node& node, size_t encoded) const {
  const NodeLimits limits = node_limits();
  return node.count < limits.count && node.bytes.size() + encoded <= limits.bytes;
}

void ListValue::push(End end, std::string_view value) {
  const size_t enc = encoded_size(value.size());
  if (end == End::kTail) {
    if (nodes_.empty() || !fits(nodes_.back(), enc)) {
      // The node being left is done growing: give back its slack.
      if (!nodes_.empty()) nodes_.back().bytes.shrink_to_fit();
      nodes_.emplace_back();
    }
    Node& node = nodes_.back();
    encode(node.bytes, value);
    ++node.count;
  } else {
    if (nodes_.empty() || !fits(nodes_.front(), enc)) {
      if (!nodes_.empty()) nodes_.front().bytes.shrink_to_fit();
      nodes_.emplace_front();
    }
    Node& node = nodes_.front();
    node.bytes.insert(0, encoded(value));
    ++node.count;
  }
  ++size_;
}

std::string ListValue::pop(End end) {
  Node& node = end == End::kHead ? nodes_.front() : nodes_.back();
  std::string value;
  if (end == End::kHead) {
    size_t next;
    value = std::string(decode_at(node.bytes, 0, next));
    node.bytes.erase(0, next);
  } else {
    size_t start;
    value = std::string(decode_before(node.bytes, node.bytes.size(), start));
    node.bytes.resize(start);
  }
  --node.count;
  --size_;
  if (node.count == 0) {
    if (end == End::kHead)
      nodes_.pop_front();
    else
      nodes_.pop_back();
  }
  return value;
}

ListValue::Position ListValue::locate(size_t index) const {
  size_t node = 0;
  size_t in_node = index;
  if (index < size_ / 2) {
    while (in_node >= nodes_[node].count) in_node -= nodes_[node++].count;
  } else {
    // Walk from the tail: `from_end` counts elements after `index`.
    size_t from_end = size_ - 1 - index;
    node = nodes_.size() - 1;
    while (from_end >= nodes_[node].count) from_end -= nodes_[node--].count;
    in_node = nodes_[node].count - 1 - from_end;
  }
  const Node& n = nodes_[node];
  size_t offset = 0;
  if (in_node <= n.count / 2) {
    for (size_t i = 0; i < in_node; ++i) decode_at(n.bytes, offset, offset);
  } else {
    offset = n.bytes.size();
    for (size_t i = n.count; i > in_node; --i) decode_before(n.bytes, offset, offset);
  }
  return {node, offset};
}

std::string_view ListValue::at(size_t index) const {
  Position pos = locate(index);
  size_t end;
  return decode_at(nodes_[pos.node].bytes, pos.offset, end);
}

void ListValue::set(size_t index, std::string_view value) {
  Position pos = locate(index);
  Node& node = nodes_[pos.node];
  size_t end;
  decode_at(node.bytes, pos.offset, end);
  node.bytes.replace(pos.offset, end - pos.offset, encoded(value));
  repack(pos.node);
}

void ListValue::insert(size_t index, std::string_view value) {
  if (index == 0) return push(End::kHead, value);
  if (index == size_) return push(End::kTail, value);
  Position pos = locate(index);
  Node& node = nodes_[pos.node];
  node.bytes.insert(pos.offset, encoded(value));
  ++node.count;
  ++size_;
  repack(pos.node);
}

void ListValue::repack(size_t node_index) {
  Node& node = nodes_[node_index];
  const NodeLimits limits = node_limits();
  if (node.count <= 1 || (node.count <= limits.count && node.bytes.size() <= limits.bytes)) return;
  std::vector<Node> parts(1);
  size_t offset = 0;
  while (offset < node.bytes.size()) {
    size_t end;
    decode_at(node.bytes, offset, end);
    if (parts.back().count > 0 && !fits(parts.back(), end - offset)) parts.emplace_back();
    parts.back().bytes.append(node.bytes, offset, end - offset);
    ++parts.back().count;
    offset = end;
  }
  nodes_[node_index] = std::move(parts[0]);
  for (size_t i = 1; i < parts.size(); ++i) nodes_.insert(node_index + i, std::move(parts[i]));
}

void ListValue::tidy(size_t node_index) {
  if (nodes_[node_index].count == 0) {
    nodes_.erase(node_index);
    return;
  }
  // Merge into the next node when both fit in one: keeps erase-heavy lists
  // from degenerating into many tiny nodes.
  if (node_index + 1 < nodes_.size()) {
    Node& a = nodes_[node_index];
    Node& b = nodes_[node_index + 1];
    const NodeLimits limits = node_limits();
    if (a.count + b.count <= limits.count && a.bytes.size() + b.bytes.size() <= limits.bytes) {
      a.bytes.append(b.bytes);
      a.count += b.count;
      nodes_.erase(node_index + 1);
    }
  }
}

void ListValue::trim(size_t front, size_t back) {
  if (front + back >= size_) {
    nodes_.clear();
    size_ = 0;
    return;
  }
  while (front > 0 && nodes_.front().count <= front) {
    front -= nodes_.front().count;
    size_ -= nodes_.front().count;
    nodes_.pop_front();
  }
  while (back > 0 && nodes_.back().count <= back) {
    back -= nodes_.back().count;
    size_ -= nodes_.back().count;
    nodes_.pop_back();
  }
  // What is left to drop lies inside the end nodes: cut each in one move.
  if (front > 0) {
    Position pos = locate(front);
    nodes_.front().bytes.erase(0, pos.offset);
    nodes_.front().count -= static_cast<uint32_t>(front);
    size_ -= front;
  }
  if (back > 0) {
    Position pos = locate(size_ - back);
    nodes_.back().bytes.resize(pos.offset);
    nodes_.back().count -= static_cast<uint32_t>(back);
    size_ -= back;
  }
}

size_t ListValue::remove(std::string_view value, int64_t count) {
  const bool from_tail = count < 0;
  size_t budget = count == 0  ? size_
                  : from_tail ? static_cast<size_t>(-(count + 1)) + 1
                              : static_cast<size_t>(count);
  size_t removed = 0;
  // Rebuild each node without the matching elements; nodes are visited in
  // the direction of the scan so the budget is spent on the right matches.
  for (size_t k = 0; k < nodes_.size() && removed < budget; ++k) {
    const size_t i = from_tail ? nodes_.size() - 1 - k : k;
    Node& node = nodes_[i];
    std::vector<std::pair<size_t, size_t>> spans;  // [start, end) of each element
    for (size_t offset = 0; offset < node.bytes.size();) {
      size_t end;
      decode_at(node.bytes, offset, end);
      spans.emplace_back(offset, end);
      offset = end;
    }
    std::vector<bool> drop(spans.size(), false);
    size_t dropped = 0;
    for (size_t m = 0; m < spans.size() && removed < budget; ++m) {
      const size_t e = from_tail ? spans.size() - 1 - m : m;
      size_t end;
      if (decode_at(node.bytes, spans[e].first, end) == value) {
        drop[e] = true;
        ++dropped;
        ++removed;
      }
    }
    if (dropped == 0) continue;
    std::string rebuilt;
    rebuilt.reserve(node.bytes.size());
    for (size_t e = 0; e < spans.size(); ++e)
      if (!drop[e]) rebuilt.append(node.bytes, spans[e].first, spans[e].second - spans[e].first);
    node.bytes = std::move(rebuilt);
    node.count -= static_cast<uint32_t>(dropped);
    size_ -= dropped;
  }
  if (removed == 0) return 0;
  // Emptied nodes go, small neighbours merge; after the scan, so indexes
  // stayed stable during it.
  for (size_t i = nodes_.size(); i > 0; --i)
    if (i - 1 < nodes_.size()) tidy(i - 1);
  return removed;
}

ListValue::Cursor ListValue::forward(size_t index) const {
  Cursor c;
  c.list_ = this;
  if (index >= size_) return c;
  Position pos = locate(index);
  c.node_ = pos.node;
  c.offset_ = pos.offset;
  c.remaining_ = size_ - index;
  return c;
}

ListValue::Cursor ListValue::reverse(size_t index) const {
  Cursor c;
  c.list_ = this;
  c.reverse_ = true;
  if (index >= size_) return c;
  Position pos = locate(index);
  size_t end;
  decode_at(nodes_[pos.node].bytes, pos.offset, end);
  c.node_ = pos.node;
  c.offset_ = end;
  c.remaining_ = index + 1;
  return c;
}

std::string_view ListValue::Cursor::next() {
  const auto& nodes = list_->nodes_;
  --remaining_;
  if (!reverse_) {
    const std::string& bytes = nodes[node_].bytes;
    std::string_view value = decode_at(bytes, offset_, offset_);
    if (offset_ == bytes.size() && remaining_ > 0) {
      ++node_;
      offset_ = 0;
    }
    return value;
  }
  std::string_view value = decode_before(nodes[node_].bytes, offset_, offset_);
  if (offset_ == 0 && remaining_ > 0) {
    --node_;
    offset_ = nodes[node_].bytes.size();
  }
  return value;
}

}  // namespace arbor::keyspace
