// Accepts connections on one address (TCP, or a unix socket path) and
// starts a Connection coroutine for each, after the admission checks Redis
// makes at accept time: maxclients and, for TCP, protected mode.
#pragma once

#include <string>

#include "server/core/dispatcher.h"
#include "server/core/instance.h"
#include "server/net/asio.h"

namespace arbor::net {

class Listener {
 public:
  Listener(asio::io_context& io, tcp::endpoint endpoint, core::Instance& instance, core::Dispatcher& dispatcher,
           int backlog);
  // A unix socket at `path` (an old file there is replaced, as Redis does),
  // with the mode `permissions` when it is not 0 (unixsocketperm).
  Listener(asio::io_context& io, const std::string& path, int64_t permissions, core::Instance& instance,
           core::Dispatcher& dispatcher, int backlog);
  // The TCP port listened on (0 for a unix socket).
  uint16_t port() const;
  void start();
  void stop();

 private:
  asio::awaitable<void> accept_loop();
  // Returns the refusal to send, or an empty string to admit the client.
  std::string admission_error(const client_socket& socket) const;

  asio::io_context& io_;
  stream_acceptor acceptor_;
  core::Instance& instance_;
  core::Dispatcher& dispatcher_;
  std::string unix_path_;  // empty for TCP
};

// "ip:port" of a TCP endpoint, "<path>:0" for a unix socket, as Redis shows
// them in CLIENT LIST (addr= and laddr=).
std::string endpoint_text(const stream_protocol::endpoint& endpoint, const std::string& unix_path);

}  // namespace arbor::net
