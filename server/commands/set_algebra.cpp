// SINTER, SINTERCARD, SUNION, SDIFF and SINTERSTORE/SUNIONSTORE/SDIFFSTORE.
// Every source key's type is checked before any work (a missing key is an
// empty set); results are built as a fresh SetValue, so a stored result gets
// the encoding its members call for, as Redis's.
#include <algorithm>
#include <cstdint>
#include <limits>
#include <memory>
#include <vector>

#include "protocol/errors.h"
#include "server/commands/set_common.h"

namespace arbor::commands {
namespace {

using core::CommandContext;
using keyspace::Entry;
using keyspace::SetValue;
namespace errors = protocol::errors;

enum class Op { kInter, kUnion, kDiff };

// The sets named by args [first, last); nullptr for a missing key. False
// after a WRONGTYPE reply.
bool sources_or_reply(CommandContext& ctx, size_t first, size_t last, std::vector<const SetValue*>& sets) {
  sets.clear();
  for (size_t i = first; i < last; ++i) {
    Entry* entry;
    if (!set_or_reply(ctx, ctx.arg(i), entry)) return false;
    sets.push_back(entry != nullptr ? &entry->as<SetValue>() : nullptr);
  }
  return true;
}

// Visits the members common to all sets, smallest set first, stopping early
// once `limit` (0 = none) members were visited. Returns how many were.
template <typename Visit>
size_t for_each_common(std::vector<const SetValue*> sets, size_t limit, Visit&& visit) {
  if (std::find(sets.begin(), sets.end(), nullptr) != sets.end()) return 0;
  // A key named twice is dropped: a lookup in the table being walked may
  // advance its incremental rehash and move entries under the walk.
  std::sort(sets.begin(), sets.end());
  sets.erase(std::unique(sets.begin(), sets.end()), sets.end());
  std::sort(sets.begin(), sets.end(), [](const SetValue* a, const SetValue* b) { return a->size() < b->size(); });
  size_t found = 0;
  sets.front()->for_each_while([&](std::string_view m) {
    for (size_t i = 1; i < sets.size(); ++i)
      if (!sets[i]->contains(m)) return true;
    ++found;
    visit(m);
    return limit == 0 || found < limit;
  });
  return found;
}

// Redis's SDIFF picks its algorithm by estimated work: walking the first set
// and probing the others (size(first) * sets / 2), or copying the first set
// and removing the others' members (total size). The copy takes the first
// set's whole content, so the result keeps the encoding that content needed
// (listpack for a non-integer, hashtable past 512 members) even when what
// remains would fit an intset; the stored encoding shows it, so the choice is
// mirrored.
bool diff_copies_first(const std::vector<const SetValue*>& sets) {
  uint64_t walk_work = 0, copy_work = 0;
  for (const SetValue* set : sets) {
    if (set == nullptr) continue;
    walk_work += sets.front()->size();
    copy_work += set->size();
  }
  return walk_work / 2 > copy_work;
}

std::unique_ptr<SetValue> combine(Op op, const std::vector<const SetValue*>& sets) {
  auto result = std::make_unique<SetValue>();
  switch (op) {
    case Op::kInter:
      for_each_common(sets, 0, [&](std::string_view m) { result->add(m); });
      break;
    case Op::kUnion:
      for (const SetValue* set : sets)
        if (set != nullptr) set->for_each([&](std::string_view m) { result->add(m); });
      break;
    case Op::kDiff:
      // X - X is empty; checked here also so that no lookup ever runs in the
      // table being walked (it could advance that table's rehash).
      if (sets.front() == nullptr || std::find(sets.begin() + 1, sets.end(), sets.front()) != sets.end()) break;
      if (diff_copies_first(sets)) {
        sets.front()->for_each([&](std::string_view m) { result->add(m); });
        for (size_t i = 1; i < sets.size(); ++i)
          if (sets[i] != nullptr) sets[i]->for_each([&](std::string_view m) { result->erase(m); });
        break;
      }
      sets.front()->for_each([&](std::string_view m) {
        for (size_t i = 1; i < sets.size(); ++i)
          if (sets[i] != nullptr && sets[i]->contains(m)) return;
        result->add(m);
      });
      break;
  }
  return result;
}

// SINTER / SUNION / SDIFF key [key ...]: the result as a set reply.
void reply_combined(CommandContext& ctx, Op op) {
  std::vector<const SetValue*> sets;
  if (!sources_or_reply(ctx, 1, ctx.argc(), sets)) return;
  const auto result = combine(op, sets);
  ctx.reply.set(result->size());
  result->for_each([&](std::string_view m) { ctx.reply.bulk(m); });
}

// S*STORE destination key [key ...]: replaces destination (TTL included) with
// the result; an empty result deletes it. Replies the result's size.
// Redis announces a stored result as "sinterstore"/"sunionstore"/
// "sdiffstore"; an empty result that deleted the destination as "del", and
// one that found no destination changes nothing.
void store_combined(CommandContext& ctx, Op op, std::string_view event) {
  std::vector<const SetValue*> sets;
  if (!sources_or_reply(ctx, 2, ctx.argc(), sets)) return;
  auto result = combine(op, sets);
  const size_t size = result->size();
  const std::string_view dst = ctx.arg(1);
  // The result is complete before the destination goes, as it may be a source.
  const bool existed = ctx.db().erase(dst);
  if (size > 0) {
    ctx.db().add_object(dst, std::move(result));
    ctx.key_changed(dst, core::kEventSet, event);
    ctx.mark_dirty();
  } else if (existed) {
    ctx.key_changed(dst, core::kEventGeneric, "del");
    ctx.mark_dirty();
  }
  ctx.reply.integer(static_cast<int64_t>(size));
}

// SINTER key [key ...]
void sinter(CommandContext& ctx) { reply_combined(ctx, Op::kInter); }
// SUNION key [key ...]
void sunion(CommandContext& ctx) { reply_combined(ctx, Op::kUnion); }
// SDIFF key [key ...]
void sdiff(CommandContext& ctx) { reply_combined(ctx, Op::kDiff); }
// SINTERSTORE destination key [key ...]
void sinterstore(CommandContext& ctx) { store_combined(ctx, Op::kInter, "sinterstore"); }
// SUNIONSTORE destination key [key ...]
void sunionstore(CommandContext& ctx) { store_combined(ctx, Op::kUnion, "sunionstore"); }
// SDIFFSTORE destination key [key ...]
void sdiffstore(CommandContext& ctx) { store_combined(ctx, Op::kDiff, "sdiffstore"); }

// SINTERCARD numkeys key [key ...] [LIMIT limit]
void sintercard(CommandContext& ctx) {
  int64_t numkeys;
  if (!core::int_in_range_or_reply(ctx, ctx.arg(1), 1, std::numeric_limits<int64_t>::max(), numkeys,
                                   "ERR numkeys should be greater than 0"))
    return;
  if (static_cast<uint64_t>(numkeys) > ctx.argc() - 2)
    return ctx.reply.error("ERR Number of keys can't be greater than number of args");
  const size_t keys_end = 2 + static_cast<size_t>(numkeys);
  int64_t limit = 0;
  for (size_t i = keys_end; i < ctx.argc(); i += 2) {
    if (core::equals_ci(ctx.arg(i), "LIMIT") && i + 1 < ctx.argc()) {
      if (!core::int_in_range_or_reply(ctx, ctx.arg(i + 1), 0, std::numeric_limits<int64_t>::max(), limit,
                                       "ERR LIMIT can't be negative"))
        return;
    } else {
      return ctx.reply.error(errors::kSyntax);
    }
  }
  std::vector<const SetValue*> sets;
  if (!sources_or_reply(ctx, 2, keys_end, sets)) return;
  const size_t found = for_each_common(sets, static_cast<size_t>(limit), [](std::string_view) {});
  ctx.reply.integer(static_cast<int64_t>(found));
}

}  // namespace

void register_set_algebra_commands(core::CommandTable& t) {
  using namespace core;
  const KeySpec all{1, -1, 1};
  constexpr const char* kInterCost =
      "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.";
  constexpr const char* kTotalCost = "O(N) where N is the total number of elements in all given sets.";
  t.add({"sinter", -2, kReadonly, all, sinter, "set", "Intersect multiple sets", "1.0.0", kInterCost,
         "key [key ...]"});
  // Keys are counted by numkeys (argv[1]): a keynum key spec, legacy 0 0 0.
  t.add({"sintercard", -3, kReadonly, KeySpec{0, 0, 0, 1}, sintercard, "set",
         "Intersect multiple sets and return the cardinality of the result", "7.0.0", kInterCost,
         "numkeys:integer key [key ...] [LIMIT limit:integer]"});
  t.add({"sunion", -2, kReadonly, all, sunion, "set", "Add multiple sets", "1.0.0", kTotalCost, "key [key ...]"});
  t.add({"sdiff", -2, kReadonly, all, sdiff, "set", "Subtract multiple sets", "1.0.0", kTotalCost,
         "key [key ...]"});
  t.add({"sinterstore", -3, kWrite | kDenyOom, KeySpec{1, -1, 1, 0, "RW update", {}, "RO access"}, sinterstore, "set",
         "Intersect multiple sets and store the resulting set in a key", "1.0.0", kInterCost,
         "destination:key key [key ...]"});
  t.add({"sunionstore", -3, kWrite | kDenyOom, KeySpec{1, -1, 1, 0, "OW update", {}, "RO access"}, sunionstore, "set",
         "Add multiple sets and store the resulting set in a key", "1.0.0", kTotalCost,
         "destination:key key [key ...]"});
  t.add({"sdiffstore", -3, kWrite | kDenyOom, KeySpec{1, -1, 1, 0, "OW update", {}, "RO access"}, sdiffstore, "set",
         "Subtract multiple sets and store the resulting set in a key", "1.0.0", kTotalCost,
         "destination:key key [key ...]"});
}

}  // namespace arbor::commands
