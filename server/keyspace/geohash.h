// Geo on sorted sets, as Redis 7.0 (geohash.c, geohash_helper.c): a point
// is the sorted-set score holding its 52-bit geohash (26 bits of longitude
// and of latitude interleaved, over the Mercator-safe latitude range), and a
// search covers its shape with the box of the centre plus its eight
// neighbours at a precision chosen from the radius. Pure functions; the
// commands that use them are commands/geo.cpp.
//
// Every step follows Redis's arithmetic exactly (the same doubles in the
// same order), because the boxes decide which members a search visits and
// in which order, and the decoded coordinates are what GEOPOS prints.
#pragma once

#include <array>
#include <cstdint>
#include <string>

namespace arbor::keyspace::geo {

inline constexpr double kLongMin = -180;
inline constexpr double kLongMax = 180;
inline constexpr double kLatMin = -85.05112878;
inline constexpr double kLatMax = 85.05112878;
inline constexpr int kStepMax = 26;  // 52 bits in all

struct Bits {
  uint64_t bits = 0;
  uint8_t step = 0;
  bool zero() const { return bits == 0 && step == 0; }
  bool operator==(const Bits&) const = default;
};

struct Range {
  double min = 0, max = 0;
};

struct Area {
  Range longitude, latitude;
};

struct Point {
  double longitude = 0, latitude = 0;
};

// Whether Redis accepts the pair (GEOADD, FROMLONLAT, GEORADIUS).
bool valid(Point p);

// The point's score: its 52-bit geohash at full precision.
uint64_t score_of(Point p);
// The centre of the cell a score names (what GEOPOS answers).
Point point_of(double score);
// The 11-character standard geohash (latitude over -90..90) of a score.
std::string geohash_string(double score);

// Great-circle distance in meters (Redis's haversine, Earth radius
// 6372797.560856 m).
double distance(Point a, Point b);

// A search shape: a circle (radius) or an axis-aligned box (width x height),
// in the user's unit; `to_meters` converts it.
struct Shape {
  Point centre;
  bool box = false;
  double radius = 0, width = 0, height = 0;
  double to_meters = 1;
};

// Whether `p` lies in the shape; its distance from the centre in meters.
bool within(const Shape& shape, Point p, double& meters);

// The cells to scan for a shape, in Redis's order: the centre's, then north,
// south, east, west, north-east, north-west, south-east, south-west; cells
// that cannot hold results are zero.
std::array<Bits, 9> search_cells(const Shape& shape);

// The score range [min, max) of the members inside a cell.
void score_range(Bits cell, double& min, double& max);

}  // namespace arbor::keyspace::geo
