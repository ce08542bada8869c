#include "server/core/command_context.h"

#include "server/core/command_table.h"

namespace arbor::core {

void CommandContext::count_lookup(std::string_view key, bool hit) {
  if ((command.spec.flags & kWrite) != 0) return;
  if (hit) {
    ++instance.stats.keyspace_hits;
  } else {
    ++instance.stats.keyspace_misses;
    notify(kEventKeyMiss, "keymiss", key);
  }
}

}  // namespace arbor::core
