// Scripting commands: EVAL, EVALSHA, EVAL_RO, EVALSHA_RO, SCRIPT, FCALL,
// FCALL_RO and FUNCTION. The
// work is server/scripting/'s engine; these rows give Redis 7.0's flags
// and argument checks.
#include "server/core/arguments.h"
#include "server/core/command_context.h"
#include "server/core/command_table.h"
#include "server/scripting/script_engine.h"

namespace arbor::commands {
namespace {

using core::CommandContext;

// EVAL script numkeys [key ...] [arg ...]
void eval(CommandContext& ctx) { scripting::engine(ctx.instance).eval(ctx, false, false); }
// EVALSHA sha1 numkeys [key ...] [arg ...]
void evalsha(CommandContext& ctx) { scripting::engine(ctx.instance).eval(ctx, true, false); }
// EVAL_RO script numkeys [key ...] [arg ...]
void eval_ro(CommandContext& ctx) { scripting::engine(ctx.instance).eval(ctx, false, true); }
// EVALSHA_RO sha1 numkeys [key ...] [arg ...]
void evalsha_ro(CommandContext& ctx) { scripting::engine(ctx.instance).eval(ctx, true, true); }

// SCRIPT LOAD script
void script_load(CommandContext& ctx) {
  const std::string sha = scripting::engine(ctx.instance).load(ctx, ctx.arg(2));
  if (!sha.empty()) ctx.reply.bulk(sha);
}

// SCRIPT EXISTS sha1 [sha1 ...]
void script_exists(CommandContext& ctx) {
  auto& engine = scripting::engine(ctx.instance);
  ctx.reply.array(ctx.argc() - 2);
  for (size_t i = 2; i < ctx.argc(); ++i) ctx.reply.integer(engine.exists(ctx.arg(i)) ? 1 : 0);
}

// SCRIPT FLUSH [ASYNC | SYNC]
void script_flush(CommandContext& ctx) {
  if (ctx.argc() > 3 || (ctx.argc() == 3 && !core::equals_ci(ctx.arg(2), "sync") &&
                         !core::equals_ci(ctx.arg(2), "async")))
    return ctx.reply.error("ERR SCRIPT FLUSH only support SYNC|ASYNC option");
  scripting::engine(ctx.instance).flush();
  ctx.force_propagation();  // replicas drop their scripts too, as Redis
  ctx.reply.ok();
}

// SCRIPT KILL
void script_kill(CommandContext& ctx) { scripting::engine(ctx.instance).kill(ctx, false); }

// SCRIPT DEBUG YES | SYNC | NO: arbor has no Lua debugger.
void script_debug(CommandContext& ctx) {
  const std::string_view mode = ctx.arg(2);
  if (core::equals_ci(mode, "no")) return ctx.reply.ok();
  if (core::equals_ci(mode, "yes") || core::equals_ci(mode, "sync"))
    return ctx.reply.error("ERR SCRIPT DEBUG is not supported: arbor has no Lua debugger");
  ctx.reply.error("ERR Use SCRIPT DEBUG YES/SYNC/NO");
}

// SCRIPT HELP
void script_help(CommandContext& ctx) {
  static const char* const kLines[] = {
      "SCRIPT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "DEBUG (YES|SYNC|NO)",
      "    Set the debug mode for subsequent scripts executed.",
      "EXISTS <sha1> [<sha1> ...]",
      "    Return information about the existence of the scripts in the script cache.",
      "FLUSH [ASYNC|SYNC]",
      "    Flush the Lua scripts cache. Very dangerous on replicas.",
      "    When called without the optional mode argument, the behavior is determined by the",
      "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
      "    * ASYNC: Asynchronously flush the scripts cache.",
      "    * SYNC: Synchronously flush the scripts cache.",
      "KILL",
      "    Kill the currently executing Lua script.",
      "LOAD <script>",
      "    Load a script into the scripts cache without executing it.",
      "HELP",
      "    Prints this help.",
  };
  core::reply_help(ctx.reply, kLines);
}

void script_container(CommandContext& ctx) { core::reply_wrong_arity(ctx.reply, "script"); }

// FCALL function numkeys [key ...] [arg ...]
void fcall(CommandContext& ctx) { scripting::engine(ctx.instance).fcall(ctx, false); }
// FCALL_RO function numkeys [key ...] [arg ...]
void fcall_ro(CommandContext& ctx) { scripting::engine(ctx.instance).fcall(ctx, true); }
void function_load(CommandContext& ctx) { scripting::engine(ctx.instance).function_load(ctx); }
void function_list(CommandContext& ctx) { scripting::engine(ctx.instance).function_list(ctx); }
void function_delete(CommandContext& ctx) { scripting::engine(ctx.instance).function_delete(ctx); }
void function_flush(CommandContext& ctx) { scripting::engine(ctx.instance).function_flush(ctx); }
void function_stats(CommandContext& ctx) { scripting::engine(ctx.instance).function_stats(ctx); }
void function_kill(CommandContext& ctx) { scripting::engine(ctx.instance).kill(ctx, true); }

// FUNCTION HELP (Redis 7.0.15's text)
void function_help(CommandContext& ctx) {
  static const char* const kLines[] = {
      "FUNCTION <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "LOAD [REPLACE] <FUNCTION CODE>",
      "    Create a new library with the given library name and code.",
      "DELETE <LIBRARY NAME>",
      "    Delete the given library.",
      "LIST [LIBRARYNAME PATTERN] [WITHCODE]",
      "    Return general information on all the libraries:",
      "    * Library name",
      "    * The engine used to run the Library",
      "    * Library description",
      "    * Functions list",
      "    * Library code (if WITHCODE is given)",
      "    It also possible to get only function that matches a pattern using LIBRARYNAME argument.",
      "STATS",
      "    Return information about the current function running:",
      "    * Function name",
      "    * Command used to run the function",
      "    * Duration in MS that the function is running",
      "    If no function is running, return nil",
      "    In addition, returns a list of available engines.",
      "KILL",
      "    Kill the current running function.",
      "FLUSH [ASYNC|SYNC]",
      "    Delete all the libraries.",
      "    When called without the optional mode argument, the behavior is determined by the",
      "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
      "    * ASYNC: Asynchronously flush the libraries.",
      "    * SYNC: Synchronously flush the libraries.",
      "DUMP",
      "    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command",
      "RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
      "    Restore the libraries represented by the given payload, it is possible to give a restore policy to",
      "    control how to handle existing libraries (default APPEND):",
      "    * FLUSH: delete all existing libraries.",
      "    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.",
      "    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old",
      "      libraries with the new libraries (notice that even on this option there is a chance of failure",
      "      in case of functions name collision with another library).",
      "HELP",
      "    Prints this help.",
  };
  core::reply_help(ctx.reply, kLines);
}

void function_container(CommandContext& ctx) { core::reply_wrong_arity(ctx.reply, "function"); }

uint32_t fcall_flags(core::Instance& instance, std::span<const std::string_view> args, uint32_t flags) {
  return scripting::engine(instance).fcall_flags(args, flags);
}

uint32_t eval_flags(core::Instance& instance, std::span<const std::string_view> args, uint32_t flags) {
  return scripting::engine(instance).flags_for_call(args, flags, false);
}
uint32_t evalsha_flags(core::Instance& instance, std::span<const std::string_view> args, uint32_t flags) {
  return scripting::engine(instance).flags_for_call(args, flags, true);
}

}  // namespace
}  // namespace arbor::commands

