#include "replication/rdb/dump_payload.h"

#include "replication/rdb/crc64.h"
#include "replication/rdb/rdb_format.h"

namespace arbor::replication {
namespace {

constexpr size_t kTrailer = 10;  // version + CRC-64

uint64_t read_u64_le(std::string_view bytes) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(bytes[static_cast<size_t>(i)]);
  return v;
}

}  // namespace

void seal_payload(std::string& body) {
  RdbEncoder enc(body);
  enc.byte(kRdbVersion & 0xff);
  enc.byte((kRdbVersion >> 8) & 0xff);
  enc.u64_le(crc64(0, body));
}

std::optional<std::string_view> payload_body(std::string_view payload) {
  if (payload.size() < kTrailer) return std::nullopt;
  const size_t body = payload.size() - kTrailer;
  const int version = static_cast<unsigned char>(payload[body]) | (static_cast<unsigned char>(payload[body + 1]) << 8);
  if (version > kRdbVersion || crc64(0, payload.substr(0, body + 2)) != read_u64_le(payload.substr(body + 2)))
    return std::nullopt;
  return payload.substr(0, body);
}

}  // namespace arbor::replication
