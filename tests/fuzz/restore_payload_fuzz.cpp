// libFuzzer target for what RESTORE does with a payload: the envelope check,
// then the value parser (every RDB type and encoding Redis 7.0 writes:
// listpacks, intsets, quicklists, streams with consumer groups, HLL strings)
// and the object builder. Hostile bytes must give an error, never a crash,
// an over-read or a half-built value; a value that builds must survive a
// DUMP of it parsing back. The input is tried as a whole payload and, since
// a fuzzer cannot forge CRC-64s, also as a body sealed here.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "replication/rdb/dump_payload.h"
#include "replication/rdb/rdb_loader.h"
#include "replication/rdb/rdb_parser.h"
#include "replication/rdb/rdb_writer.h"
#include "server/keyspace/entry.h"

namespace {

using namespace arbor;

void check(bool ok) {
  if (!ok) std::abort();
}

// RESTORE's path after the envelope: parse, refuse empty collections, build.
void restore_body(std::string_view body) {
  replication::RdbValue value;
  std::string error;
  if (!replication::parse_value(body, value, error) || replication::empty_collection(value)) return;
  keyspace::Entry* entry = nullptr;
  if (value.type == keyspace::ValueType::kString) {
    entry = keyspace::Entry::make_string("k", value.string);
  } else {
    auto object = replication::build_object(value, error);
    if (object == nullptr) return;
    entry = keyspace::Entry::make_object("k", std::move(object));
  }
  // What DUMP would send for it parses back.
  std::string again;
  replication::RdbWriter(again).value(*entry);
  replication::RdbValue reparsed;
  check(replication::parse_value(again, reparsed, error));
  check(reparsed.type == value.type);
  keyspace::Entry::destroy(entry);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  if (const auto body = replication::payload_body(input)) restore_body(*body);
  std::string sealed(input);
  replication::seal_payload(sealed);
  const auto body = replication::payload_body(sealed);
  check(body.has_value() && *body == input);
  restore_body(*body);
  return 0;
}
