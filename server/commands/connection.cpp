// Connection commands: PING, ECHO, HELLO, AUTH, SELECT, SWAPDB, QUIT, RESET.
#include <string>

#include "protocol/errors.h"
#include "server/core/arguments.h"
#include "server/core/command_table.h"
#include "server/commands/server_identity.h"

namespace arbor::commands {
namespace {

using core::CommandContext;
using core::equals_ci;
namespace errors = protocol::errors;

// PING [message]
void ping(CommandContext& ctx) {
  if (ctx.argc() > 2) return core::reply_wrong_arity(ctx.reply, "ping");
  // A RESP2 subscriber reads every frame as a message: Redis answers
  // ["pong", message] there.
  if (ctx.client.resp == 2 && ctx.client.subscriptions.count() > 0) {
    ctx.reply.array(2);
    ctx.reply.bulk("pong");
    return ctx.reply.bulk(ctx.argc() == 2 ? ctx.arg(1) : "");
  }
  if (ctx.argc() == 2) return ctx.reply.bulk(ctx.arg(1));
  ctx.reply.simple("PONG");
}

// ECHO message
void echo(CommandContext& ctx) { ctx.reply.bulk(ctx.arg(1)); }

// Checks a password against requirepass for user "default" (the only user
// until ACLs exist; user names are case-sensitive, as Redis's ACL). Replies
// the error and returns false on failure.
bool authenticate_or_reply(CommandContext& ctx, std::string_view user, std::string_view password) {
  const std::string& required = ctx.instance.config.settings().requirepass;
  const bool ok = user == "default" && (required.empty() || password == required);
  if (!ok) {
    ctx.reply.error(errors::kWrongPass);
    return false;
  }
  ctx.client.authenticated = true;
  return true;
}

// AUTH [username] password
void auth(CommandContext& ctx) {
  if (ctx.argc() > 3) return ctx.reply.error(errors::kSyntax);
  if (ctx.argc() == 2) {
    if (ctx.instance.config.settings().requirepass.empty()) return ctx.reply.error(errors::kAuthNotConfigured);
    if (authenticate_or_reply(ctx, "default", ctx.arg(1))) ctx.reply.ok();
    return;
  }
  if (authenticate_or_reply(ctx, ctx.arg(1), ctx.arg(2))) ctx.reply.ok();
}

// HELLO [protover [AUTH username password] [SETNAME clientname]]
void hello(CommandContext& ctx) {
  int64_t version = 0;
  size_t next = 1;
  if (ctx.argc() >= 2) {
    if (!core::int_or_reply(ctx, ctx.arg(next++), version,
                            "ERR Protocol version is not an integer or out of range"))
      return;
    if (version < 2 || version > 3) return ctx.reply.error(errors::kNoProto);
  }
  std::string_view user, password, name;
  bool has_auth = false, has_name = false;
  for (size_t i = next; i < ctx.argc(); ++i) {
    const size_t more = ctx.argc() - 1 - i;
    if (equals_ci(ctx.arg(i), "AUTH") && more >= 2) {
      user = ctx.arg(i + 1);
      password = ctx.arg(i + 2);
      has_auth = true;
      i += 2;
    } else if (equals_ci(ctx.arg(i), "SETNAME") && more >= 1) {
      name = ctx.arg(++i);
      if (!valid_client_name(name)) return ctx.reply.error(kInvalidClientName);
      has_name = true;
    } else {
      return ctx.reply.error("ERR Syntax error in HELLO option '" + std::string(ctx.arg(i)) + "'");
    }
  }
  if (has_auth && !authenticate_or_reply(ctx, user, password)) return;
  if (!ctx.client.authenticated && !ctx.instance.config.settings().requirepass.empty()) {
    return ctx.reply.error(
        "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO "
        "AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol "
        "version at the same time");
  }
  if (has_name) ctx.client.name = std::string(name);
  if (version != 0) {
    ctx.client.resp = static_cast<int>(version);
    ctx.reply.set_resp(ctx.client.resp);  // this very reply already uses the new version
  }
  ctx.reply.map(7);
  ctx.reply.bulk("server");
  ctx.reply.bulk(kServerName);
  ctx.reply.bulk("version");
  ctx.reply.bulk(kCompatibleRedisVersion);
  ctx.reply.bulk("proto");
  ctx.reply.integer(ctx.client.resp);
  ctx.reply.bulk("id");
  ctx.reply.integer(static_cast<int64_t>(ctx.client.id));
  ctx.reply.bulk("mode");
  ctx.reply.bulk("standalone");
  ctx.reply.bulk("role");
  ctx.reply.bulk(ctx.instance.is_replica() ? "replica" : "master");  // HELLO's word, not ROLE's "slave"
  ctx.reply.bulk("modules");
  ctx.reply.array(0);
}

// SELECT index
void select(CommandContext& ctx) {
  int64_t index;
  if (!core::int_or_reply(ctx, ctx.arg(1), index)) return;
  if (index < INT32_MIN || index > INT32_MAX)  // Redis's getIntFromObjectOrReply
    return ctx.reply.error("ERR value is out of range, value must between -2147483648 and 2147483647");
  if (index < 0 || index >= ctx.instance.db_count()) return ctx.reply.error(errors::kDbIndexOutOfRange);
  ctx.client.db = static_cast<int>(index);
  ctx.reply.ok();
}

// SWAPDB index1 index2
void swapdb(CommandContext& ctx) {
  int64_t a, b;
  if (!core::int_in_range_or_reply(ctx, ctx.arg(1), INT32_MIN, INT32_MAX, a, "ERR invalid first DB index") ||
      !core::int_in_range_or_reply(ctx, ctx.arg(2), INT32_MIN, INT32_MAX, b, "ERR invalid second DB index"))
    return;
  if (a < 0 || a >= ctx.instance.db_count() || b < 0 || b >= ctx.instance.db_count())
    return ctx.reply.error(errors::kDbIndexOutOfRange);
  ctx.instance.swap_databases(static_cast<int>(a), static_cast<int>(b));
  ctx.mark_dirty();
  ctx.reply.ok();
}

// QUIT
void quit(CommandContext& ctx) {
  ctx.client.close_after_reply = true;
  ctx.reply.ok();
}

// RESET
void reset(CommandContext& ctx) {
  ctx.client.multi = core::Transaction{};
  ctx.instance.watches.unwatch_all(ctx.client);
  ctx.instance.pubsub.remove_client(ctx.client);
  ctx.instance.tracking.disable(ctx.client);
  ctx.client.resp = 2;
  ctx.reply.set_resp(2);
  ctx.client.db = 0;
  ctx.client.name.clear();
  // Redis's RESET clears OFF and a pending SKIP, not the skip of this very
  // command: a RESET sent right after CLIENT REPLY SKIP gets no reply.
  if (ctx.client.reply_mode != core::ReplyMode::kSkipThis) ctx.client.reply_mode = core::ReplyMode::kOn;
  ctx.client.no_evict = false;
  if (ctx.client.is_monitor) {
    ctx.client.is_monitor = false;
    ctx.instance.monitors.remove(ctx.client);
  }
  ctx.client.authenticated = ctx.instance.config.settings().requirepass.empty();
  ctx.reply.simple("RESET");
}

}  // namespace
}  // namespace arbor::commands

