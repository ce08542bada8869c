// The sorted set value (TYPE zset): unique binary-safe members ordered by a
// double score, then by member bytes. Up to 128 members of at most 64 bytes
// live in one flat sorted buffer ("listpack"); past that, once and for good,
// in a ZSkiplist whose nodes are also chained in a member index
// ("skiplist"): one allocation per member.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "server/keyspace/value.h"
#include "server/keyspace/zset_skiplist.h"

namespace arbor::keyspace {

class ZsetValue final : public Object {
 public:
  // Redis 7.0.15's zset-max-listpack-entries / -value defaults.
  static constexpr size_t kMaxCompactEntries = 128;
  static constexpr size_t kMaxCompactLength = 64;

  ZsetValue() : Object(ValueType::kZset) {}
  ~ZsetValue() override;

  std::string_view encoding() const override { return large_ ? "skiplist" : "listpack"; }
  size_t element_count() const override { return size(); }
  size_t memory_usage() const override;
  std::unique_ptr<Object> clone() const override;

  size_t size() const;
  bool empty() const { return size() == 0; }
  bool compact() const { return large_ == nullptr; }
  // The settings (zset-max-listpack-entries / -value) within the compact
  // form's own ceiling.
  static size_t max_compact_entries();
  static size_t max_compact_length();

  std::optional<double> score(std::string_view member) const;
  // Sets member's score; true when the member is new. Score must not be NaN.
  // May convert the encoding.
  bool set(std::string_view member, double score);
  // True when the member existed.
  bool erase(std::string_view member);
  // 0-based ascending rank of `member`.
  std::optional<size_t> rank(std::string_view member) const;
  // Members with score < `score` (or <= when `include_equal`): the forward
  // rank where a score range starts.
  size_t count_below(double score, bool include_equal) const;
  // Redis's lex search: the number of leading elements for which
  // before(member) holds, assuming a prefix (exact for equal scores).
  template <typename Pred>
  size_t count_while(Pred&& before) const;
  // The element at 0-based ascending `rank` (< size()); views valid until
  // the next change.
  std::pair<std::string_view, double> at(size_t rank) const;
  // visit(member, score) -> bool from ascending rank `start` (< size())
  // towards the end (or the start when `backward`), until it returns false.
  // The value must not change during the walk.
  template <typename Visit>
  void walk(size_t start, bool backward, Visit&& visit) const;
  // Moves to the skiplist encoding now, whatever the size. Redis creates some
  // results directly as skiplists (ZRANGESTORE of more than 128 ranks, the
  // large results of ZUNIONSTORE ...), which shows: they keep -0 scores.
  void make_large();
  // Removes the `count` elements from ascending rank `first`.
  void erase_ranks(size_t first, size_t count);
  // One ZSCAN step over the skiplist's table; the compact form visits all
  // and returns 0.
  template <typename Visit>
  uint64_t scan(uint64_t cursor, Visit&& visit) const;

 private:
  struct Large {
    ZSkiplist list;
    ChainedTable<ZNode> table;  // member -> node (the list's own nodes)
  };
  struct Item {
    std::string_view member;
    double score;
    size_t next;  // offset of the following item
  };
  // Compact layout, sorted by (score, member): [hdr:1][score][member] where
  // hdr = member length + 65 * kind and the score is an int8, an int32 or a
  // double by kind (the narrowest that holds it exactly).
  Item read(size_t at) const;
  size_t find_compact(std::string_view member, double* score) const;  // offset or npos
  void insert_compact(std::string_view member, double score);
  void erase_compact_at(size_t at);
  void convert_to_large();
  void insert_large(std::string_view member, double score);

  char* buf_ = nullptr;
  uint32_t used_ = 0;
  uint32_t count_ = 0;
  std::unique_ptr<Large> large_;
};

template <typename Pred>
size_t ZsetValue::count_while(Pred&& before) const {
  if (large_) return large_->list.count_while([&](const ZNode* n) { return before(n->member()); });
  size_t n = 0;
  for (size_t at = 0; at < used_; ++n) {
    const Item item = read(at);
    if (!before(item.member)) break;
    at = item.next;
  }
  return n;
}

template <typename Visit>
void ZsetValue::walk(size_t start, bool backward, Visit&& visit) const {
  if (large_) {
    for (const ZNode* n = large_->list.at(start); n != nullptr; n = backward ? n->backward : n->level[0].forward)
      if (!visit(n->member(), n->score)) return;
    return;
  }
  if (!backward) {
    size_t at = 0;
    for (size_t i = 0; i < start; ++i) at = read(at).next;
    while (at < used_) {
      const Item item = read(at);
      if (!visit(item.member, item.score)) return;
      at = item.next;
    }
    return;
  }
  size_t offsets[kMaxCompactEntries];
  size_t at = 0;
  for (size_t i = 0; i <= start; ++i) {
    offsets[i] = at;
    at = read(at).next;
  }
  for (size_t i = start + 1; i-- > 0;) {
    const Item item = read(offsets[i]);
    if (!visit(item.member, item.score)) return;
  }
}

template <typename Visit>
uint64_t ZsetValue::scan(uint64_t cursor, Visit&& visit) const {
  if (!large_) {
    walk(0, false, [&](std::string_view m, double s) {
      visit(m, s);
      return true;
    });
    return 0;
  }
  return large_->table.scan(cursor, [&](const ZNode* n) { visit(n->member(), n->score); });
}

}  // namespace arbor::keyspace
