// Sorted set commands on members: ZADD, ZINCRBY, ZREM, ZCARD, ZSCORE,
// ZMSCORE, ZRANK, ZREVRANK and the pops ZPOPMIN, ZPOPMAX, ZMPOP, over
// keyspace::ZsetValue; plus the helpers of zset_common.h (range parsing,
// reply shapes, the shared pop). Ranges live in zset_ranges.cpp, unions and
// intersections in zset_algebra.cpp, ZRANDMEMBER/ZSCAN in zset_random_scan.cpp.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <string>
#include <vector>

#include "protocol/errors.h"
#include "server/commands/zset_common.h"

namespace arbor::commands {

using core::CommandContext;
using core::equals_ci;
using keyspace::Entry;
using keyspace::ZsetValue;
namespace errors = protocol::errors;

namespace {

// Redis's zslParseRange: strtod over the whole text (so "", " 1" and "0x10"
// pass, as they do in Redis), NaN refused, an optional leading '('.
bool parse_score_bound(std::string_view text, double& value, bool& exclusive) {
  exclusive = !text.empty() && text[0] == '(';
  if (exclusive) text.remove_prefix(1);
  const std::string copy(text);
  char* end = nullptr;
  value = std::strtod(copy.c_str(), &end);
  return end == copy.c_str() + copy.size() && !std::isnan(value);
}

bool parse_lex_bound(std::string_view text, LexBound& bound) {
  if (text.empty()) return false;
  if (text.size() == 1 && (text[0] == '+' || text[0] == '-')) {
    bound.kind = text[0] == '+' ? LexBound::kPlusInf : LexBound::kMinusInf;
    return true;
  }
  if (text[0] != '[' && text[0] != '(') return false;
  bound.kind = text[0] == '[' ? LexBound::kInclusive : LexBound::kExclusive;
  bound.value = text.substr(1);
  return true;
}

}  // namespace

bool score_range_or_reply(CommandContext& ctx, std::string_view min, std::string_view max, ScoreRange& range) {
  if (!parse_score_bound(min, range.min, range.min_ex) || !parse_score_bound(max, range.max, range.max_ex)) {
    ctx.reply.error("ERR min or max is not a float");
    return false;
  }
  return true;
}

bool lex_range_or_reply(CommandContext& ctx, std::string_view min, std::string_view max, LexRange& range) {
  if (!parse_lex_bound(min, range.min) || !parse_lex_bound(max, range.max)) {
    ctx.reply.error("ERR min or max not valid string range item");
    return false;
  }
  return true;
}

bool LexRange::empty() const {
  if (min.kind == LexBound::kPlusInf || max.kind == LexBound::kMinusInf) return true;
  if (min.kind == LexBound::kMinusInf || max.kind == LexBound::kPlusInf) return false;
  const int cmp = min.value.compare(max.value);
  return cmp > 0 || (cmp == 0 && (min.kind == LexBound::kExclusive || max.kind == LexBound::kExclusive));
}

bool LexRange::above_min(std::string_view m) const {
  switch (min.kind) {
    case LexBound::kMinusInf: return true;
    case LexBound::kPlusInf: return false;
    case LexBound::kInclusive: return m >= min.value;
    case LexBound::kExclusive: return m > min.value;
  }
  return false;
}

bool LexRange::below_max(std::string_view m) const {
  switch (max.kind) {
    case LexBound::kMinusInf: return false;
    case LexBound::kPlusInf: return true;
    case LexBound::kInclusive: return m <= max.value;
    case LexBound::kExclusive: return m < max.value;
  }
  return false;
}

size_t first_in_range(const ZsetValue& z, const ScoreRange& range) {
  if (range.empty()) return kNoRank;
  const size_t r = z.count_below(range.min, range.min_ex);
  return r < z.size() && range.below_max(z.at(r).second) ? r : kNoRank;
}

size_t last_in_range(const ZsetValue& z, const ScoreRange& range) {
  if (range.empty()) return kNoRank;
  const size_t n = z.count_below(range.max, !range.max_ex);
  return n > 0 && range.above_min(z.at(n - 1).second) ? n - 1 : kNoRank;
}

// The lex forms assume equal scores, as Redis's do; like Redis they first
// check the range against the two ends (zslIsInLexRange), then search.
namespace {
bool lex_may_overlap(const ZsetValue& z, const LexRange& range) {
  if (range.empty() || z.empty()) return false;
  return range.above_min(z.at(z.size() - 1).first) && range.below_max(z.at(0).first);
}
}  // namespace

size_t first_in_range(const ZsetValue& z, const LexRange& range) {
  if (!lex_may_overlap(z, range)) return kNoRank;
  const size_t r = z.count_while([&](std::string_view m) { return !range.above_min(m); });
  return r < z.size() && range.below_max(z.at(r).first) ? r : kNoRank;
}

size_t last_in_range(const ZsetValue& z, const LexRange& range) {
  if (!lex_may_overlap(z, range)) return kNoRank;
  if (z.compact()) {
    // A listpack is searched from its tail (zzlLastInLexRange); the skiplist
    // by descent. Both agree on equal scores; mirrored for the other cases.
    size_t rank = z.size();
    z.walk(z.size() - 1, true, [&](std::string_view m, double) {
      --rank;
      return !range.below_max(m);
    });
    return range.below_max(z.at(rank).first) && range.above_min(z.at(rank).first) ? rank : kNoRank;
  }
  const size_t n = z.count_while([&](std::string_view m) { return range.below_max(m); });
  return n > 0 && range.above_min(z.at(n - 1).first) ? n - 1 : kNoRank;
}

// Redis 7.0 nests each (member, score) pair in RESP3 but keeps RESP2 flat, so
// this is the one place zsets look at the protocol version (as hashes do for
// HRANDFIELD): the writer has no "pair" type.
void reply_range_header(CommandContext& ctx, size_t count, bool with_scores) {
  ctx.reply.array(with_scores && ctx.reply.resp() == 2 ? count * 2 : count);
}

void reply_scored(CommandContext& ctx, std::string_view member, double score, bool with_scores) {
  if (with_scores && ctx.reply.resp() > 2) ctx.reply.array(2);
  ctx.reply.bulk(member);
  if (with_scores) ctx.reply.double_value(score);
}

size_t begin_range(CommandContext& ctx) { return ctx.reply.begin_deferred(); }

void end_range(CommandContext& ctx, size_t mark, size_t count, bool with_scores) {
  ctx.reply.end_deferred_array(mark, with_scores && ctx.reply.resp() == 2 ? count * 2 : count);
}

void zset_pop_and_reply(CommandContext& ctx, std::string_view key, Entry* entry, bool max, size_t count,
                        PopReply shape) {
  ZsetValue& z = entry->as<ZsetValue>();
  const size_t n = std::min(count, z.size());
  switch (shape) {
    case PopReply::kFlat: ctx.reply.array(2); break;
    case PopReply::kCounted: reply_range_header(ctx, n, true); break;
    case PopReply::kKeyed:
      ctx.reply.array(2);
      ctx.reply.bulk(key);
      ctx.reply.array(n);
      break;
    case PopReply::kKeyMember:
      ctx.reply.array(3);
      ctx.reply.bulk(key);
      break;
  }
  size_t left = n;
  z.walk(max ? z.size() - 1 : 0, max, [&](std::string_view m, double s) {
    if (shape == PopReply::kCounted) {
      reply_scored(ctx, m, s, true);
    } else {
      if (shape == PopReply::kKeyed) ctx.reply.array(2);
      ctx.reply.bulk(m);
      ctx.reply.double_value(s);
    }
    return --left > 0;
  });
  z.erase_ranks(max ? z.size() - n : 0, n);
  ctx.mark_dirty(n);
  ctx.elements_removed(key, core::kEventZset, max ? "zpopmax" : "zpopmin", z.empty());
}

void store_zset_and_reply(CommandContext& ctx, std::string_view dst, std::unique_ptr<ZsetValue> result,
                          std::string_view event, uint64_t dirty) {
  const size_t size = result->size();
  // Callers build the result first: `dst` may be one of the sources.
  const bool existed = ctx.db().erase(dst);
  if (size > 0) {
    ctx.db().add_object(dst, std::move(result));
    ctx.key_changed(dst, core::kEventZset, event);
    ctx.mark_dirty(dirty);
  } else if (existed) {
    ctx.key_changed(dst, core::kEventGeneric, "del");
    ctx.mark_dirty();
  }
  ctx.reply.integer(static_cast<int64_t>(size));
}

namespace {

// After ZADD/ZINCRBY changed `changes` members of arg(1).
void zadd_changed(CommandContext& ctx, bool incr, int64_t changes) {
  if (changes == 0) return;
  ctx.key_changed(ctx.arg(1), core::kEventZset, incr ? "zincr" : "zadd");
  ctx.mark_dirty(static_cast<uint64_t>(changes));
}

// ZADD key [NX | XX] [GT | LT] [CH] [INCR] score member [score member ...]
// (ZINCRBY key increment member is ZADD ... INCR, as in Redis).
void zadd_generic(CommandContext& ctx, bool incr) {
  bool nx = false, xx = false, gt = false, lt = false, ch = false;
  size_t at = 2;
  for (; at < ctx.argc(); ++at) {
    const std::string_view opt = ctx.arg(at);
    if (equals_ci(opt, "NX")) nx = true;
    else if (equals_ci(opt, "XX")) xx = true;
    else if (equals_ci(opt, "GT")) gt = true;
    else if (equals_ci(opt, "LT")) lt = true;
    else if (equals_ci(opt, "CH")) ch = true;
    else if (equals_ci(opt, "INCR")) incr = true;
    else break;
  }
  const size_t args = ctx.argc() - at;
  if (args == 0 || args % 2 != 0) return ctx.reply.error(errors::kSyntax);
  if (nx && xx) return ctx.reply.error("ERR XX and NX options at the same time are not compatible");
  if ((gt && nx) || (lt && nx) || (gt && lt))
    return ctx.reply.error("ERR GT, LT, and/or NX options at the same time are not compatible");
  if (incr && args > 2) return ctx.reply.error("ERR INCR option supports a single increment-element pair");
  std::vector<double> scores(args / 2);
  for (size_t i = 0; i < scores.size(); ++i)
    if (!core::double_or_reply(ctx, ctx.arg(at + 2 * i), scores[i])) return;
  Entry* entry;
  if (!zset_or_reply(ctx, ctx.arg(1), entry)) return;
  int64_t added = 0, updated = 0, processed = 0;
  double last_score = 0;
  if (entry != nullptr || !xx) {
    ZsetValue& z = entry != nullptr ? entry->as<ZsetValue>() : create_zset(ctx, ctx.arg(1));
    for (size_t i = 0; i < scores.size(); ++i) {
      const std::string_view member = ctx.arg(at + 2 * i + 1);
      double score = scores[i];
      const auto current = z.score(member);
      if (!current) {
        if (xx) continue;
        z.set(member, score);
        ++added;
      } else {
        if (nx) continue;
        if (incr) {
          score += *current;
          if (std::isnan(score)) {
            // Elements already added stay (and are announced), as in Redis.
            zadd_changed(ctx, incr, added + updated);
            return ctx.reply.error("ERR resulting score is not a number (NaN)");
          }
        }
        if ((lt && score >= *current) || (gt && score <= *current)) continue;
        if (score != *current) {
          z.set(member, score);
          ++updated;
        }
      }
      ++processed;
      last_score = score;
    }
    if (z.empty()) ctx.db().erase(ctx.arg(1));
  }
  zadd_changed(ctx, incr, added + updated);
  if (incr) {
    if (processed > 0) return ctx.reply.double_value(last_score);
    return ctx.reply.null();
  }
  ctx.reply.integer(ch ? added + updated : added);
}

void zadd(CommandContext& ctx) { zadd_generic(ctx, false); }
// ZINCRBY key increment member
void zincrby(CommandContext& ctx) { zadd_generic(ctx, true); }

}  // namespace

void run_zadd(CommandContext& ctx) { zadd(ctx); }

namespace {

// ZREM key member [member ...]
void zrem(CommandContext& ctx) {
  Entry* entry;
  if (!zset_or_reply(ctx, ctx.arg(1), entry)) return;
  if (entry == nullptr) return ctx.reply.integer(0);
  ZsetValue& z = entry->as<ZsetValue>();
  int64_t removed = 0;
  for (size_t i = 2; i < ctx.argc() && !z.empty(); ++i) removed += z.erase(ctx.arg(i)) ? 1 : 0;
  if (removed > 0) {
    ctx.mark_dirty(static_cast<uint64_t>(removed));
    ctx.elements_removed(ctx.arg(1), core::kEventZset, "zrem", z.empty());
  }
  ctx.reply.integer(removed);
}

// ZCARD key
void zcard(CommandContext& ctx) {
  Entry* entry;
  if (!zset_or_reply(ctx, ctx.arg(1), entry)) return;
  ctx.reply.integer(entry != nullptr ? static_cast<int64_t>(entry->as<ZsetValue>().size()) : 0);
}

// ZSCORE key member
void zscore(CommandContext& ctx) {
  Entry* entry;
  if (!zset_or_reply(ctx, ctx.arg(1), entry)) return;
  const auto score = entry != nullptr ? entry->as<ZsetValue>().score(ctx.arg(2)) : std::nullopt;
  if (!score) return ctx.reply.null();
  ctx.reply.double_value(*score);
}

// ZMSCORE key member [member ...]
void zmscore(CommandContext& ctx) {
  Entry* entry;
  if (!zset_or_reply(ctx, ctx.arg(1), entry)) return;
  ctx.reply.array(ctx.argc() - 2);
  for (size_t i = 2; i < ctx.argc(); ++i) {
    const auto score = entry != nullptr ? entry->as<ZsetValue>().score(ctx.arg(i)) : std::nullopt;
    if (score)
      ctx.reply.double_value(*score);
    else
      ctx.reply.null();
  }
}

void rank_generic(CommandContext& ctx, bool reverse) {
  Entry* entry;
  if (!zset_or_reply(ctx, ctx.arg(1), entry)) return;
  if (entry == nullptr) return ctx.reply.null();
  const ZsetValue& z = entry->as<ZsetValue>();
  const auto rank = z.rank(ctx.arg(2));
  if (!rank) return ctx.reply.null();
  ctx.reply.integer(static_cast<int64_t>(reverse ? z.size() - 1 - *rank : *rank));
}

// ZRANK key member
void zrank(CommandContext& ctx) { rank_generic(ctx, false); }
// ZREVRANK key member
void zrevrank(CommandContext& ctx) { rank_generic(ctx, true); }

// ZPOPMIN / ZPOPMAX key [count]
void zpop_generic(CommandContext& ctx, bool max) {
  if (ctx.argc() > 3) return ctx.reply.error(errors::kSyntax);
  int64_t count = 1;
  if (ctx.argc() == 3 &&
      !core::int_in_range_or_reply(ctx, ctx.arg(2), 0, std::numeric_limits<int64_t>::max(), count,
                                   errors::kOutOfRangePositive))
    return;
  Entry* entry;
  if (!zset_or_reply(ctx, ctx.arg(1), entry)) return;
  if (entry == nullptr || count == 0) return ctx.reply.array(0);
  zset_pop_and_reply(ctx, ctx.arg(1), entry, max, static_cast<size_t>(count),
                     ctx.argc() == 3 ? PopReply::kCounted : PopReply::kFlat);
}

void zpopmin(CommandContext& ctx) { zpop_generic(ctx, false); }
void zpopmax(CommandContext& ctx) { zpop_generic(ctx, true); }

// ZMPOP numkeys key [key ...] MIN | MAX [COUNT count]
void zmpop(CommandContext& ctx) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  int64_t numkeys;
  if (!core::int_in_range_or_reply(ctx, ctx.arg(1), 1, kMax, numkeys, "ERR numkeys should be greater than 0"))
    return;
  if (static_cast<uint64_t>(numkeys) >= ctx.argc() - 2) return ctx.reply.error(errors::kSyntax);
  const size_t where = 2 + static_cast<size_t>(numkeys);
  bool max;
  if (equals_ci(ctx.arg(where), "MIN"))
    max = false;
  else if (equals_ci(ctx.arg(where), "MAX"))
    max = true;
  else
    return ctx.reply.error(errors::kSyntax);
  int64_t count = -1;
  for (size_t i = where + 1; i < ctx.argc(); ++i) {
    if (count == -1 && equals_ci(ctx.arg(i), "COUNT") && i + 1 < ctx.argc()) {
      ++i;
      if (!core::int_in_range_or_reply(ctx, ctx.arg(i), 1, kMax, count, "ERR count should be greater than 0"))
        return;
    } else {
      return ctx.reply.error(errors::kSyntax);
    }
  }
  if (count == -1) count = 1;
  for (size_t i = 2; i < where; ++i) {
    Entry* entry;
    if (!zset_or_reply(ctx, ctx.arg(i), entry)) return;
    if (entry != nullptr)
      return zset_pop_and_reply(ctx, ctx.arg(i), entry, max, static_cast<size_t>(count), PopReply::kKeyed);
  }
  ctx.reply.null(protocol::NullKind::kArray);
}

}  // namespace
}  // namespace arbor::commands

