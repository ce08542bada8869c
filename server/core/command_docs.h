// COMMAND INFO and COMMAND DOCS replies, derived from the command table rows.
// The docs' argument trees come from each row's syntax line, written in a
// small grammar (see parse_syntax). redis-cli walks COMMAND DOCS with
// assertions, so the shape must match Redis 7 exactly.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "protocol/reply_writer.h"
#include "server/core/command_table.h"

namespace arbor::core {

// One argument as Redis's command JSON describes it.
struct ArgDoc {
  std::string name;          // "key", "seconds", "condition"
  std::string type;          // key, string, integer, double, pattern, unix-time, pure-token, oneof, block
  std::string token;         // literal word before the value ("EX"), may be empty
  std::string display_text;  // usually the name, for non-token arguments
  int key_spec_index = -1;
  bool optional = false;
  bool multiple = false;
  bool multiple_token = false;
  std::vector<ArgDoc> arguments;  // oneof / block members
};

// Grammar of a syntax line (the part after the command name):
//   word           argument named `word`; `key` has type key; `name:type` sets a type
//                  (key, string, integer, double, pattern, unix-time; key-pattern is a
//                  pattern naming keys, SORT's); a suffix that is no type stays part of
//                  the name ("ip:port")
//   WORD           a pure token (a word without lower-case letters: NX, WITHSCORES, *)
//   WORD=name      a pure token whose argument Redis names otherwise (ZADD's CH=change)
//   WORD word      a token taking a value; WORD ( ... ) a token before a group
//   [ ... ]        optional; `a | b` one of (also at top level); ( ... ) a group;
//                  `...` after an item = multiple
//   x [x ...]      x repeated: multiple (multiple_token when x starts with a token);
//                  several items repeated (field value [field value ...]) form a block
//   [TOK a | b]    when only the first alternative is longer, TOK prefixes the one-of
// Groups get Redis's names where they are well known (condition, expiration,
// where), else the members' names joined by '_' for small blocks, the
// lower-cased token, "arguments" (blocks) or "arg" (one-ofs).
// Never fails: on a malformed line it returns what it understood so far.
std::vector<ArgDoc> parse_syntax(std::string_view syntax);
// Empty if `syntax` is well formed, else what is wrong and where.
std::string syntax_error(std::string_view syntax);

// ACL categories derived from the row (without '@', in Redis's order): the
// flags give read/write/admin/dangerous/fast/slow/pubsub/blocking, the group
// gives the data-type category (string, keyspace, connection ...).
std::vector<std::string_view> acl_categories(const Command& command);
// Key-spec flags of the row's key spec `spec_index` ("RO","access" / "RW","update").
std::vector<std::string_view> key_spec_flags(const Command& command, size_t spec_index = 0);

// COMMAND INFO entry: [name, arity, flags, first, last, step, acl categories,
// tips, key specs, subcommands], typed as Redis 7.0.15 sends it (sets, maps).
void write_command_info(protocol::ReplyWriter& reply, const Command& command);
// COMMAND DOCS: writes the map key (name) and its docs map. As Redis 7.0,
// arguments carry no display_text (that field arrived in 7.2).
void write_command_docs(protocol::ReplyWriter& reply, const Command& command);

}  // namespace arbor::core
