// CRC-64/Jones as Redis computes it for RDB files and DUMP payloads:
// polynomial 0xad93d23594c935a9, reflected, initial value 0, no final xor
// ("123456789" -> 0xe9c6d914c4b8d9ca). Running form, so a snapshot written
// piece by piece is checksummed as it goes.
#pragma once

#include <cstdint>
#include <string_view>

namespace arbor::replication {

uint64_t crc64(uint64_t crc, std::string_view bytes);

}  // namespace arbor::replication
