// RESP2/RESP3 reply parsing into Reply trees, iterative with an explicit
// stack of open aggregates (depth-limited). On kNeedMore it simply starts over
// on the next call: replies are small next to client requests.
#include "protocol/reply_parser.h"

#include <cstring>
#include <limits>
#include <memory>

#include "protocol/number_format.h"

namespace arbor::protocol {
namespace {

// An aggregate being filled: `remaining` children still to read. Attribute
// maps are parsed into a scratch Reply and dropped; they take no slot in
// their parent.
struct Frame {
  Reply* node;
  uint64_t remaining;
};

class Cursor {
 public:
  explicit Cursor(std::string_view data) : data_(data) {}

  enum class LineStatus : uint8_t { kOk, kNeedMore, kBad };

  // Reads up to CRLF (exclusive) starting at pos_.
  LineStatus line(std::string_view& out) {
    const void* hit = pos_ < data_.size() ? std::memchr(data_.data() + pos_, '\r', data_.size() - pos_)
                                          : nullptr;
    if (hit == nullptr) return LineStatus::kNeedMore;
    size_t cr = static_cast<size_t>(static_cast<const char*>(hit) - data_.data());
    if (cr + 1 >= data_.size()) return LineStatus::kNeedMore;
    if (data_[cr + 1] != '\n') return LineStatus::kBad;
    out = data_.substr(pos_, cr - pos_);
    pos_ = cr + 2;
    return LineStatus::kOk;
  }

  // Reads `len` bytes followed by CRLF.
  LineStatus body(uint64_t len, std::string_view& out) {
    uint64_t left = data_.size() - pos_;
    if (left < 2 || left - 2 < len) return LineStatus::kNeedMore;
    size_t n = static_cast<size_t>(len);
    if (data_[pos_ + n] != '\r' || data_[pos_ + n + 1] != '\n') return LineStatus::kBad;
    out = data_.substr(pos_, n);
    pos_ += n + 2;
    return LineStatus::kOk;
  }

  bool at_end() const { return pos_ >= data_.size(); }
  char take() { return data_[pos_++]; }
  size_t pos() const { return pos_; }

