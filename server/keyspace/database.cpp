// Database: key table plus TTL bookkeeping and both halves of expiry.
#include "server/keyspace/database.h"

#include <algorithm>
#include <utility>

#include "server/keyspace/lazy_free.h"

namespace arbor::keyspace {

Database::~Database() { ttl_entries_.clear(); }

Entry* Database::find(std::string_view key, int64_t now_ms) {
  Entry* entry = table_.find(key);
  if (entry == nullptr) return nullptr;
  if (!is_expired(entry, now_ms)) {
    before_change(entry);
    touch(entry);
    return entry;
  }
  if (!delete_expired_) {  // hidden, kept until the primary's DEL
    if (expired_visible_ == nullptr || !*expired_visible_) return nullptr;
    before_change(entry);
    return entry;
  }
  delete_expired(entry);
  return nullptr;
}

void Database::delete_expired(Entry* entry) {
  ++expired_keys_;
  if (!expire_hook_) {
    erase(entry->key());
    return;
  }
  // The hook runs after the deletion (a WATCH of an already expired key
  // checks the key is gone), so it gets a copy of the name.
  const std::string key(entry->key());
  erase(key);
  expire_hook_(*this, key);
}

void Database::track_ttl(Entry* entry) {
  entry->ttl_slot_ = static_cast<uint32_t>(ttl_entries_.size());
  ttl_entries_.push_back(entry);
}

void Database::untrack_ttl(Entry* entry) {
  const uint32_t slot = entry->ttl_slot_;
  Entry* last = ttl_entries_.back();
  ttl_entries_[slot] = last;
  last->ttl_slot_ = slot;
  ttl_entries_.pop_back();
}

void Database::free_entry(Entry* entry, bool lazily) {
  if (lazily && freer_ != nullptr && entry->storage() == Entry::Storage::kObject &&
      entry->object()->element_count() > LazyFreer::kEffortThreshold) {
    freer_->submit([entry] { Entry::destroy(entry); });
    return;
  }
  Entry::destroy(entry);
}

Entry* Database::set_string(std::string_view key, std::string_view value, bool keep_ttl) {
  Entry* old_entry = table_.find(key);
  before_change(old_entry);
  if (old_entry != nullptr) touch(old_entry);
  if (old_entry != nullptr && old_entry->overwrite_string_in_place(value)) {
    if (!keep_ttl) persist(old_entry);
    return old_entry;
  }
  return store(old_entry, Entry::make_string(key, value), keep_ttl);
}

Entry* Database::set_raw_string(std::string_view key, std::string value, bool keep_ttl) {
  Entry* old_entry = table_.find(key);
  before_change(old_entry);
  if (old_entry != nullptr) touch(old_entry);
  return store(old_entry, Entry::make_raw_string(key, std::move(value)), keep_ttl);
}

Entry* Database::store(Entry* old_entry, Entry* fresh, bool keep_ttl) {
  stamp(fresh);
  start_access(fresh, old_entry);
  if (old_entry == nullptr) {
    table_.insert(fresh);
    added(*fresh);
    return fresh;
  }
  if (old_entry->has_expire()) {
    if (keep_ttl) {  // the new entry takes over the old one's TTL slot
      fresh->expire_ms_ = old_entry->expire_ms_;
      fresh->ttl_slot_ = old_entry->ttl_slot_;
      ttl_entries_[fresh->ttl_slot_] = fresh;
    } else {
      untrack_ttl(old_entry);
    }
    old_entry->expire_ms_ = kNoExpire;
  }
  leaving(*old_entry);
  if (old_entry->storage() != Entry::Storage::kObject) {
    table_.replace(old_entry, fresh);
    return fresh;
  }
  // A collection may be big: unlink it and let free_entry decide where to free it.
  Entry* detached = table_.detach(fresh->key());
  table_.insert(fresh);
  free_entry(detached);
  return fresh;
}

Entry* Database::add_object(std::string_view key, std::unique_ptr<Object> object) {
  // The caller found no live key; an expired one kept hidden (a replica's,
  // or any while clients are paused) gives way.
  if (!delete_expired_ && table_.find(key) != nullptr) erase(key);
  Entry* entry = Entry::make_object(key, std::move(object));
  stamp(entry);
  start_access(entry, nullptr);
  table_.insert(entry);
  added(*entry);
  return entry;
}

bool Database::erase(std::string_view key, bool lazily) {
  if (snapshot_running_) before_change(table_.find(key));  // no second lookup otherwise
  Entry* entry = table_.detach(key);
  if (entry == nullptr) return false;
  if (entry->has_expire()) untrack_ttl(entry);
  leaving(*entry);
  free_entry(entry, lazily);
  return true;
}

Entry* Database::detach(std::string_view key) {
  if (snapshot_running_) before_change(table_.find(key));
  Entry* entry = table_.detach(key);
  if (entry != nullptr && entry->has_expire()) untrack_ttl(entry);
  if (entry != nullptr) leaving(*entry);
  return entry;
}

void Database::attach(Entry* entry) {
  stamp(entry);  // moved or renamed: written (if at all) under its old place
  table_.insert(entry);
  if (entry->has_expire()) track_ttl(entry);
  added(*entry);
}

Entry* Database::clone_as(const Entry& entry, std::string_view new_key) {
  Entry* copy = nullptr;
  switch (entry.storage()) {
    case Entry::Storage::kEmbedded: copy = Entry::make_string(new_key, entry.string_value()); break;
    case Entry::Storage::kRaw: copy = Entry::make_raw_string(new_key, std::string(entry.string_value())); break;
    case Entry::Storage::kObject: copy = Entry::make_object(new_key, entry.object()->clone()); break;
  }
  copy->expire_ms_ = entry.expire_ms_;
  copy->stored_as_text_ = entry.stored_as_text_;
  copy->access_ = entry.access_;  // (Redis's copy starts afresh; the source was just read anyway)
  return copy;
}

Entry* Database::rekey(Entry* entry, std::string_view new_key) {
  Entry* renamed = nullptr;
  switch (entry->storage()) {
    case Entry::Storage::kEmbedded:
      renamed = Entry::make_string(new_key, entry->string_value());
      break;
    case Entry::Storage::kRaw:
      renamed = Entry::make_raw_string(new_key, std::move(*entry->raw_));
      break;
    case Entry::Storage::kObject:
      renamed = Entry::allocate(new_key, 0);
      renamed->storage_ = Entry::Storage::kObject;
      renamed->type_ = entry->type_;
      renamed->object_ = std::exchange(entry->object_, nullptr);
      entry->storage_ = Entry::Storage::kEmbedded;  // nothing left to free
      entry->value_len_ = 0;
      break;
  }
  renamed->expire_ms_ = entry->expire_ms_;
  renamed->stored_as_text_ = entry->stored_as_text_;
  renamed->access_ = entry->access_;
  Entry::destroy(entry);
  return renamed;
}

void Database::set_expire(Entry* entry, int64_t at_ms) {
  if (!entry->has_expire()) track_ttl(entry);
  entry->expire_ms_ = at_ms;
}

bool Database::persist(Entry* entry) {
  if (!entry->has_expire()) return false;
  untrack_ttl(entry);
  entry->expire_ms_ = kNoExpire;
  return true;
}

void Database::clear(LazyFreer* freer) {
  before_clear();
  ttl_entries_.clear();
  expire_cursor_ = 0;
  if (freer != nullptr && table_.size() > LazyFreer::kEffortThreshold) {
    // Moved into the job, so the freer holds the only reference and the
    // table dies on its thread, never on ours.
    auto doomed = std::make_shared<KeyTable>(std::move(table_));
    freer->submit([doomed = std::move(doomed)]() mutable { doomed.reset(); });
    table_ = KeyTable();
    return;
  }
  table_.clear();
}

void Database::swap_contents(Database& other) {
  before_clear();
  other.before_clear();
  std::swap(table_, other.table_);
  std::swap(ttl_entries_, other.ttl_entries_);
  std::swap(expire_cursor_, other.expire_cursor_);
}

void Database::begin_snapshot(uint8_t epoch, SnapshotHooks hooks) {
  epoch_ = epoch;
  snapshot_hooks_ = std::move(hooks);
  snapshot_running_ = true;
}

void Database::end_snapshot() {
  snapshot_running_ = false;
  snapshot_hooks_ = {};
}

void Database::restamp(uint8_t epoch) {
  table_.for_each([epoch](Entry* entry) { entry->snapshot_epoch_ = epoch; });
}

size_t Database::expire_cycle(int64_t now_ms, size_t max_checks, size_t& checked) {
  size_t deleted = 0;
  checked = 0;
  while (checked < max_checks && !ttl_entries_.empty()) {
    if (expire_cursor_ >= ttl_entries_.size()) expire_cursor_ = 0;
    Entry* entry = ttl_entries_[expire_cursor_];
    ++checked;
    if (entry->expire_ms() <= now_ms && delete_expired_) {
      // The last entry moves into this slot: look at the slot again next.
      delete_expired(entry);
      ++deleted;
    } else {
      ++expire_cursor_;
    }
  }
  return deleted;
}

int64_t Database::average_ttl_ms(int64_t now_ms) const {
  if (ttl_entries_.empty()) return 0;
  const size_t sample = std::min<size_t>(ttl_entries_.size(), 64);
  const size_t stride = ttl_entries_.size() / sample;
  int64_t total = 0;
  for (size_t i = 0; i < sample; ++i)
    total += std::max<int64_t>(0, ttl_entries_[i * stride]->expire_ms() - now_ms);
  return total / static_cast<int64_t>(sample);
}

}  // namespace arbor::keyspace
