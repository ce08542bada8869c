// maxmemory-clients: Redis 7.0's client eviction. While the memory that
// normal and pub/sub clients hold together (query buffer, output buffer,
// the running command's arguments, a MULTI queue: CLIENT LIST's tot-mem) is
// at or over the limit, the clients holding the most are closed, largest
// first, until the rest are under it. Replicas, our primary's link and
// clients that said CLIENT NO-EVICT ON are never closed (NO-EVICT clients
// still count). Sessions report their figure as it changes; once the total
// reaches the limit, eviction runs from the event loop (Redis's beforeSleep),
// never in the middle of a command, and reads every client's figure afresh.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "server/core/client_state.h"
#include "server/core/config.h"

namespace arbor::core {

struct Stats;

// A MULTI queue as Redis counts it (CLIENT LIST multi-mem): argument bytes
// plus a pointer each.
size_t multi_memory(const ClientState& client);

// The memory a client holds, as CLIENT LIST's tot-mem. `argv_bytes`: the
// arguments of the command it is running (the asking client's own).
size_t client_memory(const ClientState& client, size_t argv_bytes = 0);

// maxmemory-clients in bytes, 0 when off (Redis's getClientEvictionLimit): a
// percentage counts against maxmemory (off without it), and any limit is
// at least 128 KB so the server stays reachable.
uint64_t client_eviction_limit(const Settings& settings);

class ClientEviction {
 public:
  using Post = std::function<void(std::function<void()>)>;
  // `post`: runs a task from the event loop (Instance's hooks.post; when
  // empty, as in unit tests without a loop, eviction runs at once).
  ClientEviction(const Config& config, Stats& stats, const std::vector<ClientState*>& clients, const Post& post)
      : config_(config), stats_(stats), clients_(clients), post_(post) {}

  bool on() const { return limit_ != 0; }
  // Takes up maxmemory-clients and maxmemory (start-up, CONFIG SET): a
  // lower limit evicts right after the command, as Redis.
  void configure();
  // A client's memory is now `memory` (0 when it is closing or gone).
  void update(ClientState& client, size_t memory);
  // Total of the counted clients, as last reported.
  uint64_t total() const { return total_; }

 private:
  static bool counted(const ClientState& client) { return !client.is_replica && !client.is_master; }
  void schedule();
  void evict();

  const Config& config_;
  Stats& stats_;
  const std::vector<ClientState*>& clients_;
  const Post& post_;
  uint64_t limit_ = 0;
  uint64_t total_ = 0;
  bool scheduled_ = false;
  // The last pass found nothing left to close (only NO-EVICT clients over
  // the limit): no new pass until the total grows past what it left.
  uint64_t exhausted_at_ = 0;
};

}  // namespace arbor::core
