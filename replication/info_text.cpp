#include "replication/info_text.h"

#include "protocol/number_format.h"

namespace arbor::replication {

std::optional<std::string_view> info_field(std::string_view info, std::string_view name) {
  std::optional<std::string_view> found;
  for_each_info_line(info, [&](std::string_view line) {
    if (!found && line.size() > name.size() && line.starts_with(name) && line[name.size()] == ':')
      found = line.substr(name.size() + 1);
  });
  return found;
}

int64_t info_integer(std::string_view info, std::string_view name, int64_t fallback) {
  const auto text = info_field(info, name);
  if (!text) return fallback;
  return protocol::parse_int64(*text).value_or(fallback);
}

}  // namespace arbor::replication
