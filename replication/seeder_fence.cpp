// The seeder's fence: before a restarted primary serves, it makes sure no
// other node took over while it was down. Its replicas' INFO answers
// (seed_choice.h's find_takeover) and, when a Sentinel monitored it, that
// Sentinel's next hello decide; a hello naming another primary with a
// config epoch at least as new as the last one we saw makes us follow it.
#include <spdlog/spdlog.h>

#include "replication/replication_service.h"
#include "replication/seeder.h"
#include "server/core/instance.h"

namespace arbor::replication {
namespace {

// Sentinel publishes a hello every 2 s once it has reconnected to us (it
// retries its links about once a second): a few seconds always hear one.
constexpr int64_t kHelloWaitMs = 5000;

// seed-safe-wait not met after seed-timeout: said again this often.
constexpr int64_t kQuorumLogEveryMs = 10000;

}  // namespace

void Seeder::abandon(std::string_view why) {
  stop();
  phase_ = Phase::kDone;
  outcome_ = std::string(why);
  peers_.clear();
  transfer_.reset();
  service_.instance().repl.seeding = false;
  spdlog::warn("Seeding ended after {} ms: {}", core::unix_time_ms() - started_ms_, outcome_);
}

void Seeder::on_sentinel_hello(const SentinelHello& hello) {
  if (phase_ == Phase::kDone || stopped_) return;
  if (hello_ && hello.config_epoch < hello_->config_epoch) return;
  hello_ = hello;
  if (fencing_) round_timer_.cancel();  // decide now, not after the pause
}

std::optional<Takeover> Seeder::hello_takeover() const {
  if (!hello_ || fence_.is_this_node(hello_->master_host, hello_->master_port)) return std::nullopt;
  if (hello_->config_epoch < fence_.sentinel_epoch) {
    return std::nullopt;  // a Sentinel that missed a failover we saw: stale
  }
  Takeover t;
  t.host = hello_->master_host;
  t.port = hello_->master_port;
  t.why = "Sentinel " + hello_->sentinel_ip + ":" + std::to_string(hello_->sentinel_port) + " names " + t.host + ":" +
          std::to_string(t.port) + " the primary of '" + hello_->master_name + "' (config epoch " +
          std::to_string(hello_->config_epoch) + "; the newest we had seen was " +
          std::to_string(fence_.sentinel_epoch) + ")";
  return t;
}

bool Seeder::fence_decided() {
  if (!fencing_) return true;
  // No Sentinel ever named a primary to us: the replicas' answers decide.
  if (fence_.sentinel_epoch < 0) {
    fencing_ = false;
    spdlog::info("Fence: no replica reports another primary; not monitored by Sentinel");
    return true;
  }
  if (hello_ && fence_.is_this_node(hello_->master_host, hello_->master_port)) {
    fencing_ = false;
    spdlog::info("Fence: Sentinel {}:{} names us the primary of '{}' (config epoch {}); no replica reports another",
                 hello_->sentinel_ip, hello_->sentinel_port, hello_->master_name, hello_->config_epoch);
    return true;
  }
  if (core::unix_time_ms() - started_ms_ >= kHelloWaitMs) {
    fencing_ = false;
    spdlog::warn("Fence: no Sentinel hello within {} ms (the last config epoch we saw was {}); no replica reports "
                 "another primary, so we go on as the primary",
                 kHelloWaitMs, fence_.sentinel_epoch);
    return true;
  }
  return false;
}

void Seeder::log_quorum_wait(const SeedQuorum& quorum) {
  const int64_t now = core::unix_time_ms();
  if (quorum_logged_ms_ != 0 && now - quorum_logged_ms_ < kQuorumLogEveryMs) return;
  quorum_logged_ms_ = now;
  std::string missing;
  for (const std::string& address : quorum.missing) missing += (missing.empty() ? "" : ", ") + address;
  const int64_t safe_wait = service_.instance().config.settings().seed_safe_wait;
  spdlog::warn("Seeding: {} of {} known replica(s) answered or are covered, {} needed: a write acknowledged by WAIT "
               "{} may be only on {}. Waiting for them (data commands get -LOADING). To seed from those that "
               "answered, accepting that loss: CONFIG SET seed-safe-wait 0.",
               quorum.covered, quorum.known, quorum.needed, safe_wait, missing);
}

}  // namespace arbor::replication
