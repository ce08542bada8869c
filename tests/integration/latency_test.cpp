// The latency monitor side by side with redis-server 7.0: the same slow
// commands (DEBUG SLEEP) give the same LATEST, HISTORY, GRAPH and DOCTOR
// replies, apart from timestamps and the graph's "seconds ago" labels.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/integration/server_fixture.h"

namespace arbor::test {
namespace {

// LATEST and HISTORY with the sample times replaced by T.
std::string masked_times(const Reply& reply) {
  Reply copy = reply;
  for (Reply& row : copy.elements)
    for (Reply& field : row.elements)
      if (field.type == ReplyType::kInteger && field.integer > 1'000'000'000) field.integer = 0;
  return describe(copy);
}

// A graph without its label rows (below the blank line under the bars).
std::string bars(const std::string& graph) {
  const size_t blank = graph.find("\n \n");
  return graph.substr(0, blank == std::string::npos ? graph.size() : blank);
}

int64_t server_second(Client& c) { return std::stoll(c.cmd({"TIME"}).elements.at(0).str); }

TEST(LatencyAgainstRedis, MonitorRepliesMatchRedis) {
  RedisProcess redis({"--enable-debug-command", "yes"});
  ASSERT_TRUE(redis.ok());
  ServerProcess arbor;
  Client r(redis.port()), a(arbor.port());
  auto both = [&](const std::vector<std::string>& command) {
    const Reply expected = r.cmd(command), actual = a.cmd(command);
    EXPECT_EQ(describe(actual), describe(expected)) << command[0] << " " << command.back();
  };
  both({"LATENCY", "DOCTOR"});  // disabled: Redis's refusal to talk about it
  both({"LATENCY", "LATEST"});
  both({"CONFIG", "SET", "latency-monitor-threshold", "5"});
  both({"LATENCY", "DOCTOR"});  // enabled, nothing seen yet
  // Three spikes in three different seconds (two in one second keep the worst).
  for (const char* sleep : {"0.01", "0.03", "0.02"}) {
    const int64_t second = server_second(a);
    ASSERT_TRUE(eventually([&] { return server_second(a) > second && server_second(r) > second; },
                           milliseconds(3000)));
    both({"DEBUG", "SLEEP", sleep});
    both({"DEBUG", "SLEEP", "0.006"});
  }
  EXPECT_EQ(masked_times(a.cmd({"LATENCY", "LATEST"})), masked_times(r.cmd({"LATENCY", "LATEST"})));
  EXPECT_EQ(masked_times(a.cmd({"LATENCY", "HISTORY", "command"})),
            masked_times(r.cmd({"LATENCY", "HISTORY", "command"})));
  EXPECT_EQ(bars(a.cmd({"LATENCY", "GRAPH", "command"}).str), bars(r.cmd({"LATENCY", "GRAPH", "command"}).str));
  // (The period divides seconds since the oldest spike: both read it now.)
  both({"LATENCY", "DOCTOR"});
  both({"CONFIG", "SET", "slowlog-log-slower-than", "-1"});
  both({"LATENCY", "DOCTOR"});
  both({"LATENCY", "HISTORY", "nosuch"});
  both({"LATENCY", "GRAPH", "nosuch"});
  both({"LATENCY", "RESET", "nosuch", "COMMAND"});
  both({"LATENCY", "LATEST"});
  both({"LATENCY", "RESET"});
  both({"LATENCY", "NOPE"});
  both({"LATENCY", "GRAPH"});
  both({"LATENCY"});
}

}  // namespace
}  // namespace arbor::test
