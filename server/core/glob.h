// Glob matching with Redis's stringmatchlen rules (*, ?, [a-z], [^x], \x),
// for KEYS, SCAN MATCH, CONFIG GET and (later) PSUBSCRIBE. Iterative with a
// bounded backtracking budget so a pattern like "*a*a*a*...b" cannot stall.
#pragma once

#include <string_view>

namespace arbor::core {

bool glob_match(std::string_view pattern, std::string_view text, bool nocase = false);

}  // namespace arbor::core
