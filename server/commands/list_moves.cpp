// List commands that touch several keys: LMOVE, RPOPLPUSH and LMPOP, and the
// helpers their blocking forms (list_blocking.cpp) share.
#include <algorithm>
#include <cstdint>
#include <string>

#include "protocol/errors.h"
#include "server/commands/list_common.h"

namespace arbor::commands {

using core::CommandContext;
using core::equals_ci;
using keyspace::Entry;
using keyspace::ListValue;
namespace errors = protocol::errors;

bool end_or_reply(CommandContext& ctx, std::string_view word, ListValue::End& end) {
  if (equals_ci(word, "LEFT"))
    end = ListValue::End::kHead;
  else if (equals_ci(word, "RIGHT"))
    end = ListValue::End::kTail;
  else {
    ctx.reply.error(errors::kSyntax);
    return false;
  }
  return true;
}

// Pops from `src` and pushes onto `dst`. As Redis, the destination's type is
// checked only when the source exists, and src == dst rotates the list in
// place (it never becomes empty in between).
void list_move(CommandContext& ctx, std::string_view src, std::string_view dst, ListValue::End from,
               ListValue::End to) {
  Entry* source;
  if (!writable_list_or_reply(ctx, src, source)) return;
  if (source == nullptr) return ctx.reply.null();
  Entry* dest;
  if (!writable_list_or_reply(ctx, dst, dest)) return;
  auto& slist = source->as<ListValue>();
  std::string value = slist.pop(from);
  ListValue& dlist = dest != nullptr ? dest->as<ListValue>() : create_list(ctx, dst);
  dlist.push(to, value);
  // As Redis's lmoveGenericCommand: the destination's push event comes
  // first, then the source's pop (and "del" if it emptied).
  ctx.key_changed(dst, core::kEventList, to == ListValue::End::kHead ? "lpush" : "rpush");
  ctx.reply.bulk(value);
  ctx.mark_dirty();
  ctx.elements_removed(src, core::kEventList, pop_event(from), slist.empty());
}

namespace {

// LMOVE source destination <LEFT | RIGHT> <LEFT | RIGHT>
void lmove(CommandContext& ctx) {
  ListValue::End from, to;
  if (!end_or_reply(ctx, ctx.arg(3), from) || !end_or_reply(ctx, ctx.arg(4), to)) return;
  list_move(ctx, ctx.arg(1), ctx.arg(2), from, to);
}

// RPOPLPUSH source destination
void rpoplpush(CommandContext& ctx) {
  list_move(ctx, ctx.arg(1), ctx.arg(2), ListValue::End::kTail, ListValue::End::kHead);
}

}  // namespace

bool mpop_args_or_reply(CommandContext& ctx, size_t numkeys_at, MpopArgs& out) {
  int64_t numkeys;
  if (!core::int_in_range_or_reply(ctx, ctx.arg(numkeys_at), 1, INT64_MAX, numkeys,
                                   "ERR numkeys should be greater than 0"))
    return false;
  // Past the keys must come the direction: fewer arguments is a syntax error.
  if (static_cast<uint64_t>(numkeys) >= ctx.argc() - numkeys_at - 1) {
    ctx.reply.error(errors::kSyntax);
    return false;
  }
  out.first_key = numkeys_at + 1;
  out.end_of_keys = out.first_key + static_cast<size_t>(numkeys);
  if (!end_or_reply(ctx, ctx.arg(out.end_of_keys), out.end)) return false;
  out.count = 1;
  bool has_count = false;
  for (size_t i = out.end_of_keys + 1; i < ctx.argc(); ++i) {
    if (!has_count && equals_ci(ctx.arg(i), "COUNT") && i + 1 < ctx.argc()) {
      if (!core::int_in_range_or_reply(ctx, ctx.arg(++i), 1, INT64_MAX, out.count,
                                       "ERR count should be greater than 0"))
        return false;
      has_count = true;
    } else {
      ctx.reply.error(errors::kSyntax);
      return false;
    }
  }
  return true;
}

MpopResult list_mpop(CommandContext& ctx, const MpopArgs& args) {
  for (size_t k = args.first_key; k < args.end_of_keys; ++k) {
    Entry* entry;
    if (!writable_list_or_reply(ctx, ctx.arg(k), entry)) return MpopResult::kReplied;
    if (entry == nullptr) continue;
    auto& list = entry->as<ListValue>();
    const size_t n = std::min(static_cast<size_t>(args.count), list.size());
    ctx.reply.array(2);
    ctx.reply.bulk(ctx.arg(k));
    ctx.reply.array(n);
    for (size_t i = 0; i < n; ++i) ctx.reply.bulk(list.pop(args.end));
    ctx.mark_dirty(n);
    ctx.elements_removed(ctx.arg(k), core::kEventList, pop_event(args.end), list.empty());
    return MpopResult::kReplied;
  }
  return MpopResult::kAllEmpty;
}

namespace {

// LMPOP numkeys key [key ...] <LEFT | RIGHT> [COUNT count]
void lmpop(CommandContext& ctx) {
  MpopArgs args;
  if (!mpop_args_or_reply(ctx, 1, args)) return;
  if (list_mpop(ctx, args) == MpopResult::kAllEmpty) ctx.reply.null(protocol::NullKind::kArray);
}

}  // namespace

void register_list_move_commands(core::CommandTable& t) {
  using namespace core;
  // Summaries and complexities are Redis 7.0.15's COMMAND DOCS texts.
  t.add({"lmove", 5, kWrite | kDenyOom, KeySpec{1, 2, 1, 0, "RW access delete", {}, "RW insert"}, lmove, "list",
         "Pop an element from a list, push it to another list and return it", "6.2.0", "O(1)",
         "source:key destination:key (LEFT | RIGHT) (LEFT | RIGHT)"});
  t.add({"rpoplpush", 3, kWrite | kDenyOom, KeySpec{1, 2, 1, 0, "RW access delete", {}, "RW insert"}, rpoplpush,
         "list", "Remove the last element in a list, prepend it to another list and return it", "1.2.0", "O(1)",
         "source:key destination:key"});
  // Keys are counted by numkeys (argv[1]): a keynum key spec, legacy 0 0 0.
  t.add({"lmpop", -4, kWrite, KeySpec{0, 0, 0, 1}, lmpop, "list", "Pop elements from a list", "7.0.0",
         "O(N+M) where N is the number of provided keys and M is the number of elements returned.",
         "numkeys:integer key [key ...] (LEFT | RIGHT) [COUNT count:integer]"});
}

}  // namespace arbor::commands
