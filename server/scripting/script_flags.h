// The flags a script or function declares (EVAL's shebang `flags=`,
// register_function's `flags`), their names, and what they make of a
// command's flags at the gates (Redis's scriptFlagsToCmdFlags).
#pragma once

#include <cctype>
#include <cstdint>
#include <string>
#include <string_view>

#include "server/core/command_table.h"

namespace arbor::scripting {

enum ScriptFlag : uint32_t {
  kNoWrites = 1u << 0,
  kAllowOom = 1u << 1,
  kAllowStale = 1u << 2,
  kNoCluster = 1u << 3,
  kAllowCrossSlotKeys = 1u << 4,
  kEvalCompat = 1u << 5,  // an EVAL script without a shebang: Redis 6 rules
};

struct ScriptFlagName {
  const char* name;
  uint32_t flag;
};
// In Redis's order (FUNCTION LIST shows them so).
inline constexpr ScriptFlagName kScriptFlagNames[] = {{"no-writes", kNoWrites},
                                                      {"allow-oom", kAllowOom},
                                                      {"allow-stale", kAllowStale},
                                                      {"no-cluster", kNoCluster},
                                                      {"allow-cross-slot-keys", kAllowCrossSlotKeys}};

// The flag called `name` (exactly, or ignoring case), 0 when none is.
inline uint32_t script_flag_named(std::string_view name, bool ignore_case) {
  for (const ScriptFlagName& f : kScriptFlagNames) {
    const std::string_view known = f.name;
    if (known.size() != name.size()) continue;
    bool same = true;
    for (size_t i = 0; i < name.size() && same; ++i)
      same = ignore_case ? std::tolower(static_cast<unsigned char>(name[i])) == known[i] : name[i] == known[i];
    if (same) return f.flag;
  }
  return 0;
}

// A declared script's flags at the gates: writes unless no-writes,
// deny-oom unless allow-oom or no-writes, stale only with allow-stale.
// Scripts without a shebang keep the command's own flags.
inline uint32_t gate_flags(uint32_t declared, uint32_t command_flags) {
  if (declared & kEvalCompat) return command_flags;
  command_flags &= ~(core::kStale | core::kDenyOom | core::kWrite | core::kMayReplicate);
  if (!(declared & (kAllowOom | kNoWrites))) command_flags |= core::kDenyOom;
  if (!(declared & kNoWrites)) command_flags |= core::kWrite;
  if (declared & kAllowStale) command_flags |= core::kStale;
  return command_flags;
}

// ASCII only, as Redis's names and SHA-1s are (no locale lookups: this runs
// on every EVALSHA).
inline char lower_ascii(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + ('a' - 'A')) : c; }
inline std::string lower_case(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = lower_ascii(c);
  return out;
}

}  // namespace arbor::scripting
