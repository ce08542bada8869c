// Helpers shared by the list command files (lists.cpp, list_moves.cpp):
// typed lookup, creation and deletion of list keys, and Redis's index rules.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "protocol/errors.h"
#include "server/core/arguments.h"
#include "server/core/command_context.h"
#include "server/core/command_table.h"
#include "server/keyspace/list_value.h"

namespace arbor::commands {

// Looks up `key` for reading; WRONGTYPE (false) for a non-list, nullptr
// when missing. Counts a keyspace hit or miss, as Redis's lookupKeyRead.
inline bool list_or_reply(core::CommandContext& ctx, std::string_view key, keyspace::Entry*& entry) {
  return core::lookup_typed_or_reply(ctx, key, keyspace::ValueType::kList, entry);
}

// The same for a command that writes: Redis's lookupKeyWrite counts no
// hits or misses, so neither does this.
inline bool writable_list_or_reply(core::CommandContext& ctx, std::string_view key, keyspace::Entry*& entry) {
  entry = ctx.db().find(key, ctx.now_ms());
  if (entry != nullptr && entry->type() != keyspace::ValueType::kList) {
    ctx.reply.error(protocol::errors::kWrongType);
    return false;
  }
  return true;
}

// Adds an empty list under `key`, which must be absent; the caller fills it
// before returning (empty collections never stay in the keyspace).
inline keyspace::ListValue& create_list(core::CommandContext& ctx, std::string_view key) {
  return ctx.db().add_object(key, std::make_unique<keyspace::ListValue>())->as<keyspace::ListValue>();
}

inline std::string_view pop_event(keyspace::ListValue::End end) {
  return end == keyspace::ListValue::End::kHead ? "lpop" : "rpop";
}

// A possibly negative index into [0, len): false when out of range.
inline bool normalize_index(int64_t index, size_t len, size_t& out) {
  const auto n = static_cast<int64_t>(len);
  if (index < 0) index += n;
  if (index < 0 || index >= n) return false;
  out = static_cast<size_t>(index);
  return true;
}

// LRANGE/LTRIM's start/stop rules: negatives count from the end, start
// clamps to 0, stop to len-1; false when the range is empty.
inline bool clamp_range(int64_t start, int64_t stop, size_t len, size_t& from, size_t& to) {
  const auto n = static_cast<int64_t>(len);
  if (start < 0) start += n;
  if (stop < 0) stop += n;
  if (start < 0) start = 0;
  if (start > stop || start >= n) return false;
  if (stop >= n) stop = n - 1;
  from = static_cast<size_t>(start);
  to = static_cast<size_t>(stop);
  return true;
}

// list_moves.cpp: LMOVE, RPOPLPUSH, LMPOP, and what their blocking forms
// share with them.
void register_list_move_commands(core::CommandTable& table);
// list_blocking.cpp: BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP.
void register_list_blocking_commands(core::CommandTable& table);
// LEFT -> head, RIGHT -> tail; syntax error otherwise.
bool end_or_reply(core::CommandContext& ctx, std::string_view word, keyspace::ListValue::End& end);
// Pops from `src` (which must exist or the reply is null) onto `dst`.
void list_move(core::CommandContext& ctx, std::string_view src, std::string_view dst,
               keyspace::ListValue::End from, keyspace::ListValue::End to);
// LMPOP/BLMPOP's "numkeys key [key ...] <LEFT | RIGHT> [COUNT count]",
// numkeys at argument `numkeys_at`.
struct MpopArgs {
  size_t first_key = 0;
  size_t end_of_keys = 0;  // one past the last key: the direction word
  keyspace::ListValue::End end = keyspace::ListValue::End::kHead;
  int64_t count = 1;
};
bool mpop_args_or_reply(core::CommandContext& ctx, size_t numkeys_at, MpopArgs& out);
// Pops from the first non-empty list and replies [key, [elements]];
// kAllEmpty (nothing written) when every key is missing.
enum class MpopResult : uint8_t { kReplied, kAllEmpty };
MpopResult list_mpop(core::CommandContext& ctx, const MpopArgs& args);

}  // namespace arbor::commands
