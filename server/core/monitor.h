// MONITOR: every command a client, a script or our primary runs, shown to
// the monitoring clients as Redis's replicationFeedMonitors writes it:
//   +<sec>.<usec> [<db> <ip:port> | lua | unix:<path>] "arg" "arg"...
// (a simple string in RESP2 and RESP3), secrets redacted.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace arbor::core {

struct ClientState;

// The line for one command, "+...\r\n"; `hidden` (redaction_mask) marks
// the arguments shown as "(redacted)".
std::string monitor_line(int64_t unix_us, int db, std::string_view origin, std::span<const std::string_view> args,
                         const std::vector<bool>& hidden = {});

// Redis's sdscatrepr: the quoted, escaped form of one argument.
void append_repr(std::string& out, std::string_view text);

class Monitors {
 public:
  bool empty() const { return clients_.empty(); }
  void add(ClientState& client);
  void remove(ClientState& client);
  // Sends the line of `args` run by `runner` to every monitor.
  void feed(const ClientState& runner, std::span<const std::string_view> args, const std::vector<bool>& hidden,
            int64_t unix_us);

 private:
  std::vector<ClientState*> clients_;
};

}  // namespace arbor::core
