#include "tests/faults/fault_run.h"

#include <sys/resource.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <sstream>
#include <thread>

#include "tests/faults/fault_workload.h"

namespace arbor::faults {
namespace {

// Fault durations are the schedule itself (how long a node stays paused,
// a link cut), not waits for something to happen: those poll.
void hold(milliseconds duration) { std::this_thread::sleep_for(duration); }

class Episodes {
 public:
  Episodes(FaultCluster& cluster, const RunOptions& options, RunResult& result)
      : cluster_(cluster), options_(options), result_(result), random_(options.seed) {}

  using Episode = void (Episodes::*)();
  struct Named {
    const char* name;
    Episode run;
    bool link;  // a link fault: only with link_faults
  };
  static const std::vector<Named>& all() {
    static const std::vector<Named> kEpisodes = {
        {"kill-primary-quick", &Episodes::kill_primary_quick, false},
        {"kill-primary-twice", &Episodes::kill_primary_twice, false},
        {"kill-primary-after-failover", &Episodes::kill_primary_after_failover, false},
        {"kill-replica", &Episodes::kill_replica, false},
        {"pause-node", &Episodes::pause_node, false},
        {"client-kill-master", &Episodes::client_kill_master, false},
        {"slow-advanced-replica", &Episodes::slow_advanced_replica, false},
        {"allocation-failure", &Episodes::allocation_failure, false},
        {"cut-link", &Episodes::cut_link, true},
        {"delay-link", &Episodes::delay_link, true},
    };
    return kEpisodes;
  }

  // The `index`th episode: from the fixed list, or drawn with the seed.
  void run_one(size_t index) {
    Episode episode = nullptr;
    if (!options_.fixed_episodes.empty()) {
      const std::string& wanted = options_.fixed_episodes[index % options_.fixed_episodes.size()];
      for (const Named& e : all())
        if (wanted == e.name) episode = e.run;
    } else {
      std::vector<Episode> kinds;
      for (const Named& e : all())
        if (!e.link || options_.link_faults) kinds.push_back(e.run);
      episode = kinds[pick(kinds.size())];
    }
    if (episode == nullptr) return note("unknown episode");
    (this->*episode)();
    heal();
    hold(between(500, 1500));
  }

  // Everything back: paused nodes resumed, dead ones restarted, proxies
  // healed; then wait for one primary with both replicas following it.
  void heal() {
    for (size_t i = 0; i < cluster_.size(); ++i) {
      cluster_.proxies().heal(i);
      FaultNode& n = cluster_.node(i);
      n.resume();
      if (n.crashed()) ++result_.crashes;
      if (!n.up()) n.restart();
    }
    if (!cluster_.wait_healthy(milliseconds(60000))) note("not healthy 60 s after the episode: " + cluster_.health().why);
  }

 private:
  size_t pick(size_t n) { return static_cast<size_t>(random_() % n); }
  milliseconds between(int64_t low, int64_t high) {
    return milliseconds(low + static_cast<int64_t>(random_() % static_cast<uint64_t>(high - low + 1)));
  }
  void note(std::string what) {
    if (options_.verbose) std::printf("  [%s seed %llu] %s\n", kind_name(options_.kind),
                                      static_cast<unsigned long long>(options_.seed), what.c_str());
    result_.episodes.push_back(std::move(what));
  }
  size_t primary() { return cluster_.primary().value_or(0); }
  size_t some_replica(size_t primary) { return (primary + 1 + pick(cluster_.size() - 1)) % cluster_.size(); }

  void kill_primary_quick() {
    const size_t p = primary();
    const milliseconds down = between(50, 400);
    note("kill -9 primary node" + std::to_string(p) + ", restart after " + std::to_string(down.count()) + " ms");
    kill_and_restart(p, down);
  }

  void kill_and_restart(size_t n, milliseconds down) {
    ++result_.faults;
    cluster_.node(n).kill();
    hold(down);
    cluster_.node(n).restart();
  }

  void kill_primary_twice() {
    const size_t p = primary();
    const milliseconds seeding = between(100, 800);
    note("kill -9 primary node" + std::to_string(p) + ", restart, kill -9 again " + std::to_string(seeding.count()) +
         " ms into its restart, restart");
    result_.faults += 2;
    cluster_.node(p).kill();
    cluster_.node(p).restart();
    hold(seeding);
    cluster_.node(p).kill();
    hold(milliseconds(100));
    cluster_.node(p).restart();
  }

