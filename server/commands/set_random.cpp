// SPOP, SRANDMEMBER and SSCAN: the set commands that pick or walk members
// rather than address them. Reply shapes follow Redis 7.0.15: SPOP with a
// count answers a set (RESP3 '~'), SRANDMEMBER with a count an array.
#include <cctype>
#include <cstdint>
#include <limits>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "protocol/errors.h"
#include "server/commands/collection_scan.h"
#include "server/commands/set_common.h"
#include "server/core/random.h"

namespace arbor::commands {
namespace {

using core::CommandContext;
using core::equals_ci;
using keyspace::Entry;
using keyspace::SetValue;
namespace errors = protocol::errors;

using core::random_u64;

std::vector<std::string> all_members(const SetValue& set) {
  std::vector<std::string> members;
  members.reserve(set.size());
  set.for_each([&](std::string_view m) { members.emplace_back(m); });
  return members;
}

// SPOP key [count]
void spop(CommandContext& ctx) {
  if (ctx.argc() > 3) return ctx.reply.error(errors::kSyntax);
  if (ctx.argc() == 2) {
    Entry* entry;
    if (!set_or_reply(ctx, ctx.arg(1), entry)) return;
    if (entry == nullptr) return ctx.reply.null();
    SetValue& set = entry->as<SetValue>();
    const std::string member = set.random_member(random_u64());
    set.erase(member);
    ctx.mark_dirty();
    if (ctx.replicating()) ctx.propagate_as({"SREM", std::string(ctx.arg(1)), member});
    ctx.reply.bulk(member);
    return ctx.elements_removed(ctx.arg(1), core::kEventSet, "spop", set.empty());
  }
  // Redis parses the count before it looks at the key, and refuses any
  // non-number with the "must be positive" text.
  int64_t count;
  if (!core::int_in_range_or_reply(ctx, ctx.arg(2), 0, std::numeric_limits<int64_t>::max(), count,
                                   errors::kOutOfRangePositive))
    return;
  Entry* entry;
  if (!set_or_reply(ctx, ctx.arg(1), entry)) return;
  if (entry == nullptr || count == 0) return ctx.reply.set(0);
  SetValue& set = entry->as<SetValue>();
  const auto n = static_cast<size_t>(count);
  if (n >= set.size()) {  // the whole set goes
    ctx.reply.set(set.size());
    set.for_each([&](std::string_view m) { ctx.reply.bulk(m); });
    ctx.mark_dirty(set.size());
    if (ctx.replicating()) ctx.propagate_as({"DEL", std::string(ctx.arg(1))});
    ctx.notify(core::kEventSet, "spop", ctx.arg(1));
    ctx.db().erase(ctx.arg(1));
    ctx.notify(core::kEventGeneric, "del", ctx.arg(1));
    return ctx.touch(ctx.arg(1));
  }
  // Each pick is removed at once, so later picks cannot repeat it. Replicas
  // get the picks as SREMs of at most 1024 members, as Redis sends them.
  constexpr size_t kSremBatch = 1024;
  const bool replicating = ctx.replicating();
  std::vector<std::string> srem;
  ctx.reply.set(n);
  for (size_t i = 0; i < n; ++i) {
    std::string member = set.random_member(random_u64());
    set.erase(member);
    ctx.reply.bulk(member);
    if (!replicating) continue;
    if (srem.empty()) srem = {"SREM", std::string(ctx.arg(1))};
    srem.push_back(std::move(member));
    if (srem.size() == kSremBatch + 2) ctx.propagate_as(std::exchange(srem, {}));
  }
  if (!srem.empty()) ctx.propagate_as(std::move(srem));
  ctx.mark_dirty(n);
  ctx.elements_removed(ctx.arg(1), core::kEventSet, "spop", set.empty());
}

void srandmember_count(CommandContext& ctx, int64_t count) {
  Entry* entry;
  if (!set_or_reply(ctx, ctx.arg(1), entry)) return;
  if (entry == nullptr || count == 0) return ctx.reply.array(0);
  if (!core::random_count_or_reply(ctx, count)) return;
  const SetValue& set = entry->as<SetValue>();
  if (count < 0) {
    // Repeats allowed: every pick is independent.
    const auto n = static_cast<size_t>(-count);
    ctx.reply.array(n);
    for (size_t i = 0; i < n; ++i) ctx.reply.bulk(set.random_member(random_u64()));
    return;
  }
  const auto n = static_cast<size_t>(count);
  if (n >= set.size()) {
    ctx.reply.array(set.size());
    set.for_each([&](std::string_view m) { ctx.reply.bulk(m); });
    return;
  }
  ctx.reply.array(n);
  if (set.compact() || n * 3 > set.size()) {
    // A large share: a partial shuffle of all members beats rejection sampling.
    auto members = all_members(set);
    for (size_t i = 0; i < n; ++i) {
      std::swap(members[i], members[i + random_u64() % (members.size() - i)]);
      ctx.reply.bulk(members[i]);
    }
    return;
  }
  // A small share of a big set: sample, skipping members already given.
  std::unordered_set<std::string> seen;
  while (seen.size() < n) {
    std::string member = set.random_member(random_u64());
    if (seen.insert(member).second) ctx.reply.bulk(member);
  }
}

// SRANDMEMBER key [count]
void srandmember(CommandContext& ctx) {
  if (ctx.argc() > 3) return ctx.reply.error(errors::kSyntax);
  if (ctx.argc() == 3) {
    int64_t count;
    if (!core::int_or_reply(ctx, ctx.arg(2), count)) return;
    if (count == std::numeric_limits<int64_t>::min())
      return ctx.reply.error("ERR value is out of range, value must between -9223372036854775807 and "
                             "9223372036854775807");
    return srandmember_count(ctx, count);
  }
  Entry* entry;
  if (!set_or_reply(ctx, ctx.arg(1), entry)) return;
  if (entry == nullptr) return ctx.reply.null();
  ctx.reply.bulk(entry->as<SetValue>().random_member(random_u64()));
}

// SSCAN key cursor [MATCH pattern] [COUNT count]
void sscan(CommandContext& ctx) {
  collection_scan<SetValue>(ctx, keyspace::ValueType::kSet, false, [](const SetValue& set, uint64_t cursor, auto& keep) {
    return set.scan(cursor, [&](std::string_view m) { keep(m, {}); });
  });
}

}  // namespace

void register_set_random_commands(core::CommandTable& t) {
  using namespace core;
  const KeySpec one{1, 1, 1};
  t.add({"spop", -2, kWrite | kFast | kRandom, KeySpec{1, 1, 1, 0, "RW access delete"}, spop, "set",
         "Remove and return one or multiple random members from a set", "1.0.0",
         "Without the count argument O(1), otherwise O(N) where N is the value of the passed count.",
         "key [count:integer]"});
  t.add({"srandmember", -2, kReadonly | kRandom, one, srandmember, "set",
         "Get one or multiple random members from a set", "1.0.0",
         "Without the count argument O(1), otherwise O(N) where N is the absolute value of the passed count.",
         "key [count:integer]"});
  t.add({"sscan", -3, kReadonly | kRandom, one, sscan, "set", "Incrementally iterate Set elements", "2.8.0",
         "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to "
         "return back to 0. N is the number of elements inside the collection..",
         "key cursor:integer [MATCH pattern:pattern] [COUNT count:integer]"});
}

}  // namespace arbor::commands
