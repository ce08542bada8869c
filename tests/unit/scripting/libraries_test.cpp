// The libraries scripts get besides Redis's own: cjson and bit (Debian's),
// struct and cmsgpack (ours), with the outputs redis-server 7.0.15 gives.
#include <gtest/gtest.h>

#include <string>

#include "tests/unit/commands/harness.h"

namespace arbor {
namespace {

using testing::CommandHarness;

std::string hex(const std::string& bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) out += std::string{digits[c >> 4], digits[c & 15]};
  return out;
}

TEST(Libraries, CjsonAndBit) {
  CommandHarness h;
  EXPECT_EQ(h.text({"EVAL", "return cjson.encode({a=1})", "0"}), R"("{\"a\":1}")");
  EXPECT_EQ(h.text({"EVAL", "return cjson.decode('[1,2,{\"a\":3}]')[3].a", "0"}), "3");
  EXPECT_EQ(h.text({"EVAL", "return bit.band(0xff, 0x0f)", "0"}), "15");
  EXPECT_EQ(h.text({"EVAL", "return bit.tohex(255)", "0"}), R"("000000ff")");
}

TEST(Libraries, Struct) {
  CommandHarness h;
  EXPECT_EQ(hex(h.run({"EVAL", "return struct.pack('>I2', 258)", "0"}).str), "0102");
  EXPECT_EQ(h.text({"EVAL", "return {struct.unpack('<i4', struct.pack('<i4', -5))}", "0"}), "[-5, 5]");
  EXPECT_EQ(h.text({"EVAL", "return struct.size('>I2 b d')", "0"}), "11");
  EXPECT_EQ(h.text({"EVAL", "return {struct.unpack('>bc0', struct.pack('>b', 3) .. 'abc', 1)}", "0"}),
            R"(["abc", 5])");
  EXPECT_EQ(h.text({"EVAL", "return {struct.unpack('s', struct.pack('s', 'hi'))}", "0"}), R"(["hi", 4])");
}

TEST(Libraries, Cmsgpack) {
  CommandHarness h;
  EXPECT_EQ(hex(h.run({"EVAL", "return cmsgpack.pack({1,2,3}, 'abc', {a=1}, 3.5, -1, 300, true, nil)", "0"}).str),
            "93010203a361626381a16101ca40600000ffcd012cc3c0");
  EXPECT_EQ(h.text({"EVAL", "local a,b,c = cmsgpack.unpack(cmsgpack.pack(1, 'x', {1,2})) return {a,b,c}", "0"}),
            R"([1, "x", [1, 2]])");
  EXPECT_EQ(h.text({"EVAL", "return {cmsgpack.unpack_one(cmsgpack.pack(1, 2))}", "0"}), "[1, 1]");
  EXPECT_EQ(h.text({"EVAL", "return {cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 2)}", "0"}), "[2, 1, 2]");
  EXPECT_EQ(h.run({"EVAL", "return cmsgpack.pack()", "0"}).str.substr(0, 80),
            std::string("ERR user_script:1: bad argument #0 to 'pack' (MessagePack pack needs input.) script: ")
                .substr(0, 80));
  EXPECT_TRUE(h.run({"EVAL", "return cmsgpack.unpack(string.char(0x92, 1))", "0"})
                  .str.starts_with("ERR user_script:1: Missing bytes in input."));
}

}  // namespace
}  // namespace arbor
