// One value per RdbKey: elements go through the values' own add/set so the
// encodings (intset, listpack, hashtable, skiplist) come out as they would
// from the same commands.
#include "replication/rdb/rdb_loader.h"

#include "replication/rdb/rdb_note_tree.h"

#include <memory>

#include "server/keyspace/hash_value.h"
#include "server/keyspace/list_value.h"
#include "server/keyspace/set_value.h"
#include "server/keyspace/stream_groups.h"
#include "server/keyspace/stream_value.h"
#include "server/keyspace/zset_value.h"

namespace arbor::replication {
namespace {

using keyspace::ValueType;

}  // namespace

std::unique_ptr<keyspace::Object> build_object(RdbValue& v, std::string& error) {
  switch (v.type) {
    case ValueType::kList: {
      auto list = std::make_unique<keyspace::ListValue>();
      for (const auto& e : v.elements) list->push(keyspace::ListValue::End::kTail, e);
      return list;
    }
    case ValueType::kSet: {
      auto set = std::make_unique<keyspace::SetValue>();
      for (const auto& m : v.elements) {
        if (!set->add(m)) {
          error = "duplicate set member";
          return nullptr;
        }
      }
      return set;
    }
    case ValueType::kHash: {
      auto hash = std::make_unique<keyspace::HashValue>();
      for (size_t i = 0; i + 1 < v.elements.size(); i += 2) {
        if (!hash->set(v.elements[i], v.elements[i + 1])) {
          error = "duplicate hash field";
          return nullptr;
        }
      }
      return hash;
    }
    case ValueType::kZset: {
      auto zset = std::make_unique<keyspace::ZsetValue>();
      if (v.scored.size() > keyspace::ZsetValue::kMaxCompactEntries) zset->make_large();
      for (const auto& [member, score] : v.scored) {
        if (!zset->set(member, score)) {
          error = "duplicate sorted set member";
          return nullptr;
        }
      }
      return zset;
    }
    case ValueType::kStream: {
      auto stream = std::make_unique<keyspace::StreamValue>();
      std::vector<std::string_view> fv;
      for (const auto& e : v.stream.entries) {
        fv.assign(e.fields_values.begin(), e.fields_values.end());
        stream->append(e.id, fv);
      }
      stream->set_last_id(v.stream.last_id);
      stream->set_entries_added(v.stream.entries_added);
      stream->set_max_deleted_entry_id(v.stream.max_deleted);
      for (const auto& g : v.stream.groups) {
        keyspace::StreamGroup& group = stream->groups_for_write().by_name[g.name];
        group.last_id = g.last_id;
        group.entries_read = g.entries_read ? *g.entries_read : keyspace::estimate_entries_read(*stream, g.last_id);
        for (const auto& c : g.consumers) {
          keyspace::StreamConsumer& consumer = group.consumer(c.name, c.seen_time_ms);
          consumer.pending.insert(c.pending.begin(), c.pending.end());
          for (const auto& id : c.pending) group.pel[id].consumer = &consumer;
        }
        for (const auto& nack : g.pel) {
          keyspace::StreamNack& entry = group.pel[nack.id];
          entry.delivery_time_ms = nack.delivery_time_ms;
          entry.delivery_count = nack.delivery_count;
        }
      }
      return stream;
    }
    case ValueType::kNoteTree: return build_note_tree(v.elements, error);
    default:
      error = "unexpected value type";
      return nullptr;
  }
}

bool empty_collection(const RdbValue& v) {
  switch (v.type) {
    case ValueType::kString:
    case ValueType::kStream:  // an emptied stream stays, as in Redis
      return false;
    case ValueType::kZset: return v.scored.empty();
    case ValueType::kNoteTree: return v.elements.size() <= 1;  // the root alone
    default: return v.elements.empty();
  }
}

void KeyspaceLoader::aux(std::string_view name, std::string_view value) { aux_[std::string(name)] = value; }

bool KeyspaceLoader::key(RdbKey&& key, std::string& error) {
  if (key.db < 0 || static_cast<size_t>(key.db) >= databases_.size()) {
    error = "database " + std::to_string(key.db) + " out of range";
    return false;
  }
  keyspace::Database& db = *databases_[static_cast<size_t>(key.db)];
  if (db.find_raw(key.key) != nullptr) {
    error = "duplicated key '" + key.key + "'";
    return false;
  }
  if (empty_collection(key.value)) {
    ++empty_skipped_;
    return true;
  }
  if (drop_expired_ && key.expire_ms != keyspace::kNoExpire && key.expire_ms <= now_ms_) {
    ++expired_skipped_;
    return true;
  }
  keyspace::Entry* entry = nullptr;
  if (key.value.type == ValueType::kString) {
    entry = db.set_string(key.key, key.value.string, false);
  } else {
    auto object = build_object(key.value, error);
    if (!object) return false;
    entry = db.add_object(key.key, std::move(object));
  }
  if (key.expire_ms != keyspace::kNoExpire) db.set_expire(entry, key.expire_ms);
  ++loaded_;
  return true;
}

}  // namespace arbor::replication
