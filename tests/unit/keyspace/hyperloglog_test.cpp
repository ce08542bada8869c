// keyspace/hyperloglog: Redis's exact bytes (the empty HLL, the sparse
// opcodes after known elements, as redis-server 7.0.15 shows them with
// PFDEBUG DECODE), promotion to dense, merging, corrupt values, the
// self-test.
#include "server/keyspace/hyperloglog.h"

#include <gtest/gtest.h>

#include <array>
#include <string>

namespace arbor::keyspace::hll {
namespace {

TEST(HyperLogLog, AnEmptyOneIsOneXzeroRun) {
  const std::string empty = make_empty();
  EXPECT_EQ(empty, std::string("HYLL\x01", 5) + std::string(11, '\0') + "\x7f\xff");
  EXPECT_TRUE(looks_valid(empty));
  EXPECT_TRUE(is_sparse(empty));
  EXPECT_EQ(cached_count(empty), 0u);
  EXPECT_EQ(describe_sparse(empty), "Z:16384");
}

TEST(HyperLogLog, SparseOpcodesAreRedis) {
  std::string h = make_empty();
  for (const char* element : {"a", "b", "c"}) EXPECT_EQ(add(h, element, 3000), 1);
  EXPECT_EQ(add(h, "a", 3000), 0);
  EXPECT_EQ(describe_sparse(h), "Z:8436 v:1,1 Z:4274 v:2,1 Z:3068 v:1,1 Z:603");  // redis-server 7.0.15
  EXPECT_EQ(cached_count(h), std::nullopt);  // a change marks the cached count stale
  EXPECT_EQ(count(h), 3u);
  store_count(h, 3);
  EXPECT_EQ(cached_count(h), 3u);
}

TEST(HyperLogLog, PromotionKeepsEveryRegister) {
  std::string sparse = make_empty();
  for (int i = 0; i < 2000; ++i) add(sparse, "e" + std::to_string(i), 1u << 20);  // stays sparse
  ASSERT_TRUE(is_sparse(sparse));
  std::string small_limit = make_empty();
  for (int i = 0; i < 2000; ++i) add(small_limit, "e" + std::to_string(i), 300);  // turns dense
  EXPECT_FALSE(is_sparse(small_limit));
  EXPECT_EQ(small_limit.size(), kDenseSize);
  std::string converted = sparse;
  ASSERT_TRUE(to_dense(converted));
  EXPECT_EQ(converted.substr(kHeaderSize), small_limit.substr(kHeaderSize));
  EXPECT_EQ(count(sparse), count(small_limit));
  std::array<uint8_t, kRegisters> merged{};
  ASSERT_TRUE(merge_into(merged, sparse));
  for (size_t i = 0; i < kRegisters; ++i) ASSERT_EQ(merged[i], dense_register(converted, i)) << i;
  EXPECT_EQ(count_registers(merged), count(sparse));
}

TEST(HyperLogLog, CorruptValuesAreRefused) {
  const std::string header = std::string("HYLL\x01", 5) + std::string(11, '\0');
  EXPECT_FALSE(looks_valid("HYLL"));
  EXPECT_FALSE(looks_valid(std::string("HYLL\x02", 5) + std::string(11, '\0')));
  EXPECT_FALSE(looks_valid(std::string("HYLL\x00", 5) + std::string(20, '\0')));  // dense of the wrong size
  std::string short_run = header + "\x7f";  // XZERO cut after one byte
  store_count(short_run, 0);
  short_run[15] = '\x80';  // stale cache: count() must read the runs
  EXPECT_EQ(count(short_run), std::nullopt);
  std::string too_many = header + "\x7f\xff\x80";  // one register past the last
  EXPECT_EQ(count(too_many), std::nullopt);
  std::array<uint8_t, kRegisters> merged{};
  EXPECT_FALSE(merge_into(merged, too_many));
  EXPECT_FALSE(to_dense(too_many));
}

TEST(HyperLogLog, SelfTestPasses) { EXPECT_EQ(self_test(), ""); }

}  // namespace
}  // namespace arbor::keyspace::hll
