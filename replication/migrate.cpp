// MIGRATE host port key|"" destination-db timeout [COPY] [REPLACE]
//   [AUTH password] [AUTH2 username password] [KEYS key [key ...]]
// as Redis 7.0's migrateCommand: each key is sent as RESTORE (with its
// remaining TTL and Redis's DUMP payload, so the target may be arbor or
// Redis), after AUTH and SELECT, in one write; a key is deleted here only
// once the target answered +OK for it, and those deletions reach replicas as
// one DEL. Like Redis, the call is synchronous: the server waits for the
// target, at most `timeout` ms per step. Unlike Redis, no connection is kept
// between calls (so SELECT is always sent) and a failed one is not retried.
#include <string>
#include <vector>

#include "protocol/errors.h"
#include "protocol/reply_writer.h"
#include "replication/migrate_socket.h"
#include "replication/rdb/dump_payload.h"
#include "replication/rdb/rdb_writer.h"
#include "replication/replication_service.h"
#include "server/core/arguments.h"
#include "server/core/command_context.h"
#include "server/core/command_table.h"

namespace arbor::replication {
namespace {

using core::CommandContext;
using core::equals_ci;

struct MigrateOptions {
  bool copy = false, replace = false;
  std::optional<std::string_view> username, password;
  size_t first_key = 3, key_count = 1;
};

bool options_or_reply(CommandContext& ctx, MigrateOptions& o) {
  for (size_t j = 6; j < ctx.argc(); ++j) {
    const size_t more = ctx.argc() - 1 - j;
    const std::string_view word = ctx.arg(j);
    if (equals_ci(word, "copy")) {
      o.copy = true;
    } else if (equals_ci(word, "replace")) {
      o.replace = true;
    } else if (equals_ci(word, "auth") && more >= 1) {
      o.password = ctx.arg(++j);
    } else if (equals_ci(word, "auth2") && more >= 2) {
      o.username = ctx.arg(++j);
      o.password = ctx.arg(++j);
    } else if (equals_ci(word, "keys")) {
      if (!ctx.arg(3).empty()) {
        ctx.reply.error("ERR When using MIGRATE KEYS option, the key argument must be set to the empty string");
        return false;
      }
      o.first_key = j + 1;
      o.key_count = ctx.argc() - j - 1;
      break;
    } else {
      ctx.reply.error(protocol::errors::kSyntax);
      return false;
    }
  }
  return true;
}

// MIGRATE, as above.
void migrate(CommandContext& ctx) {
  MigrateOptions o;
  if (!options_or_reply(ctx, o)) return;
  int64_t timeout, db;
  if (!core::int_or_reply(ctx, ctx.arg(5), timeout) || !core::int_or_reply(ctx, ctx.arg(4), db)) return;
  if (timeout <= 0) timeout = 1000;

  // The keys that are here; none at all is not an error (they may just
  // have expired).
  std::vector<std::string_view> keys;
  for (size_t j = 0; j < o.key_count; ++j) {
    const std::string_view key = ctx.arg(o.first_key + j);
    keyspace::Entry* entry = ctx.db().find(key, ctx.now_ms());
    ctx.count_lookup(key, entry != nullptr);
    if (entry != nullptr) keys.push_back(key);
  }
  if (keys.empty()) return ctx.reply.simple("NOKEY");

  MigrateSocket socket;
  if (!socket.connect(std::string(ctx.arg(1)), std::string(ctx.arg(2)), timeout))
    return ctx.reply.error("IOERR error or timeout connecting to the client");

  std::string out;
  if (o.password) {
    if (o.username) protocol::append_command(out, std::initializer_list<std::string_view>{"AUTH", *o.username, *o.password});
    else protocol::append_command(out, std::initializer_list<std::string_view>{"AUTH", *o.password});
  }
  protocol::append_command(out, std::initializer_list<std::string_view>{"SELECT", std::to_string(db)});
  std::vector<std::string_view> sent;
  for (std::string_view key : keys) {
    const keyspace::Entry* entry = ctx.db().find(key, ctx.now_ms());
    if (entry == nullptr) continue;
    int64_t ttl = 0;
    if (entry->has_expire()) {
      ttl = entry->expire_ms() - ctx.now_ms();
      if (ttl < 0) continue;
      if (ttl < 1) ttl = 1;
    }
    std::string payload;
    RdbWriter(payload).value(*entry);
    seal_payload(payload);
    const std::string ttl_text = std::to_string(ttl);
    if (o.replace)
      protocol::append_command(out, std::initializer_list<std::string_view>{"RESTORE", key, ttl_text, payload, "REPLACE"});
    else
      protocol::append_command(out, std::initializer_list<std::string_view>{"RESTORE", key, ttl_text, payload});
    sent.push_back(key);
  }

  const auto io_error = [&](bool writing) {
    ctx.reply.error(std::string("IOERR error or timeout ") + (writing ? "writing" : "reading") + " to target instance");
  };
  if (!socket.write_all(out, timeout)) return io_error(true);
  std::optional<std::string> auth_reply, select_reply;
  if (o.password && !(auth_reply = socket.read_line(timeout))) return io_error(false);
  if (!(select_reply = socket.read_line(timeout))) return io_error(false);

  // The first error the target sent (AUTH's, SELECT's, then a RESTORE's)
  // is the reply; a key moves when its own RESTORE succeeded.
  std::optional<std::string> target_error;
  std::vector<std::string> deleted{"DEL"};
  bool socket_error = false;
  for (std::string_view key : sent) {
    const auto reply = socket.read_line(timeout);
    if (!reply) {
      socket_error = true;
      break;
    }
    const bool failed = (auth_reply && auth_reply->starts_with('-')) || select_reply->starts_with('-') ||
                        reply->starts_with('-');
    if (failed) {
      if (!target_error) {
        const std::string& text = auth_reply && auth_reply->starts_with('-') ? *auth_reply
                                  : select_reply->starts_with('-')            ? *select_reply
                                                                              : *reply;
        target_error = text.substr(1);
      }
      continue;
    }
    if (o.copy) continue;
    if (ctx.db().erase(key)) {
      ctx.key_changed(key, core::kEventGeneric, "del");
      ctx.mark_dirty();
      deleted.emplace_back(key);
    }
  }
  // Replicas delete what moved: MIGRATE reaches them as DEL.
  if (deleted.size() > 1 && ctx.replicating()) ctx.propagate_as(std::move(deleted));
  if (target_error) return ctx.reply.error("ERR Target instance replied with error: " + *target_error);
  if (socket_error) return io_error(false);
  ctx.reply.ok();
}

// Redis's migrateGetKeys: the key argument, or everything after KEYS.
std::vector<core::KeyRef> migrate_keys(std::span<const std::string_view> argv) {
  size_t first = 3, count = 1;
  for (size_t i = 6; i < argv.size(); ++i) {
    if (equals_ci(argv[i], "keys")) {
      if (!argv[3].empty()) return {};
      first = i + 1;
      count = argv.size() - first;
      break;
    }
    if (equals_ci(argv[i], "auth")) i += 1;
    else if (equals_ci(argv[i], "auth2")) i += 2;
  }
  std::vector<core::KeyRef> keys;
  for (size_t i = 0; i < count; ++i) keys.push_back({first + i, 0});
  return keys;
}

constexpr core::ExtraKeySpec kMigrateKeysSpec[] = {{"RW access delete incomplete", {}, "KEYS", -2, -1}};

}  // namespace

void register_migrate_command(core::CommandTable& t) {
  using namespace core;
  t.add({"migrate", -6, kWrite | kRandom | kDangerous,
         KeySpec{3, 3, 1, 0, "RW access delete", {}, {}, kMigrateKeysSpec, migrate_keys}, migrate, "generic",
         "Atomically transfer a key from a Redis instance to another one.", "2.6.0",
         "This command actually executes a DUMP+DEL in the source instance, and a RESTORE in the target instance. "
         "See the pages of these commands for time complexity. Also an O(N) data transfer between the two "
         "instances is performed.",
         "host port:integer key destination-db:integer timeout:integer [COPY] [REPLACE] "
         "[AUTH password | AUTH2 username password] [KEYS key [key ...]]"});
}

}  // namespace arbor::replication
