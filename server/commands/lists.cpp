// List commands that work on one key: pushes, pops, LLEN, LRANGE, LINDEX,
// LSET, LINSERT, LREM, LTRIM and LPOS, over keyspace::ListValue. The
// multi-key moves (LMOVE, RPOPLPUSH, LMPOP) live in list_moves.cpp.
// Argument-check order and error texts follow Redis 7.0.15's t_list.c.
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>

#include "protocol/errors.h"
#include "server/commands/list_common.h"
#include "server/core/arguments.h"
#include "server/core/command_table.h"

namespace arbor::commands {
namespace {

using core::CommandContext;
using core::equals_ci;
using keyspace::Entry;
using keyspace::ListValue;
namespace errors = protocol::errors;

void push_generic(CommandContext& ctx, ListValue::End end, bool only_existing) {
  Entry* entry;
  if (!writable_list_or_reply(ctx, ctx.arg(1), entry)) return;
  if (entry == nullptr && only_existing) return ctx.reply.integer(0);
  ListValue& list = entry != nullptr ? entry->as<ListValue>() : create_list(ctx, ctx.arg(1));
  for (size_t i = 2; i < ctx.argc(); ++i) list.push(end, ctx.arg(i));
  ctx.mark_dirty(ctx.argc() - 2);
  ctx.reply.integer(static_cast<int64_t>(list.size()));
  ctx.key_changed(ctx.arg(1), core::kEventList, end == ListValue::End::kHead ? "lpush" : "rpush");
}

// LPUSH key element [element ...]
void lpush(CommandContext& ctx) { push_generic(ctx, ListValue::End::kHead, false); }
// RPUSH key element [element ...]
void rpush(CommandContext& ctx) { push_generic(ctx, ListValue::End::kTail, false); }
// LPUSHX key element [element ...]
void lpushx(CommandContext& ctx) { push_generic(ctx, ListValue::End::kHead, true); }
// RPUSHX key element [element ...]
void rpushx(CommandContext& ctx) { push_generic(ctx, ListValue::End::kTail, true); }

void pop_generic(CommandContext& ctx, ListValue::End end) {
  if (ctx.argc() > 3) return core::reply_wrong_arity(ctx.reply, ctx.command.fullname);
  const bool has_count = ctx.argc() == 3;
  int64_t count = 1;
  // Redis 7.0 accepts 0 (an empty array for an existing key) and rejects
  // negatives and non-numbers with the same "must be positive" text.
  if (has_count &&
      !core::int_in_range_or_reply(ctx, ctx.arg(2), 0, INT64_MAX, count, errors::kOutOfRangePositive))
    return;
  Entry* entry;
  if (!writable_list_or_reply(ctx, ctx.arg(1), entry)) return;
  if (entry == nullptr)
    return ctx.reply.null(has_count ? protocol::NullKind::kArray : protocol::NullKind::kBulk);
  auto& list = entry->as<ListValue>();
  if (has_count && count == 0) return ctx.reply.array(0);  // Redis's fast exit: nothing changes
  if (!has_count) {
    ctx.reply.bulk(list.pop(end));
    ctx.mark_dirty();
  } else {
    const size_t n = std::min(static_cast<size_t>(count), list.size());
    ctx.reply.array(n);
    for (size_t i = 0; i < n; ++i) ctx.reply.bulk(list.pop(end));
    ctx.mark_dirty(n);
  }
  ctx.elements_removed(ctx.arg(1), core::kEventList, pop_event(end), list.empty());
}

// LPOP key [count]
void lpop(CommandContext& ctx) { pop_generic(ctx, ListValue::End::kHead); }
// RPOP key [count]
void rpop(CommandContext& ctx) { pop_generic(ctx, ListValue::End::kTail); }

// LLEN key
void llen(CommandContext& ctx) {
  Entry* entry;
  if (!list_or_reply(ctx, ctx.arg(1), entry)) return;
  ctx.reply.integer(entry == nullptr ? 0 : static_cast<int64_t>(entry->as<ListValue>().size()));
}

// LRANGE key start stop
void lrange(CommandContext& ctx) {
  int64_t start, stop;
  if (!core::int_or_reply(ctx, ctx.arg(2), start) || !core::int_or_reply(ctx, ctx.arg(3), stop)) return;
  Entry* entry;
  if (!list_or_reply(ctx, ctx.arg(1), entry)) return;
  if (entry == nullptr) return ctx.reply.array(0);
  const auto& list = entry->as<ListValue>();
  size_t from, to;
  if (!clamp_range(start, stop, list.size(), from, to)) return ctx.reply.array(0);
  ctx.reply.array(to - from + 1);
  auto cursor = list.forward(from);
  for (size_t i = from; i <= to; ++i) ctx.reply.bulk(cursor.next());
}

// LTRIM key start stop
void ltrim(CommandContext& ctx) {
  int64_t start, stop;
  if (!core::int_or_reply(ctx, ctx.arg(2), start) || !core::int_or_reply(ctx, ctx.arg(3), stop)) return;
  Entry* entry;
  if (!writable_list_or_reply(ctx, ctx.arg(1), entry)) return;
  if (entry == nullptr) return ctx.reply.ok();
  auto& list = entry->as<ListValue>();
  size_t from, to;
  const size_t len = list.size();
  if (clamp_range(start, stop, len, from, to))
    list.trim(from, len - 1 - to);
  else
    list.trim(len, 0);
  ctx.mark_dirty(len - list.size());
  // Redis announces "ltrim" even when nothing was trimmed.
  ctx.elements_removed(ctx.arg(1), core::kEventList, "ltrim", list.empty());
  ctx.reply.ok();
}

// LINDEX key index
void lindex(CommandContext& ctx) {
  Entry* entry;
  if (!list_or_reply(ctx, ctx.arg(1), entry)) return;
  if (entry == nullptr) return ctx.reply.null();
  int64_t index;
  if (!core::int_or_reply(ctx, ctx.arg(2), index)) return;
  const auto& list = entry->as<ListValue>();
  size_t at;
  if (!normalize_index(index, list.size(), at)) return ctx.reply.null();
  ctx.reply.bulk(list.at(at));
}

// LSET key index element
void lset(CommandContext& ctx) {
  Entry* entry;
  if (!writable_list_or_reply(ctx, ctx.arg(1), entry)) return;
  if (entry == nullptr) return ctx.reply.error(errors::kNoSuchKey);
  int64_t index;
  if (!core::int_or_reply(ctx, ctx.arg(2), index)) return;
  auto& list = entry->as<ListValue>();
  size_t at;
  if (!normalize_index(index, list.size(), at)) return ctx.reply.error("ERR index out of range");
  list.set(at, ctx.arg(3));
  ctx.key_changed(ctx.arg(1), core::kEventList, "lset");
  ctx.mark_dirty();
  ctx.reply.ok();
}

// LINSERT key <BEFORE | AFTER> pivot element
void linsert(CommandContext& ctx) {
  bool after;
  if (equals_ci(ctx.arg(2), "AFTER"))
    after = true;
  else if (equals_ci(ctx.arg(2), "BEFORE"))
    after = false;
  else
    return ctx.reply.error(errors::kSyntax);
  Entry* entry;
  if (!writable_list_or_reply(ctx, ctx.arg(1), entry)) return;
  if (entry == nullptr) return ctx.reply.integer(0);
  auto& list = entry->as<ListValue>();
  size_t index = 0;
  bool found = false;
  for (auto cursor = list.forward(0); !cursor.done(); ++index) {
    if (cursor.next() == ctx.arg(3)) {
      found = true;
      break;
    }
  }
  if (!found) return ctx.reply.integer(-1);
  list.insert(after ? index + 1 : index, ctx.arg(4));
  ctx.key_changed(ctx.arg(1), core::kEventList, "linsert");
  ctx.mark_dirty();
  ctx.reply.integer(static_cast<int64_t>(list.size()));
}

// LREM key count element
void lrem(CommandContext& ctx) {
  int64_t count;
  if (!core::int_or_reply(ctx, ctx.arg(2), count)) return;
  Entry* entry;
  if (!writable_list_or_reply(ctx, ctx.arg(1), entry)) return;
  if (entry == nullptr) return ctx.reply.integer(0);
  auto& list = entry->as<ListValue>();
  const size_t removed = list.remove(ctx.arg(3), count);
  if (removed > 0) {
    ctx.mark_dirty(removed);
    ctx.elements_removed(ctx.arg(1), core::kEventList, "lrem", list.empty());
  }
  ctx.reply.integer(static_cast<int64_t>(removed));
}

// LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]
void lpos(CommandContext& ctx) {
  int64_t rank = 1, count = -1, maxlen = 0;  // count -1: no COUNT given
  for (size_t i = 3; i < ctx.argc(); i += 2) {
    std::string_view opt = ctx.arg(i);
    if (i + 1 >= ctx.argc()) return ctx.reply.error(errors::kSyntax);
    if (equals_ci(opt, "RANK")) {
      if (!core::int_or_reply(ctx, ctx.arg(i + 1), rank)) return;
      if (rank == 0)
        return ctx.reply.error(
            "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use "
            "negative to start from the end of the list");
    } else if (equals_ci(opt, "COUNT")) {
      // Redis's getPositiveLongFromObjectOrReply gives its message for a
      // non-number too: "COUNT abc" is "COUNT can't be negative".
      if (!core::int_or_reply(ctx, ctx.arg(i + 1), count, "ERR COUNT can't be negative")) return;
      if (count < 0) return ctx.reply.error("ERR COUNT can't be negative");
    } else if (equals_ci(opt, "MAXLEN")) {
      if (!core::int_or_reply(ctx, ctx.arg(i + 1), maxlen, "ERR MAXLEN can't be negative")) return;
      if (maxlen < 0) return ctx.reply.error("ERR MAXLEN can't be negative");
    } else {
      return ctx.reply.error(errors::kSyntax);
    }
  }
  Entry* entry;
  if (!list_or_reply(ctx, ctx.arg(1), entry)) return;
  const bool has_count = count >= 0;
  if (entry == nullptr) return has_count ? ctx.reply.array(0) : ctx.reply.null();
  const auto& list = entry->as<ListValue>();
  const bool from_tail = rank < 0;
  // Redis negates a negative rank; LONG_MIN stays negative there, which makes
  // every match qualify: the same as rank 1 from the tail.
  const uint64_t skip = rank == INT64_MIN ? 0 : static_cast<uint64_t>(from_tail ? -rank : rank) - 1;
  const size_t limit = maxlen == 0 ? list.size() : std::min<size_t>(static_cast<size_t>(maxlen), list.size());
  auto cursor = from_tail ? list.reverse(list.size() - 1) : list.forward(0);
  uint64_t matches = 0;
  int64_t wanted = has_count ? count : 1;
  size_t mark = has_count ? ctx.reply.begin_deferred() : 0;
  size_t emitted = 0;
  for (size_t seen = 0; seen < limit; ++seen) {
    if (cursor.next() != ctx.arg(2)) continue;
    if (matches++ < skip) continue;
    const size_t index = from_tail ? list.size() - 1 - seen : seen;
    ctx.reply.integer(static_cast<int64_t>(index));
    ++emitted;
    if (wanted != 0 && static_cast<int64_t>(emitted) >= wanted) break;
  }
  if (has_count)
    ctx.reply.end_deferred_array(mark, emitted);
  else if (emitted == 0)
    ctx.reply.null();
}

}  // namespace
}  // namespace arbor::commands

