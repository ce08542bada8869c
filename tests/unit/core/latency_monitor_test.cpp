// LatencyMonitor's bookkeeping: one sample per second (the worst), a ring
// of the last 160, the worst ever kept apart, case-insensitive resets, the
// threshold, and DOCTOR's statistics.
#include <gtest/gtest.h>

#include "server/core/latency_monitor.h"

namespace arbor::core {
namespace {

TEST(LatencyMonitor, KeepsTheWorstSamplePerSecondAndTheLast160Seconds) {
  LatencyMonitor m;
  m.add("command", 10, 1000);
  m.add("command", 30, 1000);
  m.add("command", 20, 1000);
  ASSERT_EQ(m.find("command")->history().size(), 1u);
  EXPECT_EQ(m.find("command")->latest().latency_ms, 30u);
  for (int64_t t = 1001; t < 1001 + 200; ++t) m.add("command", static_cast<uint64_t>(t - 1000), t);
  const auto history = m.find("command")->history();
  ASSERT_EQ(history.size(), LatencyMonitor::kSamples);
  EXPECT_EQ(history.front().time, 1200 - 159);
  EXPECT_EQ(history.back().time, 1200);
  EXPECT_EQ(m.find("command")->worst_ms, 200u);
}

TEST(LatencyMonitor, ThresholdZeroRecordsNothing) {
  LatencyMonitor m;
  m.sample_if_needed("command", 1000, 0);
  m.sample_if_needed("command", 4, 5);
  EXPECT_TRUE(m.events().empty());
  m.sample_if_needed("command", 5, 5);
  EXPECT_EQ(m.events().size(), 1u);
}

TEST(LatencyMonitor, ResetIgnoresCaseAndCountsEvents) {
  LatencyMonitor m;
  m.add("command", 10, 1);
  m.add("expire-cycle", 10, 1);
  EXPECT_EQ(m.reset("COMMAND"), 1u);
  EXPECT_EQ(m.reset("nosuch"), 0u);
  EXPECT_EQ(m.reset_all(), 1u);
}

TEST(LatencyMonitor, DoctorAveragesAndAdvises) {
  LatencyMonitor m;
  m.add("command", 10, 100);
  m.add("command", 30, 101);
  m.add("eviction-cycle", 7, 101);
  const std::string report = m.report({5, 10000, 10, false}, 104);
  EXPECT_NE(report.find("1. command: 2 latency spikes (average 20ms, mean deviation 10ms, period 2.00 sec). Worst "
                        "all time event 30ms."),
            std::string::npos)
      << report;
  EXPECT_NE(report.find("2. eviction-cycle: 1 latency spikes"), std::string::npos) << report;
  EXPECT_NE(report.find("CONFIG SET slowlog-log-slower-than 5000"), std::string::npos) << report;
  EXPECT_NE(report.find("Sudden changes to the 'maxmemory' setting"), std::string::npos) << report;
}

}  // namespace
}  // namespace arbor::core
