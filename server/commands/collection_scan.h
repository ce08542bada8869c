// The body shared by HSCAN, SSCAN and ZSCAN (key cursor [MATCH pattern]
// [COUNT count]): cursor parsing, the typed lookup, the empty reply of a
// missing key, the COUNT-budgeted cursor loop and the [cursor, [...]] reply.
// Each type supplies only how one cursor step visits its elements.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "server/core/arguments.h"
#include "server/core/command_context.h"
#include "server/core/glob.h"
#include "server/keyspace/entry.h"

namespace arbor::commands {

// `step(value, cursor, keep)` visits one cursor step of `value` (everything,
// returning 0, when value.compact()) calling keep(name, second) per element,
// and returns the next cursor. `pairs`: the reply carries name and second
// (HSCAN values, ZSCAN scores); otherwise names only.
template <typename Value, typename Step>
void collection_scan(core::CommandContext& ctx, keyspace::ValueType type, bool pairs, Step&& step) {
  uint64_t cursor;
  if (!core::scan_cursor_or_reply(ctx, ctx.arg(2), cursor)) return;
  keyspace::Entry* entry;
  if (!core::lookup_typed_or_reply(ctx, ctx.arg(1), type, entry)) return;
  if (entry == nullptr) {
    ctx.reply.array(2);
    ctx.reply.bulk("0");
    return ctx.reply.array(0);
  }
  // Redis parses the options only once the key is known to exist.
  core::ScanOptions opt;
  if (!core::scan_options_or_reply(ctx, 3, false, opt)) return;
  const Value& value = entry->as<Value>();
  std::vector<std::string> found;  // name[, second] per element kept
  int64_t seen = 0;
  auto keep = [&](std::string_view name, std::string_view second) {
    ++seen;
    if (opt.has_pattern && !core::glob_match(opt.pattern, name)) return;
    found.emplace_back(name);
    if (pairs) found.emplace_back(second);
  };
  if (value.compact()) {
    // A compact encoding answers in one call with cursor 0, as Redis's
    // listpack and intset.
    cursor = step(value, 0, keep);
  } else {
    // COUNT is a hint: visit buckets until that many elements were seen,
    // with a bucket budget so a sparse table cannot make one call walk it all.
    int64_t budget = opt.step_budget();
    do {
      cursor = step(value, cursor, keep);
    } while (cursor != 0 && budget-- > 0 && seen < opt.count);
  }
  ctx.reply.array(2);
  ctx.reply.bulk(std::to_string(cursor));
  ctx.reply.array(found.size());
  for (const auto& item : found) ctx.reply.bulk(item);
}

}  // namespace arbor::commands
