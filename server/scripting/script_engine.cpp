// ScriptEngine: EVAL's cache and the run of one script. Redis 7.0 is the
// model throughout: eval.c for the cache and shebang, script.c for the run
// rules, script_lua.c for the call and its error reply.
#include "server/scripting/script_engine.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "server/core/arguments.h"
#include "server/core/scoped_value.h"
#include "server/scripting/lua_values.h"
#include "server/scripting/sha1.h"

namespace arbor::scripting {
namespace {

// Lua may hold this much; past it a script gets "not enough memory"
// instead of taking the server's memory.
constexpr size_t kLuaMemoryCap = size_t(1) << 30;
// Instructions between two looks at the clock (Redis's hook period).
constexpr int kHookPeriod = 100000;
// Steps of incremental garbage collection after every 50 runs, as Redis.
constexpr int kGcPeriod = 50;

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(separator, start);
    if (end == std::string_view::npos) end = text.size();
    parts.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

std::vector<std::string_view> words(std::string_view text) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    const size_t start = i;
    while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    if (i > start) out.push_back(text.substr(start, i - start));
  }
  return out;
}

// Redis's evalExtractShebangFlags: the flags of `body` and the length of its
// shebang line (without the newline, kept so line numbers stay right), or
// an error text.
struct Shebang {
  uint32_t flags = kEvalCompat;
  size_t length = 0;
  std::string error;
};
Shebang read_shebang(std::string_view body) {
  Shebang out;
  if (!body.starts_with("#!")) return out;
  out.length = std::min(body.find('\n'), body.size());
  const auto parts = words(body.substr(0, out.length));
  if (parts.empty() || parts[0] != "#!lua") {
    out.error = "Unexpected engine in script shebang: " + std::string(parts.empty() ? "" : parts[0]);
    return out;
  }
  out.flags = 0;
  for (size_t i = 1; i < parts.size(); ++i) {
    if (!parts[i].starts_with("flags=")) {
      out.error = "Unknown lua shebang option: " + std::string(parts[i]);
      return out;
    }
    const std::string_view list = parts[i].substr(6);
    if (list.empty()) continue;
    for (std::string_view flag : split(list, ',')) {
      const uint32_t known = script_flag_named(flag, false);
      if (known == 0) {
        out.error = "Unexpected flag in script shebang: " + std::string(flag);
        return out;
      }
      out.flags |= known;
    }
  }
  return out;
}

// Runs the script (argument 1, with the arguments after it) and writes its result as the reply inside
// the same protected call, so a failure while converting is an error reply
// too, never a Lua panic.
int call_and_reply(lua_State* lua) {
  ScriptEngine& engine = ScriptEngine::of(lua);
  ScriptRun* run = engine.current();
  lua_call(lua, lua_gettop(lua) - 1, 1);
  write_lua_value(lua, run->caller->reply, run->client->resp);
  return 0;
}

}  // namespace

ScriptEngine& engine(core::Instance& instance) {
  if (!instance.scripts) instance.scripts = std::make_unique<ScriptEngine>(instance);
  return static_cast<ScriptEngine&>(*instance.scripts);
}

ScriptEngine::ScriptEngine(core::Instance& instance) : instance_(instance) { reset_state(); }

ScriptEngine::~ScriptEngine() = default;

ScriptEngine& ScriptEngine::of(lua_State* lua) { return *static_cast<ScriptEngine*>(LuaEnv::owner_of(lua)); }

void ScriptEngine::reset_state() {
  env_ = std::make_unique<LuaEnv>(kLuaMemoryCap);
  env_->set_owner(this);
  install_redis_api(*env_, false);
}

void ScriptEngine::flush() {
  scripts_.clear();
  scripts_bytes_ = 0;
  const uint64_t random = env_->random_state();
  reset_state();
  env_->set_random_state(random);
}

