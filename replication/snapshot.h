// A forkless snapshot of every database as one RDB stream, produced a slice
// at a time from the event loop while clients keep writing (Dragonfly's
// approach, docs/rdbsave.md). Each database is walked with the SCAN cursor;
// an entry that a command is about to reach before the walk got to it is
// written first, through Database's snapshot hooks, so the stream holds
// every key as it was at the instant the snapshot began, each exactly once.
// Keys created after that instant are not in it: they reach a replica
// through the command stream that starts at the same instant.
#pragma once

#include <cstdint>
#include <string>

#include "replication/rdb/rdb_writer.h"
#include "server/core/instance.h"

namespace arbor::replication {

struct SnapshotAux {
  std::string replid;
  uint64_t repl_offset = 0;
  int stream_db = 0;  // the database the stream's next command applies to
  bool with_repl_fields = false;
};

class Snapshot {
 public:
  Snapshot(core::Instance& instance, const SnapshotAux& aux);
  ~Snapshot();  // an unfinished snapshot is abandoned cleanly
  Snapshot(const Snapshot&) = delete;
  Snapshot& operator=(const Snapshot&) = delete;

  // Walks on until about `budget_bytes` more output exists or the walk is
  // over; then the file is complete (EOF + CRC). True when complete.
  bool step(size_t budget_bytes);
  // Output not yet taken by the caller.
  std::string& output() { return out_; }
  uint64_t keys_written() const { return keys_; }
  // Note trees written so far: a Redis replica cannot load those.
  uint64_t note_trees_written() const { return note_trees_; }

 private:
  void write(keyspace::Database& db, keyspace::Entry& entry);
  void write_rest_of(keyspace::Database& db);
  void finish();
  // Lets every database go of the snapshot's hooks.
  void release();

  core::Instance& instance_;
  std::string out_;
  RdbWriter writer_;
  int64_t started_ms_;
  int db_ = 0;
  uint64_t cursor_ = 0;
  int selected_db_ = -1;
  uint64_t keys_ = 0;
  uint64_t note_trees_ = 0;
  bool complete_ = false;
};

}  // namespace arbor::replication
