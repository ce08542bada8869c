// RESP reply encoding with Redis 7.0's RESP2 downgrades (networking.c
// addReply*). integer() and bulk() are the hot path: they format into a stack
// buffer with std::to_chars and append once or thrice, never via snprintf.
#include "protocol/reply_writer.h"

#include <charconv>
#include <cstring>

#include "protocol/number_format.h"

namespace arbor::protocol {
namespace {

// Largest header: type byte, "-9223372036854775808", CRLF.
constexpr size_t kHeaderMax = 1 + 20 + 2;
// Bulk strings up to this size are assembled on the stack and appended once.
constexpr size_t kSmallBulk = 96;

// Writes "<type><count>\r\n" into buf and returns its length.
size_t format_header(char* buf, char type, int64_t count) {
  buf[0] = type;
  size_t n = 1;
  if (count >= 0 && count < 10) {
    buf[n++] = static_cast<char>('0' + count);
  } else {
    auto res = std::to_chars(buf + 1, buf + kHeaderMax, count);
    n = static_cast<size_t>(res.ptr - buf);
  }
  buf[n++] = '\r';
  buf[n++] = '\n';
  return n;
}

// Appends `prefix` + text + CRLF with CR and LF turned into spaces, so a
// message cannot break the line framing (Redis maps them the same way).
void append_line(std::string& out, char prefix, std::string_view text) {
  out.push_back(prefix);
  size_t start = out.size();
  out.append(text);
  for (size_t i = start; i < out.size(); ++i) {
    if (out[i] == '\r' || out[i] == '\n') out[i] = ' ';
  }
  out.append("\r\n", 2);
}

}  // namespace

void ReplyWriter::header(char type, int64_t count) {
  char buf[kHeaderMax];
  out_->append(buf, format_header(buf, type, count));
}

void ReplyWriter::insert_header(size_t mark, char type, int64_t count) {
  char buf[kHeaderMax];
  out_->insert(mark, buf, format_header(buf, type, count));
}

void ReplyWriter::simple(std::string_view text) { append_line(*out_, '+', text); }

void ReplyWriter::error(std::string_view message) {
  // Callers pass "ERR ..."; tolerate a message that already carries the '-'.
  if (!message.empty() && message.front() == '-') message.remove_prefix(1);
  append_line(*out_, '-', message);
}

void ReplyWriter::integer(int64_t value) { header(':', value); }

void ReplyWriter::bulk(std::string_view value) {
  if (value.size() <= kSmallBulk) {
    char buf[kHeaderMax + kSmallBulk + 2];
    size_t n = format_header(buf, '$', static_cast<int64_t>(value.size()));
    if (!value.empty()) std::memcpy(buf + n, value.data(), value.size());
    n += value.size();
    buf[n++] = '\r';
    buf[n++] = '\n';
    out_->append(buf, n);
    return;
  }
  header('$', static_cast<int64_t>(value.size()));
  out_->append(value);
  out_->append("\r\n", 2);
}

void ReplyWriter::null(NullKind kind) {
  if (resp_ >= 3) {
    raw("_\r\n");
  } else if (kind == NullKind::kArray) {
    raw("*-1\r\n");
  } else {
    raw("$-1\r\n");
  }
}

void ReplyWriter::array(size_t count) { header('*', static_cast<int64_t>(count)); }

void ReplyWriter::map(size_t pairs) {
  if (resp_ >= 3) {
    header('%', static_cast<int64_t>(pairs));
  } else {
    header('*', static_cast<int64_t>(pairs * 2));
  }
}

void ReplyWriter::set(size_t count) { header(resp_ >= 3 ? '~' : '*', static_cast<int64_t>(count)); }

void ReplyWriter::push(size_t count) { header(resp_ >= 3 ? '>' : '*', static_cast<int64_t>(count)); }

void ReplyWriter::double_value(double value) { double_text(format_double(value)); }

void ReplyWriter::double_text(std::string_view text) {
  if (resp_ >= 3) {
    out_->push_back(',');
    out_->append(text);
    out_->append("\r\n", 2);
  } else {
    bulk(text);
  }
}

void ReplyWriter::boolean(bool value) {
  if (resp_ >= 3) {
    raw(value ? "#t\r\n" : "#f\r\n");
  } else {
    raw(value ? ":1\r\n" : ":0\r\n");
  }
}

void ReplyWriter::big_number(std::string_view digits) {
  if (resp_ >= 3) {
    append_line(*out_, '(', digits);
  } else {
    bulk(digits);
  }
}

void ReplyWriter::verbatim(std::string_view text, std::string_view format) {
  if (resp_ < 3) {
    bulk(text);
    return;
  }
  // The format is exactly three bytes in RESP3; pad or cut a wrong one
  // rather than emit a frame the client cannot split.
  char fmt[3] = {'t', 'x', 't'};
  for (size_t i = 0; i < 3 && i < format.size(); ++i) fmt[i] = format[i];
  header('=', static_cast<int64_t>(text.size() + 4));
  out_->append(fmt, 3);
  out_->push_back(':');
  out_->append(text);
  out_->append("\r\n", 2);
}

void ReplyWriter::end_deferred_array(size_t mark, size_t count) {
  insert_header(mark, '*', static_cast<int64_t>(count));
}

void ReplyWriter::end_deferred_map(size_t mark, size_t pairs) {
  if (resp_ >= 3) {
    insert_header(mark, '%', static_cast<int64_t>(pairs));
  } else {
    insert_header(mark, '*', static_cast<int64_t>(pairs * 2));
  }
}

void ReplyWriter::end_deferred_set(size_t mark, size_t count) {
  insert_header(mark, resp_ >= 3 ? '~' : '*', static_cast<int64_t>(count));
}

}  // namespace arbor::protocol
