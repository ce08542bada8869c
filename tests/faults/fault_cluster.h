// The fault suite's cluster: a primary and two replicas (arbor, or
// redis-server 7.0 for comparison), each behind a link proxy, with three
// redis-sentinel processes watching them. Nodes run from config files, as
// operators run them, so Sentinel's CONFIG REWRITE sticks across restarts.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tests/faults/link_proxy.h"
#include "tests/integration/sentinel_helpers.h"
#include "tests/integration/server_fixture.h"

namespace arbor::faults {

using test::ChildProcess;
using test::Client;
using test::Reply;

enum class ServerKind { kArbor, kRedis };
const char* kind_name(ServerKind kind);

class FaultNode {
 public:
  FaultNode(ServerKind kind, std::string dir, uint16_t hidden_port, uint16_t public_port);
  // First start: writes node.conf (a replica of `primary_public` if given).
  bool start_first(std::optional<uint16_t> primary_public);
  // Starts again from its config file (as Sentinel may have rewritten it).
  bool restart();
  void kill();   // SIGKILL: a crash
  void pause();  // SIGSTOP
  void resume(); // SIGCONT
  bool paused() const { return paused_; }
  bool up() { return child_.running(); }
  // Exited without being killed by the harness.
  bool crashed();
  uint16_t public_port() const { return public_port_; }
  pid_t pid() const { return child_.pid(); }
  std::string log() const;
  int full_resyncs() const;  // "Full resync from master" lines, every start
  void stop();

 private:
  bool spawn();

  ServerKind kind_;
  std::string dir_;
  uint16_t hidden_port_, public_port_;
  ChildProcess child_;
  bool killed_ = true;  // not started, or killed by us
  bool paused_ = false;
};

struct ClusterHealth {
  bool healthy = false;
  std::optional<size_t> primary;  // index of the node the Sentinels name
  std::string why;                // when not healthy
  // A replica that refuses its primary's full sync because it holds writes
  // the primary lacks (replica-protect-data): an operator's call.
  std::optional<size_t> protecting;
};

class FaultCluster {
 public:
  FaultCluster(ServerKind kind, const std::string& work_dir, int down_after_ms);
  ~FaultCluster();
  bool ok() const { return ok_; }
  FaultNode& node(size_t i) { return *nodes_.at(i); }
  size_t size() const { return nodes_.size(); }
  ProxyHub& proxies() { return proxies_; }
  test::SentinelGroup& sentinels() { return *sentinels_; }
  // The node a majority of Sentinels names, if one does.
  std::optional<size_t> primary();
  // Every node up and unpaused, the Sentinels agree on a primary that says
  // role:master, and the others follow it with their link up.
  ClusterHealth health();
  bool wait_healthy(milliseconds timeout);
  // Every replica at the primary's offset with the same DEBUG DIGEST.
  // Waits for one primary, every node following it, one offset and one
  // DEBUG DIGEST. A replica that protects its data is told REPLICAOF again,
  // as the README tells operators; `released` counts those.
  bool converged(milliseconds timeout, std::string& why, int& released);

 private:
  ServerKind kind_;
  std::string work_dir_;
  ProxyHub proxies_;
  std::vector<std::unique_ptr<FaultNode>> nodes_;
  std::unique_ptr<test::SentinelGroup> sentinels_;
  bool ok_ = false;
};

}  // namespace arbor::faults
