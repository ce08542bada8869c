// The replica side's service parts: becoming a replica of a primary (or a
// primary again), and replacing the dataset with a primary's snapshot.
#include <spdlog/spdlog.h>

#include <memory>
#include <vector>

#include "replication/persistence.h"
#include "replication/replica_link.h"
#include "replication/replication_service.h"

namespace arbor::replication {

void ReplicationService::replicate_from(std::string host, int port) {
  const int db = stream_db();  // the old link's, when there is one
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
  instance_.master_link_up = false;
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

void ReplicationService::become_primary() {
  if (!link_) return;
  stream_db_ = link_->stream_db();
  select_next_ = true;
  link_->stop();
  link_.reset();
  proxying_ = false;
  instance_.set_replica(false);
  instance_.master_link_up = false;
  // A new history that remembers the old one, so the other replicas of our
  // old primary can continue with us (Redis's shiftReplicationId).
  promote("promoted to primary");
  spdlog::info("MASTER MODE enabled");
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
