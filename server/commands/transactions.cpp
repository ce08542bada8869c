// Transactions: MULTI, EXEC, DISCARD, WATCH, UNWATCH. Queueing happens in
// the dispatcher (it sees every command first); EXEC runs the queue through
// it too, so each queued command gets the same gates and statistics.
#include "server/core/command_context.h"
#include "server/core/command_table.h"
#include "server/core/dispatcher.h"

namespace arbor::commands {
namespace {

using core::CommandContext;

// MULTI
void multi(CommandContext& ctx) {
  if (ctx.client.multi.active) return ctx.reply.error("ERR MULTI calls can not be nested");
  ctx.client.multi.active = true;
  ctx.reply.ok();
}

// EXEC
void exec(CommandContext& ctx) { ctx.dispatcher.exec(ctx.client, ctx.reply); }

// DISCARD
void discard(CommandContext& ctx) {
  if (!ctx.client.multi.active) return ctx.reply.error("ERR DISCARD without MULTI");
  ctx.client.multi = core::Transaction{};
  ctx.instance.watches.unwatch_all(ctx.client);
  ctx.reply.ok();
}

// WATCH key [key ...]
void watch(CommandContext& ctx) {
  if (ctx.client.multi.active) return ctx.reply.error("ERR WATCH inside MULTI is not allowed");
  for (size_t i = 1; i < ctx.argc(); ++i) ctx.instance.watches.watch(ctx.client, ctx.db(), ctx.arg(i), ctx.now_ms());
  ctx.reply.ok();
}

// UNWATCH
void unwatch(CommandContext& ctx) {
  ctx.instance.watches.unwatch_all(ctx.client);
  ctx.reply.ok();
}

}  // namespace
}  // namespace arbor::commands

namespace arbor::core {
using namespace arbor::commands;

void register_transaction_commands(CommandTable& t) {
  const uint32_t control = kNoscript | kLoading | kStale | kFast | kAllowBusy;
  t.add({"multi", 1, control, {}, multi, "transactions", "Mark the start of a transaction block", "1.2.0", "O(1)",
         ""});
  t.add({"exec", 1, kNoscript | kLoading | kStale | kSkipSlowlog, {}, exec, "transactions",
         "Execute all commands issued after MULTI", "1.2.0", "Depends on commands in the transaction", ""});
  t.add({"discard", 1, control, {}, discard, "transactions", "Discard all commands issued after MULTI", "2.0.0",
         "O(N), when N is the number of queued commands", ""});
  t.add({"watch", -2, control, KeySpec{1, -1, 1, 0, "RO"}, watch, "transactions",
         "Watch the given keys to determine execution of the MULTI/EXEC block", "2.2.0", "O(1) for every key.",
         "key [key ...]"});
  t.add({"unwatch", 1, control, {}, unwatch, "transactions", "Forget about all watched keys", "2.2.0", "O(1)", ""});
}

}  // namespace arbor::core
