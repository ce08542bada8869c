// The timeout argument of blocking commands, as Redis 7.0's
// getTimeoutFromObjectOrReply: seconds as a float (BLPOP, BZPOPMIN ...) or
// milliseconds as an integer (XREAD BLOCK), 0 meaning wait forever.
#pragma once

#include <cstdint>
#include <string_view>

#include "server/core/command_context.h"

namespace arbor::core {

enum class TimeoutUnit : uint8_t { kSeconds, kMilliseconds };

// Parses `text` into an absolute deadline in unix ms (0 = none), replying
// Redis's error and returning false when it is not a valid timeout.
bool block_deadline_or_reply(CommandContext& ctx, std::string_view text, TimeoutUnit unit, int64_t& deadline_ms);

}  // namespace arbor::core