namespace arbor::core {
using namespace arbor::commands;

void register_scripting_commands(CommandTable& t) {
  const uint32_t run = kNoscript | kSkipMonitor | kNoMandatoryKeys | kStale;
  const char* eval_syntax = "script numkeys:integer [key [key ...]] [arg [arg ...]]";
  const char* sha_syntax = "sha1 numkeys:integer [key [key ...]] [arg [arg ...]]";
  const char* cost = "Depends on the script that is executed.";
  // Keys are counted by numkeys (argv[2]): a keynum key spec, legacy 0 0 0.
  const KeySpec counted{0, 0, 0, 2};
  t.add({"eval", -3, run | kMayReplicate, counted, eval, "scripting", "Execute a Lua script server side", "2.6.0",
         cost, eval_syntax, {}, eval_flags});
  t.add({"evalsha", -3, run | kMayReplicate, counted, evalsha, "scripting",
         "Execute a Lua script server side", "2.6.0", cost, sha_syntax, {}, evalsha_flags});
  t.add({"eval_ro", -3, run | kReadonly, counted, eval_ro, "scripting",
         "Execute a read-only Lua script server side", "7.0.0", cost, eval_syntax, {}, eval_flags});
  t.add({"evalsha_ro", -3, run | kReadonly, counted, evalsha_ro, "scripting",
         "Execute a read-only Lua script server side", "7.0.0", cost, sha_syntax, {}, evalsha_flags});
  CommandSpec script{"script", -2, 0, {}, script_container, "scripting",
                     "A container for Lua scripts management commands", "2.6.0", "Depends on subcommand.", ""};
  script.subcommands.push_back({"debug", 3, kNoscript, {}, script_debug, "scripting",
                                "Set the debug mode for executed scripts.", "3.2.0", "O(1)", "YES | SYNC | NO"});
  script.subcommands.push_back({"exists", -3, kNoscript, {}, script_exists, "scripting",
                                "Check existence of scripts in the script cache.", "2.6.0",
                                "O(N) with N being the number of scripts to check (so checking a single script is "
                                "an O(1) operation).",
                                "sha1 [sha1 ...]"});
  script.subcommands.push_back({"flush", -2, kNoscript | kMayReplicate, {}, script_flush, "scripting",
                                "Remove all the scripts from the script cache.", "2.6.0",
                                "O(N) with N being the number of scripts in cache", "[ASYNC | SYNC]"});
  script.subcommands.push_back({"help", 2, kLoading | kStale, {}, script_help, "scripting",
                                "Show helpful text about the different subcommands", "5.0.0", "O(1)", ""});
  script.subcommands.push_back({"kill", 2, kNoscript | kAllowBusy, {}, script_kill, "scripting",
                                "Kill the script currently in execution.", "2.6.0", "O(1)", ""});
  script.subcommands.push_back({"load", 3, kNoscript | kStale, {}, script_load, "scripting",
                                "Load the specified Lua script into the script cache.", "2.6.0",
                                "O(N) with N being the length in bytes of the script body.", "script"});
  t.add(std::move(script));

  const char* fcall_syntax = "function numkeys:integer [key [key ...]] [arg [arg ...]]";
  const char* fcall_cost = "Depends on the function that is executed.";
  t.add({"fcall", -3, run | kMayReplicate, counted, fcall, "scripting", "Invoke a function", "7.0.0", fcall_cost,
         fcall_syntax, {}, fcall_flags});
  t.add({"fcall_ro", -3, run | kReadonly, counted, fcall_ro, "scripting", "Invoke a read-only function", "7.0.0",
         fcall_cost, fcall_syntax, {}, fcall_flags});
  CommandSpec function{"function", -2, 0, {}, function_container, "scripting",
                       "A container for function commands", "7.0.0", "Depends on subcommand.", ""};
  function.subcommands.push_back({"delete", 3, kWrite | kNoscript, {}, function_delete, "scripting",
                                  "Delete a function by name", "7.0.0", "O(1)", "library-name"});
  function.subcommands.push_back({"flush", -2, kWrite | kNoscript, {}, function_flush, "scripting",
                                  "Deleting all functions", "7.0.0", "O(N) where N is the number of functions deleted",
                                  "[ASYNC | SYNC]"});
  function.subcommands.push_back({"help", 2, kLoading | kStale, {}, function_help, "scripting",
                                  "Show helpful text about the different subcommands", "7.0.0", "O(1)", ""});
  function.subcommands.push_back({"kill", 2, kNoscript | kAllowBusy, {}, function_kill, "scripting",
                                  "Kill the function currently in execution.", "7.0.0", "O(1)", ""});
  function.subcommands.push_back({"list", -2, kNoscript, {}, function_list, "scripting",
                                  "List information about all the functions", "7.0.0",
                                  "O(N) where N is the number of functions", "[LIBRARYNAME library-name-pattern] [WITHCODE]"});
  function.subcommands.push_back({"load", -3, kWrite | kDenyOom | kNoscript, {}, function_load, "scripting",
                                  "Create a function with the given arguments (name, code, description)", "7.0.0",
                                  "O(1) (considering compilation time is redundant)", "[REPLACE] function-code"});
  function.subcommands.push_back({"stats", 2, kNoscript | kAllowBusy, {}, function_stats, "scripting",
                                  "Return information about the function currently running (name, description, "
                                  "duration)",
                                  "7.0.0", "O(1)", ""});
  t.add(std::move(function));
}

}  // namespace arbor::core
