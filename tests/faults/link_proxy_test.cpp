// The fault harness's link proxy: it forwards both ways, a cut closes what
// goes through it and refuses new connections until it ends, a delay holds
// the bytes back, and a server restarted behind it is reached again.
#include "tests/faults/link_proxy.h"

#include <gtest/gtest.h>

#include "tests/integration/server_fixture.h"

namespace arbor::faults {
namespace {

using test::Client;
using test::eventually;

TEST(LinkProxy, ForwardsCutsDelaysAndFindsARestartedServer) {
  test::ServerProcess server({"--save", ""});
  ProxyHub hub;
  const size_t proxy = hub.add(server.port());
  const uint16_t port = hub.public_port(proxy);
  {
    Client c(port);
    EXPECT_TRUE(test::is_status(c.cmd({"SET", "k", "v"}), "OK"));
    EXPECT_TRUE(test::is_bulk(c.cmd({"GET", "k"}), "v"));
  }
  Client through(port);
  ASSERT_TRUE(test::is_status(through.cmd({"PING"}), "PONG"));
  hub.cut(proxy, milliseconds(300));
  EXPECT_EQ(through.cmd({"PING"}).type, test::ReplyType::kError);  // closed
  EXPECT_TRUE(eventually([&] {
    Client again(port, milliseconds(200));
    return test::is_status(again.cmd({"PING"}), "PONG");
  }));

  hub.delay(proxy, milliseconds(200), milliseconds(2000));
  Client slow(port);
  const auto started = SteadyClock::now();
  EXPECT_TRUE(test::is_status(slow.cmd({"PING"}), "PONG"));
  EXPECT_GE(SteadyClock::now() - started, milliseconds(350));  // 200 ms each way
  hub.heal(proxy);

  const std::string server_port = std::to_string(server.port());
  server.kill();
  ASSERT_TRUE(server.start({"--save", "", "--port", server_port}));
  EXPECT_TRUE(eventually([&] {
    Client again(port, milliseconds(200));
    return test::is_status(again.cmd({"PING"}), "PONG");
  }, milliseconds(3000)));
}

}  // namespace
}  // namespace arbor::faults
