// Protected mode admits only loopback peers when no password is set; this
// checks the address classification it relies on, without any traffic.
#include <gtest/gtest.h>

#include "server/net/connection.h"

namespace {

using arbor::net::asio::ip::make_address;
using arbor::net::is_loopback;

TEST(ProtectedMode, LoopbackAddressesAreLocal) {
  EXPECT_TRUE(is_loopback(make_address("127.0.0.1")));
  EXPECT_TRUE(is_loopback(make_address("127.10.20.30")));
  EXPECT_TRUE(is_loopback(make_address("::1")));
  EXPECT_TRUE(is_loopback(make_address("::ffff:127.0.0.1")));
}

TEST(ProtectedMode, OtherAddressesAreNotLocal) {
  EXPECT_FALSE(is_loopback(make_address("10.0.0.1")));
  EXPECT_FALSE(is_loopback(make_address("192.168.1.20")));
  EXPECT_FALSE(is_loopback(make_address("0.0.0.0")));
  EXPECT_FALSE(is_loopback(make_address("::ffff:10.1.2.3")));
  EXPECT_FALSE(is_loopback(make_address("2001:db8::1")));
  EXPECT_FALSE(is_loopback(make_address("::")));
}

}  // namespace
