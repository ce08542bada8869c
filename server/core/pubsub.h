// Pub/Sub registry: which clients listen on which channels and patterns, and
// delivery of a message to all of them. Messages are rendered once per
// protocol version and appended to each receiver's output through
// ClientControl, so one PUBLISH to 10,000 subscribers formats twice.
// Loop thread only.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "server/core/client_state.h"
#include "server/core/string_hash.h"

namespace arbor::core {

class PubSub {
 public:
  // True when the client was not yet subscribed to it.
  bool subscribe(ClientState& client, std::string_view channel);
  bool unsubscribe(ClientState& client, std::string_view channel);
  bool psubscribe(ClientState& client, std::string_view pattern);
  bool punsubscribe(ClientState& client, std::string_view pattern);
  // Drops every subscription of a client that goes away (or RESET).
  void remove_client(ClientState& client);

  // Sends `message` to the channel's subscribers and to every client whose
  // pattern matches; returns how many receivers it reached (PUBLISH's reply).
  size_t publish(std::string_view channel, std::string_view message);

  size_t channel_count() const { return channels_.size(); }
  size_t pattern_count() const { return patterns_.size(); }
  // Channels with at least one subscriber matching `pattern` (all when empty).
  std::vector<std::string> channels(std::string_view pattern) const;
  size_t subscribers(std::string_view channel) const;

 private:
  using Registry = std::unordered_map<std::string, std::vector<ClientState*>, StringHash, std::equal_to<>>;
  static bool add(Registry& registry, std::string_view name, ClientState& client);
  static bool remove(Registry& registry, std::string_view name, ClientState& client);

  Registry channels_;
  Registry patterns_;
  // Scratch for rendering one message in both protocol versions.
  std::string resp2_, resp3_;
};

}  // namespace arbor::core
