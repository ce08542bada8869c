// NodeRing: a growable ring buffer, ListValue's spine of nodes. O(1) at both
// ends and by index, one allocation for all slots; std::deque would spend a
// 512-byte block plus its map even on a one-element list.
#pragma once

#include <cstddef>
#include <memory>
#include <utility>

namespace arbor::keyspace {

template <typename T>
class NodeRing {
 public:
  NodeRing() = default;
  NodeRing(const NodeRing& other) { *this = other; }
  NodeRing& operator=(const NodeRing& other) {
    if (this == &other) return *this;
    clear();
    if (other.size_ == 0) return *this;
    data_ = std::make_unique<T[]>(other.size_);
    cap_ = other.size_;
    for (size_t i = 0; i < other.size_; ++i) data_[i] = other[i];
    size_ = other.size_;
    return *this;
  }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  size_t capacity() const { return cap_; }
  // Capacity is not always a power of two (copies are exact), hence the modulo.
  T& operator[](size_t i) { return data_[(head_ + i) % cap_]; }
  const T& operator[](size_t i) const { return data_[(head_ + i) % cap_]; }
  T& front() { return (*this)[0]; }
  T& back() { return (*this)[size_ - 1]; }
  const T& front() const { return (*this)[0]; }
  const T& back() const { return (*this)[size_ - 1]; }

  T& emplace_back() {
    grow_if_full();
    ++size_;
    return back();
  }
  T& emplace_front() {
    grow_if_full();
    head_ = (head_ + cap_ - 1) % cap_;
    ++size_;
    return front();
  }
  void pop_front() {
    front() = T{};
    head_ = (head_ + 1) % cap_;
    --size_;
    shrink_if_sparse();
  }
  void pop_back() {
    back() = T{};
    --size_;
    shrink_if_sparse();
  }
  // Inserts before slot `i` (i == size() appends), shifting the tail side.
  void insert(size_t i, T value) {
    emplace_back();
    for (size_t j = size_ - 1; j > i; --j) (*this)[j] = std::move((*this)[j - 1]);
    (*this)[i] = std::move(value);
  }
  void erase(size_t i) {
    for (size_t j = i; j + 1 < size_; ++j) (*this)[j] = std::move((*this)[j + 1]);
    pop_back();
  }
  void clear() {
    data_.reset();
    cap_ = head_ = size_ = 0;
  }

 private:
  void reallocate(size_t cap) {
    auto fresh = std::make_unique<T[]>(cap);
    for (size_t i = 0; i < size_; ++i) fresh[i] = std::move((*this)[i]);
    data_ = std::move(fresh);
    cap_ = cap;
    head_ = 0;
  }
  void grow_if_full() {
    if (size_ == cap_) reallocate(cap_ == 0 ? 1 : cap_ * 2);
  }
  void shrink_if_sparse() {
    if (size_ == 0)
      clear();
    else if (cap_ >= 8 && size_ < cap_ / 4)
      reallocate(cap_ / 2);
  }

  std::unique_ptr<T[]> data_;
  size_t cap_ = 0;
  size_t head_ = 0;
  size_t size_ = 0;
};

}  // namespace arbor::keyspace
