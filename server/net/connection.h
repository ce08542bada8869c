// One client connection: the socket adapter around a session::ClientSession,
// which decides everything (what to read, run and write, when to close).
// Plain completion handlers, no coroutines: each socket event (a read, a
// write, a timer) runs its handler, which tells the session and then pumps:
// runs the session's pending work, starts the write it has output for and
// the read it wants. A change made from elsewhere (another client's
// PUBLISH, an unblock) arrives through Transport::wake(), which posts one
// pump. At most one read and one write are in flight.
#pragma once

#include <cstdint>
#include <string>

#include "server/core/dispatcher.h"
#include "server/core/instance.h"
#include "server/net/asio.h"
#include "server/session/client_session.h"

namespace arbor::net {

class Connection : public std::enable_shared_from_this<Connection>, private session::Transport {
 public:
  // `unix_path`: the unix socket it came through, empty for TCP.
  Connection(client_socket socket, const std::string& unix_path, core::Instance& instance,
             core::Dispatcher& dispatcher);

  // Starts reading; the connection then lives as long as a read, a write or
  // a posted pump of its own is pending (the block timer does not hold it).
  void start();

 private:
  using Timer = asio::basic_waitable_timer<std::chrono::steady_clock, asio::wait_traits<std::chrono::steady_clock>,
                                           asio::io_context::executor_type>;

  void wake() override;
  void shut() override;
  void arm_timer(int64_t deadline_ms, uint64_t generation) override;

  // Runs `event` as one of this connection's handlers, then pumps; an
  // exception out of it (out of memory) closes this client instead.
  template <typename Event>
  void handle(Event&& event);
  void pump();
  void start_read();
  void start_write();

  core::Instance& instance_;
  client_socket socket_;
  Timer block_timer_;
  bool reading_ = false;
  bool writing_ = false;
  bool in_handler_ = false;   // a handler of ours runs: it pumps at its end
  bool pump_posted_ = false;
  session::ClientSession session_;  // last: it registers the client using the members above
};

// The peers protected mode lets in when no password is set: exactly
// 127.0.0.1 and ::1, as Redis compares the peer's address text (so not
// 127.0.0.2, nor IPv4-mapped ::ffff:127.0.0.1).
bool protected_mode_admits(const asio::ip::address& address);

}  // namespace arbor::net
