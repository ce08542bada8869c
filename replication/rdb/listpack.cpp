// Entry encodings (first byte): 0xxxxxxx 7-bit uint; 10xxxxxx string up to 63
// bytes; 110xxxxx 13-bit int; 1110xxxx string up to 4095 bytes; 0xF0 string
// with a 32-bit length; 0xF1..0xF4 16/24/32/64-bit ints (all little-endian).
// The back length stores the entry's size 7 bits per byte, read right to left.
#include "replication/rdb/listpack.h"

#include <cstdint>
#include <cstring>
#include <limits>

#include "protocol/number_format.h"

namespace arbor::replication {
namespace {

constexpr size_t kHeader = 6;
constexpr uint8_t kEnd = 0xFF;

// Bounds as lpEncodeBacklen's (one below each power of 128: 16383 already
// takes three bytes there, and a decoder checking sizes must agree).
size_t backlen_size(size_t entry) {
  if (entry <= 127) return 1;
  if (entry < 16383) return 2;
  if (entry < 2097151) return 3;
  if (entry < 268435455) return 4;
  return 5;
}

uint64_t read_le(const unsigned char* p, size_t n) {
  uint64_t v = 0;
  for (size_t i = n; i-- > 0;) v = (v << 8) | p[i];
  return v;
}

int64_t sign_extend(uint64_t v, unsigned bits) {
  const uint64_t sign = uint64_t{1} << (bits - 1);
  return static_cast<int64_t>((v ^ sign) - sign);
}

void append_backlen(std::string& out, size_t entry) {
  // Most significant 7-bit group first; every byte but the first (the
  // group read last, right to left) has its top bit set.
  const size_t n = backlen_size(entry);
  for (size_t i = n; i-- > 0;) {
    auto group = static_cast<uint8_t>((entry >> (7 * i)) & 0x7f);
    if (i != n - 1) group |= 0x80;
    out.push_back(static_cast<char>(group));
  }
}

}  // namespace

std::optional<std::vector<std::string>> listpack_decode(std::string_view blob) {
  if (blob.size() < kHeader + 1) return std::nullopt;
  const auto* p = reinterpret_cast<const unsigned char*>(blob.data());
  const size_t total = read_le(p, 4);
  const size_t count = read_le(p + 4, 2);
  if (total != blob.size() || p[total - 1] != kEnd) return std::nullopt;
  std::vector<std::string> out;
  size_t at = kHeader;
  const size_t end = total - 1;
  while (at < end) {
    const uint8_t b = p[at];
    size_t head = 1;     // encoding bytes
    size_t data = 0;     // string bytes after them
    bool is_string = false;
    int64_t value = 0;
    auto need = [&](size_t n) { return at + n <= end; };
    if ((b & 0x80) == 0) {
      value = b & 0x7f;
    } else if ((b & 0xC0) == 0x80) {
      is_string = true;
      data = b & 0x3f;
    } else if ((b & 0xE0) == 0xC0) {
      head = 2;
      if (!need(2)) return std::nullopt;
      value = sign_extend((static_cast<uint64_t>(b & 0x1f) << 8) | p[at + 1], 13);
    } else if ((b & 0xF0) == 0xE0) {
      head = 2;
      if (!need(2)) return std::nullopt;
      is_string = true;
      data = (static_cast<size_t>(b & 0x0f) << 8) | p[at + 1];
    } else if (b == 0xF0) {
      head = 5;
      if (!need(5)) return std::nullopt;
      is_string = true;
      data = read_le(p + at + 1, 4);
    } else if (b >= 0xF1 && b <= 0xF4) {
      static constexpr unsigned kBits[] = {16, 24, 32, 64};
      const unsigned bits = kBits[b - 0xF1];
      head = 1 + bits / 8;
      if (!need(head)) return std::nullopt;
      value = sign_extend(read_le(p + at + 1, bits / 8), bits);
    } else {
      return std::nullopt;  // 0xF5..0xFE are unused; 0xFF only at the end
    }
    const size_t entry = head + data;
    if (!need(entry)) return std::nullopt;
    const size_t back = backlen_size(entry);
    if (!need(entry + back)) return std::nullopt;
    // The back length must say the entry's size.
    size_t decoded = 0;
    for (size_t i = 0; i < back; ++i) decoded = (decoded << 7) | (p[at + entry + i] & 0x7f);
    if (decoded != entry) return std::nullopt;
    if (is_string)
      out.emplace_back(reinterpret_cast<const char*>(p + at + head), data);
    else
      out.push_back(std::to_string(value));
    at += entry + back;
  }
  if (at != end) return std::nullopt;
  if (count != 0xFFFF && count != out.size()) return std::nullopt;
  return out;
}

std::string listpack_encode(const std::vector<std::string_view>& entries) {
  std::string out(kHeader, '\0');
  for (std::string_view s : entries) {
    const size_t start = out.size();
    const auto v = s.size() <= 20 ? protocol::parse_int64(s) : std::nullopt;
    if (v && *v >= 0 && *v <= 127) {
      out.push_back(static_cast<char>(*v));
    } else if (v && *v >= -4096 && *v <= 4095) {
      const auto u = static_cast<uint16_t>(*v) & 0x1fff;
      out.push_back(static_cast<char>(0xC0 | (u >> 8)));
      out.push_back(static_cast<char>(u & 0xff));
    } else if (v) {
      unsigned bytes = 8;
      uint8_t tag = 0xF4;
      if (*v >= std::numeric_limits<int16_t>::min() && *v <= std::numeric_limits<int16_t>::max()) {
        bytes = 2;
        tag = 0xF1;
      } else if (*v >= -(int64_t{1} << 23) && *v < (int64_t{1} << 23)) {
        bytes = 3;
        tag = 0xF2;
      } else if (*v >= std::numeric_limits<int32_t>::min() && *v <= std::numeric_limits<int32_t>::max()) {
        bytes = 4;
        tag = 0xF3;
      }
      out.push_back(static_cast<char>(tag));
      const auto u = static_cast<uint64_t>(*v);
      for (unsigned i = 0; i < bytes; ++i) out.push_back(static_cast<char>((u >> (8 * i)) & 0xff));
    } else if (s.size() < 64) {
      out.push_back(static_cast<char>(0x80 | s.size()));
      out.append(s);
    } else if (s.size() < 4096) {
      out.push_back(static_cast<char>(0xE0 | (s.size() >> 8)));
      out.push_back(static_cast<char>(s.size() & 0xff));
      out.append(s);
    } else {
      out.push_back(static_cast<char>(0xF0));
      for (unsigned i = 0; i < 4; ++i) out.push_back(static_cast<char>((s.size() >> (8 * i)) & 0xff));
      out.append(s);
    }
    append_backlen(out, out.size() - start);
  }
  out.push_back(static_cast<char>(kEnd));
  const auto total = static_cast<uint32_t>(out.size());
  const auto count = static_cast<uint16_t>(entries.size() < 0xFFFF ? entries.size() : 0xFFFF);
  for (unsigned i = 0; i < 4; ++i) out[i] = static_cast<char>((total >> (8 * i)) & 0xff);
  out[4] = static_cast<char>(count & 0xff);
  out[5] = static_cast<char>(count >> 8);
  return out;
}

std::optional<std::vector<std::string>> intset_decode(std::string_view blob) {
  if (blob.size() < 8) return std::nullopt;
  const auto* p = reinterpret_cast<const unsigned char*>(blob.data());
  const size_t width = read_le(p, 4);
  const size_t count = read_le(p + 4, 4);
  if (width != 2 && width != 4 && width != 8) return std::nullopt;
  if (blob.size() != 8 + width * count) return std::nullopt;
  std::vector<std::string> out;
  out.reserve(count);
  int64_t previous = 0;
  for (size_t i = 0; i < count; ++i) {
    const int64_t v = sign_extend(read_le(p + 8 + i * width, width), static_cast<unsigned>(width * 8));
    if (i > 0 && v <= previous) return std::nullopt;
    previous = v;
    out.push_back(std::to_string(v));
  }
  return out;
}

}  // namespace arbor::replication
