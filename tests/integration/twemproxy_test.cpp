// Several machines (issue 11): arbor behind twemproxy (Debian's nutcracker)
// with ketama hashing, as Redis is run: keys land on both shards, MGET
// across shards is answered whole, and what the proxy does not forward
// (transactions, commands it does not know) it refuses as for Redis.
#include <gtest/gtest.h>

#include <string>

#include "tests/integration/server_fixture.h"

namespace arbor::test {
namespace {

class Nutcracker {
 public:
  Nutcracker(uint16_t shard_a, uint16_t shard_b) {
    for (int attempt = 0; attempt < 3 && port_ == 0; ++attempt) {
      const uint16_t port = pick_free_port(), stats = pick_free_port();
      dir_.write("nutcracker.yml", "arbor:\n  listen: 127.0.0.1:" + std::to_string(port) +
                                       "\n  hash: md5\n  distribution: ketama\n  redis: true\n"
                                       "  auto_eject_hosts: false\n  timeout: 2000\n  servers:\n"
                                       "   - 127.0.0.1:" + std::to_string(shard_a) + ":1 shard-a\n"
                                       "   - 127.0.0.1:" + std::to_string(shard_b) + ":1 shard-b\n");
      child_.spawn("/usr/sbin/nutcracker",
                   {"-c", dir_.file("nutcracker.yml"), "-o", dir_.file("nutcracker.log"), "-p",
                    dir_.file("nutcracker.pid"), "-s", std::to_string(stats), "-a", "127.0.0.1"},
                   dir_.file("stdout.log"));
      if (eventually([&] { return !child_.running() || answers_ping(port, milliseconds(200)); },
                     milliseconds(10000)) &&
          child_.running()) {
        port_ = port;
        return;
      }
      child_.terminate(milliseconds(5000));
    }
    ADD_FAILURE() << "nutcracker did not start";
  }
  ~Nutcracker() { child_.terminate(milliseconds(5000)); }
  uint16_t port() const { return port_; }

 private:
  TempDir dir_;
  ChildProcess child_;
  uint16_t port_ = 0;
};

TEST(Twemproxy, KeysSpreadOverBothShardsAndMgetSpansThem) {
  ServerProcess a({"--save", ""}), b({"--save", ""});
  Nutcracker proxy(a.port(), b.port());
  ASSERT_NE(proxy.port(), 0);
  Client c(proxy.port());
  for (int i = 0; i < 200; ++i)
    ASSERT_TRUE(is_status(c.cmd({"SET", "k:" + std::to_string(i), std::to_string(i)}), "OK")) << i;
  Client ca(a.port()), cb(b.port());
  const int64_t on_a = ca.cmd({"DBSIZE"}).integer, on_b = cb.cmd({"DBSIZE"}).integer;
  EXPECT_GT(on_a, 20);
  EXPECT_GT(on_b, 20);
  EXPECT_EQ(on_a + on_b, 200);
  std::vector<std::string> mget = {"MGET"};
  for (int i = 0; i < 200; i += 7) mget.push_back("k:" + std::to_string(i));
  const Reply values = c.cmd(mget);
  ASSERT_EQ(values.elements.size(), mget.size() - 1);
  for (size_t i = 1; i < mget.size(); ++i) EXPECT_TRUE(is_bulk(values.elements[i - 1], mget[i].substr(2)));
  // Multi-key deletes are split over the shards and summed.
  EXPECT_TRUE(is_int(c.cmd({"DEL", "k:1", "k:2", "k:3"}), 3));
  EXPECT_TRUE(is_int(c.cmd({"HSET", "h", "f", "v"}), 1));
  EXPECT_TRUE(is_bulk(c.cmd({"HGET", "h", "f"}), "v"));
  // What nutcracker does not know it does not forward: it closes the
  // connection, for transactions as for arbor's NOTE.* commands.
  Client tx(proxy.port());
  EXPECT_EQ(tx.cmd({"MULTI"}).type, ReplyType::kError);
  EXPECT_FALSE(tx.connected());
  Client notes(proxy.port());
  EXPECT_EQ(notes.cmd({"NOTE.ADD", "notes", "root", "a", "text"}).type, ReplyType::kError);
  EXPECT_FALSE(notes.connected());
}

}  // namespace
}  // namespace arbor::test
