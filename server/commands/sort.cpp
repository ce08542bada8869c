// SORT and SORT_RO on lists, sets and sorted sets, as Redis 7.0's
// sortCommandGeneric: BY pattern (a pattern without '*' means no sorting),
// `->field` of hashes, LIMIT, GET patterns (`#` for the element itself),
// ASC | DESC, ALPHA, STORE. Elements compare as numbers (ties broken by their
// bytes) unless ALPHA; ALPHA compares bytes (Redis's strcoll in the C locale).
// Without sorting, a set returns its own order (sorted anyway for STORE or a
// script, so that replicas and scripts see one result).
#include <algorithm>
#include <cerrno>
#include <cfloat>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "protocol/errors.h"
#include "server/core/arguments.h"
#include "server/core/command_table.h"
#include "server/keyspace/hash_value.h"
#include "server/keyspace/list_value.h"
#include "server/keyspace/set_value.h"
#include "server/keyspace/zset_value.h"

namespace arbor::commands {
namespace {

using core::CommandContext;
using keyspace::Entry;
using keyspace::ValueType;

struct SortOptions {
  bool desc = false, alpha = false, dont_sort = false;
  int64_t limit_start = 0, limit_count = -1;
  std::optional<std::string_view> by, store;
  std::vector<std::string_view> gets;
};

bool options_or_reply(CommandContext& ctx, bool read_only, SortOptions& o) {
  for (size_t j = 2; j < ctx.argc(); ++j) {
    const std::string_view word = ctx.arg(j);
    const size_t left = ctx.argc() - j - 1;
    if (core::equals_ci(word, "asc")) {
      o.desc = false;
    } else if (core::equals_ci(word, "desc")) {
      o.desc = true;
    } else if (core::equals_ci(word, "alpha")) {
      o.alpha = true;
    } else if (core::equals_ci(word, "limit") && left >= 2) {
      if (!core::int_or_reply(ctx, ctx.arg(j + 1), o.limit_start) ||
          !core::int_or_reply(ctx, ctx.arg(j + 2), o.limit_count))
        return false;
      j += 2;
    } else if (!read_only && core::equals_ci(word, "store") && left >= 1) {
      o.store = ctx.arg(++j);
    } else if (core::equals_ci(word, "by") && left >= 1) {
      o.by = ctx.arg(++j);
      if (o.by->find('*') == std::string_view::npos) o.dont_sort = true;
    } else if (core::equals_ci(word, "get") && left >= 1) {
      o.gets.push_back(ctx.arg(++j));
    } else {
      ctx.reply.error(protocol::errors::kSyntax);
      return false;
    }
  }
  return true;
}

// Redis's lookupKeyByPattern: `#` is the element itself; otherwise the first
// '*' takes the element and an optional "->field" reads a hash field. A
// pattern without '*', a missing key or the wrong type gives nothing.
std::optional<std::string> by_pattern(CommandContext& ctx, std::string_view pattern, std::string_view element) {
  if (pattern == "#") return std::string(element);
  const size_t star = pattern.find('*');
  if (star == std::string_view::npos) return std::nullopt;
  size_t arrow = pattern.find("->", star + 1);
  if (arrow != std::string_view::npos && arrow + 2 == pattern.size()) arrow = std::string_view::npos;
  const std::string_view rest = pattern.substr(star + 1, arrow == std::string_view::npos ? std::string_view::npos
                                                                                          : arrow - star - 1);
  std::string key(pattern.substr(0, star));
  key.append(element).append(rest);
  Entry* entry = ctx.db().find(key, ctx.now_ms());
  ctx.count_lookup(key, entry != nullptr);
  if (entry == nullptr) return std::nullopt;
  if (arrow == std::string_view::npos) {
    if (entry->type() != ValueType::kString) return std::nullopt;
    return std::string(entry->string_value());
  }
  if (entry->type() != ValueType::kHash) return std::nullopt;
  const auto value = entry->as<keyspace::HashValue>().get(pattern.substr(arrow + 2));
  return value ? std::optional<std::string>(std::string(*value)) : std::nullopt;
}

struct Item {
  std::string element;
  double score = 0;                // numeric sorting
  std::optional<std::string> by;   // ALPHA with BY: the value compared
};

// The elements in the value's own order: lists and sorted sets in theirs
// (reversed for DESC when nothing is sorted), sets as they iterate.
void load(const Entry* entry, const SortOptions& o, std::vector<Item>& items) {
  if (entry == nullptr) return;
  items.reserve(entry->object()->element_count());
  switch (entry->type()) {
    case ValueType::kList: {
      const auto& list = entry->as<keyspace::ListValue>();
      for (auto cursor = list.forward(0); !cursor.done();) items.push_back(Item{std::string(cursor.next()), 0, std::nullopt});
      break;
    }
    case ValueType::kSet:
      entry->as<keyspace::SetValue>().for_each([&](std::string_view m) { items.push_back(Item{std::string(m), 0, std::nullopt}); });
      break;
    default: {
      const auto& zset = entry->as<keyspace::ZsetValue>();
      if (!zset.empty())
        zset.walk(0, false, [&](std::string_view m, double) {
          items.push_back(Item{std::string(m), 0, std::nullopt});
          return true;
        });
    }
  }
  if (o.dont_sort && o.desc && entry->type() != ValueType::kSet) std::reverse(items.begin(), items.end());
}

// What is sorted: a score and the item's place, 16 bytes, so that the sort
// moves little (sorting the items themselves spent most of SORT's time).
struct Ranked {
  double score;
  uint32_t index;
};

// The sort vectors, kept between calls: fresh ones for a big collection
// cost page faults on every SORT. Emptied after each use; very large ones
// are given back.
struct Scratch {
  std::vector<Item>& items;
  std::vector<Ranked>& order;
  Scratch() : items(storage<Item>()), order(storage<Ranked>()) {}
  ~Scratch() {
    release(items);
    release(order);
  }
  template <typename T>
  static std::vector<T>& storage() {
    static std::vector<T> kept;  // the loop thread's
    kept.clear();
    return kept;
  }
  template <typename T>
  static void release(std::vector<T>& kept) {
    kept.clear();
    if (kept.capacity() > (size_t{1} << 16)) std::vector<T>().swap(kept);
  }
};

int compare_bytes(std::string_view a, std::string_view b) { return a.compare(b) < 0 ? -1 : a == b ? 0 : 1; }

// Redis's strtod test for a sort key: all of it read, no overflow, not NaN.
// Plain decimals take std::from_chars (correctly rounded, as strtod); the
// rest (spaces, hex, "inf", underflow) go to strtod itself, whose verdict
// is Redis's.
bool parse_score(const std::string& text, double& score) {
  const char* first = text.data();
  const char* last = first + text.size();
  const char* digits = first != last && *first == '-' ? first + 1 : first;
  if (digits != last && *digits >= '0' && *digits <= '9') {
    const auto [end, ec] = std::from_chars(first, last, score);
    if (ec == std::errc() && end == last && (score == 0 ? false : std::fabs(score) >= DBL_MIN)) return true;
  }
  char* end = nullptr;
  errno = 0;
  score = std::strtod(first, &end);
  return *end == '\0' && errno != ERANGE && !std::isnan(score);
}

// Scores (or ALPHA's BY values) for every item; false when a value is no
// number.
bool load_keys(CommandContext& ctx, const SortOptions& o, std::vector<Item>& items) {
  bool numbers_ok = true;
  for (Item& item : items) {
    std::optional<std::string> by_value;
    if (o.by) {
      by_value = by_pattern(ctx, *o.by, item.element);
      if (!by_value) continue;  // sorts as 0 (or first, with ALPHA)
    }
    if (o.alpha) {
      if (o.by) item.by = std::move(by_value);
      continue;
    }
    if (!parse_score(by_value ? *by_value : item.element, item.score)) numbers_ok = false;
  }
  return numbers_ok;
}

// A whole numeric sort of many items is a radix sort: comparisons of
// random numbers mispredict half their branches, which made std::sort most
// of a big SORT's time. Scores map to unsigned keys in the same order (-0 as
// +0, no NaN here); eight byte-wide passes, skipping bytes all keys share.
// Stable, so each run of equal scores only needs its bytes ordered after.
constexpr size_t kRadixFrom = 512;

uint64_t ordered_bits(double score) {
  if (score == 0) score = 0;  // -0 sorts with 0
  uint64_t bits;
  std::memcpy(&bits, &score, sizeof(bits));
  return (bits >> 63) != 0 ? ~bits : bits | (uint64_t{1} << 63);
}

void radix_sort(std::vector<Ranked>& order) {
  struct Keyed {
    uint64_t key;
    uint32_t index;
    double score;
  };
  static std::vector<Keyed> from, to;  // the loop thread's
  from.resize(order.size());
  to.resize(order.size());
  size_t counts[8][256] = {};
  for (size_t i = 0; i < order.size(); ++i) {
    from[i] = Keyed{ordered_bits(order[i].score), order[i].index, order[i].score};
    for (int pass = 0; pass < 8; ++pass) ++counts[pass][(from[i].key >> (8 * pass)) & 0xff];
  }
  for (int pass = 0; pass < 8; ++pass) {
    size_t* count = counts[pass];
    if (count[(from[0].key >> (8 * pass)) & 0xff] == from.size()) continue;  // one digit for all
    size_t sum = 0;
    for (size_t d = 0; d < 256; ++d) sum += std::exchange(count[d], sum);
    for (const Keyed& k : from) to[count[(k.key >> (8 * pass)) & 0xff]++] = k;
    from.swap(to);
  }
  for (size_t i = 0; i < order.size(); ++i) order[i] = Ranked{from[i].score, from[i].index};
  if (from.capacity() > (size_t{1} << 16)) {
    std::vector<Keyed>().swap(from);
    std::vector<Keyed>().swap(to);
  }
}

// Places [first, last] are what is shown. When they are fewer than all,
// only they are put in order (selection, then a partial sort): equal keys
// mean equal elements, so the result is the full sort's, except under ALPHA
// with BY, where Redis's own partial quicksort leaves the order of ties
// open too. A full sort under ALPHA with BY is stable, as glibc's qsort (a
// merge sort), which Redis calls; there the order of ties shows.
void sort_items(const SortOptions& o, const std::vector<Item>& items, std::vector<Ranked>& order, size_t first,
                size_t last) {
  order.resize(items.size());
  for (size_t i = 0; i < items.size(); ++i) order[i] = Ranked{items[i].score, static_cast<uint32_t>(i)};
  const auto alpha_compare = [&](const Ranked& x, const Ranked& y) {
    const Item& a = items[x.index];
    const Item& b = items[y.index];
    int cmp;
    if (o.by) {
      // A missing BY value sorts before any other.
      cmp = !a.by || !b.by ? (a.by.has_value() == b.by.has_value() ? 0 : a.by ? 1 : -1) : compare_bytes(*a.by, *b.by);
    } else {
      cmp = compare_bytes(a.element, b.element);
    }
    return (o.desc ? -cmp : cmp) < 0;
  };
  // Numbers are most of what is sorted: their comparisons get no branch on
  // the options (ties, which need the bytes, are rare).
  const auto numeric_less = [&](const Ranked& x, const Ranked& y) {
    return x.score < y.score || (x.score == y.score && items[x.index].element < items[y.index].element);
  };
  const auto numeric_greater = [&](const Ranked& x, const Ranked& y) { return numeric_less(y, x); };
  const auto sort_by = [&](const auto& less) {
    const auto begin = order.begin(), end = order.end();
    if (first == 0 && last + 1 == order.size() && !o.alpha && order.size() >= kRadixFrom) {
      radix_sort(order);
      // Equal scores: by bytes, ascending; DESC is then the whole reversed.
      for (auto run = begin; run != end;) {
        auto next = run + 1;
        while (next != end && next->score == run->score) ++next;
        if (next - run > 1) std::sort(run, next, numeric_less);
        run = next;
      }
      if (o.desc) std::reverse(begin, end);
      return;
    }
    if (first == 0 && last + 1 == order.size()) {
      if (o.alpha && o.by) std::stable_sort(begin, end, less);
      else std::sort(begin, end, less);
      return;
    }
    const auto shown = begin + static_cast<ptrdiff_t>(first);
    if (first > 0) std::nth_element(begin, shown, end, less);
    const size_t count = last + 1 - first, rest = order.size() - first;
    if (count * 4 < rest) std::partial_sort(shown, shown + static_cast<ptrdiff_t>(count), end, less);
    else std::sort(shown, end, less);
  };
  if (o.alpha) sort_by(alpha_compare);
  else if (o.desc) sort_by(numeric_greater);
  else sort_by(numeric_less);
}

void sort_generic(CommandContext& ctx, bool read_only) {
  SortOptions o;
  if (!options_or_reply(ctx, read_only, o)) return;
  Entry* entry = ctx.db().find(ctx.arg(1), ctx.now_ms());
  ctx.count_lookup(ctx.arg(1), entry != nullptr);
  if (entry != nullptr && entry->type() != ValueType::kList && entry->type() != ValueType::kSet &&
      entry->type() != ValueType::kZset)
    return ctx.reply.error(protocol::errors::kWrongType);
  // A set's own order is not one replicas or scripts can rely on.
  if (o.dont_sort && entry != nullptr && entry->type() == ValueType::kSet && (o.store || ctx.client.in_script)) {
    o.dont_sort = false;
    o.alpha = true;
    o.by.reset();
  }
  Scratch scratch;
  std::vector<Item>& items = scratch.items;
  std::vector<Ranked>& order = scratch.order;
  load(entry, o, items);
  const auto length = static_cast<int64_t>(items.size());
  int64_t start = o.limit_start < 0 ? 0 : o.limit_start;
  int64_t end = o.limit_count < 0 ? length - 1 : start + o.limit_count - 1;
  if (start >= length) {
    start = length - 1;
    end = length - 2;
  }
  if (end >= length) end = length - 1;

  bool numbers_ok = true;
  if (!o.dont_sort) {
    numbers_ok = load_keys(ctx, o, items);
    // Nothing sorted is shown when a value is no number; and with NaNs the
    // comparison would not be an order, which std::sort must not be given.
    if (numbers_ok && end >= start) sort_items(o, items, order, static_cast<size_t>(start), static_cast<size_t>(end));
  }
  // The item at sorted place j (the items' own order when not sorted).
  const auto placed = [&](int64_t j) { return o.dont_sort ? static_cast<size_t>(j) : order[static_cast<size_t>(j)].index; };
  const int64_t picked = end - start + 1;
  const int64_t output = o.gets.empty() ? picked : picked * static_cast<int64_t>(o.gets.size());
  if (!numbers_ok) return ctx.reply.error("ERR One or more scores can't be converted into double");

  if (!o.store) {
    ctx.reply.array(static_cast<size_t>(std::max<int64_t>(output, 0)));
    for (int64_t j = start; j <= end; ++j) {
      const std::string& element = items[placed(j)].element;
      if (o.gets.empty()) ctx.reply.bulk(element);
      for (std::string_view pattern : o.gets) {
        const auto value = by_pattern(ctx, pattern, element);
        if (value) ctx.reply.bulk(*value);
        else ctx.reply.null();
      }
    }
    return;
  }
  auto list = std::make_unique<keyspace::ListValue>();
  for (int64_t j = start; j <= end; ++j) {
    const std::string& element = items[placed(j)].element;
    if (o.gets.empty()) list->push(keyspace::ListValue::End::kTail, element);
    for (std::string_view pattern : o.gets)
      list->push(keyspace::ListValue::End::kTail, by_pattern(ctx, pattern, element).value_or(std::string()));
  }
  const std::string_view destination = *o.store;
  if (output > 0) {
    ctx.db().erase(destination);
    ctx.db().add_object(destination, std::move(list));
    ctx.key_changed(destination, core::kEventList, "sortstore");
    ctx.mark_dirty(static_cast<uint64_t>(output));
  } else if (ctx.db().erase(destination)) {
    ctx.key_changed(destination, core::kEventGeneric, "del");
    ctx.mark_dirty();
  }
  ctx.reply.integer(std::max<int64_t>(output, 0));
}

// SORT key [BY pattern] [LIMIT offset count] [GET pattern ...] [ASC | DESC] [ALPHA] [STORE destination]
void sort(CommandContext& ctx) { sort_generic(ctx, false); }
// SORT_RO key [BY pattern] [LIMIT offset count] [GET pattern ...] [ASC | DESC] [ALPHA]
void sort_ro(CommandContext& ctx) { sort_generic(ctx, true); }

}  // namespace
}  // namespace arbor::commands

