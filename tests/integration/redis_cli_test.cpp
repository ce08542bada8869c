// The real Redis tools against arbor-server: redis-cli (piped commands,
// RESP3 with -3, COMMAND DOCS) and a redis-benchmark smoke run. Where the
// output is plain Redis behaviour it is also compared with redis-cli's output
// against Debian's redis-server 7.
#include <gtest/gtest.h>

#include <string>

#include "tests/integration/differential_support.h"
#include "tests/integration/server_fixture.h"

namespace arbor::test {
namespace {

const std::string kRedisCli = "/usr/bin/redis-cli";
const std::string kRedisBenchmark = "/usr/bin/redis-benchmark";
constexpr milliseconds kToolTimeout(60000);

RunResult cli(uint16_t port, std::vector<std::string> args, std::string_view input = {}) {
  args.insert(args.begin(), {"-h", "127.0.0.1", "-p", std::to_string(port)});
  return run_program(kRedisCli, args, input, kToolTimeout);
}

TEST(RedisCli, PipedCommandsGiveExpectedOutput) {
  ServerProcess server;
  const RunResult run = cli(server.port(), {}, "SET a 1\nGET a\nINCR a\n");
  ASSERT_FALSE(run.timed_out);
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_EQ(run.output, "OK\n1\n2\n");
}

TEST(RedisCli, PipedScriptMatchesRedisServerOutput) {
  const std::string script =
      "SET a 1\nGET a\nINCR a\nGET nosuch\nMGET a nosuch\nFOO bar\nSET\n"
      "SET s \"hello world\"\nAPPEND s !\nGETRANGE s 0 4\nSTRLEN s\nEXISTS a s nosuch\n"
      "INCRBYFLOAT f 10.5\nINCRBYFLOAT f 1e3\nINCR s\nSETRANGE s 20 x\nGET s\n"
      "SET e v EX 1000\nTTL e\nPERSIST e\nTTL e\nTYPE e\nTYPE nosuch\nDEL a s f e\nDBSIZE\n"
      "LCS nosuch1 nosuch2\nECHO \"tab\\there\"\nPING\nPING hi\nSELECT 99\n";
  ServerProcess arbor;
  RedisProcess redis;
  ASSERT_TRUE(redis.ok());
  const RunResult ours = cli(arbor.port(), {}, script);
  const RunResult theirs = cli(redis.port(), {}, script);
  ASSERT_FALSE(ours.timed_out);
  EXPECT_EQ(ours.exit_code, theirs.exit_code);
  EXPECT_EQ(ours.output, theirs.output);
  // The same with --no-raw, where redis-cli shows types: (integer), (nil), (error).
  const RunResult ours_typed = cli(arbor.port(), {"--no-raw"}, script);
  const RunResult theirs_typed = cli(redis.port(), {"--no-raw"}, script);
  EXPECT_EQ(ours_typed.output, theirs_typed.output);
}

TEST(RedisCli, Resp3Hello) {
  ServerProcess server;
  const RunResult run = cli(server.port(), {"-3", "--no-raw", "HELLO", "3"});
  ASSERT_FALSE(run.timed_out);
  EXPECT_EQ(run.exit_code, 0);
  // The id differs from run to run; everything else is fixed.
  const size_t id = run.output.find("4# \"id\" => (integer) ");
  ASSERT_NE(id, std::string::npos) << run.output;
  std::string output = run.output;
  output.erase(id + 21, output.find('\n', id) - id - 21);
  EXPECT_EQ(output,
            "1# \"server\" => \"redis\"\n"
            "2# \"version\" => \"7.0.15\"\n"
            "3# \"proto\" => (integer) 3\n"
            "4# \"id\" => (integer) \n"
            "5# \"mode\" => \"standalone\"\n"
            "6# \"role\" => \"master\"\n"
            "7# \"modules\" => (empty array)\n");
}

TEST(RedisCli, Resp3NoteTree) {
  ServerProcess server;
  for (const auto& args : std::vector<std::vector<std::string>>{{"NOTE.ADD", "t", "root", "a", "first"},
                                                                {"NOTE.ADD", "t", "a", "b", "second"},
                                                                {"NOTE.ADD", "t", "root", "c", "third"}}) {
    std::vector<std::string> full = {"-3"};
    full.insert(full.end(), args.begin(), args.end());
    const RunResult add = cli(server.port(), full);
    ASSERT_EQ(add.exit_code, 0);
    ASSERT_EQ(add.output, "1\n");
  }
  const RunResult tree = cli(server.port(), {"-3", "--no-raw", "NOTE.TREE", "t"});
  ASSERT_FALSE(tree.timed_out);
  EXPECT_EQ(tree.exit_code, 0);
  EXPECT_EQ(tree.output,
            "1# \"id\" => \"root\"\n"
            "2# \"text\" => \"\"\n"
            "3# \"children\" => \n"
            "   1) 1# \"id\" => \"a\"\n"
            "      2# \"text\" => \"first\"\n"
            "      3# \"children\" => \n"
            "         1) 1# \"id\" => \"b\"\n"
            "            2# \"text\" => \"second\"\n"
            "            3# \"children\" => (empty array)\n"
            "   2) 1# \"id\" => \"c\"\n"
            "      2# \"text\" => \"third\"\n"
            "      3# \"children\" => (empty array)\n");
  const RunResult get = cli(server.port(), {"-3", "NOTE.GET", "t", "b"});
  EXPECT_EQ(get.output, "second\n");
  // A missing note reads as nil (like GET); writing to one is an error.
  const RunResult missing = cli(server.port(), {"-3", "--no-raw", "NOTE.GET", "t", "zz"});
  EXPECT_EQ(missing.output, "(nil)\n");
  const RunResult set_missing = cli(server.port(), {"-3", "--no-raw", "NOTE.SET", "t", "zz", "x"});
  EXPECT_EQ(set_missing.output, "(error) ERR no such note\n");
}

TEST(RedisCli, CommandDocsDoesNotCrash) {
  ServerProcess server;
  const RunResult run = cli(server.port(), {"--no-raw", "COMMAND", "DOCS", "get"});
  ASSERT_FALSE(run.timed_out);
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_TRUE(run.output.starts_with("1) \"get\"\n2)  1) \"summary\"\n")) << run.output;
  EXPECT_NE(run.output.find("\"since\"\n    4) \"1.0.0\"\n"), std::string::npos) << run.output;
  // The server survived redis-cli's start-up COMMAND DOCS query too.
  Client c(server.port());
  EXPECT_TRUE(is_status(c.cmd({"PING"}), "PONG"));
}

TEST(RedisBenchmark, SmokeRunSucceeds) {
  ServerProcess server;
  const RunResult run = run_program(kRedisBenchmark,
                                    {"-h", "127.0.0.1", "-p", std::to_string(server.port()), "-t",
                                     "ping,set,get,incr,mset", "-n", "20000", "-q"},
                                    {}, kToolTimeout);
  ASSERT_FALSE(run.timed_out) << run.output;
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(run.output.find("ERR"), std::string::npos) << run.output;
  for (const char* test : {"PING_INLINE", "PING_MBULK", "SET", "GET", "INCR", "MSET (10 keys)"})
    EXPECT_NE(run.output.find(std::string(test) + ": "), std::string::npos) << test << " missing in\n"
                                                                            << run.output;
  // The counter benchmark really ran against arbor: the key holds the count.
  Client c(server.port());
  const Reply counter = c.cmd({"GET", "counter:__rand_int__"});
  EXPECT_TRUE(is_bulk(counter, "20000")) << describe(counter);
}

// The acceptance run: redis-benchmark's whole default suite (no -t),
// 50,000 requests per test (ARBOR_BENCH_REQUESTS; the sanitizer pass runs
// 10,000), with no error reply anywhere.
TEST(RedisBenchmark, WholeDefaultSuiteRunsClean) {
  ServerProcess server;
  const RunResult run = run_program(
      kRedisBenchmark,
      {"-h", "127.0.0.1", "-p", std::to_string(server.port()), "-n", std::to_string(env_int("ARBOR_BENCH_REQUESTS", 50000)),
       "-q"},
      {},
      milliseconds(240000));
  ASSERT_FALSE(run.timed_out) << run.output;
  EXPECT_EQ(run.exit_code, 0) << run.output;
  for (const char* error : {"ERR", "WRONGTYPE", "Error", "error"})
    EXPECT_EQ(run.output.find(error), std::string::npos) << error << " in\n" << run.output;
  for (const char* test : {"PING_INLINE", "PING_MBULK", "SET", "GET", "INCR", "LPUSH", "RPUSH", "LPOP", "RPOP",
                           "SADD", "HSET", "SPOP", "ZADD", "ZPOPMIN", "LPUSH (needed to benchmark LRANGE)",
                           "LRANGE_100 (first 100 elements)", "LRANGE_300 (first 300 elements)",
                           "LRANGE_500 (first 500 elements)", "LRANGE_600 (first 600 elements)",
                           "MSET (10 keys)"})
    EXPECT_NE(run.output.find(std::string(test) + ": "), std::string::npos) << test << " missing in\n"
                                                                            << run.output;
  Client c(server.port());
  EXPECT_TRUE(is_status(c.cmd({"PING"}), "PONG"));
}

}  // namespace
}  // namespace arbor::test
