// One client connection: the socket adapter around a session::ClientSession,
// which decides everything (what to read, run and write, when to close).
// A reader coroutine reads while the session wants input and writes the
// replies of what it read at once; a writer coroutine, woken by the
// session, writes output produced elsewhere (pub/sub messages, a blocked
// command served by another client's write) and runs a pipeline resumed
// after an unblock. One write is in flight at a time.
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
  Connection(stream_protocol::socket socket, const std::string& unix_path, core::Instance& instance,
             core::Dispatcher& dispatcher);

  // Runs until the peer leaves, a protocol error, or the session closes.
  asio::awaitable<void> run();
  void close_soon() { session_.close_soon(); }
  core::ClientState& state() { return session_.state(); }

 private:
  void wake() override;
  void shut() override;
  void arm_timer(int64_t deadline_ms, uint64_t generation) override;

  // Runs the session's pending work and writes its output until there is
  // none, unless the other coroutine's write is in flight (it goes on).
  asio::awaitable<void> drive();
  asio::awaitable<void> write_loop();
  asio::awaitable<void> wait(asio::steady_timer& timer, bool& waiting);

  stream_protocol::socket socket_;
  asio::steady_timer reader_wake_;
  asio::steady_timer writer_wake_;
  asio::steady_timer block_timer_;
  bool reader_waiting_ = false;
  bool writer_waiting_ = false;
  bool writing_ = false;
  session::ClientSession session_;  // last: it registers the client using the members above
};

// The peers protected mode lets in when no password is set: exactly
// 127.0.0.1 and ::1, as Redis compares the peer's address text (so not
// 127.0.0.2, nor IPv4-mapped ::ffff:127.0.0.1).
bool protected_mode_admits(const asio::ip::address& address);

}  // namespace arbor::net
