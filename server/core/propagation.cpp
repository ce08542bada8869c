// Propagation: the writes of one execution unit, held until it ends.
#include "server/core/propagation.h"

namespace arbor::core {

bool Propagation::flush() {
  const bool wrap = pending_.size() > 1 || (transaction_ && !pending_.empty());
  transaction_ = false;
  if (pending_.empty()) return false;
  if (!active()) {
    pending_.clear();
    encoded_.clear();
    return false;
  }
  if (wrap) feed_->feed(pending_.front().db, "*1\r\n$5\r\nMULTI\r\n");
  for (const Write& write : pending_)
    feed_->feed(write.db, std::string_view(encoded_).substr(write.begin, write.end - write.begin));
  if (wrap) feed_->feed(pending_.back().db, "*1\r\n$4\r\nEXEC\r\n");
  pending_.clear();
  // Reused across units, but not kept at the size of one huge write.
  if (encoded_.capacity() > kKeptCapacity) std::string().swap(encoded_);
  else encoded_.clear();
  return true;
}

void Propagation::abandon(std::string_view why, bool data_changed) {
  pending_.clear();
  std::string().swap(encoded_);
  transaction_ = false;
  if (data_changed && active()) feed_->lost_write(why);
}

}  // namespace arbor::core
