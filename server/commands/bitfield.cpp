// BITFIELD and BITFIELD_RO: integer fields of 1 to 64 bits (unsigned up to
// 63) at any bit offset of a string. As Redis 7.0, every operation is
// parsed before any runs, writes grow the string once to the farthest field
// written, and OVERFLOW applies to the SET and INCRBY operations after it.
#include <string>
#include <vector>

#include "protocol/errors.h"
#include "protocol/number_format.h"
#include "server/commands/bitmaps.h"
#include "server/core/arguments.h"
#include "server/keyspace/bits.h"

namespace arbor::commands {
namespace {

using core::CommandContext;
using keyspace::Entry;
using keyspace::ValueType;
namespace bits = keyspace::bits;
namespace errors = protocol::errors;

struct FieldOp {
  enum Kind { kGet, kSet, kIncrBy } kind = kGet;
  bool is_signed = false;
  unsigned width = 0;
  uint64_t offset = 0;
  int64_t value = 0;  // SET's value, INCRBY's increment
  bits::Overflow overflow = bits::Overflow::kWrap;
};

// i1..i64 or u1..u63.
bool field_type_or_reply(CommandContext& ctx, std::string_view text, FieldOp& op) {
  static constexpr std::string_view kError =
      "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.";
  const auto width = text.empty() ? std::nullopt : protocol::parse_int64(text.substr(1));
  const bool is_signed = !text.empty() && text[0] == 'i';
  if (text.empty() || (text[0] != 'i' && text[0] != 'u') || !width || *width < 1 || *width > (is_signed ? 64 : 63)) {
    ctx.reply.error(kError);
    return false;
  }
  op.is_signed = is_signed;
  op.width = static_cast<unsigned>(*width);
  return true;
}

bool overflow_or_reply(CommandContext& ctx, std::string_view text, bits::Overflow& out) {
  if (core::equals_ci(text, "wrap")) out = bits::Overflow::kWrap;
  else if (core::equals_ci(text, "sat")) out = bits::Overflow::kSat;
  else if (core::equals_ci(text, "fail")) out = bits::Overflow::kFail;
  else {
    ctx.reply.error("ERR Invalid OVERFLOW type specified");
    return false;
  }
  return true;
}

// Parses GET/SET/INCRBY/OVERFLOW from argument 2 on.
bool ops_or_reply(CommandContext& ctx, std::vector<FieldOp>& ops) {
  bits::Overflow overflow = bits::Overflow::kWrap;
  for (size_t j = 2; j < ctx.argc(); ++j) {
    const size_t remaining = ctx.argc() - j - 1;
    const std::string_view name = ctx.arg(j);
    FieldOp op;
    if (core::equals_ci(name, "get") && remaining >= 2) {
      op.kind = FieldOp::kGet;
    } else if (core::equals_ci(name, "set") && remaining >= 3) {
      op.kind = FieldOp::kSet;
    } else if (core::equals_ci(name, "incrby") && remaining >= 3) {
      op.kind = FieldOp::kIncrBy;
    } else if (core::equals_ci(name, "overflow") && remaining >= 1) {
      if (!overflow_or_reply(ctx, ctx.arg(++j), overflow)) return false;
      continue;
    } else {
      ctx.reply.error(errors::kSyntax);
      return false;
    }
    if (!field_type_or_reply(ctx, ctx.arg(j + 1), op)) return false;
    if (!bit_offset_or_reply(ctx, ctx.arg(j + 2), op.width, op.offset)) return false;
    if (op.kind != FieldOp::kGet && !core::int_or_reply(ctx, ctx.arg(j + 3), op.value)) return false;
    op.overflow = overflow;
    ops.push_back(op);
    j += op.kind == FieldOp::kGet ? 2 : 3;
  }
  return true;
}

// SET or INCRBY on `text` (long enough): replies the old value (SET) or the
// new one (INCRBY), or nil when OVERFLOW FAIL refused the write.
void write_op(CommandContext& ctx, std::string& text, const FieldOp& op) {
  bits::FieldUpdate update;
  int64_t old;
  if (op.is_signed) {
    old = bits::read_signed(text, op.offset, op.width);
    update = op.kind == FieldOp::kIncrBy ? bits::add_signed(old, op.value, op.width, op.overflow)
                                         : bits::add_signed(op.value, 0, op.width, op.overflow);
  } else {
    old = static_cast<int64_t>(bits::read_unsigned(text, op.offset, op.width));
    update = op.kind == FieldOp::kIncrBy
                 ? bits::add_unsigned(static_cast<uint64_t>(old), op.value, op.width, op.overflow)
                 : bits::add_unsigned(static_cast<uint64_t>(op.value), 0, op.width, op.overflow);
  }
  if (update.overflowed && op.overflow == bits::Overflow::kFail) {
    ctx.reply.null();
    return;
  }
  bits::write_field(text.data(), op.offset, op.width, update.value);
  ctx.reply.integer(op.kind == FieldOp::kIncrBy ? static_cast<int64_t>(update.value) : old);
}

void read_op(CommandContext& ctx, std::string_view text, const FieldOp& op) {
  ctx.reply.integer(op.is_signed ? bits::read_signed(text, op.offset, op.width)
                                 : static_cast<int64_t>(bits::read_unsigned(text, op.offset, op.width)));
}

void bitfield_generic(CommandContext& ctx, bool read_only_command) {
  std::vector<FieldOp> ops;
  if (!ops_or_reply(ctx, ops)) return;
  uint64_t highest_bit = 0;
  bool writes = false;
  for (const FieldOp& op : ops) {
    if (op.kind == FieldOp::kGet) continue;
    writes = true;
    highest_bit = std::max(highest_bit, op.offset + op.width - 1);
  }
  Entry* entry;
  if (!writes) {
    if (!core::lookup_typed_or_reply(ctx, ctx.arg(1), ValueType::kString, entry)) return;
    const std::string_view text = entry == nullptr ? std::string_view() : entry->string_value();
    ctx.reply.array(ops.size());
    for (const FieldOp& op : ops) read_op(ctx, text, op);
    return;
  }
  if (read_only_command) {
    ctx.reply.error("ERR BITFIELD_RO only supports the GET subcommand");
    return;
  }
  if (!core::lookup_typed_or_reply(ctx, ctx.arg(1), ValueType::kString, entry)) return;
  bool grew;
  entry = string_with_bit(ctx, entry, ctx.arg(1), highest_bit, grew);
  std::string& text = entry->raw_string();
  ctx.reply.array(ops.size());
  uint64_t changes = 0;
  for (const FieldOp& op : ops) {
    if (op.kind == FieldOp::kGet) {
      read_op(ctx, text, op);
      continue;
    }
    write_op(ctx, text, op);
    ++changes;  // Redis counts a write refused by OVERFLOW FAIL too
  }
  ctx.key_changed(ctx.arg(1), core::kEventString, "setbit");
  ctx.mark_dirty(changes);
}

// BITFIELD key [GET type offset | [OVERFLOW WRAP | SAT | FAIL] (SET type offset value | INCRBY type offset increment)] ...
void bitfield(CommandContext& ctx) { bitfield_generic(ctx, false); }
// BITFIELD_RO key [GET type offset ...]
void bitfield_ro(CommandContext& ctx) { bitfield_generic(ctx, true); }

}  // namespace
}  // namespace arbor::commands

namespace arbor::core {
using namespace arbor::commands;

void register_bitfield_commands(CommandTable& t) {
  const KeySpec one{1, 1, 1};
  constexpr const char* kCost = "O(1) for each subcommand specified";
  t.add({"bitfield", -2, kWrite | kDenyOom,
         KeySpec{1, 1, 1, 0, "RW access update variable_flags", "This command allows both access and modification of the key"},
         bitfield, "bitmap",
         "Perform arbitrary bitfield integer operations on strings", "3.2.0", kCost,
         "key [GET encoding:string offset:integer | [OVERFLOW WRAP | SAT | FAIL] "
         "(SET encoding:string offset:integer value:integer | "
         "INCRBY encoding:string offset:integer increment:integer) ...]"});
  t.add({"bitfield_ro", -2, kReadonly | kFast, one, bitfield_ro, "bitmap",
         "Perform arbitrary bitfield integer operations on strings. Read-only variant of BITFIELD", "6.0.0", kCost,
         "key [GET encoding:string offset:integer [GET encoding:string offset:integer ...]]"});
}

}  // namespace arbor::core
