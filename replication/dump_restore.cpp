// DUMP and RESTORE: one key's value as Redis 7.0's payload (the RDB value,
// then the RDB version and a CRC-64), so payloads move both ways between
// arbor and Redis. RESTORE checks the envelope, then parses and validates
// the whole value (listpacks, intsets, duplicates) before anything changes,
// whatever sanitize-dump-payload says. Here, not in commands/, because the
// RDB codec lives in replication/rdb/.
#include <string>

#include "protocol/errors.h"
#include "replication/rdb/dump_payload.h"
#include "replication/rdb/rdb_loader.h"
#include "replication/rdb/rdb_parser.h"
#include "replication/rdb/rdb_writer.h"
#include "replication/replication_service.h"
#include "server/core/arguments.h"
#include "server/core/command_context.h"
#include "server/core/command_table.h"

namespace arbor::replication {
namespace {

using core::CommandContext;

// DUMP key
void dump(CommandContext& ctx) {
  keyspace::Entry* entry = ctx.db().find(ctx.arg(1), ctx.now_ms());
  ctx.count_lookup(ctx.arg(1), entry != nullptr);
  if (entry == nullptr) return ctx.reply.null();
  std::string payload;
  RdbWriter(payload).value(*entry);
  seal_payload(payload);
  ctx.reply.bulk(payload);
}

struct RestoreOptions {
  bool replace = false, absttl = false;
  int64_t idle_seconds = -1, frequency = -1;
};

// REPLACE, ABSTTL, IDLETIME seconds, FREQ frequency (IDLETIME and FREQ
// exclude each other), in Redis's order of checks.
bool options_or_reply(CommandContext& ctx, RestoreOptions& o) {
  for (size_t j = 4; j < ctx.argc(); ++j) {
    const std::string_view word = ctx.arg(j);
    const bool has_value = j + 1 < ctx.argc();
    if (core::equals_ci(word, "replace")) {
      o.replace = true;
    } else if (core::equals_ci(word, "absttl")) {
      o.absttl = true;
    } else if (core::equals_ci(word, "idletime") && has_value && o.frequency == -1) {
      if (!core::int_or_reply(ctx, ctx.arg(++j), o.idle_seconds)) return false;
      if (o.idle_seconds < 0) return ctx.reply.error("ERR Invalid IDLETIME value, must be >= 0"), false;
    } else if (core::equals_ci(word, "freq") && has_value && o.idle_seconds == -1) {
      if (!core::int_or_reply(ctx, ctx.arg(++j), o.frequency)) return false;
      if (o.frequency < 0 || o.frequency > 255)
        return ctx.reply.error("ERR Invalid FREQ value, must be >= 0 and <= 255"), false;
    } else {
      return ctx.reply.error(protocol::errors::kSyntax), false;
    }
  }
  return true;
}

// RESTORE key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency]
void restore(CommandContext& ctx) {
  RestoreOptions o;
  if (!options_or_reply(ctx, o)) return;
  const std::string_view key = ctx.arg(1);
  if (!o.replace && ctx.db().find(key, ctx.now_ms()) != nullptr)
    return ctx.reply.error("BUSYKEY Target key name already exists.");
  int64_t ttl;
  if (!core::int_or_reply(ctx, ctx.arg(2), ttl)) return;
  if (ttl < 0) return ctx.reply.error("ERR Invalid TTL value, must be >= 0");
  const auto body = payload_body(ctx.arg(3));
  if (!body) return ctx.reply.error("ERR DUMP payload version or checksum are wrong");
  RdbValue value;
  std::string error;
  std::unique_ptr<keyspace::Object> object;
  const bool parsed = parse_value(*body, value, error) && !empty_collection(value);
  if (parsed && value.type != keyspace::ValueType::kString) object = build_object(value, error);
  if (!parsed || (value.type != keyspace::ValueType::kString && object == nullptr))
    return ctx.reply.error("ERR Bad data format");

  const bool deleted = o.replace && ctx.db().erase(key);
  const int64_t when = ttl != 0 && !o.absttl ? ttl + ctx.now_ms() : ttl;
  // Already expired: nothing is created (a replica keeps it, as Redis).
  if (ttl != 0 && when <= ctx.now_ms() && !ctx.instance.is_replica()) {
    if (deleted) {
      ctx.key_changed(key, core::kEventGeneric, "del");
      ctx.mark_dirty();
      if (ctx.replicating()) ctx.propagate_as({"DEL", std::string(key)});
    }
    return ctx.reply.ok();
  }
  keyspace::Entry* entry = value.type == keyspace::ValueType::kString
                               ? ctx.db().set_string(key, value.string, false)
                               : ctx.db().add_object(key, std::move(object));
  ctx.instance.eviction.clock.restore(*entry, o.idle_seconds, o.frequency);
  if (ttl != 0) {
    ctx.db().set_expire(entry, when);
    // A relative TTL reaches the replicas as the absolute time.
    if (!o.absttl && ctx.replicating()) {
      std::vector<std::string> args(ctx.args.begin(), ctx.args.end());
      args[2] = std::to_string(when);
      args.emplace_back("ABSTTL");
      ctx.propagate_as(std::move(args));
    }
  }
  ctx.key_changed(key, core::kEventGeneric, "restore");
  ctx.mark_dirty();
  ctx.reply.ok();
}

}  // namespace

void register_dump_commands(core::CommandTable& t) {
  using namespace core;
  t.add({"dump", 2, kReadonly | kRandom, KeySpec{1, 1, 1}, dump, "generic",
         "Return a serialized version of the value stored at the specified key.", "2.6.0",
         "O(1) to access the key and additional O(N*M) to serialize it, where N is the number of Redis objects "
         "composing the value and M their average size. For small string values the time complexity is thus "
         "O(1)+O(1*M) where M is small, so simply O(1).",
         "key"});
  t.add({"restore", -4, kWrite | kDenyOom | kDangerous, KeySpec{1, 1, 1, 0, "OW update"}, restore, "generic",
         "Create a key using the provided serialized value, previously obtained using DUMP.", "2.6.0",
         "O(1) to create the new key and additional O(N*M) to reconstruct the serialized value, where N is the "
         "number of Redis objects composing the value and M their average size. For small string values the time "
         "complexity is thus O(1)+O(1*M) where M is small, so simply O(1). However for sorted set values the "
         "complexity is O(N*M*log(N)) because inserting values into sorted sets is O(log(N)).",
         "key ttl:integer serialized-value:string [REPLACE] [ABSTTL] [IDLETIME seconds:integer] "
         "[FREQ frequency:integer]"});
}

}  // namespace arbor::replication
