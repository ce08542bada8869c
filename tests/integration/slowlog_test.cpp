// SLOWLOG side by side with redis-server 7.0: with slowlog-log-slower-than 0
// every command is logged, so both servers' logs after the same commands
// must hold the same entries (ids, arguments shortened and redacted as
// Redis does, client names) apart from times and client ports.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/integration/server_fixture.h"

namespace arbor::test {
namespace {

// An entry as text without its timestamp, duration and peer port.
std::string masked(const Reply& entries) {
  std::string out;
  for (const Reply& e : entries.elements) {
    if (e.elements.size() != 6) return "malformed entry: " + describe(e);
    out += "id=" + std::to_string(e.elements[0].integer) + " args=" + describe(e.elements[3]) +
           " peer=" + (e.elements[4].str.starts_with("127.0.0.1:") ? "127.0.0.1:*" : e.elements[4].str) +
           " name=" + e.elements[5].str + "\n";
    if (e.elements[1].type != ReplyType::kInteger || e.elements[2].type != ReplyType::kInteger)
      out += "time or duration is not an integer\n";
  }
  return out;
}

TEST(SlowlogAgainstRedis, EntriesMatchRedis) {
  RedisProcess redis;
  ASSERT_TRUE(redis.ok());
  ServerProcess arbor;
  Client r(redis.port()), a(arbor.port());
  std::vector<std::string> many = {"RPUSH", "list"};
  for (int i = 0; i < 40; ++i) many.push_back("e" + std::to_string(i));
  const std::vector<std::vector<std::string>> commands = {
      {"CONFIG", "SET", "slowlog-log-slower-than", "0"},
      {"SLOWLOG", "RESET"},
      {"SET", "k", "v"},
      many,
      {"SET", "big", std::string(200, 'x')},
      {"AUTH", "nosuchpassword"},
      {"AUTH", "user", "pass"},
      {"HELLO", "2", "AUTH", "default", "secret"},
      {"CONFIG", "SET", "masterauth", "xyz", "timeout", "0"},
      {"CLIENT", "SETNAME", "tester"},
      {"MULTI"},
      {"SET", "inside", "1"},
      {"EXEC"},
      {"EVAL", "return redis.call('set', 'x', '1')", "0"},
      {"SLOWLOG", "GET", "2"},
      {"SLOWLOG", "LEN"},
      {"SLOWLOG", "GET", "-2"},
      {"SLOWLOG", "GET", "x"},
      {"SLOWLOG", "LEN", "1"},
      {"SLOWLOG", "HELP"},
      {"SLOWLOG", "NOPE"},
      {"NOSUCHCOMMAND"},
      {"GET"},
  };
  for (const auto& command : commands) {
    const Reply expected = r.cmd(command), actual = a.cmd(command);
    if (command.size() >= 2 && command[0] == "SLOWLOG" && command[1] == "GET" && expected.type == ReplyType::kArray)
      EXPECT_EQ(masked(actual), masked(expected)) << command[0] << " " << command[1];
    else if (command[0] == "HELLO")  // (its client ids differ)
      EXPECT_EQ(actual.type, expected.type);
    else
      EXPECT_EQ(describe(actual), describe(expected)) << command[0];
  }
  // A blocked command is logged when a push serves it (after the push's
  // own entry); Redis 7.0 logs none that time out.
  for (Client* c : {&a, &r}) {
    const uint16_t port = c == &a ? arbor.port() : redis.port();
    RawConnection blocker(port);
    c->cmd({"CONFIG", "SET", "slowlog-log-slower-than", "-1"});  // the polling leaves no entries
    ASSERT_TRUE(blocker.send(encode_command({"BLPOP", "waitlist", "0"})));
    ASSERT_TRUE(eventually([&] { return info_int(*c, "clients", "blocked_clients") == 1; }));
    c->cmd({"CONFIG", "SET", "slowlog-log-slower-than", "0"});
    c->cmd({"RPUSH", "waitlist", "x"});
    const auto served = blocker.read_reply();
    ASSERT_TRUE(served.has_value());
    EXPECT_EQ(describe(*served), R"(["waitlist", "x"])");
    c->cmd({"BLPOP", "emptylist", "0.01"});
  }
  EXPECT_EQ(masked(a.cmd({"SLOWLOG", "GET", "-1"})), masked(r.cmd({"SLOWLOG", "GET", "-1"})));
  // A shorter log keeps the newest entries once the next one comes.
  for (Client* c : {&a, &r}) {
    c->cmd({"CONFIG", "SET", "slowlog-max-len", "3"});
    c->cmd({"SET", "after", "1"});
  }
  EXPECT_EQ(masked(a.cmd({"SLOWLOG", "GET", "-1"})), masked(r.cmd({"SLOWLOG", "GET", "-1"})));
  EXPECT_TRUE(is_int(a.cmd({"SLOWLOG", "LEN"}), 3));
  // Negative threshold: nothing is logged.
  for (Client* c : {&a, &r}) {
    c->cmd({"CONFIG", "SET", "slowlog-log-slower-than", "-1"});
    c->cmd({"SLOWLOG", "RESET"});
    c->cmd({"SET", "k", "v"});
  }
  EXPECT_TRUE(is_int(a.cmd({"SLOWLOG", "LEN"}), 0));
  EXPECT_TRUE(is_int(r.cmd({"SLOWLOG", "LEN"}), 0));
}

}  // namespace
}  // namespace arbor::test
