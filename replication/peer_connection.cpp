#include "replication/peer_connection.h"

#include <spdlog/spdlog.h>

#include <initializer_list>

#include "protocol/number_format.h"
#include "protocol/reply_writer.h"
#include "server/core/instance.h"

namespace arbor::replication {
namespace {

constexpr size_t kReadChunk = 64 * 1024;
constexpr size_t kEofMarkLength = 40;
constexpr size_t kMaxLine = 64 * 1024;

using protocol::encode_command;

}  // namespace

PeerConnection::PeerConnection(asio::io_context& io, std::string host, int port, std::string role)
    : io_(io), host_(std::move(host)), port_(port), role_(std::move(role)), resolver_(io), socket_(io) {}

void PeerConnection::close() {
  resolver_.cancel();
  boost::system::error_code ec;
  socket_.shutdown(tcp::socket::shutdown_both, ec);
  socket_.close(ec);
}

asio::awaitable<bool> PeerConnection::connect() {
  close();
  in_.clear();
  pos_ = 0;
  socket_ = tcp::socket(io_);
  boost::system::error_code ec;
  const auto endpoints =
      co_await resolver_.async_resolve(host_, std::to_string(port_), asio::redirect_error(asio::use_awaitable, ec));
  if (stopped_) co_return false;
  if (ec) {
    spdlog::warn("Unable to resolve {} {}: {}", role_, host_, ec.message());
    co_return false;
  }
  last_io_ms_ = core::unix_time_ms();
  co_await asio::async_connect(socket_, endpoints, asio::redirect_error(asio::use_awaitable, ec));
  if (stopped_) co_return false;
  if (ec) {
    spdlog::warn("Error connecting to {} {}: {}", role_, address(), ec.message());
    co_return false;
  }
  socket_.set_option(tcp::no_delay(true), ec);
  last_io_ms_ = core::unix_time_ms();
  co_return true;
}

asio::awaitable<bool> PeerConnection::handshake(const core::Settings& settings, int listening_port) {
  std::string line;
  // (Encoded before each co_await: GCC 12 cannot keep an initializer
  // list's array alive across a suspension.)
  std::string ping = encode_command({"PING"});
  bool ok = co_await write(std::move(ping));
  if (ok) ok = co_await read_line(line);
  if (!ok) co_return false;
  if (line.starts_with("-") && !line.starts_with("-NOAUTH") && !line.starts_with("-NOPERM") &&
      !line.starts_with("-ERR operation not permitted")) {
    spdlog::warn("Error reply to PING from {} {}: '{}'", role_, address(), line);
    co_return false;
  }
  std::string burst;
  const bool auth = !settings.masterauth.empty();
  if (auth) {
    burst += settings.masteruser.empty() ? encode_command({"AUTH", settings.masterauth})
                                         : encode_command({"AUTH", settings.masteruser, settings.masterauth});
  }
  int replies = 1;
  if (listening_port > 0) {
    burst += encode_command({"REPLCONF", "listening-port", std::to_string(listening_port)});
    ++replies;
    if (!settings.replica_announce_ip.empty()) {
      burst += encode_command({"REPLCONF", "ip-address", settings.replica_announce_ip});
      ++replies;
    }
  }
  burst += encode_command({"REPLCONF", "capa", "eof", "capa", "psync2", "capa", "arbor"});
  ok = co_await write(std::move(burst));
  if (ok && auth) {
    ok = co_await read_line(line);
    if (ok && line.starts_with("-")) {
      spdlog::warn("Unable to AUTH to {} {}: {}", role_, address(), line);
      ok = false;
    }
  }
  for (; ok && replies > 0; --replies) {
    ok = co_await read_line(line);
    if (ok && line.starts_with("-")) spdlog::info("(Non critical) {} does not understand REPLCONF: {}", role_, line);
  }
  co_return ok;
}

asio::awaitable<bool> PeerConnection::read_more() {
  if (stopped_) co_return false;
  if (pos_ > 0 && pos_ == in_.size()) {
    in_.clear();
    pos_ = 0;
  }
  const size_t old = in_.size();
  in_.resize(old + kReadChunk);
  boost::system::error_code ec;
  const size_t n = co_await socket_.async_read_some(asio::buffer(in_.data() + old, kReadChunk),
                                                    asio::redirect_error(asio::use_awaitable, ec));
  in_.resize(old + n);
  if (stopped_) co_return false;
  if (ec || n == 0) {
    spdlog::warn("Error reading from {} {}: {}", role_, address(), ec ? ec.message() : "connection closed");
    co_return false;
  }
  last_io_ms_ = core::unix_time_ms();
  co_return true;
}

asio::awaitable<bool> PeerConnection::read_line(std::string& line) {
  size_t lf = in_.find('\n', pos_);
  bool ok = true;
  while (ok && lf == std::string::npos) {
    ok = in_.size() - pos_ <= kMaxLine;  // no line is that long
    if (ok) ok = co_await read_more();
    if (ok) lf = in_.find('\n', pos_);
  }
  if (!ok) co_return false;
  line.assign(in_, pos_, lf - pos_);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  pos_ = lf + 1;
  co_return true;
}

asio::awaitable<bool> PeerConnection::write(std::string bytes) {
  if (stopped_) co_return false;
  boost::system::error_code ec;
  co_await asio::async_write(socket_, asio::buffer(bytes), asio::redirect_error(asio::use_awaitable, ec));
  if (stopped_ || ec) co_return false;
  last_io_ms_ = core::unix_time_ms();
  co_return true;
}

// (Loops that await carry an `ok` flag instead of a co_return inside the
// loop: GCC 12 miscompiles the latter in small coroutines, resuming into a
// trap.)
asio::awaitable<bool> PeerConnection::read_exactly(size_t n) {
  bool ok = true;
  while (ok && in_.size() - pos_ < n) {
    transfer_read_ = in_.size() - pos_;
    ok = co_await read_more();
  }
  co_return ok;
}

asio::awaitable<bool> PeerConnection::read_bulk(std::string& out) {
  bool error = false;
  const bool ok = co_await read_bulk_or_error(out, error);
  co_return ok && !error;
}

asio::awaitable<bool> PeerConnection::read_bulk_or_error(std::string& out, bool& error) {
  out.clear();
  std::string line;
  const bool got = co_await read_line(line);
  if (!got) co_return false;
  error = line.starts_with("-");
  if (error) {
    out = line.substr(1);
    co_return true;
  }
  const auto size = line.starts_with("$") ? protocol::parse_int64(line.substr(1)) : std::nullopt;
  if (!size || *size < 0) {
    spdlog::warn("Unexpected reply from {} {}: '{}'", role_, address(), line);
    co_return false;
  }
  const bool ok = co_await read_exactly(static_cast<size_t>(*size) + 2);
  if (!ok) co_return false;
  out.assign(in_, pos_, static_cast<size_t>(*size));
  pos_ += static_cast<size_t>(*size) + 2;
  co_return true;
}

asio::awaitable<bool> PeerConnection::read_snapshot(std::string_view& payload) {
  transfer_size_ = -1;
  transfer_read_ = 0;
  std::string line;
  bool ok = true;
  while (ok && line.empty()) ok = co_await read_line(line);  // keep-alives while the peer prepares
  if (!ok) co_return false;
  if (line.starts_with("-")) {
    spdlog::warn("{} {} aborted the transfer with an error: {}", role_, address(), line.substr(1));
    co_return false;
  }
  if (!line.starts_with("$")) {
    spdlog::warn("Bad protocol from {} {}, the first byte is not '$' (we received '{}'), are you sure the host "
                 "and port are right?",
                 role_, address(), line);
    co_return false;
  }
  if (line.starts_with("$EOF:") && line.size() == 5 + kEofMarkLength) {
    const std::string mark = line.substr(5);
    spdlog::info("Sync with {} {}: receiving the streamed RDB, EOF-marked", role_, address());
    // The peer sends nothing after the mark until we ACK, so the mark is
    // always the tail of what we hold.
    while (ok && (in_.size() - pos_ < kEofMarkLength ||
                  in_.compare(in_.size() - kEofMarkLength, kEofMarkLength, mark) != 0)) {
      transfer_read_ = in_.size() - pos_;
      ok = co_await read_more();
    }
    if (!ok) co_return false;
    payload = std::string_view(in_).substr(pos_, in_.size() - pos_ - kEofMarkLength);
    snapshot_framing_ = kEofMarkLength;
  } else {
    const auto size = protocol::parse_int64(line.substr(1));
    if (!size || *size < 0) {
      spdlog::warn("Bad RDB size from {} {}: '{}'", role_, address(), line);
      co_return false;
    }
    transfer_size_ = *size;
    spdlog::info("Sync with {} {}: receiving {} bytes of RDB", role_, address(), *size);
    ok = co_await read_exactly(static_cast<size_t>(*size));
    if (!ok) co_return false;
    payload = std::string_view(in_).substr(pos_, static_cast<size_t>(*size));
    snapshot_framing_ = 0;
  }
  transfer_read_ = payload.size();
  co_return true;
}

void PeerConnection::consume_snapshot() {
  pos_ += transfer_read_ + snapshot_framing_;
  compact();
}

void PeerConnection::compact() {
  in_.erase(0, pos_);
  pos_ = 0;
}

}  // namespace arbor::replication
