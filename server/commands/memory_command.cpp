// MEMORY USAGE | STATS | DOCTOR | MALLOC-STATS | PURGE | HELP.
#include <malloc.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "protocol/errors.h"
#include "protocol/number_format.h"
#include "server/commands/families.h"
#include "server/commands/memory_report.h"
#include "server/core/arguments.h"
#include "server/core/command_context.h"

namespace arbor::commands {
namespace {

using core::CommandContext;

// MEMORY USAGE key [SAMPLES count]: the key's entry and value, estimated
// from arbor's own layout (every element counted; SAMPLES is checked as
// Redis checks it and otherwise not needed).
void memory_usage(CommandContext& ctx) {
  for (size_t i = 3; i < ctx.argc(); ++i) {
    if (!core::equals_ci(ctx.arg(i), "samples") || i + 1 >= ctx.argc())
      return ctx.reply.error(protocol::errors::kSyntax);
    int64_t samples = 0;
    if (!core::int_or_reply(ctx, ctx.arg(i + 1), samples)) return;
    if (samples < 0) return ctx.reply.error(protocol::errors::kSyntax);
    ++i;
  }
  const keyspace::Entry* entry = ctx.db().find(ctx.arg(2), ctx.now_ms());
  if (entry == nullptr) return ctx.reply.null();
  ctx.reply.integer(static_cast<int64_t>(entry->memory_usage()));
}

double percent(uint64_t part, uint64_t whole) {
  return whole == 0 ? 0.0 : static_cast<double>(part) * 100.0 / static_cast<double>(whole);
}

double ratio(uint64_t a, uint64_t b) { return b == 0 ? 0.0 : static_cast<double>(a) / static_cast<double>(b); }

// MEMORY STATS: Redis 7.0's fields in its order. Without jemalloc the
// allocator figures are derived as Redis derives them for libc.
void memory_stats(CommandContext& ctx) {
  const MemoryReport r = memory_report(ctx.instance);
  const uint64_t net = r.used > r.startup ? r.used - r.startup : 0;
  const uint64_t resident = r.rss;  // allocator resident = active = RSS for libc
  auto& out = ctx.reply;
  out.map(27 + r.dbs.size());
  auto field = [&](const char* name, int64_t value) {
    out.bulk(name);
    out.integer(value);
  };
  auto real = [&](const char* name, double value) {
    out.bulk(name);
    out.double_value(value);
  };
  field("peak.allocated", static_cast<int64_t>(r.peak));
  field("total.allocated", static_cast<int64_t>(r.used));
  field("startup.allocated", static_cast<int64_t>(r.startup));
  field("replication.backlog", static_cast<int64_t>(r.replication_backlog));
  field("clients.slaves", static_cast<int64_t>(r.clients_replicas));
  field("clients.normal", static_cast<int64_t>(r.clients_normal));
  field("cluster.links", 0);
  field("aof.buffer", 0);
  field("lua.caches", static_cast<int64_t>(r.lua_caches));
  field("functions.caches", static_cast<int64_t>(r.functions_caches));
  for (const MemoryReport::Db& db : r.dbs) {
    out.bulk("db." + std::to_string(db.index));
    out.map(3);
    field("overhead.hashtable.main", static_cast<int64_t>(db.main));
    field("overhead.hashtable.expires", static_cast<int64_t>(db.expires));
    field("overhead.hashtable.slot-to-keys", 0);
  }
  field("overhead.total", static_cast<int64_t>(r.overhead));
  field("keys.count", static_cast<int64_t>(r.keys));
  field("keys.bytes-per-key", r.keys == 0 ? 0 : static_cast<int64_t>(net / r.keys));
  field("dataset.bytes", static_cast<int64_t>(r.dataset()));
  real("dataset.percentage", percent(r.dataset(), net));
  real("peak.percentage", percent(r.used, r.peak));
  field("allocator.allocated", static_cast<int64_t>(r.used));
  field("allocator.active", static_cast<int64_t>(resident));
  field("allocator.resident", static_cast<int64_t>(resident));
  real("allocator-fragmentation.ratio", ratio(resident, r.used));
  field("allocator-fragmentation.bytes", static_cast<int64_t>(resident) - static_cast<int64_t>(r.used));
  real("allocator-rss.ratio", 1.0);
  field("allocator-rss.bytes", 0);
  real("rss-overhead.ratio", 1.0);
  field("rss-overhead.bytes", 0);
  real("fragmentation", ratio(r.rss, r.used));
  field("fragmentation.bytes", static_cast<int64_t>(r.rss) - static_cast<int64_t>(r.used));
}

// MEMORY DOCTOR: Redis's verdicts, in our words.
void memory_doctor(CommandContext& ctx) {
  const MemoryReport r = memory_report(ctx.instance);
  std::string report;
  if (r.used < 5 * 1024 * 1024) {
    report =
        "Hi Sam, this instance is empty or is using very little memory, my issues detector can't be used in these "
        "conditions. Please, leave for your mission on Earth and fill it with some data. The new Sam and I will be "
        "back to our programming as soon as I finished rebooting.\n";
  } else {
    std::string issues;
    if (r.peak > r.used + r.used / 2)
      issues += " * Peak memory: the instance once used more than 150% of what it uses now. The allocator keeps "
                "most of that memory for later use; MEMORY PURGE asks it to return what it can.\n\n";
    if (r.rss > r.used + r.used * 4 / 10)
      issues += " * High total RSS: the process holds more than 1.4 times the memory its data needs (fragmentation "
                "or an old peak). The allocator is \"libc\".\n\n";
    if (r.clients_normal > 200 * 1024 * 1024)
      issues += " * Big client buffers: normal clients' buffers take more than 200 MB; check CLIENT LIST for "
                "clients with big qbuf or omem.\n\n";
    if (r.clients_replicas > 10 * 1024 * 1024)
      issues += " * Big replica buffers: replicas' output buffers take more than 10 MB; a replica may be too slow "
                "or the link too narrow for the write load.\n\n";
    report = issues.empty()
                 ? "Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on "
                   "this base.\n"
                 : "Sam, I detected a few issues in this arbor instance memory implants:\n\n" + issues +
                       "I'm here to keep you safe, Sam. I want to help you.\n";
  }
  ctx.reply.verbatim(report);
}

// MEMORY MALLOC-STATS: glibc's own report (Redis prints jemalloc's).
void memory_malloc_stats(CommandContext& ctx) {
  char* text = nullptr;
  size_t size = 0;
  std::FILE* stream = open_memstream(&text, &size);
  if (stream == nullptr) return ctx.reply.verbatim("Stats not supported for the current allocator");
  malloc_info(0, stream);
  std::fclose(stream);
  const std::string report(text, size);
  std::free(text);
  ctx.reply.verbatim(report);
}

// MEMORY PURGE: hand free pages back to the system.
void memory_purge(CommandContext& ctx) {
  malloc_trim(0);
  ctx.reply.ok();
}

void memory_help(CommandContext& ctx) {
  static const char* const kLines[] = {
      "MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "DOCTOR",
      "    Return memory problems reports.",
      "MALLOC-STATS",
      "    Return internal statistics report from the memory allocator.",
      "PURGE",
      "    Attempt to purge dirty pages for reclamation by the allocator.",
      "STATS",
      "    Return information about the memory usage of the server.",
      "USAGE <key> [SAMPLES <count>]",
      "    Return memory in bytes used by <key> and its value. Nested values are",
      "    sampled up to <count> times (default: 5, 0 means sample all).",
      "HELP",
      "    Prints this help.",
  };
  core::reply_help(ctx.reply, kLines);
}

void memory_container(CommandContext& ctx) { core::reply_wrong_arity(ctx.reply, "memory"); }

}  // namespace

void register_memory_command(core::CommandTable& t) {
  using namespace core;
  CommandSpec memory{"memory", -2, 0, {}, memory_container, "server", "A container for memory diagnostics commands",
                     "4.0.0", "Depends on subcommand.", ""};
  memory.subcommands.push_back({"doctor", 2, kRandom, {}, memory_doctor, "server", "Outputs memory problems report",
                                "4.0.0", "O(1)", ""});
  memory.subcommands.push_back({"malloc-stats", 2, kRandom, {}, memory_malloc_stats, "server",
                                "Show allocator internal stats", "4.0.0",
                                "Depends on how much memory is allocated, could be slow", ""});
  memory.subcommands.push_back({"purge", 2, 0, {}, memory_purge, "server", "Ask the allocator to release memory",
                                "4.0.0", "Depends on how much memory is allocated, could be slow", ""});
  memory.subcommands.push_back({"stats", 2, kRandom, {}, memory_stats, "server", "Show memory usage details",
                                "4.0.0", "O(1)", ""});
  memory.subcommands.push_back({"usage", -3, kReadonly | kNoTouch, KeySpec{2, 2, 1}, memory_usage, "server",
                                "Estimate the memory usage of a key", "4.0.0",
                                "O(N) where N is the number of samples.", "key [SAMPLES count:integer]"});
  memory.subcommands.push_back({"help", 2, kLoading | kStale, {}, memory_help, "server",
                                "Show helpful text about the different subcommands", "4.0.0", "O(1)", ""});
  t.add(std::move(memory));
}

}  // namespace arbor::commands
