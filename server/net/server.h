// The running server: the io_context, listeners on every bind address, the
// periodic timer (active expiry, rate sampling, idle timeouts) and signal
// handling for a graceful stop. main.cpp builds one and calls run().
#pragma once

#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "server/core/dispatcher.h"
#include "server/core/instance.h"
#include "server/net/asio.h"
#include "server/net/listener.h"

namespace arbor::net {

class Server {
 public:
  explicit Server(core::Instance& instance);
  ~Server();

  // Binds every configured address (throws with Redis-like text on failure),
  // then runs the loop on the calling thread until shutdown.
  void run();
  void request_shutdown();
  // The loop, for services that run beside the listeners (replication).
  asio::io_context& io() { return io_; }
  // The dispatcher every connection runs commands through.
  core::Dispatcher& dispatcher() { return dispatcher_; }

 private:
  void bind_all();
  void wait_for_signals();
  // CONFIG SET port / bind: listen anew as Redis's changeBindAddr and
  // changeListenPort; an error is Redis's reply text.
  std::optional<std::string> rebind(std::string_view parameter);
  void schedule_cron();
  void cron();
  void announce_port(uint16_t port);

  core::Instance& instance_;
  core::Dispatcher dispatcher_;
  asio::io_context io_{1};
  asio::steady_timer cron_timer_{io_};
  asio::signal_set signals_{io_, SIGINT, SIGTERM};
  std::vector<std::unique_ptr<Listener>> listeners_;
  // Replaced listeners: kept until the server ends, as their accept loops
  // may still be resuming with operation_aborted.
  std::vector<std::unique_ptr<Listener>> retired_listeners_;
  // unixsocket (immutable, as in Redis): its file is removed at exit.
  std::unique_ptr<Listener> unix_listener_;
  int64_t last_second_ms_ = 0;
  bool stopping_ = false;
};

}  // namespace arbor::net
