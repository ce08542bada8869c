// What the server knows about one client, independent of its socket: the
// protocol version, selected database, auth, names and counters that CLIENT
// LIST reports. The connection (net/) owns it and implements ClientControl
// so commands can close other clients without seeing a socket.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace arbor::core {

class ClientControl {
 public:
  virtual ~ClientControl() = default;
  // Closes the connection after pending replies are flushed (or at once).
  virtual void close_soon() = 0;
  // Bytes buffered in and out, for CLIENT LIST qbuf/omem and INFO.
  virtual size_t query_buffer_bytes() const = 0;
  virtual size_t output_buffer_bytes() const = 0;
};

enum class ReplyMode : uint8_t { kOn, kOff, kSkipNext, kSkipThis };

struct ClientState {
  uint64_t id = 0;
  int resp = 2;
  int db = 0;
  bool authenticated = false;
  ReplyMode reply_mode = ReplyMode::kOn;
  bool close_after_reply = false;
  bool no_evict = false;
  bool is_unix_socket = false;
  std::string name;
  std::string lib_name;
  std::string lib_ver;
  std::string addr;   // "ip:port" of the peer
  std::string laddr;  // "ip:port" of our end
  int fd = -1;
  int64_t created_ms = 0;
  int64_t last_interaction_ms = 0;
  // Full name of the last command, for CLIENT LIST cmd=; points at the
  // command table's storage, which outlives every client.
  std::string_view last_command = "NULL";
  ClientControl* control = nullptr;
};

}  // namespace arbor::core
