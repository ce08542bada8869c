#include "tests/faults/fault_cluster.h"

#include <signal.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace arbor::faults {
namespace {

int count(const std::string& text, const std::string& needle) {
  int n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

}  // namespace

const char* kind_name(ServerKind kind) { return kind == ServerKind::kArbor ? "arbor" : "redis"; }

FaultNode::FaultNode(ServerKind kind, std::string dir, uint16_t hidden_port, uint16_t public_port)
    : kind_(kind), dir_(std::move(dir)), hidden_port_(hidden_port), public_port_(public_port) {
  std::filesystem::create_directories(dir_);
}

bool FaultNode::start_first(std::optional<uint16_t> primary_public) {
  // No persistence on either side: the case Redis's documentation warns
  // of, and the one arbor's seeding and fence are for.
  std::string conf = "port " + std::to_string(hidden_port_) + "\nbind 127.0.0.1\ndir " + dir_ +
                     "\nlogfile " + dir_ + "/node.log\nsave \"\"\nreplica-announce-port " +
                     std::to_string(public_port_) + "\n";
  if (kind_ == ServerKind::kRedis)
    conf += "appendonly no\nenable-debug-command yes\nrepl-diskless-sync-delay 0\n";
  else
    conf += "loglevel verbose\nseed-timeout 3\n";
  if (primary_public) conf += "replicaof 127.0.0.1 " + std::to_string(*primary_public) + "\n";
  std::ofstream(dir_ + "/node.conf") << conf;
  return spawn();
}

bool FaultNode::restart() { return spawn(); }

bool FaultNode::spawn() {
  const std::string program = kind_ == ServerKind::kArbor ? test::arbor_server_path() : "/usr/bin/redis-server";
  child_.spawn(program, {dir_ + "/node.conf"}, dir_ + "/stdout.log");
  killed_ = false;
  paused_ = false;
  const bool answering = test::eventually(
      [&] { return !child_.running() || test::answers_ping(hidden_port_, milliseconds(200)); }, milliseconds(10000));
  return answering && child_.running();
}

void FaultNode::kill() {
  killed_ = true;
  paused_ = false;
  child_.kill_now();
}

void FaultNode::pause() {
  if (child_.running() && ::kill(child_.pid(), SIGSTOP) == 0) paused_ = true;
}

void FaultNode::resume() {
  if (paused_) ::kill(child_.pid(), SIGCONT);
  paused_ = false;
}

bool FaultNode::crashed() { return !killed_ && !child_.running(); }

std::string FaultNode::log() const { return test::read_file(dir_ + "/node.log") + test::read_file(dir_ + "/stdout.log"); }

int FaultNode::full_resyncs() const { return count(test::read_file(dir_ + "/node.log"), "Full resync from master"); }

void FaultNode::stop() {
  resume();
  killed_ = true;
  child_.terminate(milliseconds(10000));
}

FaultCluster::FaultCluster(ServerKind kind, const std::string& work_dir, int down_after_ms)
    : kind_(kind), work_dir_(work_dir) {
  for (size_t i = 0; i < 3; ++i) {
    const uint16_t hidden = test::pick_free_port();
    const size_t proxy = proxies_.add(hidden);
    nodes_.push_back(std::make_unique<FaultNode>(kind, work_dir + "/node" + std::to_string(i), hidden,
                                                 proxies_.public_port(proxy)));
  }
  if (!nodes_[0]->start_first(std::nullopt)) return;
  for (size_t i = 1; i < 3; ++i)
    if (!nodes_[i]->start_first(nodes_[0]->public_port())) return;
  test::SentinelSettings settings;
  settings.down_after_ms = down_after_ms;
  settings.failover_timeout_ms = 5000;
  sentinels_ = std::make_unique<test::SentinelGroup>(nodes_[0]->public_port(), 2, settings);
  ok_ = sentinels_->ok() && wait_healthy(milliseconds(30000));
}

FaultCluster::~FaultCluster() {
  // The Sentinels' logs live in their temporary folders: kept beside the nodes'.
  if (sentinels_) std::ofstream(work_dir_ + "/sentinels.log") << sentinels_->logs();
  sentinels_.reset();  // first, so they do not fail anything over while we stop
  for (auto& n : nodes_) n->stop();
}

std::optional<size_t> FaultCluster::primary() {
  const auto port = sentinels_->primary_port();
  if (!port) return std::nullopt;
  for (size_t i = 0; i < nodes_.size(); ++i)
    if (nodes_[i]->public_port() == *port) return i;
  return std::nullopt;
}

ClusterHealth FaultCluster::health() {
  ClusterHealth h;
  h.primary = primary();
  if (!h.primary) {
    h.why = "the Sentinels do not agree on a primary";
    return h;
  }
  for (size_t i = 0; i < nodes_.size(); ++i) {
    FaultNode& n = *nodes_[i];
    if (!n.up() || n.paused()) {
      h.why = "node " + std::to_string(i) + " is down or paused";
      return h;
    }
    Client c(n.public_port(), milliseconds(1000));
    const std::string info = c.cmd({"INFO", "replication"}).str;
    const auto role = test::info_field(info, "role");
    if (i == *h.primary) {
      if (role != "master" || test::info_field(info, "seeding").value_or("0") != "0") {
        h.why = "the named primary is not serving yet";
        return h;
      }
    } else if (role != "slave" ||
               test::info_field(info, "master_port") != std::to_string(nodes_[*h.primary]->public_port()) ||
               test::info_field(info, "master_link_status") != "up") {
      h.why = "node " + std::to_string(i) + " does not follow the primary yet";
      if (test::info_field(info, "replica_protect_data_refusing").value_or("no") != "no") h.protecting = i;
      return h;
    }
  }
  h.healthy = true;
  return h;
}

bool FaultCluster::wait_healthy(milliseconds timeout) {
  return test::eventually([&] { return health().healthy; }, timeout, milliseconds(100));
}

bool FaultCluster::converged(milliseconds timeout, std::string& why, int& released) {
  const bool ok = test::eventually(
      [&] {
        const ClusterHealth h = health();
        if (!h.healthy && h.protecting) {
          Client r(nodes_[*h.protecting]->public_port(), milliseconds(2000));
          r.cmd({"REPLICAOF", "127.0.0.1", std::to_string(nodes_[*h.primary]->public_port())});
          ++released;
        }
        if (!h.healthy) {
          why = h.why;
          return false;
        }
        Client p(nodes_[*h.primary]->public_port(), milliseconds(2000));
        const int64_t target = test::info_int(p, "replication", "master_repl_offset");
        const std::string digest = p.cmd({"DEBUG", "DIGEST"}).str;
        for (size_t i = 0; i < nodes_.size(); ++i) {
          if (i == *h.primary) continue;
          Client r(nodes_[i]->public_port(), milliseconds(2000));
          if (test::info_int(r, "replication", "slave_repl_offset") < target) {
            why = "node " + std::to_string(i) + " is behind the primary's offset";
            return false;
          }
          if (r.cmd({"DEBUG", "DIGEST"}).str != digest) {
            why = "node " + std::to_string(i) + " has another DEBUG DIGEST than the primary";
            return false;
          }
        }
        return true;
      },
      timeout, milliseconds(200));
  return ok;
}

}  // namespace arbor::faults
