// SHA-1 of a byte string as 40 lower-case hex digits: the names of cached
// scripts (EVALSHA, SCRIPT LOAD) and redis.sha1hex(). Not for security.
#pragma once

#include <string>
#include <string_view>

namespace arbor::scripting {

std::string sha1_hex(std::string_view data);

}  // namespace arbor::scripting
