// Hash commands on fields: HSET/HSETNX/HMSET, HGET/HMGET, HDEL, HLEN,
// HEXISTS, HSTRLEN, HGETALL/HKEYS/HVALS and the counters HINCRBY and
// HINCRBYFLOAT, over keyspace::HashValue. HRANDFIELD and HSCAN live in
// hash_random_scan.cpp. Error texts and check order follow Redis 7.0.15.
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include "protocol/errors.h"
#include "protocol/number_format.h"
#include "server/commands/hash_common.h"

namespace arbor::commands {
namespace {

using core::CommandContext;
using keyspace::Entry;
using keyspace::HashValue;
namespace errors = protocol::errors;

// Shared by HSET (replies the number of new fields) and HMSET (+OK).
void set_pairs(CommandContext& ctx, bool reply_ok) {
  if (ctx.argc() % 2 == 1) return core::reply_wrong_arity(ctx.reply, ctx.command.fullname);
  Entry* entry;
  if (!hash_or_reply(ctx, ctx.arg(1), entry)) return;
  HashValue& hash = entry != nullptr ? entry->as<HashValue>() : create_hash(ctx, ctx.arg(1));
  int64_t created = 0;
  for (size_t i = 2; i < ctx.argc(); i += 2) created += hash.set(ctx.arg(i), ctx.arg(i + 1)) ? 1 : 0;
  ctx.mark_dirty((ctx.argc() - 2) / 2);
  // As Redis: "hset" even when every field kept its value.
  ctx.key_changed(ctx.arg(1), core::kEventHash, "hset");
  if (reply_ok) return ctx.reply.ok();
  ctx.reply.integer(created);
}

// HSET key field value [field value ...]
void hset(CommandContext& ctx) { set_pairs(ctx, false); }
// HMSET key field value [field value ...]
void hmset(CommandContext& ctx) { set_pairs(ctx, true); }

// HSETNX key field value
void hsetnx(CommandContext& ctx) {
  Entry* entry;
  if (!hash_or_reply(ctx, ctx.arg(1), entry)) return;
  if (entry != nullptr && entry->as<HashValue>().get(ctx.arg(2))) return ctx.reply.integer(0);
  HashValue& hash = entry != nullptr ? entry->as<HashValue>() : create_hash(ctx, ctx.arg(1));
  hash.set(ctx.arg(2), ctx.arg(3));
  ctx.key_changed(ctx.arg(1), core::kEventHash, "hset");
  ctx.mark_dirty();
  ctx.reply.integer(1);
}

// HGET key field
void hget(CommandContext& ctx) {
  Entry* entry;
  if (!hash_or_reply(ctx, ctx.arg(1), entry)) return;
  auto value = entry != nullptr ? entry->as<HashValue>().get(ctx.arg(2)) : std::nullopt;
  if (!value) return ctx.reply.null();
  ctx.reply.bulk(*value);
}

// HMGET key field [field ...]
void hmget(CommandContext& ctx) {
  Entry* entry;
  if (!hash_or_reply(ctx, ctx.arg(1), entry)) return;
  ctx.reply.array(ctx.argc() - 2);
  for (size_t i = 2; i < ctx.argc(); ++i) {
    auto value = entry != nullptr ? entry->as<HashValue>().get(ctx.arg(i)) : std::nullopt;
    if (value)
      ctx.reply.bulk(*value);
    else
      ctx.reply.null();
  }
}

// HDEL key field [field ...]
void hdel(CommandContext& ctx) {
  Entry* entry;
  if (!hash_or_reply(ctx, ctx.arg(1), entry)) return;
  if (entry == nullptr) return ctx.reply.integer(0);
  HashValue& hash = entry->as<HashValue>();
  int64_t removed = 0;
  for (size_t i = 2; i < ctx.argc() && !hash.empty(); ++i) removed += hash.erase(ctx.arg(i)) ? 1 : 0;
  if (removed > 0) {
    const bool emptied = hash.empty();
    if (emptied) ctx.db().erase(ctx.arg(1));
    ctx.key_changed(ctx.arg(1), core::kEventHash, "hdel");
    if (emptied) ctx.notify(core::kEventGeneric, "del", ctx.arg(1));
  }
  ctx.mark_dirty(static_cast<uint64_t>(removed));
  ctx.reply.integer(removed);
}

// HLEN key
void hlen(CommandContext& ctx) {
  Entry* entry;
  if (!hash_or_reply(ctx, ctx.arg(1), entry)) return;
  ctx.reply.integer(entry == nullptr ? 0 : static_cast<int64_t>(entry->as<HashValue>().size()));
}

// HEXISTS key field
void hexists(CommandContext& ctx) {
  Entry* entry;
  if (!hash_or_reply(ctx, ctx.arg(1), entry)) return;
  ctx.reply.integer(entry != nullptr && entry->as<HashValue>().get(ctx.arg(2)) ? 1 : 0);
}

// HSTRLEN key field
void hstrlen(CommandContext& ctx) {
  Entry* entry;
  if (!hash_or_reply(ctx, ctx.arg(1), entry)) return;
  auto value = entry != nullptr ? entry->as<HashValue>().get(ctx.arg(2)) : std::nullopt;
  ctx.reply.integer(value ? static_cast<int64_t>(value->size()) : 0);
}

enum Parts { kFields = 1, kValues = 2, kBoth = 3 };

// HGETALL is a map (flat array in RESP2); HKEYS/HVALS plain arrays.
void get_all(CommandContext& ctx, Parts parts) {
  Entry* entry;
  if (!hash_or_reply(ctx, ctx.arg(1), entry)) return;
  const size_t n = entry == nullptr ? 0 : entry->as<HashValue>().size();
  if (parts == kBoth)
    ctx.reply.map(n);
  else
    ctx.reply.array(n);
  if (entry == nullptr) return;
  entry->as<HashValue>().for_each([&](std::string_view field, std::string_view value) {
    if (parts & kFields) ctx.reply.bulk(field);
    if (parts & kValues) ctx.reply.bulk(value);
  });
}

// HGETALL key
void hgetall(CommandContext& ctx) { get_all(ctx, kBoth); }
// HKEYS key
void hkeys(CommandContext& ctx) { get_all(ctx, kFields); }
// HVALS key
void hvals(CommandContext& ctx) { get_all(ctx, kValues); }

// HINCRBY key field increment
void hincrby(CommandContext& ctx) {
  int64_t incr;
  if (!core::int_or_reply(ctx, ctx.arg(3), incr)) return;
  Entry* entry;
  if (!hash_or_reply(ctx, ctx.arg(1), entry)) return;
  int64_t current = 0;
  if (entry != nullptr) {
    if (auto text = entry->as<HashValue>().get(ctx.arg(2))) {
      auto parsed = protocol::parse_int64(*text);
      if (!parsed) return ctx.reply.error("ERR hash value is not an integer");
      current = *parsed;
    }
  }
  if ((incr < 0 && current < 0 && incr < std::numeric_limits<int64_t>::min() - current) ||
      (incr > 0 && current > 0 && incr > std::numeric_limits<int64_t>::max() - current))
    return ctx.reply.error(errors::kOverflow);
  const int64_t result = current + incr;
  // The key is created only now, so an error above never leaves an empty hash.
  HashValue& hash = entry != nullptr ? entry->as<HashValue>() : create_hash(ctx, ctx.arg(1));
  hash.set(ctx.arg(2), protocol::int64_to_string(result));
  ctx.key_changed(ctx.arg(1), core::kEventHash, "hincrby");
  ctx.mark_dirty();
  ctx.reply.integer(result);
}

// HINCRBYFLOAT key field increment
void hincrbyfloat(CommandContext& ctx) {
  long double incr;
  if (!core::long_double_or_reply(ctx, ctx.arg(3), incr)) return;
  if (std::isnan(incr) || std::isinf(incr)) return ctx.reply.error("ERR value is NaN or Infinity");
  Entry* entry;
  if (!hash_or_reply(ctx, ctx.arg(1), entry)) return;
  long double current = 0;
  if (entry != nullptr) {
    if (auto text = entry->as<HashValue>().get(ctx.arg(2))) {
      auto parsed = protocol::parse_long_double(*text);
      if (!parsed) return ctx.reply.error("ERR hash value is not a float");
      current = *parsed;
    }
  }
  const long double result = current + incr;
  if (std::isnan(result) || std::isinf(result)) return ctx.reply.error(errors::kNanOrInfinity);
  const std::string text = protocol::format_long_double_human(result);
  HashValue& hash = entry != nullptr ? entry->as<HashValue>() : create_hash(ctx, ctx.arg(1));
  hash.set(ctx.arg(2), text);
  ctx.key_changed(ctx.arg(1), core::kEventHash, "hincrbyfloat");
  ctx.mark_dirty();
  if (ctx.replicating()) ctx.propagate_as({"HSET", std::string(ctx.arg(1)), std::string(ctx.arg(2)), text});
  ctx.reply.bulk(text);
}

}  // namespace
}  // namespace arbor::commands

