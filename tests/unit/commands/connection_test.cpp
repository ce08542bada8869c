// Connection commands through the in-process harness: PING, ECHO, HELLO
// (RESP2/RESP3 reply, AUTH, SETNAME, errors), AUTH with and without
// requirepass, SELECT, SWAPDB, RESET and QUIT. Replies are redis-server
// 7.0.15's.
#include <gtest/gtest.h>

#include <string>

#include "tests/unit/commands/harness.h"

namespace arbor {
namespace {

using testing::CommandHarness;
using testing::err;
using testing::kOk;
using testing::kNotInt;

const std::string kWrongPass = err("WRONGPASS invalid username-password pair or user is disabled.");
const std::string kOutOfRange = err("ERR DB index is out of range");

class Connection : public ::testing::Test {
 protected:
  std::string run(std::initializer_list<std::string_view> args) { return h.text(args); }
  void require_password(std::string password) {
    h.config().settings().requirepass = std::move(password);
    h.client().authenticated = false;
  }
  // The HELLO reply as "field=value" pairs, whatever the protocol.
  std::string hello_fields(const protocol::Reply& reply) {
    std::string out;
    for (size_t i = 0; i + 1 < reply.elements.size(); i += 2) {
      const protocol::Reply& value = reply.elements[i + 1];
      out += reply.elements[i].str + "=";
      out += value.type == protocol::ReplyType::kInteger ? std::to_string(value.integer)
             : value.type == protocol::ReplyType::kArray ? value.to_string()
                                                          : value.str;
      out += " ";
    }
    return out;
  }
  std::string id() { return std::to_string(h.client().id); }
  CommandHarness h;
};

TEST_F(Connection, Ping) {
  EXPECT_EQ(h.raw({"PING"}), "+PONG\r\n");
  EXPECT_EQ(h.raw({"PING", "hi"}), "$2\r\nhi\r\n");
  EXPECT_EQ(h.raw({"PING", ""}), "$0\r\n\r\n");
  EXPECT_EQ(run({"PING", "a", "b"}), err("ERR wrong number of arguments for 'ping' command"));
}

TEST_F(Connection, Echo) {
  EXPECT_EQ(h.raw({"ECHO", "hello"}), "$5\r\nhello\r\n");
  EXPECT_EQ(run({"ECHO"}), err("ERR wrong number of arguments for 'echo' command"));
  EXPECT_EQ(run({"ECHO", "a", "b"}), err("ERR wrong number of arguments for 'echo' command"));
}

TEST_F(Connection, HelloWithoutArgumentsKeepsResp2) {
  const protocol::Reply reply = h.run({"HELLO"});
  EXPECT_EQ(reply.type, protocol::ReplyType::kArray);
  EXPECT_EQ(hello_fields(reply),
            "server=redis version=7.0.15 proto=2 id=" + id() + " mode=standalone role=master modules=[] ");
}

TEST_F(Connection, Hello3SwitchesToResp3InItsOwnReply) {
  const protocol::Reply reply = h.run({"HELLO", "3"});
  EXPECT_EQ(reply.type, protocol::ReplyType::kMap);
  EXPECT_EQ(hello_fields(reply),
            "server=redis version=7.0.15 proto=3 id=" + id() + " mode=standalone role=master modules=[] ");
  EXPECT_EQ(h.client().resp, 3);
  EXPECT_EQ(h.raw({"GET", "nokey"}), "_\r\n");
  EXPECT_EQ(h.run({"HELLO", "2"}).type, protocol::ReplyType::kArray);
  EXPECT_EQ(h.raw({"GET", "nokey"}), "$-1\r\n");
}

TEST_F(Connection, HelloVersionErrors) {
  EXPECT_EQ(run({"HELLO", "4"}), err("NOPROTO unsupported protocol version"));
  EXPECT_EQ(run({"HELLO", "1"}), err("NOPROTO unsupported protocol version"));
  EXPECT_EQ(run({"HELLO", "abc"}), err("ERR Protocol version is not an integer or out of range"));
  EXPECT_EQ(h.client().resp, 2);
}

TEST_F(Connection, HelloOptionErrors) {
  EXPECT_EQ(run({"HELLO", "3", "FOO"}), err("ERR Syntax error in HELLO option 'FOO'"));
  EXPECT_EQ(run({"HELLO", "3", "AUTH"}), err("ERR Syntax error in HELLO option 'AUTH'"));
  EXPECT_EQ(run({"HELLO", "3", "AUTH", "default"}), err("ERR Syntax error in HELLO option 'AUTH'"));
  EXPECT_EQ(run({"HELLO", "3", "SETNAME"}), err("ERR Syntax error in HELLO option 'SETNAME'"));
  EXPECT_EQ(run({"HELLO", "3", "SETNAME", "a b"}),
            err("ERR Client names cannot contain spaces, newlines or special characters."));
  EXPECT_EQ(h.client().resp, 2);
}

TEST_F(Connection, HelloSetname) {
  EXPECT_EQ(h.run({"HELLO", "2", "SETNAME", "myname"}).type, protocol::ReplyType::kArray);
  EXPECT_EQ(run({"CLIENT", "GETNAME"}), "\"myname\"");
  h.run({"HELLO", "3", "SETNAME", ""});
  EXPECT_EQ(run({"CLIENT", "GETNAME"}), "nil");
}

TEST_F(Connection, HelloAuthWithoutRequirepassAcceptsAnyPasswordForDefault) {
  EXPECT_EQ(h.run({"HELLO", "3", "AUTH", "default", "x"}).type, protocol::ReplyType::kMap);
  EXPECT_EQ(run({"HELLO", "3", "AUTH", "someone", "x"}), kWrongPass);
}

TEST_F(Connection, HelloWithRequirepass) {
  require_password("secret");
  EXPECT_EQ(run({"HELLO", "3"}),
            err("NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO "
                "AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol "
                "version at the same time"));
  EXPECT_EQ(run({"HELLO", "3", "SETNAME", "x", "AUTH", "default", "wrong"}), kWrongPass);
  EXPECT_EQ(h.client().resp, 2);
  EXPECT_EQ(h.client().name, "");
  EXPECT_EQ(h.run({"HELLO", "3", "AUTH", "default", "secret", "SETNAME", "x"}).type, protocol::ReplyType::kMap);
  EXPECT_TRUE(h.client().authenticated);
  EXPECT_EQ(h.client().name, "x");
  EXPECT_EQ(run({"GET", "k"}), "nil");
}

TEST_F(Connection, AuthWithoutRequirepass) {
  EXPECT_EQ(run({"AUTH", "x"}),
            err("ERR AUTH <password> called without any password configured for the default user. Are you sure "
                "your configuration is correct?"));
  EXPECT_EQ(run({"AUTH", "default", "x"}), kOk);
  EXPECT_EQ(run({"AUTH", "default", ""}), kOk);
  EXPECT_EQ(run({"AUTH", "a", "b"}), kWrongPass);
  EXPECT_EQ(run({"AUTH", "DEFAULT", "x"}), kWrongPass);  // user names are case-sensitive
  EXPECT_EQ(run({"AUTH", "a", "b", "c"}), err("ERR syntax error"));
  EXPECT_EQ(run({"AUTH"}), err("ERR wrong number of arguments for 'auth' command"));
}

TEST_F(Connection, AuthWithRequirepass) {
  require_password("secret");
  EXPECT_EQ(run({"AUTH", "wrong"}), kWrongPass);
  EXPECT_EQ(run({"AUTH", "default", "wrong"}), kWrongPass);
  EXPECT_EQ(run({"AUTH", ""}), kWrongPass);
  EXPECT_FALSE(h.client().authenticated);
  EXPECT_EQ(run({"AUTH", "secret"}), kOk);
  EXPECT_TRUE(h.client().authenticated);
  EXPECT_EQ(run({"AUTH", "wrong"}), kWrongPass);
  EXPECT_TRUE(h.client().authenticated);  // a failed AUTH does not log out
  require_password("secret");
  EXPECT_EQ(run({"AUTH", "default", "secret"}), kOk);
  EXPECT_EQ(run({"PING"}), "\"PONG\"");
}

TEST_F(Connection, SelectSwitchesDatabase) {
  run({"SET", "k", "db0"});
  EXPECT_EQ(run({"SELECT", "1"}), kOk);
  EXPECT_EQ(run({"GET", "k"}), "nil");
  run({"SET", "k", "db1"});
  EXPECT_EQ(run({"SELECT", "0"}), kOk);
  EXPECT_EQ(run({"GET", "k"}), "\"db0\"");
  EXPECT_EQ(run({"SELECT", "15"}), kOk);
  EXPECT_EQ(h.client().db, 15);
}

TEST_F(Connection, SelectErrors) {
  EXPECT_EQ(run({"SELECT", "16"}), kOutOfRange);
  EXPECT_EQ(run({"SELECT", "-1"}), kOutOfRange);
  EXPECT_EQ(run({"SELECT", "abc"}), kNotInt);
  EXPECT_EQ(run({"SELECT", "99999999999"}),
            err("ERR value is out of range, value must between -2147483648 and 2147483647"));
  EXPECT_EQ(h.client().db, 0);
}

TEST_F(Connection, SwapdbSwapsContentsForEveryClient) {
  run({"SET", "k", "db0"});
  run({"SET", "t", "v", "EX", "100"});
  EXPECT_EQ(run({"SWAPDB", "0", "1"}), kOk);
  EXPECT_EQ(run({"GET", "k"}), "nil");
  EXPECT_EQ(run({"SELECT", "1"}), kOk);
  EXPECT_EQ(run({"GET", "k"}), "\"db0\"");
  EXPECT_EQ(run({"TTL", "t"}), "100");
  EXPECT_EQ(h.instance().db(1).expires_count(), 1u);
  EXPECT_EQ(h.instance().db(0).expires_count(), 0u);
  EXPECT_EQ(run({"SWAPDB", "0", "0"}), kOk);
}

TEST_F(Connection, SwapdbErrors) {
  EXPECT_EQ(run({"SWAPDB", "0", "16"}), kOutOfRange);
  EXPECT_EQ(run({"SWAPDB", "-1", "0"}), kOutOfRange);
  EXPECT_EQ(run({"SWAPDB", "abc", "1"}), err("ERR invalid first DB index"));
  EXPECT_EQ(run({"SWAPDB", "1", "abc"}), err("ERR invalid second DB index"));
  EXPECT_EQ(run({"SWAPDB", "99999999999", "0"}), err("ERR invalid first DB index"));
}

TEST_F(Connection, ResetRestoresTheConnectionDefaults) {
  h.run({"HELLO", "3", "SETNAME", "named"});
  run({"SELECT", "3"});
  run({"CLIENT", "NO-EVICT", "ON"});
  EXPECT_EQ(h.raw({"RESET"}), "+RESET\r\n");
  EXPECT_EQ(h.client().resp, 2);
  EXPECT_EQ(h.client().db, 0);
  EXPECT_EQ(h.client().name, "");
  EXPECT_FALSE(h.client().no_evict);
  EXPECT_TRUE(h.client().authenticated);
}

TEST_F(Connection, ResetLogsOutWhenAPasswordIsRequired) {
  require_password("secret");
  run({"AUTH", "secret"});
  EXPECT_EQ(run({"RESET"}), "\"RESET\"");
  EXPECT_FALSE(h.client().authenticated);
  EXPECT_EQ(run({"GET", "k"}), err("NOAUTH Authentication required."));
}

TEST_F(Connection, QuitRepliesOkAndClosesAfterwards) {
  EXPECT_EQ(run({"QUIT"}), kOk);
  EXPECT_TRUE(h.client().close_after_reply);
}

}  // namespace
}  // namespace arbor
