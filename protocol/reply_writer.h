// Builds RESP replies into a byte buffer. The writer owns the RESP2/RESP3
// choice: handlers call map(), double_value(), null() ... and the writer emits
// the RESP3 type or the downgrade Redis 7 uses for RESP2 (map -> flat array,
// set/push -> array, double -> bulk string, boolean -> integer 1/0,
// null -> $-1 or *-1, verbatim -> bulk, big number -> bulk).
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <initializer_list>
#include <string>
#include <string_view>

namespace arbor::protocol {

enum class NullKind : uint8_t { kBulk, kArray };  // RESP2 spelling: $-1 or *-1

class ReplyWriter {
 public:
  // Appends to `out`, which must outlive the writer.
  explicit ReplyWriter(std::string& out, int resp = 2) : out_(&out), resp_(resp) {}

  int resp() const { return resp_; }
  void set_resp(int resp) { resp_ = resp; }
  std::string& buffer() { return *out_; }
  void retarget(std::string& out) { out_ = &out; }

  void ok() { raw("+OK\r\n"); }
  void simple(std::string_view text);       // +text (CR/LF replaced by spaces)
  // `message` is the full error text, e.g. "ERR syntax error" or
  // "WRONGTYPE Operation against ...". CR/LF are replaced by spaces, as Redis
  // does, so the reply stays one line.
  void error(std::string_view message);
  void integer(int64_t value);
  void bulk(std::string_view value);
  void null(NullKind kind = NullKind::kBulk);
  void array(size_t count);
  void map(size_t pairs);
  void set(size_t count);
  void push(size_t count);
  // Redis 7.0 formatting: "%.17g", with "inf"/"-inf"; RESP2 sends it as a bulk.
  void double_value(double value);
  // A double already formatted (Redis's other formats, such as
  // addReplyHumanLongDouble's): ",text" in RESP3, a bulk in RESP2.
  void double_text(std::string_view text);
  void boolean(bool value);
  void big_number(std::string_view digits);
  // RESP3 verbatim string "=<len>\r\n<fmt>:<text>"; `format` is 3 characters.
  void verbatim(std::string_view text, std::string_view format = "txt");
  void raw(std::string_view bytes) { out_->append(bytes); }

  // Deferred aggregate length, for replies whose element count is known only
  // after writing them (Redis's addReplyDeferredLen). begin_deferred() marks
  // the position; end_deferred_*() inserts the header there.
  size_t begin_deferred() const { return out_->size(); }
  void end_deferred_array(size_t mark, size_t count);
  void end_deferred_map(size_t mark, size_t pairs);
  void end_deferred_set(size_t mark, size_t count);

 private:
  void header(char type, int64_t count);
  void insert_header(size_t mark, char type, int64_t count);

  std::string* out_;
  int resp_;
};

// Appends a command as clients and primaries send it: an array of bulk
// strings (the replication stream, a replica's handshake). `args` is any
// range of things convertible to string_view.
template <typename Args>
void append_command(std::string& out, const Args& args) {
  ReplyWriter writer(out);
  writer.array(std::size(args));
  for (const auto& arg : args) writer.bulk(std::string_view(arg));
}

inline std::string encode_command(std::initializer_list<std::string_view> args) {
  std::string out;
  append_command(out, args);
  return out;
}

}  // namespace arbor::protocol
