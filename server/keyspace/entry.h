// One key and its value in a single allocation: header, key bytes, and for
// short strings the value bytes too (Redis's embstr idea applied to the whole
// dict entry), so a small string key costs one malloc. Longer-lived mutable
// strings (after APPEND/SETRANGE) move to a heap std::string ("raw").
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "server/keyspace/value.h"

namespace arbor::keyspace {

inline constexpr int64_t kNoExpire = -1;

template <typename Node>
struct ChainTraits;

class Entry {
 public:
  enum class Storage : uint8_t { kEmbedded, kRaw, kObject };

  // Factories allocate header + key (+ embedded value) in one block.
  static Entry* make_string(std::string_view key, std::string_view value);
  static Entry* make_raw_string(std::string_view key, std::string value);
  static Entry* make_object(std::string_view key, std::unique_ptr<Object> object);
  static void destroy(Entry* entry);

  std::string_view key() const { return {data_, key_len_}; }
  ValueType type() const { return type_; }
  Storage storage() const { return storage_; }
  bool is_string() const { return type_ == ValueType::kString; }

  // Valid for strings only.
  std::string_view string_value() const;
  // Mutable string (raw storage only): APPEND/SETRANGE grow it in place.
  std::string& raw_string() { return *raw_; }
  // Valid for non-strings only.
  Object* object() const { return object_; }
  template <typename T>
  T& as() const { return *static_cast<T*>(object_); }

  // Redis keeps a number stored by INCRBYFLOAT as text (OBJECT ENCODING
  // "embstr") even when it looks like an integer; this remembers that.
  bool stored_as_text() const { return stored_as_text_; }
  void set_stored_as_text(bool value) { stored_as_text_ = value; }

  int64_t expire_ms() const { return expire_ms_; }
  bool has_expire() const { return expire_ms_ != kNoExpire; }

  size_t memory_usage() const;
  // Replaces an embedded string value with same-size text in place (INCR's
  // common case); returns false when a new entry is needed.
  bool overwrite_string_in_place(std::string_view value);

 private:
  friend struct ChainTraits<Entry>;
  friend class Database;
  Entry() = default;
  static Entry* allocate(std::string_view key, size_t extra);

  Entry* next_ = nullptr;            // hash chain
  int64_t expire_ms_ = kNoExpire;    // absolute unix ms
  uint32_t key_len_ = 0;
  uint32_t value_len_ = 0;           // embedded string length
  uint32_t ttl_slot_ = 0;            // index in Database's TTL list when has_expire()
  ValueType type_ = ValueType::kString;
  Storage storage_ = Storage::kEmbedded;
  bool stored_as_text_ = false;
  // The forkless snapshot that last wrote this entry (Database's epoch);
  // fits in the header's padding.
  uint8_t snapshot_epoch_ = 0;
  union {
    std::string* raw_;
    Object* object_ = nullptr;
  };
  char data_[];  // key bytes, then embedded value bytes
};

}  // namespace arbor::keyspace
