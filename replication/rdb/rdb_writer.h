// Writes a keyspace as an RDB version 10 file, piece by piece: the header
// and aux fields, each database's SELECTDB/RESIZEDB, one key at a time, then
// EOF and the CRC-64. Bytes go to a string the caller owns and may drain
// (send, write to disk) between calls: the checksum runs across calls, so
// a snapshot can be produced incrementally from the event loop.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "server/keyspace/entry.h"

namespace arbor::replication {

class RdbWriter {
 public:
  explicit RdbWriter(std::string& out) : out_(out) {}

  // "REDIS0010".
  void header();
  // One AUX field (redis-ver, ctime, repl-id ...).
  void aux(std::string_view name, std::string_view value);
  void aux(std::string_view name, int64_t value);
  // One function library (RDB_OPCODE_FUNCTION2 and its code), after the
  // aux fields and before the first database, as Redis 7.0.
  void function(std::string_view code);
  // SELECTDB, then RESIZEDB with the database's key and TTL counts (hints).
  void select_db(int db, uint64_t keys, uint64_t expires);
  // SELECTDB alone: an incremental snapshot returns to a database it left.
  void select_db(int db);
  // The key with its expiry (if any), type and value, in the encodings Redis
  // 7.0 writes (listpack for small hashes and sorted sets, intset, packed
  // quicklist nodes, stream listpacks); note trees as arbor's module value.
  void entry(const keyspace::Entry& entry);
  // EOF and the checksum of everything written since header().
  void finish();
  // The entry's type byte and value alone, without key or expiry, outside
  // the checksum (the body of a DUMP payload).
  void value(const keyspace::Entry& entry);

  uint64_t crc() const { return crc_; }

 private:
  // Folds the bytes written since `from` into the checksum.
  void checksum_from(size_t from);
  void write_value(const keyspace::Entry& entry, bool with_key);

  std::string& out_;
  uint64_t crc_ = 0;
};

}  // namespace arbor::replication
