// SLOWLOG's entries: commands that ran at least slowlog-log-slower-than
// microseconds, newest first, at most slowlog-max-len of them, with the
// arguments shortened as Redis's slowlogCreateEntry does.
#pragma once

#include <cstdint>
#include <deque>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace arbor::core {

struct SlowlogEntry {
  int64_t id = 0;
  int64_t unix_seconds = 0;
  int64_t duration_us = 0;
  std::vector<std::string> args;
  std::string peer;
  std::string client_name;
};

class Slowlog {
 public:
  // Redis's limits: 32 arguments (the last one saying how many more) and
  // 128 bytes of each (followed by how many more bytes).
  static constexpr size_t kMaxArgs = 32;
  static constexpr size_t kMaxArgBytes = 128;

  // `hidden` (redaction_mask) marks the arguments shown as "(redacted)".
  // Only what the entry keeps is copied, however big the command.
  void push(std::span<const std::string_view> args, const std::vector<bool>& hidden, int64_t unix_seconds,
            int64_t duration_us, std::string peer, std::string client_name, int64_t max_len);
  void trim(int64_t max_len);
  void reset() { entries_.clear(); }
  const std::deque<SlowlogEntry>& entries() const { return entries_; }

 private:
  std::deque<SlowlogEntry> entries_;  // newest first
  int64_t next_id_ = 0;
};

inline constexpr std::string_view kRedacted = "(redacted)";

// Which arguments SLOWLOG and MONITOR show as "(redacted)", as Redis's
// redactClientCommandArgument: AUTH's, HELLO AUTH's, MIGRATE AUTH/AUTH2's,
// and a sensitive parameter's value in CONFIG SET (`sensitive` tells
// whether a config name is one).
template <typename IsSensitive>
std::vector<bool> redaction_mask(std::span<const std::string_view> args, IsSensitive sensitive);
// The arguments with the hidden ones replaced (copies everything: tests).
template <typename IsSensitive>
std::vector<std::string> redacted_args(std::span<const std::string_view> args, IsSensitive sensitive);

}  // namespace arbor::core

#include "server/core/slowlog_impl.h"
