// The fault suite's clients: a writer that does SET w:<i> then WAIT 1 1000
// on whatever primary the Sentinels name and records which writes WAIT
// acknowledged, and a reader that reads acknowledged keys back from that
// primary (a primary serving a half-loaded or diverged dataset shows up as
// a missing acknowledged key). Both follow failovers through the Sentinels.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

#include "tests/faults/fault_cluster.h"

namespace arbor::faults {

class Workload {
 public:
  explicit Workload(FaultCluster& cluster);
  ~Workload();
  void stop();

  int64_t operations() const { return operations_; }
  int64_t acknowledged_count() const { return acknowledged_count_; }
  std::vector<int64_t> acknowledged();
  int64_t missing_reads() const { return missing_reads_; }
  // Seconds during which no write succeeded for more than half a second.
  double unavailable_seconds() const { return static_cast<double>(unavailable_ms_) / 1000.0; }

 private:
  void write_loop();
  void read_loop();
  std::unique_ptr<Client> connect_to_primary();

  FaultCluster& cluster_;
  std::atomic<bool> stop_{false};
  std::atomic<int64_t> operations_{0}, acknowledged_count_{0}, missing_reads_{0}, unavailable_ms_{0};
  std::mutex mutex_;
  std::vector<int64_t> acknowledged_;
  std::thread writer_, reader_;
};

}  // namespace arbor::faults
