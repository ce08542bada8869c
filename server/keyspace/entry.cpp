// Entry allocation: one block for header, key and (embedded) string value.
#include "server/keyspace/entry.h"

#include <cstdlib>
#include <cstring>
#include <new>

namespace arbor::keyspace {

Entry* Entry::allocate(std::string_view key, size_t extra) {
  void* block = std::malloc(sizeof(Entry) + key.size() + extra);
  if (block == nullptr) throw std::bad_alloc();
  auto* entry = new (block) Entry();
  entry->key_len_ = static_cast<uint32_t>(key.size());
  if (!key.empty()) std::memcpy(entry->data_, key.data(), key.size());
  return entry;
}

Entry* Entry::make_string(std::string_view key, std::string_view value) {
  if (value.size() > kMaxEmbedded) return make_raw_string(key, std::string(value));
  Entry* entry = allocate(key, value.size());
  entry->value_len_ = static_cast<uint32_t>(value.size()) & kMaxEmbedded;
  if (!value.empty()) std::memcpy(entry->data_ + key.size(), value.data(), value.size());
  return entry;
}

Entry* Entry::make_raw_string(std::string_view key, std::string value) {
  Entry* entry = allocate(key, 0);
  entry->storage_ = Storage::kRaw;
  entry->raw_ = new std::string(std::move(value));
  return entry;
}

Entry* Entry::make_object(std::string_view key, std::unique_ptr<Object> object) {
  Entry* entry = allocate(key, 0);
  entry->storage_ = Storage::kObject;
  entry->type_ = object->type();
  entry->object_ = object.release();
  return entry;
}

void Entry::destroy(Entry* entry) {
  if (entry == nullptr) return;
  if (entry->storage_ == Storage::kRaw) delete entry->raw_;
  if (entry->storage_ == Storage::kObject) delete entry->object_;
  entry->~Entry();
  std::free(entry);
}

std::string_view Entry::string_value() const {
  if (storage_ == Storage::kRaw) return *raw_;
  return {data_ + key_len_, value_len_};
}

bool Entry::overwrite_string_in_place(std::string_view value) {
  if (storage_ != Storage::kEmbedded || value.size() != value_len_) return false;
  std::memcpy(data_ + key_len_, value.data(), value.size());
  stored_as_text_ = false;
  return true;
}

size_t Entry::memory_usage() const {
  size_t bytes = sizeof(Entry) + key_len_;
  switch (storage_) {
    case Storage::kEmbedded: bytes += value_len_; break;
    case Storage::kRaw: bytes += sizeof(std::string) + raw_->capacity(); break;
    case Storage::kObject: bytes += object_->memory_usage(); break;
  }
  return bytes;
}

}  // namespace arbor::keyspace
