// Generic key commands: DEL, EXISTS, TYPE, KEYS, SCAN, RANDOMKEY, RENAME,
// COPY, MOVE, TOUCH and OBJECT. They work on every value type.
#include <cctype>
#include <string>
#include <vector>

#include "protocol/errors.h"
#include "protocol/number_format.h"
#include "server/core/arguments.h"
#include "server/core/random.h"
#include "server/core/command_table.h"
#include "server/core/glob.h"

namespace arbor::commands {
namespace {

using core::CommandContext;
using core::equals_ci;
using keyspace::Entry;
namespace errors = protocol::errors;

using core::random_u64;

// DEL key [key ...]  (UNLINK frees large values off the loop; so does DEL
// here, since the lazy freer decides by size, which only changes timing.)
void del(CommandContext& ctx) {
  int64_t removed = 0;
  for (size_t i = 1; i < ctx.argc(); ++i) {
    if (ctx.db().find(ctx.arg(i), ctx.now_ms()) != nullptr && ctx.db().erase(ctx.arg(i))) {
      ctx.key_changed(ctx.arg(i), core::kEventGeneric, "del");
      ++removed;
    }
  }
  ctx.mark_dirty(static_cast<uint64_t>(removed));
  ctx.reply.integer(removed);
}

// EXISTS key [key ...]
void exists(CommandContext& ctx) {
  int64_t count = 0;
  for (size_t i = 1; i < ctx.argc(); ++i) {
    const bool found = ctx.db().find(ctx.arg(i), ctx.now_ms()) != nullptr;
    ctx.count_lookup(ctx.arg(i), found);
    if (found) ++count;
  }
  ctx.reply.integer(count);
}

// TOUCH key [key ...]
void touch(CommandContext& ctx) { exists(ctx); }

// TYPE key
void type(CommandContext& ctx) {
  Entry* entry = ctx.db().find(ctx.arg(1), ctx.now_ms());
  ctx.count_lookup(ctx.arg(1), entry != nullptr);
  ctx.reply.simple(entry == nullptr ? "none" : keyspace::type_name(entry->type()));
}

// KEYS pattern
void keys(CommandContext& ctx) {
  const std::string_view pattern = ctx.arg(1);
  const bool all = pattern == "*";
  const size_t mark = ctx.reply.begin_deferred();
  size_t count = 0;
  ctx.db().table().for_each([&](Entry* e) {
    if (keyspace::Database::is_expired(e, ctx.now_ms())) return;
    if (!all && !core::glob_match(pattern, e->key())) return;
    ctx.reply.bulk(e->key());
    ++count;
  });
  ctx.reply.end_deferred_array(mark, count);
}

// SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]
void scan(CommandContext& ctx) {
  uint64_t cursor;
  core::ScanOptions opt;
  if (!core::scan_cursor_or_reply(ctx, ctx.arg(1), cursor) || !core::scan_options_or_reply(ctx, 2, true, opt))
    return;
  // Collect first, filter after: lazy expiry may delete, which must not
  // happen while the table is being walked.
  std::vector<std::string> found;
  const auto& table = ctx.db().table();
  int64_t budget = opt.step_budget();
  do {
    cursor = table.scan(cursor, [&](Entry* e) { found.emplace_back(e->key()); });
  } while (cursor != 0 && budget-- > 0 && static_cast<int64_t>(found.size()) < opt.count);

  size_t kept = 0;
  for (size_t i = 0; i < found.size(); ++i) {
    const std::string& key = found[i];
    if (opt.has_pattern && !core::glob_match(opt.pattern, key)) continue;
    Entry* entry = ctx.db().find(key, ctx.now_ms());
    if (entry == nullptr) continue;
    if (opt.has_type && !equals_ci(opt.type, keyspace::type_name(entry->type()))) continue;
    // Never move a string onto itself: libstdc++ leaves it empty.
    if (kept != i) found[kept] = std::move(found[i]);
    ++kept;
  }
  found.resize(kept);
  ctx.reply.array(2);
  ctx.reply.bulk(std::to_string(cursor));
  ctx.reply.array(found.size());
  for (const auto& key : found) ctx.reply.bulk(key);
}

// RANDOMKEY
// As Redis's dbRandomKey: an expired key met on the way is deleted and the
// search goes on, so one live key among many expired ones is still found.
// Where expired keys cannot be deleted (a replica waits for its primary's
// DEL), give up after 100 of them and name the last, as Redis does.
void randomkey(CommandContext& ctx) {
  for (int kept_expired = 0;;) {
    Entry* entry = ctx.db().random_entry(random_u64());
    if (entry == nullptr) return ctx.reply.null();
    if (!keyspace::Database::is_expired(entry, ctx.now_ms())) return ctx.reply.bulk(entry->key());
    const std::string key(entry->key());
    ctx.db().find(key, ctx.now_ms());  // deletes it unless deletion is off
    if (ctx.db().find_raw(key) != nullptr && ++kept_expired == 100) return ctx.reply.bulk(key);
  }
}

void rename_generic(CommandContext& ctx, bool only_if_absent) {
  auto& db = ctx.db();
  const std::string_view from = ctx.arg(1), to = ctx.arg(2);
  if (db.find(from, ctx.now_ms()) == nullptr) return ctx.reply.error(errors::kNoSuchKey);
  if (from == to) return only_if_absent ? ctx.reply.integer(0) : ctx.reply.ok();
  if (db.find(to, ctx.now_ms()) != nullptr) {
    if (only_if_absent) return ctx.reply.integer(0);
    db.erase(to);
  }
  Entry* entry = db.detach(from);
  db.attach(db.rekey(entry, to));
  // As Redis: both keys touched, then rename_from and rename_to (an
  // overwritten destination gets no "del" of its own).
  ctx.touch(from);
  ctx.touch(to);
  ctx.notify(core::kEventGeneric, "rename_from", from);
  ctx.notify(core::kEventGeneric, "rename_to", to);
  ctx.mark_dirty();
  only_if_absent ? ctx.reply.integer(1) : ctx.reply.ok();
}

// RENAME key newkey
void rename(CommandContext& ctx) { rename_generic(ctx, false); }
// RENAMENX key newkey
void renamenx(CommandContext& ctx) { rename_generic(ctx, true); }

bool db_index_or_reply(CommandContext& ctx, std::string_view text, int& index) {
  int64_t value;
  if (!core::int_or_reply(ctx, text, value)) return false;
  if (value < INT32_MIN || value > INT32_MAX) {  // Redis's getIntFromObjectOrReply
    ctx.reply.error("ERR value is out of range, value must between -2147483648 and 2147483647");
    return false;
  }
  if (value < 0 || value >= ctx.instance.db_count()) {
    ctx.reply.error(errors::kDbIndexOutOfRange);
    return false;
  }
  index = static_cast<int>(value);
  return true;
}

// COPY source destination [DB destination-db] [REPLACE]
void copy(CommandContext& ctx) {
  int target = ctx.client.db;
  bool replace = false;
  for (size_t i = 3; i < ctx.argc(); ++i) {
    if (equals_ci(ctx.arg(i), "REPLACE")) {
      replace = true;
    } else if (equals_ci(ctx.arg(i), "DB") && i + 1 < ctx.argc()) {
      if (!db_index_or_reply(ctx, ctx.arg(++i), target)) return;
    } else {
      return ctx.reply.error(errors::kSyntax);
    }
  }
  const std::string_view from = ctx.arg(1), to = ctx.arg(2);
  if (target == ctx.client.db && from == to)
    return ctx.reply.error("ERR source and destination objects are the same");
  Entry* source = ctx.db().find(from, ctx.now_ms());
  if (source == nullptr) return ctx.reply.integer(0);
  auto& dest = ctx.instance.db(target);
  if (dest.find(to, ctx.now_ms()) != nullptr) {
    if (!replace) return ctx.reply.integer(0);
    dest.erase(to);
  }
  dest.attach(keyspace::Database::clone_as(*source, to));
  // Redis touches and announces only the destination.
  ctx.instance.touch_key(target, to);
  ctx.instance.notify_keyspace_event(core::kEventGeneric, "copy_to", to, target);
  ctx.mark_dirty();
  ctx.reply.integer(1);
}

// MOVE key db
void move(CommandContext& ctx) {
  int target;
  if (!db_index_or_reply(ctx, ctx.arg(2), target)) return;
  if (target == ctx.client.db) return ctx.reply.error("ERR source and destination objects are the same");
  auto& dest = ctx.instance.db(target);
  if (ctx.db().find(ctx.arg(1), ctx.now_ms()) == nullptr) return ctx.reply.integer(0);
  if (dest.find(ctx.arg(1), ctx.now_ms()) != nullptr) return ctx.reply.integer(0);
  dest.attach(ctx.db().detach(ctx.arg(1)));
  ctx.touch(ctx.arg(1));
  ctx.instance.touch_key(target, ctx.arg(1));
  ctx.notify(core::kEventGeneric, "move_from", ctx.arg(1));
  ctx.instance.notify_keyspace_event(core::kEventGeneric, "move_to", ctx.arg(1), target);
  ctx.mark_dirty();
  ctx.reply.integer(1);
}

// What OBJECT ENCODING says for a string, by Redis's rules: integers that
// fit a long are "int", short strings "embstr", the rest (and any string
// grown by APPEND/SETRANGE) "raw".
std::string_view string_encoding(const Entry& entry) {
  if (entry.storage() == Entry::Storage::kRaw) return "raw";
  const std::string_view value = entry.string_value();
  if (!entry.stored_as_text() && value.size() <= 20 && protocol::parse_int64(value)) return "int";
  return value.size() <= 44 ? "embstr" : "raw";
}

// OBJECT ENCODING|REFCOUNT|IDLETIME|FREQ key
void object_subcommand(CommandContext& ctx) {
  const std::string_view sub = ctx.arg(1);
  Entry* entry = ctx.db().find(ctx.arg(2), ctx.now_ms());
  if (entry == nullptr) return ctx.reply.null();
  if (equals_ci(sub, "ENCODING"))
    return ctx.reply.bulk(entry->is_string() ? string_encoding(*entry) : entry->object()->encoding());
  if (equals_ci(sub, "REFCOUNT")) return ctx.reply.integer(1);
  // Every key keeps one clock: the policy decides which reading it gives.
  const keyspace::AccessClock& clock = ctx.instance.eviction.clock;
  if (equals_ci(sub, "IDLETIME")) {
    if (clock.lfu())
      return ctx.reply.error(
          "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching "
          "between policies at runtime LRU and LFU data will take some time to adjust.");
    return ctx.reply.integer(static_cast<int64_t>(clock.idle_ms(entry->access()) / 1000));
  }
  if (!clock.lfu())
    return ctx.reply.error(
        "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when "
        "switching between policies at runtime LRU and LFU data will take some time to adjust.");
  ctx.reply.integer(clock.frequency(entry->access()));
}

// OBJECT HELP
void object_help(CommandContext& ctx) {
  static const char* const kLines[] = {
      "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "ENCODING <key>",
      "    Return the kind of internal representation used in order to store the value",
      "    associated with a <key>.",
      "FREQ <key>",
      "    Return the access frequency index of the <key>. The returned integer is",
      "    proportional to the logarithm of the recent access frequency of the key.",
      "IDLETIME <key>",
      "    Return the idle time of the <key>, that is the approximated number of",
      "    seconds elapsed since the last access to the key.",
      "REFCOUNT <key>",
      "    Return the number of references of the value associated with the specified",
      "    <key>.",
      "HELP",
      "    Print this help.",
  };
  core::reply_help(ctx.reply, kLines);
}

void object_container(CommandContext& ctx) { core::reply_wrong_arity(ctx.reply, "object"); }

}  // namespace
}  // namespace arbor::commands

