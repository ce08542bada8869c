// Connection: read, parse, dispatch, one write per batch.
#include "server/net/connection.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cstring>

#include "protocol/errors.h"
#include "server/net/listener.h"

namespace arbor::net {
namespace {

constexpr size_t kInitialBuffer = 16 * 1024;
constexpr size_t kReadChunk = 16 * 1024;
constexpr size_t kKeepInputCapacity = 256 * 1024;
// Replies above this are released after the write, so one huge reply does
// not pin its memory for the life of the connection.
constexpr size_t kKeepOutputCapacity = 64 * 1024;
constexpr size_t kBatchOutputLimit = 1024 * 1024;

}  // namespace

bool protected_mode_admits(const asio::ip::address& address) {
  const std::string text = address.to_string();
  return text == "127.0.0.1" || text == "::1";
}

Connection::Connection(stream_protocol::socket socket, const std::string& unix_path, core::Instance& instance,
                       core::Dispatcher& dispatcher)
    : socket_(std::move(socket)),
      instance_(instance),
      dispatcher_(dispatcher),
      writer_(out_),
      wake_writer_(socket_.get_executor()),
      drained_(socket_.get_executor()),
      block_timer_(socket_.get_executor()) {
  boost::system::error_code ec;
  state_.is_unix_socket = !unix_path.empty();
  if (!state_.is_unix_socket) socket_.set_option(tcp::no_delay(true), ec);
  state_.id = instance_.next_client_id();
  state_.fd = static_cast<int>(socket_.native_handle());
  const auto remote = socket_.remote_endpoint(ec);
  if (!ec) state_.addr = endpoint_text(remote, unix_path);
  const auto local = socket_.local_endpoint(ec);
  if (!ec) state_.laddr = endpoint_text(local, unix_path);
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
  socket_.shutdown(stream_protocol::socket::shutdown_both, ec);
  socket_.close(ec);
  wake_writer_.cancel();
  drained_.cancel();
  block_timer_.cancel();
  // Nothing more will be sent: give the pending output back now.
  std::string().swap(out_);
}

void Connection::deliver(std::string_view bytes) {
  if (closing_) return;
  // While a top-level command of ours runs and has written nothing yet, the
  // message goes ahead of its reply (Redis's order for a PUBLISH to oneself);
  // otherwise it waits until the reply is complete.
  if (state_.executing == 1 && writer_.buffer().size() == state_.reply_start) {
    writer_.raw(bytes);
    state_.reply_start += bytes.size();
    return;
  }
  if (state_.executing > 0) {
    state_.deferred_output.append(bytes);
    return;
  }
  out_.append(bytes);
  output_ready();
}

void Connection::reserve_output(size_t bytes) {
  std::string& target = state_.executing > 0 ? state_.deferred_output : out_;
  target.reserve(target.size() + bytes);
}

void Connection::output_ready() {
  if (closing_) return;
  if (over_output_limit()) {
    ++instance_.stats.client_output_buffer_limit_disconnections;
    spdlog::warn("Client id={} addr={} closed for overcoming of output buffer limits (omem={}).", state_.id,
                 state_.addr, output_buffer_bytes());
    close_soon();
    return;
  }
  // The reader flushes its own batch; otherwise wake the writer.
  if (!writing_ && !reader_busy_ && !out_.empty()) wake_writer_.cancel();
}

// client-output-buffer-limit for the client's class (pubsub while it has
// subscriptions, else normal): over `hard` at once, or over `soft` for
// `soft_seconds` in a row, as Redis's checkClientOutputBufferLimits.
bool Connection::over_output_limit() {
  const auto& settings = instance_.config.settings();
  const core::OutputLimit& limit = state_.is_replica                 ? settings.output_limit_replica
                                    : state_.subscriptions.count() > 0 ? settings.output_limit_pubsub
                                                                       : settings.output_limit_normal;
  const auto used = static_cast<int64_t>(output_buffer_bytes());
  if (limit.hard > 0 && used >= limit.hard) return true;
  if (limit.soft > 0 && used >= limit.soft) {
    const int64_t now = core::unix_time_ms();
    if (soft_limit_since_ms_ == 0) soft_limit_since_ms_ = now;
    return now - soft_limit_since_ms_ >= limit.soft_seconds * 1000;
  }
  soft_limit_since_ms_ = 0;
  return false;
}

void Connection::block_timeout_at(int64_t deadline_ms) {
  ++block_generation_;
  if (deadline_ms == 0) return;
  // The deadline counts from the command's clock reading, truncated to the
  // millisecond (up to 1 ms before it arrived): one more millisecond keeps
  // the reply from coming before the timeout the client asked for.
  const int64_t wait_ms = std::max<int64_t>(0, deadline_ms - core::unix_time_ms() + 1);
  block_timer_.expires_after(std::chrono::milliseconds(wait_ms));
  block_timer_.async_wait([weak = weak_from_this(), generation = block_generation_](boost::system::error_code ec) {
    if (ec) return;
    auto self = weak.lock();
    if (!self || self->closing_ || self->block_generation_ != generation) return;
    self->instance_.unblock_client(self->state_);
  });
}

void Connection::unblocked() {
  ++block_generation_;
  block_timer_.cancel();
  output_ready();
  // Posted: the command that unblocked us finishes first, and the loop
  // serves others before our queued pipeline runs.
  asio::post(socket_.get_executor(), [self = shared_from_this()] { self->resume(); });
}

void Connection::close_after_output() {
  if (closing_) return;
  close_after_flush_ = true;
  if (out_.empty() && sending_.empty() && !writing_) return close_soon();
  if (!writing_ && !reader_busy_) wake_writer_.cancel();
}

void Connection::resume() {
  if (closing_ || state_.blocked || reader_busy_) return;  // a busy reader goes on by itself
  const Progress progress = process_input();
  if (progress == Progress::kClose) close_after_flush_ = true;
  if (progress == Progress::kFlushAndContinue) resume_after_flush_ = true;
  if (out_.empty() && close_after_flush_) return close_soon();
  if (!writing_) wake_writer_.cancel();
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
    if (state_.blocked) return Progress::kBlocked;
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

asio::awaitable<bool> Connection::flush() {
  boost::system::error_code ec;
  while (!out_.empty() && !closing_) {
    sending_.swap(out_);
    writing_ = true;
    co_await asio::async_write(socket_, asio::buffer(sending_), asio::redirect_error(asio::use_awaitable, ec));
    writing_ = false;
    if (ec) co_return false;
    instance_.stats.net_output_bytes += sending_.size();
    ++instance_.stats.total_writes_processed;
    sending_.clear();
    if (sending_.capacity() > kKeepOutputCapacity) std::string().swap(sending_);
  }
  soft_limit_since_ms_ = 0;
  co_return !closing_;
}

// Sends output that arrives while the reader waits for input: messages,
// served blocked commands, and the replies of a pipeline resumed after an
// unblock. Woken by cancelling wake_writer_.
asio::awaitable<void> Connection::write_loop() {
  boost::system::error_code ec;
  while (!closing_) {
    wake_writer_.expires_at(asio::steady_timer::time_point::max());
    co_await wake_writer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (closing_) break;
    if (writing_ || reader_busy_) continue;  // the reader's flush takes it
    const bool written = co_await flush();
    drained_.cancel();
    if (!written) break;
    if (close_after_flush_) break;
    if (resume_after_flush_) {
      resume_after_flush_ = false;
      resume();
    }
  }
  close_soon();
}

asio::awaitable<void> Connection::run() {
  asio::co_spawn(socket_.get_executor(), write_loop(), [self = shared_from_this()](std::exception_ptr error) {
    if (!error) return;
    spdlog::warn("Client id={} writer stopped after an internal error: {}", self->state_.id, exception_text(error));
    self->close_soon();
  });
  boost::system::error_code ec;
  Progress progress = Progress::kNeedInput;
  bool need_read = true;
  while (!closing_) {
    if (need_read) {
      bool room = false, out_of_memory = false;
      try {
        room = reserve_read_space();
      } catch (const std::bad_alloc&) {
        out_of_memory = true;
      }
      if (out_of_memory) {
        // No room for the next command's bytes: say so, then close (the
        // rest of its bytes cannot be read or skipped).
        ++instance_.stats.allocation_failures;
        spdlog::warn("Closing client id={} addr={}: out of memory for its query buffer", state_.id, state_.addr);
        writer_.error("OOM out of memory reading the command");
        co_await flush();
        break;
      }
      if (!room) {
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
      ++instance_.stats.total_reads_processed;
    }
    reader_busy_ = true;
    progress = process_input();
    // A write by write_loop in flight: wait for it; its loop also takes
    // what this batch appended.
    while (writing_ && !closing_) {
      drained_.expires_at(asio::steady_timer::time_point::max());
      co_await drained_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    const bool written = co_await flush();
    reader_busy_ = false;
    if (!written || progress == Progress::kClose || close_after_flush_) break;
    // Unblocked while this batch was being written: go on with the
    // pipelined commands before reading more.
    need_read = progress == Progress::kNeedInput || (progress == Progress::kBlocked && state_.blocked);
  }
  close_soon();
}

}  // namespace arbor::net
