// What a node must remember across a restart to know whether it may serve
// as a primary (the fence, DESIGN.md): its role and history at its last
// role change, and the newest primary a Sentinel named to it in a
// `__sentinel__:hello` message, with that configuration's epoch. Kept in
// `<dir>/arbor-state` as "name value" lines, replaced atomically.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace arbor::replication {

struct NodeState {
  std::string role;  // "master" or "slave"; empty: never written
  std::string replid;
  uint64_t offset = 0;
  std::string master_host;  // role slave: whom we followed
  int master_port = 0;
  // The newest primary a Sentinel hello named, and its config epoch
  // (-1: no hello seen).
  std::string sentinel_primary_host;
  int sentinel_primary_port = 0;
  int64_t sentinel_epoch = -1;
};

std::string format_node_state(const NodeState& state);
// Unknown or malformed lines are skipped (a newer version's fields).
NodeState parse_node_state(std::string_view text);

// A Sentinel hello: "ip,port,runid,current_epoch,master_name,master_ip,
// master_port,master_config_epoch" (sentinel.c's sentinelSendHello).
struct SentinelHello {
  std::string sentinel_ip;
  int sentinel_port = 0;
  std::string sentinel_runid;
  std::string master_name;
  std::string master_host;
  int master_port = 0;
  int64_t config_epoch = 0;
};
std::optional<SentinelHello> parse_sentinel_hello(std::string_view payload);

}  // namespace arbor::replication
