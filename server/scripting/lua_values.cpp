// Reply <-> Lua conversions (Redis's redisProtocolToLuaType and
// luaReplyToRedisReply).
#include "server/scripting/lua_values.h"

#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <string>

namespace arbor::scripting {
namespace {

// Reads one CRLF-terminated line from `in` (without the type byte).
std::string_view line(std::string_view& in) {
  const size_t end = in.find("\r\n");
  std::string_view text = in.substr(1, end - 1);
  in.remove_prefix(end + 2);
  return text;
}

int64_t number(std::string_view text) {
  int64_t value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

void ensure_stack(lua_State* lua) {
  if (!lua_checkstack(lua, 5)) luaL_error(lua, "reached lua stack limit");
}

void push_one(lua_State* lua, std::string_view& in);

// {name = value on top}
void wrap_in_table(lua_State* lua, const char* name) {
  lua_newtable(lua);
  lua_insert(lua, -2);
  lua_setfield(lua, -2, name);
}

void push_bulk(lua_State* lua, std::string_view& in) {
  const int64_t len = number(line(in));
  if (len < 0) return lua_pushboolean(lua, 0);
  lua_pushlstring(lua, in.data(), static_cast<size_t>(len));
  in.remove_prefix(static_cast<size_t>(len) + 2);
}

void push_one(lua_State* lua, std::string_view& in) {
  ensure_stack(lua);
  const char type = in[0];
  switch (type) {
    case '+': {
      const std::string_view text = line(in);
      lua_pushlstring(lua, text.data(), text.size());
      return wrap_in_table(lua, "ok");
    }
    case '-': {
      const std::string_view text = line(in);
      lua_pushlstring(lua, text.data(), text.size());
      return wrap_in_table(lua, "err");
    }
    case ':':
      return lua_pushnumber(lua, static_cast<lua_Number>(number(line(in))));
    case '$':
      return push_bulk(lua, in);
    case '_':
      line(in);
      return lua_pushnil(lua);
    case '#':
      return lua_pushboolean(lua, line(in) == "t");
    case ',': {
      const std::string text(line(in));
      lua_pushnumber(lua, std::strtod(text.c_str(), nullptr));
      return wrap_in_table(lua, "double");
    }
    case '(': {
      const std::string_view text = line(in);
      lua_pushlstring(lua, text.data(), text.size());
      return wrap_in_table(lua, "big_number");
    }
    case '=': {
      const int64_t len = number(line(in));
      const std::string_view body = in.substr(0, static_cast<size_t>(len));
      in.remove_prefix(static_cast<size_t>(len) + 2);
      lua_newtable(lua);
      lua_pushlstring(lua, body.data(), body.size() < 3 ? body.size() : 3);
      lua_setfield(lua, -2, "format");
      const std::string_view text = body.size() >= 4 ? body.substr(4) : std::string_view{};
      lua_pushlstring(lua, text.data(), text.size());
      lua_setfield(lua, -2, "string");
      return wrap_in_table(lua, "verbatim_string");
    }
    case '*':
    case '>': {
      const int64_t count = number(line(in));
      if (count < 0) return lua_pushboolean(lua, 0);
      lua_createtable(lua, static_cast<int>(count), 0);
      for (int64_t i = 1; i <= count; ++i) {
        push_one(lua, in);
        lua_rawseti(lua, -2, static_cast<int>(i));
      }
      return;
    }
    case '%':
    case '~': {
      const int64_t count = number(line(in));
      lua_createtable(lua, 0, static_cast<int>(count));
      for (int64_t i = 0; i < count; ++i) {
        push_one(lua, in);
        if (type == '%') push_one(lua, in);
        else lua_pushboolean(lua, 1);
        lua_rawset(lua, -3);
      }
      return wrap_in_table(lua, type == '%' ? "map" : "set");
    }
    case '|': {  // attributes are dropped; the reply they annotate follows
      const int64_t count = number(line(in));
      for (int64_t i = 0; i < 2 * count; ++i) {
        push_one(lua, in);
        lua_pop(lua, 1);
      }
      return push_one(lua, in);
    }
    default:
      luaL_error(lua, "unexpected reply type '%c'", type);
  }
}

// Pushes t[name] for the table on top; true when it has type `type`.
bool field_of_type(lua_State* lua, const char* name, int type) {
  lua_pushstring(lua, name);
  lua_rawget(lua, -2);
  if (lua_type(lua, -1) == type) return true;
  lua_pop(lua, 1);
  return false;
}

std::string to_string(lua_State* lua, int index) {
  size_t len = 0;
  const char* s = lua_tolstring(lua, index, &len);
  return std::string(s, len);
}

// Redis maps CR and LF to spaces in status and big-number replies.
std::string one_line(std::string text) {
  for (char& c : text)
    if (c == '\r' || c == '\n') c = ' ';
  return text;
}

void write_table(lua_State* lua, protocol::ReplyWriter& reply, int script_resp) {
  if (field_of_type(lua, "err", LUA_TSTRING)) {
    std::string message = to_string(lua, -1);
    lua_pop(lua, 1);
    return reply.error(message);
  }
  if (field_of_type(lua, "ok", LUA_TSTRING)) {
    reply.simple(one_line(to_string(lua, -1)));
    return lua_pop(lua, 1);
  }
  if (field_of_type(lua, "double", LUA_TNUMBER)) {
    reply.double_value(lua_tonumber(lua, -1));
    return lua_pop(lua, 1);
  }
  if (field_of_type(lua, "big_number", LUA_TSTRING)) {
    reply.big_number(one_line(to_string(lua, -1)));
    return lua_pop(lua, 1);
  }
  if (field_of_type(lua, "verbatim_string", LUA_TTABLE)) {
    if (field_of_type(lua, "format", LUA_TSTRING)) {
      if (lua_type(lua, -2) == LUA_TTABLE) {
        lua_pushstring(lua, "string");
        lua_rawget(lua, -3);
        if (lua_type(lua, -1) == LUA_TSTRING) {
          reply.verbatim(to_string(lua, -1), to_string(lua, -2));
          return lua_pop(lua, 3);
        }
        lua_pop(lua, 1);
      }
      lua_pop(lua, 1);
    }
    lua_pop(lua, 1);
  }
  if (field_of_type(lua, "map", LUA_TTABLE)) {
    const size_t mark = reply.begin_deferred();
    size_t pairs = 0;
    lua_pushnil(lua);
    while (lua_next(lua, -2)) {
      lua_pushvalue(lua, -2);
      write_lua_value(lua, reply, script_resp);  // key
      write_lua_value(lua, reply, script_resp);  // value
      ++pairs;
    }
    reply.end_deferred_map(mark, pairs);
    return lua_pop(lua, 1);
  }
  if (field_of_type(lua, "set", LUA_TTABLE)) {
    const size_t mark = reply.begin_deferred();
    size_t count = 0;
    lua_pushnil(lua);
    while (lua_next(lua, -2)) {
      lua_pop(lua, 1);
      lua_pushvalue(lua, -1);
      write_lua_value(lua, reply, script_resp);
      ++count;
    }
    reply.end_deferred_set(mark, count);
    return lua_pop(lua, 1);
  }
  const size_t mark = reply.begin_deferred();
  size_t count = 0;
  for (int i = 1;; ++i) {
    lua_rawgeti(lua, -1, i);
    if (lua_isnil(lua, -1)) {
      lua_pop(lua, 1);
      break;
    }
    write_lua_value(lua, reply, script_resp);
    ++count;
  }
  reply.end_deferred_array(mark, count);
}

}  // namespace

void push_reply(lua_State* lua, std::string_view resp) { push_one(lua, resp); }

void write_lua_value(lua_State* lua, protocol::ReplyWriter& reply, int script_resp) {
  if (!lua_checkstack(lua, 4)) {
    // Too deep (a table that contains itself): as Redis, an error reply.
    reply.error("ERR reached lua stack limit");
    lua_pop(lua, 1);
    return;
  }
  switch (lua_type(lua, -1)) {
    case LUA_TSTRING: {
      size_t len = 0;
      const char* s = lua_tolstring(lua, -1, &len);
      reply.bulk(std::string_view(s, len));
      break;
    }
    case LUA_TBOOLEAN:
      if (script_resp == 2) {
        if (lua_toboolean(lua, -1)) reply.integer(1);
        else reply.null();
      } else {
        reply.boolean(lua_toboolean(lua, -1));
      }
      break;
    case LUA_TNUMBER: {
      // Truncated as Redis's (long long) cast; what x86 gives for NaN and
      // values out of range (the minimum), without the undefined cast.
      const double n = lua_tonumber(lua, -1);
      const bool fits = n > -9223372036854775808.0 && n < 9223372036854775808.0;
      reply.integer(fits ? static_cast<int64_t>(n) : INT64_MIN);
      break;
    }
    case LUA_TTABLE:
      write_table(lua, reply, script_resp);
      break;
    default:
      reply.null();
  }
  lua_pop(lua, 1);
}

}  // namespace arbor::scripting
