// A stream's consumer groups, as Redis 7.0 keeps them (t_stream.c): per
// group the last delivered id, the entries-read counter and the pending
// entries list (PEL: id -> delivery time, delivery count, owning consumer);
// per consumer its seen time and the ids it owns. Groups and consumers are
// ordered by name bytes and PELs by id, the orders Redis's radix trees give
// to XINFO, XPENDING and RDB files.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>

#include "server/keyspace/stream_value.h"

namespace arbor::keyspace {

struct StreamConsumer;

// One pending entry of a group (Redis's streamNACK).
struct StreamNack {
  int64_t delivery_time_ms = 0;
  uint64_t delivery_count = 1;
  StreamConsumer* consumer = nullptr;  // owner; lives in the same group
};

struct StreamConsumer {
  std::string name;
  int64_t seen_time_ms = 0;
  std::set<StreamId> pending;  // ids of the group PEL this consumer owns
};

// Redis's SCG_INVALID_ENTRIES_READ: the group's lag cannot be known.
inline constexpr int64_t kEntriesReadUnknown = -1;

struct StreamGroup {
  StreamId last_id{};
  int64_t entries_read = kEntriesReadUnknown;
  std::map<StreamId, StreamNack> pel;
  std::map<std::string, StreamConsumer, std::less<>> consumers;

  StreamGroup() = default;
  // Copies re-link every pending entry to the copy's own consumers.
  StreamGroup(const StreamGroup& other);
  StreamGroup& operator=(const StreamGroup& other);
  StreamGroup(StreamGroup&&) = default;
  StreamGroup& operator=(StreamGroup&&) = default;

  StreamConsumer& consumer(std::string_view name, int64_t now_ms, bool* created = nullptr);
};

struct StreamGroups {
  std::map<std::string, StreamGroup, std::less<>> by_name;
};

// How many entries the stream had added up to and including `id` (Redis's
// streamEstimateDistanceFromFirstEverEntry): exact at the ends, estimated
// when no deletion fragments the stream, else kEntriesReadUnknown.
int64_t estimate_entries_read(const StreamValue& stream, StreamId id);

}  // namespace arbor::keyspace
