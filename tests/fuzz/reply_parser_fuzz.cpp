// libFuzzer target for ReplyParser: no crash or deep recursion on hostile
// input; every shorter prefix of a complete reply needs more; a parsed reply
// re-encoded as RESP3 parses back to the same tree.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "protocol/reply_parser.h"

namespace {

using arbor::protocol::Reply;
using arbor::protocol::ReplyParser;
using arbor::protocol::ReplyType;
using Status = ReplyParser::Status;

void check(bool ok) {
  if (!ok) std::abort();
}

// Recursion is bounded by ReplyParser::kMaxDepth for parsed trees.
void encode(const Reply& r, std::string& out) {
  auto bulk = [&](char type, std::string_view s) {
    out += type + std::to_string(s.size()) + "\r\n";
    out.append(s);
    out += "\r\n";
  };
  auto aggregate = [&](char type, size_t n) {
    out += type + std::to_string(n) + "\r\n";
    for (const auto& e : r.elements) encode(e, out);
  };
  switch (r.type) {
    case ReplyType::kSimple: out += "+" + r.str + "\r\n"; break;
    case ReplyType::kError: bulk('!', r.str); break;
    case ReplyType::kInteger: out += ":" + std::to_string(r.integer) + "\r\n"; break;
    case ReplyType::kBulk: bulk('$', r.str); break;
    case ReplyType::kNull: out += "_\r\n"; break;
    case ReplyType::kArray: aggregate('*', r.elements.size()); break;
    case ReplyType::kMap: aggregate('%', r.elements.size() / 2); break;
    case ReplyType::kSet: aggregate('~', r.elements.size()); break;
    case ReplyType::kPush: aggregate('>', r.elements.size()); break;
    case ReplyType::kDouble: out += "," + r.str + "\r\n"; break;
    case ReplyType::kBoolean: out += r.integer ? "#t\r\n" : "#f\r\n"; break;
    case ReplyType::kBigNumber: out += "(" + r.str + "\r\n"; break;
    case ReplyType::kVerbatim: bulk('=', "txt:" + r.str); break;
    case ReplyType::kAttribute: check(false); break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  ReplyParser parser;
  Reply reply;
  auto whole = parser.parse(input, reply);
  if (whole.status == Status::kError) check(!parser.error_text().empty());
  if (whole.status != Status::kReply) {
    check(whole.consumed == 0);
    return 0;
  }
  check(whole.consumed > 0 && whole.consumed <= size);
  std::string text = reply.to_string();

  // Shorter prefixes need more (all of them for small inputs, a sample of
  // them otherwise: each re-parse starts over).
  size_t step = whole.consumed <= 256 ? 1 : whole.consumed / 64;
  for (size_t k = 0; k < whole.consumed; k += step) {
    ReplyParser p;
    Reply partial;
    check(p.parse(input.substr(0, k), partial).status == Status::kNeedMore);
  }

  std::string wire;
  encode(reply, wire);
  ReplyParser again;
  Reply copy;
  auto r = again.parse(wire, copy);
  check(r.status == Status::kReply && r.consumed == wire.size());
  check(copy.to_string() == text);
  return 0;
}
