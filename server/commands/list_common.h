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

inline void erase_if_empty(core::CommandContext& ctx, std::string_view key, const keyspace::ListValue& list) {
  if (list.empty()) ctx.db().erase(key);
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

// list_moves.cpp: LMOVE, RPOPLPUSH, LMPOP.
void register_list_move_commands(core::CommandTable& table);

}  // namespace arbor::commands
