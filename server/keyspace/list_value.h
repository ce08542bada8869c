// The list type: a ring of packed nodes, as Redis's quicklist. Each node is
// one byte buffer of up to 128 elements / ~8 KB, every element stored as
// varint length, bytes, reversed varint length, so a node walks both ways.
// Push/pop at both ends are O(1); positional access skips whole nodes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "server/keyspace/node_ring.h"
#include "server/keyspace/value.h"

namespace arbor::keyspace {

class ListValue final : public Object {
 public:
  // Node limits: Redis 7.0's default list-max-listpack-size -2 is 8 KB per
  // node; the element cap keeps a node's in-place insert/erase cheap.
  static constexpr size_t kNodeMaxBytes = 8192;
  static constexpr uint32_t kNodeMaxCount = 128;

  enum class End : uint8_t { kHead, kTail };

  ListValue() : Object(ValueType::kList) {}

  // Redis 7.0 reports every list as "quicklist" (listpack lists came in 7.2).
  std::string_view encoding() const override { return "quicklist"; }
  size_t element_count() const override { return size_; }
  size_t memory_usage() const override;
  std::unique_ptr<Object> clone() const override;

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  size_t node_count() const { return nodes_.size(); }

  void push(End end, std::string_view value);
  // Removes and returns the element at `end`; the list must not be empty.
  std::string pop(End end);

  // Element `index` (0 <= index < size()); the view lives until the next change.
  std::string_view at(size_t index) const;
  void set(size_t index, std::string_view value);
  // Inserts before element `index`; index == size() appends.
  void insert(size_t index, std::string_view value);
  // Drops `front` elements at the head and `back` at the tail (LTRIM).
  void trim(size_t front, size_t back);
  // LREM: removes up to |count| elements equal to `value` (all when 0),
  // from the head when count >= 0, else from the tail. Returns how many.
  size_t remove(std::string_view value, int64_t count);

  // Walks elements from `index` towards the tail (Forward) or the head
  // (Reverse), one element per next(); valid while the list is unchanged.
  class Cursor {
   public:
    bool done() const { return remaining_ == 0; }
    std::string_view next();

   private:
    friend class ListValue;
    const ListValue* list_ = nullptr;
    size_t node_ = 0;
    size_t offset_ = 0;  // forward: start of next element; reverse: end of it
    size_t remaining_ = 0;
    bool reverse_ = false;
  };
  Cursor forward(size_t index) const;
  Cursor reverse(size_t index) const;

 private:
  struct Node {
    std::string bytes;
    uint32_t count = 0;
  };
  struct Position {
    size_t node;
    size_t offset;  // byte offset of the element inside the node
  };

  Position locate(size_t index) const;
  bool fits(const Node& node, size_t encoded) const;
  // Splits a node over the limits into full nodes (greedy repack).
  void repack(size_t node_index);
  // Frees an empty node or merges a small one into a neighbour.
  void tidy(size_t node_index);

  NodeRing<Node> nodes_;
  size_t size_ = 0;
};

}  // namespace arbor::keyspace
