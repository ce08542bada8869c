#include "server/keyspace/bits.h"

#include <algorithm>
#include <cstring>

namespace arbor::keyspace::bits {
namespace {

const uint8_t* bytes_of(std::string_view s) { return reinterpret_cast<const uint8_t*>(s.data()); }

bool bit_at(const uint8_t* p, uint64_t offset) { return (p[offset >> 3] >> (7 - (offset & 7))) & 1; }

uint64_t load_word(const uint8_t* p) {
  uint64_t word;
  std::memcpy(&word, p, sizeof word);
  return word;
}

}  // namespace

bool get_bit(std::string_view bytes, uint64_t offset) {
  return (offset >> 3) < bytes.size() && bit_at(bytes_of(bytes), offset);
}

void set_bit(char* data, uint64_t offset, bool on) {
  auto& byte = reinterpret_cast<uint8_t*>(data)[offset >> 3];
  const uint8_t mask = static_cast<uint8_t>(0x80u >> (offset & 7));
  byte = on ? static_cast<uint8_t>(byte | mask) : static_cast<uint8_t>(byte & ~mask);
}

// With a POPCNT build where the CPU has it (Debian builds for baseline
// x86-64, where __builtin_popcountll is a library call).
#if defined(__x86_64__) && !defined(__SANITIZE_ADDRESS__)
__attribute__((target_clones("popcnt", "default")))
#endif
uint64_t count_ones(std::string_view bytes, uint64_t first, uint64_t last) {
  const uint8_t* p = bytes_of(bytes);
  uint64_t count = 0, i = first;
  for (; i <= last && (i & 7) != 0; ++i) count += bit_at(p, i);
  // Whole bytes, eight at a time where possible.
  for (; i + 63 <= last; i += 64) count += static_cast<uint64_t>(__builtin_popcountll(load_word(p + (i >> 3))));
  for (; i + 7 <= last; i += 8) count += static_cast<uint64_t>(__builtin_popcount(p[i >> 3]));
  for (; i <= last; ++i) count += bit_at(p, i);
  return count;
}

std::optional<uint64_t> find_bit(std::string_view bytes, bool bit, uint64_t first, uint64_t last) {
  const uint8_t* p = bytes_of(bytes);
  uint64_t i = first;
  for (; i <= last && (i & 7) != 0; ++i)
    if (bit_at(p, i) == bit) return i;
  // Whole bytes: skip those with nothing to find, eight at a time first.
  const uint64_t skip_word = bit ? 0 : ~uint64_t{0};
  for (; i + 63 <= last && load_word(p + (i >> 3)) == skip_word; i += 64) {
  }
  const uint8_t skip_byte = bit ? 0x00 : 0xff;
  for (; i + 7 <= last && p[i >> 3] == skip_byte; i += 8) {
  }
  for (; i <= last; ++i)
    if (bit_at(p, i) == bit) return i;
  return std::nullopt;
}

uint64_t read_unsigned(std::string_view bytes, uint64_t offset, unsigned width) {
  uint64_t value = 0;
  for (unsigned i = 0; i < width; ++i) value = (value << 1) | uint64_t{get_bit(bytes, offset + i)};
  return value;
}

int64_t read_signed(std::string_view bytes, uint64_t offset, unsigned width) {
  uint64_t value = read_unsigned(bytes, offset, width);
  // Sign-extend from the field's top bit.
  if (width < 64 && (value >> (width - 1)) & 1) value |= ~uint64_t{0} << width;
  return static_cast<int64_t>(value);
}

void write_field(char* data, uint64_t offset, unsigned width, uint64_t value) {
  for (unsigned i = 0; i < width; ++i) set_bit(data, offset + i, (value >> (width - 1 - i)) & 1);
}

// The range tests below are Redis's, including their arithmetic on the
// edges (a SET of a value far outside a signed field's range), so that every
// overflow is judged the same way.
FieldUpdate add_unsigned(uint64_t value, int64_t incr, unsigned width, Overflow mode) {
  const uint64_t max = width == 64 ? ~uint64_t{0} : (uint64_t{1} << width) - 1;
  const int64_t max_incr = static_cast<int64_t>(max - value);
  const int64_t min_incr = static_cast<int64_t>(uint64_t{0} - value);
  const bool above = value > max || (incr > 0 && incr > max_incr);
  const bool below = !above && incr < 0 && incr < min_incr;
  if (!above && !below) return {false, value + static_cast<uint64_t>(incr)};
  if (mode == Overflow::kWrap) return {true, (value + static_cast<uint64_t>(incr)) & max};
  return {true, mode == Overflow::kSat && above ? max : 0};
}

FieldUpdate add_signed(int64_t value, int64_t incr, unsigned width, Overflow mode) {
  const int64_t max = width == 64 ? INT64_MAX : (int64_t{1} << (width - 1)) - 1;
  const int64_t min = -max - 1;
  const int64_t max_incr = static_cast<int64_t>(static_cast<uint64_t>(max) - static_cast<uint64_t>(value));
  const int64_t min_incr = static_cast<int64_t>(static_cast<uint64_t>(min) - static_cast<uint64_t>(value));
  const bool above = value > max || (width != 64 && incr > max_incr) || (value >= 0 && incr > 0 && incr > max_incr);
  const bool below =
      !above && (value < min || (width != 64 && incr < min_incr) || (value < 0 && incr < 0 && incr < min_incr));
  const uint64_t sum = static_cast<uint64_t>(value) + static_cast<uint64_t>(incr);
  if (!above && !below) return {false, sum};
  if (mode == Overflow::kWrap) {
    uint64_t wrapped = sum;
    if (width < 64) {
      const uint64_t high = ~uint64_t{0} << width;
      wrapped = (sum >> (width - 1)) & 1 ? sum | high : sum & ~high;
    }
    return {true, wrapped};
  }
  return {true, static_cast<uint64_t>(above ? max : min)};
}

std::string combine(BitOp op, std::span<const std::string_view> sources) {
  size_t length = 0;
  for (std::string_view s : sources) length = std::max(length, s.size());
  std::string out(length, '\0');
  if (sources.empty() || length == 0) return out;
  auto* result = reinterpret_cast<uint8_t*>(out.data());
  std::memcpy(result, sources[0].data(), sources[0].size());
  if (op == BitOp::kNot) {
    for (size_t j = 0; j < length; ++j) result[j] = static_cast<uint8_t>(~result[j]);
    return out;
  }
  for (size_t k = 1; k < sources.size(); ++k) {
    const uint8_t* src = bytes_of(sources[k]);
    const size_t n = sources[k].size();
    switch (op) {
      case BitOp::kAnd:
        for (size_t j = 0; j < n; ++j) result[j] &= src[j];
        std::fill(result + n, result + length, uint8_t{0});  // past its end it reads as zeros
        break;
      case BitOp::kOr:
        for (size_t j = 0; j < n; ++j) result[j] |= src[j];
        break;
      case BitOp::kXor:
        for (size_t j = 0; j < n; ++j) result[j] ^= src[j];
        break;
      case BitOp::kNot:
        break;
    }
  }
  return out;
}

}  // namespace arbor::keyspace::bits
