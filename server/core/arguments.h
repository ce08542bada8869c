// Argument helpers in Redis's "OrReply" style: each returns false after it has
// already written the error reply, so a handler just returns.
#pragma once

#include <cstdint>
#include <string_view>

#include "protocol/errors.h"
#include "server/core/command_context.h"

namespace arbor::core {

bool equals_ci(std::string_view a, std::string_view b);

bool int_or_reply(CommandContext& ctx, std::string_view text, int64_t& out,
                  std::string_view error = protocol::errors::kNotInteger);
// Like int_or_reply, and the value must be in [min, max].
bool int_in_range_or_reply(CommandContext& ctx, std::string_view text, int64_t min, int64_t max,
                           int64_t& out, std::string_view error = protocol::errors::kNotInteger);
bool double_or_reply(CommandContext& ctx, std::string_view text, double& out,
                     std::string_view error = protocol::errors::kNotFloat);
bool long_double_or_reply(CommandContext& ctx, std::string_view text, long double& out,
                          std::string_view error = protocol::errors::kNotFloat);

// Looks `key` up for reading and checks its type. Replies WRONGTYPE (returns
// false) on a type mismatch; a missing key returns true with *out = nullptr.
bool lookup_typed_or_reply(CommandContext& ctx, std::string_view key, keyspace::ValueType type,
                           keyspace::Entry*& out);

// "ERR wrong number of arguments for 'get' command"
void reply_wrong_arity(protocol::ReplyWriter& reply, std::string_view fullname);
// "ERR unknown subcommand 'x'. Try CLIENT HELP."
void reply_unknown_subcommand(protocol::ReplyWriter& reply, std::string_view command,
                              std::string_view subcommand);

}  // namespace arbor::core
