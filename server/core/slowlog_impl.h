// redacted_args, a template so core/ need not know the config's type.
#pragma once

#include <strings.h>

namespace arbor::core {

template <typename IsSensitive>
std::vector<std::string> redacted_args(std::span<const std::string_view> args, IsSensitive sensitive) {
  std::vector<std::string> out(args.begin(), args.end());
  if (out.empty()) return out;
  auto is = [](std::string_view a, const char* b) {
    return a.size() == std::char_traits<char>::length(b) && strncasecmp(a.data(), b, a.size()) == 0;
  };
  auto redact = [&](size_t i) {
    if (i < out.size()) out[i] = "(redacted)";
  };
  const std::string_view name = args[0];
  if (is(name, "auth")) {
    for (size_t i = 1; i < out.size(); ++i) redact(i);
  } else if (is(name, "hello")) {
    for (size_t i = 2; i < args.size(); ++i)
      if (is(args[i], "auth")) {
        redact(i + 1);
        redact(i + 2);
        i += 2;
      }
  } else if (is(name, "migrate")) {
    for (size_t i = 6; i < args.size(); ++i) {
      if (is(args[i], "auth")) {
        redact(i + 1);
        break;
      }
      if (is(args[i], "auth2")) {
        redact(i + 1);
        redact(i + 2);
        break;
      }
    }
  } else if (is(name, "config") && args.size() >= 2 && is(args[1], "set")) {
    for (size_t i = 2; i + 1 < args.size(); i += 2)
      if (sensitive(args[i])) redact(i + 1);
  }
  return out;
}

}  // namespace arbor::core
