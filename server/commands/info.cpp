// INFO [section ...]: Redis's sections and field names, so tools and client
// libraries (ioredis waits for loading:0; redis-cli reads redis_version) read
// arbor as they read Redis.
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cinttypes>
#include <cstdio>
#include <fstream>
#include <set>
#include <string>

#include "server/commands/families.h"
#include "server/commands/memory_report.h"
#include "server/commands/server_identity.h"
#include "server/core/arguments.h"
#include "server/core/config_values.h"
#include "server/core/memory.h"
#include "server/scripting/script_engine.h"

namespace arbor::commands {
namespace {

using core::CommandContext;

class InfoText {
 public:
  void section(std::string_view name) {
    if (!text_.empty()) text_ += "\r\n";
    text_ += "# ";
    text_ += name;
    text_ += "\r\n";
  }
  template <typename T>
  void field(std::string_view name, const T& value) {
    text_ += name;
    text_ += ':';
    if constexpr (std::is_arithmetic_v<T>) text_ += std::to_string(value);
    else text_ += value;
    text_ += "\r\n";
  }
  void fixed(std::string_view name, double value) {
    char buffer[64];
    std::snprintf(buffer, sizeof(buffer), "%.2f", value);
    field(name, std::string(buffer));
  }
  std::string& text() { return text_; }

