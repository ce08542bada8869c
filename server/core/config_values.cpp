#include "server/core/config_values.h"

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <vector>

#include "protocol/number_format.h"

namespace arbor::core::config_values {
namespace {

std::string bounds_text(int64_t min, int64_t max, bool is_unsigned) {
  if (is_unsigned)
    return "argument must be between " + std::to_string(static_cast<uint64_t>(min)) + " and " +
           std::to_string(static_cast<uint64_t>(max)) + " inclusive";
  return "argument must be between " + std::to_string(min) + " and " + std::to_string(max) + " inclusive";
}

// memtoull without its error on overflow (Redis does not detect it).
std::optional<uint64_t> memtoull(std::string_view text) {
  const std::string value = lower(text);
  size_t digits = 0;
  while (digits < value.size() && std::isdigit(static_cast<unsigned char>(value[digits]))) ++digits;
  const std::string_view unit = std::string_view(value).substr(digits);
  uint64_t factor = 0;
  if (unit.empty() || unit == "b") factor = 1;
  else if (unit == "k") factor = 1000;
  else if (unit == "kb") factor = 1024;
  else if (unit == "m") factor = 1000ULL * 1000;
  else if (unit == "mb") factor = 1024ULL * 1024;
  else if (unit == "g") factor = 1000ULL * 1000 * 1000;
  else if (unit == "gb") factor = 1024ULL * 1024 * 1024;
  else return std::nullopt;
  if (digits == 0 && !value.empty()) return std::nullopt;  // "kb" alone
  uint64_t number = 0;
  for (size_t i = 0; i < digits; ++i) {
    const uint64_t digit = static_cast<uint64_t>(value[i] - '0');
    number = number > (UINT64_MAX - digit) / 10 ? UINT64_MAX : number * 10 + digit;
  }
  return number > UINT64_MAX / factor ? UINT64_MAX : number * factor;
}

}  // namespace

std::vector<std::string> split_words(std::string_view text) {
  std::vector<std::string> words;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(' ', start);
    if (end == std::string_view::npos) end = text.size();
    if (end > start) words.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  return words;
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

Error parse_bool(std::string_view text, bool& out) {
  const std::string value = lower(text);
  if (value == "yes") out = true;
  else if (value == "no") out = false;
  else return "argument must be 'yes' or 'no'";
  return std::nullopt;
}

Error parse_integer(std::string_view text, int64_t min, int64_t max, bool is_unsigned, int64_t& out) {
  auto value = protocol::parse_int64(text);
  if (!value) return "argument couldn't be parsed into an integer";
  const bool outside = is_unsigned ? static_cast<uint64_t>(*value) < static_cast<uint64_t>(min) ||
                                         static_cast<uint64_t>(*value) > static_cast<uint64_t>(max)
                                   : *value < min || *value > max;
  if (outside) return bounds_text(min, max, is_unsigned);
  out = *value;
  return std::nullopt;
}

Error parse_memory_bounded(std::string_view text, uint64_t min, uint64_t max, uint64_t& out) {
  auto value = memtoull(text);
  if (!value) return "argument must be a memory value";
  if (*value < min || *value > max) {
    // Signed kinds (the long long rows) are checked and printed signed.
    if (max <= static_cast<uint64_t>(INT64_MAX))
      return bounds_text(static_cast<int64_t>(min), static_cast<int64_t>(max), false);
    return bounds_text(static_cast<int64_t>(min), static_cast<int64_t>(max), true);
  }
  out = *value;
  return std::nullopt;
}

Error parse_memory_or_percent(std::string_view text, int64_t& out) {
  if (auto bytes = memtoull(text)) {
    if (*bytes > static_cast<uint64_t>(INT64_MAX)) return bounds_text(-100, INT64_MAX, false);
    out = static_cast<int64_t>(*bytes);
    return std::nullopt;
  }
  if (text.size() >= 2 && text.back() == '%') {
    auto percent = protocol::parse_int64(text.substr(0, text.size() - 1));
    if (percent && *percent >= 0) {
      if (*percent > 100) return "percentage argument must be less or equal to 100";
      out = -*percent;
      return std::nullopt;
    }
  }
  return "argument must be a memory or percent value";
}

std::string print_memory_or_percent(int64_t value) {
  return value < 0 ? std::to_string(-value) + "%" : std::to_string(value);
}

Error parse_octal(std::string_view text, int64_t max, int64_t& out) {
  const std::string value(text);
  errno = 0;
  char* end = nullptr;
  const long long parsed = std::strtoll(value.c_str(), &end, 8);
  if (value.empty() || *end != '\0' || errno != 0) return "argument couldn't be parsed as an octal number";
  if (parsed < 0 || parsed > max) return "argument must be between 0 and " + print_octal(max) + " inclusive";
  out = parsed;
  return std::nullopt;
}

std::string print_octal(int64_t value) {
  std::string out;
  do {
    out.insert(out.begin(), static_cast<char>('0' + (value & 7)));
    value >>= 3;
  } while (value > 0);
  return out;
}

Error parse_enum(std::string_view text, std::span<const EnumName> names, int& out) {
  const std::string value = lower(text);
  for (const EnumName& n : names)
    if (value == n.name) {
      out = n.value;
      return std::nullopt;
    }
  std::string message = "argument(s) must be one of the following: ";
  for (size_t i = 0; i < names.size(); ++i) message += (i ? ", " : "") + std::string(names[i].name);
  if (message.size() > 255) message.resize(255);  // Redis formats into a 256-byte buffer
  return message;
}

std::string print_enum(int value, std::span<const EnumName> names) {
  for (const EnumName& n : names)
    if (n.value == value) return n.name;
  return "unknown";
}

namespace {
constexpr EnumName kShutdownFlags[] = {{"default", 0}, {"save", 1}, {"nosave", 2}, {"now", 4}, {"force", 8}};
}

Error parse_shutdown_flags(std::string_view text, int& out) {
  const auto words = split_words(text);
  if (words.empty()) return parse_enum("", kShutdownFlags, out);
  int flags = 0;
  for (const std::string& word : words) {
    int one = 0;
    if (auto error = parse_enum(word, kShutdownFlags, one)) return error;
    flags |= one;
  }
  if ((flags & 1) && (flags & 2)) return "shutdown options SAVE and NOSAVE can't be used simultaneously";
  out = flags;
  return std::nullopt;
}

std::string print_shutdown_flags(int flags) {
  if (flags == 0) return "default";
  std::string out;
  for (const EnumName& n : kShutdownFlags)
    if (n.value != 0 && (flags & n.value)) out += (out.empty() ? "" : " ") + std::string(n.name);
  return out;
}

Error parse_oom_score_adj_values(std::string_view text, std::string& canonical) {
  const auto words = split_words(text);
  if (words.size() != 3) return "wrong number of arguments";
  std::string out;
  for (const std::string& word : words) {
    auto value = protocol::parse_int64(word);
    if (!value || *value < -2000 || *value > 2000)
      return "Invalid oom-score-adj-values, elements must be between -2000 and 2000.";
    out += (out.empty() ? "" : " ") + std::to_string(*value);
  }
  canonical = out;
  return std::nullopt;
}

std::string print_percentile(double value) {
  // Redis prints "%f" and then trims trailing zeros and the dot.
  std::string printed = std::to_string(value);
  while (printed.back() == '0') printed.pop_back();
  if (printed.back() == '.') printed.pop_back();
  return printed;
}

std::string print_percentiles(const std::vector<double>& values) {
  std::string out;
  for (double value : values) out += (out.empty() ? "" : " ") + print_percentile(value);
  return out;
}

Error parse_percentiles(std::string_view text, std::string& canonical) {
  const auto words = split_words(text);
  std::string out;
  for (const std::string& word : words) {
    if (word.empty()) continue;  // `""` alone empties the list
    char* end = nullptr;
    const double value = std::strtod(word.c_str(), &end);
    if (*end != '\0') return "Invalid latency-tracking-info-percentiles parameters";
    if (value < 0 || value > 100) return "latency-tracking-info-percentiles parameters should sit between [0.0,100.0]";
    out += (out.empty() ? "" : " ") + print_percentile(value);
  }
  canonical = out;
  return std::nullopt;
}

Error check_hostname(std::string_view text) {
  if (text.size() >= 256) return "Hostnames must be less than 256 characters";
  for (char c : text)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.')
      return "Hostnames may only contain alphanumeric characters, hyphens or dots";
  return std::nullopt;
}

Error check_proc_title_template(std::string_view text) {
  // As sdstemplate: {{ and }} are literal braces, {name} a variable; the
  // expansion with an empty title must leave something.
  static constexpr std::string_view kVariables[] = {"title", "listen-addr", "server-mode", "port",
                                                    "tls-port", "unixsocket", "config-file"};
  bool leaves_text = false;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '{' && i + 1 < text.size() && text[i + 1] == '{') {
      ++i;
      leaves_text = true;
    } else if (text[i] == '}' && i + 1 < text.size() && text[i + 1] == '}') {
      ++i;
      leaves_text = true;
    } else if (text[i] == '{') {
      const size_t close = text.find('}', i);
      if (close == std::string_view::npos) return "template format is invalid or contains unknown variables";
      const std::string_view name = text.substr(i + 1, close - i - 1);
      bool known = false;
      for (std::string_view v : kVariables) known = known || v == name;
      if (!known) return "template format is invalid or contains unknown variables";
      leaves_text = leaves_text || name != "title";
      i = close;
    } else if (text[i] == '}') {
      return "template format is invalid or contains unknown variables";
    } else {
      leaves_text = true;
    }
  }
  if (!leaves_text) return "template format is invalid or contains unknown variables";
  return std::nullopt;
}

}  // namespace arbor::core::config_values
