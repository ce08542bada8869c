// The conversions between replies and Lua values, exactly as Redis 7.0
// documents them. A command's reply (RESP bytes our own writer produced,
// RESP2 or RESP3 as the script chose with redis.setresp) becomes a Lua
// value; a script's Lua result becomes the reply to its caller.
#pragma once

#include <string_view>

#include "protocol/reply_writer.h"
#include "server/scripting/lua.h"

namespace arbor::scripting {

// Pushes the Lua form of the one reply at the start of `resp` (well-formed,
// as written by ReplyWriter). RESP2: integer -> number, bulk -> string,
// null -> false, array -> table, status -> {ok=}, error -> {err=}.
// RESP3 adds: null -> nil, boolean, map -> {map=}, set -> {set=},
// double -> {double=}, big number -> {big_number=}, verbatim ->
// {verbatim_string={format=, string=}}.
void push_reply(lua_State* lua, std::string_view resp);

// Writes the value on top of the Lua stack (and pops it) as a reply:
// string -> bulk, number -> integer (truncated), true -> 1 (RESP2) or
// boolean, false/nil -> null (RESP2) or boolean false / null, tables by
// their err / ok / double / big_number / verbatim_string / map / set field,
// else an array up to the first nil. `script_resp` is the protocol the
// script chose (booleans follow it, as Redis).
void write_lua_value(lua_State* lua, protocol::ReplyWriter& reply, int script_resp);

}  // namespace arbor::scripting
