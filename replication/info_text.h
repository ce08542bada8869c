// Reading another node's INFO text ("name:value" lines, "# Section"
// headers): the replication decisions (seeding, fencing, a replica judging
// its primary) read peers' INFO replies. Pure, no I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace arbor::replication {

// The value of the first "name:value" line; nullopt when absent.
std::optional<std::string_view> info_field(std::string_view info, std::string_view name);
// The field as an integer; `fallback` when absent or not a number.
int64_t info_integer(std::string_view info, std::string_view name, int64_t fallback = 0);

// Calls visit(line) for each line, without its "\r\n".
template <typename Visit>
void for_each_info_line(std::string_view info, Visit visit) {
  size_t at = 0;
  while (at < info.size()) {
    size_t end = info.find('\n', at);
    if (end == std::string_view::npos) end = info.size();
    std::string_view line = info.substr(at, end - at);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    visit(line);
    at = end + 1;
  }
}

}  // namespace arbor::replication
