// Client-side caching: the key table, BCAST prefixes and invalidation
// messages (see tracking.h).
#include "server/core/tracking.h"

#include <algorithm>

#include "protocol/reply_writer.h"
#include "server/core/random.h"

namespace arbor::core {
namespace {

// Two prefixes collide when one starts the other: both would report a key.
bool overlaps(std::string_view a, std::string_view b) {
  const size_t n = std::min(a.size(), b.size());
  return a.substr(0, n) == b.substr(0, n);
}

void append_bulk(std::string& out, std::string_view text) {
  out += '$';
  out += std::to_string(text.size());
  out += "\r\n";
  out.append(text);
  out += "\r\n";
}

}  // namespace

std::string Tracking::check_enable(const ClientState& client, const Options& options,
                                   std::span<const std::string_view> prefixes) {
  const TrackingState& now = client.tracking;
  if (!options.bcast && !prefixes.empty()) return "ERR PREFIX option requires BCAST mode to be enabled";
  if (now.on && now.bcast != options.bcast)
    return "ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then "
           "re-enabling it with a different mode.";
  if (options.bcast && (options.optin || options.optout)) return "ERR OPTIN and OPTOUT are not compatible with BCAST";
  if (options.optin && options.optout) return "ERR You can't specify both OPTIN mode and OPTOUT mode";
  if ((options.optin && now.optout) || (options.optout && now.optin))
    return "ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then "
           "re-enabling it with a different mode.";
  if (!options.bcast) return {};
  for (size_t i = 0; i < prefixes.size(); ++i) {
    for (const std::string& existing : now.prefixes) {
      if (overlaps(existing, prefixes[i]))
        return "ERR Prefix '" + std::string(prefixes[i]) + "' overlaps with an existing prefix '" + existing +
               "'. Prefixes for a single client must not overlap.";
    }
    for (size_t j = i + 1; j < prefixes.size(); ++j) {
      if (overlaps(prefixes[i], prefixes[j]))
        return "ERR Prefix '" + std::string(prefixes[i]) + "' overlaps with another provided prefix '" +
               std::string(prefixes[j]) + "'. Prefixes for a single client must not overlap.";
    }
  }
  return {};
}

void Tracking::enable(ClientState& client, const Options& options, std::span<const std::string_view> prefixes) {
  TrackingState& state = client.tracking;
  if (!state.on) ++clients_;
  state.on = true;
  state.broken_redirect = state.optin = state.optout = state.noloop = false;
  state.redirect = options.redirect;
  if (options.bcast) {
    state.bcast = true;
    auto subscribe = [&](std::string_view prefix) {
      auto it = prefixes_.find(prefix);
      if (it == prefixes_.end()) it = prefixes_.emplace(std::string(prefix), Broadcast{}).first;
      auto& clients = it->second.clients;
      if (std::find(clients.begin(), clients.end(), &client) != clients.end()) return;
      clients.push_back(&client);
      state.prefixes.insert(std::upper_bound(state.prefixes.begin(), state.prefixes.end(), prefix),
                            std::string(prefix));
    };
    if (prefixes.empty()) subscribe("");
    for (std::string_view prefix : prefixes) subscribe(prefix);
  }
  state.optin = options.optin;
  state.optout = options.optout;
  state.noloop = options.noloop;
}

void Tracking::disable(ClientState& client) {
  TrackingState& state = client.tracking;
  for (const std::string& prefix : state.prefixes) {
    auto it = prefixes_.find(prefix);
    if (it == prefixes_.end()) continue;
    std::erase(it->second.clients, &client);
    if (it->second.clients.empty()) prefixes_.erase(it);
  }
  if (state.on) --clients_;
  state = TrackingState{};
}

void Tracking::remember_keys(ClientState& client, std::span<const std::string_view> keys) {
  const TrackingState& state = client.tracking;
  if ((state.optin && !state.caching) || (state.optout && state.caching)) return;
  for (std::string_view key : keys) {
    auto it = table_.find(key);
    if (it == table_.end()) it = table_.emplace(std::string(key), std::vector<uint64_t>{}).first;
    auto& ids = it->second;
    if (std::find(ids.begin(), ids.end(), client.id) != ids.end()) continue;
    ids.push_back(client.id);
    ++total_items_;
  }
}

void Tracking::deliver(ClientState& receiver, std::string_view bytes) {
  if (receiver.control == nullptr) return;
  // Redis's tracking_pending_keys: an invalidation caused by the receiver's
  // own command is sent after that command's (or transaction's) reply.
  if (receiver.executing > 0) {
    receiver.deferred_output.append(bytes);
    return;
  }
  receiver.control->deliver(bytes);
}

void Tracking::send(ClientState& client, std::string_view keys) {
  ClientState* receiver = &client;
  const bool redirected = client.tracking.redirect != 0;
  if (redirected) {
    receiver = find_client_(client.tracking.redirect);
    if (receiver == nullptr) {
      // The original connection learns it misses invalidations (RESP3 only).
      client.tracking.broken_redirect = true;
      if (client.resp >= 3) {
        scratch_ = ">2\r\n";
        append_bulk(scratch_, "tracking-redir-broken");
        scratch_ += ':' + std::to_string(client.tracking.redirect) + "\r\n";
        deliver(client, scratch_);
      }
      return;
    }
  }
  if (receiver->resp >= 3) {
    scratch_ = ">2\r\n$10\r\ninvalidate\r\n";
  } else if (redirected && receiver->subscriptions.count() > 0) {
    // RESP2 has no push frames: a redirect client in pub/sub mode gets a
    // message on __redis__:invalidate instead.
    scratch_ = "*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n";
  } else {
    return;  // a RESP2 connection cannot be told
  }
  scratch_.append(keys);
  deliver(*receiver, scratch_);
}

void Tracking::invalidate_key(std::string_view key, const ClientState* modifier, bool bcast,
                              bool changed_by_modifier) {
  if (bcast && !prefixes_.empty()) {
    const uint64_t by = modifier != nullptr && changed_by_modifier ? modifier->id : 0;
    for (auto& [prefix, broadcast] : prefixes_) {
      if (!key.starts_with(prefix)) continue;
      broadcast.keys.insert_or_assign(std::string(key), by);
      if (!broadcast_pending_ && schedule_broadcast) schedule_broadcast();
      broadcast_pending_ = true;
    }
  }
  auto it = table_.find(key);
  if (it == table_.end()) return;
  // Taken out first: a delivery may close a client, never touch the table.
  const std::vector<uint64_t> ids = std::move(it->second);
  table_.erase(it);
  total_items_ -= ids.size();
  std::string payload = "*1\r\n";
  append_bulk(payload, key);
  for (uint64_t id : ids) {
    ClientState* target = find_client_(id);
    // A client that turned tracking off, or switched to BCAST since, is not
    // told of keys it read before.
    if (target == nullptr || !target->tracking.on || target->tracking.bcast) continue;
    if (target->tracking.noloop && target == modifier) continue;
    send(*target, payload);
  }
}

void Tracking::invalidate_all(const std::vector<ClientState*>& clients) {
  if (clients_ > 0) {
    const std::vector<ClientState*> targets = clients;
    for (ClientState* client : targets) {
      if (client->tracking.on) send(*client, client->resp >= 3 ? "_\r\n" : "$-1\r\n");
    }
  }
  table_ = {};  // its memory goes too, as Redis frees the table
  total_items_ = 0;
}

void Tracking::broadcast() {
  if (!broadcast_pending_) return;
  broadcast_pending_ = false;
  std::string all, own;
  auto render = [](std::string& out, const std::map<std::string, uint64_t, std::less<>>& keys, uint64_t skip) {
    size_t count = 0;
    for (const auto& [key, by] : keys) count += skip == 0 || by != skip;
    out = "*" + std::to_string(count) + "\r\n";
    for (const auto& [key, by] : keys) {
      if (skip == 0 || by != skip) append_bulk(out, key);
    }
    return count;
  };
  for (auto& [prefix, state] : prefixes_) {
    if (state.keys.empty()) continue;
    render(all, state.keys, 0);
    const std::vector<ClientState*> clients = state.clients;
    for (ClientState* client : clients) {
      if (client->tracking.noloop) {
        // Without the keys this client changed itself; nothing if none is left.
        if (render(own, state.keys, client->id) > 0) send(*client, own);
      } else {
        send(*client, all);
      }
    }
    state.keys.clear();
  }
}

void Tracking::limit_table(size_t max_keys) {
  if (max_keys == 0 || table_.size() <= max_keys) {
    limit_rounds_ = 0;
    return;
  }
  // As Redis: the effort grows with each call that stayed over the limit.
  size_t effort = 100 * (limit_rounds_ + 1);
  while (effort-- > 0 && !table_.empty()) {
    // A random bucket, then the first key from there on.
    const size_t buckets = table_.bucket_count();
    size_t bucket = random_u64() % buckets;
    while (table_.bucket_size(bucket) == 0) bucket = (bucket + 1) % buckets;
    const std::string key = table_.begin(bucket)->first;
    invalidate_key(key, nullptr, false);
    if (table_.size() <= max_keys) {
      limit_rounds_ = 0;
      return;
    }
  }
  ++limit_rounds_;
}

}  // namespace arbor::core
