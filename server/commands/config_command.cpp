// CONFIG GET | SET | RESETSTAT | REWRITE | HELP over core::Config.
#include <set>
#include <string>
#include <vector>

#include "protocol/errors.h"
#include "server/commands/families.h"
#include "server/core/arguments.h"

namespace arbor::commands {
namespace {

using core::CommandContext;

// CONFIG GET parameter [parameter ...]
void config_get(CommandContext& ctx) {
  std::vector<std::string_view> patterns(ctx.args.begin() + 2, ctx.args.end());
  const auto found = ctx.instance.config.get(patterns);
  ctx.reply.map(found.size());
  for (const auto& [name, value] : found) {
    ctx.reply.bulk(name);
    ctx.reply.bulk(value);
  }
}

// CONFIG SET parameter value [parameter value ...]
// All or nothing, as Redis 7: every name is checked before anything changes,
// and a failed value restores what was set before it.
void config_set(CommandContext& ctx) {
  // Redis 7.0 answers an unpaired name with a syntax error, not an arity error.
  if (ctx.argc() % 2 != 0) return ctx.reply.error(protocol::errors::kSyntax);
  auto& config = ctx.instance.config;
  std::set<std::string> seen;
  for (size_t i = 2; i < ctx.argc(); i += 2) {
    std::string name(ctx.arg(i));
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (!config.is_known(name))
      return ctx.reply.error("ERR Unknown option or number of arguments for CONFIG SET - '" +
                             std::string(ctx.arg(i)) + "'");
    if (!seen.insert(name).second)
      return ctx.reply.error("ERR CONFIG SET failed (possibly related to argument '" + std::string(ctx.arg(i)) +
                             "') - duplicate parameter");
  }
  std::vector<std::pair<std::string, std::string>> previous;
  for (size_t i = 2; i < ctx.argc(); i += 2) {
    const std::string name(ctx.arg(i));
    auto before = config.get({name});
    if (auto error = config.set(name, ctx.arg(i + 1))) {
      for (auto it = previous.rbegin(); it != previous.rend(); ++it) (void)config.set(it->first, it->second, true);
      return ctx.reply.error("ERR CONFIG SET failed (possibly related to argument '" + name + "') - " + *error);
    }
    if (!before.empty()) previous.push_back(before.front());
  }
  ctx.reply.ok();
}

// CONFIG RESETSTAT
void config_resetstat(CommandContext& ctx) {
  auto& stats = ctx.instance.stats;
  const int64_t started = stats.start_time_ms;
  stats = core::Stats{};
  stats.start_time_ms = started;
  ctx.instance.commands.reset_stats();
  ctx.reply.ok();
}

// CONFIG REWRITE: arbor does not edit config files behind the operator's back.
void config_rewrite(CommandContext& ctx) {
  if (ctx.instance.config_file.empty())
    return ctx.reply.error("ERR The server is running without a config file");
  ctx.reply.error("ERR Rewriting config file is not supported by arbor");
}

// CONFIG HELP
void config_help(CommandContext& ctx) {
  static const char* const kLines[] = {
      "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "GET <pattern>",
      "    Return parameters matching the glob-like <pattern> and their values.",
      "SET <directive> <value>",
      "    Set the configuration <directive> to <value>.",
      "RESETSTAT",
      "    Reset statistics reported by the INFO command.",
      "REWRITE",
      "    Rewrite the configuration file.",
      "HELP",
      "    Print this help.",
  };
  ctx.reply.array(std::size(kLines));
  for (const char* line : kLines) ctx.reply.simple(line);
}

void config_container(CommandContext& ctx) { core::reply_wrong_arity(ctx.reply, "config"); }

}  // namespace

void register_config_command(core::CommandTable& t) {
  using namespace core;
  CommandSpec config{"config", -2, 0, {}, config_container, "server", "A container for server configuration commands.",
                     "2.0.0", "Depends on subcommand.", ""};
  const uint32_t admin = kAdmin | kNoscript | kLoading | kStale;
  config.subcommands.push_back({"get", -3, admin, {}, config_get, "server",
                                "Returns the effective values of configuration parameters.", "2.0.0",
                                "O(N) when N is the number of configuration parameters provided",
                                "parameter [parameter ...]"});
  config.subcommands.push_back({"set", -4, admin | kMayReplicate, {}, config_set, "server",
                                "Sets configuration parameters in-flight.", "2.0.0",
                                "O(N) when N is the number of configuration parameters provided",
                                "parameter value [parameter value ...]"});
  config.subcommands.push_back({"resetstat", 2, admin, {}, config_resetstat, "server", "Resets the server's statistics.",
                                "2.0.0", "O(1)", ""});
  config.subcommands.push_back({"rewrite", 2, admin, {}, config_rewrite, "server",
                                "Persists the effective configuration to file.", "2.8.0", "O(1)", ""});
  config.subcommands.push_back({"help", 2, kLoading | kStale, {}, config_help, "server",
                                "Returns helpful text about the different subcommands.", "5.0.0", "O(1)", ""});
  t.add(std::move(config));
}

}  // namespace arbor::commands
