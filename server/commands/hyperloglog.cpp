// HyperLogLog commands: PFADD, PFCOUNT, PFMERGE, PFDEBUG, PFSELFTEST, on
// strings in Redis's exact HLL representation (keyspace/hyperloglog.h), with
// Redis 7.0's replies, errors and side effects: PFCOUNT stores a recomputed
// cardinality in the value and is then sent on to replicas, as Redis does.
#include <array>
#include <string>

#include "protocol/errors.h"
#include "server/commands/string_common.h"
#include "server/core/arguments.h"
#include "server/core/command_table.h"
#include "server/keyspace/hyperloglog.h"

namespace arbor::commands {
namespace {

using core::CommandContext;
using keyspace::Entry;
using keyspace::ValueType;
namespace hll = keyspace::hll;

constexpr std::string_view kCorrupt = "INVALIDOBJ Corrupted HLL object detected";

size_t sparse_max_bytes(CommandContext& ctx) {
  return static_cast<size_t>(ctx.instance.config.settings().hll_sparse_max_bytes);
}

// The key's value, checked as Redis's isHLLObjectOrReply: WRONGTYPE for
// another type, or for a string that is not an HLL. A missing key is fine.
bool hll_or_reply(CommandContext& ctx, std::string_view key, Entry*& entry) {
  if (!core::lookup_typed_or_reply(ctx, key, ValueType::kString, entry)) return false;
  if (entry != nullptr && !hll::looks_valid(entry->string_value())) {
    ctx.reply.error("WRONGTYPE Key is not a valid HyperLogLog string value.");
    return false;
  }
  return true;
}

// The HLL at `key` as a string that can change in place; created empty
// (sparse) when absent.
std::string& writable_hll(CommandContext& ctx, Entry* entry, std::string_view key) {
  if (entry == nullptr) return ctx.db().set_raw_string(key, hll::make_empty(), false)->raw_string();
  return writable_string(ctx, entry)->raw_string();
}

// PFADD key [element ...]
void pfadd(CommandContext& ctx) {
  Entry* entry;
  if (!hll_or_reply(ctx, ctx.arg(1), entry)) return;
  uint64_t updated = entry == nullptr ? 1 : 0;
  std::string& value = writable_hll(ctx, entry, ctx.arg(1));
  for (size_t i = 2; i < ctx.argc(); ++i) {
    const int changed = hll::add(value, ctx.arg(i), sparse_max_bytes(ctx));
    if (changed < 0) {
      ctx.reply.error(kCorrupt);
      return;
    }
    updated += static_cast<uint64_t>(changed);
  }
  if (updated > 0) {
    hll::invalidate_count(value);
    ctx.key_changed(ctx.arg(1), core::kEventString, "pfadd");
    ctx.mark_dirty(updated);
  }
  ctx.reply.integer(updated > 0 ? 1 : 0);
}

// PFCOUNT key [key ...]
void pfcount(CommandContext& ctx) {
  if (ctx.argc() > 2) {
    // Several keys: the count of their union, from the registers' maxima.
    std::array<uint8_t, hll::kRegisters> registers{};
    for (size_t i = 1; i < ctx.argc(); ++i) {
      Entry* entry;
      if (!hll_or_reply(ctx, ctx.arg(i), entry)) return;
      if (entry == nullptr) continue;
      if (!hll::merge_into(registers, entry->string_value())) {
        ctx.reply.error(kCorrupt);
        return;
      }
    }
    ctx.reply.integer(static_cast<int64_t>(hll::count_registers(registers)));
    return;
  }
  Entry* entry;
  if (!hll_or_reply(ctx, ctx.arg(1), entry)) return;
  if (entry == nullptr) {
    ctx.reply.integer(0);
    return;
  }
  if (const auto cached = hll::cached_count(entry->string_value())) {
    ctx.reply.integer(static_cast<int64_t>(*cached));
    return;
  }
  const auto count = hll::count(entry->string_value());
  if (!count) {
    ctx.reply.error(kCorrupt);
    return;
  }
  // The new cached count changes the value: the replicas store it too.
  hll::store_count(writable_string(ctx, entry)->raw_string(), *count);
  ctx.touch(ctx.arg(1));
  ctx.mark_dirty();
  ctx.force_propagation();
  ctx.reply.integer(static_cast<int64_t>(*count));
}

// PFMERGE destkey [sourcekey ...]
void pfmerge(CommandContext& ctx) {
  std::array<uint8_t, hll::kRegisters> registers{};
  bool any_dense = false;
  // The destination's own registers take part (Redis reads from argument 1).
  for (size_t i = 1; i < ctx.argc(); ++i) {
    Entry* entry;
    if (!hll_or_reply(ctx, ctx.arg(i), entry)) return;
    if (entry == nullptr) continue;
    any_dense = any_dense || !hll::is_sparse(entry->string_value());
    if (!hll::merge_into(registers, entry->string_value())) {
      ctx.reply.error(kCorrupt);
      return;
    }
  }
  Entry* destination = ctx.db().find(ctx.arg(1), ctx.now_ms());
  std::string& value = writable_hll(ctx, destination, ctx.arg(1));
  // A dense source makes a dense result at once, as in Redis.
  if (any_dense && !hll::to_dense(value)) {
    ctx.reply.error(kCorrupt);
    return;
  }
  for (size_t i = 0; i < hll::kRegisters; ++i)
    if (registers[i] != 0) hll::raise_register(value, i, registers[i], sparse_max_bytes(ctx));
  hll::invalidate_count(value);
  ctx.key_changed(ctx.arg(1), core::kEventString, "pfadd");
  ctx.mark_dirty();
  ctx.reply.ok();
}

// PFDEBUG GETREG | DECODE | ENCODING | TODENSE key
void pfdebug(CommandContext& ctx) {
  const std::string_view subcommand = ctx.arg(1);
  Entry* entry = ctx.db().find(ctx.arg(2), ctx.now_ms());
  if (entry == nullptr) {
    ctx.reply.error("ERR The specified key does not exist");
    return;
  }
  if (!hll_or_reply(ctx, ctx.arg(2), entry)) return;
  std::string& value = writable_string(ctx, entry)->raw_string();
  const bool getreg = core::equals_ci(subcommand, "getreg");
  if (getreg || core::equals_ci(subcommand, "todense")) {
    const bool converted = hll::is_sparse(value);
    if (converted) {
      if (!hll::to_dense(value)) {
        ctx.reply.error(kCorrupt);
        return;
      }
      ctx.mark_dirty();  // the new encoding reaches the replicas
    }
    if (!getreg) {
      ctx.reply.integer(converted ? 1 : 0);
      return;
    }
    ctx.reply.array(hll::kRegisters);
    for (size_t i = 0; i < hll::kRegisters; ++i) ctx.reply.integer(hll::dense_register(value, i));
  } else if (core::equals_ci(subcommand, "decode")) {
    if (!hll::is_sparse(value)) {
      ctx.reply.error("ERR HLL encoding is not sparse");
      return;
    }
    ctx.reply.bulk(hll::describe_sparse(value));
  } else if (core::equals_ci(subcommand, "encoding")) {
    ctx.reply.simple(hll::is_sparse(value) ? "sparse" : "dense");
  } else {
    ctx.reply.error("ERR Unknown PFDEBUG subcommand '" + std::string(subcommand) + "'");
  }
}

// PFSELFTEST
void pfselftest(CommandContext& ctx) {
  const std::string failure = hll::self_test();
  if (failure.empty()) ctx.reply.ok();
  else ctx.reply.error(failure);
}

}  // namespace
}  // namespace arbor::commands

