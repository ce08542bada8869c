// ZUNION, ZINTER, ZDIFF (WEIGHTS, AGGREGATE, WITHSCORES), their *STORE forms
// and ZINTERCARD. Sources may be zsets or plain sets (members scored 1), as
// in Redis; every source's type is checked before the options are parsed.
// Inputs are taken smallest first (stable), as Redis's qsort by cardinality,
// so floating-point sums add up in the same order.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "protocol/errors.h"
#include "server/commands/zset_common.h"
#include "server/keyspace/set_value.h"

namespace arbor::commands {
namespace {

using core::CommandContext;
using core::equals_ci;
using keyspace::Entry;
using keyspace::SetValue;
using keyspace::ZsetValue;
namespace errors = protocol::errors;

enum class Op : uint8_t { kUnion, kInter, kDiff };
enum class Aggregate : uint8_t { kSum, kMin, kMax };

struct Source {
  const ZsetValue* zset = nullptr;
  const SetValue* set = nullptr;
  double weight = 1;

  size_t size() const { return zset ? zset->size() : set ? set->size() : 0; }
  const void* identity() const { return zset ? static_cast<const void*>(zset) : set; }
  std::optional<double> find(std::string_view member) const {
    if (zset) return zset->score(member);
    if (set && set->contains(member)) return 1.0;
    return std::nullopt;
  }
  template <typename Visit>
  void for_each(Visit&& visit) const {
    if (zset && !zset->empty())
      zset->walk(0, false, [&](std::string_view m, double s) {
        visit(m, s);
        return true;
      });
    else if (set)
      set->for_each([&](std::string_view m) { visit(m, 1.0); });
  }
};

void aggregate(double& target, double value, Aggregate how) {
  switch (how) {
    case Aggregate::kSum:
      target += value;
      if (std::isnan(target)) target = 0;  // inf + -inf, as Redis
      break;
    case Aggregate::kMin: target = value < target ? value : target; break;
    case Aggregate::kMax: target = value > target ? value : target; break;
  }
}

double weighted(double score, double weight) {
  const double v = score * weight;
  return std::isnan(v) ? 0 : v;
}

struct Parsed {
  std::vector<Source> sources;
  Aggregate how = Aggregate::kSum;
  bool with_scores = false;
  int64_t limit = 0;
};

// numkeys at `numkeys_at`, then the keys, then the options the command allows.
bool parse_or_reply(CommandContext& ctx, size_t numkeys_at, Op op, bool store, bool card_only, Parsed& p) {
  int64_t numkeys;
  if (!core::int_or_reply(ctx, ctx.arg(numkeys_at), numkeys)) return false;
  if (numkeys < 1) {
    std::string message = "ERR at least 1 input key is needed for '";
    message.append(ctx.command.fullname);
    message.append("' command");
    ctx.reply.error(message);
    return false;
  }
  if (static_cast<uint64_t>(numkeys) > ctx.argc() - numkeys_at - 1) {
    ctx.reply.error(errors::kSyntax);
    return false;
  }
  size_t j = numkeys_at + 1;
  for (int64_t i = 0; i < numkeys; ++i, ++j) {
    Entry* entry = ctx.db().find(ctx.arg(j), ctx.now_ms());
    ctx.count_lookup(ctx.arg(j), entry != nullptr);
    Source src;
    if (entry != nullptr) {
      if (entry->type() == keyspace::ValueType::kZset)
        src.zset = &entry->as<ZsetValue>();
      else if (entry->type() == keyspace::ValueType::kSet)
        src.set = &entry->as<SetValue>();
      else {
        ctx.reply.error(errors::kWrongType);
        return false;
      }
    }
    p.sources.push_back(src);
  }
  const size_t n = p.sources.size();
  while (j < ctx.argc()) {
    const std::string_view opt = ctx.arg(j);
    const size_t remaining = ctx.argc() - j;
    if (op != Op::kDiff && !card_only && remaining >= n + 1 && equals_ci(opt, "WEIGHTS")) {
      ++j;
      for (size_t i = 0; i < n; ++i, ++j)
        if (!core::double_or_reply(ctx, ctx.arg(j), p.sources[i].weight, "ERR weight value is not a float"))
          return false;
    } else if (op != Op::kDiff && !card_only && remaining >= 2 && equals_ci(opt, "AGGREGATE")) {
      const std::string_view how = ctx.arg(j + 1);
      if (equals_ci(how, "SUM"))
        p.how = Aggregate::kSum;
      else if (equals_ci(how, "MIN"))
        p.how = Aggregate::kMin;
      else if (equals_ci(how, "MAX"))
        p.how = Aggregate::kMax;
      else {
        ctx.reply.error(errors::kSyntax);
        return false;
      }
      j += 2;
    } else if (!store && !card_only && equals_ci(opt, "WITHSCORES")) {
      p.with_scores = true;
      ++j;
    } else if (card_only && remaining >= 2 && equals_ci(opt, "LIMIT")) {
      if (!core::int_in_range_or_reply(ctx, ctx.arg(j + 1), 0, std::numeric_limits<int64_t>::max(), p.limit,
                                       "ERR LIMIT can't be negative"))
        return false;
      j += 2;
    } else {
      ctx.reply.error(errors::kSyntax);
      return false;
    }
  }
  return true;
}

// Visits (member, score) of the intersection, stopping after `limit` (0 =
// none). Sources must be sorted smallest first.
template <typename Visit>
void for_each_common(const std::vector<Source>& src, Aggregate how, size_t limit, Visit&& visit) {
  if (src.front().size() == 0) return;
  size_t found = 0;
  bool stop = false;
  // A key named twice is compared without looking it up again inside itself.
  std::vector<std::pair<std::string, double>> first;
  first.reserve(src.front().size());
  src.front().for_each([&](std::string_view m, double s) { first.emplace_back(m, s); });
  for (const auto& [member, raw] : first) {
    if (stop) break;
    double score = weighted(raw, src[0].weight);
    size_t j = 1;
    for (; j < src.size(); ++j) {
      std::optional<double> value;
      if (src[j].identity() == src[0].identity())
        value = raw;
      else
        value = src[j].find(member);
      if (!value) break;
      aggregate(score, *value * src[j].weight, how);
    }
    if (j < src.size()) continue;
    visit(member, score);
    if (limit != 0 && ++found >= limit) stop = true;
  }
}

using Items = std::vector<std::pair<std::string, double>>;

// The result, sorted by (score, member).
Items combine(Op op, std::vector<Source> src, Aggregate how) {
  Items items;
  if (op == Op::kDiff) {
    // X - X is empty; checked first also so that no lookup runs in the table
    // being walked (it could advance that table's rehash).
    for (size_t i = 1; i < src.size(); ++i)
      if (src[i].identity() != nullptr && src[i].identity() == src.front().identity()) return items;
    src.front().for_each([&](std::string_view m, double s) {
      for (size_t i = 1; i < src.size(); ++i)
        if (src[i].find(m)) return;
      items.emplace_back(m, s);
    });
  } else {
    std::stable_sort(src.begin(), src.end(), [](const Source& a, const Source& b) { return a.size() < b.size(); });
    if (op == Op::kInter) {
      for_each_common(src, how, 0, [&](std::string_view m, double s) { items.emplace_back(m, s); });
    } else {
      std::unordered_map<std::string, double> acc;
      for (const Source& s : src)
        s.for_each([&](std::string_view m, double score) {
          const double v = weighted(score, s.weight);
          auto [it, fresh] = acc.try_emplace(std::string(m), v);
          if (!fresh) aggregate(it->second, v, how);
        });
      items.assign(acc.begin(), acc.end());
    }
  }
  std::sort(items.begin(), items.end(), [](const auto& a, const auto& b) {
    return a.second < b.second || (a.second == b.second && a.first < b.first);
  });
  return items;
}

// Redis builds the result as a skiplist and moves it to a listpack only when
// it fits (zsetConvertToListpackIfNeeded); a listpack stores -0 as 0, so the
// encoding decides whether a -0 score survives.
std::unique_ptr<ZsetValue> to_value(const Items& items) {
  auto result = std::make_unique<ZsetValue>();
  bool fits = items.size() <= ZsetValue::max_compact_entries();
  for (const auto& item : items) fits = fits && item.first.size() <= ZsetValue::max_compact_length();
  if (!fits) result->make_large();
  for (const auto& [m, s] : items) result->set(m, s);
  return result;
}

// Z{UNION,INTER,DIFF} numkeys key [key ...] [...]: the result as a range.
void reply_combined(CommandContext& ctx, Op op) {
  Parsed p;
  if (!parse_or_reply(ctx, 1, op, false, false, p)) return;
  // Replied from the result itself, never a listpack: -0 scores stay -0.
  const Items result = combine(op, std::move(p.sources), p.how);
  reply_range_header(ctx, result.size(), p.with_scores);
  for (const auto& [m, s] : result) reply_scored(ctx, m, s, p.with_scores);
}

// Z*STORE destination numkeys key [key ...] [...]: replaces destination; an
// empty result deletes it. Replies the result's size.
void store_combined(CommandContext& ctx, Op op) {
  Parsed p;
  if (!parse_or_reply(ctx, 2, op, true, false, p)) return;
  auto result = to_value(combine(op, std::move(p.sources), p.how));
  const std::string_view event =
      op == Op::kUnion ? "zunionstore" : op == Op::kInter ? "zinterstore" : "zdiffstore";
  store_zset_and_reply(ctx, ctx.arg(1), std::move(result), event);
}

// ZUNION numkeys key [key ...] [WEIGHTS weight ...] [AGGREGATE SUM|MIN|MAX] [WITHSCORES]
void zunion(CommandContext& ctx) { reply_combined(ctx, Op::kUnion); }
// ZINTER numkeys key [key ...] [WEIGHTS weight ...] [AGGREGATE SUM|MIN|MAX] [WITHSCORES]
void zinter(CommandContext& ctx) { reply_combined(ctx, Op::kInter); }
// ZDIFF numkeys key [key ...] [WITHSCORES]
void zdiff(CommandContext& ctx) { reply_combined(ctx, Op::kDiff); }
// ZUNIONSTORE destination numkeys key [key ...] [WEIGHTS weight ...] [AGGREGATE SUM|MIN|MAX]
void zunionstore(CommandContext& ctx) { store_combined(ctx, Op::kUnion); }
// ZINTERSTORE destination numkeys key [key ...] [WEIGHTS weight ...] [AGGREGATE SUM|MIN|MAX]
void zinterstore(CommandContext& ctx) { store_combined(ctx, Op::kInter); }
// ZDIFFSTORE destination numkeys key [key ...]
void zdiffstore(CommandContext& ctx) { store_combined(ctx, Op::kDiff); }

// ZINTERCARD numkeys key [key ...] [LIMIT limit]
void zintercard(CommandContext& ctx) {
  Parsed p;
  if (!parse_or_reply(ctx, 1, Op::kInter, false, true, p)) return;
  std::stable_sort(p.sources.begin(), p.sources.end(),
                   [](const Source& a, const Source& b) { return a.size() < b.size(); });
  size_t found = 0;
  for_each_common(p.sources, Aggregate::kSum, static_cast<size_t>(p.limit),
                  [&](std::string_view, double) { ++found; });
  ctx.reply.integer(static_cast<int64_t>(found));
}

}  // namespace

void register_zset_algebra_commands(core::CommandTable& t) {
  using namespace core;
  constexpr const char* kUnionCost =
      "O(N)+O(M*log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of "
      "elements in the resulting sorted set.";
  constexpr const char* kInterCost =
      "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of input "
      "sorted sets and M being the number of elements in the resulting sorted set.";
  constexpr const char* kDiffCost =
      "O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the size "
      "of the first set, and K is the size of the result set.";
  constexpr const char* kCombineSyntax =
      "numkeys:integer key [key ...] [WEIGHTS weight:integer [weight:integer ...]] [AGGREGATE SUM | MIN | MAX] "
      "[WITHSCORES]";
  constexpr const char* kStoreSyntax =
      "destination:key numkeys:integer key [key ...] [WEIGHTS weight:integer [weight:integer ...]] "
      "[AGGREGATE SUM | MIN | MAX]";
  // Keys are counted by numkeys (keynum key specs); the *STORE forms also
  // have their destination's range spec, so their legacy triple is 1 1 1.
  const KeySpec none{0, 0, 0, 1};
  const KeySpec dst{1, 1, 1, 2};
  t.add({"zunion", -3, kReadonly, none, zunion, "sorted-set", "Add multiple sorted sets", "6.2.0", kUnionCost,
         kCombineSyntax});
  t.add({"zinter", -3, kReadonly, none, zinter, "sorted-set", "Intersect multiple sorted sets", "6.2.0",
         kInterCost, kCombineSyntax});
  t.add({"zdiff", -3, kReadonly, none, zdiff, "sorted-set", "Subtract multiple sorted sets", "6.2.0", kDiffCost,
         "numkeys:integer key [key ...] [WITHSCORES]"});
  t.add({"zunionstore", -4, kWrite | kDenyOom, dst, zunionstore, "sorted-set",
         "Add multiple sorted sets and store the resulting sorted set in a new key", "2.0.0",
         "O(N)+O(M log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number "
         "of elements in the resulting sorted set.",
         kStoreSyntax});
  t.add({"zinterstore", -4, kWrite | kDenyOom, dst, zinterstore, "sorted-set",
         "Intersect multiple sorted sets and store the resulting sorted set in a new key", "2.0.0",
         "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of "
         "input sorted sets and M being the number of elements in the resulting sorted set.",
         kStoreSyntax});
  t.add({"zdiffstore", -4, kWrite | kDenyOom, dst, zdiffstore, "sorted-set",
         "Subtract multiple sorted sets and store the resulting sorted set in a new key", "6.2.0",
         "O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the size "
         "of the first set, and K is the size of the result set.",
         "destination:key numkeys:integer key [key ...]"});
  t.add({"zintercard", -3, kReadonly, none, zintercard, "sorted-set",
         "Intersect multiple sorted sets and return the cardinality of the result", "7.0.0",
         "O(N*K) worst case with N being the smallest input sorted set, K being the number of input sorted "
         "sets.",
         "numkeys:integer key [key ...] [LIMIT limit:integer]"});
}

}  // namespace arbor::commands
