// SLOWLOG GET [count] | LEN | RESET | HELP over core::Slowlog (the
// dispatcher records the entries).
#include <algorithm>

#include "protocol/number_format.h"
#include "server/commands/families.h"
#include "server/core/arguments.h"
#include "server/core/command_context.h"
#include "server/core/instance.h"

namespace arbor::commands {
namespace {

using core::CommandContext;

// SLOWLOG GET [count]: the newest `count` entries (10; -1 all).
void slowlog_get(CommandContext& ctx) {
  int64_t count = 10;
  if (ctx.argc() == 3) {
    constexpr std::string_view kCountError = "ERR count should be greater than or equal to -1";
    auto parsed = protocol::parse_int64(ctx.arg(2));
    if (!parsed || *parsed < -1) return ctx.reply.error(kCountError);
    count = *parsed;
  }
  const auto& entries = ctx.instance.slowlog.entries();
  const size_t n = count < 0 ? entries.size() : std::min(entries.size(), static_cast<size_t>(count));
  ctx.reply.array(n);
  for (size_t i = 0; i < n; ++i) {
    const core::SlowlogEntry& e = entries[i];
    ctx.reply.array(6);
    ctx.reply.integer(e.id);
    ctx.reply.integer(e.unix_seconds);
    ctx.reply.integer(e.duration_us);
    ctx.reply.array(e.args.size());
    for (const std::string& arg : e.args) ctx.reply.bulk(arg);
    ctx.reply.bulk(e.peer);
    ctx.reply.bulk(e.client_name);
  }
}

void slowlog_len(CommandContext& ctx) { ctx.reply.integer(static_cast<int64_t>(ctx.instance.slowlog.entries().size())); }

void slowlog_reset(CommandContext& ctx) {
  ctx.instance.slowlog.reset();
  ctx.reply.ok();
}

void slowlog_help(CommandContext& ctx) {
  static const char* const kLines[] = {
      "SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "GET [<count>]",
      "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
      "    Entries are made of:",
      "    id, timestamp, time in microseconds, arguments array, client IP and port,",
      "    client name",
      "LEN",
      "    Return the length of the slowlog.",
      "RESET",
      "    Reset the slowlog.",
      "HELP",
      "    Prints this help.",
  };
  core::reply_help(ctx.reply, kLines);
}

void slowlog_container(CommandContext& ctx) { core::reply_wrong_arity(ctx.reply, "slowlog"); }

}  // namespace

void register_slowlog_command(core::CommandTable& t) {
  using namespace core;
  CommandSpec slowlog{"slowlog", -2, 0, {}, slowlog_container, "server", "A container for slow log commands",
                      "2.2.12", "Depends on subcommand.", ""};
  const uint32_t admin = kAdmin | kLoading | kStale;
  slowlog.subcommands.push_back({"get", -2, admin, {}, slowlog_get, "server", "Get the slow log's entries", "2.2.12",
                                 "O(N) where N is the number of entries returned", "[count:integer]"});
  slowlog.subcommands.push_back({"len", 2, admin, {}, slowlog_len, "server", "Get the slow log's length", "2.2.12",
                                 "O(1)", ""});
  slowlog.subcommands.push_back({"reset", 2, admin, {}, slowlog_reset, "server",
                                 "Clear all entries from the slow log", "2.2.12",
                                 "O(N) where N is the number of entries in the slowlog", ""});
  slowlog.subcommands.push_back({"help", 2, kLoading | kStale, {}, slowlog_help, "server",
                                 "Show helpful text about the different subcommands", "6.2.0", "O(1)", ""});
  t.add(std::move(slowlog));
}

}  // namespace arbor::commands
