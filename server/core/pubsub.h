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
  // Shard channels (SSUBSCRIBE, SPUBLISH): a namespace of their own, which
  // patterns do not match. Without a cluster every channel is local.
  bool ssubscribe(ClientState& client, std::string_view channel);
  bool sunsubscribe(ClientState& client, std::string_view channel);
  // Drops every subscription of a client that goes away (or RESET).
  void remove_client(ClientState& client);

  // Sends `message` to the channel's subscribers and to every client whose
  // pattern matches; returns how many receivers it reached (PUBLISH's reply).
  size_t publish(std::string_view channel, std::string_view message);
  // SPUBLISH: to the shard channel's subscribers, as "smessage".
  size_t spublish(std::string_view channel, std::string_view message);

  size_t channel_count() const { return channels_.size(); }
  size_t pattern_count() const { return patterns_.size(); }
  // Channels with at least one subscriber matching `pattern` (all when empty).
  std::vector<std::string> channels(std::string_view pattern) const;
  size_t subscribers(std::string_view channel) const;
  size_t shard_channel_count() const { return shard_channels_.size(); }
  std::vector<std::string> shard_channels(std::string_view pattern) const;
  size_t shard_subscribers(std::string_view channel) const;

 private:
  using Registry = std::unordered_map<std::string, std::vector<ClientState*>, StringHash, std::equal_to<>>;
  static bool add(Registry& registry, std::string_view name, ClientState& client);
  static bool remove(Registry& registry, std::string_view name, ClientState& client);

  static std::vector<std::string> names(const Registry& registry, std::string_view pattern);
  static size_t count_in(const Registry& registry, std::string_view name);

  Registry channels_;
  Registry patterns_;
  Registry shard_channels_;
  // Scratch for rendering one message in both protocol versions.
  std::string resp2_, resp3_;
};

}  // namespace arbor::core
