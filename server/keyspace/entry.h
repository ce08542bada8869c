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

  // The access clock's 24 bits (keyspace/access_clock.h gives them meaning).
  uint32_t access() const { return access_; }
  void set_access(uint32_t value) { access_ = value & kAccessMask; }
  static constexpr uint32_t kAccessMask = (1u << 24) - 1;
  // Longer strings are stored raw: the embedded length has 24 bits.
  static constexpr size_t kMaxEmbedded = (1u << 24) - 1;

  size_t memory_usage() const;
  // Replaces an embedded string value with same-size text in place (INCR's
  // common case); returns false when a new entry is needed.
  bool overwrite_string_in_place(std::string_view value);

 private:
  friend struct ChainTraits<Entry>;
  friend class Database;
  Entry() = default;
  static Entry* allocate(std::string_view key, size_t extra);

  // Packed so that the access clock costs no byte: the header stays 40.
  Entry* next_ = nullptr;            // hash chain
  int64_t expire_ms_ = kNoExpire;    // absolute unix ms
  uint32_t key_len_ = 0;
  uint32_t value_len_ : 24 = 0;      // embedded string length
  ValueType type_ : 4 = ValueType::kString;
  Storage storage_ : 2 = Storage::kEmbedded;
  bool stored_as_text_ : 1 = false;
  uint32_t ttl_slot_ = 0;            // index in Database's TTL list when has_expire()
  uint32_t access_ : 24 = 0;         // last access (LRU) or frequency (LFU)
  // The forkless snapshot that last wrote this entry (Database's epoch).
  uint32_t snapshot_epoch_ : 8 = 0;
  union {
    std::string* raw_;
    Object* object_ = nullptr;
  };
  char data_[];  // key bytes, then embedded value bytes
};

static_assert(sizeof(Entry) == 40, "the entry header grew: every key pays for it");

}  // namespace arbor::keyspace
