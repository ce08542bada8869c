// The replicas a primary has had, remembered in `<dir>/arbor-replicas` (one
// "host:port" per line, as each replica announced itself with REPLCONF
// listening-port / ip-address), so that a restarted primary knows whom to
// ask for its dataset (issue 5's seeding). The file is replaced atomically
// (temporary file, fsync, rename) whenever a new address joins.
#pragma once

#include <string>
#include <vector>

namespace arbor::replication {

class KnownReplicas {
 public:
  explicit KnownReplicas(std::string path) : path_(std::move(path)) {}

  // Reads the file; a missing file means none. Unreadable lines are skipped.
  void load();
  // Remembers `address`; true when it was new and the file was rewritten.
  bool add(const std::string& address);
  const std::vector<std::string>& addresses() const { return addresses_; }
  const std::string& path() const { return path_; }

 private:
  bool save() const;

  std::string path_;
  std::vector<std::string> addresses_;
};

}  // namespace arbor::replication
