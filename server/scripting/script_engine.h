// The scripting engine of one instance: the Lua state, the EVAL script
// cache (by SHA-1), and the run of one script at a time with Redis 7.0's
// rules (shebang flags, read-only runs, effects replication, expiry frozen
// at the script's start, the time limit and SCRIPT KILL). Loop thread only.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <vector>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>

#include "server/core/client_state.h"
#include "server/core/command_context.h"
#include "server/core/instance.h"
#include "server/core/string_hash.h"
#include "server/scripting/lua_env.h"
#include "server/scripting/script_flags.h"

namespace arbor::scripting {

// The script running now: what redis.call needs to know.
struct ScriptRun {
  core::CommandContext* caller = nullptr;
  core::ClientState* client = nullptr;  // runs the script's commands (own db, resp): the engine's
  std::string_view name;        // the SHA-1 or function name (outlives the run), for error texts
  uint32_t flags = 0;
  bool read_only = false;       // EVAL_RO / FCALL_RO / no-writes
  bool wrote = false;           // a write command ran: SCRIPT KILL refused
  bool killed = false;
  bool busy = false;            // past busy-reply-threshold
  bool is_function = false;
  int repl_flags = 3;           // redis.set_repl: REPL_AOF | REPL_REPLICA
  std::chrono::steady_clock::time_point started;
};

class ScriptEngine : public core::ScriptHost {
 public:
  explicit ScriptEngine(core::Instance& instance);
  ~ScriptEngine() override;

  // EVAL / EVALSHA / EVAL_RO / EVALSHA_RO script|sha numkeys [key ...] [arg ...]
  void eval(core::CommandContext& ctx, bool by_sha, bool read_only);
  // SCRIPT LOAD: the SHA-1, or empty after replying with the compile error.
  std::string load(core::CommandContext& ctx, std::string_view body);
  bool exists(std::string_view sha) const;
  // SCRIPT FLUSH: forgets every script, with a fresh Lua state.
  void flush();
  // SCRIPT KILL; replies itself (OK, NOTBUSY, UNKILLABLE).
  void kill(core::CommandContext& ctx, bool function_kill);

  // Redis's evalGetCommandFlags: a script with a shebang is gated by the
  // flags it declares (writes unless no-writes, deny-oom unless allow-oom
  // or no-writes, stale only with allow-stale); without one, by EVAL's own.
  uint32_t flags_for_call(std::span<const std::string_view> args, uint32_t flags, bool by_sha);

  // FUNCTION and FCALL (functions.cpp). Each replies itself.
  void function_load(core::CommandContext& ctx);
  void fcall(core::CommandContext& ctx, bool read_only);
  void function_list(core::CommandContext& ctx);
  void function_delete(core::CommandContext& ctx);
  void function_flush(core::CommandContext& ctx);
  void function_stats(core::CommandContext& ctx);
  // FCALL's flags for the gates: the function's declared ones.
  uint32_t fcall_flags(std::span<const std::string_view> args, uint32_t flags);
  // Every library's code, in name order (RDB, FUNCTION DUMP).
  std::vector<std::string> library_codes() const;
  // Loads a library from its code (FUNCTION LOAD's rules); the error text
  // ("ERR ...") when it cannot be.
  std::string add_library(std::string_view code, bool replace);
  void flush_functions();
  // FUNCTION RESTORE's policies for the libraries of a payload: FLUSH (they
  // replace all), APPEND (a name taken is an error), REPLACE (they replace
  // namesakes). All or nothing; the error text when refused.
  enum class RestorePolicy { kFlush, kAppend, kReplace };
  std::string restore_libraries(const std::vector<std::string>& codes, RestorePolicy policy);
  size_t library_count() const { return libraries_.size(); }
  size_t function_count() const { return functions_.size(); }
  size_t functions_lua_memory() const { return fenv_ ? fenv_->memory_used() : 0; }
  size_t functions_memory() const { return libraries_bytes_; }

