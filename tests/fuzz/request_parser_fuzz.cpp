// libFuzzer target for RequestParser. Besides not crashing, parsing the input
// in one piece, as growing prefixes byte by byte, and in two reads (the
// second from a freshly allocated copy) must yield the same commands/error.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/request_parser.h"

namespace {

using arbor::protocol::ParseError;
using arbor::protocol::ParserLimits;
using arbor::protocol::RequestParser;
using Status = RequestParser::Status;

struct Event {
  Status status;
  std::vector<std::string> args;
  ParseError error;
  char offending;
  bool operator==(const Event&) const = default;
};

bool is_too_big(const Event& e) {
  return e.status == Status::kError &&
         (e.error == ParseError::kTooBigMbulkCountString || e.error == ParseError::kTooBigBulkCountString ||
          e.error == ParseError::kTooBigInlineRequest);
}

void check(bool ok) {
  if (!ok) std::abort();
}

// Parses every complete command at the front of `data`; returns bytes consumed
// and false once an error has been reported.
bool drain(RequestParser& parser, std::string_view data, size_t& consumed, std::vector<Event>& events) {
  std::vector<std::string_view> args;
  while (true) {
    auto r = parser.parse(data.substr(consumed), args);
    size_t size = data.size() - consumed;
    if (r.status == Status::kNeedMore) {
      check(r.consumed == 0 && args.empty());
      (void)parser.bytes_still_needed(size);
      return true;
    }
    if (r.status == Status::kError) {
      check(parser.error() != ParseError::kNone);
      check(!arbor::protocol::parse_error_text(parser.error(), parser.offending_byte()).empty());
      events.push_back({Status::kError, {}, parser.error(), parser.offending_byte()});
      return false;
    }
    check(r.consumed > 0 && r.consumed <= size);
    check(r.status == Status::kCommand ? !args.empty() : args.empty());
    events.push_back({r.status, std::vector<std::string>(args.begin(), args.end()), ParseError::kNone, 0});
    consumed += r.consumed;
  }
}

std::vector<Event> one_piece(std::string_view input, const ParserLimits& limits, size_t& left) {
  RequestParser parser(limits);
  std::vector<Event> events;
  size_t consumed = 0;
  drain(parser, input, consumed, events);
  left = input.size() - consumed;
  return events;
}

// Growing prefixes of one buffer, one byte at a time.
std::vector<Event> byte_by_byte(std::string_view input, const ParserLimits& limits, size_t& left) {
  RequestParser parser(limits);
  std::vector<Event> events;
  size_t consumed = 0;
  for (size_t k = 1; k <= input.size(); ++k) {
    if (!drain(parser, input.substr(0, k), consumed, events)) break;
  }
  left = input.size() - consumed;
  return events;
}

// Two reads; for the second the unconsumed bytes move to a new allocation so
// any stale pointer into the first buffer is caught by ASan.
std::vector<Event> two_reads(std::string_view input, size_t split, const ParserLimits& limits) {
  RequestParser parser(limits);
  std::vector<Event> events;
  auto first = std::make_unique<char[]>(split + 1);
  std::memcpy(first.get(), input.data(), split);
  size_t consumed = 0;
  if (!drain(parser, std::string_view(first.get(), split), consumed, events)) return events;
  std::string second(input.substr(consumed));
  first.reset();
  size_t consumed2 = 0;
  drain(parser, second, consumed2, events);
  return events;
}

// How data arrives legitimately changes one thing: a line longer than the
// limit is rejected if it arrives in pieces but may be accepted (or fail
// later, differently) when its terminator came in the same read; Redis
// behaves the same. So after a "too big" error in the incremental run, the
// whole-input run may go on differently. The converse cannot happen: a
// "too big" error on the whole input implies one in pieces at that command.
void compare(const std::vector<Event>& whole, const std::vector<Event>& pieces) {
  if (!pieces.empty() && is_too_big(pieces.back())) {
    check(whole.size() >= pieces.size() - 1);
    for (size_t i = 0; i + 1 < pieces.size(); ++i) check(whole[i] == pieces[i]);
    return;
  }
  check(whole == pieces);
}

// Re-encodes each command as multibulk and parses it back.
void check_reencoding(const std::vector<Event>& events) {
  for (const auto& e : events) {
    if (e.status != Status::kCommand) continue;
    std::string wire = "*" + std::to_string(e.args.size()) + "\r\n";
    for (const auto& a : e.args) wire += "$" + std::to_string(a.size()) + "\r\n" + a + "\r\n";
    RequestParser parser;
    std::vector<std::string_view> args;
    auto r = parser.parse(wire, args);
    check(r.status == Status::kCommand && r.consumed == wire.size());
    check(std::vector<std::string>(args.begin(), args.end()) == e.args);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  // The first two bytes pick limits small enough for the fuzzer to reach
  // every error path, and where the two-read split falls.
  uint8_t knobs = data[0];
  ParserLimits limits;
  limits.max_inline_len = 8u + (knobs & 0x3fu) * 4u;
  limits.max_bulk_len = (knobs & 0x40) ? 64 : 512LL * 1024 * 1024;
  limits.max_multibulk_len = (knobs & 0x40) ? 16 : 1024LL * 1024 * 1024;
  limits.unauthenticated = (knobs & 0x80) != 0;
  std::string_view input(reinterpret_cast<const char*>(data) + 2, size - 2);
  size_t split = input.empty() ? 0 : data[1] % (input.size() + 1);

  size_t left_whole = 0;
  size_t left_bytes = 0;
  auto whole = one_piece(input, limits, left_whole);
  auto bytes = byte_by_byte(input, limits, left_bytes);
  auto two = two_reads(input, split, limits);
  compare(whole, bytes);
  compare(whole, two);
  bool errored = !whole.empty() && whole.back().status == Status::kError;
  if (!errored && !(!bytes.empty() && is_too_big(bytes.back()))) check(left_whole == left_bytes);
  check_reencoding(whole);
  return 0;
}
