// LuaEnv: the state, its capped allocator, the libraries and the read-only
// globals. Stock Lua 5.1 has no read-only tables (Redis patches its own
// copy), so each protected table is an empty proxy whose metatable reads
// from the real table and refuses writes; the base functions that bypass
// metatables (rawset, rawget, next, pairs, setmetatable, getmetatable) are
// wrapped to see through the proxies and refuse changes to them.
#include "server/scripting/lua_env.h"

#include <climits>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>

namespace arbor::scripting {
namespace {

constexpr const char* kBackingOf = "arbor.backing_of";      // proxy -> real table (weak keys)
constexpr const char* kGlobals = "arbor.globals";           // the real globals table
constexpr const char* kStringMetaView = "arbor.string_meta";  // what getmetatable("") shows
constexpr const char* kGlobalsMeta = "arbor.globals_meta";    // the globals proxy's metatable

void* capped_alloc(void* ud, void* ptr, size_t old_size, size_t new_size) {
  auto* a = static_cast<LuaEnv::Allocator*>(ud);
  if (new_size == 0) {
    std::free(ptr);
    a->used -= old_size;
    return nullptr;
  }
  if (new_size > old_size && a->used - old_size + new_size > a->cap) return nullptr;
  void* grown = std::realloc(ptr, new_size);
  if (grown != nullptr) a->used = a->used - old_size + new_size;
  return grown;
}

// With the position of the script line that assigned (an assignment fails
// inside the script, as in Redis's patched Lua), or without one (a base
// function such as rawset failed, as there).
int readonly_error(lua_State* lua, bool with_position) {
  if (with_position) luaL_where(lua, 1);
  else lua_pushliteral(lua, "");
  lua_pushstring(lua, "Attempt to modify a readonly table");
  lua_concat(lua, 2);
  return lua_error(lua);
}

// __newindex of every proxy.
int refuse_assignment(lua_State* lua) { return readonly_error(lua, true); }

// __index of the real globals: a missing global is an error, not nil.
int missing_global(lua_State* lua) {
  const char* name = lua_tostring(lua, 2);
  return luaL_error(lua, "Script attempted to access nonexistent global variable '%s'", name ? name : "?");
}

// The real table behind `index` when it is a proxy, else nothing pushed.
bool push_backing(lua_State* lua, int index) {
  if (!lua_istable(lua, index)) return false;
  lua_getfield(lua, LUA_REGISTRYINDEX, kBackingOf);
  lua_pushvalue(lua, index);
  lua_rawget(lua, -2);
  lua_remove(lua, -2);
  if (lua_isnil(lua, -1)) {
    lua_pop(lua, 1);
    return false;
  }
  return true;
}
bool is_protected(lua_State* lua, int index) {
  if (!push_backing(lua, index)) return false;
  lua_pop(lua, 1);
  return true;
}

int safe_rawset(lua_State* lua) {
  luaL_checktype(lua, 1, LUA_TTABLE);
  luaL_checkany(lua, 2);
  luaL_checkany(lua, 3);
  if (is_protected(lua, 1)) return readonly_error(lua, false);
  lua_settop(lua, 3);
  lua_rawset(lua, 1);
  return 1;
}

int safe_rawget(lua_State* lua) {
  luaL_checktype(lua, 1, LUA_TTABLE);
  luaL_checkany(lua, 2);
  if (push_backing(lua, 1)) lua_replace(lua, 1);
  lua_settop(lua, 2);
  lua_rawget(lua, 1);
  return 1;
}

int safe_next(lua_State* lua) {
  luaL_checktype(lua, 1, LUA_TTABLE);
  if (push_backing(lua, 1)) lua_replace(lua, 1);
  lua_settop(lua, 2);
  if (lua_next(lua, 1)) return 2;
  lua_pushnil(lua);
  return 1;
}

int safe_pairs(lua_State* lua) {
  luaL_checktype(lua, 1, LUA_TTABLE);
  lua_pushvalue(lua, lua_upvalueindex(1));  // safe_next
  lua_pushvalue(lua, 1);
  lua_pushnil(lua);
  return 3;
}

int safe_setmetatable(lua_State* lua) {
  luaL_checktype(lua, 1, LUA_TTABLE);
  const int t = lua_type(lua, 2);
  luaL_argcheck(lua, t == LUA_TNIL || t == LUA_TTABLE, 2, "nil or table expected");
  if (is_protected(lua, 1)) return readonly_error(lua, false);
  if (luaL_getmetafield(lua, 1, "__metatable")) luaL_error(lua, "cannot change a protected metatable");
  lua_settop(lua, 2);
  lua_setmetatable(lua, 1);
  return 1;
}

int safe_getmetatable(lua_State* lua) {
  luaL_checkany(lua, 1);
  if (push_backing(lua, 1)) {
    // A library table has none; the globals show a read-only one.
    lua_getfield(lua, LUA_REGISTRYINDEX, kGlobals);
    const bool globals = lua_rawequal(lua, -1, -2);
    lua_pop(lua, 2);
    if (!globals) return 0;
    lua_getfield(lua, LUA_REGISTRYINDEX, "arbor.globals_meta_view");
    return 1;
  }
  if (lua_type(lua, 1) == LUA_TSTRING) {
    lua_getfield(lua, LUA_REGISTRYINDEX, kStringMetaView);
    return 1;
  }
  if (!lua_getmetatable(lua, 1)) return 0;
  luaL_getmetafield(lua, 1, "__metatable");
  return 1;
}

// Redis's luaRedisPcall: as pcall, but an error table with a string `err`
// (a redis.call failure) comes back as that string.
int redis_pcall(lua_State* lua) {
  luaL_checkany(lua, 1);
  const int status = lua_pcall(lua, lua_gettop(lua) - 1, LUA_MULTRET, 0);
  if (status == 0) {
    lua_pushboolean(lua, 1);
    lua_insert(lua, 1);
    return lua_gettop(lua);
  }
  if (lua_istable(lua, -1)) {
    lua_getfield(lua, -1, "err");
    if (lua_isstring(lua, -1)) lua_replace(lua, -2);
    else lua_pop(lua, 1);
  }
  lua_pushboolean(lua, 0);
  lua_insert(lua, -2);
  return 2;
}

// rand48 as Redis's rand.c: 48-bit state, 31-bit outputs.
constexpr uint64_t kRand48Mask = (uint64_t(1) << 48) - 1;
constexpr int32_t kRand48Max = INT32_MAX;
int32_t next_rand48(uint64_t& state) {
  state = (0x5DEECE66DULL * state + 0xB) & kRand48Mask;
  return static_cast<int32_t>(state >> 17);
}

// math.random and math.randomseed as Redis's patched lmathlib.
int math_random(lua_State* lua) {
  auto* state = static_cast<uint64_t*>(lua_touserdata(lua, lua_upvalueindex(1)));
  const lua_Number r = static_cast<lua_Number>(next_rand48(*state) % kRand48Max) / kRand48Max;
  switch (lua_gettop(lua)) {
    case 0:
      lua_pushnumber(lua, r);
      break;
    case 1: {
      const int u = luaL_checkint(lua, 1);
      luaL_argcheck(lua, 1 <= u, 1, "interval is empty");
      lua_pushnumber(lua, std::floor(r * u) + 1);
      break;
    }
    case 2: {
      const int l = luaL_checkint(lua, 1);
      const int u = luaL_checkint(lua, 2);
      luaL_argcheck(lua, l <= u, 2, "interval is empty");
      lua_pushnumber(lua, std::floor(r * (u - l + 1)) + l);
      break;
    }
    default:
      return luaL_error(lua, "wrong number of arguments");
  }
  return 1;
}

int math_randomseed(lua_State* lua) {
  auto* state = static_cast<uint64_t*>(lua_touserdata(lua, lua_upvalueindex(1)));
  const auto seed = static_cast<uint32_t>(luaL_checkint(lua, 1));
  *state = (uint64_t(seed) << 16) | 0x330E;
  return 0;
}

// table.insert writes with raw access, past a proxy's metatable: on a
// protected table it fails as Redis's does. (remove and sort write only
// what a table holds, and a proxy holds nothing.)
int guarded_table_function(lua_State* lua) {
  if (lua_gettop(lua) >= 1 && is_protected(lua, 1)) return readonly_error(lua, false);
  lua_pushvalue(lua, lua_upvalueindex(1));
  lua_insert(lua, 1);
  lua_call(lua, lua_gettop(lua) - 1, LUA_MULTRET);
  return lua_gettop(lua);
}

// Replaces the table at `index` (absolute) by a proxy on the stack top.
void push_proxy(lua_State* lua, int index) {
  lua_newtable(lua);                 // proxy
  lua_newtable(lua);                 // its metatable
  lua_pushvalue(lua, index);
  lua_setfield(lua, -2, "__index");
  lua_pushcfunction(lua, refuse_assignment);
  lua_setfield(lua, -2, "__newindex");
  lua_setmetatable(lua, -2);
  lua_getfield(lua, LUA_REGISTRYINDEX, kBackingOf);
  lua_pushvalue(lua, -2);
  lua_pushvalue(lua, index);
  lua_rawset(lua, -3);
  lua_pop(lua, 1);
}

// Opens a library and makes sure it is the global `global` (Debian's cjson
// returns its table without setting one).
void open(lua_State* lua, lua_CFunction opener, const char* name, const char* global = nullptr) {
  lua_pushcfunction(lua, opener);
  lua_pushstring(lua, name);
  lua_call(lua, 1, 1);
  if (global != nullptr && lua_istable(lua, -1)) {
    lua_pushvalue(lua, -1);
    lua_setglobal(lua, global);
  }
  lua_pop(lua, 1);
}

// Redis's __redis__err__handler: the error becomes {err=, source=, line=}
// with the position of the script line that raised it (skipping a C
// function such as error() or redis.call()).
int error_handler(lua_State* lua) {
  lua_Debug ar;
  bool known = lua_getstack(lua, 1, &ar) && lua_getinfo(lua, "nSl", &ar);
  if (known && std::strcmp(ar.what, "C") == 0) known = lua_getstack(lua, 2, &ar) && lua_getinfo(lua, "nSl", &ar);
  if (!lua_istable(lua, 1)) {
    // (From the real globals: a library's code runs with almost none.)
    lua_getfield(lua, LUA_REGISTRYINDEX, kGlobals);
    lua_getfield(lua, -1, "tostring");
    lua_remove(lua, -2);
    lua_pushvalue(lua, 1);
    lua_call(lua, 1, 1);
    lua_pushstring(lua, "ERR ");
    lua_insert(lua, -2);
    lua_concat(lua, 2);
    lua_newtable(lua);
    lua_insert(lua, -2);
    lua_setfield(lua, -2, "err");
    lua_replace(lua, 1);
  }
  if (known) {
    lua_pushstring(lua, ar.source);
    lua_setfield(lua, 1, "source");
    lua_pushinteger(lua, ar.currentline);
    lua_setfield(lua, 1, "line");
  }
  lua_settop(lua, 1);
  return 1;
}

}  // namespace

LuaEnv::LuaEnv(size_t memory_cap) {
  allocator_.cap = memory_cap;
  lua_ = lua_newstate(capped_alloc, &allocator_);
  if (lua_ == nullptr) throw std::bad_alloc();
  open_libraries();
  install_protected_globals();
  lua_pushcfunction(lua_, error_handler);
  error_handler_ref_ = luaL_ref(lua_, LUA_REGISTRYINDEX);
}

LuaEnv::~LuaEnv() {
  if (lua_ != nullptr) lua_close(lua_);
}

void LuaEnv::open_libraries() {
  open(lua_, luaopen_base, "");
  open(lua_, luaopen_table, LUA_TABLIBNAME);
  open(lua_, luaopen_string, LUA_STRLIBNAME);
  open(lua_, luaopen_math, LUA_MATHLIBNAME);
  open(lua_, luaopen_cjson, "cjson", "cjson");
  open(lua_, luaopen_bit, "bit");
  open(lua_, open_struct_library, "struct");
  open(lua_, open_cmsgpack_library, "cmsgpack");
  // What Redis 7.0 leaves out of the sandbox (no file, process or module access).
  for (const char* name : {"dofile", "loadfile", "print", "getfenv", "setfenv", "newproxy", "module", "require",
                           "package", "os", "io", "debug"}) {
    lua_pushnil(lua_);
    lua_setglobal(lua_, name);
  }
}

void LuaEnv::install_protected_globals() {
  lua_State* lua = lua_;
  lua_newtable(lua);
  lua_newtable(lua);
  lua_pushstring(lua, "k");
  lua_setfield(lua, -2, "__mode");
  lua_setmetatable(lua, -2);
  lua_setfield(lua, LUA_REGISTRYINDEX, kBackingOf);

  lua_pushvalue(lua, LUA_GLOBALSINDEX);
  const int globals = lua_gettop(lua);
  lua_pushvalue(lua, globals);
  lua_setfield(lua, LUA_REGISTRYINDEX, kGlobals);

  lua_pushcfunction(lua, safe_next);
  lua_pushvalue(lua, -1);
  lua_setfield(lua, globals, "next");
  lua_pushcclosure(lua, safe_pairs, 1);
  lua_setfield(lua, globals, "pairs");
  static const luaL_Reg kReplaced[] = {{"rawset", safe_rawset},
                                       {"rawget", safe_rawget},
                                       {"setmetatable", safe_setmetatable},
                                       {"getmetatable", safe_getmetatable},
                                       {"__redis__err__handler", error_handler},
                                       {"pcall", redis_pcall},
                                       {nullptr, nullptr}};
  lua_pushvalue(lua, globals);
  luaL_register(lua, nullptr, kReplaced);
  lua_pop(lua, 1);
  lua_getfield(lua, globals, "table");
  lua_getfield(lua, -1, "insert");
  lua_pushcclosure(lua, guarded_table_function, 1);
  lua_setfield(lua, -2, "insert");
  lua_pop(lua, 1);
  lua_getfield(lua, globals, "math");
  lua_pushlightuserdata(lua, &random_state_);
  lua_pushcclosure(lua, math_random, 1);
  lua_setfield(lua, -2, "random");
  lua_pushlightuserdata(lua, &random_state_);
  lua_pushcclosure(lua, math_randomseed, 1);
  lua_setfield(lua, -2, "randomseed");
  lua_pop(lua, 1);

  // Library tables behind proxies; the string metatable's __index too, so
  // ("x"):upper() still works and getmetatable("") cannot reach the real one.
  for (const char* name : {"string", "math", "table", "cjson", "bit", "struct", "cmsgpack", "coroutine"}) {
    lua_getfield(lua, globals, name);
    push_proxy(lua, lua_gettop(lua));
    lua_setfield(lua, globals, name);
    if (std::strcmp(name, "string") == 0) {
      lua_pushstring(lua, "");
      lua_getmetatable(lua, -1);
      lua_getfield(lua, globals, "string");
      lua_setfield(lua, -2, "__index");
      push_proxy(lua, lua_gettop(lua));
      lua_setfield(lua, LUA_REGISTRYINDEX, kStringMetaView);
      lua_pop(lua, 2);
    }
    lua_pop(lua, 1);
  }

  // Missing globals are errors.
  lua_newtable(lua);
  lua_pushcfunction(lua, missing_global);
  lua_setfield(lua, -2, "__index");
  lua_setmetatable(lua, globals);

  // The globals scripts see: a proxy, installed as the state's globals so
  // chunks made by loadstring() and coroutines get it too.
  push_proxy(lua, globals);
  lua_pushvalue(lua, -1);
  lua_setfield(lua, globals, "_G");
  lua_getmetatable(lua, -1);
  lua_setfield(lua, LUA_REGISTRYINDEX, kGlobalsMeta);
  lua_newtable(lua);
  push_proxy(lua, lua_gettop(lua));
  lua_setfield(lua, LUA_REGISTRYINDEX, "arbor.globals_meta_view");
  lua_pop(lua, 1);
  lua_replace(lua, LUA_GLOBALSINDEX);
  lua_settop(lua, 0);
}

void LuaEnv::set_globals_source(bool load_time) {
  lua_getfield(lua_, LUA_REGISTRYINDEX, kGlobalsMeta);
  lua_getfield(lua_, LUA_REGISTRYINDEX, load_time ? "arbor.load_globals" : kGlobals);
  lua_setfield(lua_, -2, "__index");
  lua_pop(lua_, 1);
}

void LuaEnv::set_global(const char* name) {
  lua_getfield(lua_, LUA_REGISTRYINDEX, kGlobals);
  lua_insert(lua_, -2);
  lua_setfield(lua_, -2, name);
  lua_pop(lua_, 1);
}

void LuaEnv::protect_table() { push_proxy(lua_, lua_gettop(lua_)); lua_remove(lua_, -2); }


void LuaEnv::set_missing_global_metatable(lua_State* lua, int index) {
  index = index < 0 ? lua_gettop(lua) + index + 1 : index;
  lua_newtable(lua);
  lua_pushcfunction(lua, missing_global);
  lua_setfield(lua, -2, "__index");
  lua_setmetatable(lua, index);
}

LuaError read_error(lua_State* lua, int index) {
  LuaError out;
  if (!lua_istable(lua, index)) {
    const char* text = lua_tostring(lua, index);
    out.message = text != nullptr ? text : "execution failure";
    return out;
  }
  auto field = [&](const char* name) {
    lua_getfield(lua, index, name);
    std::string value;
    if (lua_isstring(lua, -1)) {
      size_t len = 0;
      const char* s = lua_tolstring(lua, -1, &len);
      value.assign(s, len);
    }
    lua_pop(lua, 1);
    return value;
  };
  lua_getfield(lua, index, "err");
  out.is_table = lua_type(lua, -1) == LUA_TSTRING;
  lua_pop(lua, 1);
  out.message = field("err");
  out.source = field("source");
  out.line = field("line");
  lua_getfield(lua, index, "ignore_error_stats_update");
  out.counted = lua_toboolean(lua, -1);
  lua_pop(lua, 1);
  return out;
}

}  // namespace arbor::scripting
