// Each control byte starts either a literal run (ctrl < 32: ctrl + 1 bytes
// follow) or a back reference (length in the top 3 bits, 7 = one more length
// byte; offset in the low 5 bits plus one byte), copied byte by byte because
// a reference may overlap the bytes it produces.
#include "replication/rdb/lzf.h"

#include <cstdint>
#include <cstring>

namespace arbor::replication {

std::optional<std::string> lzf_decompress(std::string_view compressed, size_t expected_size) {
  // A back reference (3 bytes at most) expands to at most 264 bytes: a
  // declared size beyond that ratio is a lie, refused before allocating it.
  if (expected_size / 88 > compressed.size()) return std::nullopt;
  std::string out;
  out.resize(expected_size);
  size_t op = 0;
  size_t ip = 0;
  const size_t in_end = compressed.size();
  auto byte = [&](size_t at) { return static_cast<uint8_t>(compressed[at]); };
  while (ip < in_end) {
    const unsigned ctrl = byte(ip++);
    if (ctrl < 32) {
      const size_t run = ctrl + 1;
      if (ip + run > in_end || op + run > expected_size) return std::nullopt;
      std::memcpy(out.data() + op, compressed.data() + ip, run);
      ip += run;
      op += run;
      continue;
    }
    size_t len = ctrl >> 5;
    if (len == 7) {
      if (ip >= in_end) return std::nullopt;
      len += byte(ip++);
    }
    if (ip >= in_end) return std::nullopt;
    const size_t back = ((ctrl & 0x1f) << 8) + byte(ip++) + 1;
    len += 2;
    if (back > op || op + len > expected_size) return std::nullopt;
    for (size_t i = 0; i < len; ++i, ++op) out[op] = out[op - back];
  }
  if (op != expected_size) return std::nullopt;
  return out;
}

}  // namespace arbor::replication
