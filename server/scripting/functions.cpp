// FUNCTION and FCALL (Redis 7.0's functions.c and function_lua.c): Lua
// libraries loaded with FUNCTION LOAD, run in their own Lua state. While a
// library's code runs at load time its globals hold only a small `redis`
// table (register_function, log, the version and log levels); at run time
// its functions see the full API except what is EVAL-only.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <string>
#include <vector>

#include "server/core/arguments.h"
#include "server/core/glob.h"
#include "server/core/scoped_value.h"
#include "server/scripting/script_engine.h"

namespace arbor::scripting {
namespace {

constexpr size_t kLuaMemoryCap = size_t(1) << 30;
constexpr int64_t kLoadTimeoutMs = 500;
constexpr const char* kLoadStarted = "arbor.load_started";
constexpr const char* kBadName =
    "Library names can only contain letters, numbers, or underscores(_) and must be at least one character long";

bool valid_name(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

[[noreturn]] void raise(lua_State* lua, const std::string& text) {
  lua_newtable(lua);
  const std::string full = "ERR " + text;
  lua_pushlstring(lua, full.data(), full.size());
  lua_setfield(lua, -2, "err");
  lua_error(lua);
  __builtin_unreachable();
}

// The `#!<engine> name=<library>` first line (Redis's functionExtractLibMetaData).
struct Metadata {
  std::string engine, name, error;
  size_t header_length = 0;  // up to the newline, which the code keeps
};
Metadata read_metadata(std::string_view code) {
  Metadata md;
  if (!code.starts_with("#!")) {
    md.error = "Missing library metadata";
    return md;
  }
  const size_t newline = code.find('\n');
  std::vector<std::string_view> parts;
  if (newline != std::string_view::npos) {
    const std::string_view line = code.substr(0, newline);
    size_t i = 0;
    while (i < line.size()) {
      while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i]))) ++i;
      const size_t start = i;
      while (i < line.size() && !std::isspace(static_cast<unsigned char>(line[i]))) ++i;
      if (i > start) parts.push_back(line.substr(start, i - start));
    }
  }
  if (newline == std::string_view::npos || parts.empty()) {
    md.error = "Invalid library metadata";
    return md;
  }
  md.header_length = newline;
  md.engine = std::string(parts[0].substr(2));
  bool named = false;
  for (size_t i = 1; i < parts.size(); ++i) {
    if (parts[i].size() >= 5 && core::equals_ci(parts[i].substr(0, 5), "name=")) {
      if (named) {
        md.error = "Invalid metadata value, name argument was given multiple times";
        return md;
      }
      named = true;
      md.name = std::string(parts[i].substr(5));
    } else {
      md.error = "Invalid metadata value given: " + std::string(parts[i]);
      return md;
    }
  }
  if (!core::equals_ci(md.engine, "lua")) {
    md.error = "Engine '" + md.engine + "' not found";
    return md;
  }
  if (!named) md.error = "Library name was not given";
  return md;
}

// FUNCTION LOAD runs a library's code for at most 500 ms.
void load_hook(lua_State* lua, lua_Debug*) {
  lua_getfield(lua, LUA_REGISTRYINDEX, kLoadStarted);
  const auto started = static_cast<int64_t>(lua_tonumber(lua, -1));
  lua_pop(lua, 1);
  const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::steady_clock::now().time_since_epoch())
                          .count();
  if (now - started > kLoadTimeoutMs) {
    lua_sethook(lua, load_hook, LUA_MASKLINE, 0);
    raise(lua, "FUNCTION LOAD timeout");
  }
}

void write_flags(protocol::ReplyWriter& reply, uint32_t flags) {
  size_t count = 0;
  for (const ScriptFlagName& f : kScriptFlagNames) count += (flags & f.flag) ? 1 : 0;
  reply.set(count);
  for (const ScriptFlagName& f : kScriptFlagNames)
    if (flags & f.flag) reply.simple(f.name);
}

}  // namespace

