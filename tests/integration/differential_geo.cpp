// Geo commands (GEOADD, GEODIST, GEOHASH, GEOPOS, GEORADIUS*, GEOSEARCH*)
// against redis-server 7.0 in the same run: a fixed script of options,
// edges and errors, then seeded random sequences over a few geo sets, each
// reply compared in RESP2 and RESP3 (coordinates are doubles there) and,
// after every store, the destination's members and scores.
//
// Points are random, so two members share a distance only by accident;
// where they would, Redis's partial sort for COUNT is not stable and the
// order of equals could differ.
//
// Suite: 3 seeds x 1500 commands. Long run on demand:
//   ARBOR_DIFF_SEEDS=50 ARBOR_DIFF_STEPS=20000 [ARBOR_DIFF_FIRST_SEED=1] differential_geo_test
#include <gtest/gtest.h>

#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "tests/integration/differential_support.h"
#include "tests/integration/server_fixture.h"

namespace arbor::test {
namespace {

using Command = std::vector<std::string>;

std::vector<Command> fixed_script() {
  return {
      {"GEOADD", "Sicily", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania"},
      {"GEOADD", "Sicily", "NX", "CH", "13.5", "38.1", "Palermo", "14.0", "37.0", "Agrigento"},
      {"GEOADD", "Sicily", "XX", "CH", "13.5", "38.1", "Palermo", "14.1", "37.1", "Nowhere"},
      {"GEOADD", "Sicily", "XX", "NX", "1", "2", "x"}, {"GEOADD", "Sicily", "1", "2"},
      {"GEOADD", "Sicily", "CH", "1", "2", "a", "3"}, {"GEOADD", "Sicily", "CH", "CH", "CH"},
      {"GEOADD", "Sicily", "181", "0", "a"}, {"GEOADD", "Sicily", "0", "85.06", "a"},
      {"GEOADD", "Sicily", "x", "0", "a"}, {"GEOADD", "Sicily", "0", "y", "a"},
      {"GEOADD", "Sicily", "180", "85.05112878", "corner", "-180", "-85.05112878", "other"},
      {"ZRANGE", "Sicily", "0", "-1", "WITHSCORES"},
      {"GEOPOS", "Sicily", "Palermo", "corner", "other", "none"}, {"GEOPOS", "none", "a"}, {"GEOPOS", "Sicily"},
      {"GEOHASH", "Sicily", "Palermo", "Catania", "corner", "none"}, {"GEOHASH", "none", "a", "b"},
      {"GEODIST", "Sicily", "Palermo", "Catania"}, {"GEODIST", "Sicily", "Palermo", "Catania", "KM"},
      {"GEODIST", "Sicily", "Palermo", "Catania", "mi"}, {"GEODIST", "Sicily", "Palermo", "Catania", "ft"},
      {"GEODIST", "Sicily", "Palermo", "Catania", "yd"}, {"GEODIST", "Sicily", "Palermo", "none"},
      {"GEODIST", "none", "a", "b"}, {"GEODIST", "Sicily", "a", "b", "m", "x"}, {"GEODIST", "Sicily", "Palermo", "Palermo"},
      {"GEORADIUS", "Sicily", "15", "37", "200", "km", "WITHDIST", "WITHCOORD", "WITHHASH", "ASC"},
      {"GEORADIUS", "Sicily", "15", "37", "200", "km", "DESC", "COUNT", "1"},
      {"GEORADIUS", "Sicily", "15", "37", "200", "km", "COUNT", "2", "ANY"},
      {"GEORADIUS", "Sicily", "15", "37", "200", "km", "ANY"}, {"GEORADIUS", "Sicily", "15", "37", "200", "km", "COUNT", "0"},
      {"GEORADIUS", "Sicily", "15", "37", "-1", "km"}, {"GEORADIUS", "Sicily", "15", "37", "x", "km"},
      {"GEORADIUS", "Sicily", "15", "37", "1", "parsec"}, {"GEORADIUS", "Sicily", "15", "37", "200", "km", "BOGUS"},
      {"GEORADIUS", "Sicily", "15", "37", "200", "km", "STORE", "dst"}, {"ZRANGE", "dst", "0", "-1", "WITHSCORES"},
      {"GEORADIUS", "Sicily", "15", "37", "200", "km", "STOREDIST", "dst"}, {"ZRANGE", "dst", "0", "-1", "WITHSCORES"},
      {"GEORADIUS", "Sicily", "15", "37", "200", "km", "STORE", "dst", "WITHDIST"},
      {"GEORADIUS", "Sicily", "15", "37", "1", "m", "STORE", "dst"}, {"EXISTS", "dst"},
      {"GEORADIUS", "none", "15", "37", "200", "km"}, {"GEORADIUS", "none", "15", "37", "200", "km", "STORE", "x"},
      {"GEORADIUS_RO", "Sicily", "15", "37", "200", "km", "STORE", "dst"}, {"GEORADIUS_RO", "Sicily", "15", "37", "1000", "km"},
      {"GEORADIUSBYMEMBER", "Sicily", "Palermo", "300", "km", "WITHDIST"}, {"GEORADIUSBYMEMBER", "Sicily", "none", "3", "km"},
      {"GEORADIUSBYMEMBER", "none", "none", "x", "km", "BOGUS"}, {"GEORADIUSBYMEMBER_RO", "Sicily", "Catania", "100", "mi"},
      {"GEOSEARCH", "Sicily", "FROMMEMBER", "Palermo", "BYRADIUS", "300", "km", "WITHCOORD"},
      {"GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYBOX", "400", "400", "km", "DESC", "WITHDIST"},
      {"GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYBOX", "400", "-1", "km"},
      {"GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYBOX", "x", "1", "km"},
      {"GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYBOX", "1", "x", "km"},
      {"GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37"}, {"geosearch", "Sicily", "BYRADIUS", "1", "km"},
      {"GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "FROMMEMBER", "Palermo", "BYRADIUS", "1", "km"},
      {"GEOSEARCH", "Sicily", "FROMMEMBER", "Palermo", "BYRADIUS", "1", "km", "BYBOX", "1", "1", "km"},
      {"GEOSEARCH", "Sicily", "FROMMEMBER", "none", "BYRADIUS", "1", "km"},
      {"GEOSEARCH", "none", "FROMMEMBER", "none", "BYRADIUS", "1", "km"},
      {"GEOSEARCH", "Sicily", "FROMMEMBER", "Palermo", "BYRADIUS", "1", "km", "STORE", "x"},
      {"GEOSEARCHSTORE", "dst", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "500", "km", "STOREDIST"},
      {"ZRANGE", "dst", "0", "-1", "WITHSCORES"}, {"OBJECT", "ENCODING", "dst"},
      {"GEOSEARCHSTORE", "dst", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "500", "km", "WITHDIST"},
      {"GEOSEARCHSTORE", "dst", "none", "FROMLONLAT", "15", "37", "BYRADIUS", "500", "km"}, {"EXISTS", "dst"},
      {"GEOSEARCHSTORE", "dst", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "500", "km", "COUNT", "1"},
      {"ZRANGE", "dst", "0", "-1", "WITHSCORES"},
      {"GEOSEARCH", "Sicily", "FROMLONLAT", "0", "0", "BYRADIUS", "20000", "km", "ASC"},
      {"GEOSEARCH", "Sicily", "FROMLONLAT", "179", "85", "BYBOX", "30000", "30000", "km", "WITHCOORD"},
      {"SET", "str", "x"}, {"GEOADD", "str", "1", "1", "a"}, {"GEOPOS", "str", "a"}, {"GEOHASH", "str", "a"},
      {"GEODIST", "str", "a", "b"}, {"GEORADIUS", "str", "1", "1", "1", "km"},
      {"GEORADIUS", "str", "x", "1", "1", "km"}, {"GEOSEARCH", "str", "BOGUS"},
      {"COMMAND", "INFO", "GEOADD", "GEODIST", "GEOHASH", "GEOPOS", "GEORADIUS", "GEORADIUS_RO", "GEORADIUSBYMEMBER",
       "GEORADIUSBYMEMBER_RO", "GEOSEARCH", "GEOSEARCHSTORE"},
      {"COMMAND", "GETKEYS", "GEORADIUS", "k", "1", "2", "3", "km", "STORE", "a", "STOREDIST", "b"},
      {"COMMAND", "GETKEYSANDFLAGS", "GEORADIUSBYMEMBER", "k", "m", "3", "km", "STOREDIST", "a"},
      {"COMMAND", "GETKEYSANDFLAGS", "GEOSEARCHSTORE", "d", "s", "FROMMEMBER", "m", "BYRADIUS", "1", "km"},
  };
}

class GeoGenerator {
 public:
  explicit GeoGenerator(uint64_t seed) : rng_(seed) {}

  Command next() {
    switch (below(10)) {
      case 0:
      case 1: {
        Command c{"GEOADD", key()};
        if (chance(15)) c.push_back(chance(50) ? "NX" : "XX");
        if (chance(15)) c.push_back("CH");
        const size_t n = 1 + below(4);
        for (size_t i = 0; i < n; ++i) {
          c.push_back(longitude());
          c.push_back(latitude());
          c.push_back(member());
        }
        return c;
      }
      case 2:
        return {"GEODIST", key(), member(), member(), unit()};
      case 3:
        return {chance(50) ? "GEOPOS" : "GEOHASH", key(), member(), member()};
      case 4:
        return radius_command();
      default:
        return search_command();
    }
  }

 private:
  size_t below(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng_); }
  bool chance(int percent) { return static_cast<int>(below(100)) < percent; }
  std::string number(double min, double max) {
    char text[64];
    std::snprintf(text, sizeof(text), "%.6f", std::uniform_real_distribution<double>(min, max)(rng_));
    return text;
  }
  // Points cluster around a few centres, so searches find some and miss some.
  std::string longitude() {
    if (chance(2)) return chance(50) ? "181" : "x";
    static const double kCentres[] = {13.4, -0.1, 139.7, -179.9};
    const double c = kCentres[centre_ = below(4)];
    return number(std::max(-180.0, c - 3), std::min(180.0, c + 3));
  }
  std::string latitude() {
    static const double kCentres[] = {38.1, 51.5, 35.7, -84.5};
    const double c = kCentres[centre_];
    return number(std::max(-85.05, c - 2), std::min(85.05, c + 2));
  }
  std::string key() { return chance(4) ? "str" : (chance(5) ? "none" : (chance(80) ? "g1" : "g2")); }
  std::string member() { return "m" + std::to_string(below(40)); }
  std::string unit() {
    static const char* const kUnits[] = {"m", "km", "MI", "ft", "lightyear"};
    return kUnits[chance(3) ? 4 : below(4)];
  }
  std::string distance() {
    if (chance(2)) return chance(50) ? "-1" : "far";
    static const char* const kScales[] = {"1000", "50000", "300000", "2000000", "0"};
    return kScales[below(5)];
  }
  void options(Command& c, bool store_allowed, bool search_store) {
    if (chance(30)) c.push_back("WITHDIST");
    if (chance(20)) c.push_back("WITHCOORD");
    if (chance(20)) c.push_back("WITHHASH");
    if (chance(40)) c.push_back(chance(50) ? "ASC" : "DESC");
    if (chance(30)) {
      c.insert(c.end(), {"COUNT", chance(5) ? "0" : std::to_string(1 + below(6))});
      if (chance(30)) c.push_back("ANY");
    }
    if (store_allowed && chance(15)) c.insert(c.end(), {chance(50) ? "STORE" : "STOREDIST", "dst"});
    if (search_store && chance(40)) c.push_back("STOREDIST");
  }
  Command radius_command() {
    const bool by_member = chance(50), ro = chance(30);
    Command c{std::string(by_member ? "GEORADIUSBYMEMBER" : "GEORADIUS") + (ro ? "_RO" : ""), key()};
    if (by_member) c.push_back(member());
    else c.insert(c.end(), {longitude(), latitude()});
    c.insert(c.end(), {distance(), unit()});
    options(c, !ro, false);
    return c;
  }
  Command search_command() {
    const bool store = chance(30);
    Command c = store ? Command{"GEOSEARCHSTORE", "dst", key()} : Command{"GEOSEARCH", key()};
    if (chance(40)) c.insert(c.end(), {"FROMMEMBER", member()});
    else c.insert(c.end(), {"FROMLONLAT", longitude(), latitude()});
    if (chance(50)) c.insert(c.end(), {"BYRADIUS", distance(), unit()});
    else c.insert(c.end(), {"BYBOX", distance(), distance(), unit()});
    options(c, false, store);
    return c;
  }

  std::mt19937_64 rng_;
  size_t centre_ = 0;
};

class DifferentialGeo : public ::testing::Test {
 protected:
  ServerProcess arbor_;
  RedisProcess redis_;
};

TEST_F(DifferentialGeo, FixedScriptMatchesRedis) {
  ASSERT_TRUE(redis_.ok());
  for (const char* protocol : {"2", "3"}) {
    Client ours(arbor_.port()), theirs(redis_.port());
    ours.cmd({"HELLO", protocol});
    theirs.cmd({"HELLO", protocol});
    ours.cmd({"FLUSHALL"});
    theirs.cmd({"FLUSHALL"});
    const std::vector<Command> script = fixed_script();
    for (size_t i = 0; i < script.size(); ++i)
      EXPECT_EQ(describe(ours.cmd(script[i])), describe(theirs.cmd(script[i])))
          << "RESP" << protocol << " step " << i << ": " << printable(script[i]);
  }
}

TEST_F(DifferentialGeo, RandomSequencesMatchRedis) {
  ASSERT_TRUE(redis_.ok());
  const int seeds = env_int("ARBOR_DIFF_SEEDS", 3), steps = env_int("ARBOR_DIFF_STEPS", 1500);
  const int first = env_int("ARBOR_DIFF_FIRST_SEED", 1);
  for (int seed = first; seed < first + seeds; ++seed) {
    const std::string protocol = seed % 2 == 0 ? "3" : "2";
    Client ours(arbor_.port()), theirs(redis_.port());
    ours.cmd({"HELLO", protocol});
    theirs.cmd({"HELLO", protocol});
    ASSERT_EQ(describe(ours.cmd({"FLUSHALL"})), describe(theirs.cmd({"FLUSHALL"})));
    ours.cmd({"SET", "str", "x"});
    theirs.cmd({"SET", "str", "x"});
    GeoGenerator gen(static_cast<uint64_t>(seed));
    for (int step = 0; step < steps; ++step) {
      const Command cmd = gen.next();
      ASSERT_EQ(describe(ours.cmd(cmd)), describe(theirs.cmd(cmd)))
          << "RESP" << protocol << " seed " << seed << " step " << step << ": " << printable(cmd);
      const Command read{"ZRANGE", "dst", "0", "-1", "WITHSCORES"};
      ASSERT_EQ(describe(ours.cmd(read)), describe(theirs.cmd(read)))
          << "dst after seed " << seed << " step " << step << ": " << printable(cmd);
    }
  }
}

}  // namespace
}  // namespace arbor::test
