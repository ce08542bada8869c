// Frees large values and whole flushed tables on a helper thread, so DEL of a
// million-element value or FLUSHALL ASYNC never stalls the event loop
// (Redis's lazyfree). The loop hands over ownership; nothing comes back.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace arbor::keyspace {

class LazyFreer {
 public:
  // Values with more elements than this are freed off the loop.
  static constexpr size_t kEffortThreshold = 64;

  LazyFreer();
  ~LazyFreer();  // drains the queue, then joins
  LazyFreer(const LazyFreer&) = delete;
  LazyFreer& operator=(const LazyFreer&) = delete;

  void submit(std::function<void()> job);
  size_t pending() const;
  // Jobs done so far (INFO lazyfreed_objects).
  size_t freed() const {
    std::lock_guard lock(mutex_);
    return freed_;
  }

 private:
  void run();

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> jobs_;
  bool stopping_ = false;
  size_t freed_ = 0;
  std::thread worker_;
};

}  // namespace arbor::keyspace