  void kill_primary_after_failover() {
    const size_t p = primary();
    note("kill -9 primary node" + std::to_string(p) + ", restart after the Sentinels fail over");
    ++result_.faults;
    const uint16_t old_port = cluster_.node(p).public_port();
    cluster_.node(p).kill();
    if (!cluster_.sentinels().wait_for_failover(old_port, milliseconds(30000))) note("no failover within 30 s");
    hold(between(0, 2000));
    cluster_.node(p).restart();
  }

  void kill_replica() {
    const size_t r = some_replica(primary());
    const milliseconds down = between(200, 3000);
    note("kill -9 replica node" + std::to_string(r) + ", restart after " + std::to_string(down.count()) + " ms");
    kill_and_restart(r, down);
  }

  void pause_node() {
    const size_t n = pick(cluster_.size());
    const milliseconds paused = between(300, 2 * options_.down_after_ms + 1000);
    note("SIGSTOP node" + std::to_string(n) + (n == primary() ? " (primary)" : "") + " for " +
         std::to_string(paused.count()) + " ms");
    ++result_.faults;
    cluster_.node(n).pause();
    hold(paused);
    cluster_.node(n).resume();
  }

  void client_kill_master() {
    const size_t r = some_replica(primary());
    note("CLIENT KILL TYPE master on replica node" + std::to_string(r));
    ++result_.faults;
    Client c(cluster_.node(r).public_port(), milliseconds(2000));
    c.cmd({"CLIENT", "KILL", "TYPE", "master"});
  }

  // The case: R2 falls behind, R1 alone acknowledges, R1 stops too,
  // the primary dies and comes back while R1 is still stopped for longer
  // than seed-timeout.
  void slow_advanced_replica() {
    const size_t p = primary();
    const size_t r2 = some_replica(p);
    const size_t r1 = (3 - p - r2) % 3;
    note("slow most advanced replica: pause node" + std::to_string(r2) + ", cut the replicas' links, writes acked by node" +
         std::to_string(r1) + ", pause it, kill -9 primary node" + std::to_string(p) + ", resume node" +
         std::to_string(r2) + ", restart the primary, resume node" + std::to_string(r1) + " 5 s later");
    result_.faults += 3;
    cluster_.node(r2).pause();
    {
      Client c(cluster_.node(p).public_port(), milliseconds(2000));
      c.cmd({"CLIENT", "KILL", "TYPE", "replica"});  // R2 cannot come back while paused
    }
    hold(between(800, 1500));  // the writer's acknowledged writes land on R1 alone
    cluster_.node(r1).pause();
    cluster_.node(p).kill();
    cluster_.node(r2).resume();
    hold(milliseconds(200));
    cluster_.node(p).restart();
    hold(milliseconds(5000));  // longer than arbor's seed-timeout (3 s) in the fault cluster
    cluster_.node(r1).resume();
  }

  // The primary's address space is capped a little above what it uses now
  // (prlimit on the running process), a client writes 1 MB values until an
  // allocation fails, the cap is lifted and the values deleted. arbor must
  // refuse the write everywhere; Redis aborts on a failed allocation.
  void allocation_failure() {
    const size_t p = primary();
    const pid_t pid = cluster_.node(p).pid();
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    int64_t vm_kb = 0;
    while (std::getline(status, line))
      if (line.rfind("VmSize:", 0) == 0) vm_kb = std::stoll(line.substr(7));
    rlimit cap{static_cast<rlim_t>((vm_kb << 10) + (192LL << 20)), RLIM_INFINITY};
    note("allocation failure: primary node" + std::to_string(p) + " capped at " + std::to_string(cap.rlim_cur >> 20) +
         " MB of address space, 1 MB SETs until one fails");
    ++result_.faults;
    if (::prlimit(pid, RLIMIT_AS, &cap, nullptr) != 0) return note("prlimit failed");
    int written = 0;
    {
      Client c(cluster_.node(p).public_port(), milliseconds(5000));
      const std::string value(1 << 20, 'm');
      for (; written < 1000; ++written) {
        const Reply reply = c.cmd({"SET", "big:" + std::to_string(written), value});
        if (!test::is_status(reply, "OK")) {
          note("  refused after " + std::to_string(written) + " MB: " +
               (reply.type == test::ReplyType::kError ? reply.str.substr(0, 60) : std::string("no reply")));
          break;
        }
      }
    }
    const rlimit lifted{RLIM_INFINITY, RLIM_INFINITY};
    if (cluster_.node(p).up()) ::prlimit(pid, RLIMIT_AS, &lifted, nullptr);
    if (!cluster_.wait_healthy(milliseconds(60000))) return;
    if (const auto now = cluster_.primary()) {
      Client c(cluster_.node(*now).public_port(), milliseconds(5000));
      for (int i = 0; i < written; i += 100) {
        std::vector<std::string> del = {"DEL"};
        for (int k = i; k < std::min(written, i + 100); ++k) del.push_back("big:" + std::to_string(k));
        c.cmd(del);
      }
    }
  }

