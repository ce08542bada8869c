// Set commands on members: SADD, SREM, SMEMBERS, SISMEMBER, SMISMEMBER,
// SCARD and SMOVE, over keyspace::SetValue. Random picks and SSCAN live in
// set_random.cpp, intersections/unions/differences in set_algebra.cpp.
#include <cstdint>

#include "protocol/errors.h"
#include "server/commands/set_common.h"

namespace arbor::commands {
namespace {

using core::CommandContext;
using keyspace::Entry;
using keyspace::SetValue;

// SADD key member [member ...]
void sadd(CommandContext& ctx) {
  Entry* entry;
  if (!set_or_reply(ctx, ctx.arg(1), entry)) return;
  SetValue& set = entry != nullptr ? entry->as<SetValue>() : create_set(ctx, ctx.arg(1));
  int64_t added = 0;
  for (size_t i = 2; i < ctx.argc(); ++i) added += set.add(ctx.arg(i)) ? 1 : 0;
  if (added > 0) {
    ctx.key_changed(ctx.arg(1), core::kEventSet, "sadd");
    ctx.mark_dirty(static_cast<uint64_t>(added));
  }
  ctx.reply.integer(added);
}

// SREM key member [member ...]
void srem(CommandContext& ctx) {
  Entry* entry;
  if (!set_or_reply(ctx, ctx.arg(1), entry)) return;
  if (entry == nullptr) return ctx.reply.integer(0);
  SetValue& set = entry->as<SetValue>();
  int64_t removed = 0;
  for (size_t i = 2; i < ctx.argc() && !set.empty(); ++i) removed += set.erase(ctx.arg(i)) ? 1 : 0;
  if (removed > 0) {
    ctx.mark_dirty(static_cast<uint64_t>(removed));
    ctx.elements_removed(ctx.arg(1), core::kEventSet, "srem", set.empty());
  }
  ctx.reply.integer(removed);
}

// SMEMBERS key
void smembers(CommandContext& ctx) {
  Entry* entry;
  if (!set_or_reply(ctx, ctx.arg(1), entry)) return;
  if (entry == nullptr) return ctx.reply.set(0);
  const SetValue& set = entry->as<SetValue>();
  ctx.reply.set(set.size());
  set.for_each([&](std::string_view m) { ctx.reply.bulk(m); });
}

// SISMEMBER key member
void sismember(CommandContext& ctx) {
  Entry* entry;
  if (!set_or_reply(ctx, ctx.arg(1), entry)) return;
  ctx.reply.integer(entry != nullptr && entry->as<SetValue>().contains(ctx.arg(2)) ? 1 : 0);
}

// SMISMEMBER key member [member ...]
void smismember(CommandContext& ctx) {
  Entry* entry;
  if (!set_or_reply(ctx, ctx.arg(1), entry)) return;
  ctx.reply.array(ctx.argc() - 2);
  for (size_t i = 2; i < ctx.argc(); ++i)
    ctx.reply.integer(entry != nullptr && entry->as<SetValue>().contains(ctx.arg(i)) ? 1 : 0);
}

// SCARD key
void scard(CommandContext& ctx) {
  Entry* entry;
  if (!set_or_reply(ctx, ctx.arg(1), entry)) return;
  ctx.reply.integer(entry != nullptr ? static_cast<int64_t>(entry->as<SetValue>().size()) : 0);
}

// SMOVE source destination member
void smove(CommandContext& ctx) {
  const std::string_view src_key = ctx.arg(1);
  const std::string_view dst_key = ctx.arg(2);
  const std::string_view member = ctx.arg(3);
  // Redis answers 0 for a missing source before it looks at the destination's
  // type, so the destination is only checked when the source exists.
  Entry* src;
  if (!set_or_reply(ctx, src_key, src)) return;
  if (src == nullptr) return ctx.reply.integer(0);
  Entry* dst;
  if (!set_or_reply(ctx, dst_key, dst)) return;
  SetValue& from = src->as<SetValue>();
  // Same key: nothing moves; the reply still says whether the member is there.
  if (src == dst) return ctx.reply.integer(from.contains(member) ? 1 : 0);
  if (!from.erase(member)) return ctx.reply.integer(0);
  ctx.notify(core::kEventSet, "srem", src_key);
  if (from.empty()) {
    ctx.db().erase(src_key);
    ctx.notify(core::kEventGeneric, "del", src_key);
  }
  // Looked up again rather than trusting `dst` across the source's deletion.
  if (!set_or_reply(ctx, dst_key, dst)) return;
  SetValue& to = dst != nullptr ? dst->as<SetValue>() : create_set(ctx, dst_key);
  ctx.touch(src_key);
  ctx.mark_dirty();
  // As Redis: the destination changes (and is announced) only when the
  // member was not already there.
  if (to.add(member)) ctx.key_changed(dst_key, core::kEventSet, "sadd");
  ctx.reply.integer(1);
}

}  // namespace
}  // namespace arbor::commands

namespace arbor::core {

void register_set_commands(CommandTable& t) {
  using namespace commands;  // the handlers above
  const KeySpec one{1, 1, 1};
  // Summaries and complexities are Redis 7.0.15's COMMAND DOCS texts.
  t.add({"sadd", -3, kWrite | kDenyOom | kFast, KeySpec{1, 1, 1, 0, "RW insert"}, sadd, "set",
         "Add one or more members to a set", "1.0.0",
         "O(1) for each element added, so O(N) to add N elements when the command is called with multiple "
         "arguments.",
         "key member [member ...]"});
  t.add({"srem", -3, kWrite | kFast, KeySpec{1, 1, 1, 0, "RW delete"}, srem, "set",
         "Remove one or more members from a set", "1.0.0",
         "O(N) where N is the number of members to be removed.", "key member [member ...]"});
  t.add({"smembers", 2, kReadonly, one, smembers, "set", "Get all the members in a set", "1.0.0",
         "O(N) where N is the set cardinality.", "key"});
  t.add({"sismember", 3, kReadonly | kFast, KeySpec{1, 1, 1, 0, "RO"}, sismember, "set",
         "Determine if a given value is a member of a set", "1.0.0", "O(1)", "key member"});
  t.add({"smismember", -3, kReadonly | kFast, one, smismember, "set",
         "Returns the membership associated with the given elements for a set", "6.2.0",
         "O(N) where N is the number of elements being checked for membership", "key member [member ...]"});
  t.add({"scard", 2, kReadonly | kFast, KeySpec{1, 1, 1, 0, "RO"}, scard, "set", "Get the number of members in a set",
         "1.0.0", "O(1)", "key"});
  t.add({"smove", 4, kWrite | kFast, KeySpec{1, 2, 1, 0, "RW access delete", {}, "RW insert"}, smove, "set",
         "Move a member from one set to another", "1.0.0", "O(1)", "source:key destination:key member"});
  register_set_random_commands(t);
  register_set_algebra_commands(t);
}

}  // namespace arbor::core
