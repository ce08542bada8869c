// Connection: the session's reads, writes and timers on an Asio socket.
#include "server/net/connection.h"

#include <spdlog/spdlog.h>

#include <chrono>

#include "server/net/listener.h"

namespace arbor::net {
namespace {

session::Peer peer_of(stream_protocol::socket& socket, const std::string& unix_path) {
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

Connection::Connection(stream_protocol::socket socket, const std::string& unix_path, core::Instance& instance,
                       core::Dispatcher& dispatcher)
    : socket_(std::move(socket)),
      reader_wake_(socket_.get_executor()),
      writer_wake_(socket_.get_executor()),
      block_timer_(socket_.get_executor()),
      session_(instance, dispatcher, peer_of(socket_, unix_path), *this) {}

// Wakes only a coroutine that has something to do: the session calls this
// after every drained write, and a needless wake costs a handler.
void Connection::wake() {
  const bool done = session_.finished();
  if (reader_waiting_ && (done || session_.wants_read())) reader_wake_.cancel();
  if (writer_waiting_ && (done || session_.has_output() || session_.has_pending())) writer_wake_.cancel();
}

void Connection::shut() {
  boost::system::error_code ec;
  socket_.shutdown(stream_protocol::socket::shutdown_both, ec);
  socket_.close(ec);
  reader_wake_.cancel();
  writer_wake_.cancel();
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
    if (auto self = weak.lock()) self->session_.timer_fired(generation);
  });
}

asio::awaitable<void> Connection::wait(asio::steady_timer& timer, bool& waiting) {
  boost::system::error_code ec;
  timer.expires_at(asio::steady_timer::time_point::max());
  waiting = true;
  co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  waiting = false;
}

asio::awaitable<void> Connection::drive() {
  boost::system::error_code ec;
  while (!writing_) {
    if (session_.has_pending()) {
      session_.run_pending();
      continue;
    }
    if (!session_.has_output()) break;
    const std::string_view bytes = session_.output();
    writing_ = true;
    co_await asio::async_write(socket_, asio::buffer(bytes.data(), bytes.size()),
                               asio::redirect_error(asio::use_awaitable, ec));
    writing_ = false;
    if (ec) {
      session_.peer_closed();
      break;
    }
    session_.written();
  }
}

asio::awaitable<void> Connection::write_loop() {
  while (!session_.finished()) {
    co_await drive();
    if (session_.finished()) break;
    if (!writing_ && (session_.has_output() || session_.has_pending())) continue;
    co_await wait(writer_wake_, writer_waiting_);
  }
}

asio::awaitable<void> Connection::run() {
  asio::co_spawn(socket_.get_executor(), write_loop(), [self = shared_from_this()](std::exception_ptr error) {
    if (!error) return;
    spdlog::warn("Client id={} writer stopped after an internal error: {}", self->state().id, exception_text(error));
    self->close_soon();
  });
  boost::system::error_code ec;
  while (!session_.finished()) {
    if (session_.wants_read()) {
      const std::span<char> space = session_.input_space();
      if (!space.empty()) {
        const size_t n = co_await socket_.async_read_some(asio::buffer(space.data(), space.size()),
                                                          asio::redirect_error(asio::use_awaitable, ec));
        if (ec || n == 0) {
          session_.peer_closed();
          break;
        }
        session_.received(n);
      }
    }
    co_await drive();
    if (!session_.finished() && !session_.wants_read()) co_await wait(reader_wake_, reader_waiting_);
  }
}

}  // namespace arbor::net