namespace arbor::core {
using namespace arbor::commands;

void register_key_commands(CommandTable& t) {
  const uint32_t r = kReadonly, w = kWrite;
  t.add({"del", -2, w, KeySpec{1, -1, 1, 0, "RM delete"}, del, "generic", "Delete a key", "1.0.0",
         "O(N) where N is the number of keys that will be removed. When a key to remove holds a value other "
         "than a string, the individual complexity for this key is O(M) where M is the number of elements in "
         "the list, set, sorted set or hash. Removing a single key that holds a string value is O(1).",
         "key [key ...]"});
  t.add({"unlink", -2, w | kFast, KeySpec{1, -1, 1, 0, "RM delete"}, del, "generic",
         "Delete a key asynchronously in another thread. Otherwise it is just as DEL, but non blocking.",
         "4.0.0",
         "O(1) for each key removed regardless of its size. Then the command does O(N) work in a different "
         "thread in order to reclaim memory, where N is the number of allocations the deleted objects where "
         "composed of.",
         "key [key ...]"});
  t.add({"exists", -2, r | kFast | kNoTouch, KeySpec{1, -1, 1, 0, "RO"}, exists, "generic", "Determine if a key exists",
         "1.0.0", "O(N) where N is the number of keys to check.", "key [key ...]"});
  t.add({"touch", -2, r | kFast, KeySpec{1, -1, 1, 0, "RO"}, touch, "generic",
         "Alters the last access time of a key(s). Returns the number of existing keys specified.",
         "3.2.1", "O(N) where N is the number of keys that will be touched.", "key [key ...]"});
  t.add({"type", 2, r | kFast | kNoTouch, KeySpec{1, 1, 1, 0, "RO"}, type, "generic", "Determine the type stored at key", "1.0.0",
         "O(1)", "key"});
  t.add({"keys", 2, r | kDangerous, {}, keys, "generic", "Find all keys matching the given pattern", "1.0.0",
         "O(N) with N being the number of keys in the database, under the assumption that the key names in "
         "the database and the given pattern have limited length.", "pattern:pattern"});
  t.add({"scan", -2, r | kNoTouch, {}, scan, "generic", "Incrementally iterate the keys space", "2.8.0",
         "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor "
         "to return back to 0. N is the number of elements inside the collection.",
         "cursor:integer [MATCH pattern:pattern] [COUNT count:integer] [TYPE type]"});
  t.add({"randomkey", 1, r | kNoTouch, {}, randomkey, "generic", "Return a random key from the keyspace",
         "1.0.0", "O(1)", ""});
  t.add({"rename", 3, w, KeySpec{1, 2, 1, 0, "RW access delete", {}, "OW update"}, rename, "generic", "Rename a key",
         "1.0.0", "O(1)", "key newkey:key"});
  t.add({"renamenx", 3, w | kFast, KeySpec{1, 2, 1, 0, "RW access delete", {}, "OW insert"}, renamenx, "generic",
         "Rename a key, only if the new key does not exist", "1.0.0", "O(1)", "key newkey:key"});
  t.add({"copy", -3, w | kDenyOom, KeySpec{1, 2, 1, 0, "RO access", {}, "OW update"}, copy, "generic", "Copy a key",
         "6.2.0", "O(N) worst case for collections, where N is the number of nested items. O(1) for string values.",
         "source:key destination:key [DB destination-db:integer] [REPLACE]"});
  t.add({"move", 3, w | kFast, KeySpec{1, 1, 1, 0, "RW access update"}, move, "generic",
         "Move a key to another database", "1.0.0", "O(1)", "key db:integer"});
  CommandSpec object{"object", -2, r, {}, object_container, "generic",
                     "A container for object introspection commands", "2.2.3", "Depends on subcommand.", ""};
  const char* const kObjectSubs[][3] = {
      {"encoding", "Inspect the internal encoding of a Redis object", "2.2.3"},
      {"freq", "Get the logarithmic access frequency counter of a Redis object", "4.0.0"},
      {"idletime", "Get the time since a Redis object was last accessed", "2.2.3"},
      {"refcount", "Get the number of references to the value of the key", "2.2.3"},
  };
  for (const auto& sub : kObjectSubs)
    object.subcommands.push_back({sub[0], 3, r | kNoTouch, KeySpec{2, 2, 1, 0, "RO"}, object_subcommand, "generic", sub[1],
                                  sub[2], "O(1)", "key"});
  object.subcommands.push_back({"help", 2, kLoading | kStale, {}, object_help, "generic",
                                "Show helpful text about the different subcommands", "6.2.0", "O(1)", ""});
  t.add(std::move(object));
}

}  // namespace arbor::core