  void cut_link() {
    const size_t n = pick(cluster_.size());
    const milliseconds cut = between(500, 2 * options_.down_after_ms + 1000);
    note("cut every link of node" + std::to_string(n) + (n == primary() ? " (primary)" : "") + " for " +
         std::to_string(cut.count()) + " ms");
    ++result_.faults;
    cluster_.proxies().cut(n, cut);
    hold(cut);
  }

  void delay_link() {
    const size_t n = pick(cluster_.size());
    const milliseconds delay = between(20, 300), span = between(1000, 4000);
    note("delay node" + std::to_string(n) + "'s links by " + std::to_string(delay.count()) + " ms for " +
         std::to_string(span.count()) + " ms");
    ++result_.faults;
    cluster_.proxies().delay(n, delay, span);
    hold(span);
  }

  FaultCluster& cluster_;
  const RunOptions& options_;
  RunResult& result_;
  std::mt19937_64 random_;
};

// Acknowledged writes absent from the primary (MGET in batches).
int64_t count_lost(FaultCluster& cluster, const std::vector<int64_t>& acknowledged) {
  const auto p = cluster.primary();
  if (!p) return static_cast<int64_t>(acknowledged.size());
  Client c(cluster.node(*p).public_port(), milliseconds(5000));
  int64_t lost = 0;
  for (size_t at = 0; at < acknowledged.size(); at += 500) {
    std::vector<std::string> mget = {"MGET"};
    for (size_t i = at; i < std::min(acknowledged.size(), at + 500); ++i)
      mget.push_back("w:" + std::to_string(acknowledged[i]));
    const Reply values = c.cmd(mget);
    for (size_t i = 1; i < mget.size(); ++i) {
      const bool present = i - 1 < values.elements.size() && values.elements[i - 1].type == test::ReplyType::kBulk;
      lost += !present;
    }
  }
  return lost;
}

}  // namespace

std::vector<std::string> episode_names() {
  std::vector<std::string> names;
  for (const auto& e : Episodes::all()) names.emplace_back(e.name);
  return names;
}

std::string RunResult::line() const {
  std::ostringstream out;
  out << kind_name(kind) << " seed " << seed << ": ";
  if (!started) return out.str() + "the cluster did not start";
  out << "ops=" << operations << " faults=" << faults << " acked=" << acknowledged << " lost=" << lost
      << " missing-reads=" << missing_reads << " full-resyncs=" << full_resyncs << " unavailable=";
  out.precision(1);
  out << std::fixed << unavailable_seconds << "s converged=" << (converged ? "yes" : "no") << " crashes=" << crashes;
  if (protecting_released > 0) out << " protecting-released=" << protecting_released;
  if (!converged) out << " (" << not_converged_why << ")";
  return out.str();
}

RunResult run_faults(const RunOptions& options) {
  RunResult result;
  result.kind = options.kind;
  result.seed = options.seed;
  const std::string dir = options.work_dir + "/" + kind_name(options.kind) + "-" + std::to_string(options.seed);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  FaultCluster cluster(options.kind, dir, options.down_after_ms);
  if (!cluster.ok()) return result;
  result.started = true;
  Workload workload(cluster);
  test::eventually([&] { return workload.acknowledged_count() >= 50; }, milliseconds(20000));
  Episodes episodes(cluster, options, result);
  const int count = options.fixed_episodes.empty() ? options.episodes : static_cast<int>(options.fixed_episodes.size());
  for (int i = 0; i < count; ++i) episodes.run_one(static_cast<size_t>(i));
  episodes.heal();
  const int64_t before = workload.acknowledged_count();
  test::eventually([&] { return workload.acknowledged_count() >= before + 20; }, milliseconds(20000));
  workload.stop();
  result.operations = workload.operations();
  result.acknowledged = workload.acknowledged_count();
  result.missing_reads = workload.missing_reads();
  result.unavailable_seconds = workload.unavailable_seconds();
  result.converged = cluster.converged(milliseconds(60000), result.not_converged_why, result.protecting_released);
  result.lost = count_lost(cluster, workload.acknowledged());
  for (size_t i = 0; i < cluster.size(); ++i) {
    result.full_resyncs += cluster.node(i).full_resyncs();
    if (cluster.node(i).crashed()) ++result.crashes;
  }
  return result;
}

}  // namespace arbor::faults
