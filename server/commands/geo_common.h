// Argument parsing and reply shapes the geo command files share (geo.cpp,
// geo_search.cpp), with Redis 7.0's error texts.
#pragma once

#include <string_view>

#include "server/core/command_context.h"
#include "server/core/command_table.h"
#include "server/keyspace/geohash.h"

namespace arbor::commands {

// Longitude and latitude at arguments `at`, `at + 1`: "ERR invalid
// longitude,latitude pair %f,%f" outside Redis's range.
bool point_or_reply(core::CommandContext& ctx, size_t at, keyspace::geo::Point& out);
// M, KM, FT, MI (any case) to meters.
bool unit_or_reply(core::CommandContext& ctx, std::string_view unit, double& to_meters);
// A distance with four decimals, as a bulk string (Redis's "%.4f").
void reply_distance(core::CommandContext& ctx, double distance);
// A coordinate in Redis's human long-double form: bulk in RESP2, double in RESP3.
void reply_coordinate(core::CommandContext& ctx, double value);

}  // namespace arbor::commands

namespace arbor::core {
void register_geo_search_commands(CommandTable& table);
}
