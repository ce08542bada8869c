// One logical database (SELECT n): its key table, the list of keys with a TTL,
// and the two halves of expiry: lazy (find() deletes a key whose time has
// passed) and active (expire_cycle() samples TTL keys, bounded per call).
// Owned and touched only by the event-loop thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "server/keyspace/access_clock.h"
#include "server/keyspace/entry.h"
#include "server/keyspace/key_table.h"

namespace arbor::keyspace {

class LazyFreer;

class Database {
 public:
  // Called with the key just after an expired key was deleted (WATCH,
  // keyspace events; propagation as DEL later).
  using ExpireHook = std::function<void(Database&, std::string_view key)>;
  // Called when a key appears (created, renamed, moved or copied here), for
  // keyspace "new" events and for clients blocked on a list, sorted set or
  // stream under that key.
  using AddHook = std::function<void(Database&, const Entry&)>;
  // A stream left the key (deleted, expired, renamed away, overwritten by
  // another value): XREADGROUP readers blocked on it must learn it.
  using StreamGoneHook = std::function<void(Database&, std::string_view key)>;
  // Forkless snapshots (replication/snapshot.h). While one runs, each entry
  // is written once and stamped with the snapshot's epoch; before any
  // operation can reach an entry not yet written, `before_change` writes it,
  // and before the whole table goes (FLUSHDB, SWAPDB) `before_clear` writes
  // the rest: so the snapshot holds every key as it was when it began.
  struct SnapshotHooks {
    std::function<void(Database&, Entry&)> before_change;
    std::function<void(Database&)> before_clear;
  };

  explicit Database(int index) : index_(index) {}
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  int index() const { return index_; }
  size_t size() const { return table_.size(); }
  size_t expires_count() const { return ttl_entries_.size(); }

  // The live entry for `key`, or nullptr. A key whose TTL has passed is
  // deleted here first (lazy expiry), unless deletion is disabled (replicas).
  Entry* find(std::string_view key, int64_t now_ms);
  // The entry whether expired or not: for code that already checked.
  Entry* find_raw(std::string_view key) const { return table_.find(key); }
  static bool is_expired(const Entry* entry, int64_t now_ms) {
    return entry->has_expire() && entry->expire_ms() <= now_ms;
  }

  // Stores a string under `key`, replacing any value. The TTL is kept only
  // when `keep_ttl` (SET KEEPTTL, SETRANGE, APPEND ...). Returns the entry.
  Entry* set_string(std::string_view key, std::string_view value, bool keep_ttl);
  // As set_string, with heap storage that APPEND/SETRANGE grow in place.
  Entry* set_raw_string(std::string_view key, std::string value, bool keep_ttl);
  // Adds a non-string value under a key that must be absent.
  Entry* add_object(std::string_view key, std::unique_ptr<Object> object);
  // Deletes `key`; large values are freed off the loop unless `lazily` is
  // false (eviction measures what each deletion frees). True if it existed.
  bool erase(std::string_view key, bool lazily = true);

  // Detach/attach move an entry with its TTL between databases or keys
  // (RENAME, MOVE, SWAPDB-free paths). attach() requires the key absent.
  Entry* detach(std::string_view key);
  void attach(Entry* entry);
  // A copy of `entry` under `new_key` (value deep-copied, TTL kept); for COPY.
  static Entry* clone_as(const Entry& entry, std::string_view new_key);
  Entry* rekey(Entry* entry, std::string_view new_key);  // takes ownership of entry

  void set_expire(Entry* entry, int64_t at_ms);
  bool persist(Entry* entry);

  // Removes every key; with a freer, the old table is released off the loop.
  void clear(LazyFreer* freer = nullptr);
  void swap_contents(Database& other);

  // Active expiry: checks up to `max_checks` TTL keys from a rotating cursor,
  // deleting the expired ones. Returns how many were deleted; `checked` gets
  // how many were looked at (the caller's CPU budget decides if it repeats).
  size_t expire_cycle(int64_t now_ms, size_t max_checks, size_t& checked);
  // Average remaining TTL over a sample, for INFO keyspace (0 when none).
  int64_t average_ttl_ms(int64_t now_ms) const;
  Entry* random_entry(uint64_t random) const { return table_.random_entry(random); }
  // A random key with a TTL, or nullptr (eviction's volatile policies).
  Entry* random_ttl_entry(uint64_t random) const {
    return ttl_entries_.empty() ? nullptr : ttl_entries_[random % ttl_entries_.size()];
  }
  const KeyTable& table() const { return table_; }

