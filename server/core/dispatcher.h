// Runs one parsed command: looks the name up, applies the gates in Redis's
// processCommand order, calls the handler, and keeps the statistics.
#pragma once

#include <span>
#include <string_view>

#include "protocol/reply_writer.h"
#include "server/core/client_state.h"
#include "server/core/instance.h"

namespace arbor::core {

class Dispatcher {
 public:
  explicit Dispatcher(Instance& instance) : instance_(instance) {}

  // Executes `args` (args[0] is the command name) for `client`, writing the
  // reply to `reply`. Never throws for bad input: errors become replies.
  void execute(ClientState& client, std::span<const std::string_view> args,
               protocol::ReplyWriter& reply);

 private:
  Instance& instance_;
};

}  // namespace arbor::core
