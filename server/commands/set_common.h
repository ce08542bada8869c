// Helpers shared by the set command files (sets.cpp, set_random.cpp,
// set_algebra.cpp): typed lookup and creation of set keys.
#pragma once

#include <memory>
#include <string_view>

#include "server/core/arguments.h"
#include "server/core/command_context.h"
#include "server/core/command_table.h"
#include "server/keyspace/set_value.h"

namespace arbor::commands {

// Looks up `key`; WRONGTYPE (false) for a non-set, nullptr when missing.
inline bool set_or_reply(core::CommandContext& ctx, std::string_view key, keyspace::Entry*& entry) {
  return core::lookup_typed_or_reply(ctx, key, keyspace::ValueType::kSet, entry);
}

// Adds an empty set under `key`, which must be absent; the caller fills it
// before returning (empty collections never stay in the keyspace).
inline keyspace::SetValue& create_set(core::CommandContext& ctx, std::string_view key) {
  return ctx.db().add_object(key, std::make_unique<keyspace::SetValue>())->as<keyspace::SetValue>();
}

// set_random.cpp: SPOP, SRANDMEMBER, SSCAN.
void register_set_random_commands(core::CommandTable& table);
// set_algebra.cpp: SINTER, SINTERCARD, SUNION, SDIFF and the *STORE forms.
void register_set_algebra_commands(core::CommandTable& table);

}  // namespace arbor::commands
