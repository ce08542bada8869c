// EulerTour: the note tree's Euler tour as an implicit treap with parent
// pointers. split and merge walk one root-to-leaf path each, iteratively, so
// the C++ stack never grows with the tree, however deep the note tree is.
#include "server/keyspace/note_tree.h"

namespace arbor::keyspace {
namespace {

inline uint32_t size_of(const TourToken* token) { return token != nullptr ? token->size : 0; }

// Recomputes sizes from `token` up to its root: after a split or merge only
// the one path they rebuilt has stale sizes, and it is reachable upwards.
void resize_path(TourToken* token) {
  for (; token != nullptr; token = token->parent)
    token->size = 1 + size_of(token->left) + size_of(token->right);
}

}  // namespace

size_t EulerTour::rank(const TourToken* token) {
  size_t before = size_of(token->left);
  for (const TourToken* t = token; t->parent != nullptr; t = t->parent)
    if (t == t->parent->right) before += size_of(t->parent->left) + 1;
  return before;
}

// Top-down split: each visited token goes to the left result (when it is
// among the first `count`) or the right one, hanging off the previous token
// of the same side; `*_slot` is where that side's next token attaches.
std::pair<TourToken*, TourToken*> EulerTour::split(TourToken* root, size_t count) {
  TourToken* left_root = nullptr;
  TourToken* right_root = nullptr;
  TourToken** left_slot = &left_root;
  TourToken** right_slot = &right_root;
  TourToken* left_tail = nullptr;
  TourToken* right_tail = nullptr;
  for (TourToken* t = root; t != nullptr;) {
    const size_t before = size_of(t->left);
    if (before < count) {
      count -= before + 1;
      *left_slot = t;
      t->parent = left_tail;
      left_tail = t;
      left_slot = &t->right;
      t = t->right;
    } else {
      *right_slot = t;
      t->parent = right_tail;
      right_tail = t;
      right_slot = &t->left;
      t = t->left;
    }
  }
  *left_slot = nullptr;
  *right_slot = nullptr;
  resize_path(left_tail);
  resize_path(right_tail);
  return {left_root, right_root};
}

// Top-down merge: the higher priority of the two current roots wins the slot;
// the loser merges into the winner's inner side (a's right, b's left).
TourToken* EulerTour::merge(TourToken* a, TourToken* b) {
  TourToken* root = nullptr;
  TourToken** slot = &root;
  TourToken* tail = nullptr;
  while (a != nullptr && b != nullptr) {
    if (a->priority >= b->priority) {
      *slot = a;
      a->parent = tail;
      tail = a;
      slot = &a->right;
      a = a->right;
    } else {
      *slot = b;
      b->parent = tail;
      tail = b;
      slot = &b->left;
      b = b->left;
    }
  }
  TourToken* rest = a != nullptr ? a : b;
  *slot = rest;
  if (rest != nullptr) rest->parent = tail;
  resize_path(tail);
  return root;
}

void EulerTour::insert(TourToken* segment, size_t position) {
  auto [left, right] = split(root_, position);
  root_ = merge(merge(left, segment), right);
}

TourToken* EulerTour::cut(size_t first, size_t last) {
  auto [left, rest] = split(root_, first);
  auto [middle, right] = split(rest, last - first + 1);
  root_ = merge(left, right);
  return middle;
}

// splitmix64: cheap, and good enough that priorities behave as random for
// balance. Clients never see them, so they cannot aim for a degenerate shape.
uint32_t EulerTour::next_priority() {
  uint64_t z = (rng_ += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return static_cast<uint32_t>((z ^ (z >> 31)) >> 32);
}

// Cartesian-tree construction: tokens arrive in order; those on the spine
// with a lower priority than the newcomer become its left subtree. A token
// popped off the spine never gains children again, so its size is final then.
void EulerTour::Builder::push(TourToken* token) {
  token->left = token->right = token->parent = nullptr;
  TourToken* popped = nullptr;
  while (!spine_.empty() && spine_.back()->priority < token->priority) {
    popped = spine_.back();
    spine_.pop_back();
    seal(popped);
  }
  token->left = popped;
  if (popped != nullptr) popped->parent = token;
  if (!spine_.empty()) {
    spine_.back()->right = token;
    token->parent = spine_.back();
  }
  spine_.push_back(token);
}

void EulerTour::Builder::seal(TourToken* token) {
  token->size = 1 + size_of(token->left) + size_of(token->right);
}

TourToken* EulerTour::Builder::finish() {
  if (spine_.empty()) return nullptr;
  TourToken* root = spine_.front();
  while (!spine_.empty()) {
    seal(spine_.back());
    spine_.pop_back();
  }
  return root;
}

}  // namespace arbor::keyspace
