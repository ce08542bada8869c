// Protected mode admits only 127.0.0.1 and ::1 when no password is set, as
// Redis compares the peer's address text; this checks that classification
// without any traffic.
#include <gtest/gtest.h>

#include "server/net/connection.h"

namespace {

using arbor::net::protected_mode_admits;
using arbor::net::asio::ip::make_address;

TEST(ProtectedMode, ExactlyTheTwoLoopbackAddressesAreAdmitted) {
  EXPECT_TRUE(protected_mode_admits(make_address("127.0.0.1")));
  EXPECT_TRUE(protected_mode_admits(make_address("::1")));
}

TEST(ProtectedMode, OtherAddressesAreRefused) {
  EXPECT_FALSE(protected_mode_admits(make_address("127.0.0.2")));
  EXPECT_FALSE(protected_mode_admits(make_address("127.10.20.30")));
  EXPECT_FALSE(protected_mode_admits(make_address("::ffff:127.0.0.1")));
  EXPECT_FALSE(protected_mode_admits(make_address("10.0.0.1")));
  EXPECT_FALSE(protected_mode_admits(make_address("192.168.1.20")));
  EXPECT_FALSE(protected_mode_admits(make_address("0.0.0.0")));
  EXPECT_FALSE(protected_mode_admits(make_address("2001:db8::1")));
  EXPECT_FALSE(protected_mode_admits(make_address("::")));
}

}  // namespace
