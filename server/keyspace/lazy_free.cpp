// LazyFreer: one helper thread draining a queue of destructors.
#include "server/keyspace/lazy_free.h"

namespace arbor::keyspace {

LazyFreer::LazyFreer() : worker_([this] { run(); }) {}

LazyFreer::~LazyFreer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  worker_.join();
}

void LazyFreer::submit(std::function<void()> job) {
  {
    std::lock_guard lock(mutex_);
    jobs_.push_back(std::move(job));
  }
  wake_.notify_one();
}

size_t LazyFreer::pending() const {
  std::lock_guard lock(mutex_);
  return jobs_.size();
}

void LazyFreer::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
    if (jobs_.empty()) return;  // stopping, and everything freed
    auto job = std::move(jobs_.front());
    jobs_.pop_front();
    lock.unlock();
    job();
    job = nullptr;
    lock.lock();
    ++freed_;
  }
}

}  // namespace arbor::keyspace
