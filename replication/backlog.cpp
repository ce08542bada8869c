// Backlog: a byte ring indexed by replication offset.
#include "replication/backlog.h"

#include <algorithm>

namespace arbor::replication {

Backlog::Backlog(size_t capacity, uint64_t next_offset)
    : buffer_(std::max<size_t>(capacity, 16), '\0'), end_offset_(next_offset - 1) {}

void Backlog::append(std::string_view bytes) {
  end_offset_ += bytes.size();
  const size_t cap = buffer_.size();
  if (bytes.size() >= cap) bytes = bytes.substr(bytes.size() - cap);  // only the tail survives
  const size_t first = std::min(bytes.size(), cap - head_);
  std::copy_n(bytes.data(), first, buffer_.data() + head_);
  std::copy_n(bytes.data() + first, bytes.size() - first, buffer_.data());
  head_ = (head_ + bytes.size()) % cap;
  histlen_ = std::min(cap, histlen_ + bytes.size());
}

void Backlog::append_to(uint64_t offset, std::string& out) const {
  const size_t wanted = static_cast<size_t>(end_offset_ + 1 - offset);
  const size_t cap = buffer_.size();
  const size_t start = (head_ + cap - wanted) % cap;
  const size_t first = std::min(wanted, cap - start);
  out.append(buffer_, start, first);
  out.append(buffer_, 0, wanted - first);
}

void Backlog::resize(size_t capacity) {
  capacity = std::max<size_t>(capacity, 16);
  if (capacity == buffer_.size()) return;
  std::string kept;
  append_to(first_offset(), kept);
  if (kept.size() > capacity) kept.erase(0, kept.size() - capacity);
  const uint64_t end = end_offset_;
  buffer_.assign(capacity, '\0');
  head_ = 0;
  histlen_ = 0;
  end_offset_ = end - kept.size();
  append(kept);
}

}  // namespace arbor::replication
