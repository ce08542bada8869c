// ZRANGE (BYSCORE | BYLEX, REV, LIMIT, WITHSCORES) with its legacy forms
// ZRANGEBYSCORE, ZREVRANGEBYSCORE, ZRANGEBYLEX, ZREVRANGEBYLEX, ZREVRANGE and
// ZRANGESTORE, plus ZCOUNT, ZLEXCOUNT and ZREMRANGEBYRANK/SCORE/LEX. The
// option parsing and its error order follow Redis 7.0's zrangeGenericCommand.
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "protocol/errors.h"
#include "server/commands/zset_common.h"

namespace arbor::commands {
namespace {

using core::CommandContext;
using core::equals_ci;
using keyspace::Entry;
using keyspace::ZsetValue;
namespace errors = protocol::errors;

enum class By : uint8_t { kAuto, kRank, kScore, kLex };
enum class Dir : uint8_t { kAuto, kForward, kReverse };

// Where a range's elements go: the reply, or a new zset (ZRANGESTORE).
class RangeSink {
 public:
  RangeSink(CommandContext& ctx, bool store, bool with_scores)
      : ctx_(ctx), with_scores_(with_scores) {
    if (store)
      result_ = std::make_unique<ZsetValue>();
    else
      mark_ = begin_range(ctx);
  }
  // ZRANGESTORE of a rank range sizes its result up front, as Redis's
  // zsetTypeCreate(length): past 128 it starts as a skiplist (and so keeps
  // -0 scores); score and lex ranges start as a listpack.
  void expect(size_t count) {
    if (result_ && count > ZsetValue::max_compact_entries()) result_->make_large();
  }
  void add(std::string_view member, double score) {
    ++count_;
    if (result_)
      result_->set(member, score);
    else
      reply_scored(ctx_, member, score, with_scores_);
  }
  // Replies (or stores under `dst` and replies the count).
  void finish(std::string_view dst) {
    if (!result_) return end_range(ctx_, mark_, count_, with_scores_);
    store_zset_and_reply(ctx_, dst, std::move(result_), "zrangestore");
  }

