// The keys one call of a command names, found by the row's key spec as
// Redis's getKeysFromCommand: COMMAND GETKEYS shows them, client-side
// caching remembers them. Loop thread only; pure functions.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>
#include <vector>

#include "server/core/command_table.h"

namespace arbor::core {

// True when the row has a key spec at all (COMMAND GETKEYS refuses others).
bool has_key_spec(const Command& command);

// Appends the keys `argv` (argv[0] is the command name) names for `command`
// and, for each, the index of its key spec. A keynum count that is not a
// number, or one asking for more keys than there are arguments, gives none.
void command_keys(const Command& command, std::span<const std::string_view> argv,
                  std::vector<std::string_view>& keys, std::vector<size_t>& specs);

}  // namespace arbor::core
