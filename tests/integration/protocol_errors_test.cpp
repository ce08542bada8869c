// Protocol errors against a real arbor-server: for each malformed input the
// exact error bytes Redis 7.0 sends, that the connection is closed after them,
// and that another client is still served. Also inline commands, pipelines
// split into 1-byte writes and binary-safe values through hiredis.
#include <gtest/gtest.h>

#include <string>

#include "tests/integration/server_fixture.h"

namespace arbor::test {
namespace {

constexpr milliseconds kWait(5000);

class ProtocolErrors : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new ServerProcess(); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }

  uint16_t port() const { return server_->port(); }

  // Sends `request` on a fresh connection and expects exactly `reply` and
  // then the close; then checks that a second client still gets PONG.
  void expect_error_and_close(const std::string& request, const std::string& reply) {
    RawConnection conn(port());
    ASSERT_TRUE(conn.connected());
    // The server may close before reading everything we send: a failed send
    // is fine as long as the error reply arrived.
    conn.send(request);
    bool closed = false;
    const std::string got = conn.read_until_close(kWait, &closed);
    EXPECT_EQ(got, reply);
    EXPECT_TRUE(closed) << "connection left open after a protocol error";
    expect_other_client_served();
  }

  void expect_other_client_served() {
    Client other(port());
    ASSERT_TRUE(other.connected()) << other.error();
    if (!password_.empty()) {
      ASSERT_TRUE(is_status(other.cmd({"AUTH", password_}), "OK"));
    }
    EXPECT_TRUE(is_status(other.cmd({"PING"}), "PONG"));
  }

  static ServerProcess* server_;
  static std::string password_;
};

ServerProcess* ProtocolErrors::server_ = nullptr;
std::string ProtocolErrors::password_;

TEST_F(ProtocolErrors, InvalidMultibulkLengthClosesConnectionAfterError) {
  expect_error_and_close("*abc\r\n", "-ERR Protocol error: invalid multibulk length\r\n");
}

TEST_F(ProtocolErrors, MultibulkLengthAboveLimitIsInvalid) {
  expect_error_and_close("*3000000000\r\n", "-ERR Protocol error: invalid multibulk length\r\n");
}

TEST_F(ProtocolErrors, NegativeBulkLengthClosesConnectionAfterError) {
  expect_error_and_close("*1\r\n$-5\r\n", "-ERR Protocol error: invalid bulk length\r\n");
}

TEST_F(ProtocolErrors, NonNumericBulkLengthClosesConnectionAfterError) {
  expect_error_and_close("*1\r\n$abc\r\n", "-ERR Protocol error: invalid bulk length\r\n");
}

TEST_F(ProtocolErrors, BulkLengthAboveProtoMaxBulkLenIsInvalid) {
  // 600,000,000 > 512 MB default of proto-max-bulk-len.
  expect_error_and_close("*1\r\n$600000000\r\n", "-ERR Protocol error: invalid bulk length\r\n");
}

TEST_F(ProtocolErrors, MissingDollarNamesTheOffendingByte) {
  expect_error_and_close("*1\r\nfoo\r\n", "-ERR Protocol error: expected '$', got 'f'\r\n");
}

TEST_F(ProtocolErrors, TooBigInlineRequest) {
  expect_error_and_close(std::string(70 * 1024, 'a'), "-ERR Protocol error: too big inline request\r\n");
}

TEST_F(ProtocolErrors, TooBigMbulkCountString) {
  expect_error_and_close("*" + std::string(70 * 1024, '1'),
                         "-ERR Protocol error: too big mbulk count string\r\n");
}

TEST_F(ProtocolErrors, TooBigBulkCountString) {
  expect_error_and_close("*1\r\n$" + std::string(70 * 1024, '1'),
                         "-ERR Protocol error: too big bulk count string\r\n");
}

TEST_F(ProtocolErrors, UnbalancedQuotesInInlineRequest) {
  expect_error_and_close("SET a \"b\r\n", "-ERR Protocol error: unbalanced quotes in request\r\n");
}

TEST_F(ProtocolErrors, RepliesBeforeTheErrorAreSentFirst) {
  // A valid command followed by a bad one in the same packet: PONG, then the
  // error, then the close.
  expect_error_and_close("*1\r\n$4\r\nPING\r\n*1\r\n$-1\r\n",
                         "+PONG\r\n-ERR Protocol error: invalid bulk length\r\n");
}

