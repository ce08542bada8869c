// A ClientControl for in-process tests: it only collects what is delivered
// to the client (pub/sub messages, keyspace events, invalidations).
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include "protocol/reply_writer.h"
#include "server/core/client_state.h"

namespace arbor::testing {

class CollectingControl : public core::ClientControl {
 public:
  void close_soon() override {}
  size_t query_buffer_bytes() const override { return 0; }
  size_t output_buffer_bytes() const override { return 0; }
  void deliver(std::string_view bytes) override { delivered.append(bytes); }
  protocol::ReplyWriter& reply_writer() override { return writer_; }
  void output_ready() override {}
  void block_timeout_at(int64_t) override {}
  void unblocked() override {}
  // What was delivered since the last take().
  std::string take() { return std::exchange(delivered, {}); }

  std::string delivered;

 private:
  std::string replies_;
  protocol::ReplyWriter writer_{replies_, 2};
};

}  // namespace arbor::testing
