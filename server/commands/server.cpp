// Server commands: DBSIZE, FLUSHDB, FLUSHALL, TIME, LASTSAVE, SHUTDOWN and
// DEBUG; CLIENT, CONFIG, INFO and COMMAND register from their own files.
#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>

#include <spdlog/spdlog.h>

#include "protocol/errors.h"
#include "protocol/number_format.h"
#include "server/commands/families.h"
#include "server/core/arguments.h"
#include "server/keyspace/digest.h"

namespace arbor::commands {
namespace {

using core::CommandContext;
using core::equals_ci;
namespace errors = protocol::errors;

// DBSIZE
void dbsize(CommandContext& ctx) { ctx.reply.integer(static_cast<int64_t>(ctx.db().size())); }

bool flush_mode_or_reply(CommandContext& ctx, bool& async) {
  async = false;
  if (ctx.argc() > 2) {
    ctx.reply.error(errors::kSyntax);
    return false;
  }
  if (ctx.argc() == 2) {
    if (equals_ci(ctx.arg(1), "ASYNC")) async = true;
    else if (!equals_ci(ctx.arg(1), "SYNC")) {
      ctx.reply.error(errors::kSyntax);
      return false;
    }
  }
  return true;
}

// FLUSHDB [ASYNC | SYNC]
void flushdb(CommandContext& ctx) {
  bool async;
  if (!flush_mode_or_reply(ctx, async)) return;
  ctx.mark_dirty(ctx.db().size());
  ctx.instance.flush_db(ctx.client.db, async);
  ctx.reply.ok();
}

// FLUSHALL [ASYNC | SYNC]
void flushall(CommandContext& ctx) {
  bool async;
  if (!flush_mode_or_reply(ctx, async)) return;
  for (int i = 0; i < ctx.instance.db_count(); ++i) ctx.mark_dirty(ctx.instance.db(i).size());
  ctx.instance.flush_all(async);
  ctx.reply.ok();
}

// TIME
void time(CommandContext& ctx) {
  const int64_t us = core::unix_time_us();
  ctx.reply.array(2);
  ctx.reply.bulk(std::to_string(us / 1000000));
  ctx.reply.bulk(std::to_string(us % 1000000));
}

// LASTSAVE
void lastsave(CommandContext& ctx) { ctx.reply.integer(ctx.instance.persistence.last_save_unix); }

// SHUTDOWN [NOSAVE | SAVE] [NOW] [FORCE] [ABORT]
// SAVE forces a dump first, NOSAVE skips it, neither saves when save points
// are configured (Instance::save_before_exit); a failed save stops the
// shutdown unless FORCE. Like Redis, a successful SHUTDOWN sends no reply.
void shutdown(CommandContext& ctx) {
  bool abort = false, save = false, nosave = false, force = false;
  for (size_t i = 1; i < ctx.argc(); ++i) {
    const std::string_view opt = ctx.arg(i);
    if (equals_ci(opt, "ABORT")) abort = true;
    else if (equals_ci(opt, "SAVE")) save = true;
    else if (equals_ci(opt, "NOSAVE")) nosave = true;
    else if (equals_ci(opt, "FORCE")) force = true;
    else if (!equals_ci(opt, "NOW")) return ctx.reply.error(errors::kSyntax);
  }
  if (abort) {
    if (ctx.argc() > 2) return ctx.reply.error(errors::kSyntax);
    return ctx.reply.error("ERR No shutdown in progress.");
  }
  if (save && nosave) return ctx.reply.error(errors::kSyntax);
  // Saving would store half of the busy script: only NOSAVE may stop it.
  if (ctx.instance.script_busy && !nosave)
    return ctx.reply.error(ctx.instance.busy_script_is_function
                               ? "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE."
                               : "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.");
  if (!nosave && !ctx.instance.save_before_exit(save, force)) {
    spdlog::warn("Errors trying to shut down the server. Check the logs for more information.");
    return ctx.reply.error("ERR Errors trying to SHUTDOWN. Check logs.");
  }
  if (ctx.instance.hooks.request_shutdown) ctx.instance.hooks.request_shutdown();
  ctx.client.close_after_reply = true;
}

// MONITOR: this client now receives every command's line (core::Monitors).
void monitor(CommandContext& ctx) {
  // Scripts and transactions expect one reply per command.
  if (ctx.client.in_script || ctx.client.multi.active || ctx.client.in_exec)
    return ctx.reply.error("ERR MONITOR isn't allowed for DENY BLOCKING client");
  if (ctx.client.is_replica || ctx.client.is_monitor) return;  // as Redis: ignored, no reply
  ctx.client.is_monitor = true;
  ctx.instance.monitors.add(ctx.client);
  ctx.reply.ok();
}

// DEBUG SLEEP seconds | DEBUG SET-ACTIVE-EXPIRE 0|1 | DEBUG HELP
// SLEEP blocks the event loop on purpose: tests use it to make a slow server.
void debug(CommandContext& ctx) {
  const std::string_view sub = ctx.arg(1);
  if (equals_ci(sub, "SLEEP") && ctx.argc() == 3) {
    // Redis reads the time with strtod and no check: junk sleeps 0 seconds.
    const double seconds = std::strtod(std::string(ctx.arg(2)).c_str(), nullptr);
    if (seconds > 0) std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    return ctx.reply.ok();
  }
  if (equals_ci(sub, "SET-ACTIVE-EXPIRE") && ctx.argc() == 3) {
    int64_t enabled;
    if (!core::int_or_reply(ctx, ctx.arg(2), enabled)) return;
    ctx.instance.active_expire_enabled = enabled != 0;
    return ctx.reply.ok();
  }
  if (equals_ci(sub, "DIGEST") && ctx.argc() == 2) {
    keyspace::Digest all{0, 0, 0};
    for (int i = 0; i < ctx.instance.db_count(); ++i) {
      const keyspace::Digest d = keyspace::digest_database(ctx.instance.db(i), ctx.now_ms());
      for (size_t j = 0; j < all.size(); ++j) all[j] ^= d[j];
    }
    return ctx.reply.simple(keyspace::digest_hex(all));
  }
  if (equals_ci(sub, "DIGEST-VALUE")) {
    ctx.reply.array(ctx.argc() - 2);
    for (size_t i = 2; i < ctx.argc(); ++i) {
      const keyspace::Entry* entry = ctx.db().find(ctx.arg(i), ctx.now_ms());
      ctx.reply.simple(entry != nullptr ? keyspace::digest_hex(keyspace::digest_value(*entry)) : std::string(40, '0'));
    }
    return;
  }
  if (equals_ci(sub, "HELP")) {
    static const char* const kLines[] = {
        "DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "DIGEST",
        "    Output a hex signature representing the current DB content.",
        "DIGEST-VALUE <key> [<key> ...]",
        "    Output a hex signature of the values of all the specified keys.",
        "SET-ACTIVE-EXPIRE <0|1>",
        "    Setting it to 0 disables expiring keys in background when they are not accessed.",
        "SLEEP <seconds>",
        "    Stop the server for <seconds>. Decimals allowed.",
        "HELP",
        "    Print this help.",
    };
    core::reply_help(ctx.reply, kLines);
    return;
  }
  core::reply_subcommand_syntax_error(ctx.reply, "debug", sub);
}

}  // namespace
}  // namespace arbor::commands