TEST_F(ProtocolErrors, IncompleteCommandWaitsForMoreBytes) {
  RawConnection conn(port());
  ASSERT_TRUE(conn.send("*2\r\n$3\r\nGET\r\n"));
  // Nothing must come back for a partial command: wait a short while.
  EXPECT_EQ(conn.read_bytes(1, milliseconds(200)), "");
  ASSERT_TRUE(conn.send("$7\r\nmissing\r\n"));
  EXPECT_EQ(conn.read_bytes(5, kWait), "$-1\r\n");
}

TEST_F(ProtocolErrors, EmptyMultibulkAndBlankLinesAreIgnored) {
  RawConnection conn(port());
  ASSERT_TRUE(conn.send("*0\r\n*-1\r\n\r\n\r\n*1\r\n$4\r\nPING\r\n"));
  EXPECT_EQ(conn.read_bytes(7, kWait), "+PONG\r\n");
  EXPECT_EQ(conn.read_bytes(1, milliseconds(100)), "");
}

TEST_F(ProtocolErrors, UnknownCommandListsItsFirstArguments) {
  RawConnection conn(port());
  ASSERT_TRUE(conn.send(encode_command({"foo", "a", "b"})));
  const std::string expected = "-ERR unknown command 'foo', with args beginning with: 'a' 'b' \r\n";
  EXPECT_EQ(conn.read_bytes(expected.size(), kWait), expected);
  // Not a protocol error: the connection stays usable.
  ASSERT_TRUE(conn.send(encode_command({"PING"})));
  EXPECT_EQ(conn.read_bytes(7, kWait), "+PONG\r\n");
}

TEST_F(ProtocolErrors, UnknownInlineCommand) {
  RawConnection conn(port());
  ASSERT_TRUE(conn.send("foo a b c\r\n"));
  const std::string expected = "-ERR unknown command 'foo', with args beginning with: 'a' 'b' 'c' \r\n";
  EXPECT_EQ(conn.read_bytes(expected.size(), kWait), expected);
}

TEST_F(ProtocolErrors, WrongArityNamesTheCommand) {
  Client c(port());
  EXPECT_TRUE(is_error(c.cmd({"GET"}), "ERR wrong number of arguments for 'get' command"));
  EXPECT_TRUE(is_error(c.cmd({"SET", "k"}), "ERR wrong number of arguments for 'set' command"));
  EXPECT_TRUE(is_error(c.cmd({"MSET", "a", "1", "b"}), "ERR wrong number of arguments for 'mset' command"));
  EXPECT_TRUE(is_error(c.cmd({"config", "get"}), "ERR wrong number of arguments for 'config|get' command"));
  EXPECT_TRUE(is_status(c.cmd({"PING"}), "PONG"));
}

TEST_F(ProtocolErrors, PipelineSplitIntoOneByteWritesRepliesInOrder) {
  std::string batch;
  batch += encode_command({"DEL", "pipe:counter", "pipe:str"});
  for (int i = 1; i <= 20; ++i) batch += encode_command({"INCR", "pipe:counter"});
  batch += encode_command({"SET", "pipe:str", "hello"});
  batch += "APPEND pipe:str \" world\"\r\n";  // inline in the middle of the batch
  batch += encode_command({"GET", "pipe:str"});
  std::string expected = ":0\r\n";
  for (int i = 1; i <= 20; ++i) expected += ":" + std::to_string(i) + "\r\n";
  expected += "+OK\r\n:11\r\n$11\r\nhello world\r\n";

  RawConnection conn(port());
  for (char byte : batch) ASSERT_TRUE(conn.send(std::string_view(&byte, 1)));
  EXPECT_EQ(conn.read_bytes(expected.size(), kWait), expected);
  EXPECT_EQ(conn.read_bytes(1, milliseconds(100)), "");
}

TEST_F(ProtocolErrors, InlinePing) {
  RawConnection conn(port());
  ASSERT_TRUE(conn.send("PING\r\n"));
  EXPECT_EQ(conn.read_bytes(7, kWait), "+PONG\r\n");
  ASSERT_TRUE(conn.send("PING\n"));  // a bare LF ends an inline command too
  EXPECT_EQ(conn.read_bytes(7, kWait), "+PONG\r\n");
}

