// The `struct` library Redis gives scripts (Roberto Ierusalimschy's struct
// 0.2 semantics): struct.pack(fmt, ...), struct.unpack(fmt, data [, pos])
// and struct.size(fmt). Formats: '<' '>' byte order, '!n' maximum
// alignment, 'x' padding, b/B h/H l/L T i/In I/In integers, f d floats,
// 's' zero-terminated and 'cn' fixed strings ('c0' in unpack takes the
// length from the value before it).
#include <cctype>
#include <climits>
#include <cstdint>
#include <cstring>
#include <string>

#include "server/scripting/lua.h"

namespace arbor::scripting {
namespace {

constexpr int kMaxIntSize = 32;
struct AlignProbe {
  char c;
  union {
    double d;
    void* p;
    long l;
  } u;
};
constexpr int kMaxAlign = offsetof(AlignProbe, u);

struct Header {
  bool little = true;
  int align = 1;
};

int read_number(lua_State* lua, const char*& fmt, int fallback) {
  if (!std::isdigit(static_cast<unsigned char>(*fmt))) return fallback;
  int value = 0;
  do {
    const int digit = *fmt - '0';
    if (value > INT_MAX / 10 || value * 10 > INT_MAX - digit) luaL_error(lua, "integral size overflow");
    value = value * 10 + digit;
    ++fmt;
  } while (std::isdigit(static_cast<unsigned char>(*fmt)));
  return value;
}

size_t option_size(lua_State* lua, char opt, const char*& fmt) {
  switch (opt) {
    case 'B': case 'b': return sizeof(char);
    case 'H': case 'h': return sizeof(short);
    case 'L': case 'l': return sizeof(long);
    case 'T': return sizeof(size_t);
    case 'f': return sizeof(float);
    case 'd': return sizeof(double);
    case 'x': return 1;
    case 'c': return static_cast<size_t>(read_number(lua, fmt, 1));
    case 'i': case 'I': {
      const int size = read_number(lua, fmt, sizeof(int));
      if (size > kMaxIntSize) luaL_error(lua, "integral size %d is larger than limit of %d", size, kMaxIntSize);
      return static_cast<size_t>(size);
    }
    default: return 0;
  }
}

size_t padding(size_t offset, const Header& h, char opt, size_t size) {
  if (size == 0 || opt == 'c') return 0;
  if (size > static_cast<size_t>(h.align)) size = static_cast<size_t>(h.align);
  return (size - (offset & (size - 1))) & (size - 1);
}

void control_option(lua_State* lua, char opt, const char*& fmt, Header& h) {
  switch (opt) {
    case ' ': return;
    case '>': h.little = false; return;
    case '<': h.little = true; return;
    case '!': {
      const int a = read_number(lua, fmt, kMaxAlign);
      if (a <= 0 || (a & (a - 1)) != 0) luaL_error(lua, "alignment %d is not a power of 2", a);
      h.align = a;
      return;
    }
    default:
      luaL_argerror(lua, 1, lua_pushfstring(lua, "invalid format option '%c'", opt));
  }
}

void put_integer(lua_State* lua, std::string& out, int arg, const Header& h, size_t size) {
  const lua_Number n = luaL_checknumber(lua, arg);
  uint64_t value = n < 0 ? static_cast<uint64_t>(static_cast<int64_t>(n)) : static_cast<uint64_t>(n);
  char bytes[kMaxIntSize];
  for (size_t i = 0; i < size; ++i) {
    bytes[h.little ? i : size - 1 - i] = static_cast<char>(value & 0xff);
    value = i < 7 ? value >> 8 : 0;
  }
  out.append(bytes, size);
}

// Floats are stored in the byte order asked for (the host is little-endian).
void put_bytes(std::string& out, const void* data, size_t size, const Header& h) {
  char bytes[8];
  std::memcpy(bytes, data, size);
  if (!h.little)
    for (size_t i = 0; i < size / 2; ++i) std::swap(bytes[i], bytes[size - 1 - i]);
  out.append(bytes, size);
}

int pack(lua_State* lua) {
  const char* fmt = luaL_checkstring(lua, 1);
  Header h;
  int arg = 2;
  std::string out;
  while (*fmt != '\0') {
    const char opt = *fmt++;
    size_t size = option_size(lua, opt, fmt);
    out.append(padding(out.size(), h, opt, size), '\0');
    switch (opt) {
      case 'b': case 'B': case 'h': case 'H': case 'l': case 'L': case 'T': case 'i': case 'I':
        put_integer(lua, out, arg++, h, size);
        break;
      case 'x':
        out.push_back('\0');
        break;
      case 'f': {
        const float f = static_cast<float>(luaL_checknumber(lua, arg++));
        put_bytes(out, &f, sizeof f, h);
        break;
      }
      case 'd': {
        const double d = luaL_checknumber(lua, arg++);
        put_bytes(out, &d, sizeof d, h);
        break;
      }
      case 'c': case 's': {
        size_t len = 0;
        const char* s = luaL_checklstring(lua, arg++, &len);
        if (size == 0) size = len;
        luaL_argcheck(lua, len >= size, arg, "string too short");
        out.append(s, size);
        if (opt == 's') out.push_back('\0');
        break;
      }
      default:
        control_option(lua, opt, fmt, h);
    }
  }
  lua_pushlstring(lua, out.data(), out.size());
  return 1;
}

lua_Number get_integer(const char* data, const Header& h, bool is_signed, size_t size) {
  uint64_t value = 0;
  for (size_t i = 0; i < size; ++i) {
    const size_t at = h.little ? size - 1 - i : i;
    value = (value << 8) | static_cast<unsigned char>(data[at]);
  }
  if (!is_signed) return static_cast<lua_Number>(value);
  if (size < 8) {
    const uint64_t sign = uint64_t(1) << (size * 8 - 1);
    if (value & sign) value |= ~uint64_t(0) << (size * 8 - 1);
  }
  return static_cast<lua_Number>(static_cast<int64_t>(value));
}

int unpack(lua_State* lua) {
  Header h;
  const char* fmt = luaL_checkstring(lua, 1);
  size_t length = 0;
  const char* data = luaL_checklstring(lua, 2, &length);
  const lua_Integer start = luaL_optinteger(lua, 3, 1);
  luaL_argcheck(lua, start > 0, 3, "offset must be 1 or greater");
  size_t pos = static_cast<size_t>(start) - 1;
  int results = 0;
  while (*fmt != '\0') {
    const char opt = *fmt++;
    size_t size = option_size(lua, opt, fmt);
    pos += padding(pos, h, opt, size);
    luaL_argcheck(lua, size <= length && pos <= length - size, 2, "data string too short");
    luaL_checkstack(lua, 2, "too many results");
    switch (opt) {
      case 'b': case 'B': case 'h': case 'H': case 'l': case 'L': case 'T': case 'i': case 'I':
        lua_pushnumber(lua, get_integer(data + pos, h, std::islower(static_cast<unsigned char>(opt)), size));
        ++results;
        break;
      case 'x':
        break;
      case 'f': {
        char bytes[4];
        std::memcpy(bytes, data + pos, 4);
        if (!h.little) std::swap(bytes[0], bytes[3]), std::swap(bytes[1], bytes[2]);
        float f;
        std::memcpy(&f, bytes, 4);
        lua_pushnumber(lua, f);
        ++results;
        break;
      }
      case 'd': {
        char bytes[8];
        std::memcpy(bytes, data + pos, 8);
        if (!h.little)
          for (int i = 0; i < 4; ++i) std::swap(bytes[i], bytes[7 - i]);
        double d;
        std::memcpy(&d, bytes, 8);
        lua_pushnumber(lua, d);
        ++results;
        break;
      }
      case 'c':
        if (size == 0) {
          if (results == 0 || !lua_isnumber(lua, -1)) luaL_error(lua, "format 'c0' needs a previous size");
          size = static_cast<size_t>(lua_tonumber(lua, -1));
          lua_pop(lua, 1);
          --results;
          luaL_argcheck(lua, size <= length && pos <= length - size, 2, "data string too short");
        }
        lua_pushlstring(lua, data + pos, size);
        ++results;
        break;
      case 's': {
        const void* end = std::memchr(data + pos, '\0', length - pos);
        if (end == nullptr) luaL_error(lua, "unfinished string in data");
        size = static_cast<size_t>(static_cast<const char*>(end) - (data + pos)) + 1;
        lua_pushlstring(lua, data + pos, size - 1);
        ++results;
        break;
      }
      default:
        control_option(lua, opt, fmt, h);
    }
    pos += size;
  }
  lua_pushinteger(lua, static_cast<lua_Integer>(pos + 1));
  return results + 1;
}

int size(lua_State* lua) {
  Header h;
  const char* fmt = luaL_checkstring(lua, 1);
  size_t pos = 0;
  while (*fmt != '\0') {
    const char opt = *fmt++;
    const size_t size = option_size(lua, opt, fmt);
    pos += padding(pos, h, opt, size);
    if (opt == 's') luaL_argerror(lua, 1, "options 's' has no fixed size");
    else if (opt == 'c' && size == 0) luaL_argerror(lua, 1, "option 'c0' has no fixed size");
    if (!std::isalnum(static_cast<unsigned char>(opt))) control_option(lua, opt, fmt, h);
    pos += size;
  }
  lua_pushinteger(lua, static_cast<lua_Integer>(pos));
  return 1;
}

}  // namespace

int open_struct_library(lua_State* lua) {
  static const luaL_Reg kFunctions[] = {{"pack", pack}, {"unpack", unpack}, {"size", size}, {nullptr, nullptr}};
  luaL_register(lua, "struct", kFunctions);
  return 1;
}

}  // namespace arbor::scripting
