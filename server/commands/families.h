// Registration of the server-family pieces that live in their own files;
// register_server_commands (server.cpp) calls them.
#pragma once

#include "server/core/command_context.h"
#include "server/core/command_table.h"

namespace arbor::commands {

void register_client_command(core::CommandTable& table);
void register_config_command(core::CommandTable& table);
void register_info_command(core::CommandTable& table);
void register_command_command(core::CommandTable& table);  // command.cpp: COMMAND and its subcommands

// function_dump.cpp: FUNCTION DUMP and FUNCTION RESTORE (scripting.cpp registers them).
void function_dump(core::CommandContext& ctx);
void function_restore(core::CommandContext& ctx);

}  // namespace arbor::commands
