// Incremental, zero-copy parser for client requests: RESP multibulk arrays and
// inline commands (what telnet and redis-benchmark's PING_INLINE send).
// Pure bytes-in/values-out: it never replies, closes or logs. The connection
// maps a ParseError to Redis's text (parse_error_text) and closes after sending it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace arbor::protocol {

enum class ParseError : uint8_t {
  kNone,
  kInvalidMultibulkLength,         // "*abc", "*" above the limit
  kInvalidBulkLength,              // "$-3", "$x", above proto-max-bulk-len
  kUnauthenticatedMultibulkLength, // more than 10 args before AUTH
  kUnauthenticatedBulkLength,      // bulk over 16384 bytes before AUTH
  kTooBigMbulkCountString,         // no CRLF in 64 KB after '*'
  kTooBigBulkCountString,          // no CRLF in 64 KB after '$'
  kTooBigInlineRequest,            // no LF in 64 KB of inline data
  kUnbalancedQuotes,               // inline: "a 'b"
  kExpectedDollar,                 // multibulk element not starting with '$'
};

// Redis's reply text for an error, without the leading '-' and trailing CRLF,
// e.g. "ERR Protocol error: invalid bulk length". `offending` is the byte
// that kExpectedDollar names.
std::string parse_error_text(ParseError error, char offending);

struct ParserLimits {
  int64_t max_bulk_len = 512LL * 1024 * 1024;      // proto-max-bulk-len
  int64_t max_multibulk_len = 1024LL * 1024 * 1024; // Redis 7.0: INT_MAX-ish
  size_t max_inline_len = 64 * 1024;                // PROTO_INLINE_MAX_SIZE
  // Before AUTH on a server with a password Redis allows at most 10 args of
  // at most 16384 bytes each, so an unauthenticated peer cannot make it allocate.
  bool unauthenticated = false;
};

// Contract: each call receives every byte not yet consumed, starting at the
// first byte of the current (possibly partial) command. The caller may move or
// extend the buffer between calls but must not alter those bytes. Views in
// `args` point into `data` (or, for inline commands with quotes/escapes, into
// storage owned by the parser) and stay valid until the next call or until
// the caller discards the consumed bytes, whichever comes first.
class RequestParser {
 public:
  enum class Status : uint8_t {
    kCommand,   // args holds one command; `consumed` bytes belong to it
    kNeedMore,  // no complete command yet; nothing consumed
    kEmpty,     // a blank inline line or "*0"/"*-1": consumed, no command
    kError,     // protocol error: error() says which; stop reading this client
  };

  struct Result {
    Status status;
    size_t consumed;  // bytes from the start of `data` to drop once args are used
  };

  explicit RequestParser(ParserLimits limits = {}) : limits_(limits) {}

  Result parse(std::string_view data, std::vector<std::string_view>& args);

  ParseError error() const { return error_; }
  char offending_byte() const { return offending_; }
  void set_limits(const ParserLimits& limits) { limits_ = limits; }
  const ParserLimits& limits() const { return limits_; }

  // While a large bulk argument is pending: how many more bytes must arrive
  // before the current command can complete (0 when unknown). Lets the
  // connection size its next read instead of growing the buffer step by step.
  size_t bytes_still_needed(size_t have) const;

 private:
  Result parse_multibulk(std::string_view data, std::vector<std::string_view>& args);
  Result parse_inline(std::string_view data, std::vector<std::string_view>& args);
  Result fail(ParseError error, char offending = 0);
  void reset_command_state();

  ParserLimits limits_;
  ParseError error_ = ParseError::kNone;
  char offending_ = 0;

  // Resumable state of a multibulk command in progress. Positions are offsets
  // from the command's first byte, so they survive buffer moves.
  int64_t pending_args_ = -1;   // -1: header not parsed yet
  int64_t pending_bulk_ = -1;   // length of the bulk being read, -1 if none
  size_t pos_ = 0;              // next byte to look at
  // How far the current line has been searched for its terminator without
  // finding it, so a line arriving byte by byte is scanned once in total.
  size_t scanned_ = 0;
  std::vector<std::pair<size_t, size_t>> spans_;  // (offset, length) per argument

  std::vector<std::string> inline_storage_;  // unescaped inline arguments
};

// Splits an inline request line as Redis's sdssplitargs does: spaces separate,
// "double quotes" take \n \r \t \b \a \\ \" and \xHH escapes, 'single quotes'
// take only \'. Returns false on unbalanced quotes or a closing quote not
// followed by a space.
bool split_inline_args(std::string_view line, std::vector<std::string>& out);

}  // namespace arbor::protocol
