// LZF decompression (liblzf's format), for strings Redis compressed in an
// RDB file (rdbcompression yes, strings over 20 bytes). Bounds-checked: a
// corrupt block is refused, never read or written past its ends.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace arbor::replication {

// The `expected_size` bytes `compressed` expands to; nullopt when the block
// is malformed or does not expand to exactly that size.
std::optional<std::string> lzf_decompress(std::string_view compressed, size_t expected_size);

}  // namespace arbor::replication
