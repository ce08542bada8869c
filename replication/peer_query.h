// Asking another node a question over a short connection, as the seeder
// and a promoted replica's catch-up do: an address parsed from "host:port",
// an idle watch that closes a connection to a stopped node, and INFO read
// with masterauth when one is configured. Loop thread only.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "replication/peer_connection.h"

namespace arbor::replication {

// "host:port" ("[::1]:port" too); false when it is not one.
bool parse_address(const std::string& address, std::string& host, int& port);
// A connection to `address`, not yet connected; null when it does not parse.
std::shared_ptr<PeerConnection> peer_for(asio::io_context& io, const std::string& address, std::string role);

// A connection in use: listed in `open` (so its owner's stop() reaches it)
// and closed once it has been silent for `idle_ms` (a node that is stopped,
// a transfer that stalled); closed, unlisted and unwatched when this goes
// away. `what` names the owner in the log line.
class WatchedPeer {
 public:
  WatchedPeer(asio::io_context& io, std::shared_ptr<PeerConnection> peer, int64_t idle_ms,
              std::vector<std::shared_ptr<PeerConnection>>& open, std::string what);
  ~WatchedPeer();
  WatchedPeer(const WatchedPeer&) = delete;
  WatchedPeer& operator=(const WatchedPeer&) = delete;

  PeerConnection& operator*() const { return *peer_; }
  PeerConnection* operator->() const { return peer_.get(); }

 private:
  std::shared_ptr<PeerConnection> peer_;
  std::shared_ptr<bool> done_;
  std::vector<std::shared_ptr<PeerConnection>>& open_;
};

// Connects and reads `INFO <sections>` (space-separated; AUTH first with
// masterauth); false when the node could not be reached, refused or did not
// answer. `connected` tells a node that accepted the connection from one
// that refused it. `prelude`, an encoded command sent before INFO, gets a
// one-line reply that is read and ignored (a Redis node may not know it).
asio::awaitable<bool> fetch_info(PeerConnection& peer, const core::Settings& settings,
                                 std::string sections, std::string& info, bool& connected,
                                 std::string prelude = {});
// Whether the node answers PING (any reply) within `limit_ms`.
asio::awaitable<bool> answers_ping(asio::io_context& io, const std::string& host, int port, int64_t limit_ms);

}  // namespace arbor::replication