const std::pair<const std::string, ScriptEngine::Script>* ScriptEngine::find_script(std::string_view sha) const {
  // SHA-1s are 40 characters (Redis answers NOSCRIPT to anything else).
  if (sha.size() != 40) return nullptr;
  char lowered[40];
  for (size_t i = 0; i < 40; ++i) lowered[i] = lower_ascii(sha[i]);
  const auto it = scripts_.find(std::string_view(lowered, 40));
  return it == scripts_.end() ? nullptr : &*it;
}

bool ScriptEngine::exists(std::string_view sha) const { return find_script(sha) != nullptr; }

const ScriptEngine::Script* ScriptEngine::compile(core::CommandContext& ctx, const std::string& sha,
                                                  std::string_view body) {
  if (auto it = scripts_.find(sha); it != scripts_.end()) return &it->second;
  const Shebang shebang = read_shebang(body);
  if (!shebang.error.empty()) {
    ctx.reply.error("ERR " + shebang.error);
    return nullptr;
  }
  lua_State* lua = env_->state();
  const std::string_view code = body.substr(shebang.length);
  if (luaL_loadbuffer(lua, code.data(), code.size(), "@user_script") != 0) {
    const char* message = lua_tostring(lua, -1);
    ctx.reply.error(std::string("ERR Error compiling script (new function): ") + (message ? message : "?"));
    lua_pop(lua, 1);
    return nullptr;
  }
  Script script;
  script.body.assign(body);
  script.function_ref = luaL_ref(lua, LUA_REGISTRYINDEX);
  script.flags = shebang.flags;
  scripts_bytes_ += body.size() + sha.size();
  return &scripts_.emplace(sha, std::move(script)).first->second;
}

std::string ScriptEngine::load(core::CommandContext& ctx, std::string_view body) {
  const std::string sha = sha1_hex(body);
  return compile(ctx, sha, body) != nullptr ? sha : std::string();
}

void ScriptEngine::eval(core::CommandContext& ctx, bool by_sha, bool read_only) {
  // As Redis: a name that cannot be a SHA-1 is NOSCRIPT before anything else.
  if (by_sha && ctx.arg(1).size() != 40) return ctx.reply.error("NOSCRIPT No matching script. Please use EVAL.");
  int64_t numkeys = 0;
  if (!core::int_or_reply(ctx, ctx.arg(2), numkeys)) return;
  if (numkeys > static_cast<int64_t>(ctx.argc() - 3))
    return ctx.reply.error("ERR Number of keys can't be greater than number of args");
  if (numkeys < 0) return ctx.reply.error("ERR Number of keys can't be negative");
  const Script* script = nullptr;
  std::string computed;
  std::string_view sha;
  if (by_sha) {
    const auto* found = find_script(ctx.arg(1));
    if (found == nullptr) return ctx.reply.error("NOSCRIPT No matching script. Please use EVAL.");
    sha = found->first;
    script = &found->second;
  } else {
    computed = sha1_hex(ctx.arg(1));
    sha = computed;
    script = compile(ctx, computed, ctx.arg(1));
    if (script == nullptr) return;
  }
  const std::string refused = refusal(ctx, script->flags, read_only);
  if (!refused.empty()) return ctx.reply.error(refused);
  run(ctx, *script, sha, read_only, static_cast<size_t>(numkeys));
}

uint32_t ScriptEngine::flags_for_call(std::span<const std::string_view> args, uint32_t flags, bool by_sha) {
  if (args.size() < 2) return flags;
  uint32_t declared = kEvalCompat;
  if (by_sha) {
    if (const auto* found = find_script(args[1])) declared = found->second.flags;
  } else if (args[1].starts_with("#!")) {
    declared = read_shebang(args[1]).flags;
  }
  return gate_flags(declared, flags);
}

