// The replication service at start and across restarts: what a node
// remembers of its role (<dir>/arbor-state, node_state.h), the boot's
// choice between following a primary, deciding with the fence and seeding,
// and serving at once; and the Sentinel hellos it hears.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "replication/persistence.h"
#include "replication/replica_link.h"
#include "replication/replication_service.h"
#include "replication/this_node.h"

namespace arbor::replication {

NodeState ReplicationService::load_node_state() const {
  std::ifstream in(path_in_dir(instance_, "arbor-state"));
  std::stringstream text;
  text << in.rdbuf();
  return parse_node_state(text.str());
}

void ReplicationService::save_node_state() {
  std::string error;
  const std::string path = path_in_dir(instance_, "arbor-state");
  if (!replace_file(path + ".tmp", path, format_node_state(node_state_), error))
    spdlog::warn("Cannot write {}: {}", path, error);
}

void ReplicationService::record_role() {
  node_state_.role = is_replica() ? "slave" : "master";
  node_state_.replid = history_.replid;
  node_state_.offset = history_.offset;
  node_state_.master_host = link_ ? link_->host() : std::string();
  node_state_.master_port = link_ ? link_->port() : 0;
  save_node_state();
}

bool ReplicationService::is_this_node(std::string_view host, int port) const {
  const core::Settings& settings = instance_.config.settings();
  const int announced = settings.replica_announce_port > 0 ? static_cast<int>(settings.replica_announce_port) : 0;
  return names_this_node(host, port, instance_.identity.tcp_port, settings.replica_announce_ip) ||
         (announced > 0 && names_this_node(host, port, announced, settings.replica_announce_ip));
}

void ReplicationService::boot(const SavedHistory& dump) {
  node_state_ = load_node_state();
  // A node restarted from its own dump keeps its place in the history: a
  // replica asks to continue from it, a primary's replicas continue.
  if (dump.offset >= 0) adopt_history(dump.replid, static_cast<uint64_t>(dump.offset), dump.stream_db);
  // Bytes past a successor's fork are ours to drop only if we wrote them.
  if (node_state_.role == "master" && !node_state_.replid.empty() && node_state_.replid == history_.replid)
    wrote_history_ = true;
  const core::Settings& settings = instance_.config.settings();
  if (!settings.replicaof.empty()) {
    const size_t space = settings.replicaof.find(' ');
    replicate_from(settings.replicaof.substr(0, space), std::stoi(settings.replicaof.substr(space + 1)));
    return;
  }
  // Whom to ask: seed-from, and every replica that synced with us (those
  // count for the durability rule: a WAIT may have counted them).
  std::vector<SeedCandidate> candidates;
  for (const KnownReplica& known : known_replicas_.replicas()) {
    SeedCandidate c;
    c.address = known.address;
    c.known = true;
    c.left = known.left;
    c.left_replid = known.left_replid;
    c.left_offset = known.left_offset;
    candidates.push_back(std::move(c));
  }
  for (const std::string& address : settings.seed_from) {
    const bool listed = std::any_of(candidates.begin(), candidates.end(),
                                    [&](const SeedCandidate& c) { return c.address == address; });
    if (listed) continue;
    candidates.emplace_back();
    candidates.back().address = address;
  }
  if (candidates.empty() && node_state_.sentinel_epoch < 0) {
    start_serving("restarted from its dump");
    return;
  }
  Seeder::OwnState own;
  own.replid = dump.replid;
  own.offset = dump.offset;
  for (int i = 0; i < instance_.db_count() && !own.has_data; ++i) own.has_data = instance_.db(i).size() > 0;
  Seeder::FenceInputs fence;
  fence.our_replids = {dump.replid, node_state_.replid};
  fence.sentinel_epoch = node_state_.sentinel_epoch;
  fence.is_this_node = [this](std::string_view host, int port) { return is_this_node(host, port); };
  seeder_ = std::make_shared<Seeder>(*this, std::move(candidates), std::move(own), std::move(fence));
  seeder_->start();
}

void ReplicationService::follow_at_boot(const std::string& host, int port) {
  instance_.config.settings().replicaof = host + " " + std::to_string(port);
  replicate_from(host, port);
}

bool ReplicationService::end_seeding(std::string_view why) {
  if (!seeder_ || seeder_->phase() == Seeder::Phase::kDone) return false;
  seeder_->abandon(why);
  return true;
}

void ReplicationService::on_sentinel_hello(std::string_view payload) {
  const auto hello = parse_sentinel_hello(payload);
  if (!hello) return;
  if (seeder_) seeder_->on_sentinel_hello(*hello);
  const bool newer = hello->config_epoch > node_state_.sentinel_epoch;
  const bool moved = hello->config_epoch == node_state_.sentinel_epoch &&
                     (hello->master_host != node_state_.sentinel_primary_host ||
                      hello->master_port != node_state_.sentinel_primary_port);
  if (!newer && !moved) return;
  node_state_.sentinel_primary_host = hello->master_host;
  node_state_.sentinel_primary_port = hello->master_port;
  node_state_.sentinel_epoch = hello->config_epoch;
  spdlog::info("Sentinel {}:{} names {}:{} the primary of '{}', config epoch {} (remembered in arbor-state)",
               hello->sentinel_ip, hello->sentinel_port, hello->master_host, hello->master_port, hello->master_name,
               hello->config_epoch);
  save_node_state();
}

}  // namespace arbor::replication
