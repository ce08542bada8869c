// Value types stored under a key. Strings live inside the key's Entry (see
// entry.h); every other type is an Object owned by its Entry.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

namespace arbor::keyspace {

enum class ValueType : uint8_t { kString, kList, kSet, kZset, kHash, kStream, kNoteTree };

// The word TYPE replies and SCAN TYPE matches ("string", "notetree" ...).
std::string_view type_name(ValueType type);

// Base of every non-string value. Virtual so an Entry can free and describe
// any type without knowing it; the type tag avoids dynamic_cast on lookups.
class Object {
 public:
  explicit Object(ValueType type) : type_(type) {}
  virtual ~Object() = default;
  Object(const Object&) = delete;
  Object& operator=(const Object&) = delete;

  ValueType type() const { return type_; }
  // OBJECT ENCODING's answer ("listpack", "hashtable", "notetree" ...).
  virtual std::string_view encoding() const = 0;
  // Number of elements: drives lazy-free decisions and INFO; 1 for scalars.
  virtual size_t element_count() const = 0;
  // Approximate bytes owned, for memory reports.
  virtual size_t memory_usage() const = 0;
  // A deep copy, for COPY.
  virtual std::unique_ptr<Object> clone() const = 0;

 private:
  ValueType type_;
};

}  // namespace arbor::keyspace
