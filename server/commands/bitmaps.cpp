// Bitmap commands on strings: SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP, and
// BITFIELD (bitfield.cpp). Redis 7.0's argument order, errors and limits: an
// offset whose byte would pass proto-max-bulk-len is refused before the key
// is looked at, and growing a string to a far bit is one zero-filled resize.
#include "server/commands/bitmaps.h"

#include <string>
#include <vector>

#include "protocol/errors.h"
#include "protocol/number_format.h"
#include "server/commands/string_common.h"
#include "server/core/arguments.h"
#include "server/keyspace/bits.h"

namespace arbor::commands {

using core::CommandContext;
using keyspace::Entry;
using keyspace::ValueType;
namespace bits = keyspace::bits;
namespace errors = protocol::errors;

bool bit_offset_or_reply(CommandContext& ctx, std::string_view text, unsigned field_width, uint64_t& out) {
  static constexpr std::string_view kError = "ERR bit offset is not an integer or out of range";
  // BITFIELD's "#n" means the n-th field of its width.
  const bool by_field = field_width > 0 && !text.empty() && text[0] == '#';
  const auto parsed = protocol::parse_int64(by_field ? text.substr(1) : text);
  if (!parsed) {
    ctx.reply.error(kError);
    return false;
  }
  // Multiplied as Redis does, wrapping (a huge #n comes out negative).
  const int64_t offset = by_field ? static_cast<int64_t>(static_cast<uint64_t>(*parsed) * field_width) : *parsed;
  if (offset < 0 || (offset >> 3) >= ctx.instance.config.settings().proto_max_bulk_len) {
    ctx.reply.error(kError);
    return false;
  }
  out = static_cast<uint64_t>(offset);
  return true;
}

Entry* string_with_bit(CommandContext& ctx, Entry* entry, std::string_view key, uint64_t bit, bool& grew) {
  const size_t size = static_cast<size_t>(bit >> 3) + 1;
  grew = entry == nullptr || entry->string_value().size() < size;
  if (entry == nullptr) return ctx.db().set_raw_string(key, std::string(size, '\0'), false);
  entry = writable_string(ctx, entry);
  std::string& text = entry->raw_string();
  if (text.size() < size) text.resize(size, '\0');
  return entry;
}

namespace {

// SETBIT key offset value
void setbit(CommandContext& ctx) {
  static constexpr std::string_view kBitError = "ERR bit is not an integer or out of range";
  uint64_t offset;
  int64_t on;
  if (!bit_offset_or_reply(ctx, ctx.arg(2), 0, offset) || !core::int_or_reply(ctx, ctx.arg(3), on, kBitError)) return;
  if (on != 0 && on != 1) {
    ctx.reply.error(kBitError);
    return;
  }
  Entry* entry;
  if (!core::lookup_typed_or_reply(ctx, ctx.arg(1), ValueType::kString, entry)) return;
  bool grew;
  entry = string_with_bit(ctx, entry, ctx.arg(1), offset, grew);
  std::string& text = entry->raw_string();
  const bool old = bits::get_bit(text, offset);
  // As Redis 7.0: an unchanged bit in a string that did not grow is no write.
  if (grew || old != (on == 1)) {
    bits::set_bit(text.data(), offset, on == 1);
    ctx.key_changed(ctx.arg(1), core::kEventString, "setbit");
    ctx.mark_dirty();
  }
  ctx.reply.integer(old ? 1 : 0);
}

// GETBIT key offset
void getbit(CommandContext& ctx) {
  uint64_t offset;
  if (!bit_offset_or_reply(ctx, ctx.arg(2), 0, offset)) return;
  Entry* entry;
  if (!core::lookup_typed_or_reply(ctx, ctx.arg(1), ValueType::kString, entry)) return;
  ctx.reply.integer(entry != nullptr && bits::get_bit(entry->string_value(), offset) ? 1 : 0);
}

// BYTE | BIT, the unit of BITCOUNT's and BITPOS's range.
bool unit_or_reply(CommandContext& ctx, std::string_view text, bool& in_bits) {
  if (core::equals_ci(text, "bit")) in_bits = true;
  else if (core::equals_ci(text, "byte")) in_bits = false;
  else {
    ctx.reply.error(errors::kSyntax);
    return false;
  }
  return true;
}

// Redis's range rules: negative indexes count from the end, then both ends
// are clamped into [0, length - 1]; the range may come out empty.
void clamp_range(int64_t length, int64_t& start, int64_t& end) {
  if (start < 0) start += length;
  if (end < 0) end += length;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= length) end = length - 1;
}

// BITCOUNT key [start end [BYTE | BIT]]
void bitcount(CommandContext& ctx) {
  // The key comes first: a missing key counts 0 whatever the arguments.
  Entry* entry;
  if (!core::lookup_typed_or_reply(ctx, ctx.arg(1), ValueType::kString, entry)) return;
  if (entry == nullptr) {
    ctx.reply.integer(0);
    return;
  }
  const std::string_view value = entry->string_value();
  int64_t start = 0, end = static_cast<int64_t>(value.size()) - 1;
  bool in_bits = false;
  if (ctx.argc() == 4 || ctx.argc() == 5) {
    if (!core::int_or_reply(ctx, ctx.arg(2), start) || !core::int_or_reply(ctx, ctx.arg(3), end)) return;
    // (Redis answers an inverted negative range before reading the unit.)
    if (start < 0 && end < 0 && start > end) {
      ctx.reply.integer(0);
      return;
    }
    if (ctx.argc() == 5 && !unit_or_reply(ctx, ctx.arg(4), in_bits)) return;
    clamp_range(static_cast<int64_t>(value.size()) * (in_bits ? 8 : 1), start, end);
  } else if (ctx.argc() != 2) {
    ctx.reply.error(errors::kSyntax);
    return;
  }
  if (start > end) {
    ctx.reply.integer(0);
    return;
  }
  const uint64_t first = in_bits ? static_cast<uint64_t>(start) : static_cast<uint64_t>(start) * 8;
  const uint64_t last = in_bits ? static_cast<uint64_t>(end) : static_cast<uint64_t>(end) * 8 + 7;
  ctx.reply.integer(static_cast<int64_t>(bits::count_ones(value, first, last)));
}

// BITPOS key bit [start [end [BYTE | BIT]]]
void bitpos(CommandContext& ctx) {
  int64_t bit;
  if (!core::int_or_reply(ctx, ctx.arg(2), bit)) return;
  if (bit != 0 && bit != 1) {
    ctx.reply.error("ERR The bit argument must be 1 or 0.");
    return;
  }
  // A missing key is an endless run of zeros.
  Entry* entry;
  if (!core::lookup_typed_or_reply(ctx, ctx.arg(1), ValueType::kString, entry)) return;
  if (entry == nullptr) {
    ctx.reply.integer(bit == 1 ? -1 : 0);
    return;
  }
  const std::string_view value = entry->string_value();
  int64_t start = 0, end = static_cast<int64_t>(value.size()) - 1;
  bool in_bits = false, end_given = false;
  if (ctx.argc() >= 4 && ctx.argc() <= 6) {
    if (!core::int_or_reply(ctx, ctx.arg(3), start)) return;
    if (ctx.argc() == 6 && !unit_or_reply(ctx, ctx.arg(5), in_bits)) return;
    if (ctx.argc() >= 5) {
      if (!core::int_or_reply(ctx, ctx.arg(4), end)) return;
      end_given = true;
    }
    clamp_range(static_cast<int64_t>(value.size()) * (in_bits ? 8 : 1), start, end);
  } else if (ctx.argc() != 3) {
    ctx.reply.error(errors::kSyntax);
    return;
  }
  // An empty range holds neither a 0 nor a 1.
  if (start > end) {
    ctx.reply.integer(-1);
    return;
  }
  const uint64_t first = in_bits ? static_cast<uint64_t>(start) : static_cast<uint64_t>(start) * 8;
  const uint64_t last = in_bits ? static_cast<uint64_t>(end) : static_cast<uint64_t>(end) * 8 + 7;
  if (const auto found = bits::find_bit(value, bit == 1, first, last)) {
    ctx.reply.integer(static_cast<int64_t>(*found));
    return;
  }
  // Looking for a 0 with no end given, the string continues with zeros.
  ctx.reply.integer(bit == 0 && !end_given ? static_cast<int64_t>(last + 1) : -1);
}

// BITOP AND | OR | XOR | NOT destkey key [key ...]
void bitop(CommandContext& ctx) {
  const std::string_view name = ctx.arg(1);
  bits::BitOp op;
  if (core::equals_ci(name, "and")) op = bits::BitOp::kAnd;
  else if (core::equals_ci(name, "or")) op = bits::BitOp::kOr;
  else if (core::equals_ci(name, "xor")) op = bits::BitOp::kXor;
  else if (core::equals_ci(name, "not")) op = bits::BitOp::kNot;
  else {
    ctx.reply.error(errors::kSyntax);
    return;
  }
  if (op == bits::BitOp::kNot && ctx.argc() != 4) {
    ctx.reply.error("ERR BITOP NOT must be called with a single source key.");
    return;
  }
  std::vector<std::string_view> sources;
  sources.reserve(ctx.argc() - 3);
  for (size_t i = 3; i < ctx.argc(); ++i) {
    Entry* entry;
    if (!core::lookup_typed_or_reply(ctx, ctx.arg(i), ValueType::kString, entry)) return;
    sources.push_back(entry == nullptr ? std::string_view() : entry->string_value());
  }
  std::string result = bits::combine(op, sources);
  const std::string_view destination = ctx.arg(2);
  const auto length = static_cast<int64_t>(result.size());
  if (length > 0) {
    ctx.db().set_raw_string(destination, std::move(result), false);
    ctx.key_changed(destination, core::kEventString, "set");
    ctx.mark_dirty();
  } else if (ctx.db().erase(destination)) {
    ctx.key_changed(destination, core::kEventGeneric, "del");
    ctx.mark_dirty();
  }
  ctx.reply.integer(length);
}

}  // namespace
}  // namespace arbor::commands

