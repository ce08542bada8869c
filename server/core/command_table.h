// The command table: one row per command (name, arity, flags, key positions,
// handler, docs), registered per family by explicit register_<family>_commands
// calls. COMMAND, COMMAND INFO/DOCS and (later) ACL categories and propagation
// derive from the row; nothing registers itself statically.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "server/core/latency_histogram.h"

namespace arbor::core {

class CommandContext;
class Instance;
using Handler = void (*)(CommandContext&);
// Flags that depend on the arguments (EVAL of a script with a shebang,
// FCALL): Redis's getCommandFlags. Given the row's flags, returns the ones
// the gates apply to this call.
using FlagsForCall = uint32_t (*)(Instance&, std::span<const std::string_view> args, uint32_t flags);

// Flags as Redis's CMD_* (server.h), named for what they allow.
enum CommandFlag : uint32_t {
  kWrite = 1u << 0,            // may modify the keyspace
  kReadonly = 1u << 1,         // reads data
  kDenyOom = 1u << 2,          // may grow memory
  kAdmin = 1u << 3,
  kPubsub = 1u << 4,
  kNoscript = 1u << 5,
  kBlocking = 1u << 6,
  kLoading = 1u << 7,          // allowed while the dataset is loading
  kStale = 1u << 8,            // allowed on a replica with stale data
  kSkipMonitor = 1u << 9,
  kFast = 1u << 10,
  kNoAuth = 1u << 11,          // allowed before AUTH
  kMayReplicate = 1u << 12,
  kSentinel = 1u << 13,
  kNoMulti = 1u << 14,
  kAllowBusy = 1u << 15,
  kSkipSlowlog = 1u << 16,
  kNoMandatoryKeys = 1u << 17,
  kRandom = 1u << 18,          // nondeterministic output (reported as a tip)
  kAllowedInSubscribe = 1u << 19,
  kTouchesArbitraryKeys = 1u << 20,
  // arbor's own: allowed while a booting primary is undecided (seeding),
  // beyond the `loading` ones; REPLICAOF, which Sentinel sends then. Not
  // shown by COMMAND.
  kWhileSeeding = 1u << 21,
  // ACL category @dangerous for a command that is not admin (RESTORE,
  // KEYS, SORT): Redis's CMD_CATEGORY_DANGEROUS. Not a COMMAND flag.
  kDangerous = 1u << 22,
  // Redis's CMD_PROTECTED (DEBUG): refused unless enable-debug-command
  // allows it for this client. Not shown by COMMAND in 7.0.
  kProtected = 1u << 23,
  // arbor's own: reads a key without refreshing its access clock (Redis's
  // LOOKUP_NOTOUCH call sites and plain dict lookups: TYPE, EXISTS, the TTL
  // family, OBJECT, SCAN, RANDOMKEY, MEMORY USAGE). Not
  // a COMMAND flag.
  kNoTouch = 1u << 24,
  // arbor's own: the reply is a subscription confirmation, which Redis
  // sends as a push (CLIENT_PUSHING) even under CLIENT REPLY OFF | SKIP.
  // Not a COMMAND flag.
  kPubSubConfirms = 1u << 25,
};

// A key spec after the row's own: one Redis finds after a keyword (a single
// key after GEORADIUS's STORE, searched from argument `startfrom`), or, with
// no keyword, one Redis cannot locate (begin_search and find_keys "unknown":
// SORT's BY/GET keys and its STORE destination).
struct ExtraKeySpec {
  std::string_view flags;
  std::string_view notes{};
  std::string_view keyword{};
  int startfrom = 0;  // negative: searched backwards from the end
  int lastkey = 0;    // the range after the keyword (-1: to the end)
  int limit = 0;      // with lastkey -1: only the first 1/limit of the rest (XREAD's keys, not its ids)
};

// A key one call names: its argument index and the key spec it belongs to.
struct KeyRef {
  size_t arg = 0;
  size_t spec = 0;
};
// Redis's getkeys_proc, for a row whose keys no spec can find (SORT's STORE
// may appear anywhere); makes the command movablekeys.
using KeysOfCall = std::vector<KeyRef> (*)(std::span<const std::string_view> argv);

struct KeySpec {
  int first = 0;  // 0 = no keys
  int last = 0;   // negative counts from the end
  int step = 0;
  // Keys counted by an argument (Redis's keynum key spec): argv[numkeys_at]
  // says how many keys follow it, and COMMAND INFO flags the command
  // movablekeys. With `first` also set (the *STORE forms) the row has two
  // specs: the range (destination) and then the counted keys.
  int numkeys_at = 0;
  // Redis's key-spec flags for the first spec, space-separated ("RW access
  // insert"); empty = derived from the command's flags. Its notes, as Redis's.
  std::string_view flags{};
  std::string_view notes{};
  // Non-empty: the first key is a spec of its own and the keys after it
  // (first + step .. last) a second range spec with these flags: BITOP's and
  // PFMERGE's sources, RENAME's new name.
  std::string_view rest_flags{};
  // Specs listed after the others.
  std::span<const ExtraKeySpec> extra{};
  KeysOfCall keys_of_call = nullptr;
};

struct CommandSpec {
  std::string_view name;      // lower case; "client|setname" for subcommands
  int arity = 0;              // Redis convention: negative = at least -arity
  uint32_t flags = 0;
  KeySpec keys{};
  Handler handler = nullptr;
  // Docs, as Redis's command JSON files: group ("string", "generic",
  // "connection", "server", ...), one-line summary, version introduced,
  // complexity, and the syntax line after the command name, written in the
  // small grammar command_docs.h parses ("key value [NX | XX] [GET]").
  std::string_view group;
  std::string_view summary;
  std::string_view since = "1.0.0";
  std::string_view complexity = "O(1)";
  std::string_view syntax;
  std::vector<CommandSpec> subcommands{};  // container commands: CLIENT, CONFIG ...
  FlagsForCall flags_for_call = nullptr;
  // ACL data-type categories replacing the group's, space-separated ("set
  // sortedset list" for SORT, which is in no @keyspace).
  std::string_view type_categories{};
};

// A registered command: its spec plus live statistics (INFO commandstats).
struct Command {
  CommandSpec spec;
  std::string fullname;  // "get", "client|setname"
  Command* parent = nullptr;
  std::vector<std::unique_ptr<Command>> subcommands;
  uint64_t calls = 0;
  uint64_t usec = 0;
  uint64_t rejected_calls = 0;
  uint64_t failed_calls = 0;
  // latency-tracking: created at the first call (LATENCY HISTOGRAM).
  std::unique_ptr<LatencyHistogram> latency_histogram;

