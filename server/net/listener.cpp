// Listener: accept loop with maxclients and protected-mode admission.
#include "server/net/listener.h"

#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <memory>

#include "protocol/errors.h"
#include "server/net/connection.h"

namespace arbor::net {
namespace {

// The TCP endpoint a generic IPv4/IPv6 endpoint holds.
tcp::endpoint ip_endpoint(const stream_protocol::endpoint& endpoint) {
  tcp::endpoint ip;
  std::memcpy(ip.data(), endpoint.data(), std::min<size_t>(endpoint.size(), sizeof(sockaddr_in6)));
  return ip;
}

}  // namespace

std::string endpoint_text(const stream_protocol::endpoint& endpoint, const std::string& unix_path) {
  const int family = endpoint.data()->sa_family;
  if (family != AF_INET && family != AF_INET6) return unix_path + ":0";
  const tcp::endpoint ip = ip_endpoint(endpoint);
  // As Redis's anetFormatAddr: an IPv6 address in brackets.
  const std::string address = ip.address().to_string();
  return (ip.address().is_v6() ? "[" + address + "]" : address) + ":" + std::to_string(ip.port());
}

Listener::Listener(asio::io_context& io, tcp::endpoint endpoint, core::Instance& instance,
                   core::Dispatcher& dispatcher, int backlog)
    : io_(io), acceptor_(io), instance_(instance), dispatcher_(dispatcher) {
  const stream_protocol::endpoint generic(endpoint);
  acceptor_.open(generic.protocol());
  acceptor_.set_option(asio::socket_base::reuse_address(true));
  if (endpoint.address().is_v6()) acceptor_.set_option(asio::ip::v6_only(true));
  acceptor_.bind(generic);
  acceptor_.listen(backlog);
}

Listener::Listener(asio::io_context& io, const std::string& path, int64_t permissions, core::Instance& instance,
                   core::Dispatcher& dispatcher, int backlog)
    : io_(io), acceptor_(io), instance_(instance), dispatcher_(dispatcher), unix_path_(path) {
  ::unlink(path.c_str());  // a file left by an earlier run (Redis does the same)
  const stream_protocol::endpoint generic{asio::local::stream_protocol::endpoint(path)};
  acceptor_.open(generic.protocol());
  acceptor_.bind(generic);
  // (As Redis, a mode that cannot be set leaves the socket as created.)
  if (permissions != 0 && ::chmod(path.c_str(), static_cast<mode_t>(permissions)) != 0)
    spdlog::warn("Could not set the permissions of the unix socket {}: {}", path, std::strerror(errno));
  acceptor_.listen(backlog);
}

uint16_t Listener::port() const {
  if (!unix_path_.empty()) return 0;
  boost::system::error_code ec;
  const auto local = acceptor_.local_endpoint(ec);
  if (ec) return 0;
  return ip_endpoint(local).port();
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

std::string Listener::admission_error(const client_socket& socket) const {
  const auto& settings = instance_.config.settings();
  if (static_cast<int64_t>(instance_.clients().size()) >= settings.maxclients)
    return std::string(protocol::errors::kMaxClients);
  // A unix socket is local by definition (Redis checks TCP peers only).
  if (settings.protected_mode && settings.requirepass.empty() && unix_path_.empty()) {
    boost::system::error_code ec;
    const auto remote = socket.remote_endpoint(ec);
    if (ec || !protected_mode_admits(ip_endpoint(remote).address())) return std::string(protocol::errors::kProtectedMode);
  }
  return {};
}

asio::awaitable<void> Listener::accept_loop() {
  for (;;) {
    boost::system::error_code ec;
    client_socket socket =
        co_await acceptor_.async_accept(io_.get_executor(), asio::redirect_error(asio::use_awaitable, ec));
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
    std::make_shared<Connection>(std::move(socket), unix_path_, instance_, dispatcher_)->start();
  }
}

}  // namespace arbor::net