 private:
  CommandContext& ctx_;
  bool with_scores_;
  size_t mark_ = 0;
  size_t count_ = 0;
  std::unique_ptr<ZsetValue> result_;
};

void rank_range(const ZsetValue& z, int64_t start, int64_t end, bool reverse, RangeSink& sink) {
  const auto len = static_cast<int64_t>(z.size());
  if (start < 0) start += len;
  if (end < 0) end += len;
  if (start < 0) start = 0;
  if (start > end || start >= len) return;
  if (end >= len) end = len - 1;
  int64_t left = end - start + 1;
  sink.expect(static_cast<size_t>(left));
  const auto first = static_cast<size_t>(reverse ? len - 1 - start : start);
  z.walk(first, reverse, [&](std::string_view m, double s) {
    sink.add(m, s);
    return --left > 0;
  });
}

// Walks from `first` (kNoRank: nothing) skipping `offset`, then up to `limit`
// (negative: no limit) elements while `in_range` holds, as Redis's
// genericZrangebyscoreCommand / genericZrangebylexCommand.
template <typename InRange>
void bounded_walk(const ZsetValue& z, size_t first, bool reverse, int64_t offset, int64_t limit,
                  InRange&& in_range, RangeSink& sink) {
  if (first == kNoRank || offset < 0 || limit == 0) return;
  if (reverse ? static_cast<uint64_t>(offset) > first : static_cast<uint64_t>(offset) >= z.size() - first)
    return;
  const size_t start = reverse ? first - static_cast<size_t>(offset) : first + static_cast<size_t>(offset);
  z.walk(start, reverse, [&](std::string_view m, double s) {
    if (!in_range(m, s)) return false;
    sink.add(m, s);
    return limit < 0 || --limit > 0;
  });
}

// The shared body: `first` is the index of the key (1, or 2 for ZRANGESTORE).
void zrange_generic(CommandContext& ctx, size_t first, bool store, By by, Dir dir) {
  bool with_scores = false;
  int64_t offset = 0, limit = -1;
  for (size_t j = first + 3; j < ctx.argc(); ++j) {
    const std::string_view opt = ctx.arg(j);
    const size_t left = ctx.argc() - j - 1;
    if (!store && equals_ci(opt, "WITHSCORES")) {
      with_scores = true;
    } else if (equals_ci(opt, "LIMIT") && left >= 2) {
      if (!core::int_or_reply(ctx, ctx.arg(j + 1), offset) || !core::int_or_reply(ctx, ctx.arg(j + 2), limit))
        return;
      j += 2;
    } else if (dir == Dir::kAuto && equals_ci(opt, "REV")) {
      dir = Dir::kReverse;
    } else if (by == By::kAuto && equals_ci(opt, "BYLEX")) {
      by = By::kLex;
    } else if (by == By::kAuto && equals_ci(opt, "BYSCORE")) {
      by = By::kScore;
    } else {
      return ctx.reply.error(errors::kSyntax);
    }
  }
  if (by == By::kAuto) by = By::kRank;
  const bool reverse = dir == Dir::kReverse;
  if (limit != -1 && by == By::kRank)
    return ctx.reply.error(
        "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX");
  if (with_scores && by == By::kLex)
    return ctx.reply.error("ERR syntax error, WITHSCORES not supported in combination with BYLEX");
  // REV with BYSCORE/BYLEX takes max first.
  std::string_view min = ctx.arg(first + 1), max = ctx.arg(first + 2);
  if (reverse && by != By::kRank) std::swap(min, max);
  int64_t start = 0, end = 0;
  ScoreRange scores;
  LexRange lex;
  if (by == By::kRank) {
    if (!core::int_or_reply(ctx, min, start) || !core::int_or_reply(ctx, max, end)) return;
  } else if (by == By::kScore) {
    if (!score_range_or_reply(ctx, min, max, scores)) return;
  } else if (!lex_range_or_reply(ctx, min, max, lex)) {
    return;
  }
  Entry* entry;
  if (!zset_or_reply(ctx, ctx.arg(first), entry)) return;
  RangeSink sink(ctx, store, with_scores);
  if (entry != nullptr) {
    const ZsetValue& z = entry->as<ZsetValue>();
    if (by == By::kRank) {
      rank_range(z, start, end, reverse, sink);
    } else if (by == By::kScore) {
      const size_t at = reverse ? last_in_range(z, scores) : first_in_range(z, scores);
      bounded_walk(
          z, at, reverse, offset, limit,
          [&](std::string_view, double s) { return reverse ? scores.above_min(s) : scores.below_max(s); }, sink);
    } else {
      const size_t at = reverse ? last_in_range(z, lex) : first_in_range(z, lex);
      bounded_walk(
          z, at, reverse, offset, limit,
          [&](std::string_view m, double) { return reverse ? lex.above_min(m) : lex.below_max(m); }, sink);
    }
  }
  sink.finish(store ? ctx.arg(1) : std::string_view());
}

// ZRANGE key start stop [BYSCORE | BYLEX] [REV] [LIMIT offset count] [WITHSCORES]
void zrange(CommandContext& ctx) { zrange_generic(ctx, 1, false, By::kAuto, Dir::kAuto); }
// ZRANGESTORE dst src min max [BYSCORE | BYLEX] [REV] [LIMIT offset count]
void zrangestore(CommandContext& ctx) { zrange_generic(ctx, 2, true, By::kAuto, Dir::kAuto); }
// ZREVRANGE key start stop [WITHSCORES]
void zrevrange(CommandContext& ctx) { zrange_generic(ctx, 1, false, By::kRank, Dir::kReverse); }
// ZRANGEBYSCORE key min max [WITHSCORES] [LIMIT offset count]
void zrangebyscore(CommandContext& ctx) { zrange_generic(ctx, 1, false, By::kScore, Dir::kForward); }
// ZREVRANGEBYSCORE key max min [WITHSCORES] [LIMIT offset count]
void zrevrangebyscore(CommandContext& ctx) { zrange_generic(ctx, 1, false, By::kScore, Dir::kReverse); }
// ZRANGEBYLEX key min max [LIMIT offset count]
void zrangebylex(CommandContext& ctx) { zrange_generic(ctx, 1, false, By::kLex, Dir::kForward); }
// ZREVRANGEBYLEX key max min [LIMIT offset count]
void zrevrangebylex(CommandContext& ctx) { zrange_generic(ctx, 1, false, By::kLex, Dir::kReverse); }

// The [first, first + count) ascending ranks of a score or lex range.
std::pair<size_t, size_t> ranks_of(const ZsetValue& z, const ScoreRange& range) {
  const size_t first = first_in_range(z, range);
  if (first == kNoRank) return {0, 0};
  const size_t last = last_in_range(z, range);
  return {first, last == kNoRank || last < first ? 0 : last - first + 1};
}

std::pair<size_t, size_t> ranks_of(const ZsetValue& z, const LexRange& range) {
  const size_t first = first_in_range(z, range);
  if (first == kNoRank) return {0, 0};
  size_t count = 0;
  z.walk(first, false, [&](std::string_view m, double) {
    if (!range.below_max(m)) return false;
    ++count;
    return true;
  });
  return {first, count};
}

// ZCOUNT key min max
void zcount(CommandContext& ctx) {
  ScoreRange range;
  if (!score_range_or_reply(ctx, ctx.arg(2), ctx.arg(3), range)) return;
  Entry* entry;
  if (!zset_or_reply(ctx, ctx.arg(1), entry)) return;
  if (entry == nullptr) return ctx.reply.integer(0);
  ctx.reply.integer(static_cast<int64_t>(ranks_of(entry->as<ZsetValue>(), range).second));
}

// ZLEXCOUNT key min max
void zlexcount(CommandContext& ctx) {
  LexRange range;
  if (!lex_range_or_reply(ctx, ctx.arg(2), ctx.arg(3), range)) return;
  Entry* entry;
  if (!zset_or_reply(ctx, ctx.arg(1), entry)) return;
  if (entry == nullptr) return ctx.reply.integer(0);
  ctx.reply.integer(static_cast<int64_t>(ranks_of(entry->as<ZsetValue>(), range).second));
}

// Removes ranks [first, first + count) of the zset under arg(1), deleting an
// emptied key; replies the count.
void remove_ranks(CommandContext& ctx, Entry* entry, std::pair<size_t, size_t> ranks, std::string_view event) {
  ZsetValue& z = entry->as<ZsetValue>();
  z.erase_ranks(ranks.first, ranks.second);
  if (ranks.second > 0) {
    ctx.mark_dirty(ranks.second);
    ctx.elements_removed(ctx.arg(1), core::kEventZset, event, z.empty());
  }
  ctx.reply.integer(static_cast<int64_t>(ranks.second));
}

// ZREMRANGEBYRANK key start stop
void zremrangebyrank(CommandContext& ctx) {
  int64_t start, end;
  if (!core::int_or_reply(ctx, ctx.arg(2), start) || !core::int_or_reply(ctx, ctx.arg(3), end)) return;
  Entry* entry;
  if (!zset_or_reply(ctx, ctx.arg(1), entry)) return;
  if (entry == nullptr) return ctx.reply.integer(0);
  const auto len = static_cast<int64_t>(entry->as<ZsetValue>().size());
  if (start < 0) start += len;
  if (end < 0) end += len;
  if (start < 0) start = 0;
  if (start > end || start >= len) return ctx.reply.integer(0);
  if (end >= len) end = len - 1;
  remove_ranks(ctx, entry, {static_cast<size_t>(start), static_cast<size_t>(end - start + 1)}, "zremrangebyrank");
}

// ZREMRANGEBYSCORE key min max
void zremrangebyscore(CommandContext& ctx) {
  ScoreRange range;
  if (!score_range_or_reply(ctx, ctx.arg(2), ctx.arg(3), range)) return;
  Entry* entry;
  if (!zset_or_reply(ctx, ctx.arg(1), entry)) return;
  if (entry == nullptr) return ctx.reply.integer(0);
  remove_ranks(ctx, entry, ranks_of(entry->as<ZsetValue>(), range), "zremrangebyscore");
}

// ZREMRANGEBYLEX key min max
void zremrangebylex(CommandContext& ctx) {
  LexRange range;
  if (!lex_range_or_reply(ctx, ctx.arg(2), ctx.arg(3), range)) return;
  Entry* entry;
  if (!zset_or_reply(ctx, ctx.arg(1), entry)) return;
  if (entry == nullptr) return ctx.reply.integer(0);
  remove_ranks(ctx, entry, ranks_of(entry->as<ZsetValue>(), range), "zremrangebylex");
}

}  // namespace

void register_zset_range_commands(core::CommandTable& t) {
  using namespace core;
  const KeySpec one{1, 1, 1};
  constexpr const char* kRangeCost =
      "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements "
      "returned.";
  constexpr const char* kScoreCost =
      "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being "
      "returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider "
      "it O(log(N)).";
  constexpr const char* kRemoveCost =
      "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements "
      "removed by the operation.";
  t.add({"zrange", -4, kReadonly, one, zrange, "sorted-set", "Return a range of members in a sorted set",
         "1.2.0", kRangeCost,
         "key start:string stop:string [BYSCORE | BYLEX] [REV] [LIMIT offset:integer count:integer] "
         "[WITHSCORES]"});
  t.add({"zrangestore", -5, kWrite | kDenyOom, KeySpec{1, 2, 1, 0, "OW update", {}, "RO access"}, zrangestore,
         "sorted-set", "Store a range of members from sorted set into another key", "6.2.0",
         "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements "
         "stored into the destination key.",
         "dst:key src:key min:string max:string [BYSCORE | BYLEX] [REV] [LIMIT offset:integer count:integer]"});
  t.add({"zrevrange", -4, kReadonly, one, zrevrange, "sorted-set",
         "Return a range of members in a sorted set, by index, with scores ordered from high to low", "1.2.0",
         kRangeCost, "key start:integer stop:integer [WITHSCORES]"});
  t.add({"zrangebyscore", -4, kReadonly, one, zrangebyscore, "sorted-set",
         "Return a range of members in a sorted set, by score", "1.0.5", kScoreCost,
         "key min:double max:double [WITHSCORES] [LIMIT offset:integer count:integer]"});
  t.add({"zrevrangebyscore", -4, kReadonly, one, zrevrangebyscore, "sorted-set",
         "Return a range of members in a sorted set, by score, with scores ordered from high to low", "2.2.0",
         kScoreCost, "key max:double min:double [WITHSCORES] [LIMIT offset:integer count:integer]"});
  t.add({"zrangebylex", -4, kReadonly, one, zrangebylex, "sorted-set",
         "Return a range of members in a sorted set, by lexicographical range", "2.8.9", kScoreCost,
         "key min:string max:string [LIMIT offset:integer count:integer]"});
  t.add({"zrevrangebylex", -4, kReadonly, one, zrevrangebylex, "sorted-set",
         "Return a range of members in a sorted set, by lexicographical range, ordered from higher to lower "
         "strings.",
         "2.8.9", kScoreCost, "key max:string min:string [LIMIT offset:integer count:integer]"});
  t.add({"zcount", 4, kReadonly | kFast, one, zcount, "sorted-set",
         "Count the members in a sorted set with scores within the given values", "2.0.0",
         "O(log(N)) with N being the number of elements in the sorted set.", "key min:double max:double"});
  t.add({"zlexcount", 4, kReadonly | kFast, one, zlexcount, "sorted-set",
         "Count the number of members in a sorted set between a given lexicographical range", "2.8.9",
         "O(log(N)) with N being the number of elements in the sorted set.", "key min:string max:string"});
  t.add({"zremrangebyrank", 4, kWrite, KeySpec{1, 1, 1, 0, "RW delete"}, zremrangebyrank, "sorted-set",
         "Remove all members in a sorted set within the given indexes", "2.0.0", kRemoveCost,
         "key start:integer stop:integer"});
  t.add({"zremrangebyscore", 4, kWrite, KeySpec{1, 1, 1, 0, "RW delete"}, zremrangebyscore, "sorted-set",
         "Remove all members in a sorted set within the given scores", "1.2.0", kRemoveCost,
         "key min:double max:double"});
  t.add({"zremrangebylex", 4, kWrite, KeySpec{1, 1, 1, 0, "RW delete"}, zremrangebylex, "sorted-set",
         "Remove all members in a sorted set between the given lexicographical range", "2.8.9", kRemoveCost,
         "key min:string max:string"});
}

}  // namespace arbor::commands
