// Streams in RDB files: RDB_TYPE_STREAM_LISTPACKS_2 (19), what Redis 7.0
// writes, and the older STREAM_LISTPACKS (15) on read. Entries travel in
// listpack nodes keyed by a 16-byte big-endian master id, each node opening
// with a master entry (live count, deleted count, master field names) that
// later entries refer to by flag or repeat in full; then the stream's
// length, last id, first id, max deleted id, entries added, and the
// consumer groups (each with its pending entries and consumers).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "replication/rdb/rdb_format.h"
#include "server/keyspace/stream_value.h"

namespace arbor::replication {

struct RdbStream {
  struct Entry {
    keyspace::StreamId id;
    std::vector<std::string> fields_values;  // field, value, field, value ...
  };
  std::vector<Entry> entries;  // ascending ids, live entries only
  uint64_t length = 0;
  keyspace::StreamId last_id;
  keyspace::StreamId max_deleted;
  uint64_t entries_added = 0;
  struct Group {
    struct Nack {
      keyspace::StreamId id;
      int64_t delivery_time_ms = 0;
      uint64_t delivery_count = 0;
    };
    struct Consumer {
      std::string name;
      int64_t seen_time_ms = 0;
      std::vector<keyspace::StreamId> pending;
    };
    std::string name;
    keyspace::StreamId last_id;
    std::optional<int64_t> entries_read;  // absent in type 15: estimated on load
    std::vector<Nack> pel;
    std::vector<Consumer> consumers;
  };
  std::vector<Group> groups;
};

void write_stream(RdbEncoder& enc, const keyspace::StreamValue& stream);
// `type` is 15 or 19. False (the cursor holding the error) when malformed.
bool read_stream(RdbCursor& in, uint8_t type, RdbStream& out);

}  // namespace arbor::replication
