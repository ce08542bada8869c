// What the string-valued families (strings, bitmaps, HyperLogLog) share.
#pragma once

#include <string>

#include "server/core/command_context.h"
#include "server/keyspace/entry.h"

namespace arbor::commands {

// A string entry whose value can change in place, as Redis's
// dbUnshareStringValue: an embedded value moves to heap ("raw") storage,
// keeping its TTL. Returns the entry now under the key.
inline keyspace::Entry* writable_string(core::CommandContext& ctx, keyspace::Entry* entry) {
  if (entry->storage() == keyspace::Entry::Storage::kRaw) return entry;
  return ctx.db().set_raw_string(entry->key(), std::string(entry->string_value()), true);
}

}  // namespace arbor::commands