  bool has_subcommands() const { return !subcommands.empty(); }
  // The flags the gates apply to this call (the row's, or what
  // flags_for_call makes of them).
  uint32_t flags_for(Instance& instance, std::span<const std::string_view> args) const {
    return spec.flags_for_call != nullptr ? spec.flags_for_call(instance, args, spec.flags) : spec.flags;
  }
  bool arity_ok(size_t argc) const {
    const int a = spec.arity;
    return a >= 0 ? argc == static_cast<size_t>(a) : argc >= static_cast<size_t>(-a);
  }
};

class CommandTable {
 public:
  void add(CommandSpec spec);
  // Adds a subcommand to the container `parent` registered earlier (a layer
  // above commands/ contributes FUNCTION DUMP and RESTORE this way).
  void add_subcommand(std::string_view parent, CommandSpec spec);
  // Case-insensitive, no allocation for names up to 64 bytes.
  Command* find(std::string_view name) const;
  // rename-command: `to` empty removes the command. Returns Redis's error.
  std::optional<std::string> rename(std::string_view from, std::string_view to);
  Command* find_subcommand(const Command& parent, std::string_view name) const;
  const std::vector<Command*>& all() const { return ordered_; }
  void reset_stats();

 private:
  std::vector<std::unique_ptr<Command>> commands_;
  std::vector<Command*> ordered_;
  // Lower-case names; transparent hashing so string_view lookups don't allocate.
  struct NameHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, Command*, NameHash, std::equal_to<>> by_name_;
};

// The families; each lives in server/commands/<family>.cpp.
void register_connection_commands(CommandTable& table);
void register_server_commands(CommandTable& table);
void register_key_commands(CommandTable& table);
void register_expire_commands(CommandTable& table);
void register_string_commands(CommandTable& table);
void register_bitmap_commands(CommandTable& table);
void register_hyperloglog_commands(CommandTable& table);
void register_sort_commands(CommandTable& table);
void register_geo_commands(CommandTable& table);
void register_note_commands(CommandTable& table);
void register_list_commands(CommandTable& table);
void register_hash_commands(CommandTable& table);
void register_set_commands(CommandTable& table);
void register_zset_commands(CommandTable& table);
void register_stream_commands(CommandTable& table);
void register_pubsub_commands(CommandTable& table);
void register_transaction_commands(CommandTable& table);
void register_zset_blocking_commands(CommandTable& table);
void register_scripting_commands(CommandTable& table);
void register_all_commands(CommandTable& table);

}  // namespace arbor::core
