// Runs one parsed command: looks the name up, applies the gates in Redis's
// processCommand order, calls the handler, and keeps the statistics.
#pragma once

#include <chrono>
#include <span>
#include <string_view>

#include "protocol/reply_writer.h"
#include "server/core/client_state.h"
#include "server/core/command_table.h"
#include "server/core/instance.h"

namespace arbor::core {

class Dispatcher {
 public:
  explicit Dispatcher(Instance& instance) : instance_(instance) {}

  // Executes `args` (args[0] is the command name) for `client`, writing the
  // reply to `reply`. Never throws for bad input: errors become replies.
  // After a top-level command, clients blocked on keys that got data are
  // served.
  void execute(ClientState& client, std::span<const std::string_view> args,
               protocol::ReplyWriter& reply);

  // EXEC: runs the client's queued commands as one reply array, or fails as
  // Redis does (EXECABORT after a queueing error, null after a WATCH fired).
  void exec(ClientState& client, protocol::ReplyWriter& reply);

  // A command run by a script (redis.call): the script applied Redis's
  // scriptCall checks itself; statistics and propagation are those of any
  // command, inside the script's execution unit.
  void call_from_script(Command& command, ClientState& client, std::span<const std::string_view> args,
                        protocol::ReplyWriter& reply) {
    call(command, client, args, reply);
  }

 private:
  // One command's lookup, gates and run, inside execute()'s unit.
  void dispatch(ClientState& client, std::span<const std::string_view> args, protocol::ReplyWriter& reply,
                size_t mark);
  void call(Command& command, ClientState& client, std::span<const std::string_view> args,
            protocol::ReplyWriter& reply);
  // The end of a top-level unit: its writes to the stream, then clients
  // blocked on keys that got data.
  void end_unit(ClientState& client);
  void reply_out_of_memory(ClientState& client, protocol::ReplyWriter& reply);
  void queue(ClientState& client, std::span<const std::string_view> args, protocol::ReplyWriter& reply);
  // MONITOR and SLOWLOG (dispatcher.cpp says when each sees a command).
  void feed_monitors(const ClientState& client, std::span<const std::string_view> args);
  bool is_sensitive(std::string_view config_name) const;
  void record_if_slow(const Command& command, const ClientState& client, std::span<const std::string_view> args,
                      std::chrono::nanoseconds elapsed);
  // Redis's processCommand checks, in its order: the error that refuses
  // `command` for `client` now, or empty.
  // `flags` are the call's (Command::flags_for).
  std::string gate(const Command& command, uint32_t flags, const ClientState& client, size_t argc) const;
  void reject(Command& command, ClientState& client, std::string_view error, protocol::ReplyWriter& reply);
  // Runs the commands of clients blocked on keys that got data, oldest
  // client first, until no key is ready.
  void serve_blocked_clients();
  // After a read-only command: its keys go into the tracking table for a
  // client with CLIENT TRACKING on. A command a script runs counts for the
  // script's caller with the keys the script declared (Redis 7.0's
  // trackingRememberKeys on script_caller).
  struct RunningCall {
    const Command* command = nullptr;
    std::span<const std::string_view> args;
    ClientState* client = nullptr;
  };
  void remember_read_keys(const Command& command, ClientState& client, std::span<const std::string_view> args,
                          const RunningCall& outer);

  Instance& instance_;
  int depth_ = 0;         // nesting: EXEC's commands and served clients run inside
  bool serving_ = false;  // inside serve_blocked_clients
  RunningCall running_;   // the innermost call() under way
};

}  // namespace arbor::core