namespace arbor::core {
using namespace arbor::commands;

void register_bitmap_commands(CommandTable& t) {
  const KeySpec one{1, 1, 1};
  t.add({"setbit", 4, kWrite | kDenyOom, KeySpec{1, 1, 1, 0, "RW access update"}, setbit, "bitmap",
         "Sets or clears the bit at offset in the string value stored at key", "2.2.0", "O(1)",
         "key offset:integer value:integer"});
  t.add({"getbit", 3, kReadonly | kFast, one, getbit, "bitmap",
         "Returns the bit value at offset in the string value stored at key", "2.2.0", "O(1)", "key offset:integer"});
  t.add({"bitcount", -2, kReadonly, one, bitcount, "bitmap", "Count set bits in a string", "2.6.0", "O(N)",
         "key [start:integer end:integer [BYTE | BIT]]"});
  t.add({"bitpos", -3, kReadonly, one, bitpos, "bitmap", "Find first bit set or clear in a string", "2.8.7", "O(N)",
         "key bit:integer [start:integer [end:integer [BYTE | BIT]]]"});
  t.add({"bitop", -4, kWrite | kDenyOom, KeySpec{2, -1, 1, 0, "OW update", {}, "RO access"}, bitop, "bitmap",
         "Perform bitwise operations between strings", "2.6.0", "O(N)", "operation:string destkey:key key [key ...]"});
  register_bitfield_commands(t);
}

}  // namespace arbor::core
