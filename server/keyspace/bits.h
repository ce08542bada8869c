// Bit-level reads and writes on string values, numbered as Redis numbers
// them: bit 0 is the most significant bit of byte 0. Pure functions over
// bytes, shared by SETBIT/GETBIT/BITCOUNT/BITPOS/BITOP and BITFIELD.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace arbor::keyspace::bits {

// Bit `offset`; bits past the end read as 0.
bool get_bit(std::string_view bytes, uint64_t offset);
// Sets or clears bit `offset`; the caller has made the string long enough.
void set_bit(char* data, uint64_t offset, bool on);

// Set bits among bits [first, last] (inclusive, last < bytes.size() * 8).
uint64_t count_ones(std::string_view bytes, uint64_t first, uint64_t last);
// The first bit equal to `bit` among bits [first, last], if any.
std::optional<uint64_t> find_bit(std::string_view bytes, bool bit, uint64_t first, uint64_t last);

// BITFIELD's integers: `width` bits from bit `offset`, most significant
// first. Bits past the end read as 0; write_field needs them to exist.
uint64_t read_unsigned(std::string_view bytes, uint64_t offset, unsigned width);
int64_t read_signed(std::string_view bytes, uint64_t offset, unsigned width);
void write_field(char* data, uint64_t offset, unsigned width, uint64_t value);

// What BITFIELD does when a SET or INCRBY leaves the field's range.
enum class Overflow { kWrap, kSat, kFail };
struct FieldUpdate {
  bool overflowed = false;
  uint64_t value = 0;  // the field's new value (unless overflowed under kFail)
};
// `value` + `incr` for a field of `width` bits, as Redis's
// checkUnsignedBitfieldOverflow / checkSignedBitfieldOverflow judge it (a SET
// is an INCRBY of 0 from the value being set). Signed results come back as
// their two's complement bits.
FieldUpdate add_unsigned(uint64_t value, int64_t incr, unsigned width, Overflow mode);
FieldUpdate add_signed(int64_t value, int64_t incr, unsigned width, Overflow mode);

// BITOP over `sources` (a missing key is an empty string): the result is as
// long as the longest source, shorter ones read as zero-padded.
enum class BitOp { kAnd, kOr, kXor, kNot };
std::string combine(BitOp op, std::span<const std::string_view> sources);

}  // namespace arbor::keyspace::bits