LuaEnv& ScriptEngine::functions_env() {
  if (fenv_) return *fenv_;
  fenv_ = std::make_unique<LuaEnv>(kLuaMemoryCap);
  fenv_->set_owner(this);
  lua_State* lua = fenv_->state();
  install_redis_api(*fenv_, true);
  // The globals a library's code sees while it loads.
  lua_newtable(lua);
  LuaEnv::set_missing_global_metatable(lua, -1);
  lua_newtable(lua);
  lua_pushcfunction(lua, register_function);
  lua_setfield(lua, -2, "register_function");
  lua_pushcfunction(lua, redis_log);
  lua_setfield(lua, -2, "log");
  set_version_fields(lua);
  LuaEnv::set_missing_global_metatable(lua, -1);
  fenv_->protect_table();
  lua_setfield(lua, -2, "redis");
  lua_setfield(lua, LUA_REGISTRYINDEX, "arbor.load_globals");
  return *fenv_;
}

void ScriptEngine::drop_library_callbacks(const Library& library) {
  if (!fenv_) return;
  for (const Function& f : library.functions) luaL_unref(fenv_->state(), LUA_REGISTRYINDEX, f.callback);
}

int ScriptEngine::register_function(lua_State* lua) {
  ScriptEngine& engine = of(lua);
  Library* library = engine.loading_;
  if (library == nullptr) raise(lua, "redis.register_function can only be called on FUNCTION LOAD command");
  const int argc = lua_gettop(lua);
  if (argc < 1 || argc > 2) raise(lua, "wrong number of arguments to redis.register_function");
  Function f;
  int callback = 0;
  if (argc == 2) {
    if (lua_type(lua, 1) != LUA_TSTRING) raise(lua, "first argument to redis.register_function must be a string");
    if (lua_type(lua, 2) != LUA_TFUNCTION)
      raise(lua, "second argument to redis.register_function must be a function");
    f.name = lua_tostring(lua, 1);
    callback = 2;
  } else {
    if (lua_type(lua, 1) != LUA_TTABLE)
      raise(lua,
            "calling redis.register_function with a single argument is only applicable to Lua table (representing "
            "named arguments).");
    bool named = false;
    lua_settop(lua, 1);
    lua_pushnil(lua);  // slot 2: the callback, once found
    lua_pushnil(lua);
    while (lua_next(lua, 1)) {
      if (lua_type(lua, -2) != LUA_TSTRING) raise(lua, "named argument key given to redis.register_function is not a string");
      const std::string key = lower_case(lua_tostring(lua, -2));
      if (key == "function_name") {
        if (lua_type(lua, -1) != LUA_TSTRING)
          raise(lua, "function_name argument given to redis.register_function must be a string");
        f.name = lua_tostring(lua, -1);
        named = true;
      } else if (key == "description") {
        if (lua_type(lua, -1) != LUA_TSTRING)
          raise(lua, "description argument given to redis.register_function must be a string");
        f.description = lua_tostring(lua, -1);
      } else if (key == "callback") {
        if (lua_type(lua, -1) != LUA_TFUNCTION)
          raise(lua, "callback argument given to redis.register_function must be a function");
        lua_pushvalue(lua, -1);
        lua_replace(lua, 2);
        callback = 2;
      } else if (key == "flags") {
        if (lua_type(lua, -1) != LUA_TTABLE)
          raise(lua, "flags argument to redis.register_function must be a table representing function flags");
        lua_pushnil(lua);
        while (lua_next(lua, -2)) {
          const uint32_t flag = lua_type(lua, -1) == LUA_TSTRING ? script_flag_named(lua_tostring(lua, -1), true) : 0;
          if (flag == 0) raise(lua, "unknown flag given");
          f.flags |= flag;
          lua_pop(lua, 1);
        }
      } else {
        raise(lua, "unknown argument given to redis.register_function");
      }
      lua_pop(lua, 1);
    }
    if (!named) raise(lua, "redis.register_function must get a function name argument");
    if (callback == 0) raise(lua, "redis.register_function must get a callback argument");
  }
  if (!valid_name(f.name)) raise(lua, kBadName);
  // (Redis 7.0.15 accepts names differing only in case within a library and
  // later crashes deleting it; arbor refuses them.)
  for (const Function& other : library->functions)
    if (core::equals_ci(other.name, f.name)) raise(lua, "Function already exists in the library");
  lua_pushvalue(lua, callback);
  f.callback = luaL_ref(lua, LUA_REGISTRYINDEX);
  library->functions.push_back(std::move(f));
  return 0;
}

