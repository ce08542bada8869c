// GEORADIUS, GEORADIUSBYMEMBER (and their _RO forms), GEOSEARCH and
// GEOSEARCHSTORE, as Redis 7.0's georadiusGeneric: the same argument order
// and errors, the same nine cells scanned in the same order (so unsorted
// replies list members as Redis does), COUNT [ANY], ASC | DESC, WITH*,
// STORE / STOREDIST.
#include <algorithm>
#include <string>
#include <vector>

#include "protocol/errors.h"
#include "server/commands/geo_common.h"
#include "server/commands/zset_common.h"
#include "server/core/arguments.h"
#include "server/core/command_table.h"

namespace arbor::commands {
namespace {

namespace geo = keyspace::geo;
using core::CommandContext;
using core::equals_ci;
using keyspace::ZsetValue;

enum SearchFlags : unsigned {
  kFromCoords = 1u << 0,  // GEORADIUS: longitude latitude radius unit
  kFromMember = 1u << 1,  // GEORADIUSBYMEMBER: member radius unit
  kNoStore = 1u << 2,     // the _RO forms
  kSearch = 1u << 3,      // GEOSEARCH's FROM*/BY* arguments
  kSearchStore = 1u << 4,
};

struct Found {
  std::string member;
  double score;
  geo::Point point;
  double distance;
};

// The members of `cell` inside the shape, in score order; stops once
// `limit` (COUNT ... ANY) results are in.
void collect(const ZsetValue& zset, geo::Bits cell, const geo::Shape& shape, size_t limit, std::vector<Found>& out) {
  double min, max;
  geo::score_range(cell, min, max);
  const size_t start = zset.count_below(min, false);
  if (start >= zset.size()) return;
  zset.walk(start, false, [&](std::string_view member, double score) {
    if (!(score < max)) return false;
    const geo::Point point = geo::point_of(score);
    double meters;
    if (geo::within(shape, point, meters)) out.push_back({std::string(member), score, point, meters});
    return !(limit != 0 && out.size() >= limit);
  });
}

// Redis's membersOfAllNeighbors, with its skip of a cell equal to the one
// scanned before (huge radii make neighbours coincide).
std::vector<Found> search(const ZsetValue& zset, const geo::Shape& shape, size_t limit) {
  const std::array<geo::Bits, 9> cells = geo::search_cells(shape);
  std::vector<Found> found;
  size_t last = 0;
  for (size_t i = 0; i < cells.size(); ++i) {
    if (cells[i].zero()) continue;
    if (last != 0 && cells[i] == cells[last]) continue;
    if (!found.empty() && limit != 0 && found.size() >= limit) break;
    collect(zset, cells[i], shape, limit, found);
    last = i;
  }
  return found;
}

struct Options {
  bool with_dist = false, with_hash = false, with_coord = false, any = false;
  bool from_member = false, from_point = false, by_radius = false, by_box = false;
  int sort = 0;  // 0 none, 1 ASC, 2 DESC
  int64_t count = 0;
  bool storing = false, store_dist = false;
  std::string_view store;
};

bool radius_or_reply(CommandContext& ctx, size_t at, geo::Shape& shape) {
  if (!core::double_or_reply(ctx, ctx.arg(at), shape.radius, "ERR need numeric radius")) return false;
  if (shape.radius < 0) {
    ctx.reply.error("ERR radius cannot be negative");
    return false;
  }
  shape.box = false;
  return unit_or_reply(ctx, ctx.arg(at + 1), shape.to_meters);
}

bool box_or_reply(CommandContext& ctx, size_t at, geo::Shape& shape) {
  if (!core::double_or_reply(ctx, ctx.arg(at), shape.width, "ERR need numeric width") ||
      !core::double_or_reply(ctx, ctx.arg(at + 1), shape.height, "ERR need numeric height"))
    return false;
  if (shape.height < 0 || shape.width < 0) {
    ctx.reply.error("ERR height or width cannot be negative");
    return false;
  }
  shape.box = true;
  return unit_or_reply(ctx, ctx.arg(at + 2), shape.to_meters);
}

bool member_point_or_reply(CommandContext& ctx, const ZsetValue& zset, std::string_view member, geo::Point& out) {
  const auto score = zset.score(member);
  if (!score) {
    ctx.reply.error("ERR could not decode requested zset member");
    return false;
  }
  out = geo::point_of(*score);
  return true;
}

// The options after `base`, in Redis's order of checks.
bool options_or_reply(CommandContext& ctx, size_t base, unsigned flags, const ZsetValue* zset, geo::Shape& shape,
                      Options& o) {
  const size_t remaining = ctx.argc() - base;
  for (size_t i = 0; i < remaining; ++i) {
    const std::string_view arg = ctx.arg(base + i);
    const bool store_allowed = !(flags & kNoStore) && !(flags & kSearch);
    if (equals_ci(arg, "withdist")) {
      o.with_dist = true;
    } else if (equals_ci(arg, "withhash")) {
      o.with_hash = true;
    } else if (equals_ci(arg, "withcoord")) {
      o.with_coord = true;
    } else if (equals_ci(arg, "any")) {
      o.any = true;
    } else if (equals_ci(arg, "asc")) {
      o.sort = 1;
    } else if (equals_ci(arg, "desc")) {
      o.sort = 2;
    } else if (equals_ci(arg, "count") && i + 1 < remaining) {
      if (!core::int_or_reply(ctx, ctx.arg(base + i + 1), o.count)) return false;
      if (o.count <= 0) {
        ctx.reply.error("ERR COUNT must be > 0");
        return false;
      }
      ++i;
    } else if ((equals_ci(arg, "store") || equals_ci(arg, "storedist")) && i + 1 < remaining && store_allowed) {
      o.storing = true;
      o.store = ctx.arg(base + i + 1);
      o.store_dist = equals_ci(arg, "storedist");
      ++i;
    } else if (equals_ci(arg, "storedist") && (flags & kSearch) && (flags & kSearchStore)) {
      o.store_dist = true;
    } else if (equals_ci(arg, "frommember") && i + 1 < remaining && (flags & kSearch) && !o.from_point) {
      // Without a source key the arguments are still checked; the reply
      // is the empty one.
      if (zset != nullptr && !member_point_or_reply(ctx, *zset, ctx.arg(base + i + 1), shape.centre)) return false;
      o.from_member = true;
      ++i;
    } else if (equals_ci(arg, "fromlonlat") && i + 2 < remaining && (flags & kSearch) && !o.from_member) {
      if (!point_or_reply(ctx, base + i + 1, shape.centre)) return false;
      o.from_point = true;
      i += 2;
    } else if (equals_ci(arg, "byradius") && i + 2 < remaining && (flags & kSearch) && !o.by_box) {
      if (!radius_or_reply(ctx, base + i + 1, shape)) return false;
      o.by_radius = true;
      i += 2;
    } else if (equals_ci(arg, "bybox") && i + 3 < remaining && (flags & kSearch) && !o.by_radius) {
      if (!box_or_reply(ctx, base + i + 1, shape)) return false;
      o.by_box = true;
      i += 3;
    } else {
      ctx.reply.error(protocol::errors::kSyntax);
      return false;
    }
  }
  if (o.storing && (o.with_dist || o.with_hash || o.with_coord)) {
    ctx.reply.error(std::string("ERR ") + ((flags & kSearchStore) ? "GEOSEARCHSTORE" : "STORE option in GEORADIUS") +
                    " is not compatible with WITHDIST, WITHHASH and WITHCOORD options");
    return false;
  }
  if ((flags & kSearch) && !(o.from_member || o.from_point)) {
    ctx.reply.error("ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for " + std::string(ctx.arg(0)));
    return false;
  }
  if ((flags & kSearch) && !(o.by_radius || o.by_box)) {
    ctx.reply.error("ERR exactly one of BYRADIUS and BYBOX can be specified for " + std::string(ctx.arg(0)));
    return false;
  }
  if (o.any && o.count == 0) {
    ctx.reply.error("ERR the ANY argument requires COUNT argument");
    return false;
  }
  return true;
}

void reply_found(CommandContext& ctx, const Options& o, const std::vector<Found>& found, size_t returned,
                 double to_meters) {
  const size_t extras = size_t{o.with_dist} + o.with_hash + o.with_coord;
  ctx.reply.array(returned);
  for (size_t i = 0; i < returned; ++i) {
    const Found& f = found[i];
    if (extras > 0) ctx.reply.array(extras + 1);
    ctx.reply.bulk(f.member);
    if (o.with_dist) reply_distance(ctx, f.distance / to_meters);
    if (o.with_hash) ctx.reply.integer(static_cast<int64_t>(f.score));
    if (o.with_coord) {
      ctx.reply.array(2);
      reply_coordinate(ctx, f.point.longitude);
      reply_coordinate(ctx, f.point.latitude);
    }
  }
}

void store_found(CommandContext& ctx, const Options& o, const std::vector<Found>& found, size_t returned,
                 double to_meters, bool search_form) {
  auto result = std::make_unique<ZsetValue>();
  for (size_t i = 0; i < returned; ++i)
    result->set(found[i].member, o.store_dist ? found[i].distance / to_meters : found[i].score);
  // Redis counts one change per stored member.
  store_zset_and_reply(ctx, o.store, std::move(result), search_form ? "geosearchstore" : "georadiusstore", returned);
}

void search_generic(CommandContext& ctx, size_t source_at, unsigned flags) {
  keyspace::Entry* entry;
  if (!zset_or_reply(ctx, ctx.arg(source_at), entry)) return;
  const ZsetValue* zset = entry != nullptr ? &entry->as<ZsetValue>() : nullptr;
  geo::Shape shape;
  Options o;
  size_t base = 0;
  if (flags & kFromCoords) {
    base = 6;
    if (!point_or_reply(ctx, 2, shape.centre) || !radius_or_reply(ctx, 4, shape)) return;
  } else if (flags & kFromMember) {
    base = 5;
    if (zset != nullptr &&
        (!member_point_or_reply(ctx, *zset, ctx.arg(2), shape.centre) || !radius_or_reply(ctx, 3, shape)))
      return;
  } else {
    base = (flags & kSearchStore) ? 3 : 2;
    if (flags & kSearchStore) {
      o.storing = true;
      o.store = ctx.arg(1);
    }
  }
  if (!options_or_reply(ctx, base, flags, zset, shape, o)) return;

  if (zset == nullptr) {
    if (!o.storing) return ctx.reply.array(0);
    return store_found(ctx, o, {}, 0, 1, flags & kSearch);
  }
  // COUNT without an order means the nearest ones (except with ANY).
  if (o.count != 0 && o.sort == 0 && !o.any) o.sort = 1;
  std::vector<Found> found = search(*zset, shape, o.any ? static_cast<size_t>(o.count) : 0);
  if (found.empty() && !o.storing) return ctx.reply.array(0);
  const size_t returned =
      o.count == 0 || found.size() < static_cast<uint64_t>(o.count) ? found.size() : static_cast<size_t>(o.count);
  // glibc's qsort, which Redis uses, is a stable merge sort.
  if (o.sort == 1)
    std::stable_sort(found.begin(), found.end(), [](const Found& a, const Found& b) { return a.distance < b.distance; });
  if (o.sort == 2)
    std::stable_sort(found.begin(), found.end(), [](const Found& a, const Found& b) { return a.distance > b.distance; });
  if (!o.storing) return reply_found(ctx, o, found, returned, shape.to_meters);
  store_found(ctx, o, found, returned, shape.to_meters, flags & kSearch);
}

void georadius(CommandContext& ctx) { search_generic(ctx, 1, kFromCoords); }
void georadius_ro(CommandContext& ctx) { search_generic(ctx, 1, kFromCoords | kNoStore); }
void georadiusbymember(CommandContext& ctx) { search_generic(ctx, 1, kFromMember); }
void georadiusbymember_ro(CommandContext& ctx) { search_generic(ctx, 1, kFromMember | kNoStore); }
void geosearch(CommandContext& ctx) { search_generic(ctx, 1, kSearch); }
void geosearchstore(CommandContext& ctx) { search_generic(ctx, 2, kSearch | kSearchStore); }

}  // namespace
}  // namespace arbor::commands

