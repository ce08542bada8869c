#include "server/core/slowlog.h"

namespace arbor::core {

void Slowlog::push(std::span<const std::string_view> args, const std::vector<bool>& hidden, int64_t unix_seconds,
                   int64_t duration_us, std::string peer, std::string client_name, int64_t max_len) {
  SlowlogEntry entry;
  entry.id = next_id_++;
  entry.unix_seconds = unix_seconds;
  entry.duration_us = duration_us;
  const size_t kept = args.size() > kMaxArgs ? kMaxArgs - 1 : args.size();
  for (size_t i = 0; i < kept; ++i) {
    const std::string_view arg = i < hidden.size() && hidden[i] ? kRedacted : args[i];
    if (arg.size() <= kMaxArgBytes) {
      entry.args.emplace_back(arg);
    } else {
      std::string shortened(arg.substr(0, kMaxArgBytes));
      shortened += "... (" + std::to_string(arg.size() - kMaxArgBytes) + " more bytes)";
      entry.args.push_back(std::move(shortened));
    }
  }
  if (kept < args.size())
    entry.args.push_back("... (" + std::to_string(args.size() - kept) + " more arguments)");
  entry.peer = std::move(peer);
  entry.client_name = std::move(client_name);
  entries_.push_front(std::move(entry));
  trim(max_len);
}

void Slowlog::trim(int64_t max_len) {
  while (!entries_.empty() && static_cast<int64_t>(entries_.size()) > max_len) entries_.pop_back();
}

}  // namespace arbor::core
