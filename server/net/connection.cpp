// Connection: read, parse, dispatch, one write per batch.
#include "server/net/connection.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstring>

#include "protocol/errors.h"

namespace arbor::net {
namespace {

constexpr size_t kInitialBuffer = 16 * 1024;
constexpr size_t kReadChunk = 16 * 1024;
constexpr size_t kKeepInputCapacity = 256 * 1024;
// Replies above this are released after the write, so one huge reply does
// not pin its memory for the life of the connection.
constexpr size_t kKeepOutputCapacity = 64 * 1024;
constexpr size_t kBatchOutputLimit = 1024 * 1024;

std::string endpoint_text(const tcp::endpoint& ep) {
  const auto address = ep.address();
  if (address.is_v6()) return address.to_string() + ":" + std::to_string(ep.port());
  return address.to_string() + ":" + std::to_string(ep.port());
}

}  // namespace

bool is_loopback(const asio::ip::address& address) {
  if (address.is_loopback()) return true;
  if (address.is_v6()) {
    const auto v6 = address.to_v6();
    if (v6.is_v4_mapped()) return asio::ip::make_address_v4(asio::ip::v4_mapped, v6).is_loopback();
  }
  return false;
}

Connection::Connection(tcp::socket socket, core::Instance& instance, core::Dispatcher& dispatcher)
    : socket_(std::move(socket)), instance_(instance), dispatcher_(dispatcher), writer_(out_) {
  boost::system::error_code ec;
  socket_.set_option(tcp::no_delay(true), ec);
  state_.id = instance_.next_client_id();
  state_.fd = static_cast<int>(socket_.native_handle());
  const auto remote = socket_.remote_endpoint(ec);
  if (!ec) state_.addr = endpoint_text(remote);
  const auto local = socket_.local_endpoint(ec);
  if (!ec) state_.laddr = endpoint_text(local);
  state_.created_ms = state_.last_interaction_ms = core::unix_time_ms();
  state_.authenticated = instance_.config.settings().requirepass.empty();
  state_.control = this;
  instance_.add_client(&state_);
  parser_.set_limits(current_limits());
}

Connection::~Connection() { instance_.remove_client(&state_); }

void Connection::close_soon() {
  if (closing_) return;
  closing_ = true;
  boost::system::error_code ec;
  socket_.shutdown(tcp::socket::shutdown_both, ec);
  socket_.close(ec);
}

protocol::ParserLimits Connection::current_limits() const {
  protocol::ParserLimits limits;
  limits.max_bulk_len = instance_.config.settings().proto_max_bulk_len;
  limits.unauthenticated = !state_.authenticated;
  return limits;
}

// Makes room for the next read: moves unconsumed bytes to the front, and
// grows the buffer when a large argument is pending, up to the query buffer
// limit. Returns false if the client passed client-query-buffer-limit.
bool Connection::reserve_read_space() {
  if (begin_ == end_) {
    begin_ = end_ = 0;
    // A big argument has been consumed: give its buffer back.
    if (capacity_ > kKeepInputCapacity) {
      buffer_.reset();
      capacity_ = 0;
    }
  } else if (begin_ > 0) {
    std::memmove(buffer_.get(), buffer_.get() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  const size_t pending = end_ - begin_;
  const size_t limit = static_cast<size_t>(instance_.config.settings().client_query_buffer_limit);
  if (pending >= limit) return false;
  // Size for the pending argument, but grow at most 2x per read: a client
  // that only announces a huge bulk must send the bytes to make us allocate.
  size_t wanted = std::max(pending + parser_.bytes_still_needed(pending), end_ + kReadChunk);
  wanted = std::min({wanted, std::max(capacity_ * 2, kInitialBuffer), limit + kReadChunk});
  if (wanted > capacity_) {
    const size_t grown = wanted;
    std::unique_ptr<char[]> bigger(new char[std::max(grown, kInitialBuffer)]);  // not zeroed
    if (end_ > begin_) std::memcpy(bigger.get(), buffer_.get() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
    buffer_ = std::move(bigger);
    capacity_ = std::max(grown, kInitialBuffer);
  }
  return true;
}

Connection::Progress Connection::process_input() {
  using Status = protocol::RequestParser::Status;
  state_.last_interaction_ms = core::unix_time_ms();  // per read, as Redis's lastinteraction
  while (!closing_) {
    // Flush once a batch has produced this much: a pipeline of big replies
    // then costs bounded memory, and other clients get the loop between
    // slices instead of waiting for the whole pipeline.
    if (out_.size() >= kBatchOutputLimit) return Progress::kFlushAndContinue;
    const std::string_view pending(buffer_.get() + begin_, end_ - begin_);
    const auto result = parser_.parse(pending, args_);
    if (result.status == Status::kNeedMore) return Progress::kNeedInput;
    if (result.status == Status::kError) {
      writer_.error(protocol::parse_error_text(parser_.error(), parser_.offending_byte()));
      spdlog::debug("Protocol error ({}) from client: id={} addr={}",
                    protocol::parse_error_text(parser_.error(), parser_.offending_byte()), state_.id, state_.addr);
      return Progress::kClose;
    }
    if (result.status == Status::kCommand) {
      const bool was_authenticated = state_.authenticated;
      writer_.set_resp(state_.resp);
      dispatcher_.execute(state_, args_, writer_);
      if (was_authenticated != state_.authenticated) parser_.set_limits(current_limits());
    }
    begin_ += result.consumed;
    if (state_.close_after_reply) return Progress::kClose;
  }
  return Progress::kClose;
}

asio::awaitable<void> Connection::run() {
  boost::system::error_code ec;
  Progress progress = Progress::kNeedInput;
  while (progress != Progress::kClose && !closing_) {
    if (progress == Progress::kNeedInput) {
      if (!reserve_read_space()) {
        ++instance_.stats.client_query_buffer_limit_disconnections;
        spdlog::warn("Closing client that reached max query buffer length: id={} addr={} (qbuf={})", state_.id,
                     state_.addr, end_ - begin_);
        break;
      }
      const size_t n = co_await socket_.async_read_some(asio::buffer(buffer_.get() + end_, capacity_ - end_),
                                                        asio::redirect_error(asio::use_awaitable, ec));
      if (ec || n == 0) break;
      end_ += n;
      instance_.stats.net_input_bytes += n;
    }
    progress = process_input();
    if (!out_.empty() && !closing_) {
      co_await asio::async_write(socket_, asio::buffer(out_), asio::redirect_error(asio::use_awaitable, ec));
      if (ec) break;
      instance_.stats.net_output_bytes += out_.size();
      out_.clear();
      if (out_.capacity() > kKeepOutputCapacity) std::string().swap(out_);
    }
  }
  close_soon();
}

}  // namespace arbor::net
