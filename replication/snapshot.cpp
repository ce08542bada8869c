// Snapshot: the SCAN-ordered walk plus the write-before-change hooks.
#include "replication/snapshot.h"

#include "server/core/memory.h"
#include "server/scripting/script_engine.h"

#include <spdlog/spdlog.h>

#include <stdexcept>

namespace arbor::replication {

Snapshot::Snapshot(core::Instance& instance, const SnapshotAux& aux)
    : instance_(instance), writer_(out_), started_ms_(core::unix_time_ms()) {
  if (instance_.persistence.snapshot_running) throw std::logic_error("a snapshot is already running");
  // Epochs run 1..255; when they wrap, every entry is re-stamped 0 so that
  // an entry untouched for 255 snapshots cannot pass for written.
  uint8_t epoch = static_cast<uint8_t>(instance_.persistence.snapshot_epoch + 1);
  if (epoch == 0) {
    for (int i = 0; i < instance_.db_count(); ++i) instance_.db(i).restamp(0);
    epoch = 1;
  }
  instance_.persistence.snapshot_epoch = epoch;
  instance_.persistence.snapshot_running = true;
  for (int i = 0; i < instance_.db_count(); ++i) {
    instance_.db(i).begin_snapshot(
        epoch, keyspace::Database::SnapshotHooks{
                   [this](keyspace::Database& db, keyspace::Entry& entry) { write(db, entry); },
                   [this](keyspace::Database& db) { write_rest_of(db); }});
  }
  writer_.header();
  writer_.aux("redis-ver", "7.0.15");
  writer_.aux("redis-bits", int64_t{64});
  writer_.aux("ctime", started_ms_ / 1000);
  writer_.aux("used-mem", static_cast<int64_t>(core::used_memory()));
  if (aux.with_repl_fields) {
    writer_.aux("repl-stream-db", int64_t{aux.stream_db});
    writer_.aux("repl-id", aux.replid);
    writer_.aux("repl-offset", static_cast<int64_t>(aux.repl_offset));
  }
  writer_.aux("aof-base", int64_t{0});
  if (instance_.scripts)
    for (const std::string& code : scripting::engine(instance_).library_codes()) writer_.function(code);
}

Snapshot::~Snapshot() {
  if (!complete_) release();
}

void Snapshot::release() {
  for (int i = 0; i < instance_.db_count(); ++i) instance_.db(i).end_snapshot();
  instance_.persistence.snapshot_running = false;
}

void Snapshot::write(keyspace::Database& db, keyspace::Entry& entry) {
  db.mark_snapshot_written(entry);
  // Keys already past their expiry are left out, as Redis's rdbSaveKeyValuePair.
  if (keyspace::Database::is_expired(&entry, started_ms_)) return;
  if (selected_db_ != db.index()) {
    selected_db_ = db.index();
    writer_.select_db(selected_db_);
  }
  writer_.entry(entry);
  if (entry.type() == keyspace::ValueType::kNoteTree) ++note_trees_;
  ++keys_;
}

void Snapshot::write_rest_of(keyspace::Database& db) {
  db.table().for_each([&](keyspace::Entry* e) {
    if (!db.snapshot_written(*e)) write(db, *e);
  });
}

bool Snapshot::step(size_t budget_bytes) {
  if (complete_) return true;
  const size_t target = budget_bytes > SIZE_MAX - out_.size() ? SIZE_MAX : out_.size() + budget_bytes;
  while (db_ < instance_.db_count()) {
    keyspace::Database& db = instance_.db(db_);
    if (db.size() == 0) {
      ++db_;
      cursor_ = 0;
      continue;
    }
    // A bucket at a time (a handful of entries), and a bounded number of
    // buckets per step even when they hold little left to write.
    constexpr int kMaxBucketsPerStep = 16384;
    int buckets = 0;
    do {
      cursor_ = db.table().scan(cursor_, [&](keyspace::Entry* e) {
        if (!db.snapshot_written(*e)) write(db, *e);
      });
    } while (cursor_ != 0 && out_.size() < target && ++buckets < kMaxBucketsPerStep);
    if (cursor_ != 0) return false;
    ++db_;
  }
  finish();
  return true;
}

void Snapshot::finish() {
  writer_.finish();
  complete_ = true;
  release();
}

}  // namespace arbor::replication
