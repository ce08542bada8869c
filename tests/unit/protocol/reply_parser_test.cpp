// ReplyParser: round trips of every reply type through ReplyWriter in RESP2
// and RESP3, attributes, nulls, nesting limit, resumability and to_string().
#include "protocol/reply_parser.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "protocol/reply_writer.h"

namespace arbor::protocol {
namespace {

using namespace std::string_literals;
using Status = ReplyParser::Status;

// Writes every reply kind once, in the given RESP version.
std::string write_all(int resp) {
  std::string out;
  ReplyWriter w(out, resp);
  w.array(16);
  w.ok();
  w.error("ERR oops");
  w.integer(-42);
  w.bulk("bin\r\n\0"s);
  w.null();
  w.null(NullKind::kArray);
  w.map(1);
  w.bulk("k");
  w.integer(1);
  w.set(2);
  w.bulk("a");
  w.bulk("b");
  w.push(1);
  w.bulk("message");
  w.double_value(2.5);
  w.double_value(-std::numeric_limits<double>::infinity());
  w.boolean(true);
  w.big_number("12345678901234567890");
  w.verbatim("hello");
  w.array(0);
  w.array(1);
  w.array(1);
  w.integer(7);
  return out;
}

TEST(ReplyParser, RoundTripEveryTypeInResp3) {
  auto reply = parse_one_reply(write_all(3));
  ASSERT_TRUE(reply);
  ASSERT_EQ(reply->type, ReplyType::kArray);
  const auto& e = reply->elements;
  ASSERT_EQ(e.size(), 16u);
  EXPECT_EQ(e[0].type, ReplyType::kSimple);
  EXPECT_EQ(e[0].str, "OK");
  EXPECT_TRUE(e[1].is_error());
  EXPECT_EQ(e[1].str, "ERR oops");
  EXPECT_EQ(e[2].type, ReplyType::kInteger);
  EXPECT_EQ(e[2].integer, -42);
  EXPECT_EQ(e[3].type, ReplyType::kBulk);
  EXPECT_EQ(e[3].str, "bin\r\n\0"s);
  EXPECT_TRUE(e[4].is_null());
  EXPECT_TRUE(e[5].is_null());
  ASSERT_EQ(e[6].type, ReplyType::kMap);
  ASSERT_EQ(e[6].elements.size(), 2u);
  EXPECT_EQ(e[6].elements[0].str, "k");
  EXPECT_EQ(e[6].elements[1].integer, 1);
  EXPECT_EQ(e[7].type, ReplyType::kSet);
  EXPECT_EQ(e[7].elements.size(), 2u);
  EXPECT_EQ(e[8].type, ReplyType::kPush);
  EXPECT_EQ(e[9].type, ReplyType::kDouble);
  EXPECT_EQ(e[9].number, 2.5);
  EXPECT_EQ(e[9].str, "2.5");
  EXPECT_EQ(e[10].type, ReplyType::kDouble);
  EXPECT_TRUE(std::isinf(e[10].number) && e[10].number < 0);
  EXPECT_EQ(e[11].type, ReplyType::kBoolean);
  EXPECT_EQ(e[11].integer, 1);
  EXPECT_EQ(e[12].type, ReplyType::kBigNumber);
  EXPECT_EQ(e[12].str, "12345678901234567890");
  EXPECT_EQ(e[13].type, ReplyType::kVerbatim);
  EXPECT_EQ(e[13].str, "hello");
  EXPECT_EQ(e[14].type, ReplyType::kArray);
  EXPECT_TRUE(e[14].elements.empty());
  EXPECT_EQ(e[15].elements[0].elements[0].integer, 7);
}

TEST(ReplyParser, RoundTripEveryTypeInResp2Downgraded) {
  auto reply = parse_one_reply(write_all(2));
  ASSERT_TRUE(reply);
  const auto& e = reply->elements;
  ASSERT_EQ(e.size(), 16u);
  EXPECT_EQ(e[0].str, "OK");
  EXPECT_EQ(e[1].str, "ERR oops");
  EXPECT_EQ(e[2].integer, -42);
  EXPECT_EQ(e[3].str, "bin\r\n\0"s);
  EXPECT_TRUE(e[4].is_null());
  EXPECT_TRUE(e[5].is_null());
  EXPECT_EQ(e[6].type, ReplyType::kArray);  // map -> flat array
  EXPECT_EQ(e[6].elements.size(), 2u);
  EXPECT_EQ(e[7].type, ReplyType::kArray);  // set -> array
  EXPECT_EQ(e[8].type, ReplyType::kArray);  // push -> array
  EXPECT_EQ(e[9].type, ReplyType::kBulk);   // double -> bulk
  EXPECT_EQ(e[9].str, "2.5");
  EXPECT_EQ(e[10].str, "-inf");
  EXPECT_EQ(e[11].type, ReplyType::kInteger);  // boolean -> 1
  EXPECT_EQ(e[11].integer, 1);
  EXPECT_EQ(e[12].type, ReplyType::kBulk);
  EXPECT_EQ(e[13].type, ReplyType::kBulk);
  EXPECT_EQ(e[13].str, "hello");
}

TEST(ReplyParser, ToStringIsCompact) {
  auto reply = parse_one_reply("*4\r\n+OK\r\n:1\r\n$-1\r\n%1\r\n$1\r\na\r\n$1\r\nb\r\n");
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->to_string(), R"(["OK", 1, nil, {"a": "b"}])");
  EXPECT_EQ(parse_one_reply(write_all(3))->to_string(),
            R"(["OK", (error "ERR oops"), -42, "bin\r\n\x00", nil, nil, {"k": 1}, ~["a", "b"], >["message"], )"
            R"((double 2.5), (double -inf), true, (bignum 12345678901234567890), (verbatim "hello"), [], [[7]]])");
}

TEST(ReplyParser, NullForms) {
  for (std::string_view bytes : {"$-1\r\n", "*-1\r\n", "_\r\n"}) {
    auto reply = parse_one_reply(bytes);
    ASSERT_TRUE(reply) << bytes;
    EXPECT_TRUE(reply->is_null());
  }
}

TEST(ReplyParser, BlobErrorAndBooleanFalse) {
  auto reply = parse_one_reply("*2\r\n!8\r\nERR a\r\nb\r\n#f\r\n");
  ASSERT_TRUE(reply);
  EXPECT_TRUE(reply->elements[0].is_error());
  EXPECT_EQ(reply->elements[0].str, "ERR a\r\nb");
  EXPECT_EQ(reply->elements[1].type, ReplyType::kBoolean);
  EXPECT_EQ(reply->elements[1].integer, 0);
}

TEST(ReplyParser, AttributesAreSkipped) {
  // An attribute before the reply and one before an element, as in the RESP3 spec.
  auto reply = parse_one_reply(
      "|1\r\n+key-popularity\r\n%1\r\n$1\r\na\r\n,0.19\r\n"
      "*2\r\n:1\r\n|1\r\n+x\r\n+y\r\n:2\r\n");
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->to_string(), "[1, 2]");
  EXPECT_EQ(parse_one_reply("|0\r\n:5\r\n")->integer, 5);
}

