#include "replication/peer_query.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

#include "protocol/number_format.h"
#include "protocol/reply_writer.h"
#include "server/core/instance.h"

namespace arbor::replication {
namespace {

using protocol::encode_command;

// Closes `peer` once it has been silent for `idle_ms`, until `done`.
asio::awaitable<void> watch_idle(std::shared_ptr<PeerConnection> peer, int64_t idle_ms, std::shared_ptr<bool> done,
                                 std::string what) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  const int64_t started = core::unix_time_ms();
  boost::system::error_code ec;
  while (!*done && !peer->stopped()) {
    timer.expires_after(std::chrono::milliseconds(100));
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (*done || peer->stopped()) break;
    if (core::unix_time_ms() - std::max(started, peer->last_io_ms()) > idle_ms) {
      spdlog::warn("{}: {} silent for {} ms: closing the connection", what, peer->address(), idle_ms);
      peer->stop();
    }
  }
}

// "-ERR AUTH <password> called without any password configured": a node
// without requirepass answers INFO all the same.
bool auth_accepted(const std::string& line) {
  return !line.starts_with("-") || line.find("without any password configured") != std::string::npos;
}

}  // namespace

bool parse_address(const std::string& address, std::string& host, int& port) {
  const size_t colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  const auto value = protocol::parse_int64(std::string_view(address).substr(colon + 1));
  if (!value || *value <= 0 || *value > 65535) return false;
  host = address.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  port = static_cast<int>(*value);
  return true;
}

std::shared_ptr<PeerConnection> peer_for(asio::io_context& io, const std::string& address, std::string role) {
  std::string host;
  int port = 0;
  if (!parse_address(address, host, port)) return nullptr;
  return std::make_shared<PeerConnection>(io, std::move(host), port, std::move(role));
}

WatchedPeer::WatchedPeer(asio::io_context& io, std::shared_ptr<PeerConnection> peer, int64_t idle_ms,
                         std::vector<std::shared_ptr<PeerConnection>>& open, std::string what)
    : peer_(std::move(peer)), done_(std::make_shared<bool>(false)), open_(open) {
  open_.push_back(peer_);
  asio::co_spawn(io, watch_idle(peer_, idle_ms, done_, std::move(what)), asio::detached);
}

WatchedPeer::~WatchedPeer() {
  *done_ = true;
  peer_->stop();
  std::erase(open_, peer_);
}

asio::awaitable<bool> fetch_info(PeerConnection& peer, const core::Settings& settings,
                                 std::string sections, std::string& info, bool& connected,
                                 std::string prelude) {
  std::string request;
  if (!settings.masterauth.empty())
    request += settings.masteruser.empty() ? encode_command({"AUTH", settings.masterauth})
                                           : encode_command({"AUTH", settings.masteruser, settings.masterauth});
  std::vector<std::string_view> args{"INFO"};
  for (size_t at = 0; at < sections.size();) {
    const size_t end = std::min(sections.find(' ', at), sections.size());
    if (end > at) args.push_back(std::string_view(sections).substr(at, end - at));
    at = end + 1;
  }
  request += prelude;
  protocol::append_command(request, args);
  connected = co_await peer.connect();
  bool ok = connected && co_await peer.write(std::move(request));
  std::string line;
  if (ok && !settings.masterauth.empty()) {
    ok = co_await peer.read_line(line);
    ok = ok && auth_accepted(line);
  }
  if (ok && !prelude.empty()) ok = co_await peer.read_line(line);
  if (ok) ok = co_await peer.read_bulk(info);
  co_return ok;
}

asio::awaitable<bool> answers_ping(asio::io_context& io, const std::string& host, int port, int64_t limit_ms) {
  auto peer = std::make_shared<PeerConnection>(io, host, port, "MASTER");
  std::vector<std::shared_ptr<PeerConnection>> open;
  WatchedPeer watched(io, peer, limit_ms, open, "Promotion");
  std::string line;
  bool ok = co_await peer->connect();
  std::string ping = encode_command({"PING"});  // (not a temporary across co_await: GCC 12)
  if (ok) ok = co_await peer->write(std::move(ping));
  if (ok) ok = co_await peer->read_line(line);
  co_return ok;
}

}  // namespace arbor::replication
