// The `cmsgpack` library Redis gives scripts (lua-cmsgpack 0.4.0
// semantics): pack(...) encodes each argument and concatenates them;
// unpack(s) returns every value in s; unpack_one(s [, offset]) and
// unpack_limit(s, limit [, offset]) return the next offset (-1 at the end)
// before the values. Numbers that are whole encode as the smallest integer
// form, others as float32 when exact, else float64; tables whose keys are
// 1..n are arrays, others maps; nesting past 16 levels encodes nil.
#include <climits>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>

#include "server/scripting/lua.h"

namespace arbor::scripting {
namespace {

constexpr int kMaxNesting = 16;

void put_big_endian(std::string& out, uint64_t value, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

void encode_int(std::string& out, int64_t n) {
  if (n >= 0) {
    if (n <= 127) out.push_back(static_cast<char>(n));
    else if (n <= 0xff) out.push_back(char(0xcc)), put_big_endian(out, uint64_t(n), 1);
    else if (n <= 0xffff) out.push_back(char(0xcd)), put_big_endian(out, uint64_t(n), 2);
    else if (n <= 0xffffffffLL) out.push_back(char(0xce)), put_big_endian(out, uint64_t(n), 4);
    else out.push_back(char(0xcf)), put_big_endian(out, uint64_t(n), 8);
  } else {
    if (n >= -32) out.push_back(static_cast<char>(n));
    else if (n >= -128) out.push_back(char(0xd0)), put_big_endian(out, uint64_t(n), 1);
    else if (n >= -32768) out.push_back(char(0xd1)), put_big_endian(out, uint64_t(n), 2);
    else if (n >= -2147483648LL) out.push_back(char(0xd2)), put_big_endian(out, uint64_t(n), 4);
    else out.push_back(char(0xd3)), put_big_endian(out, uint64_t(n), 8);
  }
}

void encode_double(std::string& out, double d) {
  const float f = static_cast<float>(d);
  if (static_cast<double>(f) == d) {
    uint32_t bits;
    std::memcpy(&bits, &f, 4);
    out.push_back(char(0xca));
    put_big_endian(out, bits, 4);
  } else {
    uint64_t bits;
    std::memcpy(&bits, &d, 8);
    out.push_back(char(0xcb));
    put_big_endian(out, bits, 8);
  }
}

void encode_string(std::string& out, const char* s, size_t len) {
  if (len < 32) out.push_back(static_cast<char>(0xa0 | len));
  else if (len <= 0xff) out.push_back(char(0xd9)), put_big_endian(out, len, 1);
  else if (len <= 0xffff) out.push_back(char(0xda)), put_big_endian(out, len, 2);
  else out.push_back(char(0xdb)), put_big_endian(out, len, 4);
  out.append(s, len);
}

// Keys exactly 1..n (an empty table counts as an array).
bool is_array(lua_State* lua) {
  const int top = lua_gettop(lua);
  lua_Number count = 0, max = 0;
  lua_pushnil(lua);
  while (lua_next(lua, -2)) {
    lua_pop(lua, 1);
    lua_Number n;
    if (lua_type(lua, -1) != LUA_TNUMBER || (n = lua_tonumber(lua, -1)) <= 0 || std::floor(n) != n) {
      lua_settop(lua, top);
      return false;
    }
    if (n > max) max = n;
    ++count;
  }
  lua_settop(lua, top);
  return max == count;
}

void encode(lua_State* lua, std::string& out, int level);

void encode_table(lua_State* lua, std::string& out, int level) {
  luaL_checkstack(lua, 3, "in function encode_table");
  if (is_array(lua)) {
    const size_t len = lua_objlen(lua, -1);
    if (len <= 15) out.push_back(static_cast<char>(0x90 | len));
    else if (len <= 0xffff) out.push_back(char(0xdc)), put_big_endian(out, len, 2);
    else out.push_back(char(0xdd)), put_big_endian(out, len, 4);
    for (size_t i = 1; i <= len; ++i) {
      lua_rawgeti(lua, -1, static_cast<int>(i));
      encode(lua, out, level + 1);
    }
    return;
  }
  size_t pairs = 0;
  lua_pushnil(lua);
  while (lua_next(lua, -2)) {
    lua_pop(lua, 1);
    ++pairs;
  }
  if (pairs <= 15) out.push_back(static_cast<char>(0x80 | pairs));
  else if (pairs <= 0xffff) out.push_back(char(0xde)), put_big_endian(out, pairs, 2);
  else out.push_back(char(0xdf)), put_big_endian(out, pairs, 4);
  lua_pushnil(lua);
  while (lua_next(lua, -2)) {
    lua_pushvalue(lua, -2);
    encode(lua, out, level + 1);  // key
    encode(lua, out, level + 1);  // value
  }
}

// Encodes the value on top and pops it.
void encode(lua_State* lua, std::string& out, int level) {
  int type = lua_type(lua, -1);
  if (type == LUA_TTABLE && level == kMaxNesting) type = LUA_TNIL;
  switch (type) {
    case LUA_TSTRING: {
      size_t len = 0;
      const char* s = lua_tolstring(lua, -1, &len);
      encode_string(out, s, len);
      break;
    }
    case LUA_TBOOLEAN:
      out.push_back(lua_toboolean(lua, -1) ? char(0xc3) : char(0xc2));
      break;
    case LUA_TNUMBER: {
      const lua_Number n = lua_tonumber(lua, -1);
      const bool whole = !std::isinf(n) && !std::isnan(n) && n >= -9223372036854775808.0 &&
                         n < 9223372036854775808.0 && static_cast<lua_Number>(static_cast<int64_t>(n)) == n;
      if (whole) encode_int(out, static_cast<int64_t>(n));
      else encode_double(out, n);
      break;
    }
    case LUA_TTABLE:
      encode_table(lua, out, level);
      break;
    default:
      out.push_back(char(0xc0));
  }
  lua_pop(lua, 1);
}

int pack(lua_State* lua) {
  const int argc = lua_gettop(lua);
  if (argc == 0) return luaL_argerror(lua, 0, "MessagePack pack needs input.");
  std::string out;
  for (int i = 1; i <= argc; ++i) {
    lua_pushvalue(lua, i);
    encode(lua, out, 0);
  }
  lua_pushlstring(lua, out.data(), out.size());
  return 1;
}

enum class Fault { kNone, kEof, kBadFormat };

struct Cursor {
  const unsigned char* p;
  size_t left;
  Fault fault = Fault::kNone;
  bool need(size_t n) {
    if (left < n) fault = Fault::kEof;
    return left >= n;
  }
  uint64_t big_endian(size_t at, int bytes) const {
    uint64_t v = 0;
    for (int i = 0; i < bytes; ++i) v = (v << 8) | p[at + i];
    return v;
  }
  void skip(size_t n) { p += n, left -= n; }
};

void decode(lua_State* lua, Cursor& c);

void decode_string(lua_State* lua, Cursor& c, int header, int length_bytes) {
  if (!c.need(header)) return;
  const size_t len = length_bytes == 0 ? (c.p[0] & 0x1f) : c.big_endian(1, length_bytes);
  if (!c.need(header + len)) return;
  lua_pushlstring(lua, reinterpret_cast<const char*>(c.p + header), len);
  c.skip(header + len);
}

void decode_array(lua_State* lua, Cursor& c, size_t count) {
  luaL_checkstack(lua, 3, "in function decode_array");
  lua_newtable(lua);
  for (size_t i = 1; i <= count && c.fault == Fault::kNone; ++i) {
    decode(lua, c);
    if (c.fault != Fault::kNone) return;
    lua_rawseti(lua, -2, static_cast<int>(i));
  }
}

void decode_map(lua_State* lua, Cursor& c, size_t count) {
  luaL_checkstack(lua, 3, "in function decode_map");
  lua_newtable(lua);
  for (size_t i = 0; i < count && c.fault == Fault::kNone; ++i) {
    decode(lua, c);
    if (c.fault != Fault::kNone) return;
    decode(lua, c);
    if (c.fault != Fault::kNone) return;
    lua_settable(lua, -3);
  }
}

void decode(lua_State* lua, Cursor& c) {
  luaL_checkstack(lua, 1, "too many items");
  if (!c.need(1)) return;
  const unsigned char type = c.p[0];
  auto integer = [&](int bytes, bool is_signed) {
    if (!c.need(1 + bytes)) return;
    const uint64_t raw = c.big_endian(1, bytes);
    if (is_signed) {
      const int shift = 64 - 8 * bytes;
      const int64_t value = shift == 0 ? static_cast<int64_t>(raw) : static_cast<int64_t>(raw << shift) >> shift;
      lua_pushnumber(lua, static_cast<lua_Number>(value));
    } else {
      lua_pushnumber(lua, static_cast<lua_Number>(raw));
    }
    c.skip(1 + bytes);
  };
  if (type <= 0x7f) return lua_pushnumber(lua, type), c.skip(1);
  if (type >= 0xe0) return lua_pushnumber(lua, static_cast<signed char>(type)), c.skip(1);
  if ((type & 0xe0) == 0xa0) return decode_string(lua, c, 1, 0);
  if ((type & 0xf0) == 0x90) return c.skip(1), decode_array(lua, c, type & 0x0f);
  if ((type & 0xf0) == 0x80) return c.skip(1), decode_map(lua, c, type & 0x0f);
  switch (type) {
    case 0xc0: lua_pushnil(lua); return c.skip(1);
    case 0xc2: lua_pushboolean(lua, 0); return c.skip(1);
    case 0xc3: lua_pushboolean(lua, 1); return c.skip(1);
    case 0xcc: return integer(1, false);
    case 0xcd: return integer(2, false);
    case 0xce: return integer(4, false);
    case 0xcf: return integer(8, false);
    case 0xd0: return integer(1, true);
    case 0xd1: return integer(2, true);
    case 0xd2: return integer(4, true);
    case 0xd3: return integer(8, true);
    case 0xca: {
      if (!c.need(5)) return;
      const auto bits = static_cast<uint32_t>(c.big_endian(1, 4));
      float f;
      std::memcpy(&f, &bits, 4);
      lua_pushnumber(lua, f);
      return c.skip(5);
    }
    case 0xcb: {
      if (!c.need(9)) return;
      const uint64_t bits = c.big_endian(1, 8);
      double d;
      std::memcpy(&d, &bits, 8);
      lua_pushnumber(lua, d);
      return c.skip(9);
    }
    case 0xc4: case 0xd9: return decode_string(lua, c, 2, 1);
    case 0xc5: case 0xda: return decode_string(lua, c, 3, 2);
    case 0xc6: case 0xdb: return decode_string(lua, c, 5, 4);
    case 0xdc:
      if (!c.need(3)) return;
      { const size_t n = c.big_endian(1, 2); c.skip(3); return decode_array(lua, c, n); }
    case 0xdd:
      if (!c.need(5)) return;
      { const size_t n = c.big_endian(1, 4); c.skip(5); return decode_array(lua, c, n); }
    case 0xde:
      if (!c.need(3)) return;
      { const size_t n = c.big_endian(1, 2); c.skip(3); return decode_map(lua, c, n); }
    case 0xdf:
      if (!c.need(5)) return;
      { const size_t n = c.big_endian(1, 4); c.skip(5); return decode_map(lua, c, n); }
    default:
      c.fault = Fault::kBadFormat;
  }
}

int unpack_full(lua_State* lua, lua_Integer limit, lua_Integer offset) {
  size_t len = 0;
  const char* s = luaL_checklstring(lua, 1, &len);
  const bool decode_all = limit == 0 && offset == 0;
  if (offset < 0 || limit < 0)
    return luaL_error(lua, "Invalid request to unpack with offset of %d and limit of %d.", int(offset), int(len));
  if (static_cast<size_t>(offset) > len)
    return luaL_error(lua, "Start offset %d greater than input length %d.", int(offset), int(len));
  if (decode_all) limit = INT_MAX;
  Cursor c{reinterpret_cast<const unsigned char*>(s) + offset, len - static_cast<size_t>(offset)};
  int count = 0;
  for (; c.left > 0 && count < limit; ++count) {
    decode(lua, c);
    if (c.fault == Fault::kEof) return luaL_error(lua, "Missing bytes in input.");
    if (c.fault == Fault::kBadFormat) return luaL_error(lua, "Bad data format in input.");
  }
  if (!decode_all) {
    luaL_checkstack(lua, 1, "in function mp_unpack_full");
    lua_pushinteger(lua, c.left == 0 ? -1 : static_cast<lua_Integer>(len - c.left));
    lua_insert(lua, 2);
    ++count;
  }
  return count;
}

int unpack(lua_State* lua) { return unpack_full(lua, 0, 0); }

int unpack_one(lua_State* lua) {
  const lua_Integer offset = luaL_optinteger(lua, 2, 0);
  lua_settop(lua, 1);
  return unpack_full(lua, 1, offset);
}

int unpack_limit(lua_State* lua) {
  const lua_Integer limit = luaL_checkinteger(lua, 2);
  const lua_Integer offset = luaL_optinteger(lua, 3, 0);
  lua_settop(lua, 1);
  return unpack_full(lua, limit, offset);
}

}  // namespace

int open_cmsgpack_library(lua_State* lua) {
  static const luaL_Reg kFunctions[] = {{"pack", pack},
                                        {"unpack", unpack},
                                        {"unpack_one", unpack_one},
                                        {"unpack_limit", unpack_limit},
                                        {nullptr, nullptr}};
  luaL_register(lua, "cmsgpack", kFunctions);
  lua_pushliteral(lua, "cmsgpack");
  lua_setfield(lua, -2, "_NAME");
  lua_pushliteral(lua, "lua-cmsgpack 0.4.0");
  lua_setfield(lua, -2, "_VERSION");
  lua_pushliteral(lua, "Copyright (C) 2012, Salvatore Sanfilippo");
  lua_setfield(lua, -2, "_COPYRIGHT");
  lua_pushliteral(lua, "MessagePack C implementation for Lua");
  lua_setfield(lua, -2, "_DESCRIPTION");
  return 1;
}

}  // namespace arbor::scripting
