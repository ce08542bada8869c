// The COMMAND container (COUNT, INFO, DOCS, LIST, GETKEYS, GETKEYSANDFLAGS,
// HELP): introspection of the command table, as Redis 7.0 answers it.
#pragma once

#include "server/core/command_table.h"

namespace arbor::commands {

// Adds the COMMAND row and its subcommand rows to `table`.
void register_command_command(core::CommandTable& table);

}  // namespace arbor::commands
