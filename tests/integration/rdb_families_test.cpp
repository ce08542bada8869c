// RDB files with the families Redis 7.0 stores inside other types: sparse and
// dense HyperLogLogs (strings), geo sets (sorted sets of geohash scores) and
// streams with consumer groups and pending entries. A dump written by arbor
// passes redis-check-rdb and loads in redis-server with the same answers
// (GET bytes, PFCOUNT, GEOPOS, XINFO STREAM FULL, XPENDING); a dump written
// by Redis loads in arbor with the same answers.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "tests/integration/differential_support.h"
#include "tests/integration/server_fixture.h"

namespace arbor::test {
namespace {

using Command = std::vector<std::string>;

void fill(Client& c) {
  std::vector<Command> writes = {
      {"PFADD", "hll-sparse", "a", "b", "c"},
      {"GEOADD", "geo", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania", "-0.1276",
       "51.5072", "London", "139.6917", "35.6895", "Tokyo"},
      {"XGROUP", "CREATE", "s", "g1", "0", "MKSTREAM"}, {"XGROUP", "CREATE", "s", "g2", "$"},
  };
  for (int i = 0; i < 5000; ++i) writes.push_back({"PFADD", "hll-dense", "e" + std::to_string(i)});
  for (int i = 1; i <= 30; ++i) writes.push_back({"XADD", "s", std::to_string(i) + "-1", "f", std::to_string(i)});
  const std::vector<Command> groups = {
      {"XREADGROUP", "GROUP", "g1", "alice", "COUNT", "5", "STREAMS", "s", ">"},
      {"XREADGROUP", "GROUP", "g1", "bob", "COUNT", "3", "STREAMS", "s", ">"},
      {"XREADGROUP", "GROUP", "g2", "carol", "NOACK", "COUNT", "2", "STREAMS", "s", ">"},
      {"XCLAIM", "s", "g1", "bob", "0", "2-1"}, {"XACK", "s", "g1", "1-1"}, {"XDEL", "s", "20-1"},
      {"XGROUP", "CREATECONSUMER", "s", "g2", "dave"},
      // PFCOUNT caches the cardinality in the value: do it before the bytes are compared.
      {"PFCOUNT", "hll-sparse"}, {"PFCOUNT", "hll-dense"},
  };
  writes.insert(writes.end(), groups.begin(), groups.end());
  for (const Command& w : writes) ASSERT_NE(c.cmd(w).type, ReplyType::kError) << printable(w);
}

// A map reply (RESP2 flat array) without the fields arbor only estimates.
std::string without_radix_fields(const Reply& r) {
  std::string out;
  for (size_t i = 0; i + 1 < r.elements.size(); i += 2) {
    if (r.elements[i].str.starts_with("radix-tree-")) continue;
    out += describe(r.elements[i]) + "=" + describe(r.elements[i + 1]) + " ";
  }
  return out;
}

std::vector<std::string> answers(Client& c) {
  return {
      describe(c.cmd({"GET", "hll-sparse"})), describe(c.cmd({"GET", "hll-dense"})),
      describe(c.cmd({"PFCOUNT", "hll-sparse"})), describe(c.cmd({"PFCOUNT", "hll-dense"})),
      describe(c.cmd({"GEOPOS", "geo", "Palermo", "Catania", "London", "Tokyo"})),
      describe(c.cmd({"GEOSEARCH", "geo", "FROMMEMBER", "Palermo", "BYRADIUS", "2000", "km", "ASC", "WITHDIST"})),
      without_radix_fields(c.cmd({"XINFO", "STREAM", "s", "FULL", "COUNT", "0"})),
      describe(c.cmd({"XPENDING", "s", "g1"})), describe(c.cmd({"XINFO", "GROUPS", "s"})),
  };
}

std::pair<int, std::string> run(const std::string& command) {
  std::string output;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return {-1, ""};
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) output.append(buffer, n);
  return {pclose(pipe), output};
}

TEST(RdbFamilies, ArborDumpIsCheckedAndLoadedByRedisWithTheSameAnswers) {
  ServerProcess arbor;
  Client a(arbor.port());
  fill(a);
  const std::vector<std::string> expected = answers(a);
  ASSERT_TRUE(is_status(a.cmd({"SAVE"}), "OK"));
  const std::string file = arbor.dir() + "/dump.rdb";
  const auto [status, output] = run("redis-check-rdb " + file);
  EXPECT_EQ(status, 0) << output;
  EXPECT_NE(output.find("RDB looks OK"), std::string::npos) << output;
  RedisProcess redis({"--dir", arbor.dir(), "--dbfilename", "dump.rdb"});
  ASSERT_TRUE(redis.ok());
  Client r(redis.port());
  const std::vector<std::string> loaded = answers(r);
  for (size_t i = 0; i < expected.size(); ++i) EXPECT_EQ(loaded[i], expected[i]) << "answer " << i;
}

TEST(RdbFamilies, RedisDumpLoadsInArborWithTheSameAnswers) {
  RedisProcess redis;
  ASSERT_TRUE(redis.ok());
  Client r(redis.port());
  fill(r);
  const std::vector<std::string> expected = answers(r);
  ASSERT_TRUE(is_status(r.cmd({"SAVE"}), "OK"));
  ServerProcess arbor(ServerProcess::DeferStart{});
  {
    std::ifstream in(redis.dir() + "/dump.rdb", std::ios::binary);
    std::ofstream out(arbor.dir() + "/dump.rdb", std::ios::binary);
    out << in.rdbuf();
  }
  ASSERT_TRUE(arbor.start());
  Client a(arbor.port());
  const std::vector<std::string> loaded = answers(a);
  for (size_t i = 0; i < expected.size(); ++i) EXPECT_EQ(loaded[i], expected[i]) << "answer " << i;
}

}  // namespace
}  // namespace arbor::test
