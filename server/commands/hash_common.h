// Helpers shared by the hash command files (hashes.cpp, hash_random_scan.cpp):
// typed lookup, creation and deletion of hash keys.
#pragma once

#include <memory>
#include <string_view>

#include "server/core/arguments.h"
#include "server/core/command_context.h"
#include "server/core/command_table.h"
#include "server/keyspace/hash_value.h"

namespace arbor::commands {

// Looks up `key`; WRONGTYPE (false) for a non-hash, nullptr when missing.
inline bool hash_or_reply(core::CommandContext& ctx, std::string_view key, keyspace::Entry*& entry) {
  return core::lookup_typed_or_reply(ctx, key, keyspace::ValueType::kHash, entry);
}

// Adds an empty hash under `key`, which must be absent; the caller fills it
// before returning (empty collections never stay in the keyspace).
inline keyspace::HashValue& create_hash(core::CommandContext& ctx, std::string_view key) {
  return ctx.db().add_object(key, std::make_unique<keyspace::HashValue>())->as<keyspace::HashValue>();
}

// hash_random_scan.cpp: HRANDFIELD, HSCAN.
void register_hash_random_scan_commands(core::CommandTable& table);

}  // namespace arbor::commands
