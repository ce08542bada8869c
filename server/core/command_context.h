// What a command handler gets: its arguments, the reply writer, the client's
// state, its selected database and the instance, and the clock reading of
// this command (one reading per command, so expiry is consistent within it).
// Handlers never see a socket and never test the protocol version.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "protocol/reply_writer.h"
#include "server/core/client_state.h"
#include "server/core/instance.h"

namespace arbor::core {

struct Command;

class CommandContext {
 public:
  CommandContext(Instance& instance, ClientState& client, protocol::ReplyWriter& reply,
                 std::span<const std::string_view> args, const Command& command, int64_t now_ms)
      : instance(instance), client(client), reply(reply), args(args), command(command), now_ms_(now_ms) {}

  Instance& instance;
  ClientState& client;
  protocol::ReplyWriter& reply;
  std::span<const std::string_view> args;
  const Command& command;

  size_t argc() const { return args.size(); }
  std::string_view arg(size_t i) const { return args[i]; }
  keyspace::Database& db() { return instance.db(client.db); }
  int64_t now_ms() const { return now_ms_; }

  // Counts a change to the dataset (Redis's server.dirty); write commands
  // call it once per modified key so the save schedule and INFO see it.
  void mark_dirty(uint64_t changes = 1) { instance.dirty += changes; }

  // Counters for INFO keyspace_hits / keyspace_misses.
  void count_lookup(bool hit) {
    ++(hit ? instance.stats.keyspace_hits : instance.stats.keyspace_misses);
  }

 private:
  int64_t now_ms_;
};

}  // namespace arbor::core
