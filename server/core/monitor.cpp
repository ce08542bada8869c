#include "server/core/monitor.h"

#include <algorithm>
#include <cstdio>

#include "server/core/client_state.h"

namespace arbor::core {

void append_repr(std::string& out, std::string_view text) {
  out += '"';
  for (unsigned char c : text) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\a': out += "\\a"; break;
      case '\b': out += "\\b"; break;
      default:
        if (c >= 0x20 && c < 0x7f) {
          out += static_cast<char>(c);
        } else {
          char hex[5];
          std::snprintf(hex, sizeof hex, "\\x%02x", c);
          out += hex;
        }
    }
  }
  out += '"';
}

std::string monitor_line(int64_t unix_us, int db, std::string_view origin, std::span<const std::string_view> args,
                         const std::vector<bool>& hidden) {
  char stamp[64];
  std::snprintf(stamp, sizeof stamp, "+%lld.%06lld [%d ", static_cast<long long>(unix_us / 1000000),
                static_cast<long long>(unix_us % 1000000), db);
  std::string line = stamp;
  line.append(origin).append("] ");
  for (size_t i = 0; i < args.size(); ++i) {
    if (i > 0) line += ' ';
    append_repr(line, i < hidden.size() && hidden[i] ? std::string_view("(redacted)") : args[i]);
  }
  line += "\r\n";
  return line;
}

void Monitors::add(ClientState& client) { clients_.push_back(&client); }

void Monitors::remove(ClientState& client) { std::erase(clients_, &client); }

void Monitors::feed(const ClientState& runner, std::span<const std::string_view> args,
                     const std::vector<bool>& hidden, int64_t unix_us) {
  std::string origin;
  if (runner.in_script) origin = "lua";
  else if (runner.is_unix_socket) origin = "unix:" + runner.laddr.substr(0, runner.laddr.rfind(':'));
  else origin = runner.addr;
  const std::string line = monitor_line(unix_us, runner.db, origin, args, hidden);
  // (A monitor closed by its output limit leaves the list while we walk it.)
  for (ClientState* monitor : std::vector<ClientState*>(clients_))
    if (monitor->control != nullptr) monitor->control->deliver(line);
}

}  // namespace arbor::core
