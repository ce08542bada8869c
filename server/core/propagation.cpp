// Propagation: the writes of one execution unit, held until it ends.
#include "server/core/propagation.h"

namespace arbor::core {

void Propagation::add(int db, std::span<const std::string_view> args) {
  if (!active()) return;
  pending_.push_back(Write{db, std::vector<std::string>(args.begin(), args.end())});
}

void Propagation::add(int db, const std::vector<std::string>& args) {
  if (!active()) return;
  pending_.push_back(Write{db, args});
}

bool Propagation::flush() {
  const bool wrap = pending_.size() > 1 || (transaction_ && !pending_.empty());
  transaction_ = false;
  if (pending_.empty()) return false;
  if (!active()) {
    pending_.clear();
    return false;
  }
  std::vector<std::string_view> views;
  const int first_db = pending_.front().db;
  if (wrap) feed_->feed(first_db, std::initializer_list<std::string_view>{"MULTI"});
  for (const Write& write : pending_) {
    views.assign(write.args.begin(), write.args.end());
    feed_->feed(write.db, views);
  }
  if (wrap) feed_->feed(pending_.back().db, std::initializer_list<std::string_view>{"EXEC"});
  pending_.clear();
  return true;
}

}  // namespace arbor::core