TEST_F(ProtocolErrors, InlineQuotedArgumentsKeepSpaces) {
  RawConnection conn(port());
  ASSERT_TRUE(
      conn.send("SET inline:k \"a b\"\r\nGET inline:k\r\nSET inline:e \"x\\ty\\x41\" \r\nGET inline:e\r\n"));
  const std::string expected = "+OK\r\n$3\r\na b\r\n+OK\r\n$4\r\nx\tyA\r\n";
  EXPECT_EQ(conn.read_bytes(expected.size(), kWait), expected);
}

TEST_F(ProtocolErrors, BinarySafeKeysAndValuesThroughHiredis) {
  Client c(port());
  const std::string key("bin\0key\r\n", 9);
  const std::string value("\0\r\n\xff\x00zz\n\r", 10);
  ASSERT_EQ(key.size(), 9u);
  ASSERT_EQ(value.size(), 10u);
  EXPECT_TRUE(is_status(c.cmd({"SET", key, value}), "OK"));
  EXPECT_TRUE(is_bulk(c.cmd({"GET", key}), value));
  EXPECT_TRUE(is_int(c.cmd({"STRLEN", key}), 10));
  EXPECT_TRUE(is_int(c.cmd({"EXISTS", key}), 1));
  EXPECT_TRUE(is_int(c.cmd({"EXISTS", std::string("bin\0key", 7)}), 0));
  EXPECT_TRUE(is_int(c.cmd({"APPEND", key, std::string("\0", 1)}), 11));
  EXPECT_TRUE(is_bulk(c.cmd({"GET", key}), value + std::string("\0", 1)));
  EXPECT_TRUE(is_int(c.cmd({"DEL", key}), 1));
}

// ------------------------------------------------ before AUTH (requirepass)

class UnauthenticatedLimits : public ProtocolErrors {
 protected:
  static void SetUpTestSuite() {
    password_ = "secret";
    server_ = new ServerProcess({"--requirepass", password_});
  }
  static void TearDownTestSuite() {
    ProtocolErrors::TearDownTestSuite();
    password_.clear();
  }
};

TEST_F(UnauthenticatedLimits, MoreThanTenArgumentsBeforeAuthClosesConnection) {
  expect_error_and_close("*11\r\n", "-ERR Protocol error: unauthenticated multibulk length\r\n");
}

TEST_F(UnauthenticatedLimits, BulkAbove16KBeforeAuthClosesConnection) {
  expect_error_and_close("*1\r\n$20000\r\n", "-ERR Protocol error: unauthenticated bulk length\r\n");
  expect_error_and_close("*1\r\n$16385\r\n", "-ERR Protocol error: unauthenticated bulk length\r\n");
}

TEST_F(UnauthenticatedLimits, TenArgumentsAnd16KBulksAreAllowedBeforeAuth) {
  RawConnection conn(port());
  // SET has arity -3, so ten arguments pass the arity check (which Redis
  // makes before the auth check) and reach the NOAUTH refusal.
  std::vector<std::string> args(10, "x");
  args[0] = "SET";
  ASSERT_TRUE(conn.send(encode_command(args)));
  EXPECT_EQ(conn.read_until("\r\n", kWait), "-NOAUTH Authentication required.\r\n");
  ASSERT_TRUE(conn.send(encode_command({"ECHO", std::string(16384, 'y')})));
  EXPECT_EQ(conn.read_until("\r\n", kWait), "-NOAUTH Authentication required.\r\n");
}

TEST_F(UnauthenticatedLimits, AfterAuthLongCommandsAndBigBulksAreFine) {
  RawConnection conn(port());
  ASSERT_TRUE(conn.send(encode_command({"AUTH", "secret"})));
  ASSERT_EQ(conn.read_until("\r\n", kWait), "+OK\r\n");
  std::vector<std::string> mset = {"MSET"};
  for (int i = 0; i < 10; ++i) {
    mset.push_back("auth:k" + std::to_string(i));
    mset.push_back(std::to_string(i));
  }
  ASSERT_TRUE(conn.send(encode_command(mset)));
  EXPECT_EQ(conn.read_until("\r\n", kWait), "+OK\r\n");
  ASSERT_TRUE(conn.send(encode_command({"SET", "auth:big", std::string(20000, 'z')})));
  EXPECT_EQ(conn.read_until("\r\n", kWait), "+OK\r\n");
  ASSERT_TRUE(conn.send(encode_command({"STRLEN", "auth:big"})));
  EXPECT_EQ(conn.read_until("\r\n", kWait), ":20000\r\n");
}

}  // namespace
}  // namespace arbor::test
