// The replica side's service parts: becoming a replica of a primary (or a
// primary again), and replacing the dataset with a primary's snapshot.
#include <spdlog/spdlog.h>

#include <memory>
#include <vector>

#include "replication/peer_query.h"
#include "replication/persistence.h"
#include "replication/replica_link.h"
#include "replication/replication_service.h"

namespace arbor::replication {

void ReplicationService::replicate_from(std::string host, int port) {
  const int db = stream_db();  // the old link's, when there is one
  const bool writes_waited = stop_catch_up();
  siblings_.clear();  // the new primary's replicas are read from its INFO
  if (link_) {
    link_->stop();
    link_.reset();
  }
  if (!is_replica()) {
    // Our own history is what we ask to continue (Redis's
    // replicationCacheMasterUsingMyself): a demoted primary can then
    // resync partially with the replica promoted in its place.
    spdlog::info("Before turning into a replica, using my own master parameters to synthesize a cached master: I "
                 "may be able to synchronize with the new master with just a partial transfer.");
  }
  proxying_ = true;
  instance_.set_replica(true);
  instance_.repl.master_link_up = false;
  if (writes_waited) instance_.resume_writes();  // as a replica's: -READONLY
  // Clients blocked in BLPOP & co. can no longer be served here.
  std::vector<core::ClientState*> blocked;
  for (core::ClientState* client : instance_.clients())
    if (client->blocked && !client->blocked->wait_target && !client->blocked->postponed) blocked.push_back(client);
  for (core::ClientState* client : blocked)
    instance_.unblock_client(*client, "UNBLOCKED force unblock from blocking operation, instance state changed "
                                      "(master -> replica?)");
  link_ = std::make_shared<ReplicaLink>(*this, std::move(host), port, db);
  record_role();
  link_->start();
}

void ReplicationService::become_primary(bool catch_up_with_siblings, bool failover_decided) {
  if (!link_) return;
  const std::string old_host = link_->host();
  const int old_port = link_->port();
  stream_db_ = link_->stream_db();
  select_next_ = true;
  link_->stop();
  link_.reset();
  instance_.set_replica(false);
  instance_.repl.master_link_up = false;
  if (catch_up_with_siblings && !siblings_.empty() && backlog_) {
    // Writes wait (reads are served: our data is a prefix of the history),
    // and the stream we apply meanwhile is a sibling's.
    instance_.pause_writes();
    catch_up_ = std::make_shared<PromotionCatchUp>(*this, siblings_, old_host, old_port, failover_decided);
    catch_up_->start();
    return;
  }
  end_catch_up(catch_up_with_siblings ? "no other replica of our old primary is known" : "a coordinated failover");
}

void ReplicationService::end_catch_up(std::string_view outcome) {
  siblings_.clear();
  proxying_ = false;
  select_next_ = true;
  // A new history that remembers the old one, so the other replicas of our
  // old primary can continue with us (Redis's shiftReplicationId); then
  // the writes that waited run on it.
  promote("promoted to primary; " + std::string(outcome));
  spdlog::info("MASTER MODE enabled");
  instance_.resume_writes();
}

bool ReplicationService::stop_catch_up() {
  if (!catch_up_) return false;
  const bool running = catch_up_->phase() != PromotionCatchUp::Phase::kDone;
  catch_up_->stop();
  catch_up_.reset();
  return running;
}

void ReplicationService::hold_off_primary(std::string_view replid, std::string_view old_primary,
                                          std::string_view who) {
  if (!link_ || replid != history_.replid || old_primary != link_->host() + ":" + std::to_string(link_->port()))
    return;
  if (!link_->holding_off())
    spdlog::warn("{} is being promoted in place of MASTER {} on our history {}: not following it for {} s unless "
                 "told REPLICAOF, so nothing it takes meanwhile counts as acknowledged by us",
                 who, link_->host() + ":" + std::to_string(link_->port()), replid, kHoldOffMs / 1000);
  link_->hold_off(kHoldOffMs);
}

void ReplicationService::set_siblings(const std::vector<std::string>& replicas) {
  std::vector<std::string> others;
  for (const std::string& address : replicas) {
    std::string host;
    int port = 0;
    if (parse_address(address, host, port) && !is_this_node(host, port)) others.push_back(address);
  }
  if (others != siblings_) {
    std::string list;
    for (const std::string& address : others) list += " " + address;
    spdlog::info("The other replicas of our primary:{}", list.empty() ? " none" : list);
    siblings_ = std::move(others);
  }
}

void ReplicationService::replace_dataset(ParsedRdb& parsed, std::string_view why) {
  // Our replicas hold the old dataset: they must sync again.
  disconnect_replicas();
  abort_snapshot(why);
  swap_in(instance_, parsed);
}

bool ReplicationService::load_from_primary(std::string_view rdb, std::string& error) {
  // A replica keeps keys that expired on the way: its primary's DEL follows.
  ParsedRdb parsed;
  RdbParseResult result;
  if (!parse_into_fresh_databases(instance_, rdb, false, parsed, result)) {
    error = result.error + " at offset " + std::to_string(result.offset) + " of " + std::to_string(rdb.size());
    return false;
  }
  replace_dataset(parsed, "the dataset is replaced by a full sync");
  spdlog::info("MASTER <-> REPLICA sync: {} keys loaded", parsed.keys);
  return true;
}

}  // namespace arbor::replication
