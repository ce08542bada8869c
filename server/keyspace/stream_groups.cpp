#include "server/keyspace/stream_groups.h"

namespace arbor::keyspace {

StreamGroup::StreamGroup(const StreamGroup& other)
    : last_id(other.last_id), entries_read(other.entries_read), pel(other.pel), consumers(other.consumers) {
  for (auto& [id, nack] : pel) nack.consumer = &consumers.find(nack.consumer->name)->second;
}

StreamGroup& StreamGroup::operator=(const StreamGroup& other) {
  if (this != &other) *this = StreamGroup(other);
  return *this;
}

StreamConsumer& StreamGroup::consumer(std::string_view name, int64_t now_ms, bool* created) {
  auto it = consumers.find(name);
  if (created != nullptr) *created = it == consumers.end();
  if (it == consumers.end()) {
    it = consumers.emplace(std::string(name), StreamConsumer{}).first;
    it->second.name = std::string(name);
    it->second.seen_time_ms = now_ms;
  }
  return it->second;
}

int64_t estimate_entries_read(const StreamValue& stream, StreamId id) {
  const auto added = static_cast<int64_t>(stream.entries_added());
  if (added == 0) return 0;  // a never-used stream
  if (stream.length() == 0 && id <= stream.last_id()) return added;
  if (id == stream.last_id()) return added;
  if (id > stream.last_id()) return kEntriesReadUnknown;  // a future id
  const StreamId first = stream.first_id();
  const StreamId max_deleted = stream.max_deleted_entry_id();
  if (max_deleted == StreamId{} || max_deleted < first) {
    // No deletion fragments the stream.
    if (id < first) return added - static_cast<int64_t>(stream.length());
    if (id == first) return added - static_cast<int64_t>(stream.length()) + 1;
  }
  return kEntriesReadUnknown;
}

}  // namespace arbor::keyspace
