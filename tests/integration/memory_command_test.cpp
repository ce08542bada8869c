// MEMORY and INFO memory side by side with redis-server 7.0: the same
// replies for every argument error and for HELP, MEMORY STATS with Redis's
// fields in Redis's order, INFO memory with Redis's field names in order,
// and MEMORY USAGE estimates for every type (note trees too) that grow with
// the value, so redis-cli --memkeys works.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/integration/server_fixture.h"

namespace arbor::test {
namespace {

std::vector<std::string> stats_names(const Reply& stats) {
  std::vector<std::string> names;
  for (size_t i = 0; i + 1 < stats.elements.size(); i += 2) {
    std::string name = stats.elements[i].str;
    if (name.starts_with("db.")) {
      name += "{";
      for (size_t j = 0; j + 1 < stats.elements[i + 1].elements.size(); j += 2)
        name += stats.elements[i + 1].elements[j].str + ",";
      name += "}";
    }
    names.push_back(name);
  }
  return names;
}

std::vector<std::string> info_names(const std::string& info) {
  std::vector<std::string> names;
  size_t start = 0;
  while (start < info.size()) {
    size_t end = info.find("\r\n", start);
    if (end == std::string::npos) end = info.size();
    const std::string line = info.substr(start, end - start);
    if (!line.empty() && line[0] != '#') names.push_back(line.substr(0, line.find(':')));
    start = end + 2;
  }
  return names;
}

TEST(MemoryAgainstRedis, RepliesAndFieldsMatchRedis) {
  RedisProcess redis;
  ASSERT_TRUE(redis.ok());
  ServerProcess arbor;
  Client r(redis.port()), a(arbor.port());
  for (Client* c : {&a, &r}) {
    c->cmd({"SET", "k", "v"});
    c->cmd({"SELECT", "3"});
    c->cmd({"SET", "other", "v", "EX", "100"});
    c->cmd({"SELECT", "0"});
  }
  for (const std::vector<std::string>& command : std::vector<std::vector<std::string>>{
           {"MEMORY", "USAGE", "nokey"},
           {"MEMORY", "USAGE", "k", "SAMPLES", "-1"},
           {"MEMORY", "USAGE", "k", "SAMPLES", "x"},
           {"MEMORY", "USAGE", "k", "SAMPLES"},
           {"MEMORY", "USAGE", "k", "FOO"},
           {"MEMORY", "USAGE"},
           {"MEMORY", "PURGE"},
           {"MEMORY", "HELP"},
           {"MEMORY", "NOPE"},
           {"MEMORY"},
           {"MEMORY", "STATS", "x"},
           {"MEMORY", "DOCTOR"},
       })
    EXPECT_EQ(describe(a.cmd(command)), describe(r.cmd(command))) << command[0] << " " << command.back();
  EXPECT_EQ(stats_names(a.cmd({"MEMORY", "STATS"})), stats_names(r.cmd({"MEMORY", "STATS"})));
  EXPECT_EQ(info_names(a.cmd({"INFO", "memory"}).str), info_names(r.cmd({"INFO", "memory"}).str));
}

// Every section INFO shows by default, and `all` / `everything`, name
// Redis 7.0's fields in Redis's order (arbor adds arbor_version and a few
// counters of its own, left out here).
TEST(InfoAgainstRedis, SectionsNameRedisFieldsInOrder) {
  RedisProcess redis;
  ASSERT_TRUE(redis.ok());
  ServerProcess arbor;
  Client r(redis.port()), a(arbor.port());
  auto names = [](const std::string& text) {
    std::string out;
    for (const std::string& name : info_names(text)) {
      if (name == "arbor_version" || name == "allocation_failures" || name.ends_with("_limit_disconnections") ||
          name.starts_with("latency_percentiles_usec_") || name.starts_with("cmdstat_") ||
          name.starts_with("errorstat_") || name.starts_with("db"))
        continue;
      out += name + " ";
    }
    return out;
  };
  for (const char* section : {"server", "clients", "memory", "persistence", "stats", "replication", "cpu",
                              "modules", "errorstats", "cluster", "keyspace", "latencystats"})
    EXPECT_EQ(names(a.cmd({"INFO", section}).str), names(r.cmd({"INFO", section}).str)) << section;
  for (const char* which : {"default", "all", "everything"}) {
    auto headers = [](const std::string& text) {
      std::string out;
      for (size_t start = 0; start < text.size();) {
        size_t end = text.find("\r\n", start);
        if (end == std::string::npos) end = text.size();
        if (text[start] == '#') out += text.substr(start, end - start) + " ";
        start = end + 2;
      }
      return out;
    };
    const std::string ours = headers(a.cmd({"INFO", which}).str), theirs = headers(r.cmd({"INFO", which}).str);
    EXPECT_EQ(ours, theirs) << which;
  }
}

TEST(MemoryUsage, EveryTypeHasAnEstimateThatGrowsWithItsValue) {
  ServerProcess arbor;
  Client a(arbor.port());
  const std::vector<std::vector<std::string>> small = {
      {"SET", "string", "v"},          {"RPUSH", "list", "a"},         {"HSET", "hash", "f", "v"},
      {"SADD", "set", "m"},            {"ZADD", "zset", "1", "m"},     {"XADD", "stream", "*", "f", "v"},
      {"NOTE.ADD", "notes", "root", "a", "first"},
  };
  for (const auto& command : small) a.cmd(command);
  std::vector<int64_t> before;
  for (const char* key : {"string", "list", "hash", "set", "zset", "stream", "notes"}) {
    const Reply usage = a.cmd({"MEMORY", "USAGE", key});
    ASSERT_EQ(usage.type, ReplyType::kInteger) << key << ": " << describe(usage);
    EXPECT_GT(usage.integer, 0) << key;
    before.push_back(usage.integer);
  }
  const std::string big(10000, 'x');
  a.cmd({"SET", "string", big});
  for (int i = 0; i < 100; ++i) {
    const std::string n = std::to_string(i);
    a.cmd({"RPUSH", "list", big});
    a.cmd({"HSET", "hash", "f" + n, big});
    a.cmd({"SADD", "set", big + n});
    a.cmd({"ZADD", "zset", n, big + n});
    a.cmd({"XADD", "stream", "*", "f", big});
    a.cmd({"NOTE.ADD", "notes", "root", "n" + n, big});
  }
  size_t i = 0;
  for (const char* key : {"string", "list", "hash", "set", "zset", "stream", "notes"}) {
    const Reply usage = a.cmd({"MEMORY", "USAGE", key, "SAMPLES", "0"});
    EXPECT_GT(usage.integer, before[i++] + 9000) << key;
  }
  // redis-cli's --memkeys asks MEMORY USAGE of every key.
  const RunResult run = run_program("/usr/bin/redis-cli", {"-p", std::to_string(arbor.port()), "--memkeys"});
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(run.output.find("failed"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("Biggest string found"), std::string::npos) << run.output;
}

}  // namespace
}  // namespace arbor::test
