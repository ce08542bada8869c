// The blocking sorted-set pops: BZPOPMIN, BZPOPMAX, BZMPOP. They serve at
// once when a key has members, else block (core/blocking) until a ZADD makes
// one ready; inside MULTI/EXEC they answer as a timeout at once.
#include <limits>
#include <string>
#include <vector>

#include "protocol/errors.h"
#include "server/commands/zset_common.h"
#include "server/core/timeouts.h"

namespace arbor::commands {
namespace {

using core::CommandContext;
using core::equals_ci;
using core::TimeoutReply;
using core::TimeoutUnit;
using keyspace::Entry;
using keyspace::ValueType;

// BZPOPMIN/BZPOPMAX key [key ...] timeout: [key, member, score] from the
// first non-empty sorted set.
void blocking_pop(CommandContext& ctx, bool max) {
  int64_t deadline;
  if (!core::block_deadline_or_reply(ctx, ctx.arg(ctx.argc() - 1), TimeoutUnit::kSeconds, deadline)) return;
  std::vector<std::string> keys;
  for (size_t k = 1; k + 1 < ctx.argc(); ++k) {
    Entry* entry;
    if (!zset_or_reply(ctx, ctx.arg(k), entry)) return;
    if (entry != nullptr) {
      // Replicas get the non-blocking form of what happened.
      if (ctx.replicating()) ctx.propagate_as({max ? "ZPOPMAX" : "ZPOPMIN", std::string(ctx.arg(k))});
      return zset_pop_and_reply(ctx, ctx.arg(k), entry, max, 1, PopReply::kKeyMember);
    }
    keys.emplace_back(ctx.arg(k));
  }
  ctx.block(std::move(keys), deadline, ValueType::kZset, TimeoutReply::kNullArray);
}

void bzpopmin(CommandContext& ctx) { blocking_pop(ctx, false); }
void bzpopmax(CommandContext& ctx) { blocking_pop(ctx, true); }

// BZMPOP timeout numkeys key [key ...] <MIN | MAX> [COUNT count]
void bzmpop(CommandContext& ctx) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  int64_t deadline;
  if (!core::block_deadline_or_reply(ctx, ctx.arg(1), TimeoutUnit::kSeconds, deadline)) return;
  int64_t numkeys;
  if (!core::int_in_range_or_reply(ctx, ctx.arg(2), 1, kMax, numkeys, "ERR numkeys should be greater than 0"))
    return;
  if (static_cast<uint64_t>(numkeys) >= ctx.argc() - 3) return ctx.reply.error(protocol::errors::kSyntax);
  const size_t where = 3 + static_cast<size_t>(numkeys);
  bool max;
  if (equals_ci(ctx.arg(where), "MIN")) max = false;
  else if (equals_ci(ctx.arg(where), "MAX")) max = true;
  else return ctx.reply.error(protocol::errors::kSyntax);
  int64_t count = -1;
  for (size_t i = where + 1; i < ctx.argc(); ++i) {
    if (count == -1 && equals_ci(ctx.arg(i), "COUNT") && i + 1 < ctx.argc()) {
      if (!core::int_in_range_or_reply(ctx, ctx.arg(++i), 1, kMax, count, "ERR count should be greater than 0"))
        return;
    } else {
      return ctx.reply.error(protocol::errors::kSyntax);
    }
  }
  if (count == -1) count = 1;
  std::vector<std::string> keys;
  for (size_t i = 3; i < where; ++i) {
    Entry* entry;
    if (!zset_or_reply(ctx, ctx.arg(i), entry)) return;
    if (entry != nullptr) {
      if (ctx.replicating())
        ctx.propagate_as({max ? "ZPOPMAX" : "ZPOPMIN", std::string(ctx.arg(i)), std::to_string(count)});
      return zset_pop_and_reply(ctx, ctx.arg(i), entry, max, static_cast<size_t>(count), PopReply::kKeyed);
    }
    keys.emplace_back(ctx.arg(i));
  }
  ctx.block(std::move(keys), deadline, ValueType::kZset, TimeoutReply::kNullArray);
}

}  // namespace
}  // namespace arbor::commands

namespace arbor::core {
using namespace arbor::commands;

void register_zset_blocking_commands(CommandTable& t) {
  // Summaries and complexities are Redis 7.0.15's COMMAND DOCS texts.
  t.add({"bzpopmin", -3, kWrite | kNoscript | kBlocking | kFast, KeySpec{1, -2, 1, 0, "RW access delete"}, bzpopmin,
         "sorted-set",
         "Remove and return the member with the lowest score from one or more sorted sets, or block until one is "
         "available",
         "5.0.0", "O(log(N)) with N being the number of elements in the sorted set.", "key [key ...] timeout:double"});
  t.add({"bzpopmax", -3, kWrite | kNoscript | kBlocking | kFast, KeySpec{1, -2, 1, 0, "RW access delete"}, bzpopmax,
         "sorted-set",
         "Remove and return the member with the highest score from one or more sorted sets, or block until one is "
         "available",
         "5.0.0", "O(log(N)) with N being the number of elements in the sorted set.", "key [key ...] timeout:double"});
  t.add({"bzmpop", -5, kWrite | kBlocking, KeySpec{0, 0, 0, 2}, bzmpop, "sorted-set",
         "Remove and return members with scores in a sorted set or block until one is available", "7.0.0",
         "O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the "
         "sorted set, and M being the number of elements popped.",
         "timeout:double numkeys:integer key [key ...] (MIN | MAX) [COUNT count:integer]"});
}

}  // namespace arbor::core
