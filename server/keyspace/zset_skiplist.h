// The ordered half of a large sorted set: Redis's skiplist with spans
// (zskiplist), ordered by (score, member bytes), giving rank and
// element-by-rank in O(log n). A node is the member's only allocation: the
// score, the links, the member bytes after them, and the chain link of the
// zset's member index (a ChainedTable of the same nodes), so a member costs
// one malloc, where Redis spends three (node, sds, dictEntry).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "server/keyspace/key_table.h"

namespace arbor::keyspace {

struct ZNode {
  struct Level {
    ZNode* forward;
    size_t span;  // elements skipped by this link
  };
  ZNode* chain;  // the member index's bucket chain
  double score;
  ZNode* backward;
  uint32_t member_len;
  uint8_t levels;
  Level level[];  // `levels` of them, then the member bytes

  std::string_view member() const { return {reinterpret_cast<const char*>(level + levels), member_len}; }
  // The allocation's size, for MEMORY USAGE.
  size_t bytes() const { return sizeof(ZNode) + levels * sizeof(Level) + member_len; }
};

// The member index holds the skiplist's nodes; the skiplist owns them.
template <>
struct ChainTraits<ZNode> {
  static ZNode*& next(ZNode* n) { return n->chain; }
  static std::string_view key(const ZNode* n) { return n->member(); }
  static void destroy(ZNode*) {}
};

extern template class ChainedTable<ZNode>;  // zset_value.cpp

class ZSkiplist {
 public:
  static constexpr int kMaxLevel = 32;

  ZSkiplist();
  ~ZSkiplist();
  ZSkiplist(const ZSkiplist&) = delete;
  ZSkiplist& operator=(const ZSkiplist&) = delete;

  size_t size() const { return length_; }
  ZNode* first() const { return header_->level[0].forward; }
  ZNode* last() const { return tail_; }

  // Inserts a member not present (a new node holding its bytes).
  ZNode* insert(double score, std::string_view member);
  // Unlinks and frees `node`.
  void erase(ZNode* node);
  // Moves `node` to `score`, keeping the node (its address stays valid).
  void update_score(ZNode* node, double score);
  // 0-based rank of a node that is in the list.
  size_t rank(const ZNode* node) const;
  // The node at 0-based `rank` (< size()).
  ZNode* at(size_t rank) const;
  // Elements with score < `score` (or <= when `include_equal`).
  size_t count_below(double score, bool include_equal) const;
  // Redis's lex descent: the number of leading elements for which `before`
  // holds, assuming it holds for a prefix (zslFirstInLexRange's search).
  template <typename Pred>
  size_t count_while(Pred&& before) const;

 private:
  void unlink(ZNode* node, ZNode** update);
  void link(ZNode* node, ZNode** update, size_t* rank);
  static ZNode* make_node(int levels, double score, std::string_view member);

  ZNode* header_;
  ZNode* tail_ = nullptr;
  size_t length_ = 0;
  int level_ = 1;
};

template <typename Pred>
size_t ZSkiplist::count_while(Pred&& before) const {
  const ZNode* x = header_;
  size_t traversed = 0;
  for (int i = level_ - 1; i >= 0; --i) {
    while (x->level[i].forward != nullptr && before(x->level[i].forward)) {
      traversed += x->level[i].span;
      x = x->level[i].forward;
    }
  }
  return traversed;
}

}  // namespace arbor::keyspace
