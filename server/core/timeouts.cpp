// Blocking-command timeouts.
#include "server/core/timeouts.h"

#include <cmath>
#include <limits>

#include "protocol/number_format.h"

namespace arbor::core {

bool block_deadline_or_reply(CommandContext& ctx, std::string_view text, TimeoutUnit unit, int64_t& deadline_ms) {
  int64_t timeout = 0;
  if (unit == TimeoutUnit::kSeconds) {
    const auto seconds = protocol::parse_long_double(text);
    if (!seconds || std::isnan(*seconds)) {
      ctx.reply.error("ERR timeout is not a float or out of range");
      return false;
    }
    const long double ms = *seconds * 1000.0L;
    // Redis casts to long long, which on x86 turns every out-of-range
    // value (inf, 1e300) into LLONG_MIN: "timeout is negative". Same answer
    // here, without the undefined cast.
    if (ms >= static_cast<long double>(std::numeric_limits<int64_t>::max()) ||
        ms <= static_cast<long double>(std::numeric_limits<int64_t>::min())) {
      ctx.reply.error("ERR timeout is negative");
      return false;
    }
    // Rounded up, as Redis's ceill: 0.0001 s waits 1 ms, not forever.
    timeout = static_cast<int64_t>(std::ceil(ms));
  } else {
    const auto ms = protocol::parse_int64(text);
    if (!ms) {
      ctx.reply.error("ERR timeout is not an integer or out of range");
      return false;
    }
    timeout = *ms;
  }
  if (timeout < 0) {
    ctx.reply.error("ERR timeout is negative");
    return false;
  }
  if (timeout > 0 && timeout > std::numeric_limits<int64_t>::max() - ctx.now_ms()) {
    ctx.reply.error("ERR timeout is out of range");
    return false;
  }
  deadline_ms = timeout > 0 ? ctx.now_ms() + timeout : 0;
  return true;
}

}  // namespace arbor::core
