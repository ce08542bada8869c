// ClientEviction: the running total, and closing the largest clients.
#include "server/core/client_eviction.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <utility>

#include "server/core/instance.h"

namespace arbor::core {

size_t multi_memory(const ClientState& client) {
  size_t memory = client.multi.queued_bytes;
  for (const auto& queued : client.multi.queued) memory += queued.size() * sizeof(void*);
  return memory;
}

size_t client_memory(const ClientState& client, size_t argv_bytes) {
  if (client.control != nullptr && client.control->closing()) return 0;  // its buffers are going
  // Redis's reply buffer, allocated with every client.
  constexpr size_t kReplyBufferSize = 16384;
  size_t memory = kReplyBufferSize + argv_bytes;
  if (client.control != nullptr) {
    memory += client.control->query_buffer_bytes() + client.control->query_buffer_free() +
              client.control->output_buffer_bytes();
  }
  return memory + multi_memory(client);
}

uint64_t client_eviction_limit(const Settings& settings) {
  uint64_t limit = 0;
  if (settings.maxmemory_clients < 0 && settings.maxmemory > 0) {
    limit = static_cast<uint64_t>(static_cast<double>(settings.maxmemory) *
                                  static_cast<double>(-settings.maxmemory_clients) / 100.0);
  } else if (settings.maxmemory_clients > 0) {
    limit = static_cast<uint64_t>(settings.maxmemory_clients);
  } else {
    return 0;
  }
  return std::max<uint64_t>(limit, 128 * 1024);
}

void ClientEviction::configure() {
  limit_ = client_eviction_limit(config_.settings());
  total_ = 0;
  for (ClientState* client : clients_) {
    client->reported_memory = 0;
    if (!on() || !counted(*client) || client->control == nullptr) continue;
    client->reported_memory = client_memory(*client);
    total_ += client->reported_memory;
  }
  exhausted_at_ = 0;
  if (on() && total_ >= limit_) schedule();
}

void ClientEviction::update(ClientState& client, size_t memory) {
  if (!on()) return;
  // A client that stopped counting (it became a replica) leaves the total.
  if (!counted(client)) memory = 0;
  total_ = total_ - client.reported_memory + memory;
  client.reported_memory = memory;
  if (total_ >= limit_ && total_ > exhausted_at_) schedule();
}

void ClientEviction::schedule() {
  if (scheduled_) return;
  scheduled_ = true;
  if (post_) {
    post_([this] { evict(); });
  } else {
    evict();
  }
}

void ClientEviction::evict() {
  scheduled_ = false;
  if (!on()) return;
  // Afresh: a figure reported earlier may have shrunk since.
  std::vector<std::pair<size_t, ClientState*>> candidates;
  total_ = 0;
  for (ClientState* client : clients_) {
    if (!counted(*client) || client->control == nullptr) continue;
    client->reported_memory = client_memory(*client);
    total_ += client->reported_memory;
    if (!client->no_evict && client->reported_memory > 0) candidates.emplace_back(client->reported_memory, client);
  }
  std::sort(candidates.begin(), candidates.end(),
            [](const auto& a, const auto& b) { return a.first > b.first; });
  for (const auto& [memory, client] : candidates) {
    if (total_ < limit_) break;
    spdlog::debug("Evicting client: id={} addr={} name={} tot-mem={}", client->id, client->addr, client->name,
                  memory);
    ++stats_.evicted_clients;
    client->control->close_soon();
    total_ -= client->reported_memory;
    client->reported_memory = 0;
  }
  exhausted_at_ = 0;
  if (total_ >= limit_) {
    exhausted_at_ = total_;
    spdlog::debug("Over client maxmemory after evicting all evictable clients");
  }
}

}  // namespace arbor::core
