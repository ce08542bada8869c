// Note tree commands (NOTE.ADD, NOTE.DEL, NOTE.TREE, NOTE.GET, NOTE.SET,
// NOTE.MOVE, NOTE.LEN, NOTE.CHILDREN) over keyspace::NoteTree. Reads count
// keyspace hits and misses; writes look keys up without counting, as Redis's
// lookupKeyWrite does.
#include <cstdint>
#include <limits>
#include <memory>
#include <string_view>

#include "protocol/errors.h"
#include "server/core/arguments.h"
#include "server/core/command_table.h"
#include "server/keyspace/note_tree.h"

namespace arbor::commands {
namespace {

using core::CommandContext;
using core::equals_ci;
using keyspace::Entry;
using keyspace::Note;
using keyspace::NoteTree;
using keyspace::ValueType;
using Status = NoteTree::Status;
namespace errors = protocol::errors;

constexpr std::string_view kNoSuchParent = "ERR no such parent note";
constexpr std::string_view kIdExists = "ERR note id already exists";
constexpr std::string_view kBadSibling = "ERR sibling is not a child of the parent note";
constexpr std::string_view kNoSuchNote = "ERR no such note";
constexpr std::string_view kRootImmovable = "ERR the root note cannot be moved";
constexpr std::string_view kUnderItself = "ERR cannot move a note under itself or its own subtree";
constexpr std::string_view kRootUndeletable =
    "ERR the root note cannot be removed, use DEL to remove the tree";

void reply_status_error(CommandContext& ctx, Status status) {
  switch (status) {
    case Status::kOk:
      break;
    case Status::kNoSuchParent:
      ctx.reply.error(kNoSuchParent);
      return;
    case Status::kIdExists:
      ctx.reply.error(kIdExists);
      return;
    case Status::kBadSibling:
      ctx.reply.error(kBadSibling);
      return;
    case Status::kNoSuchNote:
      ctx.reply.error(kNoSuchNote);
      return;
    case Status::kRootImmovable:
      ctx.reply.error(kRootImmovable);
      return;
    case Status::kUnderItself:
      ctx.reply.error(kUnderItself);
      return;
    case Status::kRootUndeletable:
      ctx.reply.error(kRootUndeletable);
      return;
  }
}

// [FIRST | LAST | BEFORE sibling | AFTER sibling] from args[from..]; anything
// else, or anything after it, is a syntax error.
bool position_or_reply(CommandContext& ctx, size_t from, NoteTree::Position& out) {
  const size_t left = ctx.argc() - from;
  out = {};
  if (left == 0) return true;
  const std::string_view word = ctx.arg(from);
  if (left == 1 && equals_ci(word, "first")) {
    out.place = NoteTree::Place::kFirst;
    return true;
  }
  if (left == 1 && equals_ci(word, "last")) return true;
  if (left == 2 && equals_ci(word, "before")) {
    out = {NoteTree::Place::kBefore, ctx.arg(from + 1)};
    return true;
  }
  if (left == 2 && equals_ci(word, "after")) {
    out = {NoteTree::Place::kAfter, ctx.arg(from + 1)};
    return true;
  }
  ctx.reply.error(errors::kSyntax);
  return false;
}

// Write-side lookup: no hit/miss counting; WRONGTYPE replied on mismatch.
bool lookup_for_write(CommandContext& ctx, std::string_view key, Entry*& out) {
  out = ctx.db().find(key, ctx.now_ms());
  if (out != nullptr && out->type() != ValueType::kNoteTree) {
    ctx.reply.error(errors::kWrongType);
    return false;
  }
  return true;
}

bool lookup_for_read(CommandContext& ctx, std::string_view key, Entry*& out) {
  return core::lookup_typed_or_reply(ctx, key, ValueType::kNoteTree, out);
}

// NOTE.ADD key parent id text [FIRST | LAST | BEFORE sibling | AFTER sibling]
void note_add(CommandContext& ctx) {
  NoteTree::Position position;
  if (!position_or_reply(ctx, 5, position)) return;
  Entry* entry = nullptr;
  if (!lookup_for_write(ctx, ctx.arg(1), entry)) return;
  // A missing key gets a fresh tree, stored only if the add succeeds, so a
  // failed first add leaves no empty tree behind.
  std::unique_ptr<NoteTree> fresh;
  NoteTree* tree = entry != nullptr ? &entry->as<NoteTree>() : (fresh = std::make_unique<NoteTree>()).get();
  const Status status = tree->add(ctx.arg(2), ctx.arg(3), ctx.arg(4), position);
  if (status != Status::kOk) return reply_status_error(ctx, status);
  if (fresh) ctx.db().add_object(ctx.arg(1), std::move(fresh));
  ctx.key_changed(ctx.arg(1), core::kEventNote, "note.add");
  ctx.mark_dirty();
  ctx.reply.integer(1);
}

// NOTE.DEL key id
void note_del(CommandContext& ctx) {
  Entry* entry = nullptr;
  if (!lookup_for_write(ctx, ctx.arg(1), entry)) return;
  // The root is never removable, whether or not the tree exists.
  if (ctx.arg(2) == NoteTree::kRootId) return ctx.reply.error(kRootUndeletable);
  if (entry == nullptr) return ctx.reply.integer(0);
  auto& tree = entry->as<NoteTree>();
  size_t removed = 0;
  const Status status = tree.remove(ctx.arg(2), removed);
  if (status != Status::kOk) return reply_status_error(ctx, status);
  if (removed > 0) {
    // A tree holding only its root is gone, as an emptied hash or list is.
    // Events as HDEL's: "note.del", then "del" when the key went.
    const bool emptied = tree.note_count() == 0;
    if (emptied) ctx.db().erase(ctx.arg(1));
    ctx.key_changed(ctx.arg(1), core::kEventNote, "note.del");
    if (emptied) ctx.notify(core::kEventGeneric, "del", ctx.arg(1));
    ctx.mark_dirty();
  }
  ctx.reply.integer(static_cast<int64_t>(removed));
}

// One note's header: RESP3 {id, text, children: [...]}, RESP2 [id, text, [...]].
// The children array is announced with `children` entries that follow.
void write_note(protocol::ReplyWriter& reply, const Note& note, size_t children, bool resp3) {
  if (resp3) {
    reply.map(3);
    reply.bulk("id");
    reply.bulk(note.id());
    reply.bulk("text");
    reply.bulk(note.text());
    reply.bulk("children");
  } else {
    reply.array(3);
    reply.bulk(note.id());
    reply.bulk(note.text());
  }
  reply.array(children);
}

// Pre-order walk over child, sibling and parent links with a depth counter:
// no recursion and no explicit stack, so any depth is safe.
void write_subtree(protocol::ReplyWriter& reply, const Note& top, uint64_t max_depth) {
  const bool resp3 = reply.resp() >= 3;
  const Note* note = &top;
  uint64_t depth = 0;
  for (;;) {
    const bool descend = depth < max_depth && note->first_child() != nullptr;
    write_note(reply, *note, descend ? note->child_count() : 0, resp3);
    if (descend) {
      note = note->first_child();
      ++depth;
      continue;
    }
    while (note != &top && note->next_sibling() == nullptr) {
      note = note->parent();
      --depth;
    }
    if (note == &top) return;
    note = note->next_sibling();
  }
}

// NOTE.TREE key [id] [DEPTH depth]
void note_tree(CommandContext& ctx) {
  // Positional: key [id] or key DEPTH n or key id DEPTH n.
  std::string_view id = NoteTree::kRootId;
  std::string_view depth_text;
  bool has_depth = false;
  switch (ctx.argc()) {
    case 2:
      break;
    case 3:
      id = ctx.arg(2);
      break;
    case 4:
      if (!equals_ci(ctx.arg(2), "depth")) return ctx.reply.error(errors::kSyntax);
      depth_text = ctx.arg(3);
      has_depth = true;
      break;
    case 5:
      if (!equals_ci(ctx.arg(3), "depth")) return ctx.reply.error(errors::kSyntax);
      id = ctx.arg(2);
      depth_text = ctx.arg(4);
      has_depth = true;
      break;
    default:
      return ctx.reply.error(errors::kSyntax);
  }
  int64_t depth = std::numeric_limits<int64_t>::max();
  if (has_depth &&
      !core::int_in_range_or_reply(ctx, depth_text, 0, std::numeric_limits<int64_t>::max(), depth))
    return;
  Entry* entry = nullptr;
  if (!lookup_for_read(ctx, ctx.arg(1), entry)) return;
  if (entry == nullptr) return ctx.reply.null(protocol::NullKind::kArray);
  const Note* note = entry->as<NoteTree>().find(id);
  if (note == nullptr) return ctx.reply.error(kNoSuchNote);
  write_subtree(ctx.reply, *note, static_cast<uint64_t>(depth));
}

// NOTE.GET key id
void note_get(CommandContext& ctx) {
  Entry* entry = nullptr;
  if (!lookup_for_read(ctx, ctx.arg(1), entry)) return;
  const Note* note = entry != nullptr ? entry->as<NoteTree>().find(ctx.arg(2)) : nullptr;
  if (note == nullptr) return ctx.reply.null();
  ctx.reply.bulk(note->text());
}

// NOTE.SET key id text
void note_set(CommandContext& ctx) {
  Entry* entry = nullptr;
  if (!lookup_for_write(ctx, ctx.arg(1), entry)) return;
  if (entry == nullptr || !entry->as<NoteTree>().set_text(ctx.arg(2), ctx.arg(3)))
    return ctx.reply.error(kNoSuchNote);
  ctx.key_changed(ctx.arg(1), core::kEventNote, "note.set");
  ctx.mark_dirty();
  ctx.reply.ok();
}

// NOTE.MOVE key id newparent [FIRST | LAST | BEFORE sibling | AFTER sibling]
void note_move(CommandContext& ctx) {
  NoteTree::Position position;
  if (!position_or_reply(ctx, 4, position)) return;
  Entry* entry = nullptr;
  if (!lookup_for_write(ctx, ctx.arg(1), entry)) return;
  if (entry == nullptr) return ctx.reply.error(kNoSuchNote);
  const Status status = entry->as<NoteTree>().move(ctx.arg(2), ctx.arg(3), position);
  if (status != Status::kOk) return reply_status_error(ctx, status);
  ctx.key_changed(ctx.arg(1), core::kEventNote, "note.move");
  ctx.mark_dirty();
  ctx.reply.ok();
}

// NOTE.LEN key
void note_len(CommandContext& ctx) {
  Entry* entry = nullptr;
  if (!lookup_for_read(ctx, ctx.arg(1), entry)) return;
  ctx.reply.integer(entry != nullptr ? static_cast<int64_t>(entry->as<NoteTree>().note_count()) : 0);
}

// NOTE.CHILDREN key id
void note_children(CommandContext& ctx) {
  Entry* entry = nullptr;
  if (!lookup_for_read(ctx, ctx.arg(1), entry)) return;
  if (entry == nullptr) return ctx.reply.array(0);
  const Note* note = entry->as<NoteTree>().find(ctx.arg(2));
  if (note == nullptr) return ctx.reply.error(kNoSuchNote);
  ctx.reply.array(note->child_count());
  for (const Note* child = note->first_child(); child != nullptr; child = child->next_sibling())
    ctx.reply.bulk(child->id());
}

}  // namespace
}  // namespace arbor::commands

