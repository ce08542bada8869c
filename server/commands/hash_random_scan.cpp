// HRANDFIELD and HSCAN: the hash commands that pick or walk fields rather
// than address them. Reply shapes follow Redis 7.0.15, including HRANDFIELD
// WITHVALUES in RESP3 as an array of [field, value] pairs.
#include <cctype>
#include <cstdint>
#include <limits>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "protocol/errors.h"
#include "server/commands/collection_scan.h"
#include "server/commands/hash_common.h"
#include "server/core/random.h"

namespace arbor::commands {
namespace {

using core::CommandContext;
using core::equals_ci;
using keyspace::Entry;
using keyspace::HashValue;
namespace errors = protocol::errors;
using Pair = std::pair<std::string_view, std::string_view>;

using core::random_u64;

// One picked field. Redis 7.0 makes each WITHVALUES pair its own 2-element
// array in RESP3 but keeps RESP2 flat, so this is the one place hashes look at
// the protocol version: a map would not do, as negative counts repeat fields.
void reply_pair(CommandContext& ctx, const Pair& pair, bool with_values) {
  if (with_values && ctx.reply.resp() > 2) ctx.reply.array(2);
  ctx.reply.bulk(pair.first);
  if (with_values) ctx.reply.bulk(pair.second);
}

void reply_picks_header(CommandContext& ctx, size_t count, bool with_values) {
  ctx.reply.array(with_values && ctx.reply.resp() == 2 ? count * 2 : count);
}

std::vector<Pair> all_pairs(const HashValue& hash) {
  std::vector<Pair> pairs;
  pairs.reserve(hash.size());
  hash.for_each([&](std::string_view f, std::string_view v) { pairs.emplace_back(f, v); });
  return pairs;
}

void random_with_count(CommandContext& ctx, int64_t count, bool with_values) {
  Entry* entry;
  if (!hash_or_reply(ctx, ctx.arg(1), entry)) return;
  if (entry == nullptr || count == 0) return ctx.reply.array(0);
  if (!core::random_count_or_reply(ctx, count)) return;
  const HashValue& hash = entry->as<HashValue>();
  const size_t size = hash.size();
  if (count < 0) {
    // Repeats allowed: every pick is independent.
    const auto n = static_cast<size_t>(-count);
    reply_picks_header(ctx, n, with_values);
    if (hash.compact()) {  // index the small buffer once instead of per pick
      const auto pairs = all_pairs(hash);
      for (size_t i = 0; i < n; ++i) reply_pair(ctx, pairs[random_u64() % pairs.size()], with_values);
    } else {
      for (size_t i = 0; i < n; ++i) reply_pair(ctx, hash.random_pair(random_u64()), with_values);
    }
    return;
  }
  const auto n = static_cast<size_t>(count);
  if (n >= size) {  // the whole hash
    reply_picks_header(ctx, size, with_values);
    hash.for_each([&](std::string_view f, std::string_view v) { reply_pair(ctx, {f, v}, with_values); });
    return;
  }
  reply_picks_header(ctx, n, with_values);
  if (hash.compact() || n * 3 > size) {
    // A large share: a partial shuffle of all pairs is cheaper than sampling.
    auto pairs = all_pairs(hash);
    for (size_t i = 0; i < n; ++i) {
      std::swap(pairs[i], pairs[i + random_u64() % (pairs.size() - i)]);
      reply_pair(ctx, pairs[i], with_values);
    }
    return;
  }
  // A small share of a big hash: sample, skipping fields already given.
  std::unordered_set<std::string_view> seen;
  while (seen.size() < n) {
    const Pair pair = hash.random_pair(random_u64());
    if (seen.insert(pair.first).second) reply_pair(ctx, pair, with_values);
  }
}

// HRANDFIELD key [count [WITHVALUES]]
void hrandfield(CommandContext& ctx) {
  if (ctx.argc() >= 3) {
    // Redis's order: the count's errors first, then the syntax.
    int64_t count;
    if (!core::int_or_reply(ctx, ctx.arg(2), count)) return;
    constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
    if (count < -kMax)
      return ctx.reply.error(
          "ERR value is out of range, value must between -9223372036854775807 and "
          "9223372036854775807");
    bool with_values = false;
    if (ctx.argc() == 4 && equals_ci(ctx.arg(3), "WITHVALUES"))
      with_values = true;
    else if (ctx.argc() >= 4)
      return ctx.reply.error(errors::kSyntax);
    // Redis 7.0.15 refuses counts whose doubled reply length would overflow.
    if (with_values && (count < -kMax / 2 || count > kMax / 2))
      return ctx.reply.error("ERR value is out of range");
    return random_with_count(ctx, count, with_values);
  }
  Entry* entry;
  if (!hash_or_reply(ctx, ctx.arg(1), entry)) return;
  if (entry == nullptr) return ctx.reply.null();
  ctx.reply.bulk(entry->as<HashValue>().random_pair(random_u64()).first);
}

// HSCAN key cursor [MATCH pattern] [COUNT count]
void hscan(CommandContext& ctx) {
  collection_scan<HashValue>(ctx, keyspace::ValueType::kHash, true,
                             [](const HashValue& hash, uint64_t cursor, auto& keep) {
                               return hash.scan(cursor, [&](std::string_view f, std::string_view v) { keep(f, v); });
                             });
}

}  // namespace

void register_hash_random_scan_commands(core::CommandTable& t) {
  using namespace core;
  const KeySpec one{1, 1, 1};
  t.add({"hrandfield", -2, kReadonly | kRandom, one, hrandfield, "hash",
         "Get one or multiple random fields from a hash", "6.2.0",
         "O(N) where N is the number of fields returned", "key [count:integer [WITHVALUES]]"});
  t.add({"hscan", -3, kReadonly | kRandom, one, hscan, "hash",
         "Incrementally iterate hash fields and associated values", "2.8.0",
         "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor "
         "to return back to 0. N is the number of elements inside the collection..",
         "key cursor:integer [MATCH pattern:pattern] [COUNT count:integer]"});
}

}  // namespace arbor::commands
