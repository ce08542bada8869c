// A variable set for the length of a scope and given back its old value
// however the scope ends, an exception included (an allocation failure in
// a handler must not leave a nesting counter or a mode behind).
#pragma once

#include <utility>

namespace arbor::core {

template <typename T>
class ScopedValue {
 public:
  ScopedValue(T& variable, T value) : variable_(variable), saved_(std::exchange(variable, std::move(value))) {}
  ~ScopedValue() { variable_ = std::move(saved_); }
  ScopedValue(const ScopedValue&) = delete;
  ScopedValue& operator=(const ScopedValue&) = delete;

 private:
  T& variable_;
  T saved_;
};

}  // namespace arbor::core
