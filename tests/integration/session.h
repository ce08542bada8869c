// A RESP session over a raw socket for tests that need what hiredis 0.14
// cannot give: RESP3 replies, push frames, and replies that arrive later
// (pub/sub messages, blocked commands). Replies are rendered with
// Reply::to_string(): "OK" for simple and bulk strings, 42, nil, [a, b],
// >[push], {map}, (error "...").
#pragma once

#include <string>
#include <vector>

#include "tests/integration/server_fixture.h"

namespace arbor::test {

class Session {
 public:
  explicit Session(uint16_t port) : conn_(port) {}
  bool connected() const { return conn_.connected(); }
  // Sends one command without waiting for its reply.
  bool send(const std::vector<std::string>& args) { return conn_.send(encode_command(args)); }
  // The next reply (or message) as text; "(none)" if nothing whole arrives in time.
  std::string next(milliseconds timeout = milliseconds(5000)) {
    auto reply = conn_.read_reply(timeout);
    return reply ? reply->to_string() : "(none)";
  }
  std::string call(const std::vector<std::string>& args) {
    send(args);
    return next();
  }
  bool wait_closed(milliseconds timeout) { return conn_.wait_closed(timeout); }
  RawConnection& raw() { return conn_; }

 private:
  RawConnection conn_;
};

}  // namespace arbor::test
