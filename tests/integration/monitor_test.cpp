// MONITOR side by side with redis-server 7.0: the lines a monitoring client
// receives for the same commands (executed ones only, admin commands
// hidden, transactions as they run, scripts and their commands from
// "lua", secrets redacted, arguments quoted as sdscatrepr), compared with
// times and client ports masked.
#include <gtest/gtest.h>

#include <cctype>
#include <string>
#include <vector>

#include "tests/integration/server_fixture.h"

namespace arbor::test {
namespace {

constexpr milliseconds kWait(5000);

// Monitor lines up to the one of `ECHO <marker>`, times and ports masked.
std::string lines_until(RawConnection& monitor, const std::string& marker) {
  const std::string text = monitor.read_until("\"" + marker + "\"\r\n", kWait);
  // (By hand: GCC 12 warns falsely inside std::regex under the sanitizers.)
  std::string out;
  for (size_t i = 0; i < text.size();) {
    const bool line_start = i == 0 || text[i - 1] == '\n';
    if (line_start && text[i] == '+' && text.find(" [", i) != std::string::npos && std::isdigit(static_cast<unsigned char>(text[i + 1]))) {
      out += "+T [";
      i = text.find(" [", i) + 2;
    } else if (text.compare(i, 10, "127.0.0.1:") == 0) {
      out += "127.0.0.1:P";
      i += 10;
      while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
    } else {
      out += text[i++];
    }
  }
  return out;
}

std::vector<std::vector<std::string>> commands() {
  return {
      {"SELECT", "2"},
      {"SET", "a", std::string("x y\n\"q\"\\\x01\xff", 11)},
      {"MULTI"},
      {"SET", "b", "1"},
      {"INCR", "c"},
      {"EXEC"},
      {"AUTH", "foo"},
      {"HELLO", "2", "AUTH", "default", "pw"},
      {"EVAL", "redis.call('set', 'z', '1') return redis.call('get', 'z')", "0"},
      {"CONFIG", "GET", "port"},
      {"CONFIG", "SET", "masterauth", "q"},
      {"PING"},
      {"DEL", "nokey"},
      {"GET"},
      {"NOSUCH"},
      {"BLPOP", "emptylist", "0.01"},
      {"SELECT", "0"},
      {"CLIENT", "SETNAME", "x"},
      {"INFO", "server"},
  };
}

TEST(MonitorAgainstRedis, LinesMatchRedis) {
  RedisProcess redis;
  ASSERT_TRUE(redis.ok());
  ServerProcess arbor;
  std::string seen[2];
  const uint16_t ports[2] = {arbor.port(), redis.port()};
  for (int i = 0; i < 2; ++i) {
    RawConnection monitor(ports[i]);
    ASSERT_TRUE(monitor.send(encode_command({"MONITOR"})));
    ASSERT_EQ(monitor.read_until("\r\n", kWait), "+OK\r\n");
    Client c(ports[i]);
    for (const auto& command : commands()) c.cmd(command);
    c.cmd({"ECHO", "end-marker"});
    seen[i] = lines_until(monitor, "end-marker");
    // The monitor itself may run what does not touch the keyspace.
    ASSERT_TRUE(monitor.send(encode_command({"GET", "a"}) + encode_command({"PING"})));
    seen[i] += monitor.read_until("+PONG\r\n", kWait);
  }
  EXPECT_EQ(seen[0], seen[1]);
  EXPECT_NE(seen[0].find("[2 lua] \"set\" \"z\" \"1\""), std::string::npos) << seen[0];
}

TEST(MonitorAgainstRedis, ResetEndsMonitoringAndListShowsTheFlag) {
  ServerProcess arbor;
  RawConnection monitor(arbor.port());
  ASSERT_TRUE(monitor.send(encode_command({"MONITOR"})));
  ASSERT_EQ(monitor.read_until("\r\n", kWait), "+OK\r\n");
  Client c(arbor.port());
  EXPECT_NE(c.cmd({"CLIENT", "LIST"}).str.find("flags=O"), std::string::npos);
  c.cmd({"SET", "k", "1"});
  EXPECT_NE(monitor.read_until("\"k\" \"1\"\r\n", kWait).find("\"SET\" \"k\" \"1\""), std::string::npos);
  ASSERT_TRUE(monitor.send(encode_command({"RESET"})));
  EXPECT_EQ(monitor.read_until("+RESET\r\n", kWait), "+RESET\r\n");
  c.cmd({"SET", "k", "2"});
  ASSERT_TRUE(monitor.send(encode_command({"PING"})));
  EXPECT_EQ(monitor.read_until("+PONG\r\n", kWait), "+PONG\r\n");  // no line for SET k 2
  EXPECT_EQ(c.cmd({"CLIENT", "LIST"}).str.find("flags=O"), std::string::npos);
}

}  // namespace
}  // namespace arbor::test