std::string ScriptEngine::refusal(core::CommandContext& ctx, uint32_t flags, bool read_only) const {
  if (flags & kEvalCompat) return {};
  const auto& settings = instance_.config.settings();
  const bool from_primary = ctx.client.is_master;
  if (instance_.is_replica() && !instance_.repl.master_link_up && !settings.replica_serve_stale_data &&
      !(flags & kAllowStale))
    return "MASTERDOWN Link with MASTER is down, replica-serve-stale-data is set to 'no' and 'allow-stale' flag is "
           "not set on the script.";
  if (!(flags & kNoWrites)) {
    if (instance_.is_replica() && settings.replica_read_only && !from_primary)
      return "READONLY Can not run script with write flag on readonly replica";
    if (read_only) return "ERR Can not execute a script with write flag using *_ro command.";
    if (settings.min_replicas_to_write > 0 && settings.min_replicas_max_lag > 0 && !instance_.is_replica() &&
        instance_.repl.good_replicas < settings.min_replicas_to_write)
      return "NOREPLICAS Not enough good replicas to write.";
  }
  return {};
}

void ScriptEngine::run(core::CommandContext& ctx, const Script& script, std::string_view sha, bool read_only,
                       size_t numkeys) {
  lua_State* lua = env_->state();
  // KEYS and ARGV, fresh for each run.
  lua_createtable(lua, static_cast<int>(numkeys), 0);
  for (size_t i = 0; i < numkeys; ++i) {
    lua_pushlstring(lua, ctx.arg(3 + i).data(), ctx.arg(3 + i).size());
    lua_rawseti(lua, -2, static_cast<int>(i + 1));
  }
  env_->set_global("KEYS");
  lua_createtable(lua, static_cast<int>(ctx.argc() - 3 - numkeys), 0);
  for (size_t i = 3 + numkeys; i < ctx.argc(); ++i) {
    lua_pushlstring(lua, ctx.arg(i).data(), ctx.arg(i).size());
    lua_rawseti(lua, -2, static_cast<int>(i - 2 - numkeys));
  }
  env_->set_global("ARGV");
  lua_rawgeti(lua, LUA_REGISTRYINDEX, script.function_ref);
  execute(ctx, *env_, RunSpec{sha, script.flags, read_only || (script.flags & kNoWrites) != 0, false, 0});
}

void ScriptEngine::execute(core::CommandContext& ctx, LuaEnv& env, const RunSpec& spec) {
  ScriptRun state;
  state.caller = &ctx;
  script_client_.authenticated = true;
  script_client_.in_script = true;
  script_client_.resp = 2;
  script_client_.db = ctx.client.db;
  script_client_.is_master = ctx.client.is_master;
  state.client = &script_client_;
  state.name = spec.name;
  state.flags = spec.flags;
  state.read_only = spec.read_only;
  state.is_function = spec.is_function;
  state.started = std::chrono::steady_clock::now();
  {
    // One moment for the whole script: keys expire as of its start.
    const std::optional<int64_t> frozen = instance_.fixed_clock_ms ? instance_.fixed_clock_ms : ctx.now_ms();
    core::ScopedValue<std::optional<int64_t>> clock(instance_.fixed_clock_ms, frozen);
    core::ScopedValue<bool> running(instance_.script_running, true);
    core::ScopedValue<ScriptRun*> current(run_, &state);
    call(ctx, env, spec, state);
  }
  // What waited for the script (paused writes resuming, a shutdown).
  instance_.run_after_script_actions();
}

