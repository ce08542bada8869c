// LATENCY LATEST | HISTORY | RESET | GRAPH | DOCTOR | HELP: the latency
// monitor's samples (core/latency_monitor.h), with Redis 7.0's replies.
#include <ctime>
#include <string>
#include <utility>
#include <vector>

#include "server/commands/families.h"
#include "server/core/arguments.h"
#include "server/core/command_context.h"
#include "server/core/instance.h"
#include "server/core/latency_monitor.h"

namespace arbor::commands {
namespace {

using core::CommandContext;

// LATENCY LATEST: [event, time of the latest sample, its latency, the worst].
void latency_latest(CommandContext& ctx) {
  const auto& events = ctx.instance.latency.events();
  ctx.reply.array(events.size());
  for (const auto& [event, series] : events) {
    ctx.reply.array(4);
    ctx.reply.bulk(event);
    ctx.reply.integer(series.latest().time);
    ctx.reply.integer(static_cast<int64_t>(series.latest().latency_ms));
    ctx.reply.integer(static_cast<int64_t>(series.worst_ms));
  }
}

// LATENCY HISTORY event: [time, latency] oldest first; none for an unknown event.
void latency_history(CommandContext& ctx) {
  const core::LatencyMonitor::Series* series = ctx.instance.latency.find(ctx.arg(2));
  if (series == nullptr) return ctx.reply.array(0);
  const auto samples = series->history();
  ctx.reply.array(samples.size());
  for (const auto& s : samples) {
    ctx.reply.array(2);
    ctx.reply.integer(s.time);
    ctx.reply.integer(static_cast<int64_t>(s.latency_ms));
  }
}

// LATENCY RESET [event ...]: how many event classes were forgotten.
void latency_reset(CommandContext& ctx) {
  core::LatencyMonitor& monitor = ctx.instance.latency;
  if (ctx.argc() == 2) return ctx.reply.integer(static_cast<int64_t>(monitor.reset_all()));
  size_t resets = 0;
  for (size_t i = 2; i < ctx.argc(); ++i) resets += monitor.reset(ctx.arg(i));
  ctx.reply.integer(static_cast<int64_t>(resets));
}

void latency_graph(CommandContext& ctx) {
  const core::LatencyMonitor::Series* series = ctx.instance.latency.find(ctx.arg(2));
  if (series == nullptr)
    return ctx.reply.error("ERR No samples available for event '" + std::string(ctx.arg(2)) + "'");
  ctx.reply.verbatim(ctx.instance.latency.graph(ctx.arg(2), *series, std::time(nullptr)));
}

void latency_doctor(CommandContext& ctx) {
  const auto& s = ctx.instance.config.settings();
  core::LatencyMonitor::Settings settings{s.latency_monitor_threshold, s.slowlog_log_slower_than, s.hz,
                                          core::process_uses_huge_pages()};
  ctx.reply.verbatim(ctx.instance.latency.report(settings, std::time(nullptr)));
}

// One command's histogram: its calls and, per power-of-two bucket from 1 µs
// that gained calls, the bucket's upper bound in µs and the calls up to it.
void write_distribution(CommandContext& ctx, const core::LatencyHistogram& histogram) {
  std::vector<std::pair<int64_t, int64_t>> steps;
  int64_t previous = 0;
  histogram.for_each_log_step([&](int64_t highest_ns, int64_t cumulative) {
    if (cumulative > previous) steps.emplace_back(highest_ns / 1000, cumulative);
    previous = cumulative;
  });
  ctx.reply.map(2);
  ctx.reply.bulk("calls");
  ctx.reply.integer(histogram.total());
  ctx.reply.bulk("histogram_usec");
  ctx.reply.map(steps.size());
  for (const auto& [micros, count] : steps) {
    ctx.reply.integer(micros);
    ctx.reply.integer(count);
  }
}

// LATENCY HISTOGRAM [command ...]: every command with calls recorded, or the
// named ones (a container names its subcommands); unknown names are skipped.
void latency_histogram(CommandContext& ctx) {
  std::vector<const core::Command*> chosen;
  auto add_with_subcommands = [&](const core::Command& c) {
    if (c.latency_histogram) chosen.push_back(&c);
    for (const auto& sub : c.subcommands)
      if (sub->latency_histogram) chosen.push_back(sub.get());
  };
  auto& table = ctx.instance.commands;
  if (ctx.argc() == 2) {
    for (const core::Command* c : table.all()) add_with_subcommands(*c);
  } else {
    for (size_t i = 2; i < ctx.argc(); ++i) {
      const std::string_view name = ctx.arg(i);
      const size_t bar = name.find('|');
      const core::Command* c = table.find(name.substr(0, bar));
      if (c != nullptr && bar != std::string_view::npos)
        c = c->has_subcommands() ? table.find_subcommand(*c, name.substr(bar + 1)) : nullptr;
      if (c != nullptr) add_with_subcommands(*c);
    }
  }
  ctx.reply.map(chosen.size());
  for (const core::Command* c : chosen) {
    ctx.reply.bulk(c->fullname);
    write_distribution(ctx, *c->latency_histogram);
  }
}

void latency_help(CommandContext& ctx) {
  static const char* const kLines[] = {
      "LATENCY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "DOCTOR",
      "    Return a human readable latency analysis report.",
      "GRAPH <event>",
      "    Return an ASCII latency graph for the <event> class.",
      "HISTORY <event>",
      "    Return time-latency samples for the <event> class.",
      "LATEST",
      "    Return the latest latency samples for all events.",
      "RESET [<event> ...]",
      "    Reset latency data of one or more <event> classes.",
      "    (default: reset all data for all event classes)",
      "HISTOGRAM [COMMAND ...]",
      "    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.",
      "    If no commands are specified then all histograms are replied.",
      "HELP",
      "    Prints this help.",
  };
  core::reply_help(ctx.reply, kLines);
}

void latency_container(CommandContext& ctx) { core::reply_wrong_arity(ctx.reply, "latency"); }

}  // namespace

void register_latency_command(core::CommandTable& t) {
  using namespace core;
  CommandSpec latency{"latency", -2, 0, {}, latency_container, "server",
                      "A container for latency diagnostics commands", "2.8.13", "Depends on subcommand.", ""};
  const uint32_t admin = kAdmin | kNoscript | kLoading | kStale;
  latency.subcommands.push_back({"doctor", 2, admin | kRandom, {}, latency_doctor, "server",
                                 "Return a human readable latency analysis report.", "2.8.13", "O(1)", ""});
  latency.subcommands.push_back({"graph", 3, admin | kRandom, {}, latency_graph, "server",
                                 "Return a latency graph for the event.", "2.8.13", "O(1)", "event:string"});
  latency.subcommands.push_back({"history", 3, admin | kRandom, {}, latency_history, "server",
                                 "Return timestamp-latency samples for the event.", "2.8.13", "O(1)",
                                 "event:string"});
  latency.subcommands.push_back({"latest", 2, admin | kRandom, {}, latency_latest, "server",
                                 "Return the latest latency samples for all events.", "2.8.13", "O(1)", ""});
  latency.subcommands.push_back({"reset", -2, admin, {}, latency_reset, "server",
                                 "Reset latency data for one or more events.", "2.8.13", "O(1)",
                                 "[event:string [event:string ...]]"});
  latency.subcommands.push_back({"histogram", -2, admin, {}, latency_histogram, "server",
                                 "Return the cumulative distribution of latencies of a subset of commands or all.",
                                 "7.0.0", "O(N) where N is the number of commands with latency information being retrieved.",
                                 "[command:string [command:string ...]]"});
  latency.subcommands.push_back({"help", 2, kLoading | kStale, {}, latency_help, "server",
                                 "Show helpful text about the different subcommands.", "2.8.13", "O(1)", ""});
  t.add(std::move(latency));
}

}  // namespace arbor::commands
