// The `redis` table scripts see (Redis 7.0's script_lua.c): call and pcall
// run a command through the dispatcher as the script's own client, with
// scriptCall's checks in its order; the helpers build error and status
// tables, log, hash, and switch the RESP version and replication.
#include <spdlog/spdlog.h>

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "protocol/errors.h"
#include "server/commands/server_identity.h"
#include "server/core/dispatcher.h"
#include "server/core/scoped_value.h"
#include "server/scripting/lua_values.h"
#include "server/scripting/script_engine.h"
#include "server/scripting/sha1.h"

namespace arbor::scripting {
namespace {

constexpr int kReplNone = 0, kReplAof = 1, kReplReplica = 2, kReplAll = 3;
// A reply buffer above this is released after its call.
constexpr size_t kKeptReplyCapacity = 64 * 1024;
constexpr int kLogDebug = 0, kLogVerbose = 1, kLogNotice = 2, kLogWarning = 3;

// Redis's luaPushErrorBuff: "-CODE message" keeps its code, a bare text gets
// "ERR"; pushes {err = "CODE message"}.
void push_error(lua_State* lua, std::string text) {
  std::string code = "ERR", message;
  if (!text.empty() && text[0] == '-') {
    const size_t space = text.find(' ');
    if (space == std::string::npos) message = text.substr(1);
    else code = text.substr(1, space - 1), message = text.substr(space + 1);
  } else {
    message = std::move(text);
  }
  while (!message.empty() && (message.back() == '\r' || message.back() == '\n')) message.pop_back();
  lua_newtable(lua);
  const std::string full = code + " " + message;
  lua_pushlstring(lua, full.data(), full.size());
  lua_setfield(lua, -2, "err");
}

[[noreturn]] void raise(lua_State* lua, std::string text) {
  push_error(lua, std::move(text));
  lua_error(lua);
  __builtin_unreachable();
}

ScriptRun& current_run(lua_State* lua) {
  ScriptRun* run = ScriptEngine::of(lua).current();
  if (run == nullptr) raise(lua, "redis.call/pcall can only be called inside a script invocation");
  return *run;
}

// The command's arguments from the Lua stack, as views into its strings
// (they stay on the stack for the whole call): numbers are first replaced
// there by their "%.17g" text (Lua's own format would lose precision);
// anything else is refused.
bool read_arguments(lua_State* lua, std::vector<std::string_view>& args) {
  const int argc = lua_gettop(lua);
  if (argc == 0) {
    push_error(lua, "Please specify at least one argument for this redis lib call");
    return false;
  }
  args.clear();
  for (int i = 1; i <= argc; ++i) {
    const int type = lua_type(lua, i);
    if (type == LUA_TNUMBER) {
      char buffer[64];
      const int n = std::snprintf(buffer, sizeof buffer, "%.17g", static_cast<double>(lua_tonumber(lua, i)));
      lua_pushlstring(lua, buffer, static_cast<size_t>(n));
      lua_replace(lua, i);
    } else if (type != LUA_TSTRING) {
      push_error(lua, "Lua redis lib command arguments must be strings or integers");
      return false;
    }
    size_t len = 0;
    const char* s = lua_tolstring(lua, i, &len);
    args.emplace_back(s, len);
  }
  return true;
}

// Redis's scriptCall checks, in order: the error text that refuses
// `command` for this run, or empty.
std::string refusal(const core::Command* command, size_t argc, const ScriptRun& run, core::Instance& instance) {
  if (command == nullptr) return "Unknown Redis command called from script";
  if (!command->arity_ok(argc)) return "Wrong number of args calling Redis command from script";
  const uint32_t flags = command->spec.flags;
  if (flags & core::kNoscript) return "This Redis command is not allowed from script";
  const auto& settings = instance.config.settings();
  if (instance.is_replica() && !instance.repl.master_link_up && !settings.replica_serve_stale_data &&
      !(flags & core::kStale))
    return "Can not execute the command on a stale replica";
  if (run.read_only && (flags & (core::kWrite | core::kMayReplicate)))
    return "Write commands are not allowed from read-only scripts.";
  if (!(flags & core::kWrite) || run.wrote) return {};
  if (instance.is_replica() && settings.replica_read_only && !run.client->is_master)
    return "-READONLY You can't write against a read only replica.";
  if (instance.writes_denied_by_disk_error() && !run.client->is_master) return "-" + std::string(protocol::errors::kMisconf);
  if (settings.min_replicas_to_write > 0 && settings.min_replicas_max_lag > 0 && !instance.is_replica() &&
      instance.repl.good_replicas < settings.min_replicas_to_write)
    return "-NOREPLICAS Not enough good replicas to write.";
  // As scriptVerifyOOM: only a script's first write can be refused (later
  // ones would leave it half done), and only when the command that started
  // it found memory over the limit.
  if ((flags & core::kDenyOom) && !(run.flags & kAllowOom) && settings.maxmemory != 0 && instance.pre_command_oom &&
      !run.client->is_master)
    return "-" + std::string(protocol::errors::kOom);
  return {};
}

int call_command(lua_State* lua, bool raise_errors) {
  ScriptRun& run = current_run(lua);
  ScriptEngine& engine = ScriptEngine::of(lua);
  core::Instance& instance = engine.instance();
  // The engine's buffers, reused call after call (redis.call never nests).
  std::vector<std::string_view>& args = engine.call_scratch().args;
  if (!read_arguments(lua, args)) return raise_errors ? lua_error(lua) : 1;

  core::Command* command = instance.commands.find(args[0]);
  if (command != nullptr && command->has_subcommands() && args.size() >= 2)
    command = instance.commands.find_subcommand(*command, args[1]);
  const std::string refused = refusal(command, args.size(), run, instance);
  if (!refused.empty()) {
    push_error(lua, refused);
    return raise_errors ? lua_error(lua) : 1;
  }
  if (command->spec.flags & core::kWrite) run.wrote = true;

  std::string& out = engine.call_scratch().reply;
  out.clear();
  {
    protocol::ReplyWriter writer(out, run.client->resp);
    const bool suppress = !(run.repl_flags & kReplReplica);
    core::ScopedValue<bool> quiet(instance.propagation.suppressed, suppress || instance.propagation.suppressed);
    run.caller->dispatcher.call_from_script(*command, *run.client, args, writer);
  }
  push_reply(lua, out);
  const bool failed = !out.empty() && out[0] == '-';
  if (out.capacity() > kKeptReplyCapacity) std::string().swap(out);  // one big reply does not stay
  if (raise_errors && failed) return lua_error(lua);
  return 1;
}

int redis_call(lua_State* lua) { return call_command(lua, true); }
int redis_pcall(lua_State* lua) { return call_command(lua, false); }

// redis.error_reply(text) / redis.status_reply(text): the tables a script
// returns for -ERR and +OK style replies.
int error_reply(lua_State* lua) {
  if (lua_gettop(lua) != 1 || lua_type(lua, -1) != LUA_TSTRING) {
    push_error(lua, "wrong number or type of arguments");
    return 1;
  }
  std::string text = lua_tostring(lua, -1);
  push_error(lua, text.starts_with("-") ? text : "-" + text);
  return 1;
}

int status_reply(lua_State* lua) {
  if (lua_gettop(lua) != 1 || lua_type(lua, -1) != LUA_TSTRING) {
    push_error(lua, "wrong number or type of arguments");
    return 1;
  }
  lua_newtable(lua);
  lua_pushvalue(lua, -2);
  lua_setfield(lua, -2, "ok");
  return 1;
}

int sha1hex(lua_State* lua) {
  if (lua_gettop(lua) != 1) raise(lua, "wrong number of arguments");
  size_t len = 0;
  const char* s = lua_tolstring(lua, 1, &len);
  const std::string hex = sha1_hex(std::string_view(s ? s : "", s ? len : 0));
  lua_pushlstring(lua, hex.data(), hex.size());
  return 1;
}

}  // namespace

int redis_log(lua_State* lua) {
  const int argc = lua_gettop(lua);
  if (argc < 2) raise(lua, "redis.log() requires two arguments or more.");
  if (!lua_isnumber(lua, 1)) raise(lua, "First argument must be a number (log level).");
  const int level = static_cast<int>(lua_tonumber(lua, 1));
  if (level < kLogDebug || level > kLogWarning) raise(lua, "Invalid debug level.");
  std::string text;
  for (int i = 2; i <= argc; ++i) {
    size_t len = 0;
    const char* s = lua_tolstring(lua, i, &len);
    if (s == nullptr) continue;
    if (i != 2) text += ' ';
    text.append(s, len);
  }
  switch (level) {
    case kLogDebug: spdlog::debug("{}", text); break;
    case kLogVerbose: spdlog::debug("{}", text); break;
    case kLogNotice: spdlog::info("{}", text); break;
    default: spdlog::warn("{}", text);
  }
  return 0;
}

namespace {

int setresp(lua_State* lua) {
  ScriptRun& run = current_run(lua);
  if (lua_gettop(lua) != 1) raise(lua, "redis.setresp() requires one argument.");
  const int resp = static_cast<int>(lua_tonumber(lua, -1));
  if (resp != 2 && resp != 3) raise(lua, "RESP version must be 2 or 3.");
  run.client->resp = resp;
  return 0;
}

int set_repl(lua_State* lua) {
  ScriptRun& run = current_run(lua);
  if (lua_gettop(lua) != 1) raise(lua, "redis.set_repl() requires two arguments.");  // (sic, as Redis)
  const int flags = static_cast<int>(lua_tonumber(lua, -1));
  if ((flags & ~kReplAll) != 0) raise(lua, "Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.");
  run.repl_flags = flags;
  return 0;
}

// Effects replication is the only mode since Redis 7.0: always true.
int replicate_commands(lua_State* lua) {
  lua_pushboolean(lua, 1);
  return 1;
}

// No debugger (SCRIPT DEBUG is not supported): breakpoint() says it did not
// stop, debug() prints nowhere, as Redis outside a debugging session.
int breakpoint(lua_State* lua) {
  lua_pushboolean(lua, 0);
  return 1;
}
int debug(lua_State*) { return 0; }

// Every command is allowed until ACLs exist; an unknown one is an error.
int acl_check_cmd(lua_State* lua) {
  ScriptEngine& engine = ScriptEngine::of(lua);
  std::vector<std::string_view> args;
  if (!read_arguments(lua, args)) return lua_error(lua);
  core::Command* command = engine.instance().commands.find(args[0]);
  if (command != nullptr && command->has_subcommands() && args.size() >= 2)
    command = engine.instance().commands.find_subcommand(*command, args[1]);
  if (command == nullptr) raise(lua, "Invalid command passed to redis.acl_check_cmd()");
  lua_pushboolean(lua, 1);
  return 1;
}

void set_number(lua_State* lua, const char* name, int value) {
  lua_pushinteger(lua, value);
  lua_setfield(lua, -2, name);
}

}  // namespace

void set_version_fields(lua_State* lua) {
  const std::string_view version = commands::kCompatibleRedisVersion;
  lua_pushlstring(lua, version.data(), version.size());
  lua_setfield(lua, -2, "REDIS_VERSION");
  // 0x00MMmmpp, as Redis's REDIS_VERSION_NUM.
  int major = 0, minor = 0, patch = 0;
  std::sscanf(std::string(version).c_str(), "%d.%d.%d", &major, &minor, &patch);
  set_number(lua, "REDIS_VERSION_NUM", (major << 16) | (minor << 8) | patch);
  for (const auto& [name, level] : {std::pair{"LOG_DEBUG", kLogDebug}, std::pair{"LOG_VERBOSE", kLogVerbose},
                                    std::pair{"LOG_NOTICE", kLogNotice}, std::pair{"LOG_WARNING", kLogWarning}})
    set_number(lua, name, level);
}

void install_redis_api(LuaEnv& env, bool for_functions) {
  static const luaL_Reg kCommon[] = {
      {"call", redis_call},         {"pcall", redis_pcall},           {"error_reply", error_reply},
      {"status_reply", status_reply}, {"sha1hex", sha1hex},           {"log", redis_log},
      {"setresp", setresp},         {"set_repl", set_repl},           {"acl_check_cmd", acl_check_cmd},
      {nullptr, nullptr}};
  // EVAL only, as Redis.
  static const luaL_Reg kEvalOnly[] = {
      {"replicate_commands", replicate_commands}, {"breakpoint", breakpoint}, {"debug", debug}, {nullptr, nullptr}};
  lua_State* lua = env.state();
  lua_newtable(lua);
  luaL_register(lua, nullptr, kCommon);
  if (!for_functions) luaL_register(lua, nullptr, kEvalOnly);
  for (const auto& [name, flags] : {std::pair{"REPL_NONE", kReplNone}, std::pair{"REPL_AOF", kReplAof},
                                    std::pair{"REPL_SLAVE", kReplReplica}, std::pair{"REPL_REPLICA", kReplReplica},
                                    std::pair{"REPL_ALL", kReplAll}})
    set_number(lua, name, flags);
  set_version_fields(lua);
  env.protect_table();
  env.set_global("redis");
}

}  // namespace arbor::scripting
