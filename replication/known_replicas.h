// The replicas a primary has had, remembered in `<dir>/arbor-replicas` so
// that a restarted primary knows whom to ask for its dataset (seeding) and
// whose answer it needs before it may serve. One line per replica:
//   host:port                            online when last written
//   host:port left <replid> <offset>     disconnected, having acknowledged
//                                        <offset> of history <replid>
// A replica that left is covered by any replica holding its history past
// that offset: whatever WAIT counted it for, that one has too. The file is
// replaced atomically (temporary file, fsync, rename) on every change.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace arbor::replication {

struct KnownReplica {
  std::string address;  // "host:port" as it announced itself
  bool left = false;
  std::string left_replid;
  uint64_t left_offset = 0;
};

// The file's text, and back (unreadable lines are skipped).
std::string format_known_replicas(const std::vector<KnownReplica>& replicas);
std::vector<KnownReplica> parse_known_replicas(std::string_view text);

class KnownReplicas {
 public:
  explicit KnownReplicas(std::string path) : path_(std::move(path)) {}

  // Reads the file; a missing file means none.
  void load();
  // A replica is online (new, or back): the file is rewritten if that changed it.
  void joined(const std::string& address);
  // A replica disconnected, having acknowledged `offset` of `replid`.
  void left(const std::string& address, const std::string& replid, uint64_t offset);
  const std::vector<KnownReplica>& replicas() const { return replicas_; }
  std::vector<std::string> addresses() const;
  const std::string& path() const { return path_; }

 private:
  KnownReplica* find(std::string_view address);
  bool save() const;

  std::string path_;
  std::vector<KnownReplica> replicas_;
};

}  // namespace arbor::replication
