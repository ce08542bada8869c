// tools/faults: the long fault suite. Runs N seeded runs against arbor and
// redis-server 7.0 with the same schedules, prints one line per run and a
// summary, and fails when arbor lost an acknowledged write, did not
// converge or crashed (with link faults: lost more than Redis), or needed
// more full resyncs than Redis.
//   fault_runner [--runs N] [--seed S] [--episodes E] [--links] [--servers arbor,redis]
//                [--down-after MS] [--work-dir DIR] [--only episode,episode,...] [--verbose]
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "tests/faults/fault_run.h"

using namespace arbor::faults;

int main(int argc, char** argv) {
  int runs = 1, episodes = 6;
  uint64_t seed = 1;
  RunOptions base;
  base.work_dir = "/tmp/arbor-faults";
  std::vector<ServerKind> kinds = {ServerKind::kArbor, ServerKind::kRedis};
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "%s needs a value\n", arg.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (arg == "--runs") runs = std::stoi(value());
    else if (arg == "--seed") seed = std::stoull(value());
    else if (arg == "--episodes") episodes = std::stoi(value());
    else if (arg == "--links") base.link_faults = true;
    else if (arg == "--down-after") base.down_after_ms = std::stoi(value());
    else if (arg == "--work-dir") base.work_dir = value();
    else if (arg == "--verbose") base.verbose = true;
    else if (arg == "--only") {
      const std::string list = value();
      for (size_t at = 0; at <= list.size();) {
        const size_t comma = std::min(list.find(',', at), list.size());
        base.fixed_episodes.push_back(list.substr(at, comma - at));
        at = comma + 1;
      }
    }
    else if (arg == "--servers") {
      const std::string list = value();
      kinds.clear();
      if (list.find("arbor") != std::string::npos) kinds.push_back(ServerKind::kArbor);
      if (list.find("redis") != std::string::npos) kinds.push_back(ServerKind::kRedis);
    } else {
      std::fprintf(stderr,
                   "usage: fault_runner [--runs N] [--seed S] [--episodes E] [--links] [--servers arbor,redis] "
                   "[--down-after MS] [--work-dir DIR] [--only episode,...] [--verbose]\n");
      return 2;
    }
  }
  RunResult total[2];
  int64_t runs_done[2] = {0, 0}, not_converged[2] = {0, 0};
  for (int r = 0; r < runs; ++r) {
    for (ServerKind kind : kinds) {
      RunOptions options = base;
      options.kind = kind;
      options.seed = seed + static_cast<uint64_t>(r);
      options.episodes = episodes;
      const RunResult result = run_faults(options);
      std::printf("%s\n", result.line().c_str());
      std::fflush(stdout);
      RunResult& t = total[kind == ServerKind::kArbor ? 0 : 1];
      t.operations += result.operations;
      t.faults += result.faults;
      t.acknowledged += result.acknowledged;
      t.lost += result.lost;
      t.missing_reads += result.missing_reads;
      t.full_resyncs += result.full_resyncs;
      t.unavailable_seconds += result.unavailable_seconds;
      t.crashes += result.crashes + (result.started ? 0 : 1);
      t.protecting_released += result.protecting_released;
      ++runs_done[kind == ServerKind::kArbor ? 0 : 1];
      not_converged[kind == ServerKind::kArbor ? 0 : 1] += !result.converged;
    }
  }
  for (int k = 0; k < 2; ++k) {
    if (runs_done[k] == 0) continue;
    std::printf("total %s: runs=%lld ops=%lld faults=%d acked=%lld lost=%lld missing-reads=%lld full-resyncs=%d "
                "unavailable=%.1fs not-converged=%lld crashes-or-no-start=%d protecting-released=%d\n",
                k == 0 ? "arbor" : "redis", static_cast<long long>(runs_done[k]),
                static_cast<long long>(total[k].operations), total[k].faults,
                static_cast<long long>(total[k].acknowledged), static_cast<long long>(total[k].lost),
                static_cast<long long>(total[k].missing_reads), total[k].full_resyncs, total[k].unavailable_seconds,
                static_cast<long long>(not_converged[k]), total[k].crashes, total[k].protecting_released);
  }
  if (runs_done[0] == 0) return 0;
  bool failed = not_converged[0] > 0 || total[0].crashes > 0;
  if (base.link_faults) failed = failed || (runs_done[1] > 0 && total[0].lost > total[1].lost);
  else failed = failed || total[0].lost > 0 || total[0].missing_reads > 0;
  if (runs_done[1] > 0 && total[0].full_resyncs > total[1].full_resyncs) failed = true;
  std::printf("%s\n", failed ? "FAILED" : "PASSED");
  return failed ? 1 : 0;
}