namespace arbor::core {

void register_zset_commands(CommandTable& t) {
  using namespace commands;  // the handlers above
  const KeySpec one{1, 1, 1};
  // Summaries and complexities are Redis 7.0.15's COMMAND DOCS texts.
  t.add({"zadd", -4, kWrite | kDenyOom | kFast, one, zadd, "sorted-set",
         "Add one or more members to a sorted set, or update its score if it already exists", "1.2.0",
         "O(log(N)) for each item added, where N is the number of elements in the sorted set.",
         "key [NX | XX] [GT | LT] [CH=change] [INCR] score:double member [score:double member ...]"});
  t.add({"zincrby", 4, kWrite | kDenyOom | kFast, KeySpec{1, 1, 1, 0, "RW access update"}, zincrby, "sorted-set",
         "Increment the score of a member in a sorted set", "1.2.0",
         "O(log(N)) where N is the number of elements in the sorted set.", "key increment:integer member"});
  t.add({"zrem", -3, kWrite | kFast, KeySpec{1, 1, 1, 0, "RW delete"}, zrem, "sorted-set",
         "Remove one or more members from a sorted set", "1.2.0",
         "O(M*log(N)) with N being the number of elements in the sorted set and M the number of elements to "
         "be removed.",
         "key member [member ...]"});
  t.add({"zcard", 2, kReadonly | kFast, KeySpec{1, 1, 1, 0, "RO"}, zcard, "sorted-set",
         "Get the number of members in a sorted set", "1.2.0", "O(1)", "key"});
  t.add({"zscore", 3, kReadonly | kFast, one, zscore, "sorted-set",
         "Get the score associated with the given member in a sorted set", "1.2.0", "O(1)", "key member"});
  t.add({"zmscore", -3, kReadonly | kFast, one, zmscore, "sorted-set",
         "Get the score associated with the given members in a sorted set", "6.2.0",
         "O(N) where N is the number of members being requested.", "key member [member ...]"});
  t.add({"zrank", 3, kReadonly | kFast, one, zrank, "sorted-set",
         "Determine the index of a member in a sorted set", "2.0.0", "O(log(N))", "key member"});
  t.add({"zrevrank", 3, kReadonly | kFast, one, zrevrank, "sorted-set",
         "Determine the index of a member in a sorted set, with scores ordered from high to low", "2.0.0",
         "O(log(N))", "key member"});
  t.add({"zpopmin", -2, kWrite | kFast, KeySpec{1, 1, 1, 0, "RW access delete"}, zpopmin, "sorted-set",
         "Remove and return members with the lowest scores in a sorted set", "5.0.0",
         "O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of "
         "elements popped.",
         "key [count:integer]"});
  t.add({"zpopmax", -2, kWrite | kFast, KeySpec{1, 1, 1, 0, "RW access delete"}, zpopmax, "sorted-set",
         "Remove and return members with the highest scores in a sorted set", "5.0.0",
         "O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of "
         "elements popped.",
         "key [count:integer]"});
  // Keys are counted by numkeys (argv[1]): a keynum key spec, legacy 0 0 0.
  t.add({"zmpop", -4, kWrite, KeySpec{0, 0, 0, 1}, zmpop, "sorted-set",
         "Remove and return members with scores in a sorted set", "7.0.0",
         "O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the "
         "sorted set, and M being the number of elements popped.",
         "numkeys:integer key [key ...] (MIN | MAX) [COUNT count:integer]"});
  register_zset_range_commands(t);
  register_zset_algebra_commands(t);
  register_zset_random_scan_commands(t);
}

}  // namespace arbor::core
