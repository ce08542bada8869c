// FUNCTION and FCALL through the in-process harness, with the replies and
// error texts of redis-server 7.0.15.
#include <gtest/gtest.h>

#include <string>

#include "tests/unit/commands/harness.h"
#include "tests/unit/scripting/sample_library.h"

namespace arbor {
namespace {

using testing::CommandHarness;
using testing::err;
using testing::kOk;

const std::string kLib{testing::kSampleLibrary};

TEST(Functions, LoadCallListDelete) {
  CommandHarness h;
  EXPECT_EQ(h.text({"FUNCTION", "LOAD", kLib}), R"("mylib")");
  EXPECT_EQ(h.text({"FCALL", "f1", "1", "k", "a"}), R"(["k", "a"])");
  EXPECT_EQ(h.text({"FCALL", "F2", "0"}), R"("PONG")");  // function names ignore case
  EXPECT_EQ(h.text({"FCALL_RO", "f2", "0"}), R"("PONG")");
  EXPECT_EQ(h.text({"FCALL_RO", "f1", "0"}), err("ERR Can not execute a script with write flag using *_ro command."));
  EXPECT_EQ(h.text({"FUNCTION", "LIST"}),
            R"([["library_name", "mylib", "engine", "LUA", "functions", [["name", "f1", "description", nil, )"
            R"("flags", []], ["name", "f2", "description", "d", "flags", ["no-writes"]]]]])");
  // The pattern ignores case, as Redis's; WITHCODE adds the code.
  EXPECT_NE(h.text({"FUNCTION", "LIST", "LIBRARYNAME", "MY*", "WITHCODE"}).find(R"("library_code", "#!lua name=mylib)"),
            std::string::npos);
  EXPECT_EQ(h.text({"FUNCTION", "LIST", "LIBRARYNAME", "other*"}), "[]");
  EXPECT_EQ(h.text({"FUNCTION", "STATS"}),
            R"(["running_script", nil, "engines", ["LUA", ["libraries_count", 1, "functions_count", 2]]])");
  EXPECT_EQ(h.text({"FUNCTION", "LOAD", kLib}), err("ERR Library 'mylib' already exists"));
  EXPECT_EQ(h.text({"FUNCTION", "LOAD", "REPLACE", kLib}), R"("mylib")");
  EXPECT_EQ(h.text({"FUNCTION", "LOAD", "#!lua name=other\nredis.register_function('f1', function() end)"}),
            err("ERR Function f1 already exists"));
  EXPECT_EQ(h.text({"FUNCTION", "DELETE", "nosuch"}), err("ERR Library not found"));
  EXPECT_EQ(h.text({"FUNCTION", "DELETE", "mylib"}), kOk);
  EXPECT_EQ(h.text({"FCALL", "f1", "0"}), err("ERR Function not found"));
  EXPECT_EQ(h.text({"FUNCTION", "LOAD", kLib}), R"("mylib")");
  EXPECT_EQ(h.text({"FUNCTION", "FLUSH", "bad"}), err("ERR FUNCTION FLUSH only supports SYNC|ASYNC option"));
  EXPECT_EQ(h.text({"FUNCTION", "FLUSH"}), kOk);
  EXPECT_EQ(h.text({"FUNCTION", "LIST"}), "[]");
}

TEST(Functions, LoadErrors) {
  CommandHarness h;
  auto load = [&](const std::string& code) { return h.text({"FUNCTION", "LOAD", code}); };
  EXPECT_EQ(load("mylib"), err("ERR Missing library metadata"));
  EXPECT_EQ(load("#!lua"), err("ERR Invalid library metadata"));
  EXPECT_EQ(load("#!lua\nx"), err("ERR Library name was not given"));
  EXPECT_EQ(load("#!js name=x\nx"), err("ERR Engine 'js' not found"));
  EXPECT_EQ(load("#!lua name=a name=b\nx"),
            err("ERR Invalid metadata value, name argument was given multiple times"));
  EXPECT_EQ(load("#!lua foo=bar\nx"), err("ERR Invalid metadata value given: foo=bar"));
  EXPECT_EQ(load("#!lua name=a-b\nx"),
            err("ERR Library names can only contain letters, numbers, or underscores(_) and must be at least one "
                "character long"));
  EXPECT_EQ(h.text({"FUNCTION", "LOAD", "REPLACE2", "#!lua name=x\nx"}), err("ERR Unknown option given: REPLACE2"));
  EXPECT_EQ(load("#!lua name=l2\nreturn 1 +"),
            err("ERR Error compiling function: user_function:2: unexpected symbol near '<eof>'"));
  EXPECT_EQ(load("#!lua name=l3\nlocal x = 1"), err("ERR No functions registered"));
  EXPECT_EQ(load("#!lua name=l3\nredis.register_function('f')"),
            err("ERR Error registering functions: ERR calling redis.register_function with a single argument is "
                "only applicable to Lua table (representing named arguments)."));
  EXPECT_EQ(load("#!lua name=l3\nerror('boom')"),
            err("ERR Error registering functions: ERR user_function:2: Script attempted to access nonexistent "
                "global variable 'error'"));
  EXPECT_EQ(load("#!lua name=l3\nredis.call('ping')"),
            err("ERR Error registering functions: ERR user_function:2: Script attempted to access nonexistent "
                "global variable 'call'"));
  EXPECT_EQ(load("#!lua name=l3\nredis.register_function('bad-name', function() end)"),
            err("ERR Error registering functions: ERR Library names can only contain letters, numbers, or "
                "underscores(_) and must be at least one character long"));
  EXPECT_EQ(load("#!lua name=l3\nredis.register_function{function_name='f3', callback=function() end, "
                 "flags={'bad'}}"),
            err("ERR Error registering functions: ERR unknown flag given"));
  EXPECT_EQ(load("#!lua name=l3\nredis.register_function('ab', function() end)\n"
                 "redis.register_function('AB', function() end)"),
            err("ERR Error registering functions: ERR Function already exists in the library"));
  EXPECT_EQ(load("#!lua name=l3\nx = 1"),
            err("ERR Error registering functions: ERR user_function:2: Attempt to modify a readonly table"));
  EXPECT_EQ(h.text({"FUNCTION", "LIST"}), "[]");  // nothing half-loaded stayed
}

TEST(Functions, RunTimeErrorsAndEnvironment) {
  CommandHarness h;
  EXPECT_EQ(h.text({"FUNCTION", "LOAD",
                    "#!lua name=l\n"
                    "redis.register_function('f5', function() return KEYS end)\n"
                    "redis.register_function('f6', function() error('x') end)\n"
                    "redis.register_function('f7', function(k, a) return redis.call('set', k[1], a[1]) end)\n"
                    "redis.register_function('f8', function() return {type(redis.register_function), "
                    "type(redis.breakpoint), type(redis.setresp)} end)"}),
            R"("l")");
  EXPECT_EQ(h.text({"FCALL", "f5", "0"}),
            err("ERR user_function:2: Script attempted to access nonexistent global variable 'KEYS' script: f5, "
                "on @user_function:2."));
  EXPECT_EQ(h.text({"FCALL", "f6", "0"}), err("ERR user_function:3: x script: f6, on @user_function:3."));
  EXPECT_EQ(h.text({"FCALL", "f7", "1", "k", "v"}), kOk);
  EXPECT_EQ(h.text({"GET", "k"}), R"("v")");
  EXPECT_EQ(h.text({"FCALL", "f8", "0"}), R"(["nil", "nil", "function"])");
  EXPECT_EQ(h.text({"FCALL", "f7", "-1"}), err("ERR Number of keys can't be negative"));
  EXPECT_EQ(h.text({"FCALL", "f7", "2", "a"}), err("ERR Number of keys can't be greater than number of args"));
  EXPECT_EQ(h.text({"FCALL", "f7", "x"}), err("ERR Bad number of keys provided"));
  EXPECT_EQ(h.text({"FUNCTION", "KILL"}), err("NOTBUSY No scripts in execution right now."));
}

}  // namespace
}  // namespace arbor
