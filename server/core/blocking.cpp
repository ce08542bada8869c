// Blocked-client registry.
#include "server/core/blocking.h"

#include <algorithm>

namespace arbor::core {

void Blocking::add(ClientState& client) {
  BlockedState& state = *client.blocked;
  Keys& keys = by_db_[state.db];
  state.positions.clear();
  for (const std::string& key : state.keys) {
    // BLPOP k k waits once on k.
    const bool repeated = std::any_of(state.positions.begin(), state.positions.end(),
                                      [&](const auto& p) { return p.first == key; });
    if (repeated) continue;
    Queue& queue = keys[key];
    state.positions.emplace_back(key, queue.insert(queue.end(), &client));
  }
  ++blocked_;
}

void Blocking::remove(ClientState& client) {
  if (!client.blocked) return;
  BlockedState& state = *client.blocked;
  auto db = by_db_.find(state.db);
  if (db != by_db_.end()) {
    for (const auto& [key, position] : state.positions) {
      auto queue = db->second.find(key);
      if (queue == db->second.end()) continue;
      queue->second.erase(position);
      if (queue->second.empty()) db->second.erase(queue);
    }
    if (db->second.empty()) by_db_.erase(db);
  }
  client.blocked.reset();
  --blocked_;
}

void Blocking::signal_ready(int db, std::string_view key) {
  if (blocked_ == 0) return;
  auto keys = by_db_.find(db);
  if (keys == by_db_.end() || keys->second.find(key) == keys->second.end()) return;
  for (const auto& [d, k] : ready_)
    if (d == db && k == key) return;
  ready_.emplace_back(db, std::string(key));
}

std::vector<std::pair<int, std::string>> Blocking::take_ready() {
  std::vector<std::pair<int, std::string>> ready;
  ready.swap(ready_);
  return ready;
}

std::vector<ClientState*> Blocking::waiting_on(int db, std::string_view key) const {
  auto keys = by_db_.find(db);
  if (keys == by_db_.end()) return {};
  auto queue = keys->second.find(key);
  if (queue == keys->second.end()) return {};
  return {queue->second.begin(), queue->second.end()};
}

std::vector<std::string> Blocking::keys_in(int db) const {
  std::vector<std::string> out;
  auto keys = by_db_.find(db);
  if (keys == by_db_.end()) return out;
  for (const auto& [key, queue] : keys->second) out.push_back(key);
  return out;
}

}  // namespace arbor::core
