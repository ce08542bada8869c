// Pub/Sub registry and message delivery.
#include "server/core/pubsub.h"

#include <algorithm>

#include "protocol/reply_writer.h"
#include "server/core/glob.h"

namespace arbor::core {
namespace {

// [kind, channel, payload] ("message", "smessage") or ["pmessage", pattern,
// channel, payload]: an array in RESP2, a push frame in RESP3.
void render(std::string& out, int resp, std::string_view pattern, std::string_view channel,
            std::string_view message, std::string_view kind = "message") {
  out.clear();
  protocol::ReplyWriter writer(out, resp);
  const size_t count = pattern.empty() ? 3 : 4;
  writer.push(count);
  writer.bulk(pattern.empty() ? kind : "pmessage");
  if (!pattern.empty()) writer.bulk(pattern);
  writer.bulk(channel);
  writer.bulk(message);
}

void deliver(ClientState& client, const std::string& resp2, const std::string& resp3) {
  if (client.control != nullptr) client.control->deliver(client.resp >= 3 ? resp3 : resp2);
}

}  // namespace

bool PubSub::add(Registry& registry, std::string_view name, ClientState& client) {
  auto it = registry.find(name);
  if (it == registry.end()) it = registry.emplace(std::string(name), std::vector<ClientState*>{}).first;
  it->second.push_back(&client);
  return true;
}

bool PubSub::remove(Registry& registry, std::string_view name, ClientState& client) {
  auto it = registry.find(name);
  if (it == registry.end()) return false;
  auto& clients = it->second;
  auto found = std::find(clients.begin(), clients.end(), &client);
  if (found == clients.end()) return false;
  clients.erase(found);
  if (clients.empty()) registry.erase(it);
  return true;
}

bool PubSub::subscribe(ClientState& client, std::string_view channel) {
  if (!client.subscriptions.channels.emplace(channel).second) return false;
  return add(channels_, channel, client);
}

bool PubSub::unsubscribe(ClientState& client, std::string_view channel) {
  auto it = client.subscriptions.channels.find(channel);
  if (it == client.subscriptions.channels.end()) return false;
  client.subscriptions.channels.erase(it);
  return remove(channels_, channel, client);
}

bool PubSub::psubscribe(ClientState& client, std::string_view pattern) {
  if (!client.subscriptions.patterns.emplace(pattern).second) return false;
  return add(patterns_, pattern, client);
}

bool PubSub::punsubscribe(ClientState& client, std::string_view pattern) {
  auto it = client.subscriptions.patterns.find(pattern);
  if (it == client.subscriptions.patterns.end()) return false;
  client.subscriptions.patterns.erase(it);
  return remove(patterns_, pattern, client);
}

bool PubSub::ssubscribe(ClientState& client, std::string_view channel) {
  if (!client.subscriptions.shard_channels.emplace(channel).second) return false;
  return add(shard_channels_, channel, client);
}

bool PubSub::sunsubscribe(ClientState& client, std::string_view channel) {
  auto it = client.subscriptions.shard_channels.find(channel);
  if (it == client.subscriptions.shard_channels.end()) return false;
  client.subscriptions.shard_channels.erase(it);
  return remove(shard_channels_, channel, client);
}

void PubSub::remove_client(ClientState& client) {
  for (const std::string& channel : client.subscriptions.channels) remove(channels_, channel, client);
  for (const std::string& pattern : client.subscriptions.patterns) remove(patterns_, pattern, client);
  for (const std::string& channel : client.subscriptions.shard_channels) remove(shard_channels_, channel, client);
  client.subscriptions.channels.clear();
  client.subscriptions.patterns.clear();
  client.subscriptions.shard_channels.clear();
}

size_t PubSub::publish(std::string_view channel, std::string_view message) {
  size_t receivers = 0;
  if (auto it = channels_.find(channel); it != channels_.end()) {
    render(resp2_, 2, {}, channel, message);
    render(resp3_, 3, {}, channel, message);
    // A receiver's delivery cannot unsubscribe anyone (an over-limit client
    // is closed later, from the loop), so iterating in place is safe.
    for (ClientState* client : it->second) deliver(*client, resp2_, resp3_);
    receivers += it->second.size();
  }
  for (const auto& [pattern, clients] : patterns_) {
    if (!glob_match(pattern, channel, false)) continue;
    render(resp2_, 2, pattern, channel, message);
    render(resp3_, 3, pattern, channel, message);
    for (ClientState* client : clients) deliver(*client, resp2_, resp3_);
    receivers += clients.size();
  }
  return receivers;
}

size_t PubSub::spublish(std::string_view channel, std::string_view message) {
  auto it = shard_channels_.find(channel);
  if (it == shard_channels_.end()) return 0;
  render(resp2_, 2, {}, channel, message, "smessage");
  render(resp3_, 3, {}, channel, message, "smessage");
  for (ClientState* client : it->second) deliver(*client, resp2_, resp3_);
  return it->second.size();
}

std::vector<std::string> PubSub::names(const Registry& registry, std::string_view pattern) {
  std::vector<std::string> out;
  for (const auto& [name, clients] : registry)
    if (pattern.empty() || glob_match(pattern, name, false)) out.push_back(name);
  return out;
}

size_t PubSub::count_in(const Registry& registry, std::string_view name) {
  auto it = registry.find(name);
  return it == registry.end() ? 0 : it->second.size();
}

std::vector<std::string> PubSub::channels(std::string_view pattern) const { return names(channels_, pattern); }
size_t PubSub::subscribers(std::string_view channel) const { return count_in(channels_, channel); }
std::vector<std::string> PubSub::shard_channels(std::string_view pattern) const {
  return names(shard_channels_, pattern);
}
size_t PubSub::shard_subscribers(std::string_view channel) const { return count_in(shard_channels_, channel); }

}  // namespace arbor::core
