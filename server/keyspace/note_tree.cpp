// NoteTree: notes, their sibling lists and the Euler tour kept in step. Every
// walk over the tree (free, clone, invariant check) follows child, sibling and
// parent links without a stack, so a chain a million notes deep is as safe as
// a flat list.
#include "server/keyspace/note_tree.h"

#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <new>

namespace arbor::keyspace {

Note* Note::create(std::string_view id, std::string_view text) {
  // The text first: if its allocation throws, nothing else leaked yet.
  char* text_copy = nullptr;
  if (!text.empty()) {
    text_copy = static_cast<char*>(std::malloc(text.size()));
    if (text_copy == nullptr) throw std::bad_alloc();
    std::memcpy(text_copy, text.data(), text.size());
  }
  void* block = std::malloc(sizeof(Note) + id.size());
  if (block == nullptr) {
    std::free(text_copy);
    throw std::bad_alloc();
  }
  Note* note = new (block) Note();
  note->id_len_ = id.size();
  if (!id.empty()) std::memcpy(note->id_, id.data(), id.size());
  note->text_ = text_copy;
  note->text_len_ = text.size();
  return note;
}

void Note::destroy(Note* note) {
  std::free(note->text_);
  note->~Note();
  std::free(note);
}

void Note::set_text(std::string_view text) {
  char* copy = nullptr;
  if (!text.empty()) {
    copy = static_cast<char*>(std::malloc(text.size()));
    if (copy == nullptr) throw std::bad_alloc();
    std::memcpy(copy, text.data(), text.size());
  }
  std::free(text_);
  text_ = copy;
  text_len_ = text.size();
}

size_t Note::footprint() const { return sizeof(Note) + id_len_ + text_len_; }

// The seed only has to differ between trees; the address does that.
NoteTree::NoteTree()
    : Object(ValueType::kNoteTree), tour_(reinterpret_cast<uintptr_t>(this) ^ 0x6A09E667F3BCC908ULL) {
  root_ = Note::create(kRootId, {});
  root_->open_.priority = tour_.next_priority();
  root_->close_.priority = tour_.next_priority();
  tour_.set_root(EulerTour::merge(&root_->open_, &root_->close_));
  index_.insert(root_);
  bytes_ = root_->footprint();
}

// May run on the lazy-free thread: touches only this tree's own memory.
NoteTree::~NoteTree() { free_subtree(root_, false); }

size_t NoteTree::memory_usage() const {
  return sizeof(NoteTree) + bytes_ + index_.bucket_count() * sizeof(Note*);
}

bool NoteTree::resolve_sibling(const Note& parent, const Position& position, Note*& sibling) const {
  sibling = nullptr;
  if (position.place == Place::kFirst || position.place == Place::kLast) return true;
  Note* found = find_mutable(position.sibling);
  if (found == nullptr || found->parent_ != &parent) return false;
  sibling = found;
  return true;
}

NoteTree::Status NoteTree::add(std::string_view parent_id, std::string_view id, std::string_view text,
                               Position position) {
  Note* parent = find_mutable(parent_id);
  if (parent == nullptr) return Status::kNoSuchParent;
  if (find(id) != nullptr) return Status::kIdExists;
  Note* sibling = nullptr;
  if (!resolve_sibling(*parent, position, sibling)) return Status::kBadSibling;
  Note* note = Note::create(id, text);
  note->open_.priority = tour_.next_priority();
  note->close_.priority = tour_.next_priority();
  index_.insert(note);
  bytes_ += note->footprint();
  attach(note, parent, position.place, sibling, EulerTour::merge(&note->open_, &note->close_));
  return Status::kOk;
}

NoteTree::Status NoteTree::move(std::string_view id, std::string_view new_parent, Position position) {
  Note* note = find_mutable(id);
  Note* parent = find_mutable(new_parent);
  if (note == nullptr || parent == nullptr) return Status::kNoSuchNote;
  if (note == root_) return Status::kRootImmovable;
  if (contains(*note, *parent)) return Status::kUnderItself;
  Note* sibling = nullptr;
  if (!resolve_sibling(*parent, position, sibling) || sibling == note) return Status::kBadSibling;
  // Cut first: the target position is measured in the tour without the segment.
  TourToken* segment = tour_.cut(EulerTour::rank(&note->open_), EulerTour::rank(&note->close_));
  unlink_sibling(note);
  attach(note, parent, position.place, sibling, segment);
  return Status::kOk;
}

NoteTree::Status NoteTree::remove(std::string_view id, size_t& removed) {
  removed = 0;
  if (id == kRootId) return Status::kRootUndeletable;
  Note* note = find_mutable(id);
  if (note == nullptr) return Status::kOk;
  const size_t first = EulerTour::rank(&note->open_);
  const size_t last = EulerTour::rank(&note->close_);
  tour_.cut(first, last);  // the tokens live inside the notes freed below
  removed = (last - first + 1) / 2;
  unlink_sibling(note);
  free_subtree(note, true);
  return Status::kOk;
}

bool NoteTree::set_text(std::string_view id, std::string_view text) {
  Note* note = find_mutable(id);
  if (note == nullptr) return false;
  bytes_ -= note->text_len_;
  note->set_text(text);
  bytes_ += note->text_len_;
  return true;
}

bool NoteTree::contains(const Note& ancestor, const Note& node) const {
  if (&ancestor == &node) return true;
  const size_t open = EulerTour::rank(&node.open_);
  return EulerTour::rank(&ancestor.open_) < open && open < EulerTour::rank(&ancestor.close_);
}

// Places: FIRST goes right after open(parent), LAST right before
// close(parent), BEFORE s right before open(s), AFTER s right after close(s).
void NoteTree::attach(Note* note, Note* parent, Place place, Note* sibling, TourToken* segment) {
  Note* prev = nullptr;
  Note* next = nullptr;
  size_t position = 0;
  switch (place) {
    case Place::kFirst:
      next = parent->first_child_;
      position = EulerTour::rank(&parent->open_) + 1;
      break;
    case Place::kLast:
      prev = parent->last_child_;
      position = EulerTour::rank(&parent->close_);
      break;
    case Place::kBefore:
      prev = sibling->prev_;
      next = sibling;
      position = EulerTour::rank(&sibling->open_);
      break;
    case Place::kAfter:
      prev = sibling;
      next = sibling->next_;
      position = EulerTour::rank(&sibling->close_) + 1;
      break;
  }
  tour_.insert(segment, position);
  note->parent_ = parent;
  note->prev_ = prev;
  note->next_ = next;
  (prev != nullptr ? prev->next_ : parent->first_child_) = note;
  (next != nullptr ? next->prev_ : parent->last_child_) = note;
  ++parent->child_count_;
}

void NoteTree::unlink_sibling(Note* note) {
  Note* parent = note->parent_;
  (note->prev_ != nullptr ? note->prev_->next_ : parent->first_child_) = note->next_;
  (note->next_ != nullptr ? note->next_->prev_ : parent->last_child_) = note->prev_;
  --parent->child_count_;
  note->parent_ = note->prev_ = note->next_ = nullptr;
}

// Post-order without a stack: go down first-child links to a leaf, free it,
// continue with its next sibling, or, when it was the last child, with its
// parent, whose first_child_ is cleared since all its children are gone.
// `top` must already be unlinked from its siblings (or be the root).
void NoteTree::free_subtree(Note* top, bool unindex) {
  Note* note = top;
  for (;;) {
    while (note->first_child_ != nullptr) note = note->first_child_;
    const bool done = note == top;
    Note* next = note->next_;
    Note* parent = note->parent_;
    if (unindex) {
      index_.erase(note);
      bytes_ -= note->footprint();
    }
    Note::destroy(note);
    if (done) return;
    if (next != nullptr) {
      note = next;
    } else {
      note = parent;
      note->first_child_ = nullptr;
    }
  }
}

Note* NoteTree::append_copy(Note* parent, const Note& source) {
  Note* copy = Note::create(source.id(), source.text());
  copy->open_.priority = source.open_.priority;
  copy->close_.priority = source.close_.priority;
  copy->parent_ = parent;
  copy->prev_ = parent->last_child_;
  (parent->last_child_ != nullptr ? parent->last_child_->next_ : parent->first_child_) = copy;
  parent->last_child_ = copy;
  ++parent->child_count_;
  index_.insert(copy);
  bytes_ += copy->footprint();
  return copy;
}

// Walks the source in tour order, appending each note to its copied parent
// and feeding the copy's tokens, in the same order and with the same
// priorities, to a Builder: the copy's treap comes out in O(n).
std::unique_ptr<Object> NoteTree::clone() const {
  auto copy = std::make_unique<NoteTree>();
  copy->root_->set_text(root_->text());
  copy->bytes_ = copy->root_->footprint();
  copy->index_.reserve(index_.size());
  EulerTour::Builder builder;
  const Note* source = root_;
  Note* target = copy->root_;
  target->open_.priority = source->open_.priority;
  target->close_.priority = source->close_.priority;
  builder.push(&target->open_);
  for (;;) {
    if (source->first_child_ != nullptr) {
      source = source->first_child_;
      target = copy->append_copy(target, *source);
      builder.push(&target->open_);
      continue;
    }
    for (;;) {
      builder.push(&target->close_);
      if (source == root_) {
        copy->tour_.set_root(builder.finish());
        return copy;
      }
      if (source->next_ != nullptr) {
        source = source->next_;
        target = copy->append_copy(target->parent_, *source);
        builder.push(&target->open_);
        break;
      }
      source = source->parent_;
      target = target->parent_;
    }
  }
}

namespace {

const TourToken* leftmost(const TourToken* token) {
  while (token->left != nullptr) token = token->left;
  return token;
}

const TourToken* successor(const TourToken* token) {
  if (token->right != nullptr) return leftmost(token->right);
  while (token->parent != nullptr && token == token->parent->right) token = token->parent;
  return token->parent;
}

bool token_ok(const TourToken* token) {
  const uint32_t left = token->left != nullptr ? token->left->size : 0;
  const uint32_t right = token->right != nullptr ? token->right->size : 0;
  if (token->size != 1 + left + right) return false;
  for (const TourToken* child : {token->left, token->right})
    if (child != nullptr && (child->parent != token || child->priority > token->priority)) return false;
  return true;
}

}  // namespace

// One walk over the notes in tour order, stepping through the treap's
// in-order sequence alongside: both must name the same tokens.
bool NoteTree::check_invariants() const {
  const TourToken* root_token = tour_.root();
  if (root_token == nullptr || root_token->parent != nullptr || root_->parent_ != nullptr) return false;
  if (tour_.size() != 2 * index_.size()) return false;
  const TourToken* token = leftmost(root_token);
  size_t notes = 0;
  size_t bytes = 0;
  auto visit_token = [&](const TourToken* expected) {
    if (token != expected || !token_ok(token)) return false;
    token = successor(token);
    return true;
  };
  auto open_note = [&](const Note* note) {
    ++notes;
    bytes += note->footprint();
    if (index_.find(note->id()) != note) return false;
    size_t children = 0;
    const Note* prev = nullptr;
    for (const Note* child = note->first_child_; child != nullptr; child = child->next_) {
      if (child->parent_ != note || child->prev_ != prev) return false;
      prev = child;
      ++children;
    }
    return prev == note->last_child_ && children == note->child_count_ && visit_token(&note->open_);
  };
  const Note* note = root_;
  if (!open_note(note)) return false;
  for (;;) {
    if (note->first_child_ != nullptr) {
      note = note->first_child_;
      if (!open_note(note)) return false;
      continue;
    }
    for (;;) {
      if (!visit_token(&note->close_)) return false;
      if (note == root_) return token == nullptr && notes == index_.size() && bytes == bytes_;
      if (note->next_ != nullptr) {
        note = note->next_;
        if (!open_note(note)) return false;
        break;
      }
      note = note->parent_;
    }
  }
}

const Note* NoteTree::next_in_preorder(const Note* note) const {
  if (note->first_child() != nullptr) return note->first_child();
  while (note != root_ && note->next_sibling() == nullptr) note = note->parent();
  return note == root_ ? nullptr : note->next_sibling();
}

}  // namespace arbor::keyspace
