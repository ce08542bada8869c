// number_format: Redis's string2ll / string2d / string2ld acceptance rules
// and addReplyDouble / ld2string(LD_STR_HUMAN) output, edge cases first.
#include "protocol/number_format.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace arbor::protocol {
namespace {

constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

TEST(ParseInt64, AcceptsCanonicalIntegers) {
  EXPECT_EQ(parse_int64("0"), 0);
  EXPECT_EQ(parse_int64("1"), 1);
  EXPECT_EQ(parse_int64("-1"), -1);
  EXPECT_EQ(parse_int64("1234567890"), 1234567890);
  EXPECT_EQ(parse_int64("9223372036854775807"), kMax);
  EXPECT_EQ(parse_int64("-9223372036854775808"), kMin);
}

TEST(ParseInt64, RejectsOverflow) {
  EXPECT_FALSE(parse_int64("9223372036854775808"));
  EXPECT_FALSE(parse_int64("-9223372036854775809"));
  EXPECT_FALSE(parse_int64("18446744073709551615"));
  EXPECT_FALSE(parse_int64("18446744073709551616"));
  EXPECT_FALSE(parse_int64("99999999999999999999999"));
}

TEST(ParseInt64, RejectsNonCanonicalSpellings) {
  for (std::string_view bad : {"", "-", "+1", "007", "00", "-0", "-01", " 1", "1 ", "1\n", "1.0", "1e3", "0x10",
                               "abc", "1a", "--1"}) {
    EXPECT_FALSE(parse_int64(bad)) << '"' << bad << '"';
  }
  EXPECT_FALSE(parse_int64(std::string_view("1\0", 2)));
}

TEST(ParseDouble, AcceptsWhatStrtodConsumesWhole) {
  EXPECT_EQ(parse_double("1.5"), 1.5);
  EXPECT_EQ(parse_double("1e3"), 1000.0);
  EXPECT_EQ(parse_double("-0.25"), -0.25);
  EXPECT_EQ(parse_double("+3"), 3.0);
  EXPECT_EQ(parse_double("007"), 7.0);
  EXPECT_EQ(parse_double(".5"), 0.5);
}

TEST(ParseDouble, AcceptsInfinityRejectsNan) {
  EXPECT_EQ(parse_double("inf"), std::numeric_limits<double>::infinity());
  EXPECT_EQ(parse_double("+inf"), std::numeric_limits<double>::infinity());
  EXPECT_EQ(parse_double("-inf"), -std::numeric_limits<double>::infinity());
  EXPECT_FALSE(parse_double("nan"));
  EXPECT_FALSE(parse_double("-nan"));
  EXPECT_FALSE(parse_double("NaN"));
}

TEST(ParseDouble, RejectsSpacesJunkAndRangeErrors) {
  for (std::string_view bad : {"", " 1", "\t1", "1 ", "1x", "abc", "1e", "1e400", "-1e400", "1e-400", "."}) {
    EXPECT_FALSE(parse_double(bad)) << '"' << bad << '"';
  }
  EXPECT_FALSE(parse_double(std::string_view("1\0", 2)));
  // A denormal sets ERANGE but is not zero: Redis accepts it.
  EXPECT_TRUE(parse_double("4e-320"));
}

TEST(ParseDouble, LongInputsAreParsed) {
  std::string text = "1." + std::string(300, '0');
  EXPECT_EQ(parse_double(text), 1.0);
}

TEST(ParseLongDouble, FollowsTheSameRules) {
  EXPECT_EQ(parse_long_double("10.5"), 10.5L);
  EXPECT_EQ(parse_long_double("-inf"), -std::numeric_limits<long double>::infinity());
  EXPECT_FALSE(parse_long_double(" 1"));
  EXPECT_FALSE(parse_long_double("1 "));
  EXPECT_FALSE(parse_long_double("nan"));
  EXPECT_FALSE(parse_long_double(""));
  // 1e400 fits in an x87 long double.
  EXPECT_TRUE(parse_long_double("1e400"));
  EXPECT_FALSE(parse_long_double("1e99999"));
  // Redis refuses inputs of MAX_LONG_DOUBLE_CHARS (5 KB) or more.
  EXPECT_FALSE(parse_long_double("1." + std::string(5 * 1024, '0')));
}

TEST(AppendInt64, WritesDecimal) {
  std::string out = "x";
  append_int64(out, 0);
  append_int64(out, -7);
  EXPECT_EQ(out, "x0-7");
  EXPECT_EQ(int64_to_string(kMin), "-9223372036854775808");
  EXPECT_EQ(int64_to_string(kMax), "9223372036854775807");
  EXPECT_EQ(int64_to_string(1000000), "1000000");
}

TEST(AppendInt64, RoundTripsThroughParse) {
  for (int64_t v : {kMin, kMin + 1, int64_t{-100}, int64_t{-1}, int64_t{0}, int64_t{9}, int64_t{10}, kMax - 1, kMax}) {
    EXPECT_EQ(parse_int64(int64_to_string(v)), v);
  }
}

TEST(FormatDouble, UsesSeventeenSignificantDigits) {
  EXPECT_EQ(format_double(1.5), "1.5");
  EXPECT_EQ(format_double(0.1), "0.10000000000000001");
  EXPECT_EQ(format_double(3.0), "3");
  EXPECT_EQ(format_double(1e20), "1e+20");
  EXPECT_EQ(format_double(-2.5), "-2.5");
  EXPECT_EQ(format_double(std::numeric_limits<double>::infinity()), "inf");
  EXPECT_EQ(format_double(-std::numeric_limits<double>::infinity()), "-inf");
}

TEST(FormatLongDoubleHuman, TrimsTrailingZerosLikeIncrbyfloat) {
  EXPECT_EQ(format_long_double_human(10.5L + 0.1L), "10.6");
  EXPECT_EQ(format_long_double_human(3.0e3L), "3000");
  EXPECT_EQ(format_long_double_human(1.5L), "1.5");
  EXPECT_EQ(format_long_double_human(0.0L), "0");
  EXPECT_EQ(format_long_double_human(-0.0L), "0");
  EXPECT_EQ(format_long_double_human(-1.25L), "-1.25");
  EXPECT_EQ(format_long_double_human(5.0e-20L), "0");
  EXPECT_EQ(format_long_double_human(-5.0e-20L), "0");
  EXPECT_EQ(format_long_double_human(std::numeric_limits<long double>::infinity()), "inf");
  EXPECT_EQ(format_long_double_human(-std::numeric_limits<long double>::infinity()), "-inf");
}

TEST(FormatLongDoubleHuman, HugeValuesPrintInFull) {
  std::string text = format_long_double_human(1e30L);
  EXPECT_EQ(text.size(), 31u);
  EXPECT_EQ(text.substr(0, 1), "1");
  EXPECT_FALSE(format_long_double_human(std::numeric_limits<long double>::max()).empty());
}

}  // namespace
}  // namespace arbor::protocol
