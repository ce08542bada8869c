// The one header that includes Lua 5.1: Debian's liblua5.1-c++, Lua built
// as C++, so a Lua error is a C++ exception that unwinds our frames (never
// a longjmp over destructors). cjson and bit come from Debian's static
// libraries; struct and cmsgpack are ours.
#pragma once

#include <lua5.1/lua.hpp>

extern "C" {
int luaopen_cjson(lua_State* lua);
int luaopen_bit(lua_State* lua);
}

namespace arbor::scripting {
int open_struct_library(lua_State* lua);
int open_cmsgpack_library(lua_State* lua);
}  // namespace arbor::scripting