namespace arbor::core {
using namespace arbor::commands;

void register_connection_commands(CommandTable& t) {
  const uint32_t conn = kFast | kStale | kLoading;
  t.add({"ping", -1, conn | kAllowedInSubscribe, {}, ping, "connection", "Ping the server", "1.0.0", "O(1)",
         "[message]"});
  t.add({"echo", 2, conn, {}, echo, "connection", "Echo the given string", "1.0.0", "O(1)", "message"});
  t.add({"auth", -2, conn | kNoAuth | kNoscript | kAllowBusy, {}, auth, "connection",
         "Authenticate to the server", "1.0.0",
         "O(N) where N is the number of passwords defined for the user", "[username] password"});
  t.add({"hello", -1, conn | kNoAuth | kNoscript | kAllowBusy, {}, hello, "connection",
         "Handshake with Redis", "6.0.0", "O(1)",
         "[protover:integer [AUTH username password] [SETNAME clientname]]"});
  t.add({"select", 2, kLoading | kStale | kFast, {}, select, "connection",
         "Change the selected database for the current connection", "1.0.0", "O(1)", "index:integer"});
  t.add({"swapdb", 3, kWrite | kFast, {}, swapdb, "server", "Swaps two Redis databases", "4.0.0",
         "O(N) where N is the count of clients watching or blocking on keys from both databases.",
         "index1:integer index2:integer"});
  t.add({"quit", -1, kAllowedInSubscribe | kAllowBusy | kNoAuth | kNoscript | kLoading | kStale | kFast, {}, quit, "connection",
         "Close the connection", "1.0.0", "O(1)", ""});
  t.add({"reset", 1, kAllowedInSubscribe | kNoAuth | kNoscript | kLoading | kStale | kFast | kAllowBusy, {}, reset, "connection",
         "Reset the connection", "6.2.0", "O(1)", ""});
}

}  // namespace arbor::core
