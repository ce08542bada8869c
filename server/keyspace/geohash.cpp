#include "server/keyspace/geohash.h"

#include <cmath>

namespace arbor::keyspace::geo {
namespace {

constexpr double kEarthRadius = 6372797.560856;
constexpr double kMercatorMax = 20037726.37;
constexpr double kDegToRad = M_PI / 180.0;

double to_rad(double degrees) { return degrees * kDegToRad; }
double to_deg(double radians) { return radians / kDegToRad; }

// x's bits in the even positions, y's in the odd ones.
uint64_t interleave(uint32_t xlo, uint32_t ylo) {
  static constexpr uint64_t kMasks[] = {0x5555555555555555ULL, 0x3333333333333333ULL, 0x0F0F0F0F0F0F0F0FULL,
                                        0x00FF00FF00FF00FFULL, 0x0000FFFF0000FFFFULL};
  static constexpr unsigned kShifts[] = {1, 2, 4, 8, 16};
  uint64_t x = xlo, y = ylo;
  for (int i = 4; i >= 0; --i) {
    x = (x | (x << kShifts[i])) & kMasks[i];
    y = (y | (y << kShifts[i])) & kMasks[i];
  }
  return x | (y << 1);
}

// The inverse: even bits in the low half, odd bits in the high half.
uint64_t deinterleave(uint64_t interleaved) {
  static constexpr uint64_t kMasks[] = {0x5555555555555555ULL, 0x3333333333333333ULL, 0x0F0F0F0F0F0F0F0FULL,
                                        0x00FF00FF00FF00FFULL, 0x0000FFFF0000FFFFULL, 0x00000000FFFFFFFFULL};
  static constexpr unsigned kShifts[] = {0, 1, 2, 4, 8, 16};
  uint64_t x = interleaved, y = interleaved >> 1;
  for (int i = 0; i < 6; ++i) {
    x = (x | (x >> kShifts[i])) & kMasks[i];
    y = (y | (y >> kShifts[i])) & kMasks[i];
  }
  return x | (y << 32);
}

constexpr Range kLongRange{kLongMin, kLongMax};
constexpr Range kLatRange{kLatMin, kLatMax};

bool encode(Range longs, Range lats, Point p, uint8_t step, Bits& out) {
  if (step > 32 || step == 0) return false;
  if (!valid(p)) return false;
  out = Bits{0, step};
  if (p.latitude < lats.min || p.latitude > lats.max || p.longitude < longs.min || p.longitude > longs.max)
    return false;
  double lat_offset = (p.latitude - lats.min) / (lats.max - lats.min);
  double long_offset = (p.longitude - longs.min) / (longs.max - longs.min);
  lat_offset *= static_cast<double>(1ULL << step);
  long_offset *= static_cast<double>(1ULL << step);
  out.bits = interleave(static_cast<uint32_t>(lat_offset), static_cast<uint32_t>(long_offset));
  return true;
}

Area decode(Range longs, Range lats, Bits hash) {
  const uint64_t separated = deinterleave(hash.bits);
  const double lat_scale = lats.max - lats.min, long_scale = longs.max - longs.min;
  const auto ilat = static_cast<uint32_t>(separated);
  const auto ilong = static_cast<uint32_t>(separated >> 32);
  const double cells = static_cast<double>(1ULL << hash.step);
  Area area;
  area.latitude.min = lats.min + (ilat * 1.0 / cells) * lat_scale;
  area.latitude.max = lats.min + ((ilat + 1) * 1.0 / cells) * lat_scale;
  area.longitude.min = longs.min + (ilong * 1.0 / cells) * long_scale;
  area.longitude.max = longs.min + ((ilong + 1) * 1.0 / cells) * long_scale;
  return area;
}

// One cell east (d > 0) or west; the latitude bits stay.
void move_x(Bits& hash, int d) {
  if (d == 0) return;
  uint64_t x = hash.bits & 0xaaaaaaaaaaaaaaaaULL;
  const uint64_t y = hash.bits & 0x5555555555555555ULL;
  const uint64_t zz = 0x5555555555555555ULL >> (64 - hash.step * 2);
  if (d > 0) {
    x = x + (zz + 1);
  } else {
    x = x | zz;
    x = x - (zz + 1);
  }
  x &= (0xaaaaaaaaaaaaaaaaULL >> (64 - hash.step * 2));
  hash.bits = x | y;
}

// One cell north (d > 0) or south.
void move_y(Bits& hash, int d) {
  if (d == 0) return;
  const uint64_t x = hash.bits & 0xaaaaaaaaaaaaaaaaULL;
  uint64_t y = hash.bits & 0x5555555555555555ULL;
  const uint64_t zz = 0xaaaaaaaaaaaaaaaaULL >> (64 - hash.step * 2);
  if (d > 0) {
    y = y + (zz + 1);
  } else {
    y = y | zz;
    y = y - (zz + 1);
  }
  y &= (0x5555555555555555ULL >> (64 - hash.step * 2));
  hash.bits = x | y;
}

Bits moved(Bits hash, int dx, int dy) {
  move_x(hash, dx);
  move_y(hash, dy);
  return hash;
}

// Order: centre, N, S, E, W, NE, NW, SE, SW.
std::array<Bits, 9> cell_and_neighbours(Bits hash) {
  return {hash,
          moved(hash, 0, 1),
          moved(hash, 0, -1),
          moved(hash, 1, 0),
          moved(hash, -1, 0),
          moved(hash, 1, 1),
          moved(hash, -1, 1),
          moved(hash, 1, -1),
          moved(hash, -1, -1)};
}

uint8_t steps_for_radius(double meters, double latitude) {
  if (meters == 0) return 26;
  int step = 1;
  while (meters < kMercatorMax) {
    meters *= 2;
    step++;
  }
  step -= 2;  // so the radius fits in most cases
  // Meridians converge towards the poles: cells get narrower.
  if (latitude > 66 || latitude < -66) {
    step--;
    if (latitude > 80 || latitude < -80) step--;
  }
  if (step < 1) step = 1;
  if (step > 26) step = 26;
  return static_cast<uint8_t>(step);
}

// {min longitude, min latitude, max longitude, max latitude} of the shape.
std::array<double, 4> bounding_box(const Shape& shape) {
  const Point c = shape.centre;
  const double height = shape.to_meters * (shape.box ? shape.height / 2 : shape.radius);
  const double width = shape.to_meters * (shape.box ? shape.width / 2 : shape.radius);
  const double lat_delta = to_deg(height / kEarthRadius);
  const double long_delta_top = to_deg(width / kEarthRadius / std::cos(to_rad(c.latitude + lat_delta)));
  const double long_delta_bottom = to_deg(width / kEarthRadius / std::cos(to_rad(c.latitude - lat_delta)));
  const bool southern = c.latitude < 0;
  return {southern ? c.longitude - long_delta_bottom : c.longitude - long_delta_top, c.latitude - lat_delta,
          southern ? c.longitude + long_delta_bottom : c.longitude + long_delta_top, c.latitude + lat_delta};
}

uint64_t align52(Bits hash) { return hash.bits << (52 - hash.step * 2); }

double lat_distance(double lat1, double lat2) { return kEarthRadius * std::fabs(to_rad(lat2) - to_rad(lat1)); }

}  // namespace

bool valid(Point p) {
  return !(p.longitude < kLongMin || p.longitude > kLongMax || p.latitude < kLatMin || p.latitude > kLatMax);
}

uint64_t score_of(Point p) {
  Bits hash;
  encode(kLongRange, kLatRange, p, kStepMax, hash);
  return align52(hash);
}

Point point_of(double score) {
  const Area area = decode(kLongRange, kLatRange, Bits{static_cast<uint64_t>(score), kStepMax});
  Point p;
  p.longitude = (area.longitude.min + area.longitude.max) / 2;
  if (p.longitude > kLongMax) p.longitude = kLongMax;
  if (p.longitude < kLongMin) p.longitude = kLongMin;
  p.latitude = (area.latitude.min + area.latitude.max) / 2;
  if (p.latitude > kLatMax) p.latitude = kLatMax;
  if (p.latitude < kLatMin) p.latitude = kLatMin;
  return p;
}

std::string geohash_string(double score) {
  static constexpr char kAlphabet[] = "0123456789bcdefghjkmnpqrstuvwxyz";
  Bits hash;
  encode(Range{-180, 180}, Range{-90, 90}, point_of(score), 26, hash);
  std::string text(11, '0');
  // 52 bits make ten characters; the eleventh is zero, as Redis has always sent.
  for (int i = 0; i < 10; ++i) text[i] = kAlphabet[(hash.bits >> (52 - ((i + 1) * 5))) & 0x1f];
  return text;
}

double distance(Point a, Point b) {
  const double v = std::sin((to_rad(b.longitude) - to_rad(a.longitude)) / 2);
  // Same meridian: the haversine reduces to the latitude difference.
  if (v == 0.0) return lat_distance(a.latitude, b.latitude);
  const double lat1 = to_rad(a.latitude), lat2 = to_rad(b.latitude);
  const double u = std::sin((lat2 - lat1) / 2);
  const double h = u * u + std::cos(lat1) * std::cos(lat2) * v * v;
  return 2.0 * kEarthRadius * std::asin(std::sqrt(h));
}

bool within(const Shape& shape, Point p, double& meters) {
  const Point c = shape.centre;
  if (!shape.box) {
    meters = distance(c, p);
    return meters <= shape.radius * shape.to_meters;
  }
  // The latitude test is the cheaper one: first, as Redis.
  if (lat_distance(p.latitude, c.latitude) > shape.height * shape.to_meters / 2) return false;
  if (distance(p, Point{c.longitude, p.latitude}) > shape.width * shape.to_meters / 2) return false;
  meters = distance(c, p);
  return true;
}

std::array<Bits, 9> search_cells(const Shape& shape) {
  const auto [min_lon, min_lat, max_lon, max_lat] = bounding_box(shape);
  const double radius_meters =
      shape.to_meters * (shape.box ? std::sqrt((shape.width / 2) * (shape.width / 2) +
                                               (shape.height / 2) * (shape.height / 2))
                                   : shape.radius);
  uint8_t steps = steps_for_radius(radius_meters, shape.centre.latitude);
  Bits hash;
  encode(kLongRange, kLatRange, shape.centre, steps, hash);
  std::array<Bits, 9> cells = cell_and_neighbours(hash);
  Area area = decode(kLongRange, kLatRange, hash);

  // Near the edge of the centre cell the estimated precision can leave part
  // of the shape outside the nine cells: one step coarser then.
  const Area north = decode(kLongRange, kLatRange, cells[1]), south = decode(kLongRange, kLatRange, cells[2]);
  const Area east = decode(kLongRange, kLatRange, cells[3]), west = decode(kLongRange, kLatRange, cells[4]);
  const bool too_fine = north.latitude.max < max_lat || south.latitude.min > min_lat ||
                        east.longitude.max < max_lon || west.longitude.min > min_lon;
  if (steps > 1 && too_fine) {
    steps--;
    encode(kLongRange, kLatRange, shape.centre, steps, hash);
    cells = cell_and_neighbours(hash);
    area = decode(kLongRange, kLatRange, hash);
  }

  // Drop the neighbours the shape does not reach.
  if (steps >= 2) {
    const auto clear = [&](std::initializer_list<int> which) {
      for (int i : which) cells[static_cast<size_t>(i)] = Bits{};
    };
    if (area.latitude.min < min_lat) clear({2, 8, 7});   // south, south-west, south-east
    if (area.latitude.max > max_lat) clear({1, 5, 6});   // north, north-east, north-west
    if (area.longitude.min < min_lon) clear({4, 8, 6});  // west, south-west, north-west
    if (area.longitude.max > max_lon) clear({3, 7, 5});  // east, south-east, north-east
  }
  return cells;
}

void score_range(Bits cell, double& min, double& max) {
  min = static_cast<double>(align52(cell));
  cell.bits++;
  max = static_cast<double>(align52(cell));
}

}  // namespace arbor::keyspace::geo
