// Note trees as arbor's module value: writer, reader, builder.
#include "replication/rdb/rdb_note_tree.h"

namespace arbor::replication {
namespace {

// Redis's RDB_MODULE_OPCODE_*.
constexpr uint64_t kOpEof = 0;
constexpr uint64_t kOpUint = 2;
constexpr uint64_t kOpString = 5;

void put_string(RdbEncoder& enc, std::string_view s) {
  enc.length(kOpString);
  enc.string(s);
}

std::string module_name(uint64_t id) {
  std::string name(9, '?');
  uint64_t bits = id >> 10;
  for (int i = 8; i >= 0; --i) {
    name[static_cast<size_t>(i)] = kModuleIdSymbols[bits & 63];
    bits >>= 6;
  }
  return name;
}

}  // namespace

void write_note_tree(RdbEncoder& enc, const keyspace::NoteTree& tree) {
  enc.length(kNoteTreeModuleId);
  enc.length(kOpUint);
  enc.length(tree.note_count());
  put_string(enc, tree.root().text());
  for (const keyspace::Note* note = tree.first_in_preorder(); note != nullptr; note = tree.next_in_preorder(note)) {
    put_string(enc, note->parent()->id());
    put_string(enc, note->id());
    put_string(enc, note->text());
  }
  enc.length(kOpEof);
}

bool read_note_tree(RdbCursor& in, std::vector<std::string>& flat) {
  const auto id = in.length();
  if (!id) return false;
  if (*id != kNoteTreeModuleId) {
    in.fail("module value of module '" + module_name(*id) + "' (encoding version " + std::to_string(*id & 1023) +
            "), which arbor does not have");
    return false;
  }
  auto opcode = [&](uint64_t wanted) {
    const auto op = in.length();
    if (op && *op != wanted) in.fail("unexpected module opcode " + std::to_string(*op));
    return in.ok();
  };
  if (!opcode(kOpUint)) return false;
  const auto count = in.length();
  if (!count) return false;
  // Each note takes at least three bytes per string: a count above that is
  // a lie, refused before anything is reserved.
  if (*count > in.remaining() / 6) {
    in.fail("note count larger than the data");
    return false;
  }
  flat.reserve(1 + 3 * *count);
  for (uint64_t i = 0; i < 1 + 3 * *count; ++i) {
    if (!opcode(kOpString)) return false;
    auto s = in.string();
    if (!s) return false;
    flat.push_back(std::move(*s));
  }
  return opcode(kOpEof);
}

std::unique_ptr<keyspace::NoteTree> build_note_tree(const std::vector<std::string>& flat, std::string& error) {
  auto tree = std::make_unique<keyspace::NoteTree>();
  if (flat.empty() || (flat.size() - 1) % 3 != 0) {
    error = "malformed note tree";
    return nullptr;
  }
  if (!flat[0].empty() && !tree->set_text(keyspace::NoteTree::kRootId, flat[0])) {
    error = "malformed note tree";
    return nullptr;
  }
  for (size_t i = 1; i + 2 < flat.size(); i += 3) {
    if (tree->add(flat[i], flat[i + 1], flat[i + 2]) != keyspace::NoteTree::Status::kOk) {
      error = "note tree note '" + flat[i + 1] + "' under '" + flat[i] + "' cannot be added";
      return nullptr;
    }
  }
  return tree;
}

}  // namespace arbor::replication
