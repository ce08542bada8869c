// ReplicaLink: the handshake, the transfer, the load and the stream, as one
// coroutine per connection attempt.
#include "replication/replica_link.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <initializer_list>
#include <vector>

#include "protocol/number_format.h"
#include "protocol/reply_writer.h"
#include "protocol/request_parser.h"
#include "replication/replication_service.h"
#include "server/core/dispatcher.h"

namespace arbor::replication {
namespace {

constexpr size_t kReadChunk = 64 * 1024;
constexpr size_t kEofMarkLength = 40;

std::string encode(std::initializer_list<std::string_view> args) {
  std::string out;
  protocol::append_command(out, args);
  return out;
}

}  // namespace

ReplicaLink::ReplicaLink(ReplicationService& service, std::string host, int port, int stream_db)
    : service_(service),
      host_(std::move(host)),
      port_(port),
      socket_(service.io()),
      retry_timer_(service.io()) {
  core::Instance& instance = service_.instance();
  master_client_.id = instance.next_client_id();
  master_client_.is_master = true;
  master_client_.authenticated = true;
  master_client_.addr = host_ + ":" + std::to_string(port_);
  master_client_.db = stream_db;
  master_client_.created_ms = core::unix_time_ms();
  master_client_.last_interaction_ms = master_client_.created_ms;
  instance.add_client(&master_client_);
  down_since_ms_ = core::unix_time_ms();
}

ReplicaLink::~ReplicaLink() { stop(); }

void ReplicaLink::start() {
  spdlog::info("Connecting to MASTER {}:{}", host_, port_);
  // `self` keeps the link alive until the coroutine, which uses `this`, ends.
  asio::co_spawn(service_.io(), run(), [self = shared_from_this()](std::exception_ptr error) {
    if (error) spdlog::warn("Replication link stopped after an internal error: {}", net::exception_text(error));
  });
}

void ReplicaLink::stop() {
  if (stopped_) return;
  stopped_ = true;
  close_socket();
  retry_timer_.cancel();
  service_.instance().master_link_up = false;
  service_.instance().remove_client(&master_client_);
}

void ReplicaLink::close_socket() {
  boost::system::error_code ec;
  socket_.shutdown(tcp::socket::shutdown_both, ec);
  socket_.close(ec);
}

const char* ReplicaLink::state_name() const {
  switch (state_) {
    case State::kConnect: return "connect";
    case State::kConnecting: return "connecting";
    case State::kHandshake: return "handshake";
    case State::kTransfer: return "sync";
    case State::kConnected: return "connected";
  }
  return "connect";
}

asio::awaitable<void> ReplicaLink::run() {
  boost::system::error_code ec;
  while (!stopped_) {
    co_await session();
    if (stopped_) break;
    close_socket();
    state_ = State::kConnect;
    service_.instance().master_link_up = false;
    if (down_since_ms_ == 0) down_since_ms_ = core::unix_time_ms();
    retry_timer_.expires_after(std::chrono::seconds(1));
    co_await retry_timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
}

asio::awaitable<bool> ReplicaLink::read_more() {
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
    if (state_ == State::kConnected) spdlog::warn("Connection with master lost.");
    else spdlog::warn("Error reading from MASTER {}:{}: {}", host_, port_, ec ? ec.message() : "connection closed");
    co_return false;
  }
  last_io_ms_ = core::unix_time_ms();
  co_return true;
}

asio::awaitable<bool> ReplicaLink::read_line(std::string& line) {
  while (true) {
    const size_t lf = in_.find('\n', pos_);
    if (lf != std::string::npos) {
      line.assign(in_, pos_, lf - pos_);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      pos_ = lf + 1;
      co_return true;
    }
    if (in_.size() - pos_ > 64 * 1024) co_return false;  // no line is that long
    if (!co_await read_more()) co_return false;
  }
}

asio::awaitable<bool> ReplicaLink::write(std::string bytes) {
  boost::system::error_code ec;
  co_await asio::async_write(socket_, asio::buffer(bytes), asio::redirect_error(asio::use_awaitable, ec));
  if (stopped_ || ec) co_return false;
  last_io_ms_ = core::unix_time_ms();
  co_return true;
}

void ReplicaLink::queue_write(std::string bytes) {
  out_queue_ += bytes;
  if (writing_ || out_queue_.empty() || stopped_) return;
  writing_ = true;
  auto buffer = std::make_shared<std::string>(std::move(out_queue_));
  out_queue_.clear();
  asio::async_write(socket_, asio::buffer(*buffer),
                    [self = shared_from_this(), buffer](boost::system::error_code ec, size_t) {
                      self->writing_ = false;
                      if (ec || self->stopped_) return;
                      if (!self->out_queue_.empty()) self->queue_write({});
                    });
}

void ReplicaLink::send_ack() {
  if (stopped_ || (state_ != State::kConnected && state_ != State::kTransfer)) return;
  last_ack_ms_ = core::unix_time_ms();
  queue_write(encode({"REPLCONF", "ACK", std::to_string(service_.offset())}));
}

void ReplicaLink::cron(int64_t now_ms) {
  if (stopped_) return;
  if (state_ == State::kConnected && now_ms - last_ack_ms_ >= 1000) send_ack();
  const int64_t timeout_ms = service_.instance().config.settings().repl_timeout * 1000;
  if (state_ != State::kConnect && last_io_ms_ != 0 && now_ms - last_io_ms_ > timeout_ms) {
    spdlog::warn("MASTER timeout: no data nor PING received for {} seconds", timeout_ms / 1000);
    last_io_ms_ = now_ms;
    close_socket();  // the pending read fails and the link starts again
  }
}

asio::awaitable<void> ReplicaLink::session() {
  core::Instance& instance = service_.instance();
  const auto& settings = instance.config.settings();
  state_ = State::kConnecting;
  in_.clear();
  pos_ = 0;
  out_queue_.clear();
  socket_ = tcp::socket(service_.io());
  boost::system::error_code ec;
  tcp::resolver resolver(service_.io());
  const auto endpoints = co_await resolver.async_resolve(host_, std::to_string(port_),
                                                         asio::redirect_error(asio::use_awaitable, ec));
  if (stopped_) co_return;
  if (ec) {
    spdlog::warn("Unable to resolve MASTER {}: {}", host_, ec.message());
    co_return;
  }
  last_io_ms_ = core::unix_time_ms();
  co_await asio::async_connect(socket_, endpoints, asio::redirect_error(asio::use_awaitable, ec));
  if (stopped_) co_return;
  if (ec) {
    spdlog::warn("Error condition on socket for SYNC: {}", ec.message());
    co_return;
  }
  socket_.set_option(tcp::no_delay(true), ec);
  spdlog::info("MASTER <-> REPLICA sync started");
  state_ = State::kHandshake;
  last_io_ms_ = core::unix_time_ms();

  std::string line;
  // (Encoded before each co_await: GCC 12 cannot keep an initializer
  // list's array alive across a suspension.)
  std::string ping = encode({"PING"});
  if (!co_await write(std::move(ping)) || !co_await read_line(line)) co_return;
  if (line.starts_with("-") && !line.starts_with("-NOAUTH") && !line.starts_with("-NOPERM") &&
      !line.starts_with("-ERR operation not permitted")) {
    spdlog::warn("Error reply to PING from master: '{}'", line);
    co_return;
  }
  spdlog::info("Master replied to PING, replication can continue...");
  // The rest of the handshake goes out at once, as Redis 7.0 sends it.
  std::string burst;
  const bool auth = !settings.masterauth.empty();
  if (auth) {
    burst += settings.masteruser.empty() ? encode({"AUTH", settings.masterauth})
                                         : encode({"AUTH", settings.masteruser, settings.masterauth});
  }
  burst += encode({"REPLCONF", "listening-port", std::to_string(instance.tcp_port)});
  const bool announce = !settings.replica_announce_ip.empty();
  if (announce) burst += encode({"REPLCONF", "ip-address", settings.replica_announce_ip});
  burst += encode({"REPLCONF", "capa", "eof", "capa", "psync2", "capa", "arbor"});
  if (!co_await write(std::move(burst))) co_return;
  if (auth) {
    if (!co_await read_line(line)) co_return;
    if (line.starts_with("-")) {
      spdlog::warn("Unable to AUTH to MASTER: {}", line);
      co_return;
    }
  }
  for (int replies = announce ? 3 : 2; replies > 0; --replies) {
    if (!co_await read_line(line)) co_return;
    if (line.starts_with("-")) spdlog::info("(Non critical) Master does not understand REPLCONF: {}", line);
  }

  std::string psync;
  if (service_.backlog()) {
    psync = encode({"PSYNC", service_.replid(), std::to_string(service_.offset() + 1)});
    spdlog::info("Trying a partial resynchronization (request {}:{}).", service_.replid(), service_.offset() + 1);
  } else {
    psync = encode({"PSYNC", "?", "-1"});
    spdlog::info("Partial resynchronization not possible (no cached master)");
  }
  if (!co_await write(std::move(psync))) co_return;
  do {
    if (!co_await read_line(line)) co_return;
  } while (line.empty());  // keep-alives while the primary prepares

  if (line.starts_with("+FULLRESYNC ")) {
    const std::string rest = line.substr(12);
    const size_t space = rest.find(' ');
    const auto offset = space == std::string::npos ? std::nullopt : protocol::parse_int64(rest.substr(space + 1));
    if (space != 40 || !offset || *offset < 0) {
      spdlog::warn("Master replied with wrong +FULLRESYNC syntax: {}", line);
      co_return;
    }
    std::string replid = rest.substr(0, 40);
    if (!may_replace_data(replid, static_cast<uint64_t>(*offset))) co_return;
    spdlog::info("Full resync from master: {}:{}", replid, *offset);
    if (!co_await full_sync(std::move(replid), static_cast<uint64_t>(*offset))) co_return;
  } else if (line.starts_with("+CONTINUE")) {
    const std::string id = line.size() > 10 ? line.substr(10) : std::string();
    if (id.size() == 40 && id != service_.replid()) {
      spdlog::info("Master replication ID changed to {}", id);
      service_.switch_replid(id);
    }
    spdlog::info("Successful partial resynchronization with master.");
    spdlog::info("MASTER <-> REPLICA sync: Master accepted a Partial Resynchronization.");
  } else if (line.starts_with("-NOMASTERLINK") || line.starts_with("-LOADING")) {
    spdlog::info("Master is currently unable to PSYNC but should be in the future: {}", line);
    co_return;
  } else {
    spdlog::warn("Unexpected reply to PSYNC from master: {}", line);
    co_return;
  }
  co_await follow_stream();
}

// replica-protect-data: a replica holding data does not let a primary that
// came up on a history we never followed, not ahead of our offset, wipe it
// (the empty-restart failure Redis's replication documentation warns of).
// The operator can insist with REPLICAOF host port again.
bool ReplicaLink::may_replace_data(const std::string& replid, uint64_t offset) {
  core::Instance& instance = service_.instance();
  bool holds_data = false;
  for (int i = 0; i < instance.db_count() && !holds_data; ++i) holds_data = instance.db(i).size() > 0;
  const bool known_history = replid == service_.replid() || replid == service_.replid2();
  // "Behind" includes level: a primary that restarted empty offers offset 0,
  // and a replica that got all its data in one snapshot may be at 0 too.
  if (!holds_data || known_history || offset > service_.offset() || allow_replacing_data_ ||
      !instance.config.settings().replica_protect_data) {
    protecting_data_ = false;
    return true;
  }
  if (!protecting_data_)
    spdlog::error("Refusing the full sync offered by MASTER {}:{}: it is on a new history ({} at offset {}) "
                  "not ahead of ours ({} at offset {}), as a primary that restarted empty without seeding "
                  "would be. Keeping our data, read-only, and retrying. REPLICAOF {} {} again (or "
                  "replica-protect-data no) accepts it.",
                  host_, port_, replid, offset, service_.replid(), service_.offset(), host_, port_);
  protecting_data_ = true;
  return false;
}

asio::awaitable<bool> ReplicaLink::full_sync(std::string replid, uint64_t offset) {
  allow_replacing_data_ = false;  // the insistence covers one sync
  state_ = State::kTransfer;
  transfer_size_ = -1;
  transfer_read_ = 0;
  std::string line;
  do {
    if (!co_await read_line(line)) co_return false;
  } while (line.empty());
  if (line.starts_with("-")) {
    spdlog::warn("MASTER aborted replication with an error: {}", line.substr(1));
    co_return false;
  }
  if (!line.starts_with("$")) {
    spdlog::warn("Bad protocol from MASTER, the first byte is not '$' (we received '{}'), are you sure the host "
                 "and port are right?",
                 line);
    co_return false;
  }
  std::string_view payload;
  if (line.starts_with("$EOF:") && line.size() == 5 + kEofMarkLength) {
    const std::string mark = line.substr(5);
    spdlog::info("MASTER <-> REPLICA sync: receiving streamed RDB from master with EOF to disk");
    // The primary sends nothing after the mark until we ACK, so the mark
    // is always the tail of what we hold.
    while (in_.size() - pos_ < kEofMarkLength ||
           in_.compare(in_.size() - kEofMarkLength, kEofMarkLength, mark) != 0) {
      transfer_read_ = in_.size() - pos_;
      if (!co_await read_more()) co_return false;
    }
    payload = std::string_view(in_).substr(pos_, in_.size() - pos_ - kEofMarkLength);
  } else {
    const auto size = protocol::parse_int64(line.substr(1));
    if (!size || *size < 0) {
      spdlog::warn("Bad RDB size from MASTER: '{}'", line);
      co_return false;
    }
    transfer_size_ = *size;
    spdlog::info("MASTER <-> REPLICA sync: receiving {} bytes from master to disk", *size);
    while (in_.size() - pos_ < static_cast<uint64_t>(*size)) {
      transfer_read_ = in_.size() - pos_;
      if (!co_await read_more()) co_return false;
    }
    payload = std::string_view(in_).substr(pos_, static_cast<size_t>(*size));
  }
  transfer_read_ = payload.size();
  spdlog::info("MASTER <-> REPLICA sync: Loading DB in memory");
  std::string error;
  if (!service_.load_from_primary(payload, error)) {
    spdlog::warn("Failed trying to load the MASTER synchronization DB from socket: {}; the old data stays", error);
    co_return false;
  }
  pos_ += payload.size() + (transfer_size_ < 0 ? kEofMarkLength : 0);
  in_.erase(0, pos_);
  pos_ = 0;
  master_client_.db = 0;
  service_.adopt_history(replid, offset);
  ever_synced_ = true;
  spdlog::info("MASTER <-> REPLICA sync: Finished with success");
  send_ack();  // an EOF-mode primary starts the stream on this
  co_return true;
}

asio::awaitable<void> ReplicaLink::follow_stream() {
  core::Instance& instance = service_.instance();
  state_ = State::kConnected;
  instance.master_link_up = true;
  down_since_ms_ = 0;
  protocol::ParserLimits limits;
  limits.max_bulk_len = INT64_MAX;  // the primary already accepted these commands
  protocol::RequestParser parser(limits);
  std::vector<std::string_view> args;
  std::string discarded;
  protocol::ReplyWriter replies(discarded);
  while (!stopped_) {
    while (pos_ < in_.size()) {
      const auto result = parser.parse(std::string_view(in_).substr(pos_), args);
      using Status = protocol::RequestParser::Status;
      if (result.status == Status::kNeedMore) break;
      if (result.status == Status::kError) {
        spdlog::warn("Protocol error in the stream from MASTER: {}",
                     protocol::parse_error_text(parser.error(), parser.offending_byte()));
        co_return;
      }
      const std::string_view raw = std::string_view(in_).substr(pos_, result.consumed);
      if (result.status == Status::kCommand) {
        master_client_.last_interaction_ms = last_io_ms_;
        instance.applying_primary_stream = true;
        instance.dispatcher->execute(master_client_, args, replies);
        instance.applying_primary_stream = false;
        discarded.clear();
      }
      // Counted once applied: an ACK for GETACK excludes the GETACK itself.
      service_.append_from_primary(raw);
      pos_ += result.consumed;
      if (stopped_) co_return;
    }
    if (pos_ > 0) {
      in_.erase(0, pos_);
      pos_ = 0;
    }
    if (!co_await read_more()) co_return;
  }
}

}  // namespace arbor::replication
