// Client request parsing with Redis 7.0's rules (networking.c
// processMultibulkBuffer / processInlineBuffer, sds.c sdssplitargs):
// the same limits, the same error texts, the same points at which Redis
// decides to wait for more bytes.
#include "protocol/request_parser.h"

#include <algorithm>
#include <cstring>

#include "protocol/number_format.h"

namespace arbor::protocol {
namespace {

// Limits Redis applies before AUTH (networking.c), fixed, not configurable.
constexpr int64_t kUnauthenticatedMaxArgs = 10;
constexpr int64_t kUnauthenticatedMaxBulk = 16384;
// Redis caps the argv preallocation the same way, so "*1000000000" alone
// cannot make the server allocate.
constexpr int64_t kMaxArgsPrealloc = 1024;

// C-locale isspace: what sdssplitargs skips between arguments.
bool is_c_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Index of the first `c` in data[from..], or npos.
size_t find_byte(std::string_view data, size_t from, char c) {
  if (from >= data.size()) return std::string_view::npos;
  const void* hit = std::memchr(data.data() + from, c, data.size() - from);
  if (hit == nullptr) return std::string_view::npos;
  return static_cast<size_t>(static_cast<const char*>(hit) - data.data());
}

}  // namespace

std::string parse_error_text(ParseError error, char offending) {
  switch (error) {
    case ParseError::kNone:
      return {};
    case ParseError::kInvalidMultibulkLength:
      return "ERR Protocol error: invalid multibulk length";
    case ParseError::kInvalidBulkLength:
      return "ERR Protocol error: invalid bulk length";
    case ParseError::kUnauthenticatedMultibulkLength:
      return "ERR Protocol error: unauthenticated multibulk length";
    case ParseError::kUnauthenticatedBulkLength:
      return "ERR Protocol error: unauthenticated bulk length";
    case ParseError::kTooBigMbulkCountString:
      return "ERR Protocol error: too big mbulk count string";
    case ParseError::kTooBigBulkCountString:
      return "ERR Protocol error: too big bulk count string";
    case ParseError::kTooBigInlineRequest:
      return "ERR Protocol error: too big inline request";
    case ParseError::kUnbalancedQuotes:
      return "ERR Protocol error: unbalanced quotes in request";
    case ParseError::kExpectedDollar: {
      std::string text = "ERR Protocol error: expected '$', got '";
      // Redis formats the byte with %c into a C string, so a NUL byte ends
      // the message right there.
      if (offending == '\0') return text;
      text.push_back(offending);
      text.push_back('\'');
      return text;
    }
  }
  return {};
}

RequestParser::Result RequestParser::parse(std::string_view data,
                                           std::vector<std::string_view>& args) {
  args.clear();
  if (data.empty()) return {Status::kNeedMore, 0};
  // The first byte of the command decides, as in processInputBuffer; it is
  // the same byte on every call for one command, so no mode needs storing.
  if (data[0] == '*') return parse_multibulk(data, args);
  return parse_inline(data, args);
}

RequestParser::Result RequestParser::parse_multibulk(std::string_view data,
                                                     std::vector<std::string_view>& args) {
  if (pending_args_ < 0) {
    size_t cr = find_byte(data, scanned_, '\r');
    if (cr == std::string_view::npos) {
      if (data.size() > limits_.max_inline_len) return fail(ParseError::kTooBigMbulkCountString);
      scanned_ = data.size();
      return {Status::kNeedMore, 0};
    }
    // Redis wants the byte after '\r' too and skips it without checking it.
    if (cr + 1 >= data.size()) {
      scanned_ = cr;
      return {Status::kNeedMore, 0};
    }
    auto count = parse_int64(data.substr(1, cr - 1));
    if (!count || *count > limits_.max_multibulk_len) {
      return fail(ParseError::kInvalidMultibulkLength);
    }
    if (*count > kUnauthenticatedMaxArgs && limits_.unauthenticated) {
      return fail(ParseError::kUnauthenticatedMultibulkLength);
    }
    size_t header_end = cr + 2;
    if (*count <= 0) {
      // "*0" and "*-1": Redis resets the client and reads on.
      reset_command_state();
      return {Status::kEmpty, header_end};
    }
    pending_args_ = *count;
    pos_ = header_end;
    scanned_ = header_end;
    spans_.clear();
    spans_.reserve(static_cast<size_t>(std::min(*count, kMaxArgsPrealloc)));
  }

  while (static_cast<int64_t>(spans_.size()) < pending_args_) {
    if (pending_bulk_ < 0) {
      size_t cr = find_byte(data, std::max(scanned_, pos_), '\r');
      if (cr == std::string_view::npos) {
        if (data.size() - pos_ > limits_.max_inline_len) {
          return fail(ParseError::kTooBigBulkCountString);
        }
        scanned_ = data.size();
        return {Status::kNeedMore, 0};
      }
      if (cr + 1 >= data.size()) {
        scanned_ = cr;
        return {Status::kNeedMore, 0};
      }
      // Checked only once the whole line is there, as Redis does.
      if (data[pos_] != '$') return fail(ParseError::kExpectedDollar, data[pos_]);
      auto len = parse_int64(data.substr(pos_ + 1, cr - pos_ - 1));
      if (!len || *len < 0 || *len > limits_.max_bulk_len) {
        return fail(ParseError::kInvalidBulkLength);
      }
      if (*len > kUnauthenticatedMaxBulk && limits_.unauthenticated) {
        return fail(ParseError::kUnauthenticatedBulkLength);
      }
      pending_bulk_ = *len;
      pos_ = cr + 2;
      scanned_ = pos_;
    }
    // The body and its CRLF must be complete. Like Redis, the two bytes
    // after the body are skipped, not verified.
    size_t need = static_cast<size_t>(pending_bulk_) + 2;
    if (data.size() - pos_ < need) return {Status::kNeedMore, 0};
    spans_.emplace_back(pos_, static_cast<size_t>(pending_bulk_));
    pos_ += need;
    scanned_ = pos_;
    pending_bulk_ = -1;
  }

  args.reserve(spans_.size());
  for (const auto& [offset, length] : spans_) args.push_back(data.substr(offset, length));
  size_t consumed = pos_;
  reset_command_state();
  return {Status::kCommand, consumed};
}

RequestParser::Result RequestParser::parse_inline(std::string_view data,
                                                  std::vector<std::string_view>& args) {
  size_t lf = find_byte(data, scanned_, '\n');
  if (lf == std::string_view::npos) {
    if (data.size() > limits_.max_inline_len) return fail(ParseError::kTooBigInlineRequest);
    scanned_ = data.size();
    return {Status::kNeedMore, 0};
  }
  size_t line_end = lf;
  if (line_end > 0 && data[line_end - 1] == '\r') --line_end;
  size_t consumed = lf + 1;
  reset_command_state();
  if (!split_inline_args(data.substr(0, line_end), inline_storage_)) {
    return fail(ParseError::kUnbalancedQuotes);
  }
  if (inline_storage_.empty()) return {Status::kEmpty, consumed};
  args.reserve(inline_storage_.size());
  for (const auto& arg : inline_storage_) args.emplace_back(arg);
  return {Status::kCommand, consumed};
}

RequestParser::Result RequestParser::fail(ParseError error, char offending) {
  error_ = error;
  offending_ = offending;
  reset_command_state();
  return {Status::kError, 0};
}

void RequestParser::reset_command_state() {
  pending_args_ = -1;
  pending_bulk_ = -1;
  pos_ = 0;
  scanned_ = 0;
  spans_.clear();
}

size_t RequestParser::bytes_still_needed(size_t have) const {
  if (pending_args_ < 0 || pending_bulk_ < 0) return 0;
  size_t need = pos_ + static_cast<size_t>(pending_bulk_) + 2;
  return need > have ? need - have : 0;
}

bool split_inline_args(std::string_view line, std::vector<std::string>& out) {
  // sdssplitargs rules. One deliberate difference: Redis works on C strings,
  // so a NUL byte ends the line there; here it is an ordinary byte.
  out.clear();
  const size_t n = line.size();
  size_t i = 0;
  // A closing quote must end the argument: followed by whitespace or the end.
  auto closes_cleanly = [&](size_t quote) { return quote + 1 >= n || is_c_space(line[quote + 1]); };
  while (true) {
    while (i < n && is_c_space(line[i])) ++i;
    if (i >= n) return true;
    std::string current;
    bool in_double = false;
    bool in_single = false;
    bool done = false;
    while (!done) {
      if (in_double) {
        if (i >= n) return false;
        char c = line[i];
        if (c == '\\' && i + 3 < n && line[i + 1] == 'x' && hex_value(line[i + 2]) >= 0 &&
            hex_value(line[i + 3]) >= 0) {
          current.push_back(static_cast<char>(hex_value(line[i + 2]) * 16 + hex_value(line[i + 3])));
          i += 3;
        } else if (c == '\\' && i + 1 < n) {
          ++i;
          switch (line[i]) {
            case 'n': current.push_back('\n'); break;
            case 'r': current.push_back('\r'); break;
            case 't': current.push_back('\t'); break;
            case 'b': current.push_back('\b'); break;
            case 'a': current.push_back('\a'); break;
            default: current.push_back(line[i]); break;
          }
        } else if (c == '"') {
          if (!closes_cleanly(i)) return false;
          done = true;
        } else {
          current.push_back(c);
        }
      } else if (in_single) {
        if (i >= n) return false;
        char c = line[i];
        if (c == '\\' && i + 1 < n && line[i + 1] == '\'') {
          ++i;
          current.push_back('\'');
        } else if (c == '\'') {
          if (!closes_cleanly(i)) return false;
          done = true;
        } else {
          current.push_back(c);
        }
      } else {
        if (i >= n) break;
        switch (line[i]) {
          // Only these end an unquoted argument; \v and \f do not (they are
          // skipped between arguments but kept inside one), as in Redis.
          case ' ': case '\n': case '\r': case '\t':
            done = true;
            break;
          case '"': in_double = true; break;
          case '\'': in_single = true; break;
          default: current.push_back(line[i]); break;
        }
      }
      if (i < n) ++i;
    }
    out.push_back(std::move(current));
  }
}

}  // namespace arbor::protocol
