// maxmemory-clients side by side with redis-server 7.0: the same scenario
// runs on both and writes what it saw; the transcripts must be equal.
// Covered: the parameter's values (bytes, N%, errors); a client whose query
// buffer passes the limit is closed; a subscriber that does not read its
// messages is closed before CLIENT LIST ever shows it over the limit; CLIENT NO-EVICT keeps a client whatever it holds; lowering the
// limit closes a client at once; evicted_clients counts each.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "tests/integration/server_fixture.h"

namespace arbor::test {
namespace {

using std::chrono::milliseconds;

constexpr int64_t kLimit = 3000000;

// tot-mem of the client named `name` in CLIENT LIST, -1 when it is gone.
int64_t tot_mem(Client& admin, const std::string& name) {
  const Reply list = admin.cmd({"CLIENT", "LIST"});
  const std::string marker = " name=" + name + " ";
  const size_t at = list.str.find(marker);
  if (at == std::string::npos) return -1;
  const size_t line_end = list.str.find('\n', at);
  const size_t field = list.str.find(" tot-mem=", at);
  if (field == std::string::npos || field > line_end) return -1;
  return std::stoll(list.str.substr(field + 9));
}

// A subscriber that never reads while another client publishes 200 KB
// messages to it, until the server closes it or `rounds` went out; says
// how it ended and whether CLIENT LIST ever showed it at or over the limit.
// (A client pipelining commands without reading holds little in arbor: it
// is not read from while its replies wait, so the kernel's buffers fill,
// not the server's. Messages are what pile up on both servers.)
std::string subscriber_without_reading(uint16_t port, Client& admin, const std::string& name, int rounds) {
  RawConnection sub(port);
  const std::string setname = "*3\r\n$6\r\nCLIENT\r\n$7\r\nSETNAME\r\n$" + std::to_string(name.size()) + "\r\n" +
                              name + "\r\n";
  sub.send(setname);
  if (sub.read_until("+OK\r\n", milliseconds(5000)) != "+OK\r\n") return "setname failed";
  if (name == "protected") {
    sub.send("*3\r\n$6\r\nCLIENT\r\n$8\r\nNO-EVICT\r\n$2\r\nON\r\n");
    if (sub.read_until("+OK\r\n", milliseconds(5000)) != "+OK\r\n") return "no-evict failed";
  }
  sub.send("*2\r\n$9\r\nSUBSCRIBE\r\n$2\r\nch\r\n");
  if (sub.read_until(":1\r\n", milliseconds(5000)).empty()) return "subscribe failed";
  Client publisher(port);
  const std::string payload(200000, 'm');
  bool seen_over = false;
  for (int i = 0; i < rounds; ++i) {
    const int64_t mem = tot_mem(admin, name);
    if (mem < 0) return std::string("closed by the server") + (seen_over ? ", seen over the limit" : "");
    if (mem >= kLimit) seen_over = true;
    publisher.cmd({"PUBLISH", "ch", payload});
  }
  const bool gone = tot_mem(admin, name) < 0;
  return std::string(gone ? "closed by the server" : "still connected") + (seen_over ? ", seen over the limit" : "");
}

std::vector<std::string> scenario(uint16_t port) {
  std::vector<std::string> log;
  Client admin(port);
  auto run = [&](const std::vector<std::string>& args) { log.push_back(admin.cmd(args).to_string()); };
  run({"CLIENT", "NO-EVICT", "ON"});
  for (const char* value : {"10%", "101%", "-1", "abc", "0", "3000000"}) {
    run({"CONFIG", "SET", "maxmemory-clients", value});
    run({"CONFIG", "GET", "maxmemory-clients"});
  }
  run({"SET", "big", std::string(200000, 'v')});
  auto evicted = [&] { log.push_back("evicted_clients=" + std::to_string(info_int(admin, "stats", "evicted_clients"))); };
  evicted();

  // A command whose argument alone passes the limit, still arriving.
  {
    RawConnection query(port);
    query.send("*3\r\n$3\r\nSET\r\n$1\r\nq\r\n$8000000\r\n");
    const std::string chunk(500000, 'x');
    bool refused = false;
    for (int i = 0; i < 16 && !refused; ++i) refused = !query.send(chunk, milliseconds(2000));
    log.push_back(std::string("query buffer client: ") + (query.wait_closed(milliseconds(5000)) ? "closed" : "open"));
  }
  evicted();
  run({"EXISTS", "q"});

  // Messages piling up: closed before CLIENT LIST sees it over the limit.
  log.push_back("reader: " + subscriber_without_reading(port, admin, "reader", 400));
  evicted();

  // NO-EVICT: never closed (the server only logs that it is over).
  // (The publisher is what goes. Redis counts a subscriber's output late,
  // so CLIENT LIST may show this one over the limit first; arbor counts it
  // as each message is queued and closes the publisher at once. Only the
  // outcome is compared.)
  std::string outcome = subscriber_without_reading(port, admin, "protected", 80);
  outcome = outcome.substr(0, outcome.find(','));
  log.push_back("protected: " + outcome);
  evicted();

  // A lower limit closes a client at once.
  {
    RawConnection partial(port);
    partial.send("*3\r\n$3\r\nSET\r\n$1\r\np\r\n$2000000\r\n" + std::string(1000000, 'y'));
    Client check(port);
    run({"CONFIG", "SET", "maxmemory-clients", "1000000"});
    log.push_back(std::string("partial command client: ") +
                  (partial.wait_closed(milliseconds(5000)) ? "closed" : "open"));
  }
  evicted();
  run({"CONFIG", "SET", "maxmemory-clients", "0"});
  return log;
}

TEST(ClientEvictionAgainstRedis, SameClientsAreClosedAsByRedis) {
  RedisProcess redis;
  ASSERT_TRUE(redis.ok());
  ServerProcess arbor;
  const std::vector<std::string> expected = scenario(redis.port());
  const std::vector<std::string> actual = scenario(arbor.port());
  ASSERT_EQ(actual.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) EXPECT_EQ(actual[i], expected[i]) << "step " << i;
}

}  // namespace
}  // namespace arbor::test
