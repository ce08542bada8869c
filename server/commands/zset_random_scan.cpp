// ZRANDMEMBER and ZSCAN: the sorted set commands that pick or walk members
// rather than address them. Reply shapes follow Redis 7.0.15: ZRANDMEMBER
// WITHSCORES in RESP3 is an array of [member, score] pairs; ZSCAN replies
// scores as bulk strings in both protocols.
#include <cstdint>
#include <limits>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "protocol/errors.h"
#include "protocol/number_format.h"
#include "server/commands/collection_scan.h"
#include "server/commands/zset_common.h"
#include "server/core/random.h"

namespace arbor::commands {
namespace {

using core::CommandContext;
using core::random_u64;
using keyspace::Entry;
using keyspace::ZsetValue;
namespace errors = protocol::errors;
using Item = std::pair<std::string_view, double>;

std::vector<Item> all_items(const ZsetValue& z) {
  std::vector<Item> items;
  items.reserve(z.size());
  z.walk(0, false, [&](std::string_view m, double s) {
    items.emplace_back(m, s);
    return true;
  });
  return items;
}

void random_with_count(CommandContext& ctx, int64_t count, bool with_scores) {
  Entry* entry;
  if (!zset_or_reply(ctx, ctx.arg(1), entry)) return;
  if (entry == nullptr || count == 0) return ctx.reply.array(0);
  if (!core::random_count_or_reply(ctx, count)) return;
  const ZsetValue& z = entry->as<ZsetValue>();
  const size_t size = z.size();
  if (count < 0) {
    // Repeats allowed: every pick is independent.
    const auto n = static_cast<size_t>(-count);
    reply_range_header(ctx, n, with_scores);
    if (z.compact()) {  // index the small buffer once instead of per pick
      const auto items = all_items(z);
      for (size_t i = 0; i < n; ++i) {
        const Item& item = items[random_u64() % size];
        reply_scored(ctx, item.first, item.second, with_scores);
      }
    } else {
      for (size_t i = 0; i < n; ++i) {
        const Item item = z.at(random_u64() % size);
        reply_scored(ctx, item.first, item.second, with_scores);
      }
    }
    return;
  }
  const auto n = static_cast<size_t>(count);
  if (n >= size) {  // the whole zset, in order
    reply_range_header(ctx, size, with_scores);
    z.walk(0, false, [&](std::string_view m, double s) {
      reply_scored(ctx, m, s, with_scores);
      return true;
    });
    return;
  }
  reply_range_header(ctx, n, with_scores);
  if (z.compact() || n * 3 > size) {
    // A large share: a partial shuffle of all items beats sampling.
    auto items = all_items(z);
    for (size_t i = 0; i < n; ++i) {
      std::swap(items[i], items[i + random_u64() % (items.size() - i)]);
      reply_scored(ctx, items[i].first, items[i].second, with_scores);
    }
    return;
  }
  // A small share of a big zset: sample ranks, skipping those already given.
  std::unordered_set<size_t> seen;
  while (seen.size() < n) {
    const size_t rank = random_u64() % size;
    if (!seen.insert(rank).second) continue;
    const Item item = z.at(rank);
    reply_scored(ctx, item.first, item.second, with_scores);
  }
}

// ZRANDMEMBER key [count [WITHSCORES]]
void zrandmember(CommandContext& ctx) {
  if (ctx.argc() >= 3) {
    // Redis's order: the count's errors first, then the syntax.
    int64_t count;
    if (!core::int_or_reply(ctx, ctx.arg(2), count)) return;
    constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
    if (count < -kMax)
      return ctx.reply.error(
          "ERR value is out of range, value must between -9223372036854775807 and "
          "9223372036854775807");
    bool with_scores = false;
    if (ctx.argc() == 4 && core::equals_ci(ctx.arg(3), "WITHSCORES"))
      with_scores = true;
    else if (ctx.argc() >= 4)
      return ctx.reply.error(errors::kSyntax);
    // Redis 7.0.15 refuses counts whose doubled reply length would overflow.
    if (with_scores && (count < -kMax / 2 || count > kMax / 2))
      return ctx.reply.error("ERR value is out of range");
    return random_with_count(ctx, count, with_scores);
  }
  Entry* entry;
  if (!zset_or_reply(ctx, ctx.arg(1), entry)) return;
  if (entry == nullptr) return ctx.reply.null();
  const ZsetValue& z = entry->as<ZsetValue>();
  ctx.reply.bulk(z.at(random_u64() % z.size()).first);
}

// ZSCAN key cursor [MATCH pattern] [COUNT count]
void zscan(CommandContext& ctx) {
  collection_scan<ZsetValue>(ctx, keyspace::ValueType::kZset, true,
                             [](const ZsetValue& z, uint64_t cursor, auto& keep) {
                               return z.scan(cursor, [&](std::string_view m, double s) {
                                 keep(m, protocol::format_double(s));
                               });
                             });
}

}  // namespace

void register_zset_random_scan_commands(core::CommandTable& t) {
  using namespace core;
  const KeySpec one{1, 1, 1};
  t.add({"zrandmember", -2, kReadonly | kRandom, one, zrandmember, "sorted-set",
         "Get one or multiple random elements from a sorted set", "6.2.0",
         "O(N) where N is the number of elements returned", "key [count:integer [WITHSCORES]]"});
  t.add({"zscan", -3, kReadonly | kRandom, one, zscan, "sorted-set",
         "Incrementally iterate sorted sets elements and associated scores", "2.8.0",
         "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor "
         "to return back to 0. N is the number of elements inside the collection..",
         "key cursor:integer [MATCH pattern:pattern] [COUNT count:integer]"});
}

}  // namespace arbor::commands
