// keyspace/bits: bit numbering, ranged counts and searches across word
// boundaries (checked against a bit-by-bit model), BITFIELD's field reads and
// writes, and its overflow rules at the edges Redis defines.
#include "server/keyspace/bits.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace arbor::keyspace::bits {
namespace {

TEST(Bits, BitZeroIsTheTopBitOfTheFirstByte) {
  std::string s(2, '\0');
  set_bit(s.data(), 0, true);
  set_bit(s.data(), 15, true);
  EXPECT_EQ(s, std::string("\x80\x01", 2));
  EXPECT_TRUE(get_bit(s, 0));
  EXPECT_FALSE(get_bit(s, 1));
  EXPECT_FALSE(get_bit(s, 1000));  // past the end reads 0
  set_bit(s.data(), 0, false);
  EXPECT_EQ(s[0], '\0');
}

TEST(Bits, CountAndFindAgreeWithABitByBitModel) {
  std::mt19937_64 rng(7);
  for (int round = 0; round < 300; ++round) {
    std::string s(1 + rng() % 40, '\0');
    const int density = static_cast<int>(rng() % 3);  // mostly zeros, mixed, mostly ones
    for (char& c : s) c = static_cast<char>(density == 0 ? (rng() % 8 == 0 ? rng() : 0)
                                            : density == 2 ? (rng() % 8 == 0 ? rng() : 0xff) : rng());
    const uint64_t bits = s.size() * 8;
    const uint64_t first = rng() % bits, last = first + rng() % (bits - first);
    uint64_t ones = 0;
    std::optional<uint64_t> first_one, first_zero;
    for (uint64_t i = first; i <= last; ++i) {
      ones += get_bit(s, i);
      if (get_bit(s, i) && !first_one) first_one = i;
      if (!get_bit(s, i) && !first_zero) first_zero = i;
    }
    EXPECT_EQ(count_ones(s, first, last), ones);
    EXPECT_EQ(find_bit(s, true, first, last), first_one);
    EXPECT_EQ(find_bit(s, false, first, last), first_zero);
  }
}

TEST(Bits, FieldsReadAndWriteMostSignificantBitFirst) {
  std::string s(3, '\0');
  write_field(s.data(), 4, 8, 0xab);
  EXPECT_EQ(s, std::string("\x0a\xb0\x00", 3));
  EXPECT_EQ(read_unsigned(s, 4, 8), 0xabu);
  EXPECT_EQ(read_signed(s, 4, 8), -85);
  EXPECT_EQ(read_unsigned(s, 20, 64), 0u);  // past the end reads zeros
  write_field(s.data(), 0, 24, 0xffffff);
  EXPECT_EQ(read_signed(s, 0, 24), -1);
}

TEST(Bits, UnsignedOverflow) {
  EXPECT_EQ(add_unsigned(250, 10, 8, Overflow::kWrap).value, 4u);
  EXPECT_EQ(add_unsigned(250, 10, 8, Overflow::kSat).value, 255u);
  EXPECT_TRUE(add_unsigned(250, 10, 8, Overflow::kFail).overflowed);
  EXPECT_EQ(add_unsigned(5, -10, 8, Overflow::kSat).value, 0u);
  EXPECT_EQ(add_unsigned(5, -10, 8, Overflow::kWrap).value, 251u);
  // SET u8 -1: the value (2^64 - 1) is above the field's range.
  EXPECT_EQ(add_unsigned(~uint64_t{0}, 0, 8, Overflow::kSat).value, 255u);
  EXPECT_FALSE(add_unsigned(3, 252, 8, Overflow::kFail).overflowed);
}

TEST(Bits, SignedOverflow) {
  EXPECT_EQ(static_cast<int64_t>(add_signed(100, 100, 8, Overflow::kWrap).value), -56);
  EXPECT_EQ(static_cast<int64_t>(add_signed(100, 100, 8, Overflow::kSat).value), 127);
  EXPECT_EQ(static_cast<int64_t>(add_signed(-100, -100, 8, Overflow::kSat).value), -128);
  EXPECT_EQ(static_cast<int64_t>(add_signed(INT64_MAX, 1, 64, Overflow::kWrap).value), INT64_MIN);
  EXPECT_EQ(static_cast<int64_t>(add_signed(INT64_MIN, -1, 64, Overflow::kSat).value), INT64_MIN);
  EXPECT_FALSE(add_signed(-1, 1, 64, Overflow::kFail).overflowed);
  // Redis's arithmetic on a SET far below an i8's range: judged above it.
  EXPECT_EQ(static_cast<int64_t>(add_signed(INT64_MIN, 0, 8, Overflow::kSat).value), 127);
  EXPECT_EQ(static_cast<int64_t>(add_signed(-1000, 0, 8, Overflow::kSat).value), -128);
}

TEST(Bits, CombinePadsShorterSourcesWithZeros) {
  const std::vector<std::string_view> sources{std::string_view("\xff\x0f", 2), std::string_view("\x0f", 1)};
  EXPECT_EQ(combine(BitOp::kAnd, sources), std::string("\x0f\x00", 2));
  EXPECT_EQ(combine(BitOp::kOr, sources), std::string("\xff\x0f", 2));
  EXPECT_EQ(combine(BitOp::kXor, sources), std::string("\xf0\x0f", 2));
  EXPECT_EQ(combine(BitOp::kNot, std::vector<std::string_view>{sources[1]}), std::string("\xf0", 1));
  EXPECT_EQ(combine(BitOp::kOr, std::vector<std::string_view>{"", ""}), "");
}

}  // namespace
}  // namespace arbor::keyspace::bits
