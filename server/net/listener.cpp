// Listener: accept loop with maxclients and protected-mode admission.
#include "server/net/listener.h"

#include <spdlog/spdlog.h>

#include <memory>

#include "protocol/errors.h"
#include "server/net/connection.h"

namespace arbor::net {
namespace {

// The coroutine frame holds the shared_ptr, so the connection lives exactly
// as long as its coroutine.
asio::awaitable<void> serve(std::shared_ptr<Connection> connection) { co_await connection->run(); }

}  // namespace

Listener::Listener(asio::io_context& io, tcp::endpoint endpoint, core::Instance& instance,
                   core::Dispatcher& dispatcher, int backlog)
    : io_(io), acceptor_(io), instance_(instance), dispatcher_(dispatcher) {
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(tcp::acceptor::reuse_address(true));
  if (endpoint.address().is_v6()) acceptor_.set_option(asio::ip::v6_only(true));
  acceptor_.bind(endpoint);
  acceptor_.listen(backlog);
}

void Listener::start() {
  asio::co_spawn(io_, accept_loop(), [](std::exception_ptr error) {
    if (error) spdlog::error("Accept loop stopped: {}", exception_text(error));
  });
}

void Listener::stop() {
  boost::system::error_code ec;
  acceptor_.close(ec);
}

std::string Listener::admission_error(const tcp::socket& socket) const {
  const auto& settings = instance_.config.settings();
  if (static_cast<int64_t>(instance_.clients().size()) >= settings.maxclients)
    return std::string(protocol::errors::kMaxClients);
  if (settings.protected_mode && settings.requirepass.empty()) {
    boost::system::error_code ec;
    const auto remote = socket.remote_endpoint(ec);
    if (ec || !protected_mode_admits(remote.address())) return std::string(protocol::errors::kProtectedMode);
  }
  return {};
}

asio::awaitable<void> Listener::accept_loop() {
  for (;;) {
    boost::system::error_code ec;
    tcp::socket socket = co_await acceptor_.async_accept(asio::redirect_error(asio::use_awaitable, ec));
    if (ec == asio::error::operation_aborted || !acceptor_.is_open()) co_return;
    if (ec) {
      // EMFILE and friends: log and keep accepting; the peer sees a reset.
      spdlog::warn("Accepting client connection: {}", ec.message());
      continue;
    }
    ++instance_.stats.total_connections_received;
    if (std::string refusal = admission_error(socket); !refusal.empty()) {
      ++instance_.stats.rejected_connections;
      // Best effort, as Redis: one write attempt, then close.
      refusal = "-" + refusal + "\r\n";
      socket.non_blocking(true, ec);
      socket.write_some(asio::buffer(refusal), ec);
      socket.close(ec);
      continue;
    }
    auto connection = std::make_shared<Connection>(std::move(socket), instance_, dispatcher_);
    asio::co_spawn(io_, serve(connection), [connection](std::exception_ptr error) {
      if (!error) return;
      spdlog::warn("Client id={} closed after an internal error: {}", connection->state().id, exception_text(error));
      connection->close_soon();  // the peer sees the connection end, not silence
    });
  }
}

}  // namespace arbor::net
