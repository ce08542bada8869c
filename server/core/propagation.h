// The seam between command execution and replication. Core collects the
// writes of one execution unit (a top-level command, an EXEC, a served
// blocked client, an expiry from the timer) in deterministic form and hands
// them to the feed replication/ installs, wrapped in MULTI/EXEC when the
// unit produced more than one (Redis 7.0's also-propagate rule). Without a
// feed, or with one that nothing consumes, a write costs one branch.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace arbor::core {

class ReplicationFeed {
 public:
  virtual ~ReplicationFeed() = default;
  // True while something consumes the stream (a backlog exists).
  virtual bool active() const = 0;
  // One command of the stream, to run against database `db`.
  virtual void feed(int db, std::span<const std::string_view> args) = 0;
  // The stream's length so far (master_repl_offset).
  virtual uint64_t offset() const = 0;
};

class Propagation {
 public:
  void set_feed(ReplicationFeed* feed) { feed_ = feed; }
  bool active() const { return feed_ != nullptr && feed_->active(); }

  void add(int db, std::span<const std::string_view> args);
  void add(int db, std::initializer_list<std::string_view> args) {
    add(db, std::span<const std::string_view>(args.begin(), args.size()));
  }
  void add(int db, const std::vector<std::string>& args);
  // EXEC with writes goes out as MULTI ... EXEC even when it holds one.
  void mark_transaction() { transaction_ = true; }
  // Ends the unit: hands the collected writes to the feed. True when it
  // sent anything.
  bool flush();
  ReplicationFeed* feed() const { return feed_; }

 private:
  struct Write {
    int db;
    std::vector<std::string> args;
  };
  ReplicationFeed* feed_ = nullptr;
  std::vector<Write> pending_;
  bool transaction_ = false;
};

}  // namespace arbor::core
