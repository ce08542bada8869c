// redaction_mask, a template so core/ need not know the config's type.
#pragma once

#include <strings.h>

namespace arbor::core {

template <typename IsSensitive>
std::vector<bool> redaction_mask(std::span<const std::string_view> args, IsSensitive sensitive) {
  std::vector<bool> hidden(args.size(), false);
  if (args.empty()) return hidden;
  auto is = [](std::string_view a, const char* b) {
    return a.size() == std::char_traits<char>::length(b) && strncasecmp(a.data(), b, a.size()) == 0;
  };
  const size_t argc = args.size();
  const std::string_view name = args[0];
  if (is(name, "auth")) {
    for (size_t i = 1; i < argc; ++i) hidden[i] = true;
  } else if (is(name, "hello")) {
    // As helloCommand's loop: AUTH takes two values, SETNAME one.
    for (size_t i = 2; i < argc; ++i) {
      const size_t more = argc - 1 - i;
      if (is(args[i], "auth") && more >= 2) {
        hidden[i + 1] = hidden[i + 2] = true;
        i += 2;
      } else if (is(args[i], "setname") && more >= 1) {
        ++i;
      } else {
        break;
      }
    }
  } else if (is(name, "migrate")) {
    // As migrateCommand's loop: options until KEYS.
    for (size_t i = 6; i < argc; ++i) {
      const size_t more = argc - 1 - i;
      if (is(args[i], "auth") && more >= 1) {
        hidden[++i] = true;
      } else if (is(args[i], "auth2") && more >= 2) {
        hidden[i + 1] = hidden[i + 2] = true;
        i += 2;
      } else if (is(args[i], "keys") || (!is(args[i], "copy") && !is(args[i], "replace"))) {
        break;
      }
    }
  } else if (is(name, "config") && argc >= 2 && is(args[1], "set")) {
    for (size_t i = 2; i + 1 < argc; i += 2)
      if (sensitive(args[i])) hidden[i + 1] = true;
  }
  return hidden;
}

template <typename IsSensitive>
std::vector<std::string> redacted_args(std::span<const std::string_view> args, IsSensitive sensitive) {
  const std::vector<bool> hidden = redaction_mask(args, sensitive);
  std::vector<std::string> out;
  for (size_t i = 0; i < args.size(); ++i) out.emplace_back(hidden[i] ? std::string_view(kRedacted) : args[i]);
  return out;
}

}  // namespace arbor::core