std::string ScriptEngine::add_library(std::string_view code, bool replace) {
  const Metadata md = read_metadata(code);
  if (!md.error.empty()) return "ERR " + md.error;
  if (!valid_name(md.name)) return std::string("ERR ") + kBadName;
  const auto existing = libraries_.find(md.name);
  if (existing != libraries_.end() && !replace) return "ERR Library '" + md.name + "' already exists";

  LuaEnv& env = functions_env();
  lua_State* lua = env.state();
  const std::string_view body = code.substr(md.header_length);
  if (luaL_loadbuffer(lua, body.data(), body.size(), "@user_function") != 0) {
    const char* message = lua_tostring(lua, -1);
    std::string error = std::string("ERR Error compiling function: ") + (message ? message : "?");
    lua_settop(lua, 0);
    return error;
  }
  Library pending{md.name, std::string(code), {}};
  env.push_error_handler();
  lua_insert(lua, -2);
  lua_pushnumber(lua, static_cast<lua_Number>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                  std::chrono::steady_clock::now().time_since_epoch())
                                                  .count()));
  lua_setfield(lua, LUA_REGISTRYINDEX, kLoadStarted);
  int status;
  {
    core::ScopedValue<Library*> loading(loading_, &pending);
    env.set_globals_source(true);
    lua_sethook(lua, load_hook, LUA_MASKCOUNT, 100000);
    status = lua_pcall(lua, 0, 0, 1);
    lua_sethook(lua, nullptr, 0, 0);
    env.set_globals_source(false);
  }
  if (status != 0) {
    const LuaError error = read_error(lua, -1);
    lua_settop(lua, 0);
    drop_library_callbacks(pending);
    return "ERR Error registering functions: " + error.message;
  }
  lua_settop(lua, 0);
  if (pending.functions.empty()) return "ERR No functions registered";
  for (const Function& f : pending.functions) {
    const auto owner = functions_.find(lower_case(f.name));
    if (owner != functions_.end() && owner->second != md.name) {
      drop_library_callbacks(pending);
      return "ERR Function " + f.name + " already exists";
    }
  }
  if (existing != libraries_.end()) {
    drop_library_callbacks(existing->second);
    for (const Function& f : existing->second.functions) functions_.erase(lower_case(f.name));
    libraries_bytes_ -= existing->second.code.size();
    libraries_.erase(existing);
  }
  for (const Function& f : pending.functions) functions_[lower_case(f.name)] = md.name;
  libraries_bytes_ += pending.code.size();
  libraries_.emplace(md.name, std::move(pending));
  return {};
}

// FUNCTION LOAD [REPLACE] function-code
void ScriptEngine::function_load(core::CommandContext& ctx) {
  bool replace = false;
  for (size_t i = 2; i + 1 < ctx.argc(); ++i) {
    if (!core::equals_ci(ctx.arg(i), "replace")) return ctx.reply.error("ERR Unknown option given: " + std::string(ctx.arg(i)));
    replace = true;
  }
  const std::string error = add_library(ctx.arg(ctx.argc() - 1), replace);
  if (!error.empty()) return ctx.reply.error(error);
  const Metadata md = read_metadata(ctx.arg(ctx.argc() - 1));
  ctx.mark_dirty();
  ctx.reply.bulk(md.name);
}

