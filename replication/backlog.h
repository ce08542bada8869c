// The replication backlog: the last `capacity` bytes of the replication
// stream in a ring, addressed by stream offset, so a replica that lost its
// link can continue from the first byte it lacks (PSYNC ... +CONTINUE).
// Offsets follow Redis: the stream's first byte is offset 1, and
// end_offset() is master_repl_offset (the count of bytes ever appended).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace arbor::replication {

class Backlog {
 public:
  // A backlog whose next byte will have offset `next_offset`.
  Backlog(size_t capacity, uint64_t next_offset);

  void append(std::string_view bytes);
  // Keeps the newest bytes that fit.
  void resize(size_t capacity);

  size_t capacity() const { return buffer_.size(); }
  size_t histlen() const { return histlen_; }
  // Offset of the oldest byte held (repl_backlog_first_byte_offset).
  uint64_t first_offset() const { return end_offset_ + 1 - histlen_; }
  uint64_t end_offset() const { return end_offset_; }
  // True when every byte from `offset` on is held (offset may be
  // end_offset() + 1: nothing is missing).
  bool holds_from(uint64_t offset) const {
    return offset >= first_offset() && offset <= end_offset_ + 1;
  }
  // Appends the bytes from `offset` to the end to `out`; requires
  // holds_from(offset).
  void append_to(uint64_t offset, std::string& out) const;

 private:
  std::string buffer_;
  size_t head_ = 0;  // where the next byte goes
  size_t histlen_ = 0;
  uint64_t end_offset_;  // offset of the newest byte
};

}  // namespace arbor::replication
