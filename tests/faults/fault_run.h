// One fault run: a cluster (fault_cluster.h) under the workload
// (fault_workload.h) while a seeded schedule of fault episodes hits it,
// then healing, convergence and the checks. The same seed gives the same
// schedule for arbor and for redis-server, so their lines compare.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tests/faults/fault_cluster.h"

namespace arbor::faults {

struct RunOptions {
  ServerKind kind = ServerKind::kArbor;
  uint64_t seed = 1;
  int episodes = 4;
  bool link_faults = false;  // also cut and delay links (proxies)
  int down_after_ms = 2000;  // Sentinel's down-after-milliseconds
  std::string work_dir;      // where nodes and logs go (created)
  bool verbose = false;      // say each episode as it starts
  // Episodes to run in this order instead of a seeded draw (names as in
  // episode_names()).
  std::vector<std::string> fixed_episodes;
};

// kill-primary-quick, kill-primary-twice, kill-primary-after-failover,
// kill-replica, pause-node, client-kill-master, slow-advanced-replica,
// allocation-failure, cut-link, delay-link.
std::vector<std::string> episode_names();

struct RunResult {
  ServerKind kind = ServerKind::kArbor;
  uint64_t seed = 0;
  bool started = false;
  int64_t operations = 0;
  int faults = 0;
  int64_t acknowledged = 0;
  int64_t lost = 0;           // acknowledged writes missing on the final primary
  int64_t missing_reads = 0;  // reads of acknowledged keys a serving primary answered nil
  int full_resyncs = 0;
  double unavailable_seconds = 0;
  int protecting_released = 0;  // replicas that protected their data until told REPLICAOF again
  bool converged = false;
  std::string not_converged_why;
  int crashes = 0;
  std::vector<std::string> episodes;  // what happened, in order

  // One line: "arbor seed 7: ops=... faults=... acked=... lost=0 ...".
  std::string line() const;
};

RunResult run_faults(const RunOptions& options);

}  // namespace arbor::faults
