// COMMAND and its subcommands: the command table seen from a client. Replies
// are rendered by core/command_docs; this file parses arguments, looks names
// up ("client|id" included) and extracts keys for GETKEYS. Error texts are
// Redis 7.0's, word for word.
#include "server/commands/families.h"

#include <algorithm>
#include <iterator>
#include <string>
#include <vector>

#include "protocol/errors.h"
#include "protocol/number_format.h"
#include "server/core/arguments.h"
#include "server/core/command_context.h"
#include "server/core/command_docs.h"
#include "server/core/command_keys.h"
#include "server/core/glob.h"

namespace arbor::commands {
namespace {

using core::Command;
using core::CommandContext;
using core::equals_ci;

const core::CommandTable& table_of(const CommandContext& ctx) { return ctx.instance.commands; }

// "get" or "client|id", case-insensitive, as Redis's lookupCommandBySds.
const Command* find_by_fullname(const core::CommandTable& table, std::string_view name) {
  const size_t bar = name.find('|');
  if (bar == std::string_view::npos) return table.find(name);
  const std::string_view sub = name.substr(bar + 1);
  if (sub.find('|') != std::string_view::npos) return nullptr;
  const Command* parent = table.find(name.substr(0, bar));
  if (parent == nullptr || !parent->has_subcommands()) return nullptr;
  return table.find_subcommand(*parent, sub);
}

// COMMAND
void command_all(CommandContext& ctx) {
  const auto& all = table_of(ctx).all();
  ctx.reply.array(all.size());
  for (const Command* command : all) core::write_command_info(ctx.reply, *command);
}

// COMMAND COUNT: top-level commands only, as Redis.
void command_count(CommandContext& ctx) { ctx.reply.integer(static_cast<int64_t>(table_of(ctx).all().size())); }

// COMMAND INFO [command-name ...]: nil for unknown names; no names = all.
void command_info(CommandContext& ctx) {
  if (ctx.argc() == 2) return command_all(ctx);
  ctx.reply.array(ctx.argc() - 2);
  for (size_t i = 2; i < ctx.argc(); ++i) {
    const Command* command = find_by_fullname(table_of(ctx), ctx.arg(i));
    if (command != nullptr) {
      core::write_command_info(ctx.reply, *command);
    } else {
      ctx.reply.null();
    }
  }
}

// COMMAND DOCS [command-name ...]: a map name -> docs; unknown names are left out.
void command_docs(CommandContext& ctx) {
  std::vector<const Command*> found;
  if (ctx.argc() == 2) {
    const auto& all = table_of(ctx).all();
    found.assign(all.begin(), all.end());
  } else {
    for (size_t i = 2; i < ctx.argc(); ++i)
      if (const Command* command = find_by_fullname(table_of(ctx), ctx.arg(i))) found.push_back(command);
  }
  ctx.reply.map(found.size());
  for (const Command* command : found) core::write_command_docs(ctx.reply, *command);
}

enum class ListFilter { kNone, kModule, kAclCategory, kPattern };

bool passes(const Command& command, ListFilter filter, std::string_view arg) {
  switch (filter) {
    case ListFilter::kNone:
      return true;
    case ListFilter::kModule:
      return false;  // arbor loads no modules
    case ListFilter::kAclCategory: {
      for (std::string_view category : core::acl_categories(command))
        if (equals_ci(category, arg)) return true;
      return false;
    }
    case ListFilter::kPattern:
      return core::glob_match(arg, command.fullname, /*nocase=*/true);
  }
  return false;
}

// COMMAND LIST [FILTERBY MODULE module-name | ACLCAT category | PATTERN pattern]
// Lists subcommands by full name right after their container, as Redis.
void command_list(CommandContext& ctx) {
  ListFilter filter = ListFilter::kNone;
  std::string_view arg;
  if (ctx.argc() == 5 && equals_ci(ctx.arg(2), "FILTERBY")) {
    arg = ctx.arg(4);
    if (equals_ci(ctx.arg(3), "MODULE")) filter = ListFilter::kModule;
    else if (equals_ci(ctx.arg(3), "ACLCAT")) filter = ListFilter::kAclCategory;
    else if (equals_ci(ctx.arg(3), "PATTERN")) filter = ListFilter::kPattern;
  }
  if (ctx.argc() != 2 && filter == ListFilter::kNone) return ctx.reply.error(protocol::errors::kSyntax);

  std::vector<std::string_view> names;
  for (const Command* command : table_of(ctx).all()) {
    if (passes(*command, filter, arg)) names.push_back(command->fullname);
    for (const auto& sub : command->subcommands)
      if (passes(*sub, filter, arg)) names.push_back(sub->fullname);
  }
  ctx.reply.array(names.size());
  for (std::string_view name : names) ctx.reply.bulk(name);
}

// Resolves the command inside COMMAND GETKEYS[ANDFLAGS] and extracts its keys
// (core/command_keys). Returns false after replying with the error.
bool keys_or_reply(CommandContext& ctx, const Command*& out, std::vector<std::string_view>& keys,
                   std::vector<size_t>& specs) {
  const std::span<const std::string_view> argv = ctx.args.subspan(2);
  const Command* command = table_of(ctx).find(argv[0]);
  if (command != nullptr && command->has_subcommands() && argv.size() >= 2)
    command = table_of(ctx).find_subcommand(*command, argv[1]);
  // Redis checks in this order: the command, whether it has keys, its arity.
  if (command == nullptr) {
    ctx.reply.error("ERR Invalid command specified");
    return false;
  }
  if (!core::has_key_spec(*command)) {
    ctx.reply.error("ERR The command has no key arguments");
    return false;
  }
  if (!command->arity_ok(argv.size())) {
    ctx.reply.error("ERR Invalid number of arguments specified for command");
    return false;
  }
  core::command_keys(*command, argv, keys, specs);
  if (keys.empty() && !(command->spec.flags & core::kNoMandatoryKeys)) {
    ctx.reply.error("ERR Invalid arguments specified for command");
    return false;
  }
  out = command;
  return true;
}

// COMMAND GETKEYS command [arg ...]
void command_getkeys(CommandContext& ctx) {
  const Command* command = nullptr;
  std::vector<std::string_view> keys;
  std::vector<size_t> specs;
  if (!keys_or_reply(ctx, command, keys, specs)) return;
  ctx.reply.array(keys.size());
  for (std::string_view key : keys) ctx.reply.bulk(key);
}

// COMMAND GETKEYSANDFLAGS command [arg ...]: [[key, flags], ...]
void command_getkeysandflags(CommandContext& ctx) {
  const Command* command = nullptr;
  std::vector<std::string_view> keys;
  std::vector<size_t> specs;
  if (!keys_or_reply(ctx, command, keys, specs)) return;
  ctx.reply.array(keys.size());
  for (size_t i = 0; i < keys.size(); ++i) {
    const auto flags = core::key_spec_flags(*command, specs[i]);
    ctx.reply.array(2);
    ctx.reply.bulk(keys[i]);
    ctx.reply.set(flags.size());
    for (std::string_view flag : flags) ctx.reply.simple(flag);
  }
}

// COMMAND HELP
void command_help(CommandContext& ctx) {
  static const char* const kLines[] = {
      "COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "(no subcommand)",
      "    Return details about all Redis commands.",
      "COUNT",
      "    Return the total number of commands in this Redis server.",
      "LIST",
      "    Return a list of all commands in this Redis server.",
      "INFO [<command-name> ...]",
      "    Return details about multiple Redis commands.",
      "    If no command names are given, documentation details for all",
      "    commands are returned.",
      "DOCS [<command-name> ...]",
      "    Return documentation details about multiple Redis commands.",
      "    If no command names are given, documentation details for all",
      "    commands are returned.",
      "GETKEYS <full-command>",
      "    Return the keys from a full Redis command.",
      "GETKEYSANDFLAGS <full-command>",
      "    Return the keys and the access flags from a full Redis command.",
      "HELP",
      "    Prints this help.",
  };
  core::reply_help(ctx.reply, kLines);
}

}  // namespace

void register_command_command(core::CommandTable& table) {
  using core::kLoading;
  using core::kStale;
  const uint32_t flags = kLoading | kStale;
  constexpr std::string_view kAllCommands = "O(N) where N is the total number of Redis commands";
  constexpr std::string_view kLookedUp = "O(N) where N is the number of commands to look up";
  constexpr std::string_view kPerArgument = "O(N) where N is the number of arguments to the command";
  core::CommandSpec command{"command", -1, flags, {}, command_all, "server",
                            "Get array of Redis command details", "2.8.13", kAllCommands, ""};
  auto sub = [&](std::string_view name, int arity, core::Handler handler, std::string_view summary,
                 std::string_view since, std::string_view complexity, std::string_view syntax) {
    command.subcommands.push_back({name, arity, flags, {}, handler, "server", summary, since, complexity, syntax});
  };
  sub("count", 2, command_count, "Get total number of Redis commands", "2.8.13", "O(1)", "");
  sub("docs", -2, command_docs, "Get array of specific Redis command documentation", "7.0.0",
      kLookedUp, "[command-name [command-name ...]]");
  sub("getkeys", -4, command_getkeys, "Extract keys given a full Redis command", "2.8.13", kPerArgument,
      "command arg [arg ...]");
  sub("getkeysandflags", -4, command_getkeysandflags,
      "Extract keys and access flags given a full Redis command", "7.0.0", kPerArgument,
      "command arg [arg ...]");
  sub("help", 2, command_help, "Show helpful text about the different subcommands", "5.0.0", "O(1)", "");
  sub("info", -2, command_info, "Get array of specific Redis command details, or all when no argument is given.", "2.8.13", kLookedUp,
      "[command-name [command-name ...]]");
  sub("list", -2, command_list, "Get an array of Redis command names", "7.0.0", kAllCommands,
      "[FILTERBY (MODULE module-name | ACLCAT category | PATTERN pattern:pattern)]");
  table.add(std::move(command));
}

}  // namespace arbor::commands