namespace arbor::core {
using namespace arbor::commands;

namespace {

constexpr ExtraKeySpec kRadiusStoreSpecs[] = {
    {"OW update", {}, "STORE", 6},
    {"OW update", {}, "STOREDIST", 6},
};
constexpr ExtraKeySpec kByMemberStoreSpecs[] = {
    {"OW update", {}, "STORE", 5},
    {"OW update", {}, "STOREDIST", 5},
};

constexpr const char* kRadiusCost =
    "O(N+log(M)) where N is the number of elements inside the bounding box of the circular area delimited by center "
    "and radius and M is the number of items inside the index.";
constexpr const char* kSearchCost =
    "O(N+log(M)) where N is the number of elements in the grid-aligned bounding box area around the shape provided "
    "as the filter and M is the number of items inside the shape";
constexpr const char* kRadiusOptions =
    "[WITHCOORD] [WITHDIST] [WITHHASH] [COUNT count:integer [ANY]] [ASC | DESC]";
constexpr const char* kSearchShape =
    "(FROMMEMBER member | FROMLONLAT longitude:double latitude:double) "
    "(BYRADIUS radius:double (M | KM | FT | MI) | BYBOX width:double height:double (M | KM | FT | MI)) "
    "[ASC | DESC] [COUNT count:integer [ANY]]";

}  // namespace

void register_geo_search_commands(CommandTable& t) {
  const std::string radius_syntax = std::string("key longitude:double latitude:double radius:double (M | KM | FT | MI) ") +
                                    kRadiusOptions;
  const std::string member_syntax = std::string("key member radius:double (M | KM | FT | MI) ") + kRadiusOptions;
  static const std::string radius_store = radius_syntax + " [STORE key | STOREDIST key]";
  static const std::string member_store = member_syntax + " [STORE key | STOREDIST key]";
  static const std::string radius_ro = radius_syntax, member_ro = member_syntax;
  static const std::string search = std::string("key ") + kSearchShape + " [WITHCOORD] [WITHDIST] [WITHHASH]";
  static const std::string search_store = std::string("destination:key source:key ") + kSearchShape + " [STOREDIST]";

  t.add({"georadius", -6, kWrite | kDenyOom, KeySpec{1, 1, 1, 0, "RO access", {}, {}, kRadiusStoreSpecs},
         georadius, "geo",
         "Query a sorted set representing a geospatial index to fetch members matching a given maximum distance "
         "from a point",
         "3.2.0", kRadiusCost, radius_store});
  t.add({"georadius_ro", -6, kReadonly, KeySpec{1, 1, 1}, georadius_ro, "geo", "A read-only variant for GEORADIUS",
         "3.2.10", kRadiusCost, radius_ro});
  t.add({"georadiusbymember", -5, kWrite | kDenyOom,
         KeySpec{1, 1, 1, 0, "RO access", {}, {}, kByMemberStoreSpecs}, georadiusbymember, "geo",
         "Query a sorted set representing a geospatial index to fetch members matching a given maximum distance "
         "from a member",
         "3.2.0", kRadiusCost, member_store});
  t.add({"georadiusbymember_ro", -5, kReadonly, KeySpec{1, 1, 1}, georadiusbymember_ro, "geo",
         "A read-only variant for GEORADIUSBYMEMBER", "3.2.10", kRadiusCost, member_ro});
  t.add({"geosearch", -7, kReadonly, KeySpec{1, 1, 1}, geosearch, "geo",
         "Query a sorted set representing a geospatial index to fetch members inside an area of a box or a circle.",
         "6.2.0", kSearchCost, search});
  t.add({"geosearchstore", -8, kWrite | kDenyOom, KeySpec{1, 2, 1, 0, "OW update", {}, "RO access"}, geosearchstore,
         "geo",
         "Query a sorted set representing a geospatial index to fetch members inside an area of a box or a circle, "
         "and store the result in another key.",
         "6.2.0", kSearchCost, search_store});
}

}  // namespace arbor::core
