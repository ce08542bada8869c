// Value encodings as rdbSaveObject picks them in Redis 7.0: strings as
// (integer-encoded where canonical) strings; lists as QUICKLIST_2 nodes of
// packed listpacks (up to 128 elements / 8 KB each, as list-max-listpack-size
// -2); intsets as their blob and other sets as plain member lists; compact
// hashes and sorted sets as listpacks, large ones as HASH / ZSET_2 pairs.
// Nothing is LZF-compressed: it costs more CPU than a replica link saves.
#include "replication/rdb/rdb_writer.h"

#include <vector>

#include "protocol/number_format.h"
#include "replication/rdb/crc64.h"
#include "replication/rdb/listpack.h"
#include "replication/rdb/rdb_format.h"
#include "replication/rdb/rdb_note_tree.h"
#include "replication/rdb/rdb_stream.h"
#include "server/keyspace/hash_value.h"
#include "server/keyspace/list_value.h"
#include "server/keyspace/set_value.h"
#include "server/keyspace/zset_value.h"

namespace arbor::replication {
namespace {

using keyspace::ValueType;

constexpr size_t kNodeMaxEntries = 128;
constexpr size_t kNodeMaxBytes = 8192;
constexpr uint64_t kQuicklistPacked = 2;

void write_list(RdbEncoder& enc, const keyspace::ListValue& list) {
  // Node boundaries are ours to choose; Redis keeps whatever it loads.
  std::vector<std::vector<std::string_view>> nodes;
  size_t bytes = 0;
  for (auto cursor = list.forward(0); !cursor.done();) {
    const std::string_view element = cursor.next();
    if (nodes.empty() || nodes.back().size() >= kNodeMaxEntries || bytes + element.size() > kNodeMaxBytes) {
      nodes.emplace_back();
      bytes = 0;
    }
    nodes.back().push_back(element);
    bytes += element.size() + 2;
  }
  enc.length(nodes.size());
  for (const auto& node : nodes) {
    enc.length(kQuicklistPacked);
    enc.string(listpack_encode(node));
  }
}

void write_set(RdbEncoder& enc, const keyspace::SetValue& set) {
  if (set.encoding_kind() == keyspace::SetValue::Encoding::kIntset) {
    // The intset blob: width, count, ascending little-endian integers.
    const uint64_t width = set.intset_width();
    std::string blob;
    RdbEncoder b(blob);
    for (uint64_t i = 0; i < 4; ++i) b.byte(static_cast<uint8_t>(width >> (8 * i)));
    for (uint64_t i = 0; i < 4; ++i) b.byte(static_cast<uint8_t>(set.size() >> (8 * i)));
    set.for_each([&](std::string_view m) {
      const auto v = static_cast<uint64_t>(*protocol::parse_int64(m));
      for (uint64_t i = 0; i < width; ++i) b.byte(static_cast<uint8_t>(v >> (8 * i)));
    });
    return enc.string(blob);
  }
  enc.length(set.size());
  set.for_each([&](std::string_view m) { enc.string(m); });
}

void write_hash(RdbEncoder& enc, const keyspace::HashValue& hash) {
  if (hash.compact()) {
    std::vector<std::string_view> items;
    items.reserve(hash.size() * 2);
    hash.for_each([&](std::string_view f, std::string_view v) {
      items.push_back(f);
      items.push_back(v);
    });
    return enc.string(listpack_encode(items));
  }
  enc.length(hash.size());
  hash.for_each([&](std::string_view f, std::string_view v) {
    enc.string(f);
    enc.string(v);
  });
}

void write_zset(RdbEncoder& enc, const keyspace::ZsetValue& zset) {
  if (zset.compact()) {
    // Scores as text that parses back to the same double.
    std::vector<std::string> scores;
    std::vector<std::string_view> items;
    scores.reserve(zset.size());
    zset.walk(0, false, [&](std::string_view, double s) {
      scores.push_back(protocol::format_double(s));
      return true;
    });
    size_t i = 0;
    zset.walk(0, false, [&](std::string_view m, double) {
      items.push_back(m);
      items.push_back(scores[i++]);
      return true;
    });
    return enc.string(listpack_encode(items));
  }
  // Redis writes ZSET_2 from the tail, so its loader inserts at the head.
  enc.length(zset.size());
  zset.walk(zset.size() - 1, true, [&](std::string_view m, double s) {
    enc.string(m);
    enc.double_le(s);
    return true;
  });
}

uint8_t type_byte(const keyspace::Entry& entry) {
  switch (entry.type()) {
    case ValueType::kString: return rdb_type::kString;
    case ValueType::kList: return rdb_type::kListQuicklist2;
    case ValueType::kSet:
      return entry.as<keyspace::SetValue>().encoding_kind() == keyspace::SetValue::Encoding::kIntset
                 ? rdb_type::kSetIntset
                 : rdb_type::kSet;
    case ValueType::kHash:
      return entry.as<keyspace::HashValue>().compact() ? rdb_type::kHashListpack : rdb_type::kHash;
    case ValueType::kZset:
      return entry.as<keyspace::ZsetValue>().compact() ? rdb_type::kZsetListpack : rdb_type::kZset2;
    case ValueType::kStream: return rdb_type::kStreamListpacks2;
    case ValueType::kNoteTree: return rdb_type::kModule2;
  }
  return rdb_type::kString;
}

}  // namespace

void RdbWriter::checksum_from(size_t from) {
  crc_ = crc64(crc_, std::string_view(out_).substr(from));
}

void RdbWriter::header() {
  const size_t from = out_.size();
  out_.append("REDIS0010");
  checksum_from(from);
}

void RdbWriter::aux(std::string_view name, std::string_view value) {
  const size_t from = out_.size();
  RdbEncoder enc(out_);
  enc.byte(rdb_op::kAux);
  enc.string(name);
  enc.string(value);
  checksum_from(from);
}

void RdbWriter::aux(std::string_view name, int64_t value) { aux(name, protocol::int64_to_string(value)); }

void RdbWriter::function(std::string_view code) {
  const size_t from = out_.size();
  RdbEncoder enc(out_);
  enc.byte(rdb_op::kFunction2);
  enc.string(code);
  checksum_from(from);
}

void RdbWriter::select_db(int db) {
  const size_t from = out_.size();
  RdbEncoder enc(out_);
  enc.byte(rdb_op::kSelectDb);
  enc.length(static_cast<uint64_t>(db));
  checksum_from(from);
}

void RdbWriter::select_db(int db, uint64_t keys, uint64_t expires) {
  select_db(db);
  const size_t from = out_.size();
  RdbEncoder enc(out_);
  enc.byte(rdb_op::kResizeDb);
  enc.length(keys);
  enc.length(expires);
  checksum_from(from);
}

void RdbWriter::entry(const keyspace::Entry& entry) {
  const size_t from = out_.size();
  RdbEncoder enc(out_);
  if (entry.has_expire()) {
    enc.byte(rdb_op::kExpireTimeMs);
    enc.i64_le(entry.expire_ms());
  }
  write_value(entry, true);
  checksum_from(from);
}

void RdbWriter::value(const keyspace::Entry& entry) { write_value(entry, false); }

void RdbWriter::write_value(const keyspace::Entry& entry, bool with_key) {
  RdbEncoder enc(out_);
  enc.byte(type_byte(entry));
  if (with_key) enc.string(entry.key());
  switch (entry.type()) {
    case ValueType::kString: return enc.string(entry.string_value());
    case ValueType::kList: return write_list(enc, entry.as<keyspace::ListValue>());
    case ValueType::kSet: return write_set(enc, entry.as<keyspace::SetValue>());
    case ValueType::kHash: return write_hash(enc, entry.as<keyspace::HashValue>());
    case ValueType::kZset: return write_zset(enc, entry.as<keyspace::ZsetValue>());
    case ValueType::kStream: return write_stream(enc, entry.as<keyspace::StreamValue>());
    case ValueType::kNoteTree: return write_note_tree(enc, entry.as<keyspace::NoteTree>());
  }
}

void RdbWriter::finish() {
  const size_t from = out_.size();
  out_.push_back(static_cast<char>(rdb_op::kEof));
  checksum_from(from);
  RdbEncoder(out_).u64_le(crc_);
}

}  // namespace arbor::replication
