// Redis's listpack blob (listpack.c), the form small hashes, sorted sets and
// list nodes take inside an RDB file: a 4-byte total size, a 2-byte count,
// entries (an integer or a string encoding, then a 1-5 byte back length),
// and 0xFF. Decoding validates the whole blob first, as Redis does with
// sanitize-dump-payload, so a corrupt one is refused before anything is used.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace arbor::replication {

// Every entry as text (integers in decimal, as Redis hands them out);
// nullopt when the blob is malformed.
std::optional<std::vector<std::string>> listpack_decode(std::string_view blob);

// A blob holding `entries` in order; canonical integers take the integer
// encodings, as Redis's writer chooses them.
std::string listpack_encode(const std::vector<std::string_view>& entries);

// The intset blob of RDB_TYPE_SET_INTSET: encoding (2, 4 or 8), count, then
// sorted little-endian integers. Members as decimal text; nullopt when
// malformed (bad width, size, or not strictly ascending).
std::optional<std::vector<std::string>> intset_decode(std::string_view blob);

}  // namespace arbor::replication
