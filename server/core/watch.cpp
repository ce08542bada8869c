// WATCH registry.
#include "server/core/watch.h"

#include <algorithm>

namespace arbor::core {

void Watches::watch(ClientState& client, keyspace::Database& db, std::string_view key, int64_t now_ms) {
  for (const WatchedKey& w : client.watched)
    if (w.db == db.index() && w.key == key) return;
  const keyspace::Entry* entry = db.find_raw(key);
  client.watched.push_back({db.index(), std::string(key),
                            entry != nullptr && keyspace::Database::is_expired(entry, now_ms)});
  Watchers& watchers = by_db_[db.index()];
  auto it = watchers.find(key);
  if (it == watchers.end()) it = watchers.emplace(std::string(key), std::vector<ClientState*>{}).first;
  it->second.push_back(&client);
}

void Watches::unwatch_all(ClientState& client) {
  for (const WatchedKey& w : client.watched) {
    auto db = by_db_.find(w.db);
    if (db == by_db_.end()) continue;
    auto it = db->second.find(w.key);
    if (it == db->second.end()) continue;
    auto& clients = it->second;
    clients.erase(std::remove(clients.begin(), clients.end(), &client), clients.end());
    if (clients.empty()) db->second.erase(it);
    if (db->second.empty()) by_db_.erase(db);
  }
  client.watched.clear();
  client.watch_dirty = false;
}

void Watches::touch(keyspace::Database& db, std::string_view key) {
  if (by_db_.empty()) return;
  auto watchers = by_db_.find(db.index());
  if (watchers == by_db_.end()) return;
  auto it = watchers->second.find(key);
  if (it == watchers->second.end()) return;
  for (ClientState* client : it->second) {
    auto w = std::find_if(client->watched.begin(), client->watched.end(),
                          [&](const WatchedKey& k) { return k.db == db.index() && k.key == key; });
    // Watched while already expired, and now gone: logically no change.
    if (w != client->watched.end() && w->expired && db.find_raw(key) == nullptr) {
      w->expired = false;
      continue;
    }
    mark_dirty(*client);
  }
}

void Watches::touch_all(keyspace::Database& emptied, keyspace::Database* replaced_with) {
  auto watchers = by_db_.find(emptied.index());
  if (watchers == by_db_.end()) return;
  for (auto& [key, clients] : watchers->second) {
    const bool exists = emptied.find_raw(key) != nullptr;
    if (!exists && (replaced_with == nullptr || replaced_with->find_raw(key) == nullptr)) continue;
    for (ClientState* client : clients) mark_dirty(*client);
  }
}

bool Watches::any_expired(const ClientState& client, const std::vector<keyspace::Database*>& dbs, int64_t now_ms) {
  for (const WatchedKey& w : client.watched) {
    if (w.expired) continue;
    const keyspace::Entry* entry = dbs[static_cast<size_t>(w.db)]->find_raw(w.key);
    if (entry != nullptr && keyspace::Database::is_expired(entry, now_ms)) return true;
  }
  return false;
}

}  // namespace arbor::core
