// Clients blocked on keys (BLPOP, BZPOPMIN, XREAD BLOCK ...): per key, the
// waiting clients in arrival order, and the keys that received data since
// the last command. The dispatcher serves them after each top-level command
// by running each waiting client's command again, first come first served.
// Loop thread only.
#pragma once

#include <cstddef>
#include <list>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "server/core/client_state.h"
#include "server/core/string_hash.h"

namespace arbor::core {

class Blocking {
 public:
  size_t blocked_clients() const { return blocked_; }
  // Registers a client whose BlockedState is filled in.
  void add(ClientState& client);
  // Forgets the client's registrations and clears its BlockedState.
  void remove(ClientState& client);

  // `key` in database `db` got data (a push, ZADD, XADD, or a new key by
  // RENAME/MOVE/SWAPDB); cheap when nobody waits on it.
  void signal_ready(int db, std::string_view key);
  bool has_ready() const { return !ready_.empty(); }
  std::vector<std::pair<int, std::string>> take_ready();
  // The clients waiting on a key, oldest first (a copy: serving changes it).
  std::vector<ClientState*> waiting_on(int db, std::string_view key) const;
  // Every key somebody waits on in `db` (SWAPDB re-checks them).
  std::vector<std::string> keys_in(int db) const;

 private:
  using Queue = std::list<ClientState*>;
  using Keys = std::unordered_map<std::string, Queue, StringHash, std::equal_to<>>;
  std::unordered_map<int, Keys> by_db_;
  std::vector<std::pair<int, std::string>> ready_;
  size_t blocked_ = 0;
};

}  // namespace arbor::core
