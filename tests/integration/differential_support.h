// Small helpers the differential tests of the string families share.
#pragma once

#include <cstdlib>
#include <string>
#include <vector>

namespace arbor::test {

// An integer from the environment (ARBOR_DIFF_SEEDS ...), or `fallback`.
inline int env_int(const char* name, int fallback) {
  const char* text = std::getenv(name);
  return text == nullptr || *text == '\0' ? fallback : std::atoi(text);
}

// A command as one printable line (binary bytes as \xNN).
inline std::string printable(const std::vector<std::string>& cmd) {
  static const char* const kHex = "0123456789abcdef";
  std::string shown;
  for (const std::string& arg : cmd) {
    if (!shown.empty()) shown += ' ';
    for (unsigned char ch : arg) {
      if (ch >= 32 && ch < 127) shown += static_cast<char>(ch);
      else shown += std::string("\\x") + kHex[ch >> 4] + kHex[ch & 15];
    }
  }
  return shown;
}

}  // namespace arbor::test
