// Expiry commands: EXPIRE family with NX|XX|GT|LT, TTL/PTTL, EXPIRETIME and
// PERSIST. Times are absolute unix milliseconds internally.
#include <limits>
#include <string>

#include "protocol/errors.h"
#include "server/core/arguments.h"
#include "server/core/command_table.h"

namespace arbor::commands {
namespace {

using core::CommandContext;
using core::equals_ci;
using keyspace::Entry;

enum ExpireFlag : unsigned { kNx = 1, kXx = 2, kGt = 4, kLt = 8 };

bool expire_flags_or_reply(CommandContext& ctx, unsigned& flags) {
  for (size_t i = 3; i < ctx.argc(); ++i) {
    std::string_view opt = ctx.arg(i);
    if (equals_ci(opt, "NX")) flags |= kNx;
    else if (equals_ci(opt, "XX")) flags |= kXx;
    else if (equals_ci(opt, "GT")) flags |= kGt;
    else if (equals_ci(opt, "LT")) flags |= kLt;
    else {
      ctx.reply.error("ERR Unsupported option " + std::string(opt));
      return false;
    }
  }
  if ((flags & kNx) && (flags & (kXx | kGt | kLt))) {
    ctx.reply.error("ERR NX and XX, GT or LT options at the same time are not compatible");
    return false;
  }
  if ((flags & kGt) && (flags & kLt)) {
    ctx.reply.error("ERR GT and LT options at the same time are not compatible");
    return false;
  }
  return true;
}

// Shared by EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT (Redis expireGenericCommand):
// `base_ms` is now for relative forms, 0 for absolute ones.
void expire_generic(CommandContext& ctx, int64_t base_ms, bool seconds) {
  unsigned flags = 0;
  if (!expire_flags_or_reply(ctx, flags)) return;
  int64_t when;
  if (!core::int_or_reply(ctx, ctx.arg(2), when)) return;
  auto invalid = [&] { ctx.reply.error("ERR invalid expire time in '" + ctx.command.fullname + "' command"); };
  if (seconds) {
    if (when > std::numeric_limits<int64_t>::max() / 1000 || when < std::numeric_limits<int64_t>::min() / 1000)
      return invalid();
    when *= 1000;
  }
  if (when > std::numeric_limits<int64_t>::max() - base_ms) return invalid();
  when += base_ms;

  Entry* entry = ctx.db().find(ctx.arg(1), ctx.now_ms());
  if (entry == nullptr) return ctx.reply.integer(0);
  const int64_t current = entry->expire_ms();  // -1 = none, i.e. infinite
  if (((flags & kNx) && current != keyspace::kNoExpire) || ((flags & kXx) && current == keyspace::kNoExpire) ||
      ((flags & kGt) && (current == keyspace::kNoExpire || when <= current)) ||
      ((flags & kLt) && current != keyspace::kNoExpire && when >= current))
    return ctx.reply.integer(0);

  // A time already past deletes the key now, as Redis, except on a replica,
  // which keeps it (hidden) until its primary's DEL arrives.
  if (when <= ctx.now_ms() && !ctx.instance.is_replica()) {
    ctx.db().erase(ctx.arg(1));
    ctx.key_changed(ctx.arg(1), core::kEventGeneric, "del");
    if (ctx.replicating()) ctx.propagate_as({"DEL", std::string(ctx.arg(1))});
  } else {
    ctx.db().set_expire(entry, when);
    ctx.key_changed(ctx.arg(1), core::kEventGeneric, "expire");
    if (ctx.replicating()) ctx.propagate_as({"PEXPIREAT", std::string(ctx.arg(1)), std::to_string(when)});
  }
  ctx.mark_dirty();
  ctx.reply.integer(1);
}

// EXPIRE key seconds [NX | XX | GT | LT]
void expire(CommandContext& ctx) { expire_generic(ctx, ctx.now_ms(), true); }
// PEXPIRE key milliseconds [NX | XX | GT | LT]
void pexpire(CommandContext& ctx) { expire_generic(ctx, ctx.now_ms(), false); }
// EXPIREAT key unix-time-seconds [NX | XX | GT | LT]
void expireat(CommandContext& ctx) { expire_generic(ctx, 0, true); }
// PEXPIREAT key unix-time-milliseconds [NX | XX | GT | LT]
void pexpireat(CommandContext& ctx) { expire_generic(ctx, 0, false); }

enum class TtlForm { kTtl, kPttl, kExpireTime, kPexpireTime };

void ttl_generic(CommandContext& ctx, TtlForm form) {
  Entry* entry = ctx.db().find(ctx.arg(1), ctx.now_ms());
  ctx.count_lookup(ctx.arg(1), entry != nullptr);
  if (entry == nullptr) return ctx.reply.integer(-2);
  if (!entry->has_expire()) return ctx.reply.integer(-1);
  const int64_t at = entry->expire_ms();
  int64_t left = at - ctx.now_ms();
  if (left < 0) left = 0;
  switch (form) {
    case TtlForm::kTtl: return ctx.reply.integer((left + 500) / 1000);
    case TtlForm::kPttl: return ctx.reply.integer(left);
    // Rounded, as Redis, without overflowing near INT64_MAX (PEXPIREAT k 9223372036854775807).
    case TtlForm::kExpireTime: return ctx.reply.integer(at / 1000 + (at % 1000 >= 500 ? 1 : 0));
    case TtlForm::kPexpireTime: return ctx.reply.integer(at);
  }
}

// TTL key
void ttl(CommandContext& ctx) { ttl_generic(ctx, TtlForm::kTtl); }
// PTTL key
void pttl(CommandContext& ctx) { ttl_generic(ctx, TtlForm::kPttl); }
// EXPIRETIME key
void expiretime(CommandContext& ctx) { ttl_generic(ctx, TtlForm::kExpireTime); }
// PEXPIRETIME key
void pexpiretime(CommandContext& ctx) { ttl_generic(ctx, TtlForm::kPexpireTime); }

// PERSIST key
void persist(CommandContext& ctx) {
  Entry* entry = ctx.db().find(ctx.arg(1), ctx.now_ms());
  if (entry == nullptr || !ctx.db().persist(entry)) return ctx.reply.integer(0);
  ctx.key_changed(ctx.arg(1), core::kEventGeneric, "persist");
  ctx.mark_dirty();
  ctx.reply.integer(1);
}

}  // namespace
}  // namespace arbor::commands

