// Helpers shared by the sorted-set command files (zsets.cpp, zset_ranges.cpp,
// zset_algebra.cpp, zset_random_scan.cpp): typed lookup and creation, score
// and lex range parsing, reply shapes, and the pop used by ZPOPMIN/ZPOPMAX/
// ZMPOP (and, for the blocking forms, BZPOPMIN/BZPOPMAX/BZMPOP).
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>

#include "server/core/arguments.h"
#include "server/core/command_context.h"
#include "server/core/command_table.h"
#include "server/keyspace/zset_value.h"

namespace arbor::commands {

// Looks up `key`; WRONGTYPE (false) for a non-zset, nullptr when missing.
inline bool zset_or_reply(core::CommandContext& ctx, std::string_view key, keyspace::Entry*& entry) {
  return core::lookup_typed_or_reply(ctx, key, keyspace::ValueType::kZset, entry);
}

// Adds an empty zset under `key`, which must be absent; the caller fills it
// before returning (empty collections never stay in the keyspace).
inline keyspace::ZsetValue& create_zset(core::CommandContext& ctx, std::string_view key) {
  return ctx.db().add_object(key, std::make_unique<keyspace::ZsetValue>())->as<keyspace::ZsetValue>();
}

// ZADD's handler, for GEOADD, which Redis runs as a ZADD of geohash scores.
void run_zadd(core::CommandContext& ctx);

// A score interval: "1.5", "(1.5" (exclusive), "-inf", "+inf".
struct ScoreRange {
  double min = 0, max = 0;
  bool min_ex = false, max_ex = false;
  bool empty() const { return min > max || (min == max && (min_ex || max_ex)); }
  bool above_min(double s) const { return min_ex ? s > min : s >= min; }
  bool below_max(double s) const { return max_ex ? s < max : s <= max; }
};
// "ERR min or max is not a float" on a bad bound.
bool score_range_or_reply(core::CommandContext& ctx, std::string_view min, std::string_view max,
                          ScoreRange& range);

// A lex interval: "[a" inclusive, "(a" exclusive, "-" and "+" the extremes.
struct LexBound {
  enum Kind : uint8_t { kInclusive, kExclusive, kMinusInf, kPlusInf } kind = kInclusive;
  std::string_view value;
};
struct LexRange {
  LexBound min, max;
  bool empty() const;
  bool above_min(std::string_view m) const;
  bool below_max(std::string_view m) const;
};
// "ERR min or max not valid string range item" on a bad bound.
bool lex_range_or_reply(core::CommandContext& ctx, std::string_view min, std::string_view max, LexRange& range);

// Ascending rank where an ascending walk of `range` starts, or the rank an
// descending walk starts at; npos when nothing can be in range (Redis's
// zslFirstInRange / zslLastInRange and the lex forms).
inline constexpr size_t kNoRank = static_cast<size_t>(-1);
size_t first_in_range(const keyspace::ZsetValue& z, const ScoreRange& range);
size_t last_in_range(const keyspace::ZsetValue& z, const ScoreRange& range);
size_t first_in_range(const keyspace::ZsetValue& z, const LexRange& range);
size_t last_in_range(const keyspace::ZsetValue& z, const LexRange& range);

// Reply shapes of ranges: RESP2 flat [m, s, m, s]; RESP3 with scores an array
// of [member, score] pairs (Redis 7.0), the score as a double.
void reply_range_header(core::CommandContext& ctx, size_t count, bool with_scores);
void reply_scored(core::CommandContext& ctx, std::string_view member, double score, bool with_scores);
// For replies whose length is known only at the end (score/lex ranges).
size_t begin_range(core::CommandContext& ctx);
void end_range(core::CommandContext& ctx, size_t mark, size_t count, bool with_scores);

// The reply shapes of the pop commands.
enum class PopReply : uint8_t {
  kFlat,       // ZPOPMIN/ZPOPMAX without count: [member, score] (both protocols)
  kCounted,    // ZPOPMIN/ZPOPMAX key count: RESP2 flat, RESP3 [[member, score] ...]
  kKeyed,      // ZMPOP/BZMPOP: [key, [[member, score] ...]]
  kKeyMember,  // BZPOPMIN/BZPOPMAX: [key, member, score] (count must be 1)
};
// Pops up to `count` (>= 1) lowest (or highest when `max`) elements from the
// existing, non-empty zset `entry` stored under `key`, writes the reply in
// `shape`, deletes the key when it is emptied and marks the change dirty.
// Shared with the blocking pops: call it once a key is known to be ready.
void zset_pop_and_reply(core::CommandContext& ctx, std::string_view key, keyspace::Entry* entry, bool max,
                        size_t count, PopReply shape);

// The Z*STORE family's ending: `result` replaces `dst` (announced as
// `event`, counted as `dirty` changes); an empty result deletes `dst`
// (announced as "del" if it existed). Replies the result's size.
void store_zset_and_reply(core::CommandContext& ctx, std::string_view dst, std::unique_ptr<keyspace::ZsetValue> result,
                          std::string_view event, uint64_t dirty = 1);

// zsets.cpp: ZADD, ZINCRBY, ZREM, ZCARD, ZSCORE, ZMSCORE, ZRANK, ZREVRANK,
// ZPOPMIN, ZPOPMAX, ZMPOP (registered by register_zset_commands).
// zset_ranges.cpp: ZRANGE and its legacy forms, ZRANGESTORE, ZCOUNT,
// ZLEXCOUNT, ZREMRANGEBY*.
void register_zset_range_commands(core::CommandTable& table);
// zset_algebra.cpp: ZUNION, ZINTER, ZDIFF, their *STORE forms, ZINTERCARD.
void register_zset_algebra_commands(core::CommandTable& table);
// zset_random_scan.cpp: ZRANDMEMBER, ZSCAN.
void register_zset_random_scan_commands(core::CommandTable& table);

}  // namespace arbor::commands