uint32_t ScriptEngine::fcall_flags(std::span<const std::string_view> args, uint32_t flags) {
  if (args.size() < 2) return flags;
  const auto owner = functions_.find(lower_case(args[1]));
  if (owner == functions_.end()) return flags;
  uint32_t declared = 0;
  for (const Function& f : libraries_.at(owner->second).functions)
    if (core::equals_ci(f.name, args[1])) declared = f.flags;
  return gate_flags(declared, flags);
}

// FCALL / FCALL_RO function numkeys [key ...] [arg ...]
void ScriptEngine::fcall(core::CommandContext& ctx, bool read_only) {
  const auto owner = functions_.find(lower_case(ctx.arg(1)));
  if (owner == functions_.end()) return ctx.reply.error("ERR Function not found");
  const Function* function = nullptr;
  for (const Function& f : libraries_.at(owner->second).functions)
    if (core::equals_ci(f.name, ctx.arg(1))) function = &f;
  int64_t numkeys = 0;
  if (!core::int_or_reply(ctx, ctx.arg(2), numkeys, "ERR Bad number of keys provided")) return;
  if (numkeys > static_cast<int64_t>(ctx.argc() - 3))
    return ctx.reply.error("ERR Number of keys can't be greater than number of args");
  if (numkeys < 0) return ctx.reply.error("ERR Number of keys can't be negative");
  const std::string refused = refusal(ctx, function->flags, read_only);
  if (!refused.empty()) return ctx.reply.error(refused);

  lua_State* lua = fenv_->state();
  lua_rawgeti(lua, LUA_REGISTRYINDEX, function->callback);
  const auto keys = static_cast<size_t>(numkeys);
  lua_createtable(lua, static_cast<int>(keys), 0);
  for (size_t i = 0; i < keys; ++i) {
    lua_pushlstring(lua, ctx.arg(3 + i).data(), ctx.arg(3 + i).size());
    lua_rawseti(lua, -2, static_cast<int>(i + 1));
  }
  lua_createtable(lua, static_cast<int>(ctx.argc() - 3 - keys), 0);
  for (size_t i = 3 + keys; i < ctx.argc(); ++i) {
    lua_pushlstring(lua, ctx.arg(i).data(), ctx.arg(i).size());
    lua_rawseti(lua, -2, static_cast<int>(i - 2 - keys));
  }
  execute(ctx, *fenv_,
          RunSpec{function->name, function->flags, read_only || (function->flags & kNoWrites) != 0, true, 2});
}

// FUNCTION LIST [LIBRARYNAME pattern] [WITHCODE]
void ScriptEngine::function_list(core::CommandContext& ctx) {
  bool with_code = false, filtered = false;
  std::string_view pattern;
  for (size_t i = 2; i < ctx.argc(); ++i) {
    const std::string_view arg = ctx.arg(i);
    if (core::equals_ci(arg, "withcode") && !with_code) {
      with_code = true;
    } else if (core::equals_ci(arg, "libraryname") && !filtered) {
      if (i + 1 >= ctx.argc()) return ctx.reply.error("ERR library name argument was not given");
      filtered = true;
      pattern = ctx.arg(++i);
    } else {
      return ctx.reply.error("ERR Unknown argument " + std::string(arg));
    }
  }
  std::vector<const Library*> shown;
  for (const auto& [name, library] : libraries_)
    if (!filtered || core::glob_match(pattern, name, true)) shown.push_back(&library);
  ctx.reply.array(shown.size());
  for (const Library* library : shown) {
    ctx.reply.map(with_code ? 4 : 3);
    ctx.reply.bulk("library_name");
    ctx.reply.bulk(library->name);
    ctx.reply.bulk("engine");
    ctx.reply.bulk("LUA");
    ctx.reply.bulk("functions");
    ctx.reply.array(library->functions.size());
    for (const Function& f : library->functions) {
      ctx.reply.map(3);
      ctx.reply.bulk("name");
      ctx.reply.bulk(f.name);
      ctx.reply.bulk("description");
      if (f.description) ctx.reply.bulk(*f.description);
      else ctx.reply.null();
      ctx.reply.bulk("flags");
      write_flags(ctx.reply, f.flags);
    }
    if (with_code) {
      ctx.reply.bulk("library_code");
      ctx.reply.bulk(library->code);
    }
  }
}