 private:
  std::string_view data_;
  size_t pos_ = 0;
};

void append_quoted(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20 || c >= 0x7f) {
          out += "\\x";
          out.push_back(kHex[c >> 4]);
          out.push_back(kHex[c & 15]);
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  out.push_back('"');
}

void append_reply(std::string& out, const Reply& r) {
  // Recursion is bounded by the parser's depth limit for parsed replies.
  auto list = [&](const char* open, const char* close) {
    out += open;
    for (size_t i = 0; i < r.elements.size(); ++i) {
      if (i > 0) out += ", ";
      append_reply(out, r.elements[i]);
    }
    out += close;
  };
  switch (r.type) {
    case ReplyType::kSimple:
    case ReplyType::kBulk: append_quoted(out, r.str); break;
    case ReplyType::kError: out += "(error "; append_quoted(out, r.str); out += ")"; break;
    case ReplyType::kInteger: append_int64(out, r.integer); break;
    case ReplyType::kNull: out += "nil"; break;
    case ReplyType::kArray: list("[", "]"); break;
    case ReplyType::kSet: list("~[", "]"); break;
    case ReplyType::kPush: list(">[", "]"); break;
    case ReplyType::kAttribute:
    case ReplyType::kMap:
      out += r.type == ReplyType::kMap ? "{" : "|{";
      for (size_t i = 0; i < r.elements.size(); ++i) {
        if (i > 0) out += i % 2 == 0 ? ", " : ": ";
        append_reply(out, r.elements[i]);
      }
      out += "}";
      break;
    case ReplyType::kDouble: out += "(double " + r.str + ")"; break;
    case ReplyType::kBoolean: out += r.integer ? "true" : "false"; break;
    case ReplyType::kBigNumber: out += "(bignum " + r.str + ")"; break;
    case ReplyType::kVerbatim: out += "(verbatim "; append_quoted(out, r.str); out += ")"; break;
  }
}

// Length of an aggregate or bulk header: -1 means null where allowed.
std::optional<int64_t> parse_length(std::string_view text, bool null_allowed) {
  auto n = parse_int64(text);
  if (!n || *n < -1 || (*n == -1 && !null_allowed)) return std::nullopt;
  return n;
}

}  // namespace

std::string Reply::to_string() const {
  std::string out;
  append_reply(out, *this);
  return out;
}

ReplyParser::Result ReplyParser::parse(std::string_view data, Reply& out) {
  error_.clear();
  Cursor cur(data);
  std::vector<Frame> stack;
  // Attribute maps live here until complete, then are discarded.
  std::vector<std::unique_ptr<Reply>> attributes;
  bool root_placed = false;
  auto need_more = Result{Status::kNeedMore, 0};
  auto fail = [&](std::string message) {
    error_ = std::move(message);
    return Result{Status::kError, 0};
  };

  out = Reply{};
  while (!(root_placed && stack.empty())) {
    if (cur.at_end()) return need_more;
    char type = cur.take();
    std::string_view text;
    auto st = cur.line(text);
    if (st == Cursor::LineStatus::kNeedMore) return need_more;
    if (st == Cursor::LineStatus::kBad) return fail("Protocol error: bad line terminator");

    if (type == '|') {
      auto n = parse_length(text, false);
      if (!n || *n > INT64_MAX / 2) return fail("Protocol error: bad attribute length");
      if (stack.size() >= kMaxDepth) return fail("Protocol error: nesting too deep");
      if (*n == 0) continue;
      attributes.push_back(std::make_unique<Reply>());
      attributes.back()->type = ReplyType::kAttribute;
      stack.push_back({attributes.back().get(), static_cast<uint64_t>(*n) * 2});
      continue;
    }

    // Claim the slot this value fills: the root or the next child of the
    // innermost open aggregate.
    Reply* slot = nullptr;
    if (stack.empty()) {
      slot = &out;
      root_placed = true;
    } else {
      Frame& top = stack.back();
      top.node->elements.emplace_back();
      --top.remaining;
      slot = &top.node->elements.back();
    }

    uint64_t children = 0;
    switch (type) {
      case '+': slot->type = ReplyType::kSimple; slot->str.assign(text); break;
      case '-': slot->type = ReplyType::kError; slot->str.assign(text); break;
      case ':': {
        auto v = parse_int64(text);
        if (!v) return fail("Protocol error: bad integer");
        slot->type = ReplyType::kInteger;
        slot->integer = *v;
        break;
      }
      case '_':
        if (!text.empty()) return fail("Protocol error: bad null");
        slot->type = ReplyType::kNull;
        break;
      case '#':
        if (text != "t" && text != "f") return fail("Protocol error: bad boolean");
        slot->type = ReplyType::kBoolean;
        slot->integer = text == "t" ? 1 : 0;
        break;
      case ',': {
        // RESP3 doubles may also be "nan", which parse_double rejects.
        double value = 0;
        if (text == "nan" || text == "-nan") {
          value = std::numeric_limits<double>::quiet_NaN();
        } else {
          auto v = parse_double(text);
          if (!v) return fail("Protocol error: bad double");
          value = *v;
        }
        slot->type = ReplyType::kDouble;
        slot->number = value;
        slot->str.assign(text);
        break;
      }
      case '(':
        if (text.empty()) return fail("Protocol error: bad big number");
        slot->type = ReplyType::kBigNumber;
        slot->str.assign(text);
        break;
      case '$':
      case '!':
      case '=': {
        auto len = parse_length(text, type == '$');
        if (!len) return fail("Protocol error: bad bulk length");
        if (*len == -1) {
          slot->type = ReplyType::kNull;
          break;
        }
        std::string_view body;
        auto bs = cur.body(static_cast<uint64_t>(*len), body);
        if (bs == Cursor::LineStatus::kNeedMore) return need_more;
        if (bs == Cursor::LineStatus::kBad) return fail("Protocol error: bad bulk terminator");
        if (type == '=') {
          if (body.size() < 4 || body[3] != ':') return fail("Protocol error: bad verbatim string");
          slot->type = ReplyType::kVerbatim;
          body.remove_prefix(4);
        } else {
          slot->type = type == '$' ? ReplyType::kBulk : ReplyType::kError;
        }
        slot->str.assign(body);
        break;
      }
      case '*':
      case '%':
      case '~':
      case '>': {
        auto n = parse_length(text, type == '*');
        if (!n || (type == '%' && *n > INT64_MAX / 2)) return fail("Protocol error: bad aggregate length");
        if (*n == -1) {
          slot->type = ReplyType::kNull;
          break;
        }
        slot->type = type == '*'   ? ReplyType::kArray
                     : type == '%' ? ReplyType::kMap
                     : type == '~' ? ReplyType::kSet
                                   : ReplyType::kPush;
        children = static_cast<uint64_t>(*n) * (type == '%' ? 2 : 1);
        break;
      }
      default: {
        std::string message = "Protocol error, got '";
        message.push_back(type);
        message += "' as reply type byte";
        return fail(std::move(message));
      }
    }

    if (children > 0) {
      if (stack.size() >= kMaxDepth) return fail("Protocol error: nesting too deep");
      stack.push_back({slot, children});
      continue;
    }
    // A leaf (or empty aggregate) may complete any number of enclosing ones.
    while (!stack.empty() && stack.back().remaining == 0) {
      bool attribute = stack.back().node->type == ReplyType::kAttribute;
      stack.pop_back();
      if (attribute) attributes.pop_back();
    }
  }
  return {Status::kReply, cur.pos()};
}

std::optional<Reply> parse_one_reply(std::string_view bytes) {
  ReplyParser parser;
  Reply reply;
  auto result = parser.parse(bytes, reply);
  if (result.status != ReplyParser::Status::kReply || result.consumed != bytes.size()) {
    return std::nullopt;
  }
  return reply;
}

}  // namespace arbor::protocol
