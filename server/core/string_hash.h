// Transparent string hashing, so maps keyed by std::string can be searched
// with a string_view without allocating.
#pragma once

#include <functional>
#include <string_view>

namespace arbor::core {

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

}  // namespace arbor::core
