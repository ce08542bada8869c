// The load loop of rdbLoadRioWithLoadingCtx: opcodes until EOF, then the
// checksum. Value types handled: the plain ones (string, list, set, hash,
// zset, zset_2) and what Redis 7.0 writes (intset, hash and zset listpacks,
// quicklist 2, streams) and arbor's note trees (module type 2). Ziplist-era
// types and other modules' values are refused by name rather than misread.
#include "replication/rdb/rdb_parser.h"

#include <cmath>

#include "protocol/number_format.h"
#include "replication/rdb/crc64.h"
#include "replication/rdb/listpack.h"
#include "replication/rdb/rdb_note_tree.h"
#include "replication/rdb/rdb_format.h"

namespace arbor::replication {
namespace {

using keyspace::ValueType;

// Collections are read element by element; a length claiming more elements
// than bytes left is corrupt, whatever it says.
bool plausible(RdbCursor& in, uint64_t n) {
  if (n > in.remaining()) {
    in.fail("collection length larger than the data");
    return false;
  }
  return true;
}

bool read_strings(RdbCursor& in, uint64_t n, std::vector<std::string>& out) {
  if (!plausible(in, n)) return false;
  out.reserve(n);
  for (uint64_t i = 0; i < n; ++i) {
    auto s = in.string();
    if (!s) return false;
    out.push_back(std::move(*s));
  }
  return true;
}

bool read_value(RdbCursor& in, uint8_t type, RdbValue& v) {
  switch (type) {
    case rdb_type::kString: {
      auto s = in.string();
      if (!s) return false;
      v.type = ValueType::kString;
      v.string = std::move(*s);
      return true;
    }
    case rdb_type::kList:
    case rdb_type::kSet: {
      const auto n = in.length();
      v.type = type == rdb_type::kList ? ValueType::kList : ValueType::kSet;
      return n && read_strings(in, *n, v.elements);
    }
    case rdb_type::kHash: {
      const auto n = in.length();
      v.type = ValueType::kHash;
      return n && *n <= in.remaining() && read_strings(in, *n * 2, v.elements);
    }
    case rdb_type::kZset:
    case rdb_type::kZset2: {
      const auto n = in.length();
      if (!n || !plausible(in, *n)) return false;
      v.type = ValueType::kZset;
      v.scored.reserve(*n);
      for (uint64_t i = 0; i < *n; ++i) {
        auto member = in.string();
        if (!member) return false;
        const auto score = type == rdb_type::kZset2 ? in.double_le() : in.ascii_double();
        if (!score) return false;
        if (std::isnan(*score)) return in.fail("NaN score in sorted set"), false;
        v.scored.emplace_back(std::move(*member), *score);
      }
      return true;
    }
    case rdb_type::kSetIntset: {
      const auto blob = in.string();
      if (!blob) return false;
      auto members = intset_decode(*blob);
      if (!members) return in.fail("invalid intset"), false;
      v.type = ValueType::kSet;
      v.elements = std::move(*members);
      return true;
    }
    case rdb_type::kHashListpack:
    case rdb_type::kZsetListpack: {
      const auto blob = in.string();
      if (!blob) return false;
      auto items = listpack_decode(*blob);
      if (!items || items->size() % 2 != 0) return in.fail("invalid listpack"), false;
      if (type == rdb_type::kHashListpack) {
        v.type = ValueType::kHash;
        v.elements = std::move(*items);
        return true;
      }
      v.type = ValueType::kZset;
      for (size_t i = 0; i < items->size(); i += 2) {
        const auto score = protocol::parse_double((*items)[i + 1]);
        if (!score || std::isnan(*score)) return in.fail("invalid score in sorted set listpack"), false;
        v.scored.emplace_back(std::move((*items)[i]), *score);
      }
      return true;
    }
    case rdb_type::kListQuicklist2: {
      const auto nodes = in.length();
      if (!nodes || !plausible(in, *nodes)) return false;
      v.type = ValueType::kList;
      for (uint64_t i = 0; i < *nodes; ++i) {
        const auto container = in.length();
        auto blob = in.string();
        if (!container || !blob) return false;
        if (*container == 1) {  // a plain node: one large element
          v.elements.push_back(std::move(*blob));
          continue;
        }
        if (*container != 2) return in.fail("unknown quicklist container"), false;
        auto items = listpack_decode(*blob);
        if (!items) return in.fail("invalid listpack"), false;
        for (auto& item : *items) v.elements.push_back(std::move(item));
      }
      return true;
    }
    case rdb_type::kStreamListpacks:
    case rdb_type::kStreamListpacks2:
      v.type = ValueType::kStream;
      return read_stream(in, type, v.stream);
    case rdb_type::kModule2:
      v.type = ValueType::kNoteTree;
      return read_note_tree(in, v.elements);
    default:
      in.fail("unsupported RDB object type " + std::to_string(type));
      return false;
  }
}

}  // namespace

bool parse_value(std::string_view bytes, RdbValue& out, std::string& error) {
  RdbCursor in(bytes);
  const auto type = in.byte();
  if (type && read_value(in, *type, out) && in.at_end()) return true;
  error = in.ok() ? "trailing bytes after the value" : in.error();
  return false;
}

RdbParseResult parse_rdb(std::string_view file, RdbVisitor& visitor) {
  RdbParseResult result;
  RdbCursor in(file);
  auto failed = [&](std::string message) {
    in.fail(std::move(message));
    result.error = in.error();
    result.offset = in.offset();
    return result;
  };
  if (file.size() < 9 || file.substr(0, 5) != "REDIS") {
    result.error = "wrong signature, not an RDB file";
    return result;
  }
  const std::string_view digits = file.substr(5, 4);
  int version = 0;
  for (char c : digits) version = c >= '0' && c <= '9' ? version * 10 + (c - '0') : -1000;
  if (version < 1 || version > kRdbVersion) {
    result.error = "unsupported RDB version " + std::string(digits);
    result.offset = 5;
    return result;
  }
  in.raw(9);
  result.version = version;
  int db = 0;
  int64_t expire = keyspace::kNoExpire;
  for (;;) {
    const size_t item_start = in.offset();
    const auto op = in.byte();
    if (!op) break;
    switch (*op) {
      case rdb_op::kEof: {
        if (result.version >= 5) {
          const uint64_t computed = crc64(0, file.substr(0, in.offset()));
          const auto stored = in.u64_le();
          if (!stored) break;
          if (*stored != 0 && *stored != computed) {
            result.offset = item_start;
            result.error = "wrong RDB checksum";
            return result;
          }
        }
        result.ok = true;
        result.offset = in.offset();
        return result;
      }
      case rdb_op::kSelectDb: {
        const auto n = in.length();
        if (n && *n > 65535) return failed("database number out of range");
        if (n) db = static_cast<int>(*n);
        continue;
      }
      case rdb_op::kResizeDb:
        in.length();
        in.length();
        continue;
      case rdb_op::kExpireTimeMs: {
        const auto at = in.u64_le();
        if (at) expire = static_cast<int64_t>(*at);
        continue;
      }
      case rdb_op::kExpireTime: {
        const auto at = in.u32_le();
        if (at) expire = static_cast<int64_t>(*at) * 1000;
        continue;
      }
      case rdb_op::kIdle:
        in.length();
        continue;
      case rdb_op::kFreq:
        in.byte();
        continue;
      case rdb_op::kAux: {
        const auto name = in.string();
        const auto value = in.string();
        if (name && value) visitor.aux(*name, *value);
        continue;
      }
      case rdb_op::kFunction2: {
        auto code = in.string();
        if (code) visitor.function(std::move(*code));
        continue;
      }
      case rdb_op::kModuleAux:
        return failed("unsupported RDB opcode " + std::to_string(*op));
      default:
        break;
    }
    RdbKey key;
    key.db = db;
    key.expire_ms = expire;
    expire = keyspace::kNoExpire;
    auto name = in.string();
    if (!name) break;
    key.key = std::move(*name);
    if (!read_value(in, *op, key.value)) break;
    std::string error;
    if (!visitor.key(std::move(key), error)) {
      result.error = error;
      result.offset = item_start;
      return result;
    }
    ++result.keys;
  }
  result.error = in.ok() ? "unexpected end of data" : in.error();
  result.offset = in.offset();
  return result;
}

}  // namespace arbor::replication
