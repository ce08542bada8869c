#include "tests/faults/fault_workload.h"

#include <random>

namespace arbor::faults {
namespace {

constexpr auto kRetryPause = milliseconds(50);  // a client's back-off between attempts, not a test wait
constexpr int64_t kOutageThresholdMs = 500;

int64_t now_ms() {
  return std::chrono::duration_cast<milliseconds>(SteadyClock::now().time_since_epoch()).count();
}

}  // namespace

Workload::Workload(FaultCluster& cluster) : cluster_(cluster) {
  writer_ = std::thread([this] { write_loop(); });
  reader_ = std::thread([this] { read_loop(); });
}

Workload::~Workload() { stop(); }

void Workload::stop() {
  stop_ = true;
  if (writer_.joinable()) writer_.join();
  if (reader_.joinable()) reader_.join();
}

std::vector<int64_t> Workload::acknowledged() {
  std::lock_guard lock(mutex_);
  return acknowledged_;
}

std::unique_ptr<Client> Workload::connect_to_primary() {
  const auto port = cluster_.sentinels().primary_port();
  if (!port) return nullptr;
  auto client = std::make_unique<Client>(*port, milliseconds(2000));
  if (!client->connected()) return nullptr;
  return client;
}

void Workload::write_loop() {
  std::unique_ptr<Client> client;
  int64_t last_success = now_ms();
  for (int64_t i = 0; !stop_; ++i) {
    if (!client || !client->connected()) {
      client = connect_to_primary();
      if (!client) {
        std::this_thread::sleep_for(kRetryPause);
        --i;
        continue;
      }
    }
    ++operations_;
    const std::string key = "w:" + std::to_string(i);
    const Reply set = client->cmd({"SET", key, std::to_string(i)});
    const bool written = test::is_status(set, "OK");
    if (written) {
      const Reply ack = client->cmd({"WAIT", "1", "1000"});
      if (ack.type == test::ReplyType::kInteger && ack.integer >= 1) {
        std::lock_guard lock(mutex_);
        acknowledged_.push_back(i);
        ++acknowledged_count_;
      }
      if (ack.type != test::ReplyType::kInteger) client.reset();
      const int64_t now = now_ms();
      if (now - last_success > kOutageThresholdMs) unavailable_ms_ += now - last_success;
      last_success = now;
    } else {
      // READONLY (a demoted primary), LOADING, a closed link: ask again.
      client.reset();
      std::this_thread::sleep_for(kRetryPause);
    }
  }
  const int64_t now = now_ms();
  if (now - last_success > kOutageThresholdMs) unavailable_ms_ += now - last_success;
}

void Workload::read_loop() {
  std::unique_ptr<Client> client;
  uint16_t client_port = 0;
  std::mt19937_64 random(42);
  while (!stop_) {
    std::this_thread::sleep_for(milliseconds(20));  // a light read load beside the writer
    int64_t key = -1;
    {
      std::lock_guard lock(mutex_);
      if (!acknowledged_.empty()) key = acknowledged_[random() % acknowledged_.size()];
    }
    if (key < 0) continue;
    if (!client || !client->connected()) {
      const auto port = cluster_.sentinels().primary_port();
      if (!port) continue;
      client = std::make_unique<Client>(*port, milliseconds(2000));
      client_port = *port;
    }
    const Reply got = client->cmd({"GET", "w:" + std::to_string(key)});
    if (got.type == test::ReplyType::kNull) {
      // Only a serving primary's answer counts: a node just demoted may be
      // a replica still syncing (it answers, but it is not the primary).
      const auto named = cluster_.sentinels().primary_port();
      const bool primary = named == client_port &&
                           test::info_field(client->cmd({"INFO", "replication"}).str, "role") == "master";
      if (primary) ++missing_reads_;
      client.reset();
    } else if (got.type == test::ReplyType::kError) {
      client.reset();
    }
  }
}

}  // namespace arbor::faults
