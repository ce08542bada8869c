// The ordered half of a large sorted set: Redis's skiplist with spans
// (zskiplist), ordered by (score, member bytes), giving rank and
// element-by-rank in O(log n). Nodes hold the score and a pointer to the
// member's Entry in the zset's KeyTable, so member bytes are stored once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "server/keyspace/entry.h"

namespace arbor::keyspace {

struct ZNode {
  struct Level {
    ZNode* forward;
    size_t span;  // elements skipped by this link
  };
  double score;
  Entry* entry;  // nullptr for the header
  ZNode* backward;
  uint8_t levels;
  Level level[];

  std::string_view member() const { return entry->key(); }
};

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

  // Inserts a member not present; `entry` provides the member bytes.
  ZNode* insert(double score, Entry* entry, uint64_t random);
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
  static ZNode* make_node(int levels, double score, Entry* entry);

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