TEST(ReplyParser, ResumesAtEverySplit) {
  std::string bytes = write_all(3) + "+NEXT\r\n";
  std::string first = parse_one_reply(write_all(3))->to_string();
  for (size_t k = 0; k < bytes.size(); ++k) {
    ReplyParser parser;
    Reply reply;
    std::string buffer = bytes.substr(0, k);
    auto r = parser.parse(buffer, reply);
    if (k < write_all(3).size()) {
      ASSERT_EQ(r.status, Status::kNeedMore) << k;
      ASSERT_EQ(r.consumed, 0u);
      buffer = bytes;
      r = parser.parse(buffer, reply);
    }
    ASSERT_EQ(r.status, Status::kReply) << k;
    EXPECT_EQ(r.consumed, write_all(3).size());
    EXPECT_EQ(reply.to_string(), first);
  }
}

TEST(ReplyParser, ConsumesOneReplyAtATime) {
  std::string bytes = "+a\r\n:2\r\n$1\r\nc\r\n";
  ReplyParser parser;
  Reply reply;
  std::vector<std::string> seen;
  std::string_view rest = bytes;
  while (!rest.empty()) {
    auto r = parser.parse(rest, reply);
    ASSERT_EQ(r.status, Status::kReply);
    seen.push_back(reply.to_string());
    rest.remove_prefix(r.consumed);
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"\"a\"", "2", "\"c\""}));
  EXPECT_FALSE(parse_one_reply("+a\r\n+b\r\n"));  // trailing bytes
}

TEST(ReplyParser, NestingLimit) {
  std::string ok;
  for (size_t i = 0; i < ReplyParser::kMaxDepth; ++i) ok += "*1\r\n";
  ok += ":1\r\n";
  EXPECT_TRUE(parse_one_reply(ok));
  std::string deep = "*1\r\n" + ok;
  ReplyParser parser;
  Reply reply;
  EXPECT_EQ(parser.parse(deep, reply).status, Status::kError);
  EXPECT_FALSE(parser.error_text().empty());
}

TEST(ReplyParser, HostileDepthDoesNotRecurse) {
  std::string deep;
  for (int i = 0; i < 100000; ++i) deep += "*1\r\n";
  ReplyParser parser;
  Reply reply;
  EXPECT_EQ(parser.parse(deep, reply).status, Status::kError);
}

TEST(ReplyParser, MalformedReplies) {
  for (std::string_view bad : {"?1\r\n", ":abc\r\n", ":1\rx", "$-2\r\n", "$3\r\nabcd\r\n", "*-2\r\n", "%-1\r\n",
                               "_x\r\n", "#x\r\n", ",abc\r\n", "=3\r\ntxt\r\n", "(\r\n", "~-1\r\n"}) {
    ReplyParser parser;
    Reply reply;
    EXPECT_EQ(parser.parse(bad, reply).status, Status::kError) << bad;
    EXPECT_FALSE(parser.error_text().empty());
  }
  ReplyParser parser;
  Reply reply;
  ASSERT_EQ(parser.parse("?x\r\n", reply).status, Status::kError);
  EXPECT_EQ(parser.error_text(), "Protocol error, got '?' as reply type byte");
}

TEST(ReplyParser, IncompleteRepliesNeedMore) {
  for (std::string_view partial :
       {"", "+", "+OK", "+OK\r", "$5\r\nabc", "$5\r\nabcde\r", "*2\r\n:1\r\n", "|1\r\n+a\r\n"}) {
    ReplyParser parser;
    Reply reply;
    EXPECT_EQ(parser.parse(partial, reply).status, Status::kNeedMore) << partial;
  }
}

TEST(ReplyParser, DoubleNanIsAccepted) {
  auto reply = parse_one_reply(",nan\r\n");
  ASSERT_TRUE(reply);
  EXPECT_TRUE(std::isnan(reply->number));
}

}  // namespace
}  // namespace arbor::protocol
