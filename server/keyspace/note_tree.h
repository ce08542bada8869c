// The note tree value (TYPE notetree): an ordered tree of notes with binary-safe
// ids and texts under one key, rooted at the implicit note "root". Children sit
// in a doubly linked sibling list (O(1) positioning); the whole tree's Euler
// tour lives in a treap, so "is X inside Y's subtree" costs O(log n).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

#include "server/keyspace/value.h"

namespace arbor::keyspace {

// One node of the Euler-tour treap. Every note owns two: its "open" token and
// its "close" token; the tour lists them in depth-first order, so a subtree is
// the contiguous run open(X) .. close(X). `size` counts the treap subtree;
// 32 bits allow 2^31 notes per tree, far more than memory would hold.
struct TourToken {
  TourToken* left = nullptr;
  TourToken* right = nullptr;
  TourToken* parent = nullptr;
  uint32_t size = 1;
  uint32_t priority = 0;
};

// The Euler tour as an implicit treap: ordered by position, max-heap ordered
// by random priority, with parent pointers so a token's position is found by
// walking up (expected O(log n)). split and merge are iterative, so nothing
// here recurses on the C++ stack.
class EulerTour {
 public:
  explicit EulerTour(uint64_t seed) : rng_(seed) {}

  TourToken* root() const { return root_; }
  void set_root(TourToken* root) { root_ = root; }
  size_t size() const { return root_ != nullptr ? root_->size : 0; }

  // Number of tokens before `token` in the tour.
  static size_t rank(const TourToken* token);
  // Inserts the treap `segment` so that exactly `position` tokens precede it.
  void insert(TourToken* segment, size_t position);
  // Removes the tokens at ranks [first, last] and returns them as one treap.
  TourToken* cut(size_t first, size_t last);
  // Concatenates two treaps (every token of `a` before every token of `b`).
  static TourToken* merge(TourToken* a, TourToken* b);
  uint32_t next_priority();

  // Builds a treap in O(n) from tokens fed in tour order, keeping their
  // priorities (a Cartesian tree built with a stack): used by clone().
  class Builder {
   public:
    void push(TourToken* token);
    TourToken* finish();

   private:
    void seal(TourToken* token);
    std::vector<TourToken*> spine_;  // the right spine under construction
  };

 private:
  static std::pair<TourToken*, TourToken*> split(TourToken* root, size_t count);

  TourToken* root_ = nullptr;
  uint64_t rng_;
};

// A note. Read-only to everyone but NoteTree; the id bytes follow the header
// in the same allocation, the text has its own (absent when empty).
class Note {
 public:
  std::string_view id() const { return {id_, id_len_}; }
  std::string_view text() const { return {text_, text_len_}; }
  const Note* parent() const { return parent_; }
  const Note* first_child() const { return first_child_; }
  const Note* last_child() const { return last_child_; }
  const Note* prev_sibling() const { return prev_; }
  const Note* next_sibling() const { return next_; }
  size_t child_count() const { return child_count_; }

 private:
  friend class NoteTree;
  friend class NoteIndex;
  Note() = default;
  static Note* create(std::string_view id, std::string_view text);
  static void destroy(Note* note);
  void set_text(std::string_view text);
  size_t footprint() const;

  Note* parent_ = nullptr;
  Note* first_child_ = nullptr;
  Note* last_child_ = nullptr;
  Note* prev_ = nullptr;
  Note* next_ = nullptr;
  Note* hash_next_ = nullptr;  // NoteIndex chain
  TourToken open_;
  TourToken close_;
  char* text_ = nullptr;
  size_t text_len_ = 0;
  size_t id_len_ = 0;
  uint32_t child_count_ = 0;
  char id_[];
};

// id -> note, intrusive chained hashing with incremental rehash (as KeyTable),
// so growing to millions of notes never pauses on one big rehash. Does not
// own the notes.
class NoteIndex {
 public:
  size_t size() const { return size_; }
  size_t bucket_count() const { return tables_[0].size() + tables_[1].size(); }
  Note* find(std::string_view id) const;
  void insert(Note* note);     // id must be absent
  void erase(Note* note);      // note must be present
  void reserve(size_t count);  // only while empty

