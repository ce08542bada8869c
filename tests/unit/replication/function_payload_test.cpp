// FUNCTION DUMP and FUNCTION RESTORE (replication/function_payload.cpp)
// through the in-process harness: Redis's payload format, the three restore
// policies, and refusals that change nothing.
#include <gtest/gtest.h>

#include <string>

#include "replication/replication_service.h"
#include "tests/unit/commands/harness.h"
#include "tests/unit/scripting/sample_library.h"

namespace arbor {
namespace {

using testing::CommandHarness;
using testing::err;
using testing::kOk;

const std::string kLib{testing::kSampleLibrary};

TEST(Functions, DumpAndRestore) {
  CommandHarness h({core::register_all_commands, replication::register_function_payload_commands});
  EXPECT_EQ(h.text({"FUNCTION", "LOAD", kLib}), R"("mylib")");
  const std::string payload = h.run({"FUNCTION", "DUMP"}).str;
  EXPECT_EQ(payload.substr(payload.size() - 10, 2), std::string("\x0a\x00", 2));  // RDB version 10
  EXPECT_EQ(h.text({"FUNCTION", "RESTORE", payload}), err("ERR Library mylib already exists"));
  EXPECT_EQ(h.text({"FUNCTION", "RESTORE", payload, "REPLACE"}), kOk);
  EXPECT_EQ(h.text({"FUNCTION", "FLUSH"}), kOk);
  EXPECT_EQ(h.text({"FUNCTION", "RESTORE", payload}), kOk);
  EXPECT_EQ(h.text({"FCALL", "f1", "1", "k", "a"}), R"(["k", "a"])");
  EXPECT_EQ(h.text({"FUNCTION", "LOAD", "#!lua name=other\nredis.register_function('g', function() return 1 end)"}),
            R"("other")");
  EXPECT_EQ(h.text({"FUNCTION", "RESTORE", payload, "FLUSH"}), kOk);
  EXPECT_EQ(h.text({"FCALL", "g", "0"}), err("ERR Function not found"));
  EXPECT_EQ(h.text({"FUNCTION", "RESTORE", payload, "BAD"}),
            err("ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE."));
  std::string corrupt = payload;
  corrupt[3] ^= 1;
  EXPECT_EQ(h.text({"FUNCTION", "RESTORE", corrupt}), err("ERR DUMP payload version or checksum are wrong"));
  EXPECT_EQ(h.text({"FUNCTION", "RESTORE", "short"}), err("ERR DUMP payload version or checksum are wrong"));
  // A failed restore changes nothing.
  EXPECT_EQ(h.text({"FUNCTION", "LOAD", "#!lua name=clash\nredis.register_function('f1x', function() end)"}),
            R"("clash")");
  EXPECT_EQ(h.text({"FUNCTION", "RESTORE", payload}), err("ERR Library mylib already exists"));
  EXPECT_EQ(h.text({"FUNCTION", "STATS"}),
            R"(["running_script", nil, "engines", ["LUA", ["libraries_count", 2, "functions_count", 3]]])");
}

}  // namespace
}  // namespace arbor
