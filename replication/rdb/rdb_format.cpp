// Length and string encodings as rdb.c's rdbSaveLen/rdbLoadLen and
// rdbSaveRawString/rdbGenericLoadStringObject.
#include "replication/rdb/rdb_format.h"

#include <cmath>
#include <cstring>
#include <limits>

#include "protocol/number_format.h"
#include "replication/rdb/lzf.h"

namespace arbor::replication {
namespace {

constexpr uint8_t kLen6 = 0;
constexpr uint8_t kLen14 = 1;
constexpr uint8_t kLen32 = 0x80;
constexpr uint8_t kLen64 = 0x81;
constexpr uint8_t kEncoded = 3;  // top bits 11: a specially encoded string
constexpr uint8_t kEncInt8 = 0;
constexpr uint8_t kEncInt16 = 1;
constexpr uint8_t kEncInt32 = 2;
constexpr uint8_t kEncLzf = 3;

}  // namespace

void RdbEncoder::length(uint64_t n) {
  if (n < (1u << 6)) {
    byte(static_cast<uint8_t>((kLen6 << 6) | n));
  } else if (n < (1u << 14)) {
    byte(static_cast<uint8_t>((kLen14 << 6) | (n >> 8)));
    byte(static_cast<uint8_t>(n & 0xff));
  } else if (n <= std::numeric_limits<uint32_t>::max()) {
    byte(kLen32);
    for (int shift = 24; shift >= 0; shift -= 8) byte(static_cast<uint8_t>(n >> shift));
  } else {
    byte(kLen64);
    for (int shift = 56; shift >= 0; shift -= 8) byte(static_cast<uint8_t>(n >> shift));
  }
}

void RdbEncoder::string(std::string_view s) {
  if (s.size() <= 11) {
    if (const auto v = protocol::parse_int64(s)) {
      if (*v >= std::numeric_limits<int8_t>::min() && *v <= std::numeric_limits<int8_t>::max()) {
        byte((kEncoded << 6) | kEncInt8);
        byte(static_cast<uint8_t>(static_cast<int8_t>(*v)));
        return;
      }
      if (*v >= std::numeric_limits<int16_t>::min() && *v <= std::numeric_limits<int16_t>::max()) {
        byte((kEncoded << 6) | kEncInt16);
        const auto u = static_cast<uint16_t>(static_cast<int16_t>(*v));
        byte(static_cast<uint8_t>(u));
        byte(static_cast<uint8_t>(u >> 8));
        return;
      }
      if (*v >= std::numeric_limits<int32_t>::min() && *v <= std::numeric_limits<int32_t>::max()) {
        byte((kEncoded << 6) | kEncInt32);
        const auto u = static_cast<uint32_t>(static_cast<int32_t>(*v));
        for (int shift = 0; shift < 32; shift += 8) byte(static_cast<uint8_t>(u >> shift));
        return;
      }
    }
  }
  length(s.size());
  raw(s);
}

void RdbEncoder::u64_le(uint64_t v) {
  for (int shift = 0; shift < 64; shift += 8) byte(static_cast<uint8_t>(v >> shift));
}

void RdbEncoder::double_le(double v) {
  uint64_t bits;
  std::memcpy(&bits, &v, 8);
  u64_le(bits);
}

std::nullopt_t RdbCursor::fail(std::string message) {
  if (error_.empty()) {
    error_ = std::move(message);
    failed_at_ = base_ + at_;
  }
  at_ = bytes_.size();  // nothing more is read
  return std::nullopt;
}

std::optional<uint8_t> RdbCursor::byte() {
  if (!ok()) return std::nullopt;
  if (at_ >= bytes_.size()) return fail("unexpected end of data");
  return static_cast<uint8_t>(bytes_[at_++]);
}

std::optional<std::string_view> RdbCursor::raw(size_t n) {
  if (!ok()) return std::nullopt;
  if (n > remaining()) return fail("unexpected end of data");
  const std::string_view out = bytes_.substr(at_, n);
  at_ += n;
  return out;
}

std::optional<uint64_t> RdbCursor::length(bool* encoded) {
  const auto first = byte();
  if (!first) return std::nullopt;
  if (encoded != nullptr) *encoded = false;
  const uint8_t kind = *first >> 6;
  if (kind == kLen6) return *first & 0x3f;
  if (kind == kLen14) {
    const auto second = byte();
    if (!second) return std::nullopt;
    return (static_cast<uint64_t>(*first & 0x3f) << 8) | *second;
  }
  if (kind == kEncoded) {
    if (encoded == nullptr) return fail("unexpected encoded string where a length belongs");
    *encoded = true;
    return *first & 0x3f;
  }
  int bytes = 0;
  if (*first == kLen32) bytes = 4;
  else if (*first == kLen64) bytes = 8;
  else return fail("unknown length encoding");
  const auto data = raw(static_cast<size_t>(bytes));
  if (!data) return std::nullopt;
  uint64_t n = 0;
  for (char c : *data) n = (n << 8) | static_cast<uint8_t>(c);
  return n;
}

std::optional<std::string> RdbCursor::string() {
  bool encoded = false;
  const auto len = length(&encoded);
  if (!len) return std::nullopt;
  if (!encoded) {
    const auto data = raw(*len);
    if (!data) return std::nullopt;
    return std::string(*data);
  }
  int64_t value = 0;
  switch (*len) {
    case kEncInt8: {
      const auto b = byte();
      if (!b) return std::nullopt;
      value = static_cast<int8_t>(*b);
      break;
    }
    case kEncInt16: {
      const auto data = raw(2);
      if (!data) return std::nullopt;
      value = static_cast<int16_t>(static_cast<uint8_t>((*data)[0]) | (static_cast<uint8_t>((*data)[1]) << 8));
      break;
    }
    case kEncInt32: {
      const auto u = u32_le();
      if (!u) return std::nullopt;
      value = static_cast<int32_t>(*u);
      break;
    }
    case kEncLzf: {
      const auto compressed_len = length();
      const auto original_len = length();
      if (!compressed_len || !original_len) return std::nullopt;
      const auto compressed = raw(*compressed_len);
      if (!compressed) return std::nullopt;
      auto plain = lzf_decompress(*compressed, *original_len);
      if (!plain) return fail("invalid LZF compressed string");
      return plain;
    }
    default:
      return fail("unknown string encoding");
  }
  return std::to_string(value);
}

std::optional<uint64_t> RdbCursor::u64_le() {
  const auto data = raw(8);
  if (!data) return std::nullopt;
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>((*data)[static_cast<size_t>(i)]);
  return v;
}

std::optional<uint32_t> RdbCursor::u32_le() {
  const auto data = raw(4);
  if (!data) return std::nullopt;
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>((*data)[static_cast<size_t>(i)]);
  return v;
}

std::optional<double> RdbCursor::double_le() {
  const auto bits = u64_le();
  if (!bits) return std::nullopt;
  double v;
  std::memcpy(&v, &*bits, 8);
  return v;
}

std::optional<double> RdbCursor::ascii_double() {
  const auto len = byte();
  if (!len) return std::nullopt;
  if (*len == 253) return std::numeric_limits<double>::quiet_NaN();
  if (*len == 254) return std::numeric_limits<double>::infinity();
  if (*len == 255) return -std::numeric_limits<double>::infinity();
  const auto text = raw(*len);
  if (!text) return std::nullopt;
  const auto v = protocol::parse_double(*text);
  if (!v) return fail("invalid double");
  return *v;
}

}  // namespace arbor::replication
