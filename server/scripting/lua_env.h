// The Lua 5.1 state scripts run in: Debian's Lua built as C++ (errors are
// exceptions, so they unwind our frames), an allocator with a cap, the
// libraries Redis 7.0 gives scripts (string, math, table, cjson, bit,
// struct, cmsgpack, coroutine and the safe base functions), and the
// read-only globals of Redis 7.0: assigning a global or changing a library
// table is "Attempt to modify a readonly table"; reading a missing global
// is "Script attempted to access nonexistent global variable".
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "server/scripting/lua.h"

namespace arbor::scripting {

class LuaEnv {
 public:
  // `memory_cap`: bytes Lua may hold; past it allocations fail and Lua
  // raises "not enough memory".
  explicit LuaEnv(size_t memory_cap);
  ~LuaEnv();
  LuaEnv(const LuaEnv&) = delete;
  LuaEnv& operator=(const LuaEnv&) = delete;

  lua_State* state() const { return lua_; }
  size_t memory_used() const { return allocator_.used; }
  void set_memory_cap(size_t cap) { allocator_.cap = cap; }

  // math.random's generator (Redis's rand48, state kept across SCRIPT
  // FLUSH by the engine, which moves it into the new environment).
  uint64_t random_state() const { return random_state_; }
  void set_random_state(uint64_t state) { random_state_ = state; }

  // Sets a global in the protected table (KEYS, ARGV, redis ...): only the
  // server does this, between runs.
  void set_global(const char* name);  // pops the value on top of the stack
  // Where the globals scripts see come from: the real ones, or (while
  // FUNCTION LOAD runs a library's code) the table registered under
  // "arbor.load_globals".
  void set_globals_source(bool load_time);
  // Protects the table on top of the stack (stays there): reads pass
  // through, writes fail as Redis's read-only tables do.
  void protect_table();

  // Gives the table at `index` the metatable that makes reading a missing
  // field "Script attempted to access nonexistent global variable".
  static void set_missing_global_metatable(lua_State* lua, int index);

  // Pushes the error handler every protected call in a run uses (Redis's
  // __redis__err__handler): it turns the error into a table {err=, source=,
  // line=}, with "ERR " before a plain message. Kept in the registry, so a
  // run allocates no closure for it.
  void push_error_handler() const { lua_rawgeti(lua_, LUA_REGISTRYINDEX, error_handler_ref_); }

  // Lua's own allocator state (the cap and what is held).
  struct Allocator {
    size_t used = 0;
    size_t cap = 0;
    void* owner = nullptr;  // what set_owner() gave (the scripting engine)
  };
  // The object that owns this state, found from inside a Lua call without
  // a table lookup (it rides on the allocator's userdata).
  void set_owner(void* owner) { allocator_.owner = owner; }
  static void* owner_of(lua_State* lua) {
    void* ud = nullptr;
    lua_getallocf(lua, &ud);
    return static_cast<Allocator*>(ud)->owner;
  }

 private:
  void open_libraries();
  void install_protected_globals();

  Allocator allocator_;
  int error_handler_ref_ = LUA_NOREF;
  uint64_t random_state_ = 0x1234ABCD330EULL;  // rand48's initial state, as Redis's rand.c
  lua_State* lua_ = nullptr;
};

// Reads the error object left by a failed protected call (a table from
// the error handler, or a bare message) as Redis's luaExtractErrorInformation.
struct LuaError {
  std::string message;  // "ERR user_script:1: boom", "WRONGTYPE ..."
  std::string source;   // "@user_script", empty when unknown
  std::string line;     // "1", empty when unknown
  bool counted = false; // already counted in the error statistics (redis.call's own error)
  bool is_table = false;  // the handler's table (with a string `err`), not a bare message
};
LuaError read_error(lua_State* lua, int index);

}  // namespace arbor::scripting
