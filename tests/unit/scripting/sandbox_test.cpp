// The sandbox scripts run in, as Redis 7.0.15 answers: no os, io, print or
// file loading; globals and library tables are read-only (also through
// rawset, setmetatable, loadstring and the string metatable); missing
// globals are errors; reads through rawget and pairs still work.
#include <gtest/gtest.h>

#include <string>

#include "server/scripting/script_engine.h"
#include "tests/unit/commands/harness.h"

namespace arbor {
namespace {

using testing::CommandHarness;
using testing::err;

std::string error_text(CommandHarness& h, const std::string& script) {
  const auto reply = h.run({"EVAL", script, "0"});
  return reply.is_error() ? reply.str : "no error: " + reply.to_string();
}

TEST(Sandbox, NoProcessFileOrPrintAccess) {
  CommandHarness h;
  for (const char* name : {"os", "io", "print", "dofile", "loadfile", "require", "module", "package", "debug",
                           "getfenv", "setfenv", "newproxy"}) {
    EXPECT_TRUE(error_text(h, std::string("return ") + name)
                    .starts_with("ERR user_script:1: Script attempted to access nonexistent global variable '" +
                                 std::string(name) + "'"))
        << name;
  }
}

TEST(Sandbox, TheGlobalsScriptsSeeAreRedis7s) {
  CommandHarness h;
  EXPECT_EQ(h.text({"EVAL", "local t={} for k in pairs(_G) do t[#t+1]=k end table.sort(t) return t", "0"}),
            R"(["ARGV", "KEYS", "_G", "_VERSION", "__redis__err__handler", "assert", "bit", "cjson", "cmsgpack", )"
            R"("collectgarbage", "coroutine", "error", "gcinfo", "getmetatable", "ipairs", "load", "loadstring", )"
            R"("math", "next", "pairs", "pcall", "rawequal", "rawget", "rawset", "redis", "select", )"
            R"("setmetatable", "string", "struct", "table", "tonumber", "tostring", "type", "unpack", "xpcall"])");
  EXPECT_EQ(h.text({"EVAL", "return type(rawget(_G, 'redis'))", "0"}), R"("table")");
  EXPECT_EQ(h.text({"EVAL", "return rawget(_G, 'nosuch')", "0"}), "nil");
  EXPECT_EQ(h.text({"EVAL", "return type(getmetatable(''))", "0"}), R"("table")");
  EXPECT_EQ(h.text({"EVAL", "return ('abc'):upper()", "0"}), R"("ABC")");
  EXPECT_EQ(h.text({"EVAL", "return _VERSION", "0"}), R"("Lua 5.1")");
}

TEST(Sandbox, GlobalsAndLibrariesAreReadOnly) {
  CommandHarness h;
  EXPECT_TRUE(error_text(h, "x = 1").starts_with("ERR user_script:1: Attempt to modify a readonly table script:"));
  EXPECT_TRUE(error_text(h, "redis = nil").starts_with("ERR user_script:1: Attempt to modify a readonly table"));
  EXPECT_TRUE(error_text(h, "string.x = 1").starts_with("ERR user_script:1: Attempt to modify a readonly table"));
  EXPECT_TRUE(error_text(h, "string.format = nil").starts_with("ERR user_script:1: Attempt to modify a readonly"));
  EXPECT_TRUE(error_text(h, "redis.call = nil").starts_with("ERR user_script:1: Attempt to modify a readonly"));
  EXPECT_TRUE(error_text(h, "getmetatable('').__index.upper = nil")
                  .starts_with("ERR user_script:1: Attempt to modify a readonly table"));
  EXPECT_TRUE(error_text(h, "local mt = getmetatable(_G) mt.x = 1").starts_with("ERR user_script:1: Attempt to modify"));
  EXPECT_TRUE(error_text(h, "rawset(_G, 'x', 1)").starts_with("ERR Attempt to modify a readonly table script:"));
  EXPECT_TRUE(error_text(h, "setmetatable(_G, nil)").starts_with("ERR Attempt to modify a readonly table script:"));
  EXPECT_TRUE(error_text(h, "return loadstring('x=1')()")
                  .starts_with("ERR [string \"x=1\"]:1: Attempt to modify a readonly table script:"));
  EXPECT_TRUE(error_text(h, "table.insert(_G, 'x')").starts_with("ERR Attempt to modify a readonly table script:"));
  EXPECT_EQ(h.text({"EVAL", "table.sort(string) return table.remove(_G)", "0"}), "nil");  // nothing written
  EXPECT_EQ(h.text({"EVAL", "local t = {3, 1, 2} table.sort(t) table.insert(t, 4) table.remove(t, 1) return t", "0"}),
            "[2, 3, 4]");
  EXPECT_EQ(h.text({"EVAL", "local ok = pcall(function() x = 1 end) return tostring(ok)", "0"}), R"("false")");
  // Nothing leaked into the next script.
  EXPECT_EQ(h.text({"EVAL", "return {string.upper('a'), type(redis.call), rawget(_G, 'x') == nil}", "0"}),
            R"(["A", "function", 1])");
  // Local tables are the script's own.
  EXPECT_EQ(h.text({"EVAL", "local t = {} t.a = 1 setmetatable(t, {}) rawset(t, 'b', 2) return t.a + t.b", "0"}),
            "3");
}

TEST(Sandbox, ARunawayAllocationIsAnErrorNotACrash) {
  CommandHarness h;
  scripting::engine(h.instance()).env().set_memory_cap(32 << 20);  // (1 GiB in the server)
  const std::string text =
      error_text(h, "local t = {} local s = string.rep('x', 1024 * 1024) for i = 1, 100000 do t[i] = s .. i end");
  EXPECT_NE(text.find("not enough memory"), std::string::npos) << text;
  EXPECT_EQ(h.text({"EVAL", "return 1", "0"}), "1");
}

}  // namespace
}  // namespace arbor
