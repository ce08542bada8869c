// The fault suite's short seed (ctest label `faults`): one run against
// arbor and one against redis-server 7.0 with the same schedule of the
// episodes that lost data before issue 11 (the slow most advanced replica,
// the primary killed and restarted after a failover, and quickly). arbor
// must lose no acknowledged write, converge and not crash; Redis's line is
// printed beside it. The long run is tools/faults.
#include <gtest/gtest.h>

#include <cstdio>

#include "tests/faults/fault_run.h"
#include "tests/integration/server_fixture.h"

namespace arbor::faults {
namespace {

RunOptions short_run(ServerKind kind, const std::string& dir) {
  RunOptions options;
  options.kind = kind;
  options.seed = 11;
  options.work_dir = dir;
  options.fixed_episodes = {"slow-advanced-replica", "kill-primary-after-failover", "kill-primary-quick"};
  return options;
}

TEST(Faults, ShortSeedLosesNoAcknowledgedWriteAndConverges) {
  test::TempDir dir;
  const RunResult arbor = run_faults(short_run(ServerKind::kArbor, dir.path()));
  std::printf("%s\n", arbor.line().c_str());
  for (const std::string& episode : arbor.episodes) std::printf("  %s\n", episode.c_str());
  ASSERT_TRUE(arbor.started);
  EXPECT_EQ(arbor.lost, 0);
  EXPECT_EQ(arbor.missing_reads, 0);
  EXPECT_TRUE(arbor.converged) << arbor.not_converged_why;
  EXPECT_EQ(arbor.crashes, 0);
  EXPECT_GT(arbor.acknowledged, 100);
  const RunResult redis = run_faults(short_run(ServerKind::kRedis, dir.path()));
  std::printf("%s\n", redis.line().c_str());
  EXPECT_TRUE(redis.started);
  EXPECT_LE(arbor.full_resyncs, redis.full_resyncs);
}

}  // namespace
}  // namespace arbor::faults
