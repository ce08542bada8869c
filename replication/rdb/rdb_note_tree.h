// Note trees in RDB files, as a module value (RDB_TYPE_MODULE_2) of arbor's
// own module "arbornote", encoding version 1, so a file holding them stays
// a well-formed RDB: Redis names the module it lacks instead of misreading.
//
// Encoding (each item in Redis's module opcodes, after the 64-bit module id
// written as an RDB length):
//   UINT   n            notes, the root excluded
//   STRING root-text
//   n x { STRING parent-id, STRING id, STRING text }   pre-order, children
//                                                      in their order
//   EOF
// Loading adds each note as the last child of its parent, which rebuilds
// the same tree because pre-order lists a parent before its children and
// siblings in order.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "replication/rdb/rdb_format.h"
#include "server/keyspace/note_tree.h"

namespace arbor::replication {

// Module ids are 9 characters of a 64-symbol alphabet (6 bits each), then
// 10 bits of encoding version: Redis's moduleTypeEncodeId.
inline constexpr char kModuleIdSymbols[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr uint64_t module_type_id(const char (&name)[10], uint64_t encver) {
  uint64_t id = 0;
  for (int i = 0; i < 9; ++i) {
    uint64_t symbol = 0;
    while (kModuleIdSymbols[symbol] != name[i]) ++symbol;
    id = (id << 6) | symbol;
  }
  return (id << 10) | encver;
}

inline constexpr uint64_t kNoteTreeModuleId = module_type_id("arbornote", 1);

// The module value after the type byte and key: id, opcodes, EOF.
void write_note_tree(RdbEncoder& enc, const keyspace::NoteTree& tree);
// Reads the same into `flat` (root text, then parent/id/text triples);
// fails the cursor for another module's value.
bool read_note_tree(RdbCursor& in, std::vector<std::string>& flat);
// Builds the tree; false with `error` for an inconsistent list.
std::unique_ptr<keyspace::NoteTree> build_note_tree(const std::vector<std::string>& flat, std::string& error);

}  // namespace arbor::replication