namespace arbor::core {
using namespace arbor::commands;

void register_expire_commands(CommandTable& t) {
  const KeySpec one{1, 1, 1};
  const uint32_t w = kWrite | kFast, r = kReadonly | kFast;
  t.add({"expire", -3, w, one, expire, "generic", "Set a key's time to live in seconds", "1.0.0",
         "O(1)", "key seconds:integer [NX | XX | GT | LT]"});
  t.add({"pexpire", -3, w, one, pexpire, "generic", "Set a key's time to live in milliseconds",
         "2.6.0", "O(1)", "key milliseconds:integer [NX | XX | GT | LT]"});
  t.add({"expireat", -3, w, one, expireat, "generic", "Set the expiration for a key as a UNIX timestamp",
         "1.2.0", "O(1)", "key unix-time-seconds:unix-time [NX | XX | GT | LT]"});
  t.add({"pexpireat", -3, w, one, pexpireat, "generic",
         "Set the expiration for a key as a UNIX timestamp specified in milliseconds", "2.6.0", "O(1)",
         "key unix-time-milliseconds:unix-time [NX | XX | GT | LT]"});
  t.add({"ttl", 2, r | kNoTouch, one, ttl, "generic", "Get the time to live for a key in seconds", "1.0.0", "O(1)",
         "key"});
  t.add({"pttl", 2, r | kNoTouch, one, pttl, "generic", "Get the time to live for a key in milliseconds", "2.6.0",
         "O(1)", "key"});
  t.add({"expiretime", 2, r | kNoTouch, one, expiretime, "generic",
         "Get the expiration Unix timestamp for a key", "7.0.0", "O(1)", "key"});
  t.add({"pexpiretime", 2, r | kNoTouch, one, pexpiretime, "generic",
         "Get the expiration Unix timestamp for a key in milliseconds", "7.0.0", "O(1)", "key"});
  t.add({"persist", 2, w, one, persist, "generic", "Remove the expiration from a key", "2.2.0", "O(1)",
         "key"});
}

}  // namespace arbor::core
