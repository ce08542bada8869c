// ReplyWriter: the exact bytes of every reply type in RESP2 and RESP3 (Redis
// 7.0's downgrades), deferred lengths, and CR/LF sanitising of status lines.
#include "protocol/reply_writer.h"

#include <gtest/gtest.h>

#include <functional>
#include <limits>

namespace arbor::protocol {
namespace {

using namespace std::string_literals;

std::string write(int resp, const std::function<void(ReplyWriter&)>& fn) {
  std::string out;
  ReplyWriter w(out, resp);
  fn(w);
  return out;
}

struct Case {
  const char* name;
  std::function<void(ReplyWriter&)> fn;
  std::string resp2;
  std::string resp3;
};

const double kInf = std::numeric_limits<double>::infinity();

const std::vector<Case>& cases() {
  static const std::vector<Case> kCases = {
      {"ok", [](ReplyWriter& w) { w.ok(); }, "+OK\r\n", "+OK\r\n"},
      {"simple", [](ReplyWriter& w) { w.simple("PONG"); }, "+PONG\r\n", "+PONG\r\n"},
      {"error", [](ReplyWriter& w) { w.error("ERR syntax error"); }, "-ERR syntax error\r\n",
       "-ERR syntax error\r\n"},
      {"integer", [](ReplyWriter& w) { w.integer(42); }, ":42\r\n", ":42\r\n"},
      {"negative integer", [](ReplyWriter& w) { w.integer(-9223372036854775807LL - 1); },
       ":-9223372036854775808\r\n", ":-9223372036854775808\r\n"},
      {"bulk", [](ReplyWriter& w) { w.bulk("hello"); }, "$5\r\nhello\r\n", "$5\r\nhello\r\n"},
      {"empty bulk", [](ReplyWriter& w) { w.bulk(""); }, "$0\r\n\r\n", "$0\r\n\r\n"},
      {"binary bulk", [](ReplyWriter& w) { w.bulk("a\r\n\0b"s); }, "$5\r\na\r\n\0b\r\n"s, "$5\r\na\r\n\0b\r\n"s},
      {"null bulk", [](ReplyWriter& w) { w.null(); }, "$-1\r\n", "_\r\n"},
      {"null array", [](ReplyWriter& w) { w.null(NullKind::kArray); }, "*-1\r\n", "_\r\n"},
      {"array", [](ReplyWriter& w) { w.array(2); w.integer(1); w.bulk("x"); }, "*2\r\n:1\r\n$1\r\nx\r\n",
       "*2\r\n:1\r\n$1\r\nx\r\n"},
      {"empty array", [](ReplyWriter& w) { w.array(0); }, "*0\r\n", "*0\r\n"},
      {"map", [](ReplyWriter& w) { w.map(1); w.bulk("a"); w.bulk("b"); }, "*2\r\n$1\r\na\r\n$1\r\nb\r\n",
       "%1\r\n$1\r\na\r\n$1\r\nb\r\n"},
      {"set", [](ReplyWriter& w) { w.set(1); w.bulk("m"); }, "*1\r\n$1\r\nm\r\n", "~1\r\n$1\r\nm\r\n"},
      {"push", [](ReplyWriter& w) { w.push(1); w.bulk("message"); }, "*1\r\n$7\r\nmessage\r\n",
       ">1\r\n$7\r\nmessage\r\n"},
      {"double", [](ReplyWriter& w) { w.double_value(1.5); }, "$3\r\n1.5\r\n", ",1.5\r\n"},
      {"double 17 digits", [](ReplyWriter& w) { w.double_value(0.1); }, "$19\r\n0.10000000000000001\r\n",
       ",0.10000000000000001\r\n"},
      {"inf", [](ReplyWriter& w) { w.double_value(kInf); }, "$3\r\ninf\r\n", ",inf\r\n"},
      {"-inf", [](ReplyWriter& w) { w.double_value(-kInf); }, "$4\r\n-inf\r\n", ",-inf\r\n"},
      {"true", [](ReplyWriter& w) { w.boolean(true); }, ":1\r\n", "#t\r\n"},
      {"false", [](ReplyWriter& w) { w.boolean(false); }, ":0\r\n", "#f\r\n"},
      {"big number", [](ReplyWriter& w) { w.big_number("123456789012345678901234567890"); },
       "$30\r\n123456789012345678901234567890\r\n", "(123456789012345678901234567890\r\n"},
      {"verbatim", [](ReplyWriter& w) { w.verbatim("# Server"); }, "$8\r\n# Server\r\n", "=12\r\ntxt:# Server\r\n"},
      {"verbatim md", [](ReplyWriter& w) { w.verbatim("*x*", "mkd"); }, "$3\r\n*x*\r\n", "=7\r\nmkd:*x*\r\n"},
  };
  return kCases;
}

TEST(ReplyWriter, ExactBytesInResp2) {
  for (const auto& c : cases()) EXPECT_EQ(write(2, c.fn), c.resp2) << c.name;
}

TEST(ReplyWriter, ExactBytesInResp3) {
  for (const auto& c : cases()) EXPECT_EQ(write(3, c.fn), c.resp3) << c.name;
}

TEST(ReplyWriter, LargeBulkAndCounts) {
  std::string big(1000, 'z');
  EXPECT_EQ(write(2, [&](ReplyWriter& w) { w.bulk(big); }), "$1000\r\n" + big + "\r\n");
  EXPECT_EQ(write(2, [](ReplyWriter& w) { w.array(12345); }), "*12345\r\n");
  EXPECT_EQ(write(2, [](ReplyWriter& w) { w.map(10); }), "*20\r\n");
  EXPECT_EQ(write(2, [](ReplyWriter& w) { w.integer(9); w.integer(10); w.integer(-10); }), ":9\r\n:10\r\n:-10\r\n");
}

TEST(ReplyWriter, ErrorCrLfBecomeSpaces) {
  EXPECT_EQ(write(2, [](ReplyWriter& w) { w.error("ERR bad\r\nthing\n"); }), "-ERR bad  thing \r\n");
  EXPECT_EQ(write(2, [](ReplyWriter& w) { w.simple("a\rb"); }), "+a b\r\n");
}

TEST(ReplyWriter, ErrorWithLeadingDashIsNotDoubled) {
  EXPECT_EQ(write(2, [](ReplyWriter& w) { w.error("-WRONGTYPE x"); }), "-WRONGTYPE x\r\n");
}

TEST(ReplyWriter, AppendsToExistingBuffer) {
  std::string out = "+A\r\n";
  ReplyWriter w(out);
  w.integer(1);
  EXPECT_EQ(out, "+A\r\n:1\r\n");
  std::string other;
  w.retarget(other);
  w.ok();
  EXPECT_EQ(other, "+OK\r\n");
  EXPECT_EQ(&w.buffer(), &other);
}

TEST(ReplyWriter, SetRespSwitchesEncoding) {
  std::string out;
  ReplyWriter w(out);
  EXPECT_EQ(w.resp(), 2);
  w.null();
  w.set_resp(3);
  w.null();
  EXPECT_EQ(out, "$-1\r\n_\r\n");
}

TEST(ReplyWriter, DeferredArrayInsertsHeaderAtMark) {
  std::string out;
  ReplyWriter w(out, 2);
  w.ok();
  size_t mark = w.begin_deferred();
  for (int i = 0; i < 12; ++i) w.integer(i);
  w.end_deferred_array(mark, 12);
  w.ok();
  std::string expected = "+OK\r\n*12\r\n";
  // append(), not `":" + to_string(i)`: GCC 12 -O2 warns falsely (-Wrestrict) on that.
  for (int i = 0; i < 12; ++i) expected.append(":").append(std::to_string(i)).append("\r\n");
  expected += "+OK\r\n";
  EXPECT_EQ(out, expected);
}

TEST(ReplyWriter, DeferredMapAndSetFollowRespVersion) {
  auto deferred = [](int resp) {
    std::string out;
    ReplyWriter w(out, resp);
    size_t map_mark = w.begin_deferred();
    w.bulk("k");
    size_t set_mark = w.begin_deferred();
    w.bulk("m");
    w.end_deferred_set(set_mark, 1);
    w.end_deferred_map(map_mark, 1);
    return out;
  };
  EXPECT_EQ(deferred(2), "*2\r\n$1\r\nk\r\n*1\r\n$1\r\nm\r\n");
  EXPECT_EQ(deferred(3), "%1\r\n$1\r\nk\r\n~1\r\n$1\r\nm\r\n");
}

TEST(ReplyWriter, DeferredEmptyArray) {
  std::string out;
  ReplyWriter w(out);
  w.end_deferred_array(w.begin_deferred(), 0);
  EXPECT_EQ(out, "*0\r\n");
}

}  // namespace
}  // namespace arbor::protocol
