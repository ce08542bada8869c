// Parses RESP2/RESP3 replies (what a server sends) into a tree of values:
// used by the replica link, tests and tools. Separate from the request parser
// on purpose: the two grammars and their limits differ. Iterative, with a
// fixed maximum nesting depth, so hostile input cannot exhaust the stack.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace arbor::protocol {

enum class ReplyType : uint8_t {
  kSimple, kError, kInteger, kBulk, kNull, kArray, kMap, kSet, kPush,
  kDouble, kBoolean, kBigNumber, kVerbatim, kAttribute,
};

struct Reply {
  ReplyType type = ReplyType::kNull;
  std::string str;        // simple, error, bulk, big number, verbatim (with "txt:" prefix stripped), double text
  int64_t integer = 0;    // integer, boolean (0/1)
  double number = 0;      // double
  std::vector<Reply> elements;  // array/set/push; map: key, value, key, value ...

  bool is_null() const { return type == ReplyType::kNull; }
  bool is_error() const { return type == ReplyType::kError; }
  // Compact human-readable form for test failure messages and differential diffs.
  std::string to_string() const;
};

class ReplyParser {
 public:
  static constexpr size_t kMaxDepth = 64;

  enum class Status : uint8_t { kReply, kNeedMore, kError };
  struct Result {
    Status status;
    size_t consumed;
  };

  // Same buffer contract as RequestParser: `data` starts at the first byte not
  // yet consumed. On kReply, `out` holds one complete reply.
  Result parse(std::string_view data, Reply& out);
  std::string_view error_text() const { return error_; }

 private:
  std::string error_;
};

// Convenience for tests: parses exactly one reply from `bytes`.
std::optional<Reply> parse_one_reply(std::string_view bytes);

}  // namespace arbor::protocol
