// String commands: GET/SET and friends, counters, ranges and LCS. Values are
// binary-safe; numbers follow Redis's parsing and formatting exactly.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "protocol/errors.h"
#include "protocol/number_format.h"
#include "server/core/command_table.h"
#include "server/core/arguments.h"
#include "server/commands/string_common.h"

namespace arbor::commands {
namespace {

using core::CommandContext;
using core::equals_ci;
using keyspace::Entry;
using keyspace::ValueType;
namespace errors = protocol::errors;

// Replies the value of a string key, nil when absent, WRONGTYPE otherwise.
// Returns the entry (nullptr when absent or on error).
bool string_or_reply(CommandContext& ctx, std::string_view key, Entry*& entry) {
  return core::lookup_typed_or_reply(ctx, key, ValueType::kString, entry);
}

void reply_invalid_expire(CommandContext& ctx) {
  ctx.reply.error("ERR invalid expire time in '" + ctx.command.fullname + "' command");
}

enum ExpireUnit { kSeconds, kMilliseconds };

// Parses an expire argument into absolute unix milliseconds, as Redis's
// getExpireMillisecondsOrReply: positive, no overflow once made absolute.
bool expire_at_or_reply(CommandContext& ctx, std::string_view text, ExpireUnit unit, bool relative,
                        int64_t& at_ms) {
  int64_t value;
  if (!core::int_or_reply(ctx, text, value)) return false;
  if (value <= 0 || (unit == kSeconds && value > std::numeric_limits<int64_t>::max() / 1000)) {
    reply_invalid_expire(ctx);
    return false;
  }
  if (unit == kSeconds) value *= 1000;
  if (relative) {
    if (value > std::numeric_limits<int64_t>::max() - ctx.now_ms()) {
      reply_invalid_expire(ctx);
      return false;
    }
    value += ctx.now_ms();
  }
  at_ms = value;
  return true;
}

struct SetOptions {
  bool nx = false, xx = false, get = false, keep_ttl = false, persist = false;
  bool has_expire = false;
  int64_t expire_at_ms = 0;
  // The expire argument as given; validated by expire_or_reply() after the
  // whole option list parsed, as Redis does (syntax errors win).
  std::string_view expire_text;
  ExpireUnit expire_unit = kSeconds;
  bool expire_relative = true;
};

// SET/GETEX option grammar, as Redis's parseExtendedStringArgumentsOrReply:
// conflicting flags (NX with XX, two different expire forms, KEEPTTL or
// PERSIST with an expire) are a syntax error; repeating the same one is not
// (the last expire value wins).
bool parse_set_options(CommandContext& ctx, size_t from, bool for_getex, SetOptions& opt) {
  enum Form { kNone, kEx, kPx, kExat, kPxat };
  Form form = kNone;
  for (size_t i = from; i < ctx.argc(); ++i) {
    std::string_view a = ctx.arg(i);
    const bool has_next = i + 1 < ctx.argc();
    Form this_form = kNone;
    if (equals_ci(a, "EX")) this_form = kEx;
    else if (equals_ci(a, "PX")) this_form = kPx;
    else if (equals_ci(a, "EXAT")) this_form = kExat;
    else if (equals_ci(a, "PXAT")) this_form = kPxat;
    if (!for_getex && equals_ci(a, "NX") && !opt.xx) {
      opt.nx = true;
    } else if (!for_getex && equals_ci(a, "XX") && !opt.nx) {
      opt.xx = true;
    } else if (!for_getex && equals_ci(a, "GET")) {
      opt.get = true;
    } else if (!for_getex && equals_ci(a, "KEEPTTL") && form == kNone) {
      opt.keep_ttl = true;
    } else if (for_getex && equals_ci(a, "PERSIST") && form == kNone) {
      opt.persist = true;
    } else if (this_form != kNone && has_next && !opt.keep_ttl && !opt.persist &&
               (form == kNone || form == this_form)) {
      form = this_form;
      opt.has_expire = true;
      opt.expire_text = ctx.arg(++i);
      opt.expire_unit = this_form == kEx || this_form == kExat ? kSeconds : kMilliseconds;
      opt.expire_relative = this_form == kEx || this_form == kPx;
    } else {
      ctx.reply.error(errors::kSyntax);
      return false;
    }
  }
  return true;
}

bool expire_or_reply(CommandContext& ctx, SetOptions& opt) {
  return !opt.has_expire ||
         expire_at_or_reply(ctx, opt.expire_text, opt.expire_unit, opt.expire_relative, opt.expire_at_ms);
}

// Shared by SET, SETNX, SETEX, PSETEX, GETSET: the one place a string is set
// with conditions, TTL and optional GET of the old value.
void set_with_options(CommandContext& ctx, std::string_view key, std::string_view value,
                      const SetOptions& opt) {
  auto& db = ctx.db();
  Entry* old_entry = db.find(key, ctx.now_ms());
  if (opt.get) {
    if (old_entry != nullptr && !old_entry->is_string()) {
      ctx.reply.error(errors::kWrongType);
      return;
    }
    if (old_entry != nullptr) ctx.reply.bulk(old_entry->string_value());
    else ctx.reply.null();
  }
  if ((opt.nx && old_entry != nullptr) || (opt.xx && old_entry == nullptr)) {
    if (!opt.get) ctx.reply.null();
    return;
  }
  Entry* entry = db.set_string(key, value, opt.keep_ttl);
  ctx.key_changed(key, core::kEventString, "set");
  if (opt.has_expire) {
    db.set_expire(entry, opt.expire_at_ms);
    ctx.notify(core::kEventGeneric, "expire", key);
    // A relative TTL goes to replicas as the absolute time (Redis 7.0).
    if (ctx.replicating())
      ctx.propagate_as({"SET", std::string(key), std::string(value), "PXAT", std::to_string(opt.expire_at_ms)});
  }
  ctx.mark_dirty();
  if (!opt.get) ctx.reply.ok();
}

// GET key
void get(CommandContext& ctx) {
  Entry* entry;
  if (!string_or_reply(ctx, ctx.arg(1), entry)) return;
  if (entry == nullptr) ctx.reply.null();
  else ctx.reply.bulk(entry->string_value());
}

// SET key value [NX | XX] [GET] [EX seconds | PX milliseconds | EXAT unix-time-seconds | PXAT unix-time-milliseconds | KEEPTTL]
void set(CommandContext& ctx) {
  SetOptions opt;
  if (ctx.argc() > 3 && !parse_set_options(ctx, 3, false, opt)) return;
  if (!expire_or_reply(ctx, opt)) return;
  set_with_options(ctx, ctx.arg(1), ctx.arg(2), opt);
}

// SETNX key value
void setnx(CommandContext& ctx) {
  auto& db = ctx.db();
  if (db.find(ctx.arg(1), ctx.now_ms()) != nullptr) {
    ctx.reply.integer(0);
    return;
  }
  db.set_string(ctx.arg(1), ctx.arg(2), false);
  ctx.key_changed(ctx.arg(1), core::kEventString, "set");
  ctx.mark_dirty();
  ctx.reply.integer(1);
}

void set_with_ttl(CommandContext& ctx, ExpireUnit unit) {
  SetOptions opt;
  if (!expire_at_or_reply(ctx, ctx.arg(2), unit, true, opt.expire_at_ms)) return;
  opt.has_expire = true;
  set_with_options(ctx, ctx.arg(1), ctx.arg(3), opt);
}

// SETEX key seconds value
void setex(CommandContext& ctx) { set_with_ttl(ctx, kSeconds); }
// PSETEX key milliseconds value
void psetex(CommandContext& ctx) { set_with_ttl(ctx, kMilliseconds); }

// GETSET key value
void getset(CommandContext& ctx) {
  SetOptions opt;
  opt.get = true;
  set_with_options(ctx, ctx.arg(1), ctx.arg(2), opt);
}

// GETDEL key
void getdel(CommandContext& ctx) {
  Entry* entry;
  if (!string_or_reply(ctx, ctx.arg(1), entry)) return;
  if (entry == nullptr) {
    ctx.reply.null();
    return;
  }
  ctx.reply.bulk(entry->string_value());
  ctx.db().erase(ctx.arg(1));
  ctx.key_changed(ctx.arg(1), core::kEventGeneric, "del");
  ctx.mark_dirty();
}

// GETEX key [EX seconds | PX milliseconds | EXAT unix-time-seconds | PXAT unix-time-milliseconds | PERSIST]
void getex(CommandContext& ctx) {
  SetOptions opt;
  if (!parse_set_options(ctx, 2, true, opt)) return;
  Entry* entry;
  if (!string_or_reply(ctx, ctx.arg(1), entry)) return;
  if (entry == nullptr) {
    ctx.reply.null();  // even with a bad expire value, as Redis
    return;
  }
  if (!expire_or_reply(ctx, opt)) return;
  ctx.reply.bulk(entry->string_value());
  if (opt.has_expire && opt.expire_at_ms <= ctx.now_ms()) {
    ctx.db().erase(ctx.arg(1));  // an expiry in the past deletes, as Redis
    ctx.key_changed(ctx.arg(1), core::kEventGeneric, "del");
    ctx.mark_dirty();
    if (ctx.replicating()) ctx.propagate_as({"DEL", std::string(ctx.arg(1))});
  } else if (opt.has_expire) {
    ctx.db().set_expire(entry, opt.expire_at_ms);
    ctx.key_changed(ctx.arg(1), core::kEventGeneric, "expire");
    ctx.mark_dirty();
    if (ctx.replicating())
      ctx.propagate_as({"PEXPIREAT", std::string(ctx.arg(1)), std::to_string(opt.expire_at_ms)});
  } else if (opt.persist && ctx.db().persist(entry)) {
    ctx.key_changed(ctx.arg(1), core::kEventGeneric, "persist");
    ctx.mark_dirty();
    if (ctx.replicating()) ctx.propagate_as({"PERSIST", std::string(ctx.arg(1))});
  }
}

// MGET key [key ...]
void mget(CommandContext& ctx) {
  ctx.reply.array(ctx.argc() - 1);
  for (size_t i = 1; i < ctx.argc(); ++i) {
    Entry* entry = ctx.db().find(ctx.arg(i), ctx.now_ms());
    ctx.count_lookup(ctx.arg(i), entry != nullptr);
    if (entry == nullptr || !entry->is_string()) ctx.reply.null();
    else ctx.reply.bulk(entry->string_value());
  }
}

bool pairs_or_reply(CommandContext& ctx) {
  if (ctx.argc() % 2 == 0) {
    core::reply_wrong_arity(ctx.reply, ctx.command.fullname);
    return false;
  }
  return true;
}

// Sets each key/value pair in turn, with its "set" event, as Redis's msetGenericCommand.
void set_pairs(CommandContext& ctx) {
  for (size_t i = 1; i < ctx.argc(); i += 2) {
    ctx.db().set_string(ctx.arg(i), ctx.arg(i + 1), false);
    ctx.key_changed(ctx.arg(i), core::kEventString, "set");
  }
}

// MSET key value [key value ...]
void mset(CommandContext& ctx) {
  if (!pairs_or_reply(ctx)) return;
  set_pairs(ctx);
  ctx.mark_dirty((ctx.argc() - 1) / 2);
  ctx.reply.ok();
}

// MSETNX key value [key value ...]
void msetnx(CommandContext& ctx) {
  if (!pairs_or_reply(ctx)) return;
  for (size_t i = 1; i < ctx.argc(); i += 2) {
    if (ctx.db().find(ctx.arg(i), ctx.now_ms()) != nullptr) {
      ctx.reply.integer(0);
      return;
    }
  }
  set_pairs(ctx);
  ctx.mark_dirty((ctx.argc() - 1) / 2);
  ctx.reply.integer(1);
}

bool size_ok_or_reply(CommandContext& ctx, uint64_t size) {
  if (size > static_cast<uint64_t>(ctx.instance.config.settings().proto_max_bulk_len)) {
    ctx.reply.error(errors::kStringTooLong);
    return false;
  }
  return true;
}

// APPEND key value
void append(CommandContext& ctx) {
  Entry* entry;
  if (!string_or_reply(ctx, ctx.arg(1), entry)) return;
  if (entry == nullptr) {
    // As Redis: a new key takes the argument as SET would (int/embstr/raw);
    // only appending to an existing value makes it raw.
    entry = ctx.db().set_string(ctx.arg(1), ctx.arg(2), false);
  } else {
    if (!size_ok_or_reply(ctx, entry->string_value().size() + ctx.arg(2).size())) return;
    entry = writable_string(ctx, entry);
    entry->raw_string().append(ctx.arg(2));
  }
  ctx.key_changed(ctx.arg(1), core::kEventString, "append");
  ctx.mark_dirty();
  ctx.reply.integer(static_cast<int64_t>(entry->string_value().size()));
}

// STRLEN key
void strlen_(CommandContext& ctx) {
  Entry* entry;
  if (!string_or_reply(ctx, ctx.arg(1), entry)) return;
  ctx.reply.integer(entry == nullptr ? 0 : static_cast<int64_t>(entry->string_value().size()));
}

// GETRANGE key start end
void getrange(CommandContext& ctx) {
  int64_t start, end;
  if (!core::int_or_reply(ctx, ctx.arg(2), start) || !core::int_or_reply(ctx, ctx.arg(3), end)) return;
  Entry* entry;
  if (!string_or_reply(ctx, ctx.arg(1), entry)) return;
  const std::string_view value = entry ? entry->string_value() : std::string_view();
  const int64_t len = static_cast<int64_t>(value.size());
  if (start < 0 && end < 0 && start > end) {
    ctx.reply.bulk("");
    return;
  }
  if (start < 0) start = len + start;
  if (end < 0) end = len + end;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= len) end = len - 1;
  if (start > end || len == 0) {
    ctx.reply.bulk("");
    return;
  }
  ctx.reply.bulk(value.substr(static_cast<size_t>(start), static_cast<size_t>(end - start + 1)));
}

// SETRANGE key offset value
void setrange(CommandContext& ctx) {
  int64_t offset;
  if (!core::int_or_reply(ctx, ctx.arg(2), offset)) return;
  if (offset < 0) {
    ctx.reply.error("ERR offset is out of range");
    return;
  }
  const std::string_view value = ctx.arg(3);
  Entry* entry;
  if (!string_or_reply(ctx, ctx.arg(1), entry)) return;
  if (entry == nullptr) {
    if (value.empty()) {
      ctx.reply.integer(0);
      return;
    }
    if (!size_ok_or_reply(ctx, static_cast<uint64_t>(offset) + value.size())) return;
    entry = ctx.db().set_raw_string(ctx.arg(1), std::string(), false);
  } else {
    if (value.empty()) {
      ctx.reply.integer(static_cast<int64_t>(entry->string_value().size()));
      return;
    }
    if (!size_ok_or_reply(ctx, static_cast<uint64_t>(offset) + value.size())) return;
    entry = writable_string(ctx, entry);
  }
  std::string& text = entry->raw_string();
  const size_t needed = static_cast<size_t>(offset) + value.size();
  if (text.size() < needed) text.resize(needed, '\0');
  std::memcpy(text.data() + offset, value.data(), value.size());
  ctx.key_changed(ctx.arg(1), core::kEventString, "setrange");
  ctx.mark_dirty();
  ctx.reply.integer(static_cast<int64_t>(text.size()));
}

// INCR/DECR/INCRBY/DECRBY share this: the current value must be an integer.
void increment_by(CommandContext& ctx, int64_t delta) {
  Entry* entry;
  if (!string_or_reply(ctx, ctx.arg(1), entry)) return;
  int64_t current = 0;
  if (entry != nullptr) {
    auto parsed = protocol::parse_int64(entry->string_value());
    if (!parsed) {
      ctx.reply.error(errors::kNotInteger);
      return;
    }
    current = *parsed;
  }
  int64_t result;
  if (__builtin_add_overflow(current, delta, &result)) {
    ctx.reply.error(errors::kOverflow);
    return;
  }
  std::string text;
  protocol::append_int64(text, result);
  ctx.db().set_string(ctx.arg(1), text, true);
  ctx.key_changed(ctx.arg(1), core::kEventString, "incrby");
  ctx.mark_dirty();
  ctx.reply.integer(result);
}

// INCR key
void incr(CommandContext& ctx) { increment_by(ctx, 1); }
// DECR key
void decr(CommandContext& ctx) { increment_by(ctx, -1); }
// INCRBY key increment
void incrby(CommandContext& ctx) {
  int64_t delta;
  if (core::int_or_reply(ctx, ctx.arg(2), delta)) increment_by(ctx, delta);
}
// DECRBY key decrement
void decrby(CommandContext& ctx) {
  int64_t delta;
  if (!core::int_or_reply(ctx, ctx.arg(2), delta)) return;
  if (delta == std::numeric_limits<int64_t>::min()) {
    ctx.reply.error("ERR decrement would overflow");
    return;
  }
  increment_by(ctx, -delta);
}

// INCRBYFLOAT key increment
// Redis checks the type, then the stored value, then the increment.
void incrbyfloat(CommandContext& ctx) {
  Entry* entry;
  if (!string_or_reply(ctx, ctx.arg(1), entry)) return;
  long double current = 0;
  if (entry != nullptr) {
    auto parsed = protocol::parse_long_double(entry->string_value());
    if (!parsed) {
      ctx.reply.error(errors::kNotFloat);
      return;
    }
    current = *parsed;
  }
  long double delta;
  if (!core::long_double_or_reply(ctx, ctx.arg(2), delta)) return;
  const long double result = current + delta;
  if (std::isnan(result) || std::isinf(result)) {
    ctx.reply.error(errors::kNanOrInfinity);
    return;
  }
  const std::string text = protocol::format_long_double_human(result);
  ctx.db().set_string(ctx.arg(1), text, true)->set_stored_as_text(true);
  ctx.key_changed(ctx.arg(1), core::kEventString, "incrbyfloat");
  ctx.mark_dirty();
  // The result as text, so a replica never redoes float arithmetic.
  if (ctx.replicating()) ctx.propagate_as({"SET", std::string(ctx.arg(1)), text, "KEEPTTL"});
  ctx.reply.bulk(text);
}

// LCS key1 key2 [LEN] [IDX] [MINMATCHLEN min-match-len:integer] [WITHMATCHLEN]
void lcs(CommandContext& ctx) {
  // Types first, then options, as Redis.
  Entry* a_entry = ctx.db().find(ctx.arg(1), ctx.now_ms());
  Entry* b_entry = ctx.db().find(ctx.arg(2), ctx.now_ms());
  if ((a_entry && !a_entry->is_string()) || (b_entry && !b_entry->is_string())) {
    ctx.reply.error("ERR The specified keys must contain string values");
    return;
  }
  bool want_len = false, want_idx = false, with_match_len = false;
  int64_t min_match_len = 0;
  for (size_t i = 3; i < ctx.argc(); ++i) {
    std::string_view opt = ctx.arg(i);
    if (equals_ci(opt, "IDX")) want_idx = true;
    else if (equals_ci(opt, "LEN")) want_len = true;
    else if (equals_ci(opt, "WITHMATCHLEN")) with_match_len = true;
    else if (equals_ci(opt, "MINMATCHLEN") && i + 1 < ctx.argc()) {
      if (!core::int_or_reply(ctx, ctx.arg(++i), min_match_len)) return;
      if (min_match_len < 0) min_match_len = 0;
    } else {
      ctx.reply.error(errors::kSyntax);
      return;
    }
  }
  if (want_idx && want_len) {
    ctx.reply.error("ERR If you want both the length and indexes, please just use IDX.");
    return;
  }
  const std::string_view a = a_entry ? a_entry->string_value() : std::string_view();
  const std::string_view b = b_entry ? b_entry->string_value() : std::string_view();
  const uint64_t cells = (a.size() + 1) * (b.size() + 1);
  if (a.size() >= UINT32_MAX - 1 || b.size() >= UINT32_MAX - 1 ||
      cells * sizeof(uint32_t) > static_cast<uint64_t>(ctx.instance.config.settings().proto_max_bulk_len)) {
    ctx.reply.error("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len");
    return;
  }
  const size_t alen = a.size(), blen = b.size();
  std::vector<uint32_t> table(cells, 0);
  auto at = [&](size_t i, size_t j) -> uint32_t& { return table[j + (blen + 1) * i]; };
  for (size_t i = 1; i <= alen; ++i)
    for (size_t j = 1; j <= blen; ++j)
      at(i, j) = a[i - 1] == b[j - 1] ? at(i - 1, j - 1) + 1 : std::max(at(i - 1, j), at(i, j - 1));

  const uint32_t total = at(alen, blen);
  const bool compute = want_idx || !want_len;
  std::string result(compute ? total : 0, '\0');
  size_t matches_mark = 0, match_count = 0;
  if (want_idx) {
    ctx.reply.map(2);
    ctx.reply.bulk("matches");
    matches_mark = ctx.reply.begin_deferred();
  }
  // Walk back from the end, emitting each maximal run of matches as ranges.
  size_t a_start = alen, a_end = 0, b_start = 0, b_end = 0;
  size_t i = alen, j = blen, idx = total;
  while (compute && i > 0 && j > 0) {
    bool emit = false;
    if (a[i - 1] == b[j - 1]) {
      result[idx - 1] = a[i - 1];
      if (a_start == alen) {
        a_start = a_end = i - 1;
        b_start = b_end = j - 1;
      } else if (a_start == i && b_start == j) {
        --a_start;
        --b_start;
      } else {
        emit = true;
      }
      if (a_start == 0 || b_start == 0) emit = true;
      --idx;
      --i;
      --j;
    } else {
      if (at(i - 1, j) > at(i, j - 1)) --i;
      else --j;
      if (a_start != alen) emit = true;
    }
    if (emit) {
      const int64_t match_len = static_cast<int64_t>(a_end - a_start + 1);
      if (want_idx && (min_match_len == 0 || match_len >= min_match_len)) {
        ctx.reply.array(with_match_len ? 3 : 2);
        ctx.reply.array(2);
        ctx.reply.integer(static_cast<int64_t>(a_start));
        ctx.reply.integer(static_cast<int64_t>(a_end));
        ctx.reply.array(2);
        ctx.reply.integer(static_cast<int64_t>(b_start));
        ctx.reply.integer(static_cast<int64_t>(b_end));
        if (with_match_len) ctx.reply.integer(match_len);
        ++match_count;
      }
      a_start = alen;
    }
  }
  if (want_idx) {
    ctx.reply.end_deferred_array(matches_mark, match_count);
    ctx.reply.bulk("len");
    ctx.reply.integer(total);
  } else if (want_len) {
    ctx.reply.integer(total);
  } else {
    ctx.reply.bulk(result);
  }
}

constexpr uint32_t kW = core::kWrite, kR = core::kReadonly, kD = core::kDenyOom, kF = core::kFast;

}  // namespace
}  // namespace arbor::commands

