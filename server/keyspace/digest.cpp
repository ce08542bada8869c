// Layout-free digests: a canonical byte feed per key into three 64-bit lanes.
#include "server/keyspace/digest.h"

#include <algorithm>
#include <cstdio>
#include <string_view>
#include <vector>

#include "protocol/number_format.h"
#include "server/keyspace/hash_value.h"
#include "server/keyspace/list_value.h"
#include "server/keyspace/note_tree.h"
#include "server/keyspace/set_value.h"
#include "server/keyspace/stream_value.h"
#include "server/keyspace/zset_value.h"

namespace arbor::keyspace {
namespace {

uint64_t mix(uint64_t x) {  // splitmix64's finaliser
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// Three FNV-1a lanes with different seeds; every item is length-prefixed so
// ("ab","c") and ("a","bc") differ.
class Feed {
 public:
  void bytes(std::string_view s) {
    number(s.size());
    for (unsigned char c : s)
      for (uint64_t& lane : lanes_) lane = (lane ^ c) * 0x100000001b3ULL;
  }
  void number(uint64_t n) {
    for (int i = 0; i < 8; ++i) {
      const auto c = static_cast<unsigned char>(n >> (8 * i));
      for (uint64_t& lane : lanes_) lane = (lane ^ c) * 0x100000001b3ULL;
    }
  }
  Digest result() const { return {mix(lanes_[0]), mix(lanes_[1] + 1), mix(lanes_[2] + 2)}; }

 private:
  uint64_t lanes_[3] = {0xcbf29ce484222325ULL, 0x84222325cbf29ce4ULL, 0x9ce484222325cbf2ULL};
};

void feed_sorted(Feed& feed, std::vector<std::string>& items) {
  std::sort(items.begin(), items.end());
  feed.number(items.size());
  for (const auto& item : items) feed.bytes(item);
}

void feed_value(Feed& feed, const Entry& entry) {
  switch (entry.type()) {
    case ValueType::kString: return feed.bytes(entry.string_value());
    case ValueType::kList: {
      const auto& list = entry.as<ListValue>();
      feed.number(list.size());
      for (auto c = list.forward(0); !c.done();) feed.bytes(c.next());
      return;
    }
    case ValueType::kSet: {
      std::vector<std::string> members;
      entry.as<SetValue>().for_each([&](std::string_view m) { members.emplace_back(m); });
      return feed_sorted(feed, members);
    }
    case ValueType::kHash: {
      std::vector<std::string> pairs;
      entry.as<HashValue>().for_each([&](std::string_view f, std::string_view v) {
        std::string pair = std::to_string(f.size()) + ":";
        pair.append(f).append(v);
        pairs.push_back(std::move(pair));
      });
      return feed_sorted(feed, pairs);
    }
    case ValueType::kZset: {
      const auto& zset = entry.as<ZsetValue>();
      feed.number(zset.size());
      if (zset.size() == 0) return;
      zset.walk(0, false, [&](std::string_view m, double score) {
        feed.bytes(m);
        feed.bytes(protocol::format_double(score));
        return true;
      });
      return;
    }
    case ValueType::kStream: {
      const auto& stream = entry.as<StreamValue>();
      feed.bytes(stream.last_id().to_string());
      feed.number(stream.entries_added());
      feed.bytes(stream.max_deleted_entry_id().to_string());
      feed.number(stream.length());
      stream.range(kMinStreamId, kMaxStreamId, false, 0, [&](const StreamEntryView& view) {
        feed.bytes(view.id.to_string());
        view.for_each_pair([&](std::string_view f, std::string_view v) {
          feed.bytes(f);
          feed.bytes(v);
        });
      });
      return;
    }
    case ValueType::kNoteTree: {
      const auto& tree = entry.as<NoteTree>();
      feed.bytes(tree.root().text());
      feed.number(tree.note_count());
      // Pre-order with each note's parent: shape and sibling order.
      for (const Note* note = tree.first_in_preorder(); note != nullptr; note = tree.next_in_preorder(note)) {
        feed.bytes(note->parent()->id());
        feed.bytes(note->id());
        feed.bytes(note->text());
      }
      return;
    }
  }
}

}  // namespace

Digest digest_entry(const Entry& entry) {
  Feed feed;
  feed.bytes(entry.key());
  feed.number(static_cast<uint64_t>(entry.type()));
  feed.number(static_cast<uint64_t>(entry.expire_ms()));
  feed_value(feed, entry);
  return feed.result();
}

Digest digest_value(const Entry& entry) {
  Feed feed;
  feed.number(static_cast<uint64_t>(entry.type()));
  feed.number(entry.has_expire() ? 1 : 0);
  feed_value(feed, entry);
  return feed.result();
}

Digest digest_database(const Database& db, int64_t now_ms) {
  Digest sum{0, 0, 0};
  bool any = false;
  db.table().for_each([&](Entry* e) {
    if (Database::is_expired(e, now_ms)) return;
    const Digest d = digest_entry(*e);
    for (size_t i = 0; i < sum.size(); ++i) sum[i] ^= d[i];
    any = true;
  });
  if (!any) return sum;
  for (size_t i = 0; i < sum.size(); ++i) sum[i] = mix(sum[i] ^ static_cast<uint64_t>(db.index() + 1) * (i + 7));
  return sum;
}

std::string digest_hex(const Digest& digest) {
  char text[64];
  std::snprintf(text, sizeof(text), "%016llx%016llx%08llx", static_cast<unsigned long long>(digest[0]),
                static_cast<unsigned long long>(digest[1]), static_cast<unsigned long long>(digest[2] >> 32));
  return std::string(text, 40);
}

}  // namespace arbor::keyspace
