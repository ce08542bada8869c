// The RDB primitives against bytes redis-server 7.0.15 produced (DUMP
// payloads: type byte, value, RDB version, CRC-64 over the rest) and against
// themselves: CRC-64/Jones, lengths, integer and LZF strings, listpack and
// intset blobs, and the refusal of malformed input with its offset.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "replication/rdb/crc64.h"
#include "replication/rdb/listpack.h"
#include "replication/rdb/lzf.h"
#include "replication/rdb/rdb_format.h"

namespace arbor::replication {
namespace {

std::string unhex(std::string_view hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  return out;
}

// DUMP payloads from redis-server 7.0.15:
//   HSET h a 1 name ada big 100000 neg -5;  SADD s 1 2 300;
//   SET long <"abcabcabc" x 10>;  SET n 12345
const std::string kHashDump = unhex(
    "10292900000008008161020101846e616d650583616461048362696704f2a0860104836e656704dffb02ff0a003c17b5e34d2554c1");
const std::string kSetDump = unhex("0b0e0200000003000000010002002c010a00e510b28e7b9529aa");
const std::string kLongDump = unhex("00c30b405a0361626361e04b020162630a00238036f9e2d0c780");
const std::string kIntDump = unhex("00c139300a009d94ea2793fc08b9");

// A DUMP payload's trailer: version 10, then the CRC of all before it.
void expect_valid_trailer(const std::string& dump) {
  ASSERT_GE(dump.size(), 10u);
  RdbCursor trailer(std::string_view(dump).substr(dump.size() - 10));
  EXPECT_EQ(trailer.byte(), 10);
  EXPECT_EQ(trailer.byte(), 0);
  EXPECT_EQ(trailer.u64_le(), crc64(0, std::string_view(dump).substr(0, dump.size() - 8)));
}

TEST(Crc64, MatchesTheJonesCheckValueAndRedisDumps) {
  EXPECT_EQ(crc64(0, "123456789"), 0xe9c6d914c4b8d9caULL);
  EXPECT_EQ(crc64(0, ""), 0u);
  // Running: in pieces of every split, the same as at once.
  const std::string text = "The quick brown fox jumps over the lazy dog, twice over, for the tables";
  for (size_t cut = 0; cut <= text.size(); ++cut)
    EXPECT_EQ(crc64(crc64(0, text.substr(0, cut)), text.substr(cut)), crc64(0, text)) << cut;
  for (const std::string* dump : {&kHashDump, &kSetDump, &kLongDump, &kIntDump}) expect_valid_trailer(*dump);
}

TEST(RdbFormat, LengthsRoundTripInEveryWidth) {
  const std::vector<uint64_t> lengths = {0, 1, 63, 64, 16383, 16384, 0xffffffffULL, 0x100000000ULL,
                                         std::numeric_limits<uint64_t>::max()};
  std::string out;
  RdbEncoder enc(out);
  for (uint64_t n : lengths) enc.length(n);
  EXPECT_EQ(static_cast<uint8_t>(out[0]), 0x00);
  EXPECT_EQ(static_cast<uint8_t>(out[3]), 0x40);  // 64: 14-bit form, big-endian
  EXPECT_EQ(static_cast<uint8_t>(out[4]), 0x40);
  RdbCursor cur(out);
  for (uint64_t n : lengths) EXPECT_EQ(cur.length(), n);
  EXPECT_TRUE(cur.at_end());
  EXPECT_TRUE(cur.ok());
}

TEST(RdbFormat, StringsUseIntegerEncodingsOnlyForCanonicalIntegers) {
  const std::vector<std::string> values = {"0", "-128", "127", "128", "-32768", "32767", "32768",
                                           "-2147483648", "2147483647", "2147483648", "007", "+1",
                                           "-0", "", "hello", std::string(300, 'x')};
  std::string out;
  RdbEncoder enc(out);
  for (const auto& v : values) enc.string(v);
  RdbCursor cur(out);
  for (const auto& v : values) EXPECT_EQ(cur.string(), v);
  EXPECT_TRUE(cur.at_end());
  // 12345 as Redis wrote it: int16 encoding.
  std::string mine;
  RdbEncoder(mine).string("12345");
  EXPECT_EQ(mine, kIntDump.substr(1, 3));
  std::string small;
  RdbEncoder(small).string("2147483648");  // past int32: raw text
  EXPECT_EQ(small, std::string("\x0a") + "2147483648");
}

TEST(RdbFormat, ReadsRedisLzfAndIntegerStrings) {
  RdbCursor lz(std::string_view(kLongDump).substr(1, kLongDump.size() - 11));
  std::string expected;
  for (int i = 0; i < 10; ++i) expected += "abcabcabc";
  EXPECT_EQ(lz.string(), expected);
  EXPECT_TRUE(lz.at_end());
  RdbCursor n(std::string_view(kIntDump).substr(1, 3));
  EXPECT_EQ(n.string(), "12345");
}

TEST(Lzf, DecompressesOverlappingReferencesAndRefusesCorruption) {
  // Literal "a", then a 9-byte copy from one byte back.
  const std::string block = unhex("0061e00000");
  EXPECT_EQ(lzf_decompress(block, 10), "aaaaaaaaaa");
  EXPECT_EQ(lzf_decompress(block, 9), std::nullopt);   // would overflow the output
  EXPECT_EQ(lzf_decompress(block, 11), std::nullopt);  // falls short
  EXPECT_EQ(lzf_decompress(unhex("20"), 3), std::nullopt);      // reference before any output
  EXPECT_EQ(lzf_decompress(unhex("0561"), 6), std::nullopt);    // literal run past the input
  EXPECT_EQ(lzf_decompress(unhex("00612001"), 5), std::nullopt);  // offset beyond what exists
  // A declared size no block of that length can reach is refused before it
  // is allocated (found by restore_payload_fuzz: 8 bytes claiming 8 EB).
  EXPECT_EQ(lzf_decompress(block, size_t{1} << 62), std::nullopt);
  EXPECT_EQ(lzf_decompress(block, 5 * 88 + 1), std::nullopt);
  // The longest reference: 264 bytes from 3, after a 1-byte literal.
  EXPECT_EQ(lzf_decompress(unhex("0061e0ff00"), 265), std::string(265, 'a'));
}

TEST(Listpack, DecodesRedisHashAndEncodesTheSameBytes) {
  RdbCursor cur(std::string_view(kHashDump).substr(1, kHashDump.size() - 11));
  const auto blob = cur.string();
  ASSERT_TRUE(blob);
  const auto entries = listpack_decode(*blob);
  ASSERT_TRUE(entries);
  EXPECT_EQ(*entries, (std::vector<std::string>{"a", "1", "name", "ada", "big", "100000", "neg", "-5"}));
  std::vector<std::string_view> views(entries->begin(), entries->end());
  EXPECT_EQ(listpack_encode(views), *blob);
}

TEST(Listpack, RoundTripsEveryEncoding) {
  std::vector<std::string> values = {"0", "127", "128", "-1", "-4096", "4095", "4096", "-32768", "32767",
                                     "-8388608", "8388607", "8388608", "-2147483648", "2147483647",
                                     "9223372036854775807", "-9223372036854775808", "9223372036854775808",
                                     "007", "", "x", std::string(63, 's'), std::string(64, 'm'),
                                     std::string(4095, 'm'), std::string(4096, 'l'), std::string(20000, 'l')};
  std::vector<std::string_view> views(values.begin(), values.end());
  const std::string blob = listpack_encode(views);
  EXPECT_EQ(listpack_decode(blob), values);
  EXPECT_EQ(listpack_decode(listpack_encode({})), std::vector<std::string>{});
}

TEST(Listpack, RefusesMalformedBlobs) {
  const std::string good = listpack_encode({"a", "100000", std::string(200, 'z')});
  ASSERT_TRUE(listpack_decode(good));
  for (size_t cut = 0; cut < good.size(); ++cut) EXPECT_EQ(listpack_decode(good.substr(0, cut)), std::nullopt) << cut;
  std::string bad_count = good;
  bad_count[4] = 7;
  EXPECT_EQ(listpack_decode(bad_count), std::nullopt);
  std::string bad_backlen = good;
  bad_backlen[6 + 2] = 9;  // "a"'s back length (2) overwritten
  EXPECT_EQ(listpack_decode(bad_backlen), std::nullopt);
  std::string bad_tag = good;
  bad_tag[6] = static_cast<char>(0xF7);
  EXPECT_EQ(listpack_decode(bad_tag), std::nullopt);
}

TEST(Intset, DecodesRedisSetAndRefusesDisorder) {
  RdbCursor cur(std::string_view(kSetDump).substr(1, kSetDump.size() - 11));
  const auto blob = cur.string();
  ASSERT_TRUE(blob);
  EXPECT_EQ(intset_decode(*blob), (std::vector<std::string>{"1", "2", "300"}));
  std::string swapped = *blob;
  std::swap(swapped[8], swapped[10]);  // 2, 1, 300
  EXPECT_EQ(intset_decode(swapped), std::nullopt);
  EXPECT_EQ(intset_decode(blob->substr(0, blob->size() - 1)), std::nullopt);
  std::string wide = *blob;
  wide[0] = 3;
  EXPECT_EQ(intset_decode(wide), std::nullopt);
}

TEST(RdbCursor, FailuresStickAndNameTheOffset) {
  std::string out;
  RdbEncoder enc(out);
  enc.string("hello");
  RdbCursor cur(std::string_view(out).substr(0, 3), 100);
  EXPECT_EQ(cur.string(), std::nullopt);
  EXPECT_FALSE(cur.ok());
  EXPECT_EQ(cur.error(), "unexpected end of data");
  EXPECT_EQ(cur.byte(), std::nullopt);
  const std::string c5 = unhex("c5");  // encoded string kind 5 does not exist
  RdbCursor bad(c5, 0);
  EXPECT_EQ(bad.string(), std::nullopt);
  EXPECT_EQ(bad.error(), "unknown string encoding");
  EXPECT_EQ(bad.offset(), 1u);
  const std::string c0 = unhex("c0");
  RdbCursor lenonly(c0);
  EXPECT_EQ(lenonly.length(), std::nullopt);  // a string encoding where a length belongs
  EXPECT_FALSE(lenonly.ok());
}

TEST(RdbFormat, DoublesRoundTripExactly) {
  const std::vector<double> values = {0.0, -0.0, 1.5, -3.25, 1e300, std::numeric_limits<double>::infinity(),
                                      -std::numeric_limits<double>::infinity(), 0.1};
  std::string out;
  RdbEncoder enc(out);
  for (double v : values) enc.double_le(v);
  RdbCursor cur(out);
  for (double v : values) {
    const auto got = cur.double_le();
    ASSERT_TRUE(got);
    EXPECT_EQ(std::signbit(*got), std::signbit(v));
    EXPECT_EQ(*got, v);
  }
  const std::string ascii_bytes("\x03" "2.5" "\xfe\xff\xfd", 7);  // outlives the cursor's view
  RdbCursor ascii(ascii_bytes);
  EXPECT_EQ(ascii.ascii_double(), 2.5);
  EXPECT_EQ(ascii.ascii_double(), std::numeric_limits<double>::infinity());
  EXPECT_EQ(ascii.ascii_double(), -std::numeric_limits<double>::infinity());
  EXPECT_TRUE(std::isnan(*ascii.ascii_double()));
}

}  // namespace
}  // namespace arbor::replication
