#include "replication/promotion_catch_up.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

#include "protocol/reply_writer.h"
#include "replication/peer_query.h"
#include "replication/replica_link.h"
#include "replication/replication_service.h"
#include "server/core/instance.h"

namespace arbor::replication {
namespace {

using std::chrono::milliseconds;

constexpr int64_t kQueryIdleMs = 1000;  // a sibling that is up answers INFO at once
constexpr auto kRoundLimit = milliseconds(2000);
constexpr auto kRoundPause = milliseconds(500);
constexpr auto kPullTick = milliseconds(100);
// Past seed-timeout a pull is given up once its sibling is this long silent.
constexpr int64_t kPullSilentMs = 1000;
// A primary that is up answers PING at once.
constexpr int64_t kPrimaryProbeMs = 500;

}  // namespace

PromotionCatchUp::PromotionCatchUp(ReplicationService& service, std::vector<std::string> siblings,
                                   std::string old_primary_host, int old_primary_port, bool failover_decided)
    : service_(service),
      timer_(service.io()),
      old_primary_host_(std::move(old_primary_host)),
      old_primary_port_(old_primary_port),
      failover_decided_(failover_decided) {
  for (std::string& address : siblings) {
    SeedCandidate sibling;
    sibling.address = std::move(address);
    siblings_.push_back(std::move(sibling));
  }
}

PromotionCatchUp::~PromotionCatchUp() { stop(); }

void PromotionCatchUp::append_info(std::string& out) const {
  auto field = [&out](std::string_view name, std::string_view value) {
    out.append(name).append(":").append(value).append("\r\n");
  };
  field("promotion_catch_up", phase_ == Phase::kDone ? "0" : "1");
  field("promotion_catch_up_state", phase_ == Phase::kQuerying  ? "querying"
                                    : phase_ == Phase::kPulling ? "pulling"
                                                                : "done");
  field("promotion_catch_up_from", from_);
  field("promotion_catch_up_target", std::to_string(target_));
  if (phase_ == Phase::kDone) field("promotion_catch_up_outcome", outcome_);
}

void PromotionCatchUp::start() {
  started_ms_ = core::unix_time_ms();
  std::string list;
  for (const SeedCandidate& s : siblings_) list += (list.empty() ? "" : " ") + s.address;
  spdlog::info("Promotion: asking the other replicas of our old primary whether one is ahead of us ({}:{}) before "
               "taking writes: {}",
               service_.replid(), service_.offset(), list);
  asio::co_spawn(service_.io(), run(), [self = shared_from_this()](std::exception_ptr error) {
    if (error && self->phase_ != Phase::kDone && !self->stopped_)
      self->finish("stopped after an internal error: " + net::exception_text(error));
  });
}

void PromotionCatchUp::stop() {
  stopped_ = true;
  timer_.cancel();
  for (auto& peer : open_) peer->stop();
  if (link_) {
    link_->stop();
    link_.reset();
  }
}

asio::awaitable<void> PromotionCatchUp::run() {
  auto self = shared_from_this();
  const core::Settings& settings = service_.instance().config.settings();
  const int64_t limit_ms = settings.seed_timeout * 1000;
  const int64_t needed = siblings_needed(static_cast<int64_t>(siblings_.size()), settings.seed_safe_wait);
  boost::system::error_code ec;
  fence_siblings_ = failover_decided_;
  if (!fence_siblings_)
    fence_siblings_ = !(co_await answers_ping(service_.io(), old_primary_host_, old_primary_port_, kPrimaryProbeMs));
  if (stopped_) co_return;
  if (fence_siblings_)
    spdlog::info("Promotion: our old primary {}:{} {}; the other replicas stop following it as they answer",
                 old_primary_host_, old_primary_port_,
                 failover_decided_ ? "is replaced by a Sentinel failover" : "does not answer");
  while (!stopped_) {
    co_await query_round();
    if (stopped_) co_return;
    const auto answered = std::count_if(siblings_.begin(), siblings_.end(), [](auto& s) { return s.answered; });
    if (answered >= needed) break;
    if (core::unix_time_ms() - started_ms_ >= limit_ms) {
      std::string missing;
      for (const SeedCandidate& s : siblings_)
        if (!s.answered) missing += (missing.empty() ? "" : " ") + s.address;
      spdlog::warn("Promotion: {} of the {} sibling replica(s) seed-safe-wait {} needs did not answer within "
                   "seed-timeout ({}); writes only they acknowledged stay with them",
                   needed - answered, needed, settings.seed_safe_wait, missing);
      break;
    }
    timer_.expires_after(kRoundPause);
    co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
  if (stopped_) co_return;
  const auto best = sibling_ahead(siblings_, service_.history(), service_.instance().identity.run_id);
  if (!best) {
    finish("no other replica is ahead of us on our history");
    co_return;
  }
  co_await pull(siblings_[*best]);
}

asio::awaitable<void> PromotionCatchUp::query_round() {
  auto pending = std::make_shared<int>(0);
  auto wake = std::make_shared<asio::steady_timer>(service_.io());
  for (size_t i = 0; i < siblings_.size(); ++i) {
    if (siblings_[i].answered) continue;
    ++*pending;
    asio::co_spawn(service_.io(), query(i, pending, wake), asio::detached);
  }
  if (*pending == 0) co_return;
  wake->expires_after(kRoundLimit);
  boost::system::error_code ec;
  co_await wake->async_wait(asio::redirect_error(asio::use_awaitable, ec));
}

asio::awaitable<void> PromotionCatchUp::query(size_t index, std::shared_ptr<int> pending,
                                              std::shared_ptr<asio::steady_timer> wake) {
  auto self = shared_from_this();
  auto peer = peer_for(service_.io(), siblings_[index].address, "replica");
  if (peer && !stopped_) {
    WatchedPeer watched(service_.io(), peer, kQueryIdleMs, open_, "Promotion");
    std::string info;
    bool connected = false;
    std::string fence =
        fence_siblings_ ? protocol::encode_command({"REPLCONF", "promoting", service_.replid(), "old-primary",
                                                    old_primary_host_ + ":" + std::to_string(old_primary_port_)})
                        : std::string();
    const bool ok = co_await fetch_info(*peer, service_.instance().config.settings(),
                                        "server replication keyspace", info, connected, std::move(fence));
    if (ok && !stopped_) read_candidate_info(info, siblings_[index]);
  }
  if (--*pending == 0) wake->cancel();
}

asio::awaitable<void> PromotionCatchUp::pull(const SeedCandidate& from) {
  auto self = shared_from_this();
  std::string host;
  int port = 0;
  if (!parse_address(from.address, host, port)) {
    finish("could not read the address " + from.address);
    co_return;
  }
  phase_ = Phase::kPulling;
  from_ = from.address;
  target_ = from.offset;
  spdlog::info("Promotion: replica {} is ahead of us on our history {} (its offset {}, ours {}): following it up to "
               "there before taking writes",
               from_, from.replid, target_, service_.offset());
  const uint64_t before = service_.offset();
  link_ = std::make_shared<ReplicaLink>(service_, host, port, service_.stream_db());
  link_->catch_up_only();
  link_->start();
  const core::Settings& settings = service_.instance().config.settings();
  const int64_t pull_started = core::unix_time_ms();
  boost::system::error_code ec;
  while (!stopped_) {
    timer_.expires_after(kPullTick);
    co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (stopped_) co_return;
    const int64_t now = core::unix_time_ms();
    if (service_.replid() == from.replid && service_.offset() >= target_) {
      finish("caught up with " + from_ + ": " + std::to_string(service_.offset() - before) + " bytes");
      co_return;
    }
    link_->cron(now);
    if (now - pull_started > settings.seed_timeout * 1000 && now - link_->last_io_ms() > kPullSilentMs) {
      finish("gave up following " + from_ + " after seed-timeout, at offset " + std::to_string(service_.offset()) +
             " of " + std::to_string(target_));
      co_return;
    }
  }
}

void PromotionCatchUp::finish(std::string outcome) {
  if (link_) {
    link_->stop();
    link_.reset();
  }
  for (auto& peer : open_) peer->stop();
  phase_ = Phase::kDone;
  outcome_ = std::move(outcome);
  spdlog::info("Promotion: done after {} ms: {}", core::unix_time_ms() - started_ms_, outcome_);
  service_.end_catch_up(outcome_);
}

}  // namespace arbor::replication
