// ZSkiplist: a port of Redis's t_zset.c skiplist (insert, delete, rank,
// element by rank), with nodes that keep their address across score updates
// so the member table can point at them.
#include "server/keyspace/zset_skiplist.h"

#include <cstdlib>
#include <cstring>
#include <new>

namespace arbor::keyspace {

namespace {

// Strictly before: (score, member bytes) order.
bool before(const ZNode* a, double score, std::string_view member) {
  return a->score < score || (a->score == score && a->member() < member);
}

// Redis's ZSKIPLIST_P = 0.25: each extra level with probability 1/4.
int random_level() {
  thread_local uint64_t state = 0x9E3779B97F4A7C15ULL;
  state += 0x9E3779B97F4A7C15ULL;
  uint64_t z = state;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  z ^= z >> 31;
  int level = 1;
  while (level < ZSkiplist::kMaxLevel && (z & 3) == 0) {
    ++level;
    z >>= 2;
  }
  return level;
}

}  // namespace

ZNode* ZSkiplist::make_node(int levels, double score, std::string_view member) {
  void* mem = std::malloc(sizeof(ZNode) + static_cast<size_t>(levels) * sizeof(ZNode::Level) + member.size());
  if (mem == nullptr) throw std::bad_alloc();
  auto* node = static_cast<ZNode*>(mem);
  node->chain = nullptr;
  node->score = score;
  node->backward = nullptr;
  node->member_len = static_cast<uint32_t>(member.size());
  node->levels = static_cast<uint8_t>(levels);
  for (int i = 0; i < levels; ++i) node->level[i] = {nullptr, 0};
  if (!member.empty()) std::memcpy(node->level + levels, member.data(), member.size());
  return node;
}

ZSkiplist::ZSkiplist() : header_(make_node(kMaxLevel, 0, {})) {}

ZSkiplist::~ZSkiplist() {
  ZNode* x = header_->level[0].forward;
  while (x != nullptr) {
    ZNode* next = x->level[0].forward;
    std::free(x);
    x = next;
  }
  std::free(header_);
}

// Links `node` (score and member set, levels fixed) at its ordered place.
void ZSkiplist::link(ZNode* node, ZNode** update, size_t* rank) {
  const std::string_view member = node->member();
  ZNode* x = header_;
  for (int i = level_ - 1; i >= 0; --i) {
    rank[i] = i == level_ - 1 ? 0 : rank[i + 1];
    while (x->level[i].forward != nullptr && before(x->level[i].forward, node->score, member)) {
      rank[i] += x->level[i].span;
      x = x->level[i].forward;
    }
    update[i] = x;
  }
  const int level = node->levels;
  if (level > level_) {
    for (int i = level_; i < level; ++i) {
      rank[i] = 0;
      update[i] = header_;
      update[i]->level[i].span = length_;
    }
    level_ = level;
  }
  for (int i = 0; i < level; ++i) {
    node->level[i].forward = update[i]->level[i].forward;
    update[i]->level[i].forward = node;
    node->level[i].span = update[i]->level[i].span - (rank[0] - rank[i]);
    update[i]->level[i].span = (rank[0] - rank[i]) + 1;
  }
  for (int i = level; i < level_; ++i) update[i]->level[i].span++;
  node->backward = update[0] == header_ ? nullptr : update[0];
  if (node->level[0].forward != nullptr)
    node->level[0].forward->backward = node;
  else
    tail_ = node;
  ++length_;
}

ZNode* ZSkiplist::insert(double score, std::string_view member) {
  ZNode* update[kMaxLevel];
  size_t rank[kMaxLevel];
  ZNode* node = make_node(random_level(), score, member);
  link(node, update, rank);
  return node;
}

void ZSkiplist::unlink(ZNode* node, ZNode** update) {
  for (int i = 0; i < level_; ++i) {
    if (update[i]->level[i].forward == node) {
      update[i]->level[i].span += node->level[i].span - 1;
      update[i]->level[i].forward = node->level[i].forward;
    } else {
      update[i]->level[i].span -= 1;
    }
  }
  if (node->level[0].forward != nullptr)
    node->level[0].forward->backward = node->backward;
  else
    tail_ = node->backward;
  while (level_ > 1 && header_->level[level_ - 1].forward == nullptr) --level_;
  --length_;
}

namespace {
// Fills update[] with the last node before `node` on every level.
void predecessors(ZNode* header, int level, const ZNode* node, ZNode** update) {
  ZNode* x = header;
  const std::string_view member = node->member();
  for (int i = level - 1; i >= 0; --i) {
    while (x->level[i].forward != nullptr && before(x->level[i].forward, node->score, member))
      x = x->level[i].forward;
    update[i] = x;
  }
}
}  // namespace

void ZSkiplist::erase(ZNode* node) {
  ZNode* update[kMaxLevel];
  predecessors(header_, level_, node, update);
  unlink(node, update);
  std::free(node);
}

void ZSkiplist::update_score(ZNode* node, double score) {
  // Still between its neighbours: the order holds, change in place (Redis).
  if ((node->backward == nullptr || node->backward->score < score) &&
      (node->level[0].forward == nullptr || node->level[0].forward->score > score)) {
    node->score = score;
    return;
  }
  ZNode* update[kMaxLevel];
  size_t rank[kMaxLevel];
  predecessors(header_, level_, node, update);
  unlink(node, update);
  node->score = score;
  for (int i = 0; i < node->levels; ++i) node->level[i] = {nullptr, 0};
  link(node, update, rank);
}

size_t ZSkiplist::rank(const ZNode* node) const {
  const std::string_view member = node->member();
  const ZNode* x = header_;
  size_t traversed = 0;
  for (int i = level_ - 1; i >= 0; --i) {
    while (x->level[i].forward != nullptr &&
           (before(x->level[i].forward, node->score, member) || x->level[i].forward == node)) {
      traversed += x->level[i].span;
      x = x->level[i].forward;
    }
    if (x == node) return traversed - 1;
  }
  return traversed - 1;
}

ZNode* ZSkiplist::at(size_t rank) const {
  const size_t target = rank + 1;
  ZNode* x = header_;
  size_t traversed = 0;
  for (int i = level_ - 1; i >= 0; --i) {
    while (x->level[i].forward != nullptr && traversed + x->level[i].span <= target) {
      traversed += x->level[i].span;
      x = x->level[i].forward;
    }
    if (traversed == target) return x;
  }
  return nullptr;
}

size_t ZSkiplist::count_below(double score, bool include_equal) const {
  return count_while(
      [&](const ZNode* n) { return n->score < score || (include_equal && n->score == score); });
}

}  // namespace arbor::keyspace
