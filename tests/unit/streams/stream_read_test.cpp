// XREAD without blocking through the harness (replies, RESP2/RESP3 shapes,
// every error), and serve_xread() on its own as the blocking framework will
// call it. Expected replies were taken from redis-server 7.0.15.
#include <gtest/gtest.h>

#include <string>

#include "server/commands/stream_common.h"
#include "tests/unit/commands/harness.h"

namespace arbor {
namespace {

using testing::CommandHarness;
using testing::err;

class StreamRead : public ::testing::Test {
 protected:
  StreamRead() {
    h.pin_clock(1'700'000'000'000);
    h.run({"XADD", "s", "1-1", "a", "1"});
    h.run({"XADD", "s", "1-2", "b", "2"});
    h.run({"XADD", "t", "5-0", "c", "3"});
  }
  std::string run(std::initializer_list<std::string_view> args) { return h.text(args); }
  CommandHarness h;
};

const std::string kS11 = "[\"1-1\", [\"a\", \"1\"]]";
const std::string kS12 = "[\"1-2\", [\"b\", \"2\"]]";
const std::string kT50 = "[\"5-0\", [\"c\", \"3\"]]";

TEST_F(StreamRead, ServesStreamsWithNewerEntries) {
  EXPECT_EQ(run({"XREAD", "STREAMS", "s", "0"}), "[[\"s\", [" + kS11 + ", " + kS12 + "]]]");
  EXPECT_EQ(run({"XREAD", "STREAMS", "s", "1-1"}), "[[\"s\", [" + kS12 + "]]]");
  EXPECT_EQ(run({"XREAD", "COUNT", "1", "STREAMS", "s", "t", "0", "0"}),
            "[[\"s\", [" + kS11 + "]], [\"t\", [" + kT50 + "]]]");
  // Streams with nothing new, missing keys and '$' are left out.
  EXPECT_EQ(run({"XREAD", "STREAMS", "s", "nokey", "t", "0", "0", "$"}), "[[\"s\", [" + kS11 + ", " + kS12 + "]]]");
  EXPECT_EQ(run({"XREAD", "count", "-5", "STREAMS", "t", "0"}), "[[\"t\", [" + kT50 + "]]]");  // COUNT < 0: all
  EXPECT_EQ(run({"XREAD", "COUNT", "1", "COUNT", "2", "STREAMS", "s", "0"}), "[[\"s\", [" + kS11 + ", " + kS12 + "]]]");
  EXPECT_EQ(run({"XREAD", "COUNT", "1", "STREAMS", "s", "s", "0", "1-1"}),
            "[[\"s\", [" + kS11 + "]], [\"s\", [" + kS12 + "]]]");
  // "1" is 1-0: both entries are newer.
  EXPECT_EQ(run({"XREAD", "STREAMS", "s", "1"}), "[[\"s\", [" + kS11 + ", " + kS12 + "]]]");
}

TEST_F(StreamRead, NothingNewIsANullArray) {
  EXPECT_EQ(h.raw({"XREAD", "STREAMS", "s", "$"}), "*-1\r\n");
  EXPECT_EQ(h.raw({"XREAD", "STREAMS", "nokey", "0"}), "*-1\r\n");
  EXPECT_EQ(h.raw({"XREAD", "STREAMS", "nokey", "$"}), "*-1\r\n");
  EXPECT_EQ(h.raw({"XREAD", "STREAMS", "s", "1-2"}), "*-1\r\n");
  EXPECT_EQ(h.raw({"XREAD", "STREAMS", "s", "18446744073709551615-18446744073709551615"}), "*-1\r\n");
  // BLOCK is parsed; until the blocking framework parks clients it times out at once.
  EXPECT_EQ(h.raw({"XREAD", "BLOCK", "10", "STREAMS", "s", "$"}), "*-1\r\n");
  EXPECT_EQ(run({"XREAD", "BLOCK", "0", "STREAMS", "s", "0"}), "[[\"s\", [" + kS11 + ", " + kS12 + "]]]");
  // Deleted entries past the id do not count: the last live entry decides.
  run({"XDEL", "s", "1-2"});
  EXPECT_EQ(h.raw({"XREAD", "STREAMS", "s", "1-1"}), "*-1\r\n");
  h.set_resp(3);
  EXPECT_EQ(h.raw({"XREAD", "STREAMS", "s", "$"}), "_\r\n");
}

TEST_F(StreamRead, Resp2AndResp3Shapes) {
  EXPECT_EQ(h.raw({"XREAD", "STREAMS", "s", "1-1"}),
            "*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-2\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n");
  h.set_resp(3);
  EXPECT_EQ(h.raw({"XREAD", "STREAMS", "s", "1-1"}),
            "%1\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-2\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n");
  EXPECT_EQ(run({"XREAD", "STREAMS", "s", "t", "1-1", "0"}),
            "{\"s\": [" + kS12 + "], \"t\": [" + kT50 + "]}");
}

TEST_F(StreamRead, Errors) {
  EXPECT_EQ(run({"XREAD", "STREAMS", "s"}), err("ERR wrong number of arguments for 'xread' command"));
  const std::string unbalanced =
      err("ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.");
  EXPECT_EQ(run({"XREAD", "STREAMS", "s", "0", "x"}), unbalanced);
  EXPECT_EQ(run({"XREAD", "COUNT", "1", "s", "0"}), testing::kSyntax);
  EXPECT_EQ(run({"XREAD", "foo", "STREAMS", "s", "0"}), testing::kSyntax);
  EXPECT_EQ(run({"XREAD", "COUNT", "1", "BLOCK", "1"}), testing::kSyntax);  // no STREAMS
  EXPECT_EQ(run({"XREAD", "COUNT", "x", "STREAMS", "s", "0"}), testing::kNotInt);
  EXPECT_EQ(run({"XREAD", "BLOCK", "-1", "STREAMS", "s", "0"}), err("ERR timeout is negative"));
  EXPECT_EQ(run({"XREAD", "BLOCK", "x", "STREAMS", "s", "0"}), err("ERR timeout is not an integer or out of range"));
  EXPECT_EQ(run({"XREAD", "BLOCK", "1.5", "STREAMS", "s", "0"}),
            err("ERR timeout is not an integer or out of range"));
  EXPECT_EQ(run({"XREAD", "GROUP", "g", "c", "STREAMS", "s", "0"}),
            err("ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead."));
  EXPECT_EQ(run({"XREAD", "NOACK", "STREAMS", "s", "0"}),
            err("ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead."));
  EXPECT_EQ(run({"XREAD", "STREAMS", "s", ">"}),
            err("ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> "
                "option."));
  const std::string invalid = err("ERR Invalid stream ID specified as stream command argument");
  for (std::string_view bad : {"bad", "+", "-", "2-*"})
    EXPECT_EQ(h.run({"XREAD", "STREAMS", "s", bad}).to_string(), invalid) << bad;
  run({"SET", "str", "x"});
  const std::string wrong = err("WRONGTYPE Operation against a key holding the wrong kind of value");
  EXPECT_EQ(run({"XREAD", "STREAMS", "str", "0"}), wrong);
  EXPECT_EQ(run({"XREAD", "STREAMS", "nokey", "str", "0", "bad"}), wrong);  // key by key
  EXPECT_EQ(run({"XREAD", "STREAMS", "s", "str", "bad", "0"}), invalid);
}

// serve_xread as the blocking framework uses it: ids resolved once, then
// served again after more entries arrive.
TEST_F(StreamRead, ServeXreadWritesOnlyWhenSomethingIsNew) {
  auto& db = h.instance().db(0);
  commands::XReadRequest request;
  request.keys = {"s", "nokey"};
  request.ids = {{1, 2}, {0, 0}};
  std::string out;
  protocol::ReplyWriter writer(out, 2);
  EXPECT_FALSE(commands::serve_xread(db, 1'700'000'000'000, writer, request));
  EXPECT_EQ(out, "");
  h.run({"XADD", "nokey", "7-0", "d", "4"});
  EXPECT_TRUE(commands::serve_xread(db, 1'700'000'000'000, writer, request));
  EXPECT_EQ(out, "*1\r\n*2\r\n$5\r\nnokey\r\n*1\r\n*2\r\n$3\r\n7-0\r\n*2\r\n$1\r\nd\r\n$1\r\n4\r\n");
  // A key replaced by another type is skipped, not an error.
  h.run({"DEL", "nokey"});
  h.run({"SET", "nokey", "x"});
  out.clear();
  EXPECT_FALSE(commands::serve_xread(db, 1'700'000'000'000, writer, request));
  EXPECT_EQ(out, "");
}

}  // namespace
}  // namespace arbor
