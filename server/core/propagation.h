// The seam between command execution and replication. Core collects the
// writes of one execution unit (a top-level command, an EXEC, a served
// blocked client, an expiry from the timer) in deterministic form and hands
// them to the feed replication/ installs, wrapped in MULTI/EXEC when the
// unit produced more than one (Redis 7.0's also-propagate rule). Without a
// feed, or with one that nothing consumes, a write costs one branch.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/reply_writer.h"

namespace arbor::core {

class ReplicationFeed {
 public:
  virtual ~ReplicationFeed() = default;
  // True while something consumes the stream (a backlog exists).
  virtual bool active() const = 0;
  // One command of the stream, RESP-encoded, to run against database `db`.
  virtual void feed(int db, std::string_view command) = 0;
  // The stream's length so far (master_repl_offset).
  virtual uint64_t offset() const = 0;
  // Room for `bytes` more of stream in every consumer's buffer, allocated
  // now (throws std::bad_alloc when it cannot be).
  virtual void reserve(size_t bytes) = 0;
  // A write changed the data but could not be encoded into the stream (an
  // allocation failed): the stream no longer describes the data.
  virtual void lost_write(std::string_view why) = 0;
};

class Propagation {
 public:
  void set_feed(ReplicationFeed* feed) { feed_ = feed; }
  bool active() const { return feed_ != nullptr && feed_->active(); }

  // Encoded at once into one buffer reused across units, so a replicated
  // write costs no allocation of its own.
  template <typename Args>
  void add(int db, const Args& args) {
    if (!active() || suppressed) return;
    const size_t begin = encoded_.size();
    protocol::append_command(encoded_, args);
    pending_.push_back(Write{db, begin, encoded_.size()});
  }
  void add(int db, std::initializer_list<std::string_view> args) { add<decltype(args)>(db, args); }
  // Room for `bytes` more of encoded writes, taken before a write runs so
  // that running out of memory refuses it instead of losing it half-way.
  void reserve(size_t bytes) {
    if (!active()) return;
    encoded_.reserve(encoded_.size() + bytes);
    feed_->reserve(bytes);
  }
  // EXEC with writes goes out as MULTI ... EXEC even when it holds one.
  void mark_transaction() { transaction_ = true; }
  // Ends the unit: hands the collected writes to the feed. True when it
  // sent anything.
  bool flush();
  // The unit's writes cannot all be propagated: drops them, and when data
  // may have changed (`data_changed`) tells the feed (lost_write).
  void abandon(std::string_view why, bool data_changed);
  ReplicationFeed* feed() const { return feed_; }
  // Writes are not propagated meanwhile (a script's redis.set_repl(REPL_NONE)).
  bool suppressed = false;

 private:
  struct Write {
    int db;
    size_t begin, end;  // the command's bytes in encoded_
  };
  static constexpr size_t kKeptCapacity = 1 << 20;
  ReplicationFeed* feed_ = nullptr;
  std::string encoded_;
  std::vector<Write> pending_;
  bool transaction_ = false;
};

}  // namespace arbor::core
