// Accepts connections on one address and starts a Connection coroutine for
// each, after the admission checks Redis makes at accept time: maxclients
// and protected mode.
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
  uint16_t port() const { return acceptor_.local_endpoint().port(); }
  void start();
  void stop();

 private:
  asio::awaitable<void> accept_loop();
  // Returns the refusal to send, or an empty string to admit the client.
  std::string admission_error(const tcp::socket& socket) const;

  asio::io_context& io_;
  tcp::acceptor acceptor_;
  core::Instance& instance_;
  core::Dispatcher& dispatcher_;
};

}  // namespace arbor::net
