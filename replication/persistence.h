// Snapshots on disk: the whole keyspace as one RDB file in `dir` under
// `dbfilename`, written to a temporary file and renamed over the old one so
// a crash mid-save never leaves a half file; and the load of that file when
// the server starts. SAVE is registered here (replication/ may use the
// command table; server/ may not use replication/).
#pragma once

#include <string>

#include "server/core/command_table.h"
#include "server/core/instance.h"

namespace arbor::replication {

// Serialises every database of `instance` into `out` (a whole RDB file).
// False with `error` when a value has no RDB form yet.
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

void register_persistence_commands(core::CommandTable& table);

}  // namespace arbor::replication
