// LOLWUT side by side with redis-server 7.0: the version line, and for the
// random pictures of VERSION 5 and 6 the same size (lines, characters per
// line), caption and argument errors.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/integration/server_fixture.h"

namespace arbor::test {
namespace {

// Lines and their lengths in characters (UTF-8 lead bytes) or, for the
// coloured picture, in cells (colour resets), with the captions verbatim.
std::string shape(const Reply& reply) {
  if (reply.type == ReplyType::kError) return describe(reply);
  std::string out;
  size_t start = 0;
  const std::string& text = reply.str;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(start, end - start);
    if (line.find("Redis ver.") != std::string::npos || line.find("Dedicated") != std::string::npos) {
      out += line + "\n";
    } else {
      size_t chars = 0, cells = 0;
      for (unsigned char c : line) chars += (c & 0xC0) != 0x80;
      for (size_t at = line.find("\033[0m"); at != std::string::npos; at = line.find("\033[0m", at + 1)) ++cells;
      out += (cells > 0 ? std::to_string(cells) + " cells" : std::to_string(chars)) + "\n";
    }
    start = end + 1;
  }
  return out;
}

TEST(LolwutAgainstRedis, VersionsSizesCaptionsAndErrorsMatchRedis) {
  RedisProcess redis;
  ASSERT_TRUE(redis.ok());
  ServerProcess arbor;
  Client r(redis.port()), a(arbor.port());
  const std::vector<std::vector<std::string>> corpus = {
      {"LOLWUT"},
      {"LOLWUT", "VERSION"},
      {"LOLWUT", "5"},
      {"LOLWUT", "VERSION", "7"},
      {"LOLWUT", "VERSION", "-1"},
      {"LOLWUT", "VERSION", "abc"},
      {"LOLWUT", "VERSION", "5"},
      {"LOLWUT", "VERSION", "5", "20", "3", "4"},
      {"LOLWUT", "VERSION", "5", "1", "1", "1"},
      {"LOLWUT", "VERSION", "5", "0", "-3", "999"},
      {"LOLWUT", "VERSION", "5", "x"},
      {"LOLWUT", "VERSION", "6"},
      {"LOLWUT", "VERSION", "6", "30", "7"},
      {"LOLWUT", "VERSION", "6", "2000", "1"},
      {"LOLWUT", "VERSION", "6", "10", "y"},
  };
  for (const auto& command : corpus) {
    std::string joined;
    for (const auto& arg : command) joined += arg + " ";
    EXPECT_EQ(shape(a.cmd(command)), shape(r.cmd(command))) << joined;
  }
  EXPECT_EQ(a.cmd({"LOLWUT"}).str, "Redis ver. 7.0.15\n");
}

}  // namespace
}  // namespace arbor::test
