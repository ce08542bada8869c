// Snapshots on disk: the whole keyspace as one RDB file in `dir` under
// `dbfilename`, written to a temporary file and renamed over the old one so
// a crash mid-save never leaves a half file; and the load of that file when
// the server starts. SAVE is registered here (replication/ may use the
// command table; server/ may not use replication/).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "replication/rdb/rdb_parser.h"
#include "server/core/command_table.h"
#include "server/core/instance.h"

namespace arbor::replication {

// Serialises every database of `instance` into `out` (a whole RDB file).
// False with `error` while a background snapshot runs.
bool write_snapshot(core::Instance& instance, std::string& out, std::string& error);

// SAVE's work: snapshot, write `<dir>/temp-<pid>.rdb`, fsync, rename to
// `<dir>/<dbfilename>`; then LASTSAVE and the dirty count are updated.
bool save_to_disk(core::Instance& instance, std::string& error);

// At start: loads `<dir>/<dbfilename>` when it exists. A file that cannot be
// parsed is left untouched and the error names its offset; then the server
// must not start (as Redis, which refuses to run over a corrupt dump).
// `history` gets the dump's repl-id / repl-offset aux fields (offset -1
// when absent), with which a restarted replica asks to continue.
struct SavedHistory {
  std::string replid;
  int64_t offset = -1;
  int stream_db = 0;
};
bool load_at_start(core::Instance& instance, std::string& error, SavedHistory& history);

// `<dir>/<name>`.
std::string path_in_dir(const core::Instance& instance, std::string_view name);
// Writes `bytes` to `temp`, fsyncs, renames it over `target`; on failure the
// temporary file is removed and `target` is untouched.
bool replace_file(const std::string& temp, const std::string& target, std::string_view bytes, std::string& error);

// An RDB parsed into databases of its own (nothing shared with the
// instance), to be swapped in only once the whole file proved good.
struct ParsedRdb {
  std::vector<std::unique_ptr<keyspace::Database>> databases;
  std::map<std::string, std::string, std::less<>> aux;
  uint64_t keys = 0;
  uint64_t expired_skipped = 0;
  std::vector<std::string> functions;  // the libraries' code
};
// `drop_expired`: a primary drops keys already expired; a replica keeps them.
bool parse_into_fresh_databases(const core::Instance& instance, std::string_view rdb, bool drop_expired,
                                ParsedRdb& out, RdbParseResult& result);
// The repl-id / repl-offset / repl-stream-db aux fields (offset -1 when absent).
SavedHistory saved_history(const ParsedRdb& parsed);
// Replaces every database's contents with the parsed ones (watchers of the
// old keys are touched, the old data freed off the loop), and the function
// libraries with the parsed ones.
void swap_in(core::Instance& instance, ParsedRdb& parsed);

void register_persistence_commands(core::CommandTable& table);

}  // namespace arbor::replication