namespace arbor::core {

void register_hash_commands(CommandTable& t) {
  using commands::register_hash_random_scan_commands;
  const KeySpec one{1, 1, 1};
  const uint32_t kW = kWrite, kR = kReadonly, kF = kFast, kD = kDenyOom;
  t.add({"hset", -4, kW | kD | kF, one, commands::hset, "hash",
         "Set the string value of a hash field", "2.0.0",
         "O(1) for each field/value pair added, so O(N) to add N field/value pairs when the command is "
         "called with "
         "multiple field/value pairs.",
         "key field value [field value ...]"});
  t.add({"hsetnx", 4, kW | kD | kF, KeySpec{1, 1, 1, 0, "RW insert"}, commands::hsetnx, "hash",
         "Set the value of a hash field, only if the field does not exist", "2.0.0", "O(1)",
         "key field value"});
  t.add({"hmset", -4, kW | kD | kF, one, commands::hmset, "hash",
         "Set multiple hash fields to multiple values", "2.0.0",
         "O(N) where N is the number of fields being set.", "key field value [field value ...]"});
  t.add({"hget", 3, kR | kF, one, commands::hget, "hash", "Get the value of a hash field", "2.0.0",
         "O(1)", "key field"});
  t.add({"hmget", -3, kR | kF, one, commands::hmget, "hash", "Get the values of all the given hash fields",
         "2.0.0", "O(N) where N is the number of fields being requested.", "key field [field ...]"});
  t.add({"hdel", -3, kW | kF, KeySpec{1, 1, 1, 0, "RW delete"}, commands::hdel, "hash",
         "Delete one or more hash fields",
         "2.0.0", "O(N) where N is the number of fields to be removed.", "key field [field ...]"});
  t.add({"hlen", 2, kR | kF, KeySpec{1, 1, 1, 0, "RO"}, commands::hlen, "hash", "Get the number of fields in a hash",
         "2.0.0", "O(1)", "key"});
  t.add({"hexists", 3, kR | kF, KeySpec{1, 1, 1, 0, "RO"}, commands::hexists, "hash",
         "Determine if a hash field exists", "2.0.0", "O(1)", "key field"});
  t.add({"hstrlen", 3, kR | kF, KeySpec{1, 1, 1, 0, "RO"}, commands::hstrlen, "hash",
         "Get the length of the value of a hash field", "3.2.0", "O(1)", "key field"});
  t.add({"hgetall", 2, kR, one, commands::hgetall, "hash", "Get all the fields and values in a hash",
         "2.0.0", "O(N) where N is the size of the hash.", "key"});
  t.add({"hkeys", 2, kR, one, commands::hkeys, "hash", "Get all the fields in a hash", "2.0.0",
         "O(N) where N is the size of the hash.", "key"});
  t.add({"hvals", 2, kR, one, commands::hvals, "hash", "Get all the values in a hash", "2.0.0",
         "O(N) where N is the size of the hash.", "key"});
  t.add(
      {"hincrby", 4, kW | kD | kF, KeySpec{1, 1, 1, 0, "RW access update"}, commands::hincrby, "hash",
       "Increment the integer value of a hash field by the given number",
       "2.0.0", "O(1)", "key field increment:integer"});
  t.add({"hincrbyfloat", 4, kW | kD | kF, KeySpec{1, 1, 1, 0, "RW access update"}, commands::hincrbyfloat, "hash",
         "Increment the float value of a hash field by the given amount",
         "2.6.0", "O(1)", "key field increment:double"});
  register_hash_random_scan_commands(t);
}

}  // namespace arbor::core
