// Dispatcher: name lookup, the gates of Redis's processCommand in order, the
// handler call, CLIENT REPLY suppression and per-command statistics.
#include "server/core/dispatcher.h"

#include <chrono>
#include <string>

#include "protocol/errors.h"
#include "server/core/arguments.h"
#include "server/core/command_context.h"
#include "server/core/command_table.h"

namespace arbor::core {
namespace {

// "ERR unknown command 'x', with args beginning with: 'a' 'b' " (Redis keeps
// the trailing space and stops adding args once 128 bytes are listed).
void reply_unknown_command(protocol::ReplyWriter& reply, std::span<const std::string_view> args) {
  std::string listed;
  for (size_t i = 1; i < args.size() && listed.size() < 128; ++i) {
    listed += '\'';
    listed.append(args[i].substr(0, 128 - listed.size() + 1));
    listed += "' ";
  }
  std::string message = "ERR unknown command '";
  message.append(args[0].substr(0, 128));
  message.append("', with args beginning with: ");
  message.append(listed);
  reply.error(message);
}

bool auth_required(const Instance& instance, const ClientState& client) {
  return !client.authenticated && !instance.config.settings().requirepass.empty();
}

}  // namespace

void Dispatcher::execute(ClientState& client, std::span<const std::string_view> args,
                         protocol::ReplyWriter& reply) {
  if (args.empty()) return;
  const size_t mark = reply.buffer().size();
  const ReplyMode mode_before = client.reply_mode;
  ++instance_.stats.total_commands_processed;

  Command* command = instance_.commands.find(args[0]);
  // Gate order mirrors Redis 7.0's processCommand: existence, arity, then
  // authentication (so an unauthenticated client still learns of typos).
  if (command != nullptr && command->has_subcommands() && args.size() >= 2) {
    Command* sub = instance_.commands.find_subcommand(*command, args[1]);
    if (sub == nullptr) {
      ++command->rejected_calls;
      reply_unknown_subcommand(reply, args[0], args[1]);
      command = nullptr;
    } else {
      command = sub;
    }
  } else if (command == nullptr) {
    reply_unknown_command(reply, args);
  }

  if (command != nullptr) {
    if (!command->arity_ok(args.size())) {
      ++command->rejected_calls;
      reply_wrong_arity(reply, command->fullname);
    } else if (auth_required(instance_, client) && !(command->spec.flags & kNoAuth)) {
      ++command->rejected_calls;
      reply.error(protocol::errors::kNoAuth);
    } else {
      const auto started = std::chrono::steady_clock::now();
      CommandContext ctx(instance_, client, reply, args, *command, instance_.now_ms());
      command->spec.handler(ctx);
      const auto elapsed = std::chrono::steady_clock::now() - started;
      ++command->calls;
      command->usec += static_cast<uint64_t>(
          std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count());
      if (reply.buffer().size() > mark && reply.buffer()[mark] == '-') ++command->failed_calls;
      client.last_command = command->fullname;
    }
  }
  if (reply.buffer().size() > mark && reply.buffer()[mark] == '-') ++instance_.stats.total_error_replies;

  // CLIENT REPLY OFF|SKIP: the command ran, its reply is dropped.
  const bool suppress = mode_before == ReplyMode::kSkipThis || client.reply_mode == ReplyMode::kOff ||
                        client.reply_mode == ReplyMode::kSkipNext;
  if (client.reply_mode == ReplyMode::kSkipNext) client.reply_mode = ReplyMode::kSkipThis;
  else if (mode_before == ReplyMode::kSkipThis && client.reply_mode == ReplyMode::kSkipThis)
    client.reply_mode = ReplyMode::kOn;
  if (suppress) reply.buffer().resize(mark);
}

}  // namespace arbor::core
