// Argument helpers in Redis's "OrReply" style: each returns false after it has
// already written the error reply, so a handler just returns.
#pragma once

#include <cstdint>
#include <span>
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

// The SCAN family's cursor: Redis parses it with strtoul, so "" is 0 and
// "-1" wraps; leading space, trailing junk and overflow are "invalid cursor".
bool scan_cursor_or_reply(CommandContext& ctx, std::string_view text, uint64_t& cursor);

// SCAN / HSCAN / SSCAN options after the cursor: [MATCH pattern]
// [COUNT count] [TYPE type] (TYPE only where `allow_type`).
struct ScanOptions {
  std::string_view pattern;  // empty when there is no filter ("*" counts as none)
  bool has_pattern = false;
  std::string_view type;
  bool has_type = false;
  int64_t count = 10;
  // How many cursor steps a call may take before it returns short, as
  // Redis's maxiterations (count * 10), without overflowing on huge counts.
  int64_t step_budget() const { return count > INT64_MAX / 10 ? INT64_MAX : count * 10; }
};
bool scan_options_or_reply(CommandContext& ctx, size_t from, bool allow_type, ScanOptions& options);

// SRANDMEMBER, HRANDFIELD and ZRANDMEMBER with a negative count reply |count|
// picks, repeats allowed. Redis 7.0 builds that reply whatever its size, so a
// count like -4611686018427387903 runs it out of memory; arbor refuses a
// magnitude above 2^24 with Redis's standard "ERR value is out of range".
// Call it once the key is known to exist (a missing key still answers []).
inline constexpr int64_t kMaxRandomRepeats = int64_t{1} << 24;
bool random_count_or_reply(CommandContext& ctx, int64_t count);

// A HELP reply: the lines as an array of simple strings.
void reply_help(protocol::ReplyWriter& reply, std::span<const char* const> lines);
// "ERR wrong number of arguments for 'get' command"
void reply_wrong_arity(protocol::ReplyWriter& reply, std::string_view fullname);
// "ERR unknown subcommand 'x'. Try CLIENT HELP."
void reply_unknown_subcommand(protocol::ReplyWriter& reply, std::string_view command,
                              std::string_view subcommand);
// A known subcommand with the wrong arguments, where Redis's handler checks
// them itself: "ERR unknown subcommand or wrong number of arguments for 'x'.
// Try PUBSUB HELP."
void reply_subcommand_syntax_error(protocol::ReplyWriter& reply, std::string_view command,
                                   std::string_view subcommand);

}  // namespace arbor::core