namespace arbor::core {

void register_note_commands(CommandTable& t) {
  using namespace arbor::commands;
  constexpr uint32_t kW = kWrite, kR = kReadonly, kD = kDenyOom, kF = kFast;
  const KeySpec one{1, 1, 1};
  t.add({"note.add", -5, kW | kD | kF, one, note_add, "module",
         "Adds a note to a note tree, creating the tree if the key doesn't exist.", "1.0.0",
         "O(log N) where N is the number of notes in the tree.",
         "key parent id text [FIRST | LAST | BEFORE sibling | AFTER sibling]"});
  t.add({"note.del", 3, kW, one, note_del, "module",
         "Removes a note and its whole subtree; deletes the key when only the root is left.", "1.0.0",
         "O(M + log N) where M is the number of notes removed and N the number of notes in the tree.",
         "key id"});
  t.add({"note.tree", -2, kR, one, note_tree, "module",
         "Returns a note's subtree, children in order, optionally limited in depth.", "1.0.0",
         "O(M) where M is the number of notes returned.", "key [id] [DEPTH depth:integer]"});
  t.add({"note.get", 3, kR | kF, one, note_get, "module", "Returns the text of a note.", "1.0.0", "O(1)",
         "key id"});
  t.add({"note.set", 4, kW | kD | kF, one, note_set, "module", "Replaces the text of an existing note.",
         "1.0.0", "O(1)", "key id text"});
  t.add({"note.move", -4, kW | kF, one, note_move, "module",
         "Moves a note with its subtree under a new parent, at a given position.", "1.0.0",
         "O(log N) where N is the number of notes in the tree.",
         "key id newparent [FIRST | LAST | BEFORE sibling | AFTER sibling]"});
  t.add({"note.len", 2, kR | kF, one, note_len, "module",
         "Returns the number of notes in a note tree, not counting the root.", "1.0.0", "O(1)", "key"});
  t.add({"note.children", 3, kR, one, note_children, "module",
         "Returns the ids of a note's children, in order.", "1.0.0",
         "O(M) where M is the number of children.", "key id"});
}

}  // namespace arbor::core
