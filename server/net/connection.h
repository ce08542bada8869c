// One client connection. A reader coroutine reads whatever arrived, parses
// every complete command, runs each through the dispatcher and sends all
// replies of the batch in one write; it stops reading while a write is in
// flight, and a batch whose replies pass 1 MB is written before the rest of
// its commands run. A writer coroutine sends output produced outside the
// client's own batches (pub/sub messages, the reply of a blocked command
// served by another client's write), and the client is closed when that
// output passes its client-output-buffer-limit, so a client that does not
// read cannot make the server buffer without bound.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "protocol/reply_writer.h"
#include "protocol/request_parser.h"
#include "server/core/client_state.h"
#include "server/core/dispatcher.h"
#include "server/core/instance.h"
#include "server/net/asio.h"

namespace arbor::net {

class Connection : public std::enable_shared_from_this<Connection>, public core::ClientControl {
 public:
  // `unix_path`: the unix socket it came through, empty for TCP.
  Connection(stream_protocol::socket socket, const std::string& unix_path, core::Instance& instance,
             core::Dispatcher& dispatcher);
  ~Connection() override;

  // Runs until the peer leaves, a protocol error, or close_soon().
  asio::awaitable<void> run();

  void close_soon() override;
  void close_after_output() override;
  size_t query_buffer_bytes() const override { return end_ - begin_; }
  size_t query_buffer_free() const override { return capacity_ - end_; }
  size_t output_buffer_bytes() const override { return out_.size() + sending_.size(); }
  void deliver(std::string_view bytes) override;
  void reserve_output(size_t bytes) override;
  protocol::ReplyWriter& reply_writer() override { return writer_; }
  void output_ready() override;
  void block_timeout_at(int64_t deadline_ms) override;
  void unblocked() override;
  core::ClientState& state() { return state_; }

 private:
  enum class Progress : uint8_t {
    kNeedInput,         // every complete command ran; read more
    kFlushAndContinue,  // replies reached the batch limit; write, then go on parsing
    kBlocked,           // a blocking command waits; pipelined input stays queued
    kClose,             // close once the pending replies are sent
  };
  // Parses and executes the complete commands in the buffer, up to the
  // batch output limit or a command that blocks.
  Progress process_input();
  bool reserve_read_space();
  protocol::ParserLimits current_limits() const;
  // Writes everything in out_ (swapping it into sending_, so output can be
  // appended during the write). False when the write failed.
  asio::awaitable<bool> flush();
  asio::awaitable<void> write_loop();
  // After an unblock: runs the pipelined commands queued behind the
  // blocking one, unless the reader is in the middle of a batch.
  void resume();
  bool over_output_limit();

  stream_protocol::socket socket_;
  core::Instance& instance_;
  core::Dispatcher& dispatcher_;
  core::ClientState state_;
  protocol::RequestParser parser_;
  std::vector<std::string_view> args_;

  // Query buffer: bytes [begin_, end_) are received and not yet consumed.
  std::unique_ptr<char[]> buffer_;
  size_t capacity_ = 0;
  size_t begin_ = 0;
  size_t end_ = 0;

  std::string out_;      // replies and messages not yet handed to the socket
  std::string sending_;  // the write in flight
  protocol::ReplyWriter writer_;
  bool closing_ = false;
  bool writing_ = false;        // a write is in flight
  bool reader_busy_ = false;    // the reader is between a read and its flush
  bool close_after_flush_ = false;
  bool resume_after_flush_ = false;
  int64_t soft_limit_since_ms_ = 0;
  uint64_t block_generation_ = 0;  // tells a stale timeout from the current one
  asio::steady_timer wake_writer_;  // cancelled to wake write_loop
  asio::steady_timer drained_;      // cancelled when write_loop finished a flush
  asio::steady_timer block_timer_;
};

// The peers protected mode lets in when no password is set: exactly
// 127.0.0.1 and ::1, as Redis compares the peer's address text (so not
// 127.0.0.2, nor IPv4-mapped ::ffff:127.0.0.1).
bool protected_mode_admits(const asio::ip::address& address);

}  // namespace arbor::net
