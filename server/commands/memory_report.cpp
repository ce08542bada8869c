#include "server/commands/memory_report.h"

#include <algorithm>

#include "server/core/memory.h"
#include "server/scripting/script_engine.h"

namespace arbor::commands {

MemoryReport memory_report(core::Instance& instance) {
  MemoryReport r;
  r.used = core::used_memory();
  instance.peak_memory = std::max(instance.peak_memory, r.used);
  r.peak = instance.peak_memory;
  r.startup = instance.startup_memory;
  r.rss = core::resident_memory();
  r.replication_backlog = instance.repl.backlog_bytes;
  for (const core::ClientState* client : instance.clients()) {
    if (client->control == nullptr) continue;
    const uint64_t output = client->control->output_buffer_bytes();
    if (client->is_replica) r.clients_replicas += output;
    else r.clients_normal += output + client->control->query_buffer_bytes();
  }
  if (const auto* engine = static_cast<const scripting::ScriptEngine*>(instance.scripts.get())) {
    r.lua_caches = engine->scripts_memory();
    r.functions_caches = engine->functions_memory();
  }
  r.overhead = r.startup + r.replication_backlog + r.clients_replicas + r.clients_normal + r.lua_caches +
               r.functions_caches;
  for (int i = 0; i < instance.db_count(); ++i) {
    const keyspace::Database& db = instance.db(i);
    r.keys += db.size();
    if (db.size() == 0) continue;
    MemoryReport::Db d{i, db.table().bucket_count() * sizeof(void*), db.expires_count() * sizeof(void*)};
    r.overhead += d.main + d.expires;
    r.dbs.push_back(d);
  }
  return r;
}

}  // namespace arbor::commands