namespace arbor::core {
using namespace arbor::commands;

void register_hyperloglog_commands(CommandTable& t) {
  t.add({"pfadd", -2, kWrite | kDenyOom | kFast, KeySpec{1, 1, 1, 0, "RW insert"}, pfadd, "hyperloglog",
         "Adds the specified elements to the specified HyperLogLog.", "2.8.9", "O(1) to add every element.",
         "key [element:string [element:string ...]]"});
  t.add({"pfcount", -2, kReadonly | kMayReplicate, 
         KeySpec{1, -1, 1, 0, "RW access",
                 "RW because it may change the internal representation of the key, and propagate to replicas"},
         pfcount, "hyperloglog",
         "Return the approximated cardinality of the set(s) observed by the HyperLogLog at key(s).", "2.8.9",
         "O(1) with a very small average constant time when called with a single key. O(N) with N being the "
         "number of keys, and much bigger constant times, when called with multiple keys.",
         "key [key ...]"});
  t.add({"pfmerge", -2, kWrite | kDenyOom, KeySpec{1, -1, 1, 0, "RW access insert", {}, "RO access"}, pfmerge, "hyperloglog",
         "Merge N different HyperLogLogs into a single one.", "2.8.9",
         "O(N) to merge N HyperLogLogs, but with high constant times.",
         "destkey:key sourcekey:key [sourcekey:key ...]"});
  t.add({"pfdebug", 3, kWrite | kDenyOom | kAdmin, KeySpec{2, 2, 1, 0, "RW access"}, pfdebug, "hyperloglog",
         "Internal commands for debugging HyperLogLog values", "2.8.9", "N/A", "subcommand:string key"});
  t.add({"pfselftest", 1, kAdmin, KeySpec{}, pfselftest, "hyperloglog",
         "An internal command for testing HyperLogLog values", "2.8.9", "N/A", ""});
}

}  // namespace arbor::core
