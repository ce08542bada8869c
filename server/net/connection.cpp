// Connection: the session's reads, writes and timers on an Asio socket.
#include "server/net/connection.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <utility>

#include "server/net/listener.h"

namespace arbor::net {
namespace {

session::Peer peer_of(client_socket& socket, const std::string& unix_path) {
  session::Peer peer;
  boost::system::error_code ec;
  peer.unix_socket = !unix_path.empty();
  if (!peer.unix_socket) socket.set_option(tcp::no_delay(true), ec);
  peer.fd = static_cast<int>(socket.native_handle());
  const auto remote = socket.remote_endpoint(ec);
  if (!ec) peer.addr = endpoint_text(remote, unix_path);
  const auto local = socket.local_endpoint(ec);
  if (!ec) peer.laddr = endpoint_text(local, unix_path);
  return peer;
}

}  // namespace

bool protected_mode_admits(const asio::ip::address& address) {
  const std::string text = address.to_string();
  return text == "127.0.0.1" || text == "::1";
}

Connection::Connection(client_socket socket, const std::string& unix_path, core::Instance& instance,
                       core::Dispatcher& dispatcher)
    : instance_(instance),
      socket_(std::move(socket)),
      block_timer_(socket_.get_executor()),
      session_(instance, dispatcher, peer_of(socket_, unix_path), *this) {}

void Connection::start() {
  handle([] {});  // the first pump starts the first read
}

template <typename Event>
void Connection::handle(Event&& event) {
  // (Saved and restored: a busy script polls the loop from inside a handler
  // of ours, which may run another of ours.)
  const bool outer = std::exchange(in_handler_, true);
  try {
    event();
    pump();
  } catch (const std::bad_alloc&) {
    // Out of memory in this client's handler: this client goes, the server
    // and the others stay.
    ++instance_.stats.allocation_failures;
    spdlog::warn("Client id={} closed: out of memory", session_.state().id);
    session_.close_soon();
  } catch (const std::exception& e) {
    spdlog::warn("Client id={} closed after an internal error: {}", session_.state().id, e.what());
    session_.close_soon();
  }
  in_handler_ = outer;
}

// A handler of ours pumps when it ends; otherwise one pump is posted.
void Connection::wake() {
  if (in_handler_ || pump_posted_) return;
  pump_posted_ = true;
  asio::post(socket_.get_executor(), [self = shared_from_this()] {
    self->pump_posted_ = false;
    self->handle([] {});
  });
}

void Connection::shut() {
  boost::system::error_code ec;
  socket_.shutdown(client_socket::shutdown_both, ec);
  socket_.close(ec);
  block_timer_.cancel();
}

void Connection::arm_timer(int64_t deadline_ms, uint64_t generation) {
  if (deadline_ms == 0) {
    block_timer_.cancel();
    return;
  }
  // The deadline counts from the command's clock reading, truncated to the
  // millisecond (up to 1 ms before it arrived): one more millisecond keeps
  // the reply from coming before the timeout the client asked for.
  const int64_t wait_ms = std::max<int64_t>(0, deadline_ms - core::unix_time_ms() + 1);
  block_timer_.expires_after(std::chrono::milliseconds(wait_ms));
  block_timer_.async_wait([weak = weak_from_this(), generation](boost::system::error_code ec) {
    if (ec) return;
    if (auto self = weak.lock()) self->handle([&] { self->session_.timer_fired(generation); });
  });
}

void Connection::pump() {
  while (session_.has_pending()) session_.run_pending();
  if (!reading_ && session_.wants_read()) start_read();
  if (!writing_ && session_.has_output()) start_write();
}

void Connection::start_read() {
  const std::span<char> space = session_.input_space();
  if (space.empty()) return;  // the session is closing (an error reply may still go out)
  reading_ = true;
  socket_.async_read_some(asio::buffer(space.data(), space.size()),
                          [self = shared_from_this()](boost::system::error_code ec, size_t n) {
                            self->reading_ = false;
                            self->handle([&] {
                              if (ec || n == 0) self->session_.peer_closed();
                              else self->session_.received(n);
                            });
                          });
}

void Connection::start_write() {
  const std::string_view bytes = session_.output();
  writing_ = true;
  asio::async_write(socket_, asio::buffer(bytes.data(), bytes.size()),
                    [self = shared_from_this()](boost::system::error_code ec, size_t) {
                      self->writing_ = false;
                      self->handle([&] {
                        if (ec) self->session_.peer_closed();
                        else self->session_.written();
                      });
                    });
}

}  // namespace arbor::net