namespace arbor::core {
using namespace arbor::commands;

namespace {

constexpr ExtraKeySpec kSortKeySpecs[] = {
    {"RO access",
     "For the optional BY/GET keyword. It is marked 'unknown' because the key names derive from the content of "
     "the key we sort"},
    {"OW update",
     "For the optional STORE keyword. It is marked 'unknown' because the keyword can appear anywhere in the "
     "argument array"},
};

// Redis's sortGetKeys: the sorted key and the last STORE's destination,
// skipping the arguments of LIMIT, GET and BY.
std::vector<KeyRef> sort_keys(std::span<const std::string_view> argv) {
  std::vector<KeyRef> keys{{1, 0}};
  for (size_t i = 2; i < argv.size(); ++i) {
    if (equals_ci(argv[i], "limit")) {
      i += 2;
    } else if (equals_ci(argv[i], "get") || equals_ci(argv[i], "by")) {
      i += 1;
    } else if (equals_ci(argv[i], "store") && i + 1 < argv.size()) {
      if (keys.size() == 1) keys.push_back({i + 1, 2});
      else keys[1].arg = i + 1;  // the last STORE counts, as in SORT
    }
  }
  return keys;
}

std::vector<KeyRef> sort_ro_keys(std::span<const std::string_view>) { return {{1, 0}}; }

}  // namespace

void register_sort_commands(CommandTable& t) {
  constexpr const char* kCost =
      "O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the number of returned "
      "elements. When the elements are not sorted, complexity is O(N).";
  KeySpec keys{1, 1, 1, 0, "RO access", {}, {}, std::span(kSortKeySpecs), sort_keys};
  CommandSpec sort_row{"sort", -2, kWrite | kDenyOom | kDangerous, keys, sort, "generic",
                       "Sort the elements in a list, set or sorted set", "1.0.0", kCost,
                       "key [BY pattern:key-pattern] [LIMIT offset:integer count:integer] [GET pattern:key-pattern "
                       "[GET pattern:key-pattern ...]] [ASC | DESC] [ALPHA=sorting] [STORE destination:key]"};
  sort_row.type_categories = "set sortedset list";
  t.add(std::move(sort_row));
  keys.extra = std::span(kSortKeySpecs, 1);
  keys.keys_of_call = sort_ro_keys;
  CommandSpec sort_ro_row{"sort_ro", -2, kReadonly | kDangerous, keys, sort_ro, "generic",
                          "Sort the elements in a list, set or sorted set. Read-only variant of SORT.", "7.0.0",
                          kCost,
                          "key [BY pattern:key-pattern] [LIMIT offset:integer count:integer] [GET pattern:key-pattern "
                          "[GET pattern:key-pattern ...]] [ASC | DESC] [ALPHA=sorting]"};
  sort_ro_row.type_categories = "set sortedset list";
  t.add(std::move(sort_ro_row));
}

}  // namespace arbor::core