// FUNCTION DELETE library-name
void ScriptEngine::function_delete(core::CommandContext& ctx) {
  const auto it = libraries_.find(std::string(ctx.arg(2)));
  if (it == libraries_.end()) return ctx.reply.error("ERR Library not found");
  drop_library_callbacks(it->second);
  for (const Function& f : it->second.functions) functions_.erase(lower_case(f.name));
  libraries_bytes_ -= it->second.code.size();
  libraries_.erase(it);
  ctx.mark_dirty();
  ctx.reply.ok();
}

void ScriptEngine::flush_functions() {
  libraries_.clear();
  functions_.clear();
  libraries_bytes_ = 0;
  fenv_.reset();  // a fresh state: nothing of the old libraries stays
}

// FUNCTION FLUSH [ASYNC | SYNC]
void ScriptEngine::function_flush(core::CommandContext& ctx) {
  if (ctx.argc() > 3) return core::reply_subcommand_syntax_error(ctx.reply, "function", "flush");
  if (ctx.argc() == 3 && !core::equals_ci(ctx.arg(2), "sync") && !core::equals_ci(ctx.arg(2), "async"))
    return ctx.reply.error("ERR FUNCTION FLUSH only supports SYNC|ASYNC option");
  flush_functions();
  ctx.mark_dirty();
  ctx.reply.ok();
}

// FUNCTION STATS
void ScriptEngine::function_stats(core::CommandContext& ctx) {
  if (run_ != nullptr && !run_->is_function)
    return ctx.reply.error("BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.");
  ctx.reply.map(2);
  ctx.reply.bulk("running_script");
  if (run_ == nullptr) {
    ctx.reply.null();
  } else {
    ctx.reply.map(3);
    ctx.reply.bulk("name");
    ctx.reply.bulk(run_->name);
    ctx.reply.bulk("command");
    ctx.reply.array(run_->caller->argc());
    for (std::string_view arg : run_->caller->args) ctx.reply.bulk(arg);
    ctx.reply.bulk("duration_ms");
    ctx.reply.integer(std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                            run_->started)
                          .count());
  }
  ctx.reply.bulk("engines");
  ctx.reply.map(1);
  ctx.reply.bulk("LUA");
  ctx.reply.map(2);
  ctx.reply.bulk("libraries_count");
  ctx.reply.integer(static_cast<int64_t>(libraries_.size()));
  ctx.reply.bulk("functions_count");
  ctx.reply.integer(static_cast<int64_t>(functions_.size()));
}

std::string ScriptEngine::restore_libraries(const std::vector<std::string>& codes, RestorePolicy policy) {
  const std::vector<std::string> before = library_codes();
  auto roll_back = [&](std::string error) {
    flush_functions();
    for (const std::string& code : before) add_library(code, false);
    return error;
  };
  if (policy == RestorePolicy::kFlush) flush_functions();
  for (const std::string& code : codes) {
    if (policy == RestorePolicy::kAppend) {
      const Metadata md = read_metadata(code);
      if (md.error.empty() && libraries_.contains(md.name))
        return roll_back("ERR Library " + md.name + " already exists");
    }
    std::string error = add_library(code, policy == RestorePolicy::kReplace);
    if (!error.empty()) return roll_back(std::move(error));
  }
  return {};
}

std::vector<std::string> ScriptEngine::library_codes() const {
  std::vector<std::string> codes;
  for (const auto& [name, library] : libraries_) codes.push_back(library.code);
  return codes;
}

}  // namespace arbor::scripting