// The function (and its `arguments` after it) is on the stack.
void ScriptEngine::call(core::CommandContext& ctx, LuaEnv& env, const RunSpec& spec, ScriptRun& state) {
  lua_State* lua = env.state();
  const int function_index = lua_gettop(lua) - spec.arguments;
  const size_t mark = ctx.reply.buffer().size();
  env.push_error_handler();
  lua_insert(lua, function_index);
  const int handler = function_index;
  lua_pushlightuserdata(lua, reinterpret_cast<void*>(&call_and_reply));
  lua_rawget(lua, LUA_REGISTRYINDEX);  // call_and_reply, registered once per state
  if (lua_isnil(lua, -1)) {
    lua_pop(lua, 1);
    lua_pushcfunction(lua, call_and_reply);
    lua_pushlightuserdata(lua, reinterpret_cast<void*>(&call_and_reply));
    lua_pushvalue(lua, -2);
    lua_rawset(lua, LUA_REGISTRYINDEX);
  }
  lua_insert(lua, function_index + 1);
  lua_sethook(lua, hook, LUA_MASKCOUNT, kHookPeriod);
  const int status = lua_pcall(lua, 1 + spec.arguments, 0, handler);
  lua_sethook(lua, nullptr, 0, 0);
  if (status != 0) {
    ctx.reply.buffer().resize(mark);
    const LuaError error = read_error(lua, -1);
    std::string text;
    if (!error.is_table) {
      // Not the handler's table: out of memory (Lua calls no handler
      // then), or an error object without a string `err`.
      text = "ERR Error running script " + std::string(spec.name) + ", " +
             (error.message.empty() ? std::string("execution failure") : error.message.substr(0, 100));
    } else {
      text = error.message;
      if (!error.source.empty() && !error.line.empty())
        text += " script: " + std::string(spec.name) + ", on " + error.source + ":" + error.line + ".";
    }
    ctx.reply.error(text);
  }
  lua_settop(lua, 0);
  if (state.busy) instance_.script_busy = false;
  if (++runs_since_gc_ >= kGcPeriod) {
    lua_gc(lua, LUA_GCSTEP, kGcPeriod);
    runs_since_gc_ = 0;
  }
}

void ScriptEngine::hook(lua_State* lua, lua_Debug*) {
  ScriptEngine& engine = of(lua);
  ScriptRun* run = engine.run_;
  if (run == nullptr) return;
  const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                             run->started)
                           .count();
  const int64_t threshold = engine.instance_.config.settings().busy_reply_threshold_ms;
  if (!run->busy && threshold > 0 && elapsed >= threshold) {
    run->busy = true;
    engine.instance_.script_busy = true;
    engine.instance_.busy_script_is_function = run->is_function;
    spdlog::warn(
        "Slow script detected: still in execution after {} milliseconds. You can try killing the script using "
        "the {} command. Script name is: {}.",
        elapsed, run->is_function ? "FUNCTION KILL" : "SCRIPT KILL", run->name);
  }
  if (run->busy && engine.instance_.hooks.process_events_while_busy) engine.instance_.hooks.process_events_while_busy();
  // SHUTDOWN NOSAVE while busy: the script ends so the server can.
  if (engine.instance_.shutting_down) run->killed = true;
  if (run->killed) {
    spdlog::warn("Lua script killed by user with SCRIPT KILL.");
    // A line hook from now on: a script that catches the error with pcall
    // meets it again at its next line.
    lua_sethook(lua, hook, LUA_MASKLINE, 0);
    lua_newtable(lua);
    // (FUNCTION KILL too says SCRIPT KILL, as Redis.)
    lua_pushstring(lua, "ERR Script killed by user with SCRIPT KILL...");
    lua_setfield(lua, -2, "err");
    lua_error(lua);
  }
}

// Redis's scriptKill, in its order.
void ScriptEngine::kill(core::CommandContext& ctx, bool function_kill) {
  if (run_ == nullptr || !run_->busy) return ctx.reply.error("NOTBUSY No scripts in execution right now.");
  if (run_->caller->client.is_master)
    return ctx.reply.error(
        "UNKILLABLE The busy script was sent by a master instance in the context of replication and cannot be "
        "killed.");
  if (run_->wrote)
    return ctx.reply.error(
        "UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the "
        "script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.");
  if (run_->is_function && !function_kill)
    return ctx.reply.error("BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.");
  if (!run_->is_function && function_kill)
    return ctx.reply.error("BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.");
  run_->killed = true;
  ctx.reply.ok();
}

}  // namespace arbor::scripting