  void set_expire_hook(ExpireHook hook) { expire_hook_ = std::move(hook); }
  void set_add_hook(AddHook hook) { add_hook_ = std::move(hook); }
  void set_stream_gone_hook(StreamGoneHook hook) { stream_gone_hook_ = std::move(hook); }
  void set_lazy_freer(LazyFreer* freer) { freer_ = freer; }
  // find() and overwrites keep each key's access bits with this clock;
  // without one (tests, tools) they stay 0.
  void set_access_clock(AccessClock* clock) { clock_ = clock; }
  // Every key's access bits as a key created now (after a load).
  void start_access_all() {
    if (clock_ != nullptr) table_.for_each([this](Entry* e) { e->set_access(clock_->fresh()); });
  }

  // Snapshot support: entries created from now on carry `epoch`; those
  // stamped otherwise are "not yet written" while hooks are set.
  void begin_snapshot(uint8_t epoch, SnapshotHooks hooks);
  void end_snapshot();
  bool snapshot_written(const Entry& entry) const { return entry.snapshot_epoch_ == epoch_; }
  void mark_snapshot_written(Entry& entry) { entry.snapshot_epoch_ = epoch_; }
  // Stamps every entry with `epoch` (when epochs wrap around).
  void restamp(uint8_t epoch);
  // Replicas keep expired keys until the primary's DEL arrives.
  void set_delete_expired(bool enabled) { delete_expired_ = enabled; }
  // While *flag is true, find() returns expired keys that it would hide.
  void set_expired_visible_flag(const bool* flag) { expired_visible_ = flag; }
  uint64_t expired_keys() const { return expired_keys_; }

 private:
  // Puts `fresh` under its key in place of `old_entry` (nullptr if none),
  // carrying the TTL over when `keep_ttl`.
  Entry* store(Entry* old_entry, Entry* fresh, bool keep_ttl);
  void track_ttl(Entry* entry);
  void untrack_ttl(Entry* entry);
  void free_entry(Entry* entry, bool lazily = true);
  void delete_expired(Entry* entry);

  int index_;
  KeyTable table_;
  std::vector<Entry*> ttl_entries_;  // every entry with a TTL; Entry::ttl_slot_ indexes it
  size_t expire_cursor_ = 0;
  void added(const Entry& entry) {
    if (add_hook_) add_hook_(*this, entry);
  }
  void leaving(const Entry& entry) {
    if (stream_gone_hook_ && entry.type() == ValueType::kStream) stream_gone_hook_(*this, entry.key());
  }
  // Called wherever an existing entry is reached: gives a running
  // snapshot its chance to write the entry's value first.
  void before_change(Entry* entry) {
    if (snapshot_running_ && entry != nullptr && entry->snapshot_epoch_ != epoch_)
      snapshot_hooks_.before_change(*this, *entry);
  }
  void before_clear() {
    if (snapshot_running_) snapshot_hooks_.before_clear(*this);
  }
  void stamp(Entry* entry) const { entry->snapshot_epoch_ = epoch_; }
  // A created key's access bits; an overwritten one's carry over (under
  // LFU its counter, as Redis's dbSetValue; under LRU the fresh time).
  void start_access(Entry* fresh, const Entry* old_entry) const {
    if (clock_ != nullptr) fresh->set_access(old_entry != nullptr ? old_entry->access() : clock_->fresh());
  }

  ExpireHook expire_hook_;
  AddHook add_hook_;
  StreamGoneHook stream_gone_hook_;
  LazyFreer* freer_ = nullptr;
  AccessClock* clock_ = nullptr;
  void touch(Entry* entry) {
    if (clock_ != nullptr) clock_->touch(*entry);
  }
  bool delete_expired_ = true;
  const bool* expired_visible_ = nullptr;
  bool snapshot_running_ = false;
  uint8_t epoch_ = 0;
  SnapshotHooks snapshot_hooks_;
  uint64_t expired_keys_ = 0;
};

}  // namespace arbor::keyspace
