// Node layout (t_stream.c): master entry = count, deleted, n, field_1..n, 0;
// then per entry: flags (1 deleted, 2 same fields), ms - master ms, seq -
// master seq, either the n values (same fields) or k then k field/value
// pairs, then lp-count (the entry's element count minus itself). Redis's
// deep check (sanitize-dump-payload, redis-check-rdb) verifies all of it, so
// the writer follows it to the letter; arbor writes live entries only.
#include "replication/rdb/rdb_stream.h"

#include <set>
#include <string_view>

#include "protocol/number_format.h"
#include "replication/rdb/listpack.h"
#include "server/keyspace/stream_groups.h"

namespace arbor::replication {
namespace {

using keyspace::StreamId;

constexpr size_t kNodeMaxEntries = 100;
constexpr size_t kNodeMaxBytes = 4096;
constexpr uint64_t kFlagDeleted = 1;
constexpr uint64_t kFlagSameFields = 2;

std::string node_key(StreamId id) {
  std::string key(16, '\0');
  for (int i = 0; i < 8; ++i) {
    key[static_cast<size_t>(i)] = static_cast<char>(id.ms >> (56 - 8 * i));
    key[static_cast<size_t>(8 + i)] = static_cast<char>(id.seq >> (56 - 8 * i));
  }
  return key;
}

// One node's listpack items for `entries` (all live, ascending).
std::string encode_node(const std::vector<const RdbStream::Entry*>& entries) {
  std::vector<std::string> items;
  const StreamId master = entries.front()->id;
  const auto& master_fv = entries.front()->fields_values;
  const size_t n = master_fv.size() / 2;
  items.push_back(std::to_string(entries.size()));
  items.push_back("0");
  items.push_back(std::to_string(n));
  for (size_t i = 0; i < n; ++i) items.push_back(master_fv[2 * i]);
  items.push_back("0");
  for (const RdbStream::Entry* e : entries) {
    const auto& fv = e->fields_values;
    bool same = fv.size() == master_fv.size();
    for (size_t i = 0; same && i < n; ++i) same = fv[2 * i] == master_fv[2 * i];
    items.push_back(std::to_string(same ? kFlagSameFields : 0));
    // Redis stores both differences as signed 64-bit integers (lpAppendInteger):
    // an id past 2^63 ms from the node's first is a negative number.
    items.push_back(protocol::int64_to_string(static_cast<int64_t>(e->id.ms - master.ms)));
    items.push_back(protocol::int64_to_string(static_cast<int64_t>(e->id.seq - master.seq)));
    const size_t pairs = fv.size() / 2;
    if (same) {
      for (size_t i = 0; i < pairs; ++i) items.push_back(fv[2 * i + 1]);
      items.push_back(std::to_string(pairs + 3));
    } else {
      items.push_back(std::to_string(pairs));
      for (const auto& s : fv) items.push_back(s);
      items.push_back(std::to_string(2 * pairs + 1 + 3));
    }
  }
  std::vector<std::string_view> views(items.begin(), items.end());
  return listpack_encode(views);
}

std::optional<uint64_t> as_u64(const std::string& s) {
  const auto v = protocol::parse_int64(s);
  if (!v || *v < 0) return std::nullopt;
  return static_cast<uint64_t>(*v);
}

// Appends the live entries of one node's `items` to `out`.
bool decode_node(RdbCursor& in, StreamId master, const std::vector<std::string>& items,
                 std::vector<RdbStream::Entry>& out) {
  size_t at = 0;
  auto next = [&]() -> const std::string* { return at < items.size() ? &items[at++] : nullptr; };
  auto next_u64 = [&]() -> std::optional<uint64_t> {
    const std::string* s = next();
    return s ? as_u64(*s) : std::nullopt;
  };
  const auto count = next_u64();
  const auto deleted = next_u64();
  const auto n = next_u64();
  if (!count || !deleted || !n || *n > items.size()) return in.fail("invalid stream master entry"), false;
  std::vector<const std::string*> master_fields;
  for (uint64_t i = 0; i < *n; ++i) {
    const std::string* f = next();
    if (!f) return in.fail("invalid stream master entry"), false;
    master_fields.push_back(f);
  }
  if (next_u64() != 0) return in.fail("invalid stream master entry"), false;
  uint64_t seen = 0;
  while (at < items.size()) {
    const auto flags = next_u64();
    const std::string* ms_text = next();
    const auto ms_diff = ms_text ? protocol::parse_int64(*ms_text) : std::nullopt;
    const std::string* seq_text = next();
    const auto seq_diff = seq_text ? protocol::parse_int64(*seq_text) : std::nullopt;
    if (!flags || !ms_diff || !seq_diff) return in.fail("invalid stream entry"), false;
    RdbStream::Entry e;
    // (Signed differences that wrap, as Redis writes them.)
    e.id = {master.ms + static_cast<uint64_t>(*ms_diff), master.seq + static_cast<uint64_t>(*seq_diff)};
    if (*flags & kFlagSameFields) {
      for (const std::string* f : master_fields) {
        const std::string* v = next();
        if (!v) return in.fail("invalid stream entry"), false;
        e.fields_values.push_back(*f);
        e.fields_values.push_back(*v);
      }
    } else {
      const auto pairs = next_u64();
      if (!pairs || *pairs * 2 > items.size()) return in.fail("invalid stream entry"), false;
      for (uint64_t i = 0; i < 2 * *pairs; ++i) {
        const std::string* s = next();
        if (!s) return in.fail("invalid stream entry"), false;
        e.fields_values.push_back(*s);
      }
    }
    if (!next_u64()) return in.fail("invalid stream entry"), false;  // lp-count
    if (e.fields_values.empty()) return in.fail("invalid stream entry"), false;
    if (!out.empty() && e.id <= out.back().id) return in.fail("stream ids out of order"), false;
    ++seen;
    if (!(*flags & kFlagDeleted)) out.push_back(std::move(e));
  }
  if (seen != *count + *deleted) return in.fail("stream node entry count mismatch"), false;
  return true;
}

bool read_id(RdbCursor& in, StreamId& id) {
  const auto ms = in.length();
  const auto seq = in.length();
  if (!ms || !seq) return false;
  id = {*ms, *seq};
  return true;
}

// A stream id as the 16 big-endian bytes of a PEL entry.
bool read_raw_id(RdbCursor& in, StreamId& id) {
  const auto bytes = in.raw(16);
  if (!bytes) return false;
  id = {};
  for (int b = 0; b < 8; ++b) {
    id.ms = (id.ms << 8) | static_cast<uint8_t>((*bytes)[static_cast<size_t>(b)]);
    id.seq = (id.seq << 8) | static_cast<uint8_t>((*bytes)[static_cast<size_t>(8 + b)]);
  }
  return true;
}

// Consumer groups, checked as Redis checks them on load: no PEL id twice,
// every id a consumer owns in its group's PEL and owned once.
bool read_groups(RdbCursor& in, bool v2, std::vector<RdbStream::Group>& out) {
  const auto groups = in.length();
  if (!groups || *groups > in.remaining()) return in.fail("invalid consumer group count"), false;
  for (uint64_t g = 0; g < *groups; ++g) {
    RdbStream::Group group;
    auto name = in.string();
    if (!name || !read_id(in, group.last_id)) return false;
    group.name = std::move(*name);
    if (v2) {
      const auto entries_read = in.length();
      if (!entries_read) return false;
      group.entries_read = static_cast<int64_t>(*entries_read);
    }
    const auto pel = in.length();
    if (!pel || *pel > in.remaining()) return in.fail("invalid consumer group PEL"), false;
    std::set<StreamId> ids, owned;
    for (uint64_t i = 0; i < *pel; ++i) {
      RdbStream::Group::Nack nack;
      if (!read_raw_id(in, nack.id)) return false;
      const auto time = in.u64_le();
      const auto count = in.length();
      if (!time || !count) return false;
      nack.delivery_time_ms = static_cast<int64_t>(*time);
      nack.delivery_count = *count;
      if (!ids.insert(nack.id).second) return in.fail("duplicated global PEL entry in a consumer group"), false;
      group.pel.push_back(nack);
    }
    const auto consumers = in.length();
    if (!consumers || *consumers > in.remaining()) return in.fail("invalid consumer count"), false;
    for (uint64_t c = 0; c < *consumers; ++c) {
      RdbStream::Group::Consumer consumer;
      auto cname = in.string();
      const auto seen = cname ? in.u64_le() : std::nullopt;
      if (!cname || !seen) return false;
      consumer.name = std::move(*cname);
      consumer.seen_time_ms = static_cast<int64_t>(*seen);
      const auto count = in.length();
      if (!count || *count > in.remaining()) return in.fail("invalid consumer PEL"), false;
      for (uint64_t i = 0; i < *count; ++i) {
        StreamId id;
        if (!read_raw_id(in, id)) return false;
        if (!ids.count(id)) return in.fail("consumer PEL entry without a global PEL entry"), false;
        if (!owned.insert(id).second) return in.fail("PEL entry owned by two consumers"), false;
        consumer.pending.push_back(id);
      }
      for (const auto& other : group.consumers)
        if (other.name == consumer.name) return in.fail("duplicated consumer in a consumer group"), false;
      group.consumers.push_back(std::move(consumer));
    }
    if (owned.size() != ids.size()) return in.fail("PEL entry without a consumer"), false;
    for (const auto& other : out)
      if (other.name == group.name) return in.fail("duplicated consumer group"), false;
    out.push_back(std::move(group));
  }
  return true;
}

void write_raw_id(RdbEncoder& enc, StreamId id) { enc.raw(node_key(id)); }

void write_groups(RdbEncoder& enc, const keyspace::StreamGroups* groups) {
  if (groups == nullptr) return enc.length(0);
  enc.length(groups->by_name.size());
  for (const auto& [name, group] : groups->by_name) {
    enc.string(name);
    enc.length(group.last_id.ms);
    enc.length(group.last_id.seq);
    enc.length(static_cast<uint64_t>(group.entries_read));
    enc.length(group.pel.size());
    for (const auto& [id, nack] : group.pel) {
      write_raw_id(enc, id);
      enc.i64_le(nack.delivery_time_ms);
      enc.length(nack.delivery_count);
    }
    enc.length(group.consumers.size());
    for (const auto& [cname, consumer] : group.consumers) {
      enc.string(cname);
      enc.i64_le(consumer.seen_time_ms);
      enc.length(consumer.pending.size());
      for (const StreamId& id : consumer.pending) write_raw_id(enc, id);
    }
  }
}

}  // namespace

void write_stream(RdbEncoder& enc, const keyspace::StreamValue& stream) {
  std::vector<RdbStream::Entry> entries;
  entries.reserve(stream.length());
  stream.range(keyspace::kMinStreamId, keyspace::kMaxStreamId, false, 0, [&](const keyspace::StreamEntryView& v) {
    RdbStream::Entry e;
    e.id = v.id;
    v.for_each_pair([&](std::string_view f, std::string_view val) {
      e.fields_values.emplace_back(f);
      e.fields_values.emplace_back(val);
    });
    entries.push_back(std::move(e));
    return true;
  });
  // Nodes as Redis cuts them: at most 100 entries or about 4 KB each.
  std::vector<std::vector<const RdbStream::Entry*>> nodes;
  size_t bytes = 0;
  for (const auto& e : entries) {
    size_t size = 8;
    for (const auto& s : e.fields_values) size += s.size() + 2;
    if (nodes.empty() || nodes.back().size() >= kNodeMaxEntries || bytes + size > kNodeMaxBytes) {
      nodes.emplace_back();
      bytes = 0;
    }
    nodes.back().push_back(&e);
    bytes += size;
  }
  enc.length(nodes.size());
  for (const auto& node : nodes) {
    enc.string(node_key(node.front()->id));
    enc.string(encode_node(node));
  }
  enc.length(stream.length());
  enc.length(stream.last_id().ms);
  enc.length(stream.last_id().seq);
  const StreamId first = stream.first_id();
  enc.length(first.ms);
  enc.length(first.seq);
  enc.length(stream.max_deleted_entry_id().ms);
  enc.length(stream.max_deleted_entry_id().seq);
  enc.length(stream.entries_added());
  write_groups(enc, stream.groups());
}

bool read_stream(RdbCursor& in, uint8_t type, RdbStream& out) {
  const bool v2 = type == rdb_type::kStreamListpacks2;
  const auto nodes = in.length();
  if (!nodes || *nodes > in.remaining()) return in.fail("invalid stream node count"), false;
  for (uint64_t i = 0; i < *nodes; ++i) {
    const auto key = in.string();
    if (!key) return false;
    if (key->size() != 16) return in.fail("invalid stream node key"), false;
    StreamId master;
    for (int b = 0; b < 8; ++b) {
      master.ms = (master.ms << 8) | static_cast<uint8_t>((*key)[static_cast<size_t>(b)]);
      master.seq = (master.seq << 8) | static_cast<uint8_t>((*key)[static_cast<size_t>(8 + b)]);
    }
    const auto blob = in.string();
    if (!blob) return false;
    const auto items = listpack_decode(*blob);
    if (!items || items->empty()) return in.fail("invalid stream listpack"), false;
    if (!decode_node(in, master, *items, out.entries)) return false;
  }
  const auto length = in.length();
  if (!length || !read_id(in, out.last_id)) return false;
  out.length = *length;
  if (v2) {
    StreamId first;
    const auto ok = read_id(in, first) && read_id(in, out.max_deleted);
    const auto added = in.length();
    if (!ok || !added) return false;
    out.entries_added = *added;
  } else {
    out.entries_added = *length;
  }
  if (out.entries.size() != out.length) return in.fail("stream length mismatch"), false;
  if (!out.entries.empty() && out.entries.back().id > out.last_id) return in.fail("stream last id too small"), false;
  return read_groups(in, v2, out.groups);
}

}  // namespace arbor::replication
