// One client connection: a coroutine that reads whatever arrived, parses
// every complete command, runs each through the dispatcher and sends all
// replies of the batch in one write. It stops reading while a write is in
// flight, and a batch whose replies pass 1 MB is written before the rest of
// its commands run, so a client that does not read cannot make the server
// buffer without bound.
#pragma once

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
  Connection(tcp::socket socket, core::Instance& instance, core::Dispatcher& dispatcher);
  ~Connection() override;

  // Runs until the peer leaves, a protocol error, or close_soon().
  asio::awaitable<void> run();

  void close_soon() override;
  size_t query_buffer_bytes() const override { return end_ - begin_; }
  size_t output_buffer_bytes() const override { return out_.size(); }
  core::ClientState& state() { return state_; }

 private:
  enum class Progress : uint8_t {
    kNeedInput,         // every complete command ran; read more
    kFlushAndContinue,  // replies reached the batch limit; write, then go on parsing
    kClose,             // close once the pending replies are sent
  };
  // Parses and executes the complete commands in the buffer, up to the
  // batch output limit.
  Progress process_input();
  bool reserve_read_space();
  protocol::ParserLimits current_limits() const;

  tcp::socket socket_;
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

  std::string out_;
  protocol::ReplyWriter writer_;
  bool closing_ = false;
};

// True for 127.0.0.0/8, ::1 and IPv4-mapped loopback: the peers protected
// mode lets in when no password is set.
bool is_loopback(const asio::ip::address& address);

}  // namespace arbor::net
