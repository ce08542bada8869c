// Debian's redis-sentinel 7.0 in tests: a Sentinel monitoring a primary on
// loopback, with the fast settings of Redis's own Sentinel tests, and the
// questions tests ask it. Each Sentinel gets its own fresh config file
// (Sentinel rewrites it; a copied myid would make two Sentinels one).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tests/integration/server_fixture.h"

namespace arbor::test {

struct SentinelSettings {
  std::string name = "mymaster";
  int quorum = 2;
  int down_after_ms = 1000;
  int failover_timeout_ms = 5000;
};

class SentinelProcess {
 public:
  SentinelProcess(uint16_t primary_port, SentinelSettings settings = {});
  ~SentinelProcess();
  bool ok() const { return port_ != 0; }
  uint16_t port() const { return port_; }
  std::string log() const;
  // SENTINEL GET-MASTER-ADDR-BY-NAME: the port of the primary it names.
  std::optional<uint16_t> primary_port();
  // How many replicas and other Sentinels it knows.
  int known_replicas();
  int known_sentinels();

 private:
  SentinelSettings settings_;
  TempDir dir_;
  ChildProcess child_;
  uint16_t port_ = 0;
};

// Three Sentinels with quorum 2 that know each other and `replicas`
// replicas of the primary (deadline 20 s).
class SentinelGroup {
 public:
  SentinelGroup(uint16_t primary_port, int replicas, SentinelSettings settings = {});
  bool ok() const { return ok_; }
  // The primary a majority names (nullopt while they disagree).
  std::optional<uint16_t> primary_port();
  // Waits until a majority names a primary other than `old_port`.
  std::optional<uint16_t> wait_for_failover(uint16_t old_port, milliseconds timeout = milliseconds(30000));
  std::vector<uint16_t> ports() const;
  std::string logs() const;

 private:
  std::vector<std::unique_ptr<SentinelProcess>> sentinels_;
  bool ok_ = false;
};

}  // namespace arbor::test
