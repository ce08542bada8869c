// HyperLogLog in Redis's exact representation, so that an HLL is the same
// string in arbor and in Redis (GET, DUMP, RDB and replication carry it):
// a 16-byte header ("HYLL", encoding, 3 unused bytes, the cached cardinality
// as 8 little-endian bytes whose top bit marks it stale), then 16384 six-bit
// registers, either dense (12288 bytes, least significant bits first) or
// sparse (ZERO / XZERO / VAL run-length opcodes). Elements are hashed with
// MurmurHash64A (seed 0xadc83b19); the count is Ertl's improved estimator,
// as Redis 5 and later compute it. Pure functions over strings.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace arbor::keyspace::hll {

inline constexpr size_t kRegisters = 16384;
inline constexpr size_t kHeaderSize = 16;
inline constexpr size_t kDenseSize = kHeaderSize + kRegisters * 6 / 8;

using Registers = std::span<uint8_t, kRegisters>;

// A string Redis would take as an HLL (isHLLObjectOrReply): long enough for
// the header, the magic, a known encoding, and a dense one of exact size.
bool looks_valid(std::string_view bytes);
bool is_sparse(std::string_view hll);

// A new, empty HLL: sparse, one XZERO run over every register.
std::string make_empty();

// Adds `element`: 1 when a register grew, 0 when none did, -1 when the HLL
// is corrupt. A sparse HLL turns dense when a register passes 32 or it
// would grow past `sparse_max_bytes` (hll-sparse-max-bytes).
int add(std::string& hll, std::string_view element, size_t sparse_max_bytes);
// Raises register `index` to `count` if it is lower; same results as add().
int raise_register(std::string& hll, size_t index, uint8_t count, size_t sparse_max_bytes);
// Sparse to dense in place (no-op when dense); false when corrupt.
bool to_dense(std::string& hll);

// The cached cardinality, when still valid.
std::optional<uint64_t> cached_count(std::string_view hll);
void store_count(std::string& hll, uint64_t count);
void invalidate_count(std::string& hll);

// The estimated cardinality; nullopt when a sparse HLL is corrupt.
std::optional<uint64_t> count(std::string_view hll);
// The estimate for plain byte registers (PFCOUNT of several keys).
uint64_t count_registers(std::span<const uint8_t, kRegisters> registers);
// registers[i] = max(registers[i], hll's register i); false when corrupt.
bool merge_into(Registers registers, std::string_view hll);

// One dense register (PFDEBUG GETREG, after to_dense).
uint8_t dense_register(std::string_view hll, size_t index);
// PFDEBUG DECODE's text of a sparse HLL: "Z:8436 v:1,1 z:3 ...".
std::string describe_sparse(std::string_view hll);

uint64_t murmur_hash64a(std::string_view bytes, uint64_t seed);

// PFSELFTEST: register access, sparse and dense agreement, and accuracy.
// Empty when every check passes, else what failed.
std::string self_test();

}  // namespace arbor::keyspace::hll
