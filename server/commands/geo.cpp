// GEOADD, GEODIST, GEOHASH, GEOPOS as Redis 7.0's geo.c: points are members
// of a sorted set scored by their 52-bit geohash (keyspace/geohash.h).
// GEOADD runs as the ZADD it stands for, and reaches replicas as that ZADD.
// The searches (GEORADIUS*, GEOSEARCH*) are in geo_search.cpp.
#include <cstdio>
#include <string>
#include <vector>

#include "protocol/errors.h"
#include "protocol/number_format.h"
#include "server/commands/geo_common.h"
#include "server/commands/zset_common.h"
#include "server/core/arguments.h"
#include "server/core/command_table.h"
#include "server/keyspace/geohash.h"

namespace arbor::commands {

namespace geo = keyspace::geo;
using core::CommandContext;

bool point_or_reply(CommandContext& ctx, size_t at, geo::Point& out) {
  if (!core::double_or_reply(ctx, ctx.arg(at), out.longitude) ||
      !core::double_or_reply(ctx, ctx.arg(at + 1), out.latitude))
    return false;
  if (geo::valid(out)) return true;
  char text[160];
  std::snprintf(text, sizeof(text), "ERR invalid longitude,latitude pair %f,%f", out.longitude, out.latitude);
  ctx.reply.error(text);
  return false;
}

bool unit_or_reply(CommandContext& ctx, std::string_view unit, double& to_meters) {
  if (core::equals_ci(unit, "m")) to_meters = 1;
  else if (core::equals_ci(unit, "km")) to_meters = 1000;
  else if (core::equals_ci(unit, "ft")) to_meters = 0.3048;
  else if (core::equals_ci(unit, "mi")) to_meters = 1609.34;
  else {
    ctx.reply.error("ERR unsupported unit provided. please use M, KM, FT, MI");
    return false;
  }
  return true;
}

void reply_distance(CommandContext& ctx, double distance) {
  char text[128];
  const int length = std::snprintf(text, sizeof(text), "%.4f", distance);
  ctx.reply.bulk(std::string_view(text, static_cast<size_t>(length)));
}

void reply_coordinate(CommandContext& ctx, double value) {
  // Redis's addReplyHumanLongDouble: a bulk string in RESP2, a double in RESP3.
  ctx.reply.double_text(protocol::format_long_double_human(value));
}

namespace {

// GEOADD key [NX | XX] [CH] longitude latitude member [longitude latitude member ...]
void geoadd(CommandContext& ctx) {
  bool nx = false, xx = false;
  size_t first = 2;
  for (; first < ctx.argc(); ++first) {
    const std::string_view option = ctx.arg(first);
    if (core::equals_ci(option, "nx")) nx = true;
    else if (core::equals_ci(option, "xx")) xx = true;
    else if (!core::equals_ci(option, "ch")) break;
  }
  if ((ctx.argc() - first) % 3 != 0 || (xx && nx)) return ctx.reply.error(protocol::errors::kSyntax);
  std::vector<std::string> zadd_args(ctx.args.begin(), ctx.args.begin() + static_cast<ptrdiff_t>(first));
  zadd_args[0] = "zadd";
  for (size_t at = first; at < ctx.argc(); at += 3) {
    geo::Point point;
    if (!point_or_reply(ctx, at, point)) return;
    zadd_args.push_back(std::to_string(geo::score_of(point)));
    zadd_args.emplace_back(ctx.arg(at + 2));
  }
  // Run as the ZADD, which answers and is what replicas get.
  const std::vector<std::string_view> views(zadd_args.begin(), zadd_args.end());
  const std::span<const std::string_view> own = ctx.args;
  ctx.args = views;
  run_zadd(ctx);
  ctx.args = own;
  if (ctx.replicating()) ctx.propagate_as(std::move(zadd_args));
}

// GEODIST key member1 member2 [M | KM | FT | MI]
void geodist(CommandContext& ctx) {
  double to_meters = 1;
  if (ctx.argc() == 5 && !unit_or_reply(ctx, ctx.arg(4), to_meters)) return;
  if (ctx.argc() > 5) return ctx.reply.error(protocol::errors::kSyntax);
  keyspace::Entry* entry;
  if (!zset_or_reply(ctx, ctx.arg(1), entry)) return;
  if (entry == nullptr) return ctx.reply.null();
  const auto& zset = entry->as<keyspace::ZsetValue>();
  const auto a = zset.score(ctx.arg(2)), b = zset.score(ctx.arg(3));
  if (!a || !b) return ctx.reply.null();
  reply_distance(ctx, geo::distance(geo::point_of(*a), geo::point_of(*b)) / to_meters);
}

// GEOHASH key [member [member ...]]
void geohash(CommandContext& ctx) {
  keyspace::Entry* entry;
  if (!zset_or_reply(ctx, ctx.arg(1), entry)) return;
  ctx.reply.array(ctx.argc() - 2);
  for (size_t j = 2; j < ctx.argc(); ++j) {
    const auto score = entry != nullptr ? entry->as<keyspace::ZsetValue>().score(ctx.arg(j)) : std::nullopt;
    if (score) ctx.reply.bulk(geo::geohash_string(*score));
    else ctx.reply.null();
  }
}

// GEOPOS key [member [member ...]]
void geopos(CommandContext& ctx) {
  keyspace::Entry* entry;
  if (!zset_or_reply(ctx, ctx.arg(1), entry)) return;
  ctx.reply.array(ctx.argc() - 2);
  for (size_t j = 2; j < ctx.argc(); ++j) {
    const auto score = entry != nullptr ? entry->as<keyspace::ZsetValue>().score(ctx.arg(j)) : std::nullopt;
    if (!score) {
      ctx.reply.null(protocol::NullKind::kArray);
      continue;
    }
    const geo::Point point = geo::point_of(*score);
    ctx.reply.array(2);
    reply_coordinate(ctx, point.longitude);
    reply_coordinate(ctx, point.latitude);
  }
}

}  // namespace
}  // namespace arbor::commands

namespace arbor::core {
using namespace arbor::commands;

void register_geo_commands(CommandTable& t) {
  const KeySpec one{1, 1, 1};
  t.add({"geoadd", -5, kWrite | kDenyOom, one, geoadd, "geo",
         "Add one or more geospatial items in the geospatial index represented using a sorted set", "3.2.0",
         "O(log(N)) for each item added, where N is the number of elements in the sorted set.",
         "key [NX | XX] [CH=change] longitude:double latitude:double member [longitude:double latitude:double member ...]"});
  t.add({"geodist", -4, kReadonly, one, geodist, "geo",
         "Returns the distance between two members of a geospatial index", "3.2.0", "O(log(N))",
         "key member1 member2 [M | KM | FT | MI]"});
  t.add({"geohash", -2, kReadonly, one, geohash, "geo",
         "Returns members of a geospatial index as standard geohash strings", "3.2.0",
         "O(log(N)) for each member requested, where N is the number of elements in the sorted set.",
         "key [member [member ...]]"});
  t.add({"geopos", -2, kReadonly, one, geopos, "geo",
         "Returns longitude and latitude of members of a geospatial index", "3.2.0",
         "O(N) where N is the number of members requested.", "key [member [member ...]]"});
  register_geo_search_commands(t);
}

}  // namespace arbor::core
