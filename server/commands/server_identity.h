// How arbor introduces itself. Clients and tools look for Redis's name and a
// Redis version to pick features (redis-cli hints, client capability checks),
// so arbor answers as the Redis version it is compatible with and states its
// own version in INFO's arbor_version field.
#pragma once

#include <string_view>

namespace arbor::commands {

inline constexpr std::string_view kServerName = "redis";
inline constexpr std::string_view kCompatibleRedisVersion = "7.0.15";
inline constexpr std::string_view kArborVersion = "0.1.0";

inline constexpr std::string_view kInvalidClientName =
    "ERR Client names cannot contain spaces, newlines or special characters.";

// Redis allows only printable ASCII without spaces ('!'..'~') in names.
inline bool valid_client_name(std::string_view name) {
  for (char c : name)
    if (c < '!' || c > '~') return false;
  return true;
}

}  // namespace arbor::commands