 private:
  using Buckets = std::vector<Note*>;
  // Table 1 exists only while table 0's buckets move into it.
  bool rehashing() const { return !tables_[1].empty(); }
  void rehash_step(size_t buckets);
  void start_rehash(size_t buckets);
  void maybe_resize();
  Note** slot_of(std::string_view id, uint64_t hash) const;

  mutable Buckets tables_[2];  // mutable: slot_of() hands out links for erase
  size_t rehash_index_ = 0;
  size_t size_ = 0;
};

// Where a note goes among its (new) parent's children. At namespace scope so
// it can be a default argument inside NoteTree.
enum class NotePlace : uint8_t { kFirst, kLast, kBefore, kAfter };
struct NotePosition {
  NotePlace place = NotePlace::kLast;
  std::string_view sibling{};  // for kBefore / kAfter
};

class NoteTree final : public Object {
 public:
  static constexpr std::string_view kRootId = "root";

  using Place = NotePlace;
  using Position = NotePosition;

  enum class Status : uint8_t {
    kOk,
    kNoSuchParent,     // add: parent absent
    kIdExists,         // add: id taken (including "root")
    kBadSibling,       // sibling is not a child of the (new) parent, or is the note itself
    kNoSuchNote,       // move/set: id or new parent absent
    kRootImmovable,    // move: id is root
    kUnderItself,      // move: new parent is id or inside its subtree
    kRootUndeletable,  // remove: id is root
  };

  NoteTree();
  ~NoteTree() override;

  std::string_view encoding() const override { return "notetree"; }
  // Notes including the root.
  size_t element_count() const override { return index_.size(); }
  size_t memory_usage() const override;
  std::unique_ptr<Object> clone() const override;

  // Notes excluding the root (NOTE.LEN).
  size_t note_count() const { return index_.size() - 1; }
  const Note& root() const { return *root_; }
  const Note* find(std::string_view id) const { return index_.find(id); }

  // O(log n) expected.
  [[nodiscard]] Status add(std::string_view parent, std::string_view id, std::string_view text,
                           Position position = {});
  // O(log n) expected, the subtree check included.
  [[nodiscard]] Status move(std::string_view id, std::string_view new_parent, Position position = {});
  // Removes `id` with its subtree, setting `removed` (0 when absent).
  // O(removed + log n); frees iteratively.
  [[nodiscard]] Status remove(std::string_view id, size_t& removed);
  // O(1); false when `id` is absent.
  [[nodiscard]] bool set_text(std::string_view id, std::string_view text);

  // Pre-order without recursion (trees may be deep): the first note under
  // the root, then each note's successor; nullptr after the last.
  const Note* first_in_preorder() const { return root_->first_child(); }
  const Note* next_in_preorder(const Note* note) const;

  // True when `node` is `ancestor` or lies in its subtree. O(log n) expected.
  bool contains(const Note& ancestor, const Note& node) const;
  // Checks every structural invariant (links, counts, tour order, treap
  // sizes and heap order, index) in O(n log n); for tests.
  bool check_invariants() const;

 private:
  Note* find_mutable(std::string_view id) const { return index_.find(id); }
  // Validates a position among `parent`'s children; nullptr sibling for
  // FIRST/LAST. False when the sibling is not a child of `parent`.
  bool resolve_sibling(const Note& parent, const Position& position, Note*& sibling) const;
  // Links `note` into `parent`'s child list and its tokens into the tour.
  void attach(Note* note, Note* parent, Place place, Note* sibling, TourToken* segment);
  void unlink_sibling(Note* note);
  // Frees `top` and everything under it; `unindex` also drops them from the
  // index and the byte count (the destructor skips that work).
  void free_subtree(Note* top, bool unindex);
  // Clone helper: a copy of `source` (without children) as parent's last child.
  Note* append_copy(Note* parent, const Note& source);

  Note* root_ = nullptr;
  NoteIndex index_;
  EulerTour tour_;
  size_t bytes_ = 0;  // sum of Note::footprint()
};

}  // namespace arbor::keyspace
