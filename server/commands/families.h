// Registration of the server-family pieces that live in their own files;
// register_server_commands (server.cpp) calls them.
#pragma once

#include "server/core/command_table.h"

namespace arbor::commands {

void register_client_command(core::CommandTable& table);
void register_config_command(core::CommandTable& table);
void register_slowlog_command(core::CommandTable& table);
void register_latency_command(core::CommandTable& table);
void register_memory_command(core::CommandTable& table);
void register_info_command(core::CommandTable& table);
void register_lolwut_command(core::CommandTable& table);
void register_command_command(core::CommandTable& table);  // command.cpp: COMMAND and its subcommands

}  // namespace arbor::commands