namespace arbor::core {

void register_list_commands(CommandTable& t) {
  using namespace arbor::commands;
  constexpr uint32_t kW = kWrite, kR = kReadonly, kD = kDenyOom, kF = kFast;
  const KeySpec one{1, 1, 1};
  // Summaries and complexities are Redis 7.0.15's COMMAND DOCS texts.
  constexpr std::string_view kPushCost =
      "O(1) for each element added, so O(N) to add N elements when the command is called with multiple "
      "arguments.";
  constexpr std::string_view kPopCost = "O(N) where N is the number of elements returned";
  t.add({"lpush", -3, kW | kD | kF, KeySpec{1, 1, 1, 0, "RW insert"}, lpush, "list",
         "Prepend one or multiple elements to a list", "1.0.0", kPushCost, "key element [element ...]"});
  t.add({"rpush", -3, kW | kD | kF, KeySpec{1, 1, 1, 0, "RW insert"}, rpush, "list",
         "Append one or multiple elements to a list", "1.0.0", kPushCost, "key element [element ...]"});
  t.add({"lpushx", -3, kW | kD | kF, KeySpec{1, 1, 1, 0, "RW insert"}, lpushx, "list",
         "Prepend an element to a list, only if the list exists", "2.2.0", kPushCost,
         "key element [element ...]"});
  t.add({"rpushx", -3, kW | kD | kF, KeySpec{1, 1, 1, 0, "RW insert"}, rpushx, "list",
         "Append an element to a list, only if the list exists", "2.2.0", kPushCost,
         "key element [element ...]"});
  t.add({"lpop", -2, kW | kF, KeySpec{1, 1, 1, 0, "RW access delete"}, lpop, "list",
         "Remove and get the first elements in a list", "1.0.0", kPopCost, "key [count:integer]"});
  t.add({"rpop", -2, kW | kF, KeySpec{1, 1, 1, 0, "RW access delete"}, rpop, "list",
         "Remove and get the last elements in a list", "1.0.0", kPopCost, "key [count:integer]"});
  t.add({"llen", 2, kR | kF, KeySpec{1, 1, 1, 0, "RO"}, llen, "list", "Get the length of a list", "1.0.0", "O(1)",
         "key"});
  t.add(
      {"lrange", 4, kR, one, lrange, "list", "Get a range of elements from a list", "1.0.0",
       "O(S+N) where S is the distance of start offset from HEAD for small lists, from nearest end (HEAD or "
       "TAIL) for large lists; and N is the number of elements in the specified range.",
       "key start:integer stop:integer"});
  t.add({"ltrim", 4, kW, KeySpec{1, 1, 1, 0, "RW delete"}, ltrim, "list", "Trim a list to the specified range",
         "1.0.0", "O(N) where N is the number of elements to be removed by the operation.",
         "key start:integer stop:integer"});
  t.add({"lindex", 3, kR, one, lindex, "list", "Get an element from a list by its index", "1.0.0",
         "O(N) where N is the number of elements to traverse to get to the element at index. This makes "
         "asking for the first or the last element of the list O(1).",
         "key index:integer"});
  t.add(
      {"lset", 4, kW | kD, one, lset, "list", "Set the value of an element in a list by its index", "1.0.0",
       "O(N) where N is the length of the list. Setting either the first or the last element of the list is "
       "O(1).",
       "key index:integer element"});
  t.add({"linsert", 5, kW | kD, KeySpec{1, 1, 1, 0, "RW insert"}, linsert, "list",
         "Insert an element before or after another element in a list", "2.2.0",
         "O(N) where N is the number of elements to traverse before seeing the value pivot. This means that "
         "inserting somewhere on the left end on the list (head) can be considered O(1) and inserting "
         "somewhere on the right end (tail) is O(N).",
         "key (BEFORE | AFTER) pivot element"});
  t.add({"lrem", 4, kW, KeySpec{1, 1, 1, 0, "RW delete"}, lrem, "list", "Remove elements from a list", "1.0.0",
         "O(N+M) where N is the length of the list and M is the number of elements removed.",
         "key count:integer element"});
  t.add({"lpos", -3, kR, one, lpos, "list", "Return the index of matching elements on a list", "6.0.6",
         "O(N) where N is the number of elements in the list, for the average case. When searching for "
         "elements near the head or the tail of the list, or when the MAXLEN option is provided, the command "
         "may run in constant time.",
         "key element [RANK rank:integer] [COUNT num-matches:integer] [MAXLEN len:integer]"});
  register_list_move_commands(t);
  register_list_blocking_commands(t);
}

}  // namespace arbor::core
