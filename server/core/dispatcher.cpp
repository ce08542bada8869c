// Dispatcher: name lookup, the gates of Redis's processCommand in order, the
// handler call, CLIENT REPLY suppression and per-command statistics.
#include "server/core/dispatcher.h"

#include <chrono>
#include <string>
#include <string_view>

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

// Counts an error reply under its code, the text between '-' and the first
// space within 32 bytes ("ERR" when there is none), as Redis's afterErrorReply.
void count_error_code(Stats& stats, std::string_view reply) {
  const std::string_view head = reply.substr(1, 31);
  const size_t space = head.find(' ');
  const std::string_view code = space == std::string_view::npos ? "ERR" : head.substr(0, space);
  auto it = stats.error_codes.find(code);
  if (it != stats.error_codes.end()) ++it->second;
  else if (stats.error_codes.size() < Stats::kMaxErrorCodes) stats.error_codes.emplace(code, 1);
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

  Command* command = instance_.commands.find(args[0]);
  // Gate order mirrors Redis 7.0's processCommand: existence, arity, then
  // authentication (so an unauthenticated client still learns of typos).
  if (command != nullptr && command->has_subcommands() && args.size() >= 2) {
    Command* sub = instance_.commands.find_subcommand(*command, args[1]);
    if (sub == nullptr) {
      // No command was found, so no command's stats change (as Redis).
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
      client.last_command = command->fullname;  // CLIENT LIST shows the running command
      const auto started = std::chrono::steady_clock::now();
      CommandContext ctx(instance_, client, reply, args, *command, instance_.now_ms());
      command->spec.handler(ctx);
      const auto elapsed = std::chrono::steady_clock::now() - started;
      ++command->calls;
      ++instance_.stats.total_commands_processed;  // executed ones only, as Redis's call()
      command->usec += static_cast<uint64_t>(
          std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count());
      if (reply.buffer().size() > mark && reply.buffer()[mark] == '-') ++command->failed_calls;
    }
  }
  if (reply.buffer().size() > mark && reply.buffer()[mark] == '-') {
    ++instance_.stats.total_error_replies;
    count_error_code(instance_.stats, std::string_view(reply.buffer()).substr(mark));
  }

  // CLIENT REPLY OFF|SKIP: the command ran, its reply is dropped. CLIENT
  // REPLY ON clears a pending skip before it replies, so its +OK is sent.
  const bool suppress = (mode_before == ReplyMode::kSkipThis && client.reply_mode != ReplyMode::kOn) ||
                        client.reply_mode == ReplyMode::kOff || client.reply_mode == ReplyMode::kSkipNext;
  if (client.reply_mode == ReplyMode::kSkipNext) client.reply_mode = ReplyMode::kSkipThis;
  else if (mode_before == ReplyMode::kSkipThis && client.reply_mode == ReplyMode::kSkipThis)
    client.reply_mode = ReplyMode::kOn;
  if (suppress) reply.buffer().resize(mark);
}

}  // namespace arbor::core
