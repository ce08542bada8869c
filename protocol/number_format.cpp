// Number <-> text conversions with Redis 7.0's acceptance rules (util.c
// string2ll / string2d / string2ld) and reply formatting (addReplyDouble,
// ld2string LD_STR_HUMAN). Integers use std::to_chars: no locale, no snprintf.
#include "protocol/number_format.h"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>

namespace arbor::protocol {
namespace {

// C-locale isspace, as Redis's checks use it on the first byte.
bool is_c_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

// Redis's MAX_LONG_DOUBLE_CHARS: string2ld refuses inputs that do not fit.
constexpr size_t kMaxLongDoubleChars = 5 * 1024;

// strtod/strtold need a NUL-terminated copy; short inputs stay on the stack.
// An embedded NUL makes the parse stop early, so the whole-string check
// rejects it, as it does in Redis.
template <typename T, typename Fn>
std::optional<T> parse_floating(std::string_view text, Fn convert) {
  if (text.empty() || is_c_space(text[0])) return std::nullopt;
  char small[128];
  std::string large;
  const char* start = nullptr;
  if (text.size() < sizeof(small)) {
    std::memcpy(small, text.data(), text.size());
    small[text.size()] = '\0';
    start = small;
  } else {
    large.assign(text);
    start = large.c_str();
  }
  char* end = nullptr;
  errno = 0;
  T value = convert(start, &end);
  if (static_cast<size_t>(end - start) != text.size()) return std::nullopt;
  // Overflow to infinity and underflow to zero are errors; a literal "inf"
  // does not set ERANGE and is accepted.
  if (errno == ERANGE &&
      (std::isinf(value) || std::fpclassify(value) == FP_ZERO)) {
    return std::nullopt;
  }
  if (std::isnan(value)) return std::nullopt;
  return value;
}

}  // namespace

std::optional<int64_t> parse_int64(std::string_view text) {
  // Redis string2ll: the canonical decimal spelling only, so that a string
  // that parses as an integer prints back to the very same bytes.
  if (text.empty()) return std::nullopt;
  if (text.size() == 1 && text[0] == '0') return 0;
  size_t i = 0;
  bool negative = false;
  if (text[0] == '-') {
    negative = true;
    i = 1;
    if (text.size() == 1) return std::nullopt;
  }
  if (text[i] < '1' || text[i] > '9') return std::nullopt;
  uint64_t value = static_cast<uint64_t>(text[i] - '0');
  constexpr uint64_t kMaxU = std::numeric_limits<uint64_t>::max();
  for (++i; i < text.size(); ++i) {
    char c = text[i];
    if (c < '0' || c > '9') return std::nullopt;
    if (value > kMaxU / 10) return std::nullopt;
    value *= 10;
    uint64_t digit = static_cast<uint64_t>(c - '0');
    if (value > kMaxU - digit) return std::nullopt;
    value += digit;
  }
  constexpr uint64_t kMaxPositive = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  if (negative) {
    if (value > kMaxPositive + 1) return std::nullopt;
    // Written so that INT64_MIN does not overflow: -(v-1) - 1.
    return -static_cast<int64_t>(value - 1) - 1;
  }
  if (value > kMaxPositive) return std::nullopt;
  return static_cast<int64_t>(value);
}

std::optional<double> parse_double(std::string_view text) {
  return parse_floating<double>(text, [](const char* s, char** end) { return std::strtod(s, end); });
}

std::optional<long double> parse_long_double(std::string_view text) {
  if (text.size() >= kMaxLongDoubleChars) return std::nullopt;
  return parse_floating<long double>(text,
                                     [](const char* s, char** end) { return std::strtold(s, end); });
}

void append_int64(std::string& out, int64_t value) {
  char buf[24];
  auto res = std::to_chars(buf, buf + sizeof(buf), value);
  out.append(buf, static_cast<size_t>(res.ptr - buf));
}

std::string int64_to_string(int64_t value) {
  std::string out;
  append_int64(out, value);
  return out;
}

std::string format_double(double value) {
  // Spelled out explicitly because libcs disagree on how to print infinity
  // (the reason Redis special-cases it too).
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  char buf[64];
  int n = std::snprintf(buf, sizeof(buf), "%.17g", value);
  return std::string(buf, static_cast<size_t>(n));
}

std::string format_long_double_human(long double value) {
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  // "%.17Lf" of the largest long double is under 5000 characters.
  char buf[kMaxLongDoubleChars];
  int n = std::snprintf(buf, sizeof(buf), "%.17Lf", value);
  if (n < 0 || static_cast<size_t>(n) >= sizeof(buf)) return {};
  size_t len = static_cast<size_t>(n);
  // 17 fractional digits make a long double of e.g. 10.6 print as
  // "10.60000000000000000"; trimming the zeros gives what the user typed.
  if (std::memchr(buf, '.', len) != nullptr) {
    while (len > 0 && buf[len - 1] == '0') --len;
    if (len > 0 && buf[len - 1] == '.') --len;
  }
  if (len == 2 && buf[0] == '-' && buf[1] == '0') return "0";
  return std::string(buf, len);
}

}  // namespace arbor::protocol
