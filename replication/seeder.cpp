#include "replication/seeder.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

#include "protocol/number_format.h"
#include "protocol/reply_writer.h"
#include "replication/peer_query.h"
#include "replication/persistence.h"
#include "replication/replication_service.h"
#include "server/core/instance.h"

namespace arbor::replication {
namespace {

using protocol::encode_command;
using std::chrono::milliseconds;

constexpr int64_t kQueryIdleMs = 1000;  // a candidate that is up answers INFO at once
constexpr auto kRoundLimit = milliseconds(2000);
constexpr auto kRoundPause = milliseconds(1000);

}  // namespace

Seeder::Seeder(ReplicationService& service, std::vector<SeedCandidate> candidates, OwnState own, FenceInputs fence)
    : service_(service),
      candidates_(std::move(candidates)),
      own_(std::move(own)),
      fence_(std::move(fence)),
      round_timer_(service.io()) {}

const char* Seeder::phase_name() const {
  switch (phase_) {
    case Phase::kFencing: return "fencing";
    case Phase::kQuerying: return "querying";
    case Phase::kWaiting: return "waiting";
    case Phase::kTransfer: return "transfer";
    case Phase::kLoading: return "loading";
    case Phase::kDone: return "done";
  }
  return "done";
}

uint64_t Seeder::bytes_loaded() const { return transfer_ ? transfer_->transfer_read() : bytes_loaded_; }

void Seeder::append_info(std::string& out) const {
  auto field = [&out](std::string_view name, std::string_view value) {
    out.append(name).append(":").append(value).append("\r\n");
  };
  const auto answered = std::count_if(candidates_.begin(), candidates_.end(),
                                      [](const SeedCandidate& c) { return c.answered; });
  field("seeding", phase_ == Phase::kDone ? "0" : "1");
  field("seeding_state", phase_name());
  field("seeding_candidates", std::to_string(candidates_.size()));
  field("seeding_answered", std::to_string(answered));
  field("seeding_chosen", chosen_);
  field("seeding_bytes_loaded", std::to_string(bytes_loaded()));
  field("seeding_known_replicas", std::to_string(quorum_.known));
  field("seeding_needed", std::to_string(quorum_.needed));
  field("seeding_covered", std::to_string(quorum_.covered));
  std::string missing;
  for (const std::string& address : quorum_.missing) missing += (missing.empty() ? "" : " ") + address;
  field("seeding_missing", missing);
  if (transfer_ && transfer_->transfer_size() >= 0)
    field("seeding_total_bytes", std::to_string(transfer_->transfer_size()));
  if (phase_ == Phase::kDone) field("seeding_outcome", outcome_);
}

void Seeder::start() {
  started_ms_ = core::unix_time_ms();
  service_.instance().repl.seeding = true;
  std::string list;
  for (const SeedCandidate& c : candidates_) list += (list.empty() ? "" : " ") + c.address;
  if (fence_.sentinel_epoch >= 0)
    spdlog::info("Fence: a Sentinel named {}:{} the primary at config epoch {} before we stopped: waiting for its "
                 "next hello before serving",
                 service_.node_state().sentinel_primary_host, service_.node_state().sentinel_primary_port,
                 fence_.sentinel_epoch);
  if (candidates_.empty()) {
    // Nothing to ask: only the fence.
  } else if (own_.offset >= 0)
    spdlog::info("Seeding: our dump is at {}:{}; asking {} replica(s) whether one is ahead: {}", own_.replid,
                 own_.offset, candidates_.size(), list);
  else
    spdlog::info("Seeding: {}; asking {} replica(s) for their dataset before serving: {}",
                 own_.has_data ? "our dump carries no replication history" : "no dataset of our own",
                 candidates_.size(), list);
  spawn_run();
}

void Seeder::spawn_run() {
  asio::co_spawn(service_.io(), run(), [self = shared_from_this()](std::exception_ptr error) {
    if (!error || self->stopped_ || self->phase_ == Phase::kDone) return;
    // Never serve because of an internal error (it could be a stale dump or
    // nothing): ask again a second later, still answering -LOADING.
    spdlog::error("Seeding stopped after an internal error: {}; starting again in 1 s",
                  net::exception_text(error));
    self->transfer_.reset();
    self->round_timer_.expires_after(kRoundPause);
    self->round_timer_.async_wait([self](boost::system::error_code ec) {
      if (!ec && !self->stopped_) self->spawn_run();
    });
  });
}

void Seeder::stop() {
  stopped_ = true;
  round_timer_.cancel();
  if (round_) round_->timer.cancel();
  for (auto& peer : peers_) peer->stop();
}

void Seeder::finish(std::string outcome) {
  phase_ = Phase::kDone;
  outcome_ = std::move(outcome);
  peers_.clear();
  bytes_loaded_ = bytes_loaded();
  transfer_.reset();  // its buffer held the whole snapshot
  service_.instance().repl.seeding = false;
  spdlog::info("Seeding done after {} ms: {}. Ready to accept writes.", core::unix_time_ms() - started_ms_,
               outcome_);
  service_.start_serving("seeding done");
}

void Seeder::follow(const Takeover& takeover) {
  phase_ = Phase::kDone;
  outcome_ = "following " + takeover.host + ":" + std::to_string(takeover.port) + ": " + takeover.why;
  peers_.clear();
  service_.instance().repl.seeding = false;
  spdlog::warn("Fence: another primary took over while we were down: {}. Becoming its replica instead of "
               "serving (after {} ms).",
               outcome_, core::unix_time_ms() - started_ms_);
  service_.follow_at_boot(takeover.host, takeover.port);
}

asio::awaitable<void> Seeder::run() {
  const core::Settings& settings = service_.instance().config.settings();
  const int64_t deadline = started_ms_ + settings.seed_timeout * 1000;
  bool waiting = false;
  while (!stopped_) {
    phase_ = fencing_ ? Phase::kFencing : waiting ? Phase::kWaiting : Phase::kQuerying;
    chosen_.clear();
    for (SeedCandidate& c : candidates_)
      if (c.skip_rounds > 0) --c.skip_rounds;
    co_await query_all();
    if (stopped_) co_return;
    // The fence first: if another node took over, we follow it.
    auto takeover = find_takeover(candidates_, fence_.our_replids, service_.instance().identity.run_id, fence_.is_this_node);
    if (!takeover) takeover = hello_takeover();
    if (takeover) {
      follow(*takeover);
      co_return;
    }
    const bool decided = fence_decided();
    if (decided && candidates_.empty()) {
      finish(own_.has_data ? "no other primary; no replica to ask; serving our own dump"
                           : "no other primary; no replica to ask; started empty");
      co_return;
    }
    if (decided) {
      const bool expired = core::unix_time_ms() >= deadline;
      // A candidate that accepted the connection but did not answer may be
      // the most advanced: until seed-timeout, it gets more rounds.
      const bool someone_silent = std::count(silent_.begin(), silent_.end(), true) > 0;
      const std::vector<size_t> ranked = rank_candidates(candidates_, service_.instance().identity.run_id);
      quorum_ = assess_quorum(candidates_, settings.seed_safe_wait, service_.instance().identity.run_id);
      if (!ranked.empty() && quorum_.met() && (!someone_silent || expired)) {
        const SeedCandidate& best = candidates_[ranked.front()];
        spdlog::info("Seeding: {} of {} known replica(s) answered or are covered by one that did ({} needed so "
                     "that no write acknowledged by WAIT {} is missed)",
                     quorum_.covered, quorum_.known, quorum_.needed, settings.seed_safe_wait);
        if (own_.offset >= 0 && own_dump_is_newer(best)) {
          finish("kept our dump (" + own_.replid + ":" + std::to_string(own_.offset) +
                 "), as advanced as the best replica " + best.address + " (" + best.replid + ":" +
                 std::to_string(best.offset) + ")");
          co_return;
        }
        // Only the best: if its transfer fails, it sits out the next round
        // and everyone is asked again, so the quorum decides anew (a less
        // advanced replica may lack writes only the best had).
        const bool seeded = co_await pull(ranked.front());
        if (!seeded && !stopped_) {
          candidates_[ranked.front()].skip_rounds = 2;
          spdlog::warn("Seeding from {} failed; asking every replica again without it", best.address);
        }
        if (seeded || stopped_) co_return;
      }
      // Nobody to seed from: no replica answered at all (one that answers
      // but fails its transfers is asked again, never given up for empty).
      const bool nobody = std::none_of(candidates_.begin(), candidates_.end(),
                                       [&](const SeedCandidate& c) { return c.answered && c.skip_rounds == 0; }) &&
                          ranked.empty();
      // (Only when the durability rule asks for no one: a known replica
      // that is silent may hold acknowledged writes, also past seed-timeout.)
      if (expired && !settings.seed_require && nobody && quorum_.met()) {
        if (own_.has_data) {
          finish("no replica could seed us within seed-timeout; serving our own dump");
          co_return;
        }
        spdlog::warn("#################################################################");
        spdlog::warn("Seeding: no replica answered within seed-timeout ({} s). STARTING EMPTY: if the "
                     "replicas hold data, replica-protect-data keeps it from being wiped.",
                     settings.seed_timeout);
        spdlog::warn("#################################################################");
        finish("no replica answered within seed-timeout; started empty");
        co_return;
      }
      if (expired && !quorum_.met()) log_quorum_wait(quorum_);
      if (expired && !waiting && nobody && quorum_.met())
        spdlog::warn("Seeding: no replica could seed us within seed-timeout and seed-require is yes: refusing "
                     "commands that need data and retrying until one does");
      waiting = expired;
      phase_ = waiting ? Phase::kWaiting : Phase::kQuerying;
    }
    round_timer_.expires_after(kRoundPause);
    boost::system::error_code ec;
    co_await round_timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
}

asio::awaitable<void> Seeder::query_all() {
  ++rounds_;
  // Each round has its own timer: a query of an older round that ends late
  // cannot cut this one short.
  round_ = std::make_shared<Round>(service_.io(), static_cast<int>(candidates_.size()));
  silent_.assign(candidates_.size(), false);
  for (size_t i = 0; i < candidates_.size(); ++i) {
    candidates_[i].answered = false;
    asio::co_spawn(service_.io(), query(i, round_), asio::detached);
  }
  // Each query ends within its idle limit; the last one cancels the timer.
  const auto round = round_;
  round->timer.expires_after(kRoundLimit);
  boost::system::error_code ec;
  if (round->pending > 0) co_await round->timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  if (stopped_) co_return;
  if (rounds_ != 1 && rounds_ % 10 != 0) co_return;  // the log shows the first round and every tenth
  std::string summary;
  for (size_t i = 0; i < candidates_.size(); ++i) {
    const SeedCandidate& c = candidates_[i];
    const auto reason = unusable_reason(c, service_.instance().identity.run_id);
    summary += "\n  " + c.address + ": " +
               (reason ? "skipped, " + std::string(silent_[i] ? "it accepted the connection but did not answer" : *reason)
                       : c.replid + ":" + std::to_string(c.offset) + ", " + std::to_string(c.keys) + " keys, lag " +
                             std::to_string(c.lag_seconds) + " s");
  }
  spdlog::info("Seeding: candidates (round {}):{}", rounds_, summary);
}

asio::awaitable<void> Seeder::query(size_t index, std::shared_ptr<Round> round) {
  auto self = shared_from_this();
  auto peer = peer_for(service_.io(), candidates_[index].address, "replica");
  if (peer && !stopped_) {
    WatchedPeer watched(service_.io(), peer, kQueryIdleMs, peers_, "Seeding");
    std::string info;
    bool connected = false;
    const bool ok = co_await fetch_info(*peer, service_.instance().config.settings(),
                                        "server replication keyspace", info, connected);
    // Only the current round's answers count.
    if (round == round_) {
      if (ok) read_candidate_info(info, candidates_[index]);
      // Stopped while connected: the idle watch gave up on it.
      silent_[index] = connected && !candidates_[index].answered && peer->stopped();
    }
  }
  if (--round->pending == 0) round->timer.cancel();
}

bool Seeder::own_dump_is_newer(const SeedCandidate& best) const {
  return best.replid == own_.replid && static_cast<int64_t>(best.offset) <= own_.offset;
}

asio::awaitable<bool> Seeder::pull(size_t index) {
  auto self = shared_from_this();
  const SeedCandidate candidate = candidates_[index];
  core::Instance& instance = service_.instance();
  chosen_ = candidate.address;
  phase_ = Phase::kTransfer;
  spdlog::info("Seeding: chose replica {} ({}:{}, {} keys); pulling a full snapshot", candidate.address,
               candidate.replid, candidate.offset, candidate.keys);
  transfer_ = peer_for(service_.io(), candidate.address, "replica");
  if (!transfer_) co_return false;
  auto peer = transfer_;
  WatchedPeer watched(service_.io(), peer, instance.config.settings().repl_timeout * 1000, peers_, "Seeding");

  std::string psync = encode_command({"PSYNC", "?", "-1"});
  bool ok = co_await peer->connect();
  if (ok) ok = co_await peer->handshake(instance.config.settings(), 0);
  if (ok) ok = co_await peer->write(std::move(psync));
  std::string line;
  while (ok && line.empty()) ok = co_await peer->read_line(line);  // keep-alives first
  if (!ok) co_return false;
  const auto space = line.starts_with("+FULLRESYNC ") ? line.find(' ', 12) : std::string::npos;
  const auto offset = space == 52 ? protocol::parse_int64(std::string_view(line).substr(53)) : std::nullopt;
  if (!offset || *offset < 0) {
    spdlog::warn("Seeding: unexpected reply to PSYNC from {}: {}", candidate.address, line);
    co_return false;
  }
  const std::string replid = line.substr(12, 40);
  std::string_view payload;
  ok = co_await peer->read_snapshot(payload);
  if (!ok) co_return false;
  phase_ = Phase::kLoading;
  spdlog::info("Seeding: {} bytes received from {}; loading", payload.size(), candidate.address);
  ParsedRdb parsed;
  RdbParseResult result;
  // Keys that expired on the way are kept: our expiry deletes them and
  // sends the DEL our replicas need.
  if (!parse_into_fresh_databases(instance, payload, false, parsed, result)) {
    spdlog::warn("Seeding: the snapshot from {} does not load: {} at offset {}", candidate.address, result.error,
                 result.offset);
    co_return false;
  }
  peer->consume_snapshot();
  peer->stop();
  // The chosen replica's backlog, so that replicas behind it continue.
  std::string backlog;
  uint64_t backlog_first = static_cast<uint64_t>(*offset) + 1;
  if (candidate.backlog_histlen > 0 && candidate.backlog_first <= static_cast<uint64_t>(*offset)) {
    const bool fetched = co_await fetch_backlog(candidate, replid, static_cast<uint64_t>(*offset), backlog);
    if (fetched) backlog_first = candidate.backlog_first;
  }
  if (stopped_) co_return false;
  service_.adopt_seed(parsed, replid, static_cast<uint64_t>(*offset), backlog_first, backlog);
  finish("seeded " + std::to_string(parsed.keys) + " keys from " + candidate.address + ", history " + replid +
         " at offset " + std::to_string(*offset) + ", backlog from offset " +
         std::to_string(service_.backlog()->first_offset()));
  co_return true;
}

asio::awaitable<bool> Seeder::fetch_backlog(const SeedCandidate& from, const std::string& replid, uint64_t offset,
                                            std::string& bytes) {
  auto peer = peer_for(service_.io(), from.address, "replica");
  if (!peer) co_return false;
  WatchedPeer watched(service_.io(), peer, service_.instance().config.settings().repl_timeout * 1000, peers_, "Seeding");
  std::string psync = encode_command({"PSYNC", replid, std::to_string(from.backlog_first)});
  std::string line;
  bool ok = co_await peer->connect();
  if (ok) ok = co_await peer->handshake(service_.instance().config.settings(), 0);
  if (ok) ok = co_await peer->write(std::move(psync));
  if (ok) ok = co_await peer->read_line(line);
  // "+CONTINUE" or "+CONTINUE <replid>": the same history, from our offset.
  ok = ok && line.starts_with("+CONTINUE") && (line.size() <= 10 || line.substr(10) == replid);
  const size_t wanted = static_cast<size_t>(offset + 1 - from.backlog_first);
  if (ok) ok = co_await peer->read_exactly(wanted);
  if (ok) bytes.assign(peer->unread().substr(0, wanted));
  else spdlog::warn("Seeding: could not fetch the backlog of {} ({}); replicas behind it will need a full sync",
                    from.address, line);
  co_return ok;
}

// The service's side of seeding.

void ReplicationService::adopt_seed(ParsedRdb& parsed, const std::string& replid, uint64_t offset,
                                    uint64_t backlog_first, std::string_view backlog) {
  replace_dataset(parsed, "the dataset is replaced by the seed");
  instance_.persistence.dirty += parsed.keys;  // the dump on disk (if any) is older: the save schedule writes a new one
  // The same history, not a new one: the replicas continue with +CONTINUE.
  adopt_history(replid, offset, saved_history(parsed).stream_db);
  if (!backlog.empty() && backlog_first + backlog.size() == offset + 1) {
    backlog_.emplace(static_cast<size_t>(instance_.config.settings().repl_backlog_size), backlog_first);
    backlog_->append(backlog);
  }
  update_good_replicas();
}

}  // namespace arbor::replication
