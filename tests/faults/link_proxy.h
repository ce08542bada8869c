// Loopback TCP proxies the fault harness puts in front of every node, so
// it can cut and delay a node's links: everyone (Sentinels, replicas,
// clients) reaches node N at its public port, which forwards to the port
// the node really listens on. One thread serves every proxy with poll().
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace arbor::faults {

using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

class ProxyHub {
 public:
  ProxyHub();
  ~ProxyHub();
  ProxyHub(const ProxyHub&) = delete;
  ProxyHub& operator=(const ProxyHub&) = delete;

  // A proxy listening on a free loopback port that forwards to `target`;
  // returns its index (throws when it cannot listen).
  size_t add(uint16_t target_port);
  uint16_t public_port(size_t proxy) const;
  // Closes every connection through it and refuses new ones until
  // `duration` has passed (a link cut).
  void cut(size_t proxy, milliseconds duration);
  // Holds every byte it forwards for `delay` (both ways) until `duration`
  // has passed.
  void delay(size_t proxy, milliseconds delay, milliseconds duration);
  // Ends cuts and delays at once.
  void heal(size_t proxy);
  std::string describe();

 private:
  struct Chunk {
    SteadyClock::time_point due;
    std::string bytes;
  };
  struct Pipe {  // one direction of one connection
    int from = -1, to = -1;
    std::deque<Chunk> queue;
  };
  struct Link {
    size_t proxy = 0;
    int client = -1, server = -1;
    Pipe up, down;  // client -> server, server -> client
  };
  struct Proxy {
    int listener = -1;
    uint16_t port = 0;
    uint16_t target = 0;
    SteadyClock::time_point cut_until{};
    SteadyClock::time_point delay_until{};
    milliseconds delay{0};
  };

  void run();
  void close_link(Link& link);
  bool pump(Pipe& pipe);

  mutable std::mutex mutex_;
  std::vector<Proxy> proxies_;
  std::vector<std::unique_ptr<Link>> links_;
  std::atomic<bool> stop_{false};
  int wake_[2] = {-1, -1};  // a pipe that interrupts poll() on changes
  std::thread thread_;
};

}  // namespace arbor::faults
