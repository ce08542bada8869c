// WATCH bookkeeping: which clients watch which keys, and marking them dirty
// when a key changes (writes, expiry, FLUSHDB/FLUSHALL, SWAPDB), as Redis's
// multi.c. EXEC of a dirty client fails with a null reply. Loop thread only.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "server/core/client_state.h"
#include "server/core/string_hash.h"
#include "server/keyspace/database.h"

namespace arbor::core {

class Watches {
 public:
  bool empty() const { return by_db_.empty(); }
  void watch(ClientState& client, keyspace::Database& db, std::string_view key, int64_t now_ms);
  void unwatch_all(ClientState& client);
  // `key` in `db` changed (or was deleted): every watcher becomes dirty.
  void touch(keyspace::Database& db, std::string_view key);
  // Before `emptied` is flushed or swapped with `replaced_with` (may be
  // null): watchers of keys existing in either become dirty.
  void touch_all(keyspace::Database& emptied, keyspace::Database* replaced_with);
  // True if a watched key that was alive when watched has expired since,
  // even if nothing deleted it yet (checked by EXEC).
  static bool any_expired(const ClientState& client, const std::vector<keyspace::Database*>& dbs, int64_t now_ms);

 private:
  using Watchers = std::unordered_map<std::string, std::vector<ClientState*>, StringHash, std::equal_to<>>;
  static void mark_dirty(ClientState& client) { client.watch_dirty = true; }
  std::unordered_map<int, Watchers> by_db_;
};

}  // namespace arbor::core
