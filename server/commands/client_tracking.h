// CLIENT's client-side caching subcommands, registered by client.cpp.
#pragma once

#include "server/core/command_context.h"

namespace arbor::commands {

void client_tracking(core::CommandContext& ctx);
void client_caching(core::CommandContext& ctx);
void client_getredir(core::CommandContext& ctx);
void client_trackinginfo(core::CommandContext& ctx);

}  // namespace arbor::commands
