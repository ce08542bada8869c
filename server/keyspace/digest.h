// A digest of data that depends only on contents, never on layout: two
// nodes holding the same keys, values and expiry times give the same text
// whatever their encodings, table sizes or insertion orders. Sets and
// hashes are hashed in sorted order; keys combine by XOR, so the order of a
// table walk does not matter. For DEBUG DIGEST / DEBUG DIGEST-VALUE and the
// replication tests that compare nodes. (Not Redis's SHA-1 values: the
// format matches, the numbers are arbor's own.)
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "server/keyspace/database.h"

namespace arbor::keyspace {

using Digest = std::array<uint64_t, 3>;

// One key: name, type, expiry and value.
Digest digest_entry(const Entry& entry);
// DEBUG DIGEST-VALUE's, as Redis's: type and value, and whether the key
// expires (not when, and not its name), so that a copy digests the same.
Digest digest_value(const Entry& entry);
// A database's keys still alive at `now_ms`, with its index mixed in; all
// zero when it holds none.
Digest digest_database(const Database& db, int64_t now_ms);
// 40 hex digits, as DEBUG DIGEST prints them.
std::string digest_hex(const Digest& digest);

}  // namespace arbor::keyspace
