// Reads an RDB file (versions 1 to 10, as Redis 7.0 accepts) held in memory
// into neutral values, handing each key to a visitor: no keyspace, no I/O,
// so it can be fuzzed and tested with bytes. Checks the magic, the version,
// every opcode, every blob (listpacks and intsets are validated before use)
// and the CRC-64 when the file carries one. A failure names the offset.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "replication/rdb/rdb_stream.h"
#include "server/keyspace/entry.h"
#include "server/keyspace/value.h"

namespace arbor::replication {

struct RdbValue {
  keyspace::ValueType type = keyspace::ValueType::kString;
  std::string string;                                 // a string
  std::vector<std::string> elements;                  // list (head to tail), set, hash (field, value, ...)
  std::vector<std::pair<std::string, double>> scored;  // sorted set
  RdbStream stream;                                    // stream
};

struct RdbKey {
  int db = 0;
  int64_t expire_ms = keyspace::kNoExpire;
  std::string key;
  RdbValue value;
};

class RdbVisitor {
 public:
  virtual ~RdbVisitor() = default;
  virtual void aux(std::string_view name, std::string_view value) = 0;
  // Returns false to stop with `error` (a duplicate key, say).
  virtual bool key(RdbKey&& key, std::string& error) = 0;
  // A function library's code (RDB_OPCODE_FUNCTION2, Redis 7.0).
  virtual void function(std::string code) { (void)code; }
};

struct RdbParseResult {
  bool ok = false;
  std::string error;   // "unexpected end of data", "wrong RDB checksum" ...
  size_t offset = 0;   // where it went wrong
  int version = 0;
  uint64_t keys = 0;
};

RdbParseResult parse_rdb(std::string_view file, RdbVisitor& visitor);

// One value as DUMP writes it: its type byte, then the value, and nothing
// after. False with `error` when the bytes are not exactly that.
bool parse_value(std::string_view bytes, RdbValue& out, std::string& error);

}  // namespace arbor::replication
