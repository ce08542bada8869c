// The envelope of DUMP and FUNCTION DUMP payloads, as Redis 7.0 writes it:
// the body, then the RDB version (2 bytes) and a CRC-64 of everything before
// it (8 bytes), both little-endian. Pure functions over bytes.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace arbor::replication {

// Appends the version and checksum to a payload body.
void seal_payload(std::string& body);
// The body of a payload of an RDB version this server reads, whose checksum
// holds; nullopt otherwise (Redis's "DUMP payload version or checksum are
// wrong").
std::optional<std::string_view> payload_body(std::string_view payload);

}  // namespace arbor::replication
