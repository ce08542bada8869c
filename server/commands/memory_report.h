// The memory breakdown INFO memory and MEMORY STATS share, as Redis's
// getMemoryOverheadData: what the server itself holds (its start-up size,
// the replication backlog, client buffers, scripts, the key tables) and
// what the data holds (the rest).
#pragma once

#include <cstdint>
#include <vector>

#include "server/core/instance.h"

namespace arbor::commands {

struct MemoryReport {
  uint64_t used = 0;
  uint64_t peak = 0;
  uint64_t startup = 0;
  uint64_t rss = 0;
  uint64_t replication_backlog = 0;
  uint64_t clients_replicas = 0;  // their output buffers
  uint64_t clients_normal = 0;    // query and output buffers
  uint64_t lua_caches = 0;        // cached EVAL scripts
  uint64_t functions_caches = 0;  // FUNCTION libraries
  struct Db {
    int index = 0;
    uint64_t main = 0;     // the key table's buckets
    uint64_t expires = 0;  // the TTL index
  };
  std::vector<Db> dbs;  // the non-empty ones
  uint64_t overhead = 0;
  uint64_t keys = 0;
  uint64_t dataset() const { return used > overhead ? used - overhead : 0; }
};

// Also raises instance.peak_memory to what it sees.
MemoryReport memory_report(core::Instance& instance);

}  // namespace arbor::commands
