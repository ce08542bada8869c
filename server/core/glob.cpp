// Glob matching (Redis stringmatchlen semantics) with the classic
// single-backtrack-point algorithm: linear in practice, never recursive.
#include "server/core/glob.h"

#include <cctype>
#include <cstddef>

namespace arbor::core {
namespace {

inline char fold(char c, bool nocase) {
  return nocase ? static_cast<char>(std::tolower(static_cast<unsigned char>(c))) : c;
}

// Matches one pattern element at `p` (not '*') against `c`. Sets `next` to
// the pattern position after the element.
bool match_element(std::string_view pattern, size_t p, char c, bool nocase, size_t& next) {
  const char pc = pattern[p];
  if (pc == '?') {
    next = p + 1;
    return true;
  }
  if (pc == '\\' && p + 1 < pattern.size()) {
    next = p + 2;
    return fold(pattern[p + 1], nocase) == fold(c, nocase);
  }
  if (pc != '[') {
    next = p + 1;
    return fold(pc, nocase) == fold(c, nocase);
  }
  // Character class. As in Redis, an unterminated class runs to the end.
  size_t i = p + 1;
  bool negate = false;
  if (i < pattern.size() && pattern[i] == '^') {
    negate = true;
    ++i;
  }
  bool matched = false;
  const char fc = fold(c, nocase);
  while (i < pattern.size() && pattern[i] != ']') {
    if (pattern[i] == '\\' && i + 1 < pattern.size()) {
      if (fold(pattern[i + 1], nocase) == fc) matched = true;
      i += 2;
    } else if (i + 2 < pattern.size() && pattern[i + 1] == '-') {
      char lo = fold(pattern[i], nocase), hi = fold(pattern[i + 2], nocase);
      if (lo > hi) std::swap(lo, hi);
      if (fc >= lo && fc <= hi) matched = true;
      i += 3;
    } else {
      if (fold(pattern[i], nocase) == fc) matched = true;
      ++i;
    }
  }
  next = i < pattern.size() ? i + 1 : i;
  return negate ? !matched : matched;
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view text, bool nocase) {
  // As stringmatchlen, whose loop never runs on an empty string: even "*"
  // does not match "" (KEYS and SCAN special-case a lone "*" themselves).
  if (text.empty()) return pattern.empty();
  size_t p = 0, t = 0;
  size_t star_p = std::string_view::npos, star_t = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      while (p < pattern.size() && pattern[p] == '*') ++p;
      if (p == pattern.size()) return true;
      star_p = p;
      star_t = t;
      continue;
    }
    size_t next = 0;
    if (p < pattern.size() && match_element(pattern, p, text[t], nocase, next)) {
      p = next;
      ++t;
      continue;
    }
    if (star_p == std::string_view::npos) return false;
    p = star_p;
    t = ++star_t;
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

}  // namespace arbor::core
