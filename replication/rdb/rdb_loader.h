// Builds keyspace values from parsed RDB keys (rdb_parser.h) into a set of
// databases, with Redis's loader rules: a duplicate key, or a duplicate
// member or field inside a value, fails the load; empty collections are
// skipped; a primary drops keys whose expiry has already passed, a replica
// keeps them (its primary will send their deletion).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "replication/rdb/rdb_parser.h"
#include "server/keyspace/database.h"

namespace arbor::replication {

// The keyspace object for a parsed non-string value; nullptr with `error`
// for a duplicate member or field (Redis refuses those).
std::unique_ptr<keyspace::Object> build_object(RdbValue& value, std::string& error);
// An empty collection, which Redis neither saves nor loads.
bool empty_collection(const RdbValue& value);

class KeyspaceLoader : public RdbVisitor {
 public:
  // `databases` must be empty; `now_ms` decides what has expired.
  KeyspaceLoader(std::span<keyspace::Database*> databases, int64_t now_ms, bool drop_expired)
      : databases_(databases), now_ms_(now_ms), drop_expired_(drop_expired) {}

  void aux(std::string_view name, std::string_view value) override;
  bool key(RdbKey&& key, std::string& error) override;
  void function(std::string code) override { functions_.push_back(std::move(code)); }

  const std::map<std::string, std::string, std::less<>>& aux_fields() const { return aux_; }
  uint64_t loaded() const { return loaded_; }
  uint64_t expired_skipped() const { return expired_skipped_; }
  uint64_t empty_skipped() const { return empty_skipped_; }
  // The function libraries' code, in the order of the file.
  std::vector<std::string>& functions() { return functions_; }

 private:
  std::span<keyspace::Database*> databases_;
  int64_t now_ms_;
  bool drop_expired_;
  std::map<std::string, std::string, std::less<>> aux_;
  uint64_t loaded_ = 0;
  uint64_t expired_skipped_ = 0;
  uint64_t empty_skipped_ = 0;
  std::vector<std::string> functions_;
};

}  // namespace arbor::replication
