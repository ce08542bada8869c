// One client's session without any I/O: the query buffer, the parser, the
// dispatch of complete commands, the output waiting to be written, and the
// states that decide when to read, run and write (blocked, paused,
// subscribed, closing). The socket code is a thin adapter (net/connection)
// that asks the session what to do and reports what happened:
//
//   wants_read()   -> read into input_space(), then received(n)
//   has_output()   -> write output(), then written()
//   has_pending()  -> run_pending() (a pipeline to resume after an unblock,
//                     or a batch that stopped at the output limit)
//   finished()     -> stop; the socket is closed
//
// Events from elsewhere (another client's PUBLISH, an unblock, CLIENT KILL)
// reach the session through core::ClientControl, which it implements; it
// then calls Transport::wake() so the adapter looks again, or
// Transport::shut() to drop the socket. Interleavings of pipelining,
// blocking, pub/sub, tracking and pause are unit-tested on this class with
// byte strings (tests/unit/session).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/reply_writer.h"
#include "protocol/request_parser.h"
#include "server/core/client_state.h"
#include "server/core/dispatcher.h"
#include "server/core/instance.h"

namespace arbor::session {

// What the session asks of its transport outside the transport's own calls.
// None of them calls back into the session.
class Transport {
 public:
  virtual ~Transport() = default;
  // Something changed (output waits, a pipeline may resume, the client is
  // finished): look at the session again soon.
  virtual void wake() = 0;
  // Close the socket now: the client is finished and nothing more is sent.
  virtual void shut() = 0;
  // Call timer_fired(generation) at `deadline_ms` (unix ms); a new call
  // replaces the previous timer, deadline 0 cancels it.
  virtual void arm_timer(int64_t deadline_ms, uint64_t generation) = 0;
};

// Who the peer is, as the listener saw it.
struct Peer {
  int fd = -1;
  std::string addr;   // "ip:port", "[ip6]:port" or "<path>:0"
  std::string laddr;  // the local end, same format
  bool unix_socket = false;
};

class ClientSession : public core::ClientControl {
 public:
  ClientSession(core::Instance& instance, core::Dispatcher& dispatcher, const Peer& peer, Transport& transport);
  ~ClientSession() override;
  ClientSession(const ClientSession&) = delete;
  ClientSession& operator=(const ClientSession&) = delete;

  // -- Input ---------------------------------------------------------------
  // True when the transport should read: not closing, no command running,
  // nothing of ours waiting to be written (a client that does not read its
  // replies is not read from), and no pipeline waiting to resume. A blocked
  // client is read from: its commands queue, and a closed peer is seen.
  bool wants_read() const;
  // Room for the next read. Empty when the client must go: it passed
  // client-query-buffer-limit (closed now) or there was no memory for the
  // buffer (an error reply queued, closed once written).
  std::span<char> input_space();
  // `n` bytes were read into input_space(): runs every complete command.
  void received(size_t n);
  // The peer closed, or a read or write failed.
  void peer_closed() { close_soon(); }

  // -- Output --------------------------------------------------------------
  // True when there are bytes to write and no command is running (a busy
  // script lets the loop run other handlers; its reply is not complete).
  bool has_output() const { return !closing_ && processing_ == 0 && (!sending_.empty() || !out_.empty()); }
  // The bytes to write now; stable until written().
  std::string_view output();
  // The whole of output() was written.
  void written();

  // -- Deferred work -------------------------------------------------------
  // A pipeline queued behind a blocked or paused command can run again, or
  // a batch that stopped at the output limit can go on.
  bool has_pending() const {
    return !closing_ && processing_ == 0 && resume_wanted_ && out_.size() < kBatchOutputLimit;
  }
  void run_pending();
  void timer_fired(uint64_t generation);

  bool finished() const { return closing_; }
  core::ClientState& state() { return state_; }

  // -- core::ClientControl -------------------------------------------------
  void close_soon() override;
  void close_after_output() override;
  bool closing() const override { return closing_; }
  size_t query_buffer_bytes() const override { return end_ - begin_; }
  size_t query_buffer_free() const override { return capacity_ - end_; }
  size_t output_buffer_bytes() const override { return out_.size() + sending_.size(); }
  size_t output_peak(int64_t now_ms) const override {
    return now_ms - peak_since_ms_ < kPeakWindowMs ? output_peak_ : 0;
  }
  void deliver(std::string_view bytes) override;
  void reserve_output(size_t bytes) override;
  protocol::ReplyWriter& reply_writer() override { return writer_; }
  void output_ready() override;
  void block_timeout_at(int64_t deadline_ms) override;
  void unblocked() override;
  void rerun() override;

  // A batch stops running commands once its replies reach this many bytes:
  // they are written first, so a pipeline of big replies costs bounded
  // memory and other clients get the loop between slices.
  static constexpr size_t kBatchOutputLimit = 1024 * 1024;
  static constexpr int64_t kPeakWindowMs = 5000;

 private:
  // Runs complete commands until input runs out, the client blocks, the
  // batch limit is reached or the client is closing.
  void process();
  // Tells maxmemory-clients what this client holds now (it may be closed).
  void report_memory();
  void rerun_postponed();
  void execute(std::span<const std::string_view> args);
  bool reserve_read_space();
  protocol::ParserLimits current_limits() const;
  bool over_output_limit();

  core::Instance& instance_;
  core::Dispatcher& dispatcher_;
  Transport& transport_;
  core::ClientState state_;
  protocol::RequestParser parser_;
  std::vector<std::string_view> args_;

  // Query buffer: bytes [begin_, end_) are received and not yet consumed.
  std::unique_ptr<char[]> buffer_;
  size_t capacity_ = 0;
  size_t begin_ = 0;
  size_t end_ = 0;

  std::string out_;      // replies and messages not yet handed to the transport
  std::string sending_;  // handed to the transport by output(), not yet written
  protocol::ReplyWriter writer_;
  int processing_ = 0;          // inside process() (a busy script may poll the loop)
  bool closing_ = false;
  bool close_after_flush_ = false;
  bool resume_wanted_ = false;  // run_pending() has commands to run
  int64_t soft_limit_since_ms_ = 0;
  size_t output_peak_ = 0;  // see output_peak(); its window started at peak_since_ms_
  int64_t peak_since_ms_ = 0;
  uint64_t block_generation_ = 0;  // tells a stale timeout from the current one
};

}  // namespace arbor::session