namespace arbor::core {
using namespace arbor::commands;

void register_string_commands(CommandTable& t) {
  const core::KeySpec one{1, 1, 1}, all{1, -1, 1}, two{1, 2, 1};
  t.add({"get", 2, kR | kF, one, get, "string", "Get the value of a key", "1.0.0", "O(1)", "key"});
  t.add({"set", -3, kW | kD,
         KeySpec{1, 1, 1, 0, "RW access update variable_flags", "RW and ACCESS due to the optional `GET` argument"},
         set, "string", "Set the string value of a key",
         "1.0.0", "O(1)",
         "key value [NX | XX] [GET] [EX seconds:integer | PX milliseconds:integer | "
         "EXAT unix-time-seconds:unix-time | PXAT unix-time-milliseconds:unix-time | KEEPTTL]"});
  t.add({"setnx", 3, kW | kD | kF, KeySpec{1, 1, 1, 0, "OW insert"}, setnx, "string",
         "Set the value of a key, only if the key does not exist", "1.0.0", "O(1)", "key value"});
  t.add({"setex", 4, kW | kD, KeySpec{1, 1, 1, 0, "OW update"}, setex, "string",
         "Set the value and expiration of a key",
         "2.0.0", "O(1)", "key seconds:integer value"});
  t.add({"psetex", 4, kW | kD, KeySpec{1, 1, 1, 0, "OW update"}, psetex, "string",
         "Set the value and expiration in milliseconds of a key",
         "2.6.0", "O(1)", "key milliseconds:integer value"});
  t.add({"getset", 3, kW | kD | kF, KeySpec{1, 1, 1, 0, "RW access update"}, getset, "string",
         "Set the string value of a key and return its old value", "1.0.0", "O(1)",
         "key value"});
  t.add({"getdel", 2, kW | kF, KeySpec{1, 1, 1, 0, "RW access delete"}, getdel, "string",
         "Get the value of a key and delete the key", "6.2.0", "O(1)", "key"});
  t.add({"getex", -2, kW | kF, KeySpec{1, 1, 1, 0, "RW access update", "RW and UPDATE because it changes the TTL"},
         getex, "string", "Get the value of a key and optionally set its expiration", "6.2.0", "O(1)",
         "key [EX seconds:integer | PX milliseconds:integer | EXAT unix-time-seconds:unix-time | "
         "PXAT unix-time-milliseconds:unix-time | PERSIST]"});
  t.add({"mget", -2, kR | kF, all, mget, "string", "Get the values of all the given keys",
         "1.0.0", "O(N) where N is the number of keys to retrieve.", "key [key ...]"});
  t.add({"mset", -3, kW | kD, KeySpec{1, -1, 2, 0, "OW update"}, mset, "string",
         "Set multiple keys to multiple values",
         "1.0.1", "O(N) where N is the number of keys to set.", "key value [key value ...]"});
  t.add({"msetnx", -3, kW | kD, KeySpec{1, -1, 2, 0, "OW insert"}, msetnx, "string",
         "Set multiple keys to multiple values, only if none of the keys exist",
         "1.0.1", "O(N) where N is the number of keys to set.", "key value [key value ...]"});
  t.add({"append", 3, kW | kD | kF, KeySpec{1, 1, 1, 0, "RW insert"}, append, "string", "Append a value to a key",
         "2.0.0", "O(1). The amortized time complexity is O(1) assuming the appended value is small and the already "
         "present value is of any size, since the dynamic string library used by Redis will double the free "
         "space available on every reallocation.",
         "key value"});
  t.add({"strlen", 2, kR | kF, KeySpec{1, 1, 1, 0, "RO"}, strlen_, "string",
         "Get the length of the value stored in a key", "2.2.0", "O(1)", "key"});
  t.add({"getrange", 4, kR, one, getrange, "string", "Get a substring of the string stored at a key", "2.4.0",
         "O(N) where N is the length of the returned string. The complexity is ultimately determined by the "
         "returned length, but because creating a substring from an existing string is very cheap, it can be "
         "considered O(1) for small strings.",
         "key start:integer end:integer"});
  t.add({"substr", 4, kR, one, getrange, "string", "Get a substring of the string stored at a key", "1.0.0",
         "O(N) where N is the length of the returned string. The complexity is ultimately determined by the "
         "returned length, but because creating a substring from an existing string is very cheap, it can be "
         "considered O(1) for small strings.",
         "key start:integer end:integer"});
  t.add({"setrange", 4, kW | kD, one, setrange, "string",
         "Overwrite part of a string at key starting at the specified offset", "2.2.0",
         "O(1), not counting the time taken to copy the new string in place. Usually, this string is very "
         "small so the amortized complexity is O(1). Otherwise, complexity is O(M) with M being the length "
         "of the value argument.",
         "key offset:integer value"});
  t.add({"incr", 2, kW | kD | kF, KeySpec{1, 1, 1, 0, "RW access update"}, incr, "string",
         "Increment the integer value of a key by one",
         "1.0.0", "O(1)", "key"});
  t.add({"decr", 2, kW | kD | kF, KeySpec{1, 1, 1, 0, "RW access update"}, decr, "string",
         "Decrement the integer value of a key by one",
         "1.0.0", "O(1)", "key"});
  t.add({"incrby", 3, kW | kD | kF, KeySpec{1, 1, 1, 0, "RW access update"}, incrby, "string",
         "Increment the integer value of a key by the given amount",
         "1.0.0", "O(1)", "key increment:integer"});
  t.add({"decrby", 3, kW | kD | kF, KeySpec{1, 1, 1, 0, "RW access update"}, decrby, "string",
         "Decrement the integer value of a key by the given number",
         "1.0.0", "O(1)", "key decrement:integer"});
  t.add({"incrbyfloat", 3, kW | kD | kF, KeySpec{1, 1, 1, 0, "RW access update"}, incrbyfloat, "string",
         "Increment the float value of a key by the given amount",
         "2.6.0", "O(1)", "key increment:double"});
  t.add({"lcs", -3, kR, two, lcs, "string", "Find longest common substring", "7.0.0",
         "O(N*M) where N and M are the lengths of s1 and s2, respectively",
         "key1:key key2:key [LEN] [IDX] [MINMATCHLEN min-match-len:integer] [WITHMATCHLEN]"});
}

}  // namespace arbor::core