  size_t cached_scripts() const { return scripts_.size(); }
  size_t lua_memory() const { return env_->memory_used(); }
  size_t scripts_memory() const { return scripts_bytes_; }
  ScriptRun* current() { return run_; }
  // redis.call's buffers, kept across calls so a call allocates nothing of
  // its own.
  struct CallScratch {
    std::vector<std::string_view> args;
    std::string reply;
  };
  CallScratch& call_scratch() { return call_scratch_; }
  core::Instance& instance() { return instance_; }
  LuaEnv& env() { return *env_; }

  // The engine that owns `lua` (set in the registry at creation).
  static ScriptEngine& of(lua_State* lua);

 private:
  struct Script {
    std::string body;
    int function_ref = 0;  // the compiled chunk in the Lua registry
    uint32_t flags = 0;
  };
  void reset_state();
  // Compiles `body` under `sha`; nullptr after replying with the error.
  const Script* compile(core::CommandContext& ctx, const std::string& sha, std::string_view body);
  // Redis's scriptPrepareForRun: the error that refuses the run, or empty.
  std::string refusal(core::CommandContext& ctx, uint32_t flags, bool read_only) const;
  void run(core::CommandContext& ctx, const Script& script, std::string_view sha, bool read_only, size_t numkeys);
  // One run, of an EVAL script or a function.
  struct RunSpec {
    std::string_view name;  // the SHA-1 or the function's name (error texts); outlives the run
    uint32_t flags = 0;
    bool read_only = false;
    bool is_function = false;
    int arguments = 0;  // values pushed after the function
  };
  // Runs the function on top of `env`'s stack (its `arguments` after it)
  // as the script of `ctx`, and replies.
  void execute(core::CommandContext& ctx, LuaEnv& env, const RunSpec& spec);
  void call(core::CommandContext& ctx, LuaEnv& env, const RunSpec& spec, ScriptRun& state);
  static void hook(lua_State* lua, lua_Debug* debug);

  struct Function {
    std::string name;
    int callback = 0;  // in the functions' Lua registry
    uint32_t flags = 0;
    std::optional<std::string> description;
  };
  struct Library {
    std::string name;
    std::string code;
    std::vector<Function> functions;  // in registration order
  };
  LuaEnv& functions_env();
  void drop_library_callbacks(const Library& library);
  // redis.register_function, while FUNCTION LOAD runs a library's code.
  static int register_function(lua_State* lua);

  core::Instance& instance_;
  std::unique_ptr<LuaEnv> env_;
  std::unique_ptr<LuaEnv> fenv_;  // functions run in their own state, as Redis
  std::map<std::string, Library> libraries_;
  // Lower-cased function name -> its library (names are unique across
  // libraries and compared without case, as Redis's function dictionary).
  std::unordered_map<std::string, std::string> functions_;
  Library* loading_ = nullptr;
  size_t libraries_bytes_ = 0;
  // By lower-case SHA-1 (searched with a string_view: EVALSHA allocates nothing).
  std::unordered_map<std::string, Script, core::StringHash, std::equal_to<>> scripts_;
  // The cached script named `sha` (any case) with its stored name, or null.
  const std::pair<const std::string, Script>* find_script(std::string_view sha) const;
  size_t scripts_bytes_ = 0;
  ScriptRun* run_ = nullptr;
  // The client scripts' commands run as (Redis's single Lua client), set
  // up again at each run's start.
  core::ClientState script_client_;
  CallScratch call_scratch_;
  int runs_since_gc_ = 0;
};

// The instance's engine, created at first use.
ScriptEngine& engine(core::Instance& instance);

// Installs the `redis` table (redis_api.cpp) into `env`; functions get
// neither breakpoint, debug nor replicate_commands, as in Redis.
void install_redis_api(LuaEnv& env, bool for_functions);
// redis.log, also offered to a library's code while FUNCTION LOAD runs it.
int redis_log(lua_State* lua);
// REDIS_VERSION, REDIS_VERSION_NUM and the LOG_* levels into the table on top.
void set_version_fields(lua_State* lua);

}  // namespace arbor::scripting
