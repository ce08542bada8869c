// Server-assisted client-side caching (CLIENT TRACKING), as Redis's
// tracking.c: the table of keys each tracking client has read, the BCAST
// prefixes with the keys changed under them since the last broadcast, and
// the invalidation messages (RESP3 push frames, or RESP2 pub/sub messages on
// __redis__:invalidate to a redirect client). Keys are global across
// databases, as Redis's. Loop thread only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "server/core/client_state.h"
#include "server/core/string_hash.h"

namespace arbor::core {

class Tracking {
 public:
  // `find_client`: a connected client by id, or nullptr.
  explicit Tracking(std::function<ClientState*(uint64_t)> find_client) : find_client_(std::move(find_client)) {}

  struct Options {
    uint64_t redirect = 0;
    bool bcast = false, optin = false, optout = false, noloop = false;
  };
  // The CLIENT TRACKING ON checks, in Redis's order, against the client's
  // current mode: the error text, or empty when it may be enabled.
  static std::string check_enable(const ClientState& client, const Options& options,
                                  std::span<const std::string_view> prefixes);
  void enable(ClientState& client, const Options& options, std::span<const std::string_view> prefixes);
  // CLIENT TRACKING OFF, RESET, a client going away. Its ids stay in the
  // table and are dropped lazily when their keys are invalidated.
  void disable(ClientState& client);

  // After a read-only command of a tracking client (not BCAST): its keys
  // may now be cached by that client. OPTIN/OPTOUT decide with CACHING.
  void remember_keys(ClientState& client, std::span<const std::string_view> keys);
  // A key changed (Redis's trackingInvalidateKey): the clients that may
  // cache it are told, except a NOLOOP client whose command is running
  // (`modifier`; null in timers). With `bcast`, the key is also kept for
  // broadcast(), as changed by `modifier` unless `changed_by_modifier` is
  // false (expiry and eviction: Redis reports those to NOLOOP BCAST
  // clients too).
  void invalidate_key(std::string_view key, const ClientState* modifier, bool bcast = true,
                      bool changed_by_modifier = true);
  // FLUSHALL / FLUSHDB / SWAPDB: every tracking client gets a null
  // invalidation ("everything"), and the table is emptied.
  void invalidate_all(const std::vector<ClientState*>& clients);
  // Sends BCAST clients the keys changed under their prefixes since the last
  // call, one message per prefix (Redis does this before sleeping).
  void broadcast();
  // Set by net/: called when a key is first kept for broadcast(), to run it
  // once the loop's current work (a batch of pipelined commands) is done.
  std::function<void()> schedule_broadcast;
  // tracking-table-max-keys: past the limit, random keys are invalidated
  // as if changed, with more effort each call that could not get under it.
  void limit_table(size_t max_keys);

  bool active() const { return !table_.empty() || !prefixes_.empty() || clients_ > 0; }
  size_t clients() const { return clients_; }
  size_t total_keys() const { return table_.size(); }
  size_t total_items() const { return total_items_; }
  size_t total_prefixes() const { return prefixes_.size(); }

 private:
  struct Broadcast {
    std::vector<ClientState*> clients;
    // Keys changed since the last broadcast, each with the id of the client
    // that last changed it (0: none), for NOLOOP.
    std::map<std::string, uint64_t, std::less<>> keys;
  };
  // Sends one invalidation for `client` whose payload is `keys` (a RESP
  // array or null), to it or to its redirect client.
  void send(ClientState& client, std::string_view keys);
  // The client to deliver to is running a command: the message follows its
  // reply instead of preceding it.
  static void deliver(ClientState& receiver, std::string_view bytes);

  std::function<ClientState*(uint64_t)> find_client_;
  std::unordered_map<std::string, std::vector<uint64_t>, StringHash, std::equal_to<>> table_;
  size_t total_items_ = 0;
  size_t clients_ = 0;
  std::map<std::string, Broadcast, std::less<>> prefixes_;
  bool broadcast_pending_ = false;             // some prefix has changed keys
  unsigned limit_rounds_ = 0;                  // limit_table calls still over the limit
  std::string scratch_;
};

}  // namespace arbor::core
