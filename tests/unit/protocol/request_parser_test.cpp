// RequestParser: Redis 7.0's request grammar, resumability at every byte
// split, zero-copy views, each limit and malformed input with its exact text,
// and split_inline_args (sdssplitargs) rules.
#include "protocol/request_parser.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

namespace arbor::protocol {
namespace {

using Status = RequestParser::Status;
using namespace std::string_literals;

// One outcome of the parser, with owned copies of the arguments.
struct Event {
  Status status;
  std::vector<std::string> args;
  std::string error;  // parse_error_text for kError

  bool operator==(const Event&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Event& e) {
  os << "{" << static_cast<int>(e.status) << " [";
  for (const auto& a : e.args) os << '"' << a << "\" ";
  return os << "] " << e.error << "}";
}

// Runs the parser over `buffer` (which the caller keeps growing), dropping
// consumed bytes from its front the way a connection does. Returns false once
// an error has been reported.
bool drain(RequestParser& parser, std::string& buffer, std::vector<Event>& events) {
  std::vector<std::string_view> args;
  while (true) {
    auto result = parser.parse(buffer, args);
    switch (result.status) {
      case Status::kNeedMore:
        EXPECT_EQ(result.consumed, 0u);
        return true;
      case Status::kError:
        events.push_back({Status::kError, {}, parse_error_text(parser.error(), parser.offending_byte())});
        return false;
      case Status::kEmpty:
      case Status::kCommand:
        events.push_back({result.status, std::vector<std::string>(args.begin(), args.end()), ""});
        EXPECT_GT(result.consumed, 0u);
        buffer.erase(0, result.consumed);
        break;
    }
  }
}

std::vector<Event> parse_whole(std::string_view stream, ParserLimits limits = {}, size_t* left = nullptr) {
  RequestParser parser(limits);
  std::string buffer(stream);
  std::vector<Event> events;
  drain(parser, buffer, events);
  if (left != nullptr) *left = buffer.size();
  return events;
}

std::vector<Event> parse_split(std::string_view stream, size_t k, ParserLimits limits = {}) {
  RequestParser parser(limits);
  std::string buffer(stream.substr(0, k));
  std::vector<Event> events;
  if (drain(parser, buffer, events)) {
    buffer.append(stream.substr(k));
    drain(parser, buffer, events);
  }
  return events;
}

std::vector<Event> parse_bytewise(std::string_view stream, ParserLimits limits = {}) {
  RequestParser parser(limits);
  std::string buffer;
  std::vector<Event> events;
  for (char c : stream) {
    buffer.push_back(c);
    if (!drain(parser, buffer, events)) break;
  }
  return events;
}

Event cmd(std::vector<std::string> args) { return {Status::kCommand, std::move(args), ""}; }
Event empty() { return {Status::kEmpty, {}, ""}; }
Event err(std::string text) { return {Status::kError, {}, std::move(text)}; }

// Multibulk, inline with quotes and escapes, blank lines, *0 / *-1 and
// binary arguments holding NUL, CR and LF.
const std::string kMixedStream =
    "*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n"s
    "GET key\r\n"s
    "\r\n"s
    "*0\r\n"s
    "*-1\r\n"s
    "SET \"a b\" 'c\\'d' \"\\x41\\n\\t\\\\\\\"\"\n"s
    "*2\r\n$4\r\nSE\0T\r\n$6\r\n\r\n\0ab\n\r\n"s
    "   \n"s
    "PING\n"s
    "  echo   'x y'  \r\n"s
    "*1\r\n$0\r\n\r\n"s
    "*1\r\n$4\r\nPING\r\n"s;

const std::vector<Event> kMixedExpected = {
    cmd({"SET", "key", "value"}),
    cmd({"GET", "key"}),
    empty(),
    empty(),
    empty(),
    cmd({"SET", "a b", "c'd", "A\n\t\\\""}),
    cmd({"SE\0T"s, "\r\n\0ab\n"s}),
    empty(),
    cmd({"PING"}),
    cmd({"echo", "x y"}),
    cmd({""}),
    cmd({"PING"}),
};

TEST(RequestParser, PipelinedStreamInOnePiece) {
  size_t left = 99;
  EXPECT_EQ(parse_whole(kMixedStream, {}, &left), kMixedExpected);
  EXPECT_EQ(left, 0u);
}

TEST(RequestParser, PipelinedStreamSplitAtEveryByte) {
  for (size_t k = 0; k <= kMixedStream.size(); ++k) {
    ASSERT_EQ(parse_split(kMixedStream, k), kMixedExpected) << "split at " << k;
  }
}

TEST(RequestParser, PipelinedStreamByteByByte) {
  EXPECT_EQ(parse_bytewise(kMixedStream), kMixedExpected);
}

TEST(RequestParser, ErrorAfterCommandsSplitAtEveryByte) {
  const std::string stream = "*1\r\n$4\r\nPING\r\nGET \"a\r\n*1\r\n$1\r\nx\r\n";
  const std::vector<Event> expected = {cmd({"PING"}), err("ERR Protocol error: unbalanced quotes in request")};
  EXPECT_EQ(parse_whole(stream), expected);
  for (size_t k = 0; k <= stream.size(); ++k) ASSERT_EQ(parse_split(stream, k), expected) << k;
  EXPECT_EQ(parse_bytewise(stream), expected);
}

TEST(RequestParser, MultibulkArgsAreViewsIntoTheBuffer) {
  RequestParser parser;
  std::string data = "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n";
  std::vector<std::string_view> args;
  auto r = parser.parse(data, args);
  ASSERT_EQ(r.status, Status::kCommand);
  EXPECT_EQ(r.consumed, data.size());
  ASSERT_EQ(args.size(), 2u);
  EXPECT_EQ(args[0].data(), data.data() + 8);
  EXPECT_EQ(args[1].data(), data.data() + 17);
}

TEST(RequestParser, ConsumesOnlyTheFirstOfPipelinedCommands) {
  RequestParser parser;
  std::string data = "*1\r\n$4\r\nPING\r\n*1\r\n$4\r\nPING\r\n";
  std::vector<std::string_view> args;
  auto r = parser.parse(data, args);
  EXPECT_EQ(r.status, Status::kCommand);
  EXPECT_EQ(r.consumed, 14u);
}

TEST(RequestParser, NeedMoreConsumesNothing) {
  RequestParser parser;
  std::vector<std::string_view> args;
  for (std::string_view partial : {"", "*", "*2\r", "*2\r\n$3", "*2\r\n$3\r\nGE", "*2\r\n$3\r\nGET\r"}) {
    RequestParser fresh;
    auto r = fresh.parse(partial, args);
    EXPECT_EQ(r.status, Status::kNeedMore) << partial;
    EXPECT_EQ(r.consumed, 0u);
  }
  auto r = parser.parse("PING", args);
  EXPECT_EQ(r.status, Status::kNeedMore);
}

TEST(RequestParser, InlineStripsOptionalCarriageReturn) {
  EXPECT_EQ(parse_whole("PING\r\nPING\n"), (std::vector<Event>{cmd({"PING"}), cmd({"PING"})}));
}

TEST(RequestParser, TrailingBulkCrlfIsNotVerified) {
  // Redis skips the two bytes after a bulk body without looking at them.
  EXPECT_EQ(parse_whole("*1\r\n$4\r\nPINGxx"), std::vector<Event>{cmd({"PING"})});
}

TEST(RequestParser, BytesStillNeededForPendingBulk) {
  RequestParser parser;
  std::vector<std::string_view> args;
  std::string data = "*2\r\n$3\r\nSET\r\n$10\r\nabc";
  EXPECT_EQ(parser.bytes_still_needed(data.size()), 0u);
  ASSERT_EQ(parser.parse(data, args).status, Status::kNeedMore);
  // 7 body bytes and the CRLF are missing.
  EXPECT_EQ(parser.bytes_still_needed(data.size()), 9u);
  data += "defghij\r\n";
  EXPECT_EQ(parser.bytes_still_needed(data.size()), 0u);
  ASSERT_EQ(parser.parse(data, args).status, Status::kCommand);
  EXPECT_EQ(args[1], "abcdefghij");
  EXPECT_EQ(parser.bytes_still_needed(0), 0u);
}

TEST(RequestParser, LargeBulkFedByteByByteIsLinear) {
  // With offsets kept across calls each call is O(1); rescanning from the
  // start would take ~10^11 steps here and time the test out.
  const size_t size = 512 * 1024;
  std::string stream = "*2\r\n$3\r\nSET\r\n$" + std::to_string(size) + "\r\n" + std::string(size, 'v') + "\r\n";
  RequestParser parser;
  std::vector<std::string_view> args;
  auto start = std::chrono::steady_clock::now();
  size_t commands = 0;
  for (size_t k = 1; k <= stream.size(); ++k) {
    auto r = parser.parse(std::string_view(stream).substr(0, k), args);
    if (r.status == Status::kCommand) {
      ++commands;
      EXPECT_EQ(r.consumed, stream.size());
      EXPECT_EQ(args[1].size(), size);
    } else {
      ASSERT_EQ(r.status, Status::kNeedMore);
    }
  }
  EXPECT_EQ(commands, 1u);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(20));
}

// --- limits and malformed input -------------------------------------------

Event first_event(std::string_view data, ParserLimits limits = {}) {
  auto events = parse_whole(data, limits);
  return events.empty() ? Event{Status::kNeedMore, {}, ""} : events.front();
}

TEST(RequestParser, InvalidMultibulkLength) {
  const auto expected = err("ERR Protocol error: invalid multibulk length");
  for (std::string_view bad : {"*abc\r\n", "*-\r\n", "*\r\n", "*+1\r\n", "*01\r\n", "*1 \r\n", "*-2x\r\n",
                               "*99999999999999999999\r\n"}) {
    EXPECT_EQ(first_event(bad), expected) << bad;
  }
  ParserLimits limits;
  limits.max_multibulk_len = 100;
  EXPECT_EQ(first_event("*101\r\n", limits), expected);
  EXPECT_EQ(first_event("*100\r\n", limits).status, Status::kNeedMore);
}

TEST(RequestParser, NonPositiveMultibulkCountIsEmpty) {
  EXPECT_EQ(parse_whole("*0\r\n*-1\r\n*-5\r\n"), (std::vector<Event>{empty(), empty(), empty()}));
}

TEST(RequestParser, TooBigMbulkCountString) {
  std::string data = "*" + std::string(64 * 1024 - 1, '1');  // exactly 64 KB buffered
  EXPECT_EQ(first_event(data).status, Status::kNeedMore);
  data.push_back('1');
  EXPECT_EQ(first_event(data), err("ERR Protocol error: too big mbulk count string"));
}

TEST(RequestParser, TooBigBulkCountString) {
  std::string data = "*1\r\n$" + std::string(64 * 1024 - 1, '1');
  EXPECT_EQ(first_event(data).status, Status::kNeedMore);
  data.push_back('1');
  EXPECT_EQ(first_event(data), err("ERR Protocol error: too big bulk count string"));
}

TEST(RequestParser, InvalidBulkLength) {
  const auto expected = err("ERR Protocol error: invalid bulk length");
  for (std::string_view bad : {"*1\r\n$-1\r\n", "*1\r\n$-3\r\n", "*1\r\n$abc\r\n", "*1\r\n$\r\n", "*1\r\n$01\r\n",
                               "*1\r\n$1x\r\n"}) {
    EXPECT_EQ(first_event(bad), expected) << bad;
  }
  ParserLimits limits;
  limits.max_bulk_len = 100;
  EXPECT_EQ(first_event("*1\r\n$101\r\n", limits), expected);
  EXPECT_EQ(first_event("*1\r\n$100\r\n", limits).status, Status::kNeedMore);
}

TEST(RequestParser, UnauthenticatedMultibulkLength) {
  ParserLimits limits;
  limits.unauthenticated = true;
  EXPECT_EQ(first_event("*11\r\n", limits), err("ERR Protocol error: unauthenticated multibulk length"));
  EXPECT_EQ(first_event("*10\r\n", limits).status, Status::kNeedMore);
  limits.unauthenticated = false;
  EXPECT_EQ(first_event("*11\r\n", limits).status, Status::kNeedMore);
}

TEST(RequestParser, UnauthenticatedBulkLength) {
  ParserLimits limits;
  limits.unauthenticated = true;
  EXPECT_EQ(first_event("*1\r\n$16385\r\n", limits), err("ERR Protocol error: unauthenticated bulk length"));
  EXPECT_EQ(first_event("*1\r\n$16384\r\n", limits).status, Status::kNeedMore);
}

TEST(RequestParser, ExpectedDollar) {
  EXPECT_EQ(first_event("*1\r\nx3\r\n"), err("ERR Protocol error: expected '$', got 'x'"));
  EXPECT_EQ(first_event("*2\r\n$1\r\na\r\n:3\r\n"), err("ERR Protocol error: expected '$', got ':'"));
  // Like Redis, the check waits for the element's whole line.
  EXPECT_EQ(first_event("*1\r\nx3").status, Status::kNeedMore);
  RequestParser parser;
  std::vector<std::string_view> args;
  ASSERT_EQ(parser.parse("*1\r\n+\r\n", args).status, Status::kError);
  EXPECT_EQ(parser.error(), ParseError::kExpectedDollar);
  EXPECT_EQ(parser.offending_byte(), '+');
}

TEST(RequestParser, TooBigInlineRequest) {
  std::string data(64 * 1024, 'a');
  EXPECT_EQ(first_event(data).status, Status::kNeedMore);
  data.push_back('a');
  EXPECT_EQ(first_event(data), err("ERR Protocol error: too big inline request"));
  // A long line is fine once its newline is there.
  data.push_back('\n');
  EXPECT_EQ(first_event(data).status, Status::kCommand);
}

TEST(RequestParser, UnbalancedQuotes) {
  const auto expected = err("ERR Protocol error: unbalanced quotes in request");
  for (std::string_view bad : {"SET \"abc\r\n", "SET 'abc\r\n", "SET \"a\"b\r\n", "SET 'a'b\r\n",
                               "SET \"abc\\\"\r\n", "SET \"a\\\r\n"}) {
    EXPECT_EQ(first_event(bad), expected) << bad;
  }
}

TEST(RequestParser, ParseErrorTextForNulByteStopsLikeRedis) {
  EXPECT_EQ(parse_error_text(ParseError::kExpectedDollar, '\0'), "ERR Protocol error: expected '$', got '");
  EXPECT_EQ(parse_error_text(ParseError::kNone, 0), "");
}

TEST(RequestParser, ParserIsReusableAfterLimitChange) {
  RequestParser parser;
  std::vector<std::string_view> args;
  ParserLimits limits;
  limits.unauthenticated = true;
  parser.set_limits(limits);
  EXPECT_TRUE(parser.limits().unauthenticated);
  EXPECT_EQ(parser.parse("*1\r\n$4\r\nAUTH\r\n", args).status, Status::kCommand);
}

// --- split_inline_args (sdssplitargs) -----------------------------------------

std::vector<std::string> split(std::string_view line) {
  std::vector<std::string> out;
  EXPECT_TRUE(split_inline_args(line, out)) << line;
  return out;
}

TEST(SplitInlineArgs, SpacesSeparateAndCollapse) {
  EXPECT_EQ(split("  set  a\tb  "), (std::vector<std::string>{"set", "a", "b"}));
  EXPECT_TRUE(split("").empty());
  EXPECT_TRUE(split(" \t \v\f ").empty());
}

TEST(SplitInlineArgs, DoubleQuoteEscapes) {
  EXPECT_EQ(split(R"("\x41\x6a\xff" "\n\r\t\b\a" "\\\"\q")"),
            (std::vector<std::string>{"Aj\xff", "\n\r\t\b\a", "\\\"q"}));
  // \x without two hex digits is just 'x'.
  EXPECT_EQ(split(R"("\x4" "\xzz")"), (std::vector<std::string>{"x4", "xzz"}));
  EXPECT_EQ(split(R"("")"), (std::vector<std::string>{""}));
}

TEST(SplitInlineArgs, SingleQuoteOnlyEscapesQuote) {
  EXPECT_EQ(split(R"('a\'b' 'c\nd' '\\x')"), (std::vector<std::string>{"a'b", "c\\nd", "\\\\x"}));
  // A backslash before the closing quote escapes it, so this never closes.
  std::vector<std::string> out;
  EXPECT_FALSE(split_inline_args(R"('\\')", out));
}

TEST(SplitInlineArgs, QuoteMayStartInsideAToken) {
  EXPECT_EQ(split(R"(foo"bar baz" x)"), (std::vector<std::string>{"foobar baz", "x"}));
}

TEST(SplitInlineArgs, VerticalTabDoesNotEndAnUnquotedToken) {
  EXPECT_EQ(split("a\vb c"), (std::vector<std::string>{"a\vb", "c"}));
}

TEST(SplitInlineArgs, RejectsUnbalancedQuotes) {
  std::vector<std::string> out;
  for (std::string_view bad : {"\"abc", "'abc", "\"a\"b", "'a'b", "\"a\\\"", "'a\\'"}) {
    EXPECT_FALSE(split_inline_args(bad, out)) << bad;
  }
  EXPECT_TRUE(split_inline_args("\"a\"\tb", out));
  EXPECT_TRUE(split_inline_args("'a'\vb", out));
}

}  // namespace
}  // namespace arbor::protocol
