// ClientSession: parse, dispatch, hold output; the transport does the I/O.
#include "server/session/client_session.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstring>
#include <optional>

#include "protocol/errors.h"

namespace arbor::session {
namespace {

constexpr size_t kInitialBuffer = 16 * 1024;
constexpr size_t kReadChunk = 16 * 1024;
constexpr size_t kKeepInputCapacity = 256 * 1024;
// Replies above this are released after the write, so one huge reply does
// not pin its memory for the life of the connection.
constexpr size_t kKeepOutputCapacity = 64 * 1024;

}  // namespace

ClientSession::ClientSession(core::Instance& instance, core::Dispatcher& dispatcher, const Peer& peer,
                             Transport& transport)
    : instance_(instance), dispatcher_(dispatcher), transport_(transport), writer_(out_) {
  state_.id = instance_.next_client_id();
  state_.fd = peer.fd;
  state_.addr = peer.addr;
  state_.laddr = peer.laddr;
  state_.is_unix_socket = peer.unix_socket;
  state_.created_ms = state_.last_interaction_ms = core::unix_time_ms();
  state_.authenticated = instance_.config.settings().requirepass.empty();
  state_.control = this;
  instance_.add_client(&state_);
  parser_.set_limits(current_limits());
}

ClientSession::~ClientSession() { instance_.remove_client(&state_); }

bool ClientSession::wants_read() const {
  // (Not while commands run: a busy script lets the loop run, and the
  // buffer must not move under the arguments being executed.)
  return !closing_ && !close_after_flush_ && !resume_wanted_ && processing_ == 0 && out_.empty() &&
         sending_.empty();
}

std::span<char> ClientSession::input_space() {
  if (closing_) return {};
  bool room = false;
  try {
    room = reserve_read_space();
  } catch (const std::bad_alloc&) {
    // No room for the next command's bytes: say so, then close (the rest
    // of its bytes can be neither read nor skipped).
    ++instance_.stats.allocation_failures;
    spdlog::warn("Closing client id={} addr={}: out of memory for its query buffer", state_.id, state_.addr);
    writer_.error("OOM out of memory reading the command");
    close_after_output();
    return {};
  }
  if (!room) {
    ++instance_.stats.client_query_buffer_limit_disconnections;
    spdlog::warn("Closing client that reached max query buffer length: id={} addr={} (qbuf={})", state_.id,
                 state_.addr, end_ - begin_);
    close_soon();
    return {};
  }
  return {buffer_.get() + end_, capacity_ - end_};
}

void ClientSession::received(size_t n) {
  if (closing_) return;  // a read that completed as the socket was shut
  end_ += n;
  instance_.stats.net_input_bytes += n;
  ++instance_.stats.total_reads_processed;
  state_.last_interaction_ms = core::unix_time_ms();  // per read, as Redis's lastinteraction
  // A read that completed while a busy script of ours lets the loop run:
  // the running batch parses these bytes itself when the script returns.
  if (processing_ > 0) return;
  report_memory();  // a big command still arriving counts (and may get us evicted)
  if (!closing_) process();
}

std::string_view ClientSession::output() {
  if (sending_.empty()) sending_.swap(out_);
  return sending_;
}

void ClientSession::written() {
  const int64_t now = core::unix_time_ms();
  if (now - peak_since_ms_ >= kPeakWindowMs) {
    output_peak_ = 0;
    peak_since_ms_ = now;
  }
  output_peak_ = std::max(output_peak_, sending_.size());
  instance_.stats.net_output_bytes += sending_.size();
  ++instance_.stats.total_writes_processed;
  sending_.clear();
  if (sending_.capacity() > kKeepOutputCapacity) std::string().swap(sending_);
  state_.last_interaction_ms = now;  // as Redis's writeToClient
  report_memory();
  if (!out_.empty()) return;  // more to write: the transport goes on
  soft_limit_since_ms_ = 0;
  if (close_after_flush_ && processing_ == 0) return close_soon();  // else process() closes at its end
  transport_.wake();  // drained: reading (or a stopped batch) may go on
}

void ClientSession::report_memory() {
  if (instance_.client_eviction.on() && !closing_)
    instance_.client_eviction.update(state_, core::client_memory(state_));
}

void ClientSession::run_pending() {
  if (has_pending()) process();
}

void ClientSession::timer_fired(uint64_t generation) {
  if (closing_ || generation != block_generation_) return;
  instance_.unblock_client(state_);
}

void ClientSession::close_soon() {
  if (closing_) return;
  closing_ = true;
  // Nothing more will be sent: give the pending output back now, unless a
  // command of ours is still writing its reply into it. (sending_ may be
  // under a write the transport is cancelling; it goes with us.)
  if (processing_ == 0) std::string().swap(out_);
  transport_.shut();
  instance_.client_eviction.update(state_, 0);
}

void ClientSession::close_after_output() {
  if (closing_) return;
  close_after_flush_ = true;
  if (out_.empty() && sending_.empty() && processing_ == 0) return close_soon();
  transport_.wake();
}

void ClientSession::deliver(std::string_view bytes) {
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
  report_memory();
}

void ClientSession::reserve_output(size_t bytes) {
  std::string& target = state_.executing > 0 ? state_.deferred_output : out_;
  target.reserve(target.size() + bytes);
}

void ClientSession::output_ready() {
  if (closing_) return;
  if (over_output_limit()) {
    ++instance_.stats.client_output_buffer_limit_disconnections;
    spdlog::warn("Client id={} addr={} closed for overcoming of output buffer limits (omem={}).", state_.id,
                 state_.addr, output_buffer_bytes());
    close_soon();
    return;
  }
  transport_.wake();
}

// client-output-buffer-limit for the client's class (pubsub while it has
// subscriptions, else normal): over `hard` at once, or over `soft` for
// `soft_seconds` in a row, as Redis's checkClientOutputBufferLimits.
bool ClientSession::over_output_limit() {
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

void ClientSession::block_timeout_at(int64_t deadline_ms) {
  ++block_generation_;
  transport_.arm_timer(deadline_ms, block_generation_);
}

void ClientSession::rerun() {
  ++block_generation_;
  transport_.arm_timer(0, block_generation_);
  resume_wanted_ = true;
  run_pending();  // (kept for the transport if its output is at the batch limit)
  output_ready();
}

void ClientSession::unblocked() {
  ++block_generation_;
  transport_.arm_timer(0, block_generation_);
  // The pipeline behind the blocked command runs from run_pending(), after
  // the command that unblocked us has finished.
  resume_wanted_ = true;
  output_ready();
}

protocol::ParserLimits ClientSession::current_limits() const {
  protocol::ParserLimits limits;
  limits.max_bulk_len = instance_.config.settings().proto_max_bulk_len;
  limits.unauthenticated = !state_.authenticated;
  return limits;
}

// Makes room for the next read: moves unconsumed bytes to the front, and
// grows the buffer when a large argument is pending, up to the query buffer
// limit. Returns false if the client passed client-query-buffer-limit.
bool ClientSession::reserve_read_space() {
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
    const size_t grown = std::max(wanted, kInitialBuffer);
    std::unique_ptr<char[]> bigger(new char[grown]);  // not zeroed
    if (end_ > begin_) std::memcpy(bigger.get(), buffer_.get() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
    buffer_ = std::move(bigger);
    capacity_ = grown;
  }
  return true;
}

void ClientSession::execute(std::span<const std::string_view> args) {
  const bool was_authenticated = state_.authenticated;
  writer_.set_resp(state_.resp);
  dispatcher_.execute(state_, args, writer_);
  if (was_authenticated != state_.authenticated) parser_.set_limits(current_limits());
}

// A command a pause postponed runs again as it arrived (it may be postponed
// once more).
void ClientSession::rerun_postponed() {
  const std::vector<std::string> args = std::move(state_.rerun_args);
  state_.rerun_args.clear();
  const std::vector<std::string_view> views(args.begin(), args.end());
  execute(views);
}

void ClientSession::process() {
  using Status = protocol::RequestParser::Status;
  resume_wanted_ = false;
  struct Processing {
    int& depth;
    explicit Processing(int& d) : depth(++d) {}
    ~Processing() { --depth; }
  };
  std::optional<Processing> processing(std::in_place, processing_);
  while (!closing_ && !close_after_flush_ && !state_.blocked) {
    if (out_.size() >= kBatchOutputLimit) {
      resume_wanted_ = true;  // goes on once this much is handed to the transport
      break;
    }
    if (!state_.rerun_args.empty()) {
      rerun_postponed();
    } else {
      const std::string_view pending(buffer_.get() + begin_, end_ - begin_);
      const auto result = parser_.parse(pending, args_);
      if (result.status == Status::kNeedMore) break;
      if (result.status == Status::kError) {
        const std::string text = protocol::parse_error_text(parser_.error(), parser_.offending_byte());
        writer_.error(text);
        spdlog::debug("Protocol error ({}) from client: id={} addr={}", text, state_.id, state_.addr);
        close_after_flush_ = true;
        break;
      }
      if (result.status == Status::kCommand) execute(args_);
      begin_ += result.consumed;
    }
    if (state_.close_after_reply) close_after_flush_ = true;
    report_memory();
  }
  processing.reset();
  if (!out_.empty() || !sending_.empty() || closing_) return;  // written() goes on from here
  if (close_after_flush_) return close_soon();
  transport_.wake();  // nothing to write: reading may go on
}

}  // namespace arbor::session
