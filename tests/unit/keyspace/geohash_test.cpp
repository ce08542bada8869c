// keyspace/geohash against values Redis 7.0 computes (GEOADD scores, GEOPOS,
// GEOHASH, GEODIST of the Sicily example in Redis's documentation).
#include "server/keyspace/geohash.h"

#include <gtest/gtest.h>

namespace arbor::keyspace::geo {
namespace {

const Point kPalermo{13.361389, 38.115556};
const Point kCatania{15.087269, 37.502669};

TEST(Geohash, ScoresAreRedisGeoaddScores) {
  EXPECT_EQ(score_of(kPalermo), 3479099956230698u);
  EXPECT_EQ(score_of(kCatania), 3479447370796909u);
  EXPECT_EQ(score_of(Point{-180, -85.05112878}), 0u);
}

TEST(Geohash, DecodingGivesTheCellCentreGeoposPrints) {
  const Point p = point_of(3479099956230698.0);
  EXPECT_DOUBLE_EQ(p.longitude, 13.361389338970184);
  EXPECT_DOUBLE_EQ(p.latitude, 38.115556395496299);
}

TEST(Geohash, StandardGeohashStrings) {
  EXPECT_EQ(geohash_string(3479099956230698.0), "sqc8b49rny0");
  EXPECT_EQ(geohash_string(3479447370796909.0), "sqdtr74hyu0");
}

TEST(Geohash, DistancesAreRedisHaversine) {
  EXPECT_NEAR(distance(point_of(3479099956230698.0), point_of(3479447370796909.0)), 166274.1516, 1e-4);
  // Same meridian: the latitude shortcut.
  EXPECT_NEAR(distance(Point{10, 0}, Point{10, 1}), 111226.3000, 1e-4);
}

TEST(Geohash, ValidRangeIsRedisMercatorRange) {
  EXPECT_TRUE(valid(Point{180, 85.05112878}));
  EXPECT_FALSE(valid(Point{180.0001, 0}));
  EXPECT_FALSE(valid(Point{0, 85.06}));
}

TEST(Geohash, SearchCellsCoverTheShapeAndDropUnreachedNeighbours) {
  Shape shape;
  shape.centre = Point{15, 37};
  shape.radius = 100;
  shape.to_meters = 1000;
  const auto cells = search_cells(shape);
  EXPECT_FALSE(cells[0].zero());
  double min, max;
  score_range(cells[0], min, max);
  EXPECT_LT(min, max);
  double meters = 0;
  EXPECT_TRUE(within(shape, point_of(3479447370796909.0), meters));
  EXPECT_NEAR(meters, 56441.2579, 1e-3);  // GEORADIUS ... WITHDIST: 56.4413 km
  EXPECT_FALSE(within(shape, point_of(3479099956230698.0), meters));
}

}  // namespace
}  // namespace arbor::keyspace::geo
