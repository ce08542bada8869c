// The blocking list commands: BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP. Each
// serves at once when a key has data, else blocks the client (core/blocking)
// until a push makes one ready, and runs again then; inside MULTI/EXEC they
// act as their non-blocking forms.
#include <string>
#include <vector>

#include "protocol/errors.h"
#include "server/commands/list_common.h"
#include "server/core/keyspace_events.h"
#include "server/core/timeouts.h"

namespace arbor::commands {
namespace {

using core::CommandContext;
using core::TimeoutReply;
using core::TimeoutUnit;
using keyspace::Entry;
using keyspace::ListValue;
using keyspace::ValueType;

std::vector<std::string> keys_between(const CommandContext& ctx, size_t first, size_t end) {
  std::vector<std::string> keys;
  keys.reserve(end - first);
  for (size_t i = first; i < end; ++i) keys.emplace_back(ctx.arg(i));
  return keys;
}

// BLPOP/BRPOP key [key ...] timeout: [key, element] from the first
// non-empty list, checking the keys' types in order as Redis does.
void blocking_pop(CommandContext& ctx, ListValue::End end) {
  int64_t deadline;
  if (!core::block_deadline_or_reply(ctx, ctx.arg(ctx.argc() - 1), TimeoutUnit::kSeconds, deadline)) return;
  for (size_t k = 1; k + 1 < ctx.argc(); ++k) {
    Entry* entry;
    if (!writable_list_or_reply(ctx, ctx.arg(k), entry)) return;
    if (entry == nullptr) continue;
    auto& list = entry->as<ListValue>();
    const std::string_view key = ctx.arg(k);
    ctx.reply.array(2);
    ctx.reply.bulk(key);
    ctx.reply.bulk(list.pop(end));
    ctx.mark_dirty();
    // Replicas get the non-blocking form of what happened.
    if (ctx.replicating()) ctx.propagate_as({end == ListValue::End::kHead ? "LPOP" : "RPOP", std::string(key)});
    ctx.key_changed(key, core::kEventList, end == ListValue::End::kHead ? "lpop" : "rpop");
    if (list.empty()) {
      ctx.db().erase(key);
      ctx.notify(core::kEventGeneric, "del", key);
    }
    return;
  }
  ctx.block(keys_between(ctx, 1, ctx.argc() - 1), deadline, ValueType::kList, TimeoutReply::kNullArray);
}

void blpop(CommandContext& ctx) { blocking_pop(ctx, ListValue::End::kHead); }
void brpop(CommandContext& ctx) { blocking_pop(ctx, ListValue::End::kTail); }

// BLMOVE/BRPOPLPUSH: waits on the source only; the destination's type is
// checked when something is moved, as Redis.
void blocking_move(CommandContext& ctx, ListValue::End from, ListValue::End to, std::string_view timeout) {
  int64_t deadline;
  if (!core::block_deadline_or_reply(ctx, timeout, TimeoutUnit::kSeconds, deadline)) return;
  Entry* source;
  if (!writable_list_or_reply(ctx, ctx.arg(1), source)) return;
  if (source != nullptr) {
    if (ctx.replicating()) {
      auto side = [](ListValue::End e) { return e == ListValue::End::kHead ? "LEFT" : "RIGHT"; };
      ctx.propagate_as({"LMOVE", std::string(ctx.arg(1)), std::string(ctx.arg(2)), side(from), side(to)});
    }
    return list_move(ctx, ctx.arg(1), ctx.arg(2), from, to);
  }
  ctx.block({std::string(ctx.arg(1))}, deadline, ValueType::kList, TimeoutReply::kNullBulk);
}

// BLMOVE source destination <LEFT | RIGHT> <LEFT | RIGHT> timeout
void blmove(CommandContext& ctx) {
  ListValue::End from, to;
  if (!end_or_reply(ctx, ctx.arg(3), from) || !end_or_reply(ctx, ctx.arg(4), to)) return;
  blocking_move(ctx, from, to, ctx.arg(5));
}

// BRPOPLPUSH source destination timeout
void brpoplpush(CommandContext& ctx) {
  blocking_move(ctx, ListValue::End::kTail, ListValue::End::kHead, ctx.arg(3));
}

// BLMPOP timeout numkeys key [key ...] <LEFT | RIGHT> [COUNT count]
void blmpop(CommandContext& ctx) {
  int64_t deadline;
  if (!core::block_deadline_or_reply(ctx, ctx.arg(1), TimeoutUnit::kSeconds, deadline)) return;
  MpopArgs args;
  if (!mpop_args_or_reply(ctx, 2, args)) return;
  if (ctx.replicating()) {
    std::vector<std::string> lmpop{"LMPOP"};
    for (size_t i = 2; i < ctx.argc(); ++i) lmpop.emplace_back(ctx.arg(i));
    ctx.propagate_as(std::move(lmpop));  // sent only if something was popped
  }
  if (list_mpop(ctx, args) == MpopResult::kReplied) return;
  ctx.block(keys_between(ctx, args.first_key, args.end_of_keys), deadline, ValueType::kList,
            TimeoutReply::kNullArray);
}

}  // namespace

void register_list_blocking_commands(core::CommandTable& t) {
  using namespace core;
  // Summaries and complexities are Redis 7.0.15's COMMAND DOCS texts.
  t.add({"blpop", -3, kWrite | kNoscript | kBlocking, KeySpec{1, -2, 1, 0, "RW access delete"}, blpop, "list",
         "Remove and get the first element in a list, or block until one is available", "2.0.0",
         "O(N) where N is the number of provided keys.", "key [key ...] timeout:double"});
  t.add({"brpop", -3, kWrite | kNoscript | kBlocking, KeySpec{1, -2, 1, 0, "RW access delete"}, brpop, "list",
         "Remove and get the last element in a list, or block until one is available", "2.0.0",
         "O(N) where N is the number of provided keys.", "key [key ...] timeout:double"});
  t.add({"blmove", 6, kWrite | kDenyOom | kNoscript | kBlocking,
         KeySpec{1, 2, 1, 0, "RW access delete", {}, "RW insert"}, blmove, "list",
         "Pop an element from a list, push it to another list and return it; or block until one is available",
         "6.2.0", "O(1)", "source:key destination:key (LEFT | RIGHT) (LEFT | RIGHT) timeout:double"});
  t.add({"brpoplpush", 4, kWrite | kDenyOom | kNoscript | kBlocking,
         KeySpec{1, 2, 1, 0, "RW access delete", {}, "RW insert"}, brpoplpush, "list",
         "Pop an element from a list, push it to another list and return it; or block until one is available",
         "2.2.0", "O(1)", "source:key destination:key timeout:double"});
  t.add({"blmpop", -5, kWrite | kBlocking, KeySpec{0, 0, 0, 2}, blmpop, "list",
         "Pop elements from a list, or block until one is available", "7.0.0",
         "O(N+M) where N is the number of provided keys and M is the number of elements returned.",
         "timeout:double numkeys:integer key [key ...] (LEFT | RIGHT) [COUNT count:integer]"});
}

}  // namespace arbor::commands