namespace arbor::core {
using namespace arbor::commands;

void register_server_commands(CommandTable& t) {
  t.add({"dbsize", 1, kReadonly | kFast, {}, dbsize, "server",
         "Return the number of keys in the selected database", "1.0.0", "O(1)", ""});
  t.add({"flushdb", -1, kWrite, {}, flushdb, "server", "Remove all keys from the current database", "1.0.0",
         "O(N) where N is the number of keys in the selected database", "[ASYNC | SYNC]"});
  t.add({"flushall", -1, kWrite, {}, flushall, "server", "Remove all keys from all databases", "1.0.0",
         "O(N) where N is the total number of keys in all databases", "[ASYNC | SYNC]"});
  t.add({"time", 1, kLoading | kStale | kFast | kRandom, {}, time, "server", "Return the current server time",
         "2.6.0", "O(1)", ""});
  t.add({"lastsave", 1, kLoading | kStale | kFast | kRandom, {}, lastsave, "server",
         "Get the UNIX time stamp of the last successful save to disk", "1.0.0", "O(1)", ""});
  t.add({"shutdown", -1, kAdmin | kNoscript | kLoading | kStale | kNoMulti | kSentinel | kAllowBusy, {},
         shutdown, "server", "Synchronously save the dataset to disk and then shut down the server",
         "1.0.0", "O(N) when saving, where N is the total number of keys in all databases when saving data, "
         "otherwise O(1)",
         "[NOSAVE | SAVE] [NOW] [FORCE] [ABORT]"});
  t.add({"monitor", 1, kAdmin | kNoscript | kLoading | kStale, {}, monitor, "server",
         "Listen for all requests received by the server in real time", "1.0.0", "O(1)", ""});
  t.add({"debug", -2, kAdmin | kNoscript | kLoading | kStale | kProtected, {}, debug, "server",
         "A container for debugging commands", "1.0.0", "Depends on subcommand.", "subcommand [arg ...]"});
  register_client_command(t);
  register_config_command(t);
  register_slowlog_command(t);
  register_latency_command(t);
  register_lolwut_command(t);
  register_memory_command(t);
  register_info_command(t);
  register_command_command(t);
}

}  // namespace arbor::core