 private:
  std::string text_;
};

std::string human_bytes(uint64_t n) {
  char buffer[64];
  const double d = static_cast<double>(n);
  if (n < 1024) std::snprintf(buffer, sizeof(buffer), "%" PRIu64 "B", n);
  else if (n < 1024ULL * 1024) std::snprintf(buffer, sizeof(buffer), "%.2fK", d / 1024);
  else if (n < 1024ULL * 1024 * 1024) std::snprintf(buffer, sizeof(buffer), "%.2fM", d / (1024 * 1024));
  else std::snprintf(buffer, sizeof(buffer), "%.2fG", d / (1024.0 * 1024 * 1024));
  return buffer;
}


void server_section(CommandContext& ctx, InfoText& out) {
  auto& inst = ctx.instance;
  struct utsname name {};
  uname(&name);
  const int64_t now = core::unix_time_ms();
  const int64_t uptime = (now - inst.stats.start_time_ms) / 1000;
  out.section("Server");
  out.field("redis_version", std::string(kCompatibleRedisVersion));
  out.field("arbor_version", std::string(kArborVersion));
  out.field("redis_git_sha1", std::string("00000000"));
  out.field("redis_git_dirty", 0);
  out.field("redis_build_id", std::string("0"));
  out.field("redis_mode", std::string("standalone"));
  out.field("os", std::string(name.sysname) + " " + name.release + " " + name.machine);
  out.field("arch_bits", 64);
  out.field("monotonic_clock", std::string("POSIX clock_gettime"));
  out.field("multiplexing_api", std::string("epoll"));
  out.field("atomicvar_api", std::string("c11-builtin"));
  out.field("gcc_version", std::to_string(__GNUC__) + "." + std::to_string(__GNUC_MINOR__) + "." +
                               std::to_string(__GNUC_PATCHLEVEL__));
  out.field("process_id", static_cast<int64_t>(getpid()));
  out.field("process_supervised", std::string("no"));
  out.field("run_id", inst.identity.run_id);
  out.field("tcp_port", inst.identity.tcp_port);
  out.field("server_time_usec", core::unix_time_us());
  out.field("uptime_in_seconds", uptime);
  out.field("uptime_in_days", uptime / 86400);
  out.field("hz", inst.config.settings().hz);
  out.field("configured_hz", inst.config.settings().hz);
  out.field("lru_clock", (now / 1000) & ((1 << 24) - 1));
  out.field("executable", inst.identity.executable);
  out.field("config_file", inst.identity.config_file);
  out.field("io_threads_active", 0);
}

void clients_section(CommandContext& ctx, InfoText& out) {
  out.section("Clients");
  out.field("connected_clients", ctx.instance.clients().size());
  out.field("cluster_connections", 0);
  out.field("maxclients", ctx.instance.config.settings().maxclients);
  out.field("client_recent_max_input_buffer", 0);
  out.field("client_recent_max_output_buffer", 0);
  out.field("blocked_clients", ctx.instance.blocking.blocked_clients());
  out.field("tracking_clients", ctx.instance.tracking.clients());
  size_t with_timeout = 0;
  for (const core::ClientState* client : ctx.instance.clients())
    if (client->blocked && client->blocked->deadline_ms != 0) ++with_timeout;
  out.field("clients_in_timeout_table", with_timeout);
}

// Redis 7.0's scripting lines of INFO memory, in its order (the engine's
// figures once a script has run; zeros before).
void scripting_memory(CommandContext& ctx, InfoText& out) {
  const auto* engine = static_cast<const scripting::ScriptEngine*>(ctx.instance.scripts.get());
  const uint64_t vm_eval = engine ? engine->lua_memory() : 0;
  const uint64_t scripts_eval = engine ? engine->scripts_memory() : 0;
  const uint64_t vm_functions = engine ? engine->functions_lua_memory() : 0;
  const uint64_t functions = engine ? engine->functions_memory() : 0;
  out.field("used_memory_lua", vm_eval);
  out.field("used_memory_vm_eval", vm_eval);
  out.field("used_memory_lua_human", human_bytes(vm_eval));
  out.field("used_memory_scripts_eval", scripts_eval);
  out.field("number_of_cached_scripts", engine ? engine->cached_scripts() : 0);
  out.field("number_of_functions", engine ? engine->function_count() : 0);
  out.field("number_of_libraries", engine ? engine->library_count() : 0);
  out.field("used_memory_vm_functions", vm_functions);
  out.field("used_memory_vm_total", vm_eval + vm_functions);
  out.field("used_memory_vm_total_human", human_bytes(vm_eval + vm_functions));
  out.field("used_memory_functions", functions);
  out.field("used_memory_scripts", scripts_eval + functions);
  out.field("used_memory_scripts_human", human_bytes(scripts_eval + functions));
}

// Redis 7.0's fields in its order; without jemalloc the allocator figures
// are derived from the RSS as Redis derives them for libc.
void memory_section(CommandContext& ctx, InfoText& out) {
  const MemoryReport r = memory_report(ctx.instance);
  const auto& settings = ctx.instance.config.settings();
  const uint64_t net = r.used > r.startup ? r.used - r.startup : 0;
  auto percent = [](uint64_t part, uint64_t whole) {
    char text[32];
    std::snprintf(text, sizeof text, "%.2f%%", whole ? static_cast<double>(part) * 100 / static_cast<double>(whole) : 0.0);
    return std::string(text);
  };
  auto ratio = [](uint64_t a, uint64_t b) { return b ? static_cast<double>(a) / static_cast<double>(b) : 0.0; };
  const auto signed_difference = [](uint64_t a, uint64_t b) { return static_cast<int64_t>(a) - static_cast<int64_t>(b); };
  out.section("Memory");
  out.field("used_memory", r.used);
  out.field("used_memory_human", human_bytes(r.used));
  out.field("used_memory_rss", r.rss);
  out.field("used_memory_rss_human", human_bytes(r.rss));
  out.field("used_memory_peak", r.peak);
  out.field("used_memory_peak_human", human_bytes(r.peak));
  out.field("used_memory_peak_perc", percent(r.used, r.peak));
  out.field("used_memory_overhead", r.overhead);
  out.field("used_memory_startup", r.startup);
  out.field("used_memory_dataset", r.dataset());
  out.field("used_memory_dataset_perc", percent(r.dataset(), net));
  out.field("allocator_allocated", r.used);
  out.field("allocator_active", r.rss);
  out.field("allocator_resident", r.rss);
  const uint64_t system = core::total_system_memory();
  out.field("total_system_memory", system);
  out.field("total_system_memory_human", human_bytes(system));
  scripting_memory(ctx, out);
  out.field("maxmemory", settings.maxmemory);
  out.field("maxmemory_human", human_bytes(settings.maxmemory));
  out.field("maxmemory_policy", ctx.instance.config.get({"maxmemory-policy"}).at(0).second);
  out.fixed("allocator_frag_ratio", ratio(r.rss, r.used));
  out.field("allocator_frag_bytes", signed_difference(r.rss, r.used));
  out.fixed("allocator_rss_ratio", 1.0);
  out.field("allocator_rss_bytes", 0);
  out.fixed("rss_overhead_ratio", 1.0);
  out.field("rss_overhead_bytes", 0);
  out.fixed("mem_fragmentation_ratio", ratio(r.rss, r.used));
  out.field("mem_fragmentation_bytes", signed_difference(r.rss, r.used));
  out.field("mem_not_counted_for_evict", ctx.instance.eviction.not_counted_memory());
  out.field("mem_replication_backlog", r.replication_backlog);
  out.field("mem_total_replication_buffers", r.replication_backlog + r.clients_replicas);
  out.field("mem_clients_slaves", r.clients_replicas);
  out.field("mem_clients_normal", r.clients_normal);
  out.field("mem_cluster_links", 0);
  out.field("mem_aof_buffer", 0);
  out.field("mem_allocator", std::string("libc"));
  out.field("active_defrag_running", 0);
  out.field("lazyfree_pending_objects", ctx.instance.freer.pending());
  out.field("lazyfreed_objects", ctx.instance.freer.freed());
}

void persistence_section(CommandContext& ctx, InfoText& out) {
  out.section("Persistence");
  // Clients that wait out a load (ioredis's ready check) wait out seeding too.
  out.field("loading", ctx.instance.repl.seeding ? 1 : 0);
  out.field("async_loading", 0);
  out.field("current_cow_peak", 0);
  out.field("current_cow_size", 0);
  out.field("current_cow_size_age", 0);
  out.field("current_fork_perc", std::string("0.00"));
  out.field("current_save_keys_processed", 0);
  out.field("current_save_keys_total", 0);
  out.field("rdb_changes_since_last_save", ctx.instance.persistence.dirty);
  out.field("rdb_bgsave_in_progress", ctx.instance.persistence.bgsave_in_progress ? 1 : 0);
  out.field("rdb_last_save_time", ctx.instance.persistence.last_save_unix);
  out.field("rdb_last_bgsave_status", std::string(ctx.instance.persistence.last_bgsave_ok ? "ok" : "err"));
  out.field("rdb_last_bgsave_time_sec", -1);
  out.field("rdb_current_bgsave_time_sec", -1);
  out.field("rdb_saves", ctx.instance.stats.rdb_saves);
  out.field("rdb_last_cow_size", 0);  // (forkless snapshots copy nothing on write)
  out.field("rdb_last_load_keys_expired", ctx.instance.stats.rdb_last_load_keys_expired);
  out.field("rdb_last_load_keys_loaded", ctx.instance.stats.rdb_last_load_keys_loaded);
  out.field("aof_enabled", 0);
  out.field("aof_rewrite_in_progress", 0);
  out.field("aof_rewrite_scheduled", 0);
  out.field("aof_last_rewrite_time_sec", -1);
  out.field("aof_current_rewrite_time_sec", -1);
  out.field("aof_last_bgrewrite_status", std::string("ok"));
  out.field("aof_rewrites", 0);
  out.field("aof_rewrites_consecutive_failures", 0);
  out.field("aof_last_write_status", std::string("ok"));
  out.field("aof_last_cow_size", 0);
  out.field("module_fork_in_progress", 0);
  out.field("module_fork_last_cow_size", 0);
}

void stats_section(CommandContext& ctx, InfoText& out) {
  const auto& s = ctx.instance.stats;
  out.section("Stats");
  out.field("total_connections_received", s.total_connections_received);
  out.field("total_commands_processed", s.total_commands_processed);
  out.field("instantaneous_ops_per_sec", static_cast<int64_t>(ctx.instance.ops_rate.per_second()));
  out.field("total_net_input_bytes", s.net_input_bytes);
  out.field("total_net_output_bytes", s.net_output_bytes);
  // (The replication stream is counted in the totals above, not apart.)
  out.field("total_net_repl_input_bytes", 0);
  out.field("total_net_repl_output_bytes", 0);
  out.fixed("instantaneous_input_kbps", ctx.instance.input_rate.per_second() / 1024);
  out.fixed("instantaneous_output_kbps", ctx.instance.output_rate.per_second() / 1024);
  out.fixed("instantaneous_input_repl_kbps", 0.0);
  out.fixed("instantaneous_output_repl_kbps", 0.0);
  out.field("rejected_connections", s.rejected_connections);
  out.field("sync_full", s.sync_full);
  out.field("sync_partial_ok", s.sync_partial_ok);
  out.field("sync_partial_err", s.sync_partial_err);
  out.field("expired_keys", ctx.instance.expired_keys());
  out.field("expired_stale_perc", std::string("0.00"));
  out.field("expired_time_cap_reached_count", 0);
  out.field("expire_cycle_cpu_milliseconds", s.expire_cycle_us / 1000);
  out.field("evicted_keys", ctx.instance.eviction.evicted_keys);
  out.field("evicted_clients", ctx.instance.stats.evicted_clients);
  out.field("total_eviction_exceeded_time", ctx.instance.eviction.total_exceeded_ms());
  out.field("current_eviction_exceeded_time", ctx.instance.eviction.current_exceeded_ms());
  out.field("keyspace_hits", s.keyspace_hits);
  out.field("keyspace_misses", s.keyspace_misses);
  out.field("pubsub_channels", ctx.instance.pubsub.channel_count());
  out.field("pubsub_patterns", ctx.instance.pubsub.pattern_count());
  out.field("pubsubshard_channels", ctx.instance.pubsub.shard_channel_count());
  out.field("latest_fork_usec", 0);
  out.field("total_forks", 0);
  out.field("migrate_cached_sockets", 0);
  out.field("slave_expires_tracked_keys", 0);
  for (const char* name : {"active_defrag_hits", "active_defrag_misses", "active_defrag_key_hits",
                           "active_defrag_key_misses", "total_active_defrag_time", "current_active_defrag_time"})
    out.field(name, 0);
  out.field("tracking_total_keys", ctx.instance.tracking.total_keys());
  out.field("tracking_total_items", ctx.instance.tracking.total_items());
  out.field("tracking_total_prefixes", ctx.instance.tracking.total_prefixes());
  out.field("client_query_buffer_limit_disconnections", s.client_query_buffer_limit_disconnections);
  out.field("client_output_buffer_limit_disconnections", s.client_output_buffer_limit_disconnections);
  out.field("unexpected_error_replies", s.unexpected_error_replies);
  out.field("total_error_replies", s.total_error_replies);
  out.field("dump_payload_sanitizations", 0);
  out.field("total_reads_processed", s.total_reads_processed);
  out.field("total_writes_processed", s.total_writes_processed);
  for (const char* name :
       {"io_threaded_reads_processed", "io_threaded_writes_processed", "reply_buffer_shrinks", "reply_buffer_expands"})
    out.field(name, 0);
  out.field("allocation_failures", s.allocation_failures);  // arbor: commands failed with -OOM by malloc
}

void replication_section(CommandContext& ctx, InfoText& out) {
  out.section("Replication");
  // Lines ("name:value\r\n") from replication/, which owns the state.
  if (ctx.instance.hooks.replication_info) return void(out.text() += ctx.instance.hooks.replication_info());
  out.field("role", std::string("master"));  // no replication service (unit tests)
  out.field("connected_slaves", 0);
  out.field("master_replid", ctx.instance.identity.run_id);
  out.field("master_repl_offset", 0);
}

void cpu_section(CommandContext&, InfoText& out) {
  struct rusage self {}, children {};
  getrusage(RUSAGE_SELF, &self);
  getrusage(RUSAGE_CHILDREN, &children);
  auto seconds = [](const timeval& tv) { return static_cast<double>(tv.tv_sec) + tv.tv_usec / 1e6; };
  char buffer[64];
  out.section("CPU");
  auto put = [&](std::string_view name, double value) {
    std::snprintf(buffer, sizeof(buffer), "%.6f", value);
    out.field(name, std::string(buffer));
  };
  put("used_cpu_sys", seconds(self.ru_stime));
  put("used_cpu_user", seconds(self.ru_utime));
  put("used_cpu_sys_children", seconds(children.ru_stime));
  put("used_cpu_user_children", seconds(children.ru_utime));
  struct rusage main_thread {};  // INFO runs on the event loop's thread
  getrusage(RUSAGE_THREAD, &main_thread);
  put("used_cpu_sys_main_thread", seconds(main_thread.ru_stime));
  put("used_cpu_user_main_thread", seconds(main_thread.ru_utime));
}

void commandstats_section(CommandContext& ctx, InfoText& out) {
  out.section("Commandstats");
  auto line = [&](const core::Command& c) {
    if (c.calls == 0 && c.rejected_calls == 0 && c.failed_calls == 0) return;
    char buffer[256];
    std::snprintf(buffer, sizeof(buffer),
                  "calls=%" PRIu64 ",usec=%" PRIu64 ",usec_per_call=%.2f,rejected_calls=%" PRIu64
                  ",failed_calls=%" PRIu64,
                  c.calls, c.usec, c.calls ? static_cast<double>(c.usec) / static_cast<double>(c.calls) : 0.0,
                  c.rejected_calls, c.failed_calls);
    out.field("cmdstat_" + c.fullname, std::string(buffer));
  };
  for (const core::Command* c : ctx.instance.commands.all()) {
    line(*c);
    for (const auto& sub : c->subcommands) line(*sub);
  }
}

void modules_section(CommandContext&, InfoText& out) { out.section("Modules"); }

void errorstats_section(CommandContext& ctx, InfoText& out) {
  out.section("Errorstats");
  for (const auto& [code, count] : ctx.instance.stats.error_codes)
    out.field("errorstat_" + code, "count=" + std::to_string(count));
}

// latency_percentiles_usec_<command>:p50=1.003,p99=... for every command with
// a histogram, the percentiles of latency-tracking-info-percentiles.
void latencystats_section(CommandContext& ctx, InfoText& out) {
  out.section("Latencystats");
  const auto& settings = ctx.instance.config.settings();
  if (!settings.latency_tracking) return;
  auto line = [&](const core::Command& c) {
    if (!c.latency_histogram) return;
    std::string text;
    for (double p : settings.latency_tracking_info_percentiles) {
      char value[64];
      std::snprintf(value, sizeof(value), "%.3f",
                    static_cast<double>(c.latency_histogram->value_at_percentile(p)) / 1000.0);
      if (!text.empty()) text += ',';
      text += "p" + core::config_values::print_percentile(p) + "=" + value;
    }
    out.field("latency_percentiles_usec_" + c.fullname, text);
  };
  for (const core::Command* c : ctx.instance.commands.all()) {
    line(*c);
    for (const auto& sub : c->subcommands) line(*sub);
  }
}

void cluster_section(CommandContext&, InfoText& out) {
  out.section("Cluster");
  out.field("cluster_enabled", 0);
}

void keyspace_section(CommandContext& ctx, InfoText& out) {
  out.section("Keyspace");
  for (int i = 0; i < ctx.instance.db_count(); ++i) {
    auto& db = ctx.instance.db(i);
    if (db.size() == 0) continue;
    out.field("db" + std::to_string(i), "keys=" + std::to_string(db.size()) +
                                            ",expires=" + std::to_string(db.expires_count()) +
                                            ",avg_ttl=" + std::to_string(db.average_ttl_ms(ctx.now_ms())));
  }
}

struct Section {
  std::string_view name;
  void (*write)(CommandContext&, InfoText&);
  bool in_default;
};

constexpr Section kSections[] = {
    {"server", server_section, true},         {"clients", clients_section, true},
    {"memory", memory_section, true},         {"persistence", persistence_section, true},
    {"stats", stats_section, true},           {"replication", replication_section, true},
    {"cpu", cpu_section, true},               {"modules", modules_section, true},
    {"commandstats", commandstats_section, false}, {"errorstats", errorstats_section, true},
    {"latencystats", latencystats_section, false}, {"cluster", cluster_section, true},
    {"keyspace", keyspace_section, true},
};

// INFO [section [section ...]]
void info(CommandContext& ctx) {
  std::set<std::string> wanted;
  bool all = false, defaults = ctx.argc() == 1;
  for (size_t i = 1; i < ctx.argc(); ++i) {
    std::string name(ctx.arg(i));
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (name == "all" || name == "everything") all = true;
    else if (name == "default") defaults = true;
    else wanted.insert(name);
  }
  InfoText out;
  for (const Section& s : kSections) {
    if (all || (defaults && s.in_default) || wanted.count(std::string(s.name))) s.write(ctx, out);
  }
  ctx.reply.verbatim(out.text());
}

}  // namespace

void register_info_command(core::CommandTable& t) {
  using namespace core;
  t.add({"info", -1, kLoading | kStale | kRandom, {}, info, "server",
         "Get information and statistics about the server", "1.0.0", "O(1)", "[section [section ...]]"});
}

}  // namespace arbor::commands
