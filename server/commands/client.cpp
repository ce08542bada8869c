// CLIENT subcommands: ID, SETNAME, GETNAME, SETINFO, INFO, LIST, KILL,
// NO-EVICT, REPLY, HELP. Other clients are reached through the registry and
// ClientControl, never through sockets.
#include <algorithm>
#include <string>
#include <vector>

#include "protocol/errors.h"
#include "server/commands/server_identity.h"
#include "server/commands/client_tracking.h"
#include "server/core/arguments.h"
#include "server/core/client_eviction.h"
#include "server/commands/families.h"

namespace arbor::commands {
namespace {

using core::ClientState;
using core::CommandContext;
using core::equals_ci;
namespace errors = protocol::errors;

// Client classes as CLIENT LIST/KILL TYPE name them.
std::string_view client_type(const ClientState& c) {
  if (c.is_master) return "master";
  if (c.is_replica) return "replica";
  return c.subscriptions.count() > 0 ? "pubsub" : "normal";
}

// Returns the lower-case class for a TYPE argument, or empty when unknown.
std::string_view type_argument(std::string_view value) {
  for (std::string_view type : {"normal", "master", "replica", "pubsub"})
    if (equals_ci(value, type)) return type;
  if (equals_ci(value, "slave")) return "replica";
  return {};
}

// CLIENT LIST flags in Redis's order: P pubsub, x MULTI, b blocked, d a
// watched key changed; N when none.
std::string flags_text(const ClientState& c) {
  std::string flags;
  if (c.is_replica) flags += 'S';
  if (c.is_master) flags += 'M';
  if (c.is_monitor) flags += 'O';
  if (c.subscriptions.count() > 0) flags += 'P';
  if (c.multi.active) flags += 'x';
  if (c.blocked) flags += 'b';
  if (c.tracking.on) flags += 't';
  if (c.tracking.broken_redirect) flags += 'R';
  if (c.tracking.bcast) flags += 'B';
  if (c.watch_dirty) flags += 'd';
  if (c.close_after_reply) flags += 'c';
  if (c.is_unix_socket) flags += 'U';
  if (c.no_evict) flags += 'e';
  if (flags.empty()) flags += 'N';
  return flags;
}

// One CLIENT LIST line, fields in Redis 7's order. `argv_bytes`: the
// arguments of the command the client is running (the one asking), 0 for
// the others, whose commands are done.
std::string describe(const ClientState& c, int64_t now_ms, size_t argv_bytes = 0) {
  const size_t qbuf = c.control ? c.control->query_buffer_bytes() : 0;
  const size_t qbuf_free = c.control ? c.control->query_buffer_free() : 0;
  const size_t omem = c.control ? c.control->output_buffer_bytes() : 0;
  const size_t multi_mem = core::multi_memory(c);
  constexpr size_t kReplyBufferSize = 16384;
  std::string line;
  line.reserve(320);
  line += "id=" + std::to_string(c.id);
  line += " addr=" + c.addr;
  line += " laddr=" + c.laddr;
  line += " fd=" + std::to_string(c.fd);
  line += " name=" + c.name;
  line += " age=" + std::to_string((now_ms - c.created_ms) / 1000);
  line += " idle=" + std::to_string((now_ms - c.last_interaction_ms) / 1000);
  line += " flags=";
  line += flags_text(c);
  line += " db=" + std::to_string(c.db);
  line += " sub=" + std::to_string(c.subscriptions.channels.size());
  line += " psub=" + std::to_string(c.subscriptions.patterns.size());
  line += " ssub=" + std::to_string(c.subscriptions.shard_channels.size());
  line += " multi=";
  line += c.multi.active ? std::to_string(c.multi.queued.size()) : "-1";
  line += " qbuf=" + std::to_string(qbuf);
  line += " qbuf-free=" + std::to_string(qbuf_free);
  line += " argv-mem=" + std::to_string(argv_bytes);
  line += " multi-mem=" + std::to_string(multi_mem);
  // Output as Redis holds it: a 16 KB buffer (obl bytes in it), then a list
  // of 16 KB blocks (oll); rbp the most one write carried lately, within
  // the buffer.
  const size_t peak = c.control ? std::min(c.control->output_peak(now_ms), kReplyBufferSize) : 0;
  const size_t obl = std::min(omem, kReplyBufferSize);
  const size_t oll = (omem - obl + kReplyBufferSize - 1) / kReplyBufferSize;
  line += " rbs=" + std::to_string(kReplyBufferSize) + " rbp=" + std::to_string(peak);
  line += " obl=" + std::to_string(obl) + " oll=" + std::to_string(oll);
  line += " omem=" + std::to_string(omem);
  line += " tot-mem=" + std::to_string(core::client_memory(c, argv_bytes));
  line += " events=r cmd=";
  line += c.last_command;
  line += " user=default redir=";
  line += c.tracking.on ? std::to_string(c.tracking.redirect) : "-1";
  line += " resp=" + std::to_string(c.resp);
  line += " lib-name=" + c.lib_name;
  line += " lib-ver=" + c.lib_ver;
  return line;
}

// CLIENT ID
void client_id(CommandContext& ctx) { ctx.reply.integer(static_cast<int64_t>(ctx.client.id)); }

// CLIENT SETNAME connection-name
void client_setname(CommandContext& ctx) {
  if (!valid_client_name(ctx.arg(2))) return ctx.reply.error(kInvalidClientName);
  ctx.client.name = std::string(ctx.arg(2));
  ctx.reply.ok();
}

// CLIENT GETNAME
void client_getname(CommandContext& ctx) {
  if (ctx.client.name.empty()) return ctx.reply.null();
  ctx.reply.bulk(ctx.client.name);
}

// CLIENT SETINFO LIB-NAME libname | LIB-VER libver
void client_setinfo(CommandContext& ctx) {
  const std::string_view attr = ctx.arg(2), value = ctx.arg(3);
  const bool is_name = equals_ci(attr, "LIB-NAME");
  if (!is_name && !equals_ci(attr, "LIB-VER"))
    return ctx.reply.error("ERR Unrecognized option '" + std::string(attr) + "'");
  if (!valid_client_name(value))  // Redis 7.2 names the attribute as it was given
    return ctx.reply.error("ERR " + std::string(attr) + " cannot contain spaces, newlines or special characters.");
  (is_name ? ctx.client.lib_name : ctx.client.lib_ver) = std::string(value);
  ctx.reply.ok();
}

// CLIENT INFO
size_t argument_bytes(const CommandContext& ctx) {
  size_t bytes = 0;
  for (std::string_view arg : ctx.args) bytes += arg.size();
  return bytes;
}

void client_info(CommandContext& ctx) {
  ctx.reply.verbatim(describe(ctx.client, ctx.now_ms(), argument_bytes(ctx)) + "\n");
}

// CLIENT LIST [TYPE NORMAL | MASTER | REPLICA | PUBSUB] [ID client-id [client-id ...]]
void client_list(CommandContext& ctx) {
  std::vector<uint64_t> ids;
  std::string_view only_type;
  for (size_t i = 2; i < ctx.argc(); ++i) {
    if (equals_ci(ctx.arg(i), "TYPE") && i + 1 < ctx.argc()) {
      std::string_view type = ctx.arg(++i);
      only_type = type_argument(type);
      if (only_type.empty()) return ctx.reply.error("ERR Unknown client type '" + std::string(type) + "'");
    } else if (equals_ci(ctx.arg(i), "ID") && i + 1 < ctx.argc()) {
      while (++i < ctx.argc()) {
        int64_t id;
        if (!core::int_or_reply(ctx, ctx.arg(i), id, "ERR Invalid client ID")) return;
        // Ids start at 1, so 0 stands for "matches no client", as Redis treats <= 0.
        ids.push_back(id > 0 ? static_cast<uint64_t>(id) : 0);
      }
    } else {
      return ctx.reply.error(errors::kSyntax);
    }
  }
  std::string text;
  for (const ClientState* c : ctx.instance.clients()) {
    if (!ids.empty() && std::find(ids.begin(), ids.end(), c->id) == ids.end()) continue;
    if (!only_type.empty() && client_type(*c) != only_type) continue;
    text += describe(*c, ctx.now_ms(), c == &ctx.client ? argument_bytes(ctx) : 0);
    text += '\n';
  }
  ctx.reply.verbatim(text);
}

// CLIENT KILL ip:port | CLIENT KILL [ID id] [TYPE type] [USER user] [ADDR ip:port] [LADDR ip:port] [SKIPME yes|no]
void client_kill(CommandContext& ctx) {
  std::string_view addr, laddr, user;
  int64_t id = 0;
  bool skip_me = true, has_filter = false;
  std::string_view only_type;
  const bool old_form = ctx.argc() == 3;
  if (old_form) {
    addr = ctx.arg(2);
    skip_me = false;
  } else {
    if (ctx.argc() % 2 != 0) return ctx.reply.error(errors::kSyntax);
    for (size_t i = 2; i + 1 < ctx.argc(); i += 2) {
      std::string_view opt = ctx.arg(i), value = ctx.arg(i + 1);
      has_filter = true;
      if (equals_ci(opt, "ID")) {
        if (!core::int_or_reply(ctx, value, id, "ERR client-id should be greater than 0")) return;
        if (id <= 0) return ctx.reply.error("ERR client-id should be greater than 0");
      } else if (equals_ci(opt, "TYPE")) {
        only_type = type_argument(value);
        if (only_type.empty()) return ctx.reply.error("ERR Unknown client type '" + std::string(value) + "'");
      } else if (equals_ci(opt, "ADDR")) {
        addr = value;
      } else if (equals_ci(opt, "LADDR")) {
        laddr = value;
      } else if (equals_ci(opt, "USER")) {
        user = value;
        if (user != "default") return ctx.reply.error("ERR No such user '" + std::string(user) + "'");
      } else if (equals_ci(opt, "SKIPME")) {
        if (equals_ci(value, "yes")) skip_me = true;
        else if (equals_ci(value, "no")) skip_me = false;
        else return ctx.reply.error(errors::kSyntax);
      } else {
        return ctx.reply.error(errors::kSyntax);
      }
    }
    if (!has_filter) return ctx.reply.error(errors::kSyntax);
  }
  int64_t killed = 0;
  for (ClientState* c : std::vector<ClientState*>(ctx.instance.clients())) {
    if (!addr.empty() && c->addr != addr) continue;
    if (!laddr.empty() && c->laddr != laddr) continue;
    if (id != 0 && c->id != static_cast<uint64_t>(id)) continue;
    if (!only_type.empty() && client_type(*c) != only_type) continue;
    if (c == &ctx.client) {
      if (skip_me) continue;
      c->close_after_reply = true;  // our reply goes out first
    } else if (c->control) {
      c->control->close_soon();
    } else if (c->is_master && ctx.instance.hooks.drop_master_link) {
      ctx.instance.hooks.drop_master_link();  // the replica reconnects and continues (PSYNC)
    }
    ++killed;
  }
  if (old_form) {
    if (killed == 0) return ctx.reply.error("ERR No such client");
    return ctx.reply.ok();
  }
  ctx.reply.integer(killed);
}

// CLIENT NO-EVICT ON | OFF
void client_no_evict(CommandContext& ctx) {
  if (equals_ci(ctx.arg(2), "ON")) ctx.client.no_evict = true;
  else if (equals_ci(ctx.arg(2), "OFF")) ctx.client.no_evict = false;
  else return ctx.reply.error(errors::kSyntax);
  ctx.reply.ok();
}

// CLIENT PAUSE timeout [WRITE | ALL]: commands from clients (not replicas)
// wait, all of them or those that may write, for `timeout` milliseconds.
void client_pause(CommandContext& ctx) {
  if (ctx.argc() > 4) return core::reply_subcommand_syntax_error(ctx.reply, "CLIENT", ctx.arg(1));
  int64_t timeout = 0;
  if (!core::int_or_reply(ctx, ctx.arg(2), timeout, "ERR timeout is not an integer or out of range")) return;
  if (timeout < 0) return ctx.reply.error("ERR timeout is negative");
  auto type = core::Instance::PauseType::all;
  if (ctx.argc() == 4) {
    if (equals_ci(ctx.arg(3), "WRITE")) type = core::Instance::PauseType::write;
    else if (!equals_ci(ctx.arg(3), "ALL")) return ctx.reply.error("ERR CLIENT PAUSE mode must be WRITE or ALL");
  }
  const int64_t now = core::unix_time_ms();
  const int64_t end = timeout > INT64_MAX - now ? INT64_MAX : now + timeout;
  ctx.instance.pause_clients(type, end);
  ctx.reply.ok();
}

// CLIENT UNPAUSE: the postponed commands run now.
void client_unpause(CommandContext& ctx) {
  ctx.instance.unpause_clients();  // (they run once this command is over)
  ctx.reply.ok();
}

// CLIENT REPLY ON | OFF | SKIP
void client_reply(CommandContext& ctx) {
  const std::string_view mode = ctx.arg(2);
  if (equals_ci(mode, "ON")) {
    ctx.client.reply_mode = core::ReplyMode::kOn;
    ctx.reply.ok();
  } else if (equals_ci(mode, "OFF")) {
    ctx.client.reply_mode = core::ReplyMode::kOff;
  } else if (equals_ci(mode, "SKIP")) {
    // Ignored while replies are off, as Redis.
    if (ctx.client.reply_mode != core::ReplyMode::kOff) ctx.client.reply_mode = core::ReplyMode::kSkipNext;
  } else {
    ctx.reply.error(errors::kSyntax);
  }
}

// CLIENT UNBLOCK client-id [TIMEOUT | ERROR]
void client_unblock(CommandContext& ctx) {
  int64_t id;
  if (!core::int_or_reply(ctx, ctx.arg(2), id)) return;
  bool as_error = false;
  if (ctx.argc() == 4) {
    if (equals_ci(ctx.arg(3), "ERROR")) as_error = true;
    else if (!equals_ci(ctx.arg(3), "TIMEOUT"))
      return ctx.reply.error("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
  }
  for (ClientState* c : ctx.instance.clients()) {
    // A command postponed by a pause is not a wait the client chose.
    if (c->id != static_cast<uint64_t>(id) || !c->blocked || c->blocked->postponed) continue;
    ctx.instance.unblock_client(*c, as_error ? "UNBLOCKED client unblocked via CLIENT UNBLOCK" : "");
    return ctx.reply.integer(1);
  }
  ctx.reply.integer(0);
}

// CLIENT HELP
void client_help(CommandContext& ctx) {
  static const char* const kLines[] = {
      "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "CACHING (YES|NO)",
      "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
      "GETREDIR",
      "    Return the client ID we are redirecting to when tracking is enabled.",
      "GETNAME",
      "    Return the name of the current connection.",
      "ID",
      "    Return the ID of the current connection.",
      "INFO",
      "    Return information about the current client connection.",
      "KILL <ip:port>",
      "    Kill connection made from <ip:port>.",
      "KILL <option> <value> [<option> <value> [...]]",
      "    Kill connections. Options are:",
      "    * ADDR (<ip:port>|<unixsocket>:0)",
      "      Kill connections made from the specified address",
      "    * LADDR (<ip:port>|<unixsocket>:0)",
      "      Kill connections made to specified local address",
      "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
      "      Kill connections by type.",
      "    * USER <username>",
      "      Kill connections authenticated by <username>.",
      "    * SKIPME (YES|NO)",
      "      Skip killing current connection (default: yes).",
      "    * ID <client-id>",
      "      Kill connections by client id.",
      "LIST [options ...]",
      "    Return information about client connections. Options:",
      "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
      "      Return clients of specified type.",
      "    * ID <client-id> [<client-id> ...]",
      "      Return clients of specified IDs only.",
      "UNPAUSE",
      "    Stop the current client pause, resuming traffic.",
      "PAUSE <timeout> [WRITE|ALL]",
      "    Suspend all, or just write, clients for <timeout> milliseconds.",
      "NO-EVICT (ON|OFF)",
      "    Protect current client connection from eviction.",
      "REPLY (ON|OFF|SKIP)",
      "    Control the replies sent to the current connection.",
      "UNBLOCK <clientid> [TIMEOUT|ERROR]",
      "    Unblock the specified blocked client.",
      "SETNAME <name>",
      "    Assign the name <name> to the current connection.",
      "SETINFO <option> <value>",
      "    Set client meta attr. Options are:",
      "    * LIB-NAME: the client lib name.",
      "    * LIB-VER: the client lib version.",
      "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
      "         [OPTIN] [OPTOUT] [NOLOOP]",
      "    Control server assisted client side caching.",
      "TRACKINGINFO",
      "    Report tracking status for the current connection.",
      "HELP",
      "    Print this help.",
  };
  core::reply_help(ctx.reply, kLines);
}

void client_container(CommandContext& ctx) { core::reply_wrong_arity(ctx.reply, "client"); }

}  // namespace

void register_client_command(core::CommandTable& t) {
  using namespace core;
  const uint32_t base = kNoscript | kLoading | kStale;
  CommandSpec client{"client", -2, 0, {}, client_container, "connection",
                     "A container for client connection commands", "2.4.0", "Depends on subcommand.", ""};
  auto sub = [&](std::string_view name, int arity, uint32_t flags, Handler h, std::string_view summary,
                 std::string_view since, std::string_view syntax, std::string_view complexity = "O(1)") {
    client.subcommands.push_back({name, arity, flags, {}, h, "connection", summary, since, complexity, syntax});
  };
  sub("id", 2, base, client_id, "Returns the client ID for the current connection", "5.0.0", "");
  sub("setname", 3, base, client_setname, "Set the current connection name", "2.6.9", "connection-name");
  sub("getname", 2, base, client_getname, "Get the current connection name", "2.6.9", "");
  sub("setinfo", 4, base, client_setinfo, "Sets information specific to the client or connection.", "7.2.0",
      "LIB-NAME libname | LIB-VER libver");
  sub("info", 2, base, client_info, "Returns information about the current client connection.", "6.2.0", "");
  sub("list", -2, base | kAdmin, client_list, "Get the list of client connections", "2.4.0",
      "[TYPE NORMAL | MASTER | REPLICA | PUBSUB] [ID client-id:integer [client-id:integer ...]]",
      "O(N) where N is the number of client connections");
  sub("kill", -3, base | kAdmin, client_kill, "Kill the connection of a client", "2.4.0",
      "ip:port | [ID client-id:integer] [TYPE NORMAL | MASTER | SLAVE | REPLICA | PUBSUB] [USER username] "
      "[ADDR ip:port] [LADDR ip:port] [SKIPME yes/no]",
      "O(N) where N is the number of client connections");
  sub("no-evict", 3, base | kAdmin, client_no_evict, "Set client eviction mode for the current connection",
      "7.0.0", "ON | OFF");
  sub("pause", -3, base | kAdmin, client_pause, "Stop processing commands from clients for some time", "2.9.50",
      "timeout:integer [WRITE | ALL]", "O(1)");
  sub("unpause", 2, base | kAdmin, client_unpause, "Resume processing of clients that were paused", "6.2.0", "",
      "O(N) Where N is the number of paused clients");
  sub("reply", 3, base, client_reply, "Instruct the server whether to reply to commands", "3.2.0",
      "ON | OFF | SKIP");
  sub("unblock", -3, base | kAdmin, client_unblock, "Unblock a client blocked in a blocking command from a different connection",
      "5.0.0", "client-id:integer [TIMEOUT | ERROR]", "O(log N) where N is the number of client connections");
  sub("tracking", -3, base, client_tracking, "Enable or disable server assisted client side caching support",
      "6.0.0",
      "ON | OFF [REDIRECT client-id:integer] [PREFIX prefix [PREFIX prefix ...]] [BCAST] [OPTIN] [OPTOUT] [NOLOOP]",
      "O(1). Some options may introduce additional complexity.");
  sub("caching", 3, base, client_caching, "Instruct the server about tracking or not keys in the next request",
      "6.0.0", "YES | NO");
  sub("getredir", 2, base, client_getredir, "Get tracking notifications redirection client ID if any", "6.0.0", "");
  sub("trackinginfo", 2, base, client_trackinginfo,
      "Return information about server assisted client side caching for the current connection", "6.2.0", "");
  sub("help", 2, kLoading | kStale, client_help, "Show helpful text about the different subcommands",
      "5.0.0", "");
  t.add(std::move(client));
}

}  // namespace arbor::commands
