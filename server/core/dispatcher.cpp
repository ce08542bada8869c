// Dispatcher: name lookup, the gates of Redis's processCommand in order
// (existence, arity, auth, transaction rules, subscribe mode, MULTI
// queueing), the handler call, CLIENT REPLY suppression, per-command
// statistics, EXEC, and serving clients blocked on keys.
#include "server/core/dispatcher.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <new>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/errors.h"
#include "server/core/arguments.h"
#include "server/core/command_context.h"
#include "server/core/command_keys.h"
#include "server/core/command_table.h"
#include "server/core/scoped_value.h"

namespace arbor::core {
namespace {

// "ERR unknown command 'x', with args beginning with: 'a' 'b' " (Redis keeps
// the trailing space and stops adding args once 128 bytes are listed).
void reply_unknown_command(protocol::ReplyWriter& reply, std::span<const std::string_view> args) {
  std::string listed;
  for (size_t i = 1; i < args.size() && listed.size() < 128; ++i) {
    listed += '\'';
    listed.append(args[i].substr(0, 128 - listed.size() + 1));
    listed += "' ";
  }
  std::string message = "ERR unknown command '";
  message.append(args[0].substr(0, 128));
  message.append("', with args beginning with: ");
  message.append(listed);
  reply.error(message);
}

// Counts an error reply under its code, the text between '-' and the first
// space within 32 bytes ("ERR" when there is none), as Redis's afterErrorReply.
void count_error_code(Stats& stats, std::string_view reply) {
  const std::string_view head = reply.substr(1, 31);
  const size_t space = head.find(' ');
  const std::string_view code = space == std::string_view::npos ? "ERR" : head.substr(0, space);
  auto it = stats.error_codes.find(code);
  if (it != stats.error_codes.end()) ++it->second;
  else if (stats.error_codes.size() < Stats::kMaxErrorCodes) stats.error_codes.emplace(code, 1);
}

bool auth_required(const Instance& instance, const ClientState& client) {
  return !client.authenticated && !instance.config.settings().requirepass.empty();
}

// Commands that act on the transaction itself instead of being queued.
bool controls_transaction(const Command& command) {
  const std::string_view name = command.fullname;
  return name == "exec" || name == "discard" || name == "multi" || name == "watch" || name == "quit" ||
         name == "reset";
}

// Redis's is_write_command (`flags` kWrite) and is_may_replicate_command
// (kWrite | kMayReplicate): the call's flags have them, or it is an EXEC
// whose queue holds a command whose flags have.
bool has_flag(Instance& instance, const Command& command, uint32_t call_flags, const ClientState& client,
              uint32_t flags) {
  if (call_flags & flags) return true;
  if (command.fullname != "exec" || !client.multi.active) return false;
  std::vector<std::string_view> views;
  for (const auto& queued : client.multi.queued) {
    const Command* c = instance.commands.find(queued[0]);
    if (c == nullptr) continue;
    views.assign(queued.begin(), queued.end());
    if (c->flags_for(instance, views) & flags) return true;
  }
  return false;
}

// A write with this many bytes of arguments first checks that memory for
// them can be had (the values it will store are about that big).
constexpr size_t kProbeBytes = 64 * 1024;

// Throws std::bad_alloc unless `bytes` can be allocated now. (The compiler
// may drop an unused new/delete pair; the empty asm keeps this one.)
void probe_memory(size_t bytes) {
  void* block = std::malloc(bytes);
  if (block == nullptr) throw std::bad_alloc();
  asm volatile("" : : "r"(block) : "memory");
  std::free(block);
}


// A rejected command inside MULTI dooms the EXEC (Redis's flagTransaction).
void flag_transaction(ClientState& client) {
  if (client.multi.active) client.multi.aborted = true;
}

// Where a command's reply starts: after messages delivered to its client
// ahead of it (a top-level command only; see ClientState::reply_start).
size_t reply_start_of(const ClientState& client, size_t mark) {
  return client.executing == 1 ? std::max(mark, client.reply_start) : mark;
}

// Messages for a client produced while its command ran (a PUBLISH to
// itself, keyspace events, invalidations), sent once its outermost command
// replied, whatever the reply mode.
void flush_held_messages(ClientState& client, protocol::ReplyWriter& reply) {
  if (client.executing != 0 || client.deferred_output.empty()) return;
  try {
    reply.raw(client.deferred_output);
  } catch (const std::bad_alloc&) {
    client.close_after_reply = true;  // they cannot be delivered: the connection ends
  }
  client.deferred_output.clear();
}

}  // namespace

void Dispatcher::execute(ClientState& client, std::span<const std::string_view> args,
                         protocol::ReplyWriter& reply) {
  if (args.empty()) return;
  // As Redis's processCommand: the client-side caching table is kept within
  // tracking-table-max-keys before each command (its invalidations may go
  // to this client: ahead of the reply's start).
  if (depth_ == 0 && instance_.tracking.clients() > 0) {
    try {
      instance_.tracking.limit_table(static_cast<size_t>(instance_.config.settings().tracking_table_max_keys));
    } catch (const std::bad_alloc&) {
      ++instance_.stats.allocation_failures;
    }
  }
  const size_t mark = reply.buffer().size();
  {
    // (Restored however the command ends: a unit left open would never
    // be flushed again.)
    ScopedValue<ClientState*> current(instance_.current_client, depth_ == 0 ? &client : instance_.current_client);
    ScopedValue<int> nesting(depth_, depth_ + 1);
    ScopedValue<int> command_nesting(instance_.command_depth, instance_.command_depth + 1);
    try {
      dispatch(client, args, reply, mark);
    } catch (const std::bad_alloc&) {
      // Out of memory outside a handler (queueing, a rejection's text): a
      // command that was meant to be queued dooms its transaction.
      ++instance_.stats.allocation_failures;
      flag_transaction(client);
      // (Messages delivered ahead of the reply stay.)
      reply.buffer().resize(client.executing == 0 ? std::max(mark, client.reply_start) : mark);
      reply_out_of_memory(client, reply);
    }
  }
  flush_held_messages(client, reply);  // when dispatch() could not
  // The end of an execution unit; WAIT waits for the stream up to here.
  if (depth_ == 0) end_unit(client);
}

void Dispatcher::reply_out_of_memory(ClientState& client, protocol::ReplyWriter& reply) {
  try {
    reply.error("OOM out of memory while executing the command");
  } catch (const std::bad_alloc&) {
    client.close_after_reply = true;  // not even room to say so: the connection ends
  }
}

void Dispatcher::end_unit(ClientState& client) {
  try {
    if (instance_.propagation.flush()) client.repl_offset = instance_.propagation.feed()->offset();
  } catch (const std::bad_alloc&) {
    ++instance_.stats.allocation_failures;
    instance_.propagation.abandon("out of memory feeding the replication stream", true);
  }
  if (!serving_ && instance_.blocking.has_ready()) serve_blocked_clients();
}

void Dispatcher::dispatch(ClientState& client, std::span<const std::string_view> args, protocol::ReplyWriter& reply,
                          size_t mark) {
  const ReplyMode mode_before = client.reply_mode;
  if (client.executing == 0) client.reply_start = mark;
  Command* command = instance_.commands.find(args[0]);
  // Gate order mirrors Redis 7.0's processCommand: existence, arity, then
  // authentication (so an unauthenticated client still learns of typos).
  if (command != nullptr && command->has_subcommands() && args.size() >= 2) {
    Command* sub = instance_.commands.find_subcommand(*command, args[1]);
    if (sub == nullptr) {
      // No command was found, so no command's stats change (as Redis).
      reply_unknown_subcommand(reply, args[0], args[1]);
      command = nullptr;
    } else {
      command = sub;
    }
  } else if (command == nullptr) {
    reply_unknown_command(reply, args);
  }

  std::string rejection;
  bool ran = false;
  const uint32_t flags = command != nullptr ? command->flags_for(instance_, args) : 0;
  if (command != nullptr) rejection = gate(*command, flags, client, args.size());
  if (command == nullptr) {
    flag_transaction(client);
  } else if (!rejection.empty()) {
    reject(*command, client, rejection, reply);
  } else if (instance_.writes_paused() && !client.is_replica && client.control != nullptr && !client.in_exec &&
             (instance_.all_paused() || has_flag(instance_, *command, flags, client, kWrite | kMayReplicate))) {
    // Before MULTI queueing, as Redis: a paused write is not even queued;
    // it runs from scratch later, with its CLIENT REPLY mode untouched.
    instance_.postpone(client, args);
    return;
  } else if (client.multi.active && !controls_transaction(*command)) {
    queue(client, args, reply);
  } else {
    call(*command, client, args, reply);
    ran = true;
  }
  // (Messages to this client that arrived before its reply now precede it.)
  if (client.executing == 0) mark = std::max(mark, client.reply_start);

  if (reply.buffer().size() > mark && reply.buffer()[mark] == '-') {
    ++instance_.stats.total_error_replies;
    count_error_code(instance_.stats, std::string_view(reply.buffer()).substr(mark));
  }

  // CLIENT REPLY OFF|SKIP: the command ran, its reply is dropped. CLIENT
  // REPLY ON clears a pending skip before it replies, so its +OK is sent.
  // Subscription confirmations are pushes to Redis (CLIENT_PUSHING): they
  // are sent anyway, in RESP2 too. (Not those of a SUBSCRIBE queued in
  // MULTI: EXEC's suppressed reply holds them, where Redis sends them.)
  const bool suppress = !(ran && (command->spec.flags & kPubSubConfirms)) &&
                        ((mode_before == ReplyMode::kSkipThis && client.reply_mode != ReplyMode::kOn) ||
                         client.reply_mode == ReplyMode::kOff || client.reply_mode == ReplyMode::kSkipNext);
  if (client.reply_mode == ReplyMode::kSkipNext) client.reply_mode = ReplyMode::kSkipThis;
  else if (mode_before == ReplyMode::kSkipThis && client.reply_mode == ReplyMode::kSkipThis)
    client.reply_mode = ReplyMode::kOn;
  if (suppress) reply.buffer().resize(mark);
  flush_held_messages(client, reply);  // after the reply, never inside it
  // CLIENT CACHING applies to the next command or transaction (Redis's
  // resetClient keeps it across CLIENT subcommands and inside MULTI).
  if (client.tracking.caching && client.executing == 0 && !client.multi.active &&
      (command == nullptr || command->parent == nullptr || command->parent->fullname != "client"))
    client.tracking.caching = false;
}

void Dispatcher::remember_read_keys(const Command& command, ClientState& client,
                                    std::span<const std::string_view> args, const RunningCall& outer) {
  const bool scripted = client.in_script && outer.client != nullptr && outer.command != nullptr;
  ClientState& tracker = scripted ? *outer.client : client;
  if (!tracker.tracking.on || tracker.tracking.bcast) return;
  // The read-only script commands themselves are left out, as Redis 7.0.
  const std::string_view name = command.fullname;
  if (!scripted && (name == "eval_ro" || name == "evalsha_ro" || name == "fcall_ro")) return;
  try {
    std::vector<std::string_view> keys;
    std::vector<size_t> specs;
    if (scripted) command_keys(*outer.command, outer.args, keys, specs);
    else command_keys(command, args, keys, specs);
    if (!keys.empty()) instance_.tracking.remember_keys(tracker, keys);
  } catch (const std::bad_alloc&) {
    ++instance_.stats.allocation_failures;
  }
}

void Dispatcher::call(Command& command, ClientState& client, std::span<const std::string_view> args,
                      protocol::ReplyWriter& reply) {
  const size_t mark = reply.buffer().size();
  client.last_command = command.fullname;  // CLIENT LIST shows the running command
  // MONITOR: scripts are shown before they run (their commands follow from
  // "lua"), other commands once they ran, a blocked one only the first
  // time, administrative ones never (as Redis's call()).
  const bool rerun = client.blocked != nullptr;  // a blocked command trying again
  const bool monitored = !instance_.monitors.empty() && !(command.spec.flags & kAdmin) && !rerun;
  if (monitored && (command.spec.flags & kSkipMonitor)) feed_monitors(client, args);
  const auto started = std::chrono::steady_clock::now();
  ++client.executing;
  // (Restored however the call ends: a client left "executing" would hold
  // every message delivered to it in deferred_output for good.)
  struct Executing {
    int& depth;
    ~Executing() { --depth; }
  } executing{client.executing};
  const RunningCall outer = running_;
  ScopedValue<RunningCall> running(running_, RunningCall{&command, args, &client});
  const uint64_t dirty_before = instance_.persistence.dirty;
  CommandContext ctx(instance_, *this, client, reply, args, command, instance_.now_ms());
  instance_.eviction.clock.tick(ctx.now_ms());
  ScopedValue<bool> no_touch(instance_.eviction.clock.suspended, (command.spec.flags & kNoTouch) != 0);
  // An allocation that fails (an address-space limit, a huge value) fails
  // the command, not the server. Room for what a write needs is taken
  // first: its stream form (encoder and every replica's buffer) and, for a
  // big one, its values; so a write too big for memory is refused before it
  // changes anything. One that still fails half-way may have changed data
  // that cannot be described to the replicas: they sync again in full.
  const bool write = command.spec.flags & kWrite;
  const bool may_replicate = write || (command.spec.flags & kMayReplicate);
  bool refused = false, failed = false;
  try {
    if (may_replicate) {
      size_t bytes = 32;
      for (std::string_view arg : args) bytes += arg.size() + 24;
      if (instance_.replicating()) instance_.propagation.reserve(bytes);
      // (Twice the values and some: the allocator may serve the value from
      // another arena than the probe, and a handler may copy once.)
      if (write && bytes >= kProbeBytes) probe_memory(2 * bytes + kProbeBytes);
    }
  } catch (const std::bad_alloc&) {
    refused = true;
  }
  if (!refused) {
    try {
      command.spec.handler(ctx);
    } catch (const std::bad_alloc&) {
      failed = true;
      reply.buffer().resize(reply_start_of(client, mark));  // a partial reply must not reach the client
      if (write) ++instance_.stats.partial_write_failures;
    }
  }
  // As Redis: a write is replicated when it changed data, in its rewritten
  // deterministic form when the handler gave one.
  const bool changed = (instance_.persistence.dirty != dirty_before && write) || ctx.propagation_forced();
  if (failed && write) {
    instance_.propagation.abandon("out of memory in the middle of '" + command.fullname + "'", true);
  } else if (!refused && changed && !instance_.repl.seeding) {
    try {
      if (!ctx.rewritten()) instance_.propagation.add(client.db, args);
      for (const auto& form : ctx.propagated()) instance_.propagation.add(client.db, form);
    } catch (const std::bad_alloc&) {
      failed = true;
      instance_.propagation.abandon("out of memory encoding '" + command.fullname + "' for the replicas", write);
    }
  }
  if (!refused && !failed && (command.spec.flags & kReadonly) && instance_.tracking.clients() > 0)
    remember_read_keys(command, client, args, outer);
  if (refused || failed) {
    ++instance_.stats.allocation_failures;
    spdlog::warn("Out of memory running '{}' for client id={} addr={}{}", command.fullname, client.id, client.addr,
                 refused ? ": refused before it ran" : "");
    reply_out_of_memory(client, reply);
  }
  const auto elapsed = std::chrono::steady_clock::now() - started;
  // (A command that now waits is judged when it is served or times out.)
  const bool waiting = client.blocked && (!rerun || client.blocked->still_waiting);
  if (!waiting) {
    record_if_slow(command, client, args, elapsed);
    if (instance_.config.settings().latency_tracking) {
      // As Redis: microseconds, recorded in nanoseconds.
      const int64_t us = std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count();
      try {
        if (!command.latency_histogram) command.latency_histogram = std::make_unique<LatencyHistogram>();
        command.latency_histogram->record(us * 1000);
      } catch (const std::bad_alloc&) {
        ++instance_.stats.allocation_failures;
      }
    }
    if (!(command.spec.flags & kSkipSlowlog))
      instance_.latency_sample(command.spec.flags & kFast ? "fast-command" : "command",
                               static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count()));
  }
  if (monitored && !(command.spec.flags & kSkipMonitor)) feed_monitors(client, args);
  // A command that left its client blocked is counted once, when it is
  // served or times out (Redis's updateStatsOnUnblock).
  if (!client.blocked) ++command.calls;
  ++instance_.stats.total_commands_processed;  // executed ones only, as Redis's call()
  command.usec +=
      static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count());
  const size_t start = reply_start_of(client, mark);
  if (reply.buffer().size() > start && reply.buffer()[start] == '-') ++command.failed_calls;
}

bool Dispatcher::is_sensitive(std::string_view config_name) const {
  const Config::Param* p = instance_.config.find(config_name);
  return p != nullptr && (p->flags & kConfigSensitive);
}

// As Redis's call(): commands that took slowlog-log-slower-than or longer,
// the ones a script runs included (from Redis's fake client "?:0"). Only
// what the entry keeps is copied; without memory for it there is no entry.
void Dispatcher::record_if_slow(const Command& command, const ClientState& client,
                                std::span<const std::string_view> args, std::chrono::nanoseconds elapsed) {
  const auto& settings = instance_.config.settings();
  if (settings.slowlog_log_slower_than < 0 || settings.slowlog_max_len == 0) return;
  const int64_t us = std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count();
  if (us < settings.slowlog_log_slower_than || (command.spec.flags & kSkipSlowlog)) return;
  try {
    const auto hidden = redaction_mask(args, [this](std::string_view name) { return is_sensitive(name); });
    instance_.slowlog.push(args, hidden, unix_time_ms() / 1000, us, client.in_script ? "?:0" : client.addr,
                           client.in_script ? std::string() : client.name, settings.slowlog_max_len);
  } catch (const std::bad_alloc&) {
    ++instance_.stats.allocation_failures;
  }
}

// The whole command goes into the line, as Redis's; without memory for it
// the monitors miss this one.
void Dispatcher::feed_monitors(const ClientState& client, std::span<const std::string_view> args) {
  try {
    const auto hidden = redaction_mask(args, [this](std::string_view name) { return is_sensitive(name); });
    instance_.monitors.feed(client, args, hidden, unix_time_us());
  } catch (const std::bad_alloc&) {
    ++instance_.stats.allocation_failures;
  }
}

void Dispatcher::queue(ClientState& client, std::span<const std::string_view> args,
                       protocol::ReplyWriter& reply) {
  std::vector<std::string> copy;
  copy.reserve(args.size());
  for (std::string_view arg : args) {
    copy.emplace_back(arg);
    client.multi.queued_bytes += arg.size();
  }
  client.multi.queued.push_back(std::move(copy));
  reply.simple("QUEUED");
}

std::string Dispatcher::gate(const Command& command, uint32_t flags, const ClientState& client, size_t argc) const {
  const auto& settings = instance_.config.settings();
  if (!command.arity_ok(argc)) return "ERR wrong number of arguments for '" + command.fullname + "' command";
  if ((command.spec.flags & kProtected) &&
      !(settings.enable_debug_command == Settings::Permission::yes ||
        (settings.enable_debug_command == Settings::Permission::local && is_local_client(client))))
    return "ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", you can run it "
           "from a local connection, otherwise you need to set this option in the configuration file, and then "
           "restart the server.";
  if (auth_required(instance_, client) && !(command.spec.flags & kNoAuth)) return std::string(protocol::errors::kNoAuth);
  if (client.multi.active && (command.spec.flags & kNoMulti)) return "ERR Command not allowed inside a transaction";
  if (settings.maxmemory != 0 && depth_ == 1 && !client.in_exec && !instance_.script_busy) {
    // Redis's processCommand: room is made before every top-level command;
    // what cannot be made refuses the commands that may grow memory, and
    // anything queued into a transaction (its queue grows too).
    const bool out_of_memory = instance_.eviction.perform() == Eviction::Result::kFail;
    instance_.pre_command_oom = out_of_memory;  // a script's first write checks it
    const std::string_view name = command.spec.name;
    const bool grows = has_flag(instance_, command, flags, client, kDenyOom) ||
                       (client.multi.active && name != "exec" && name != "discard" && name != "quit" && name != "reset");
    if (out_of_memory && grows && !client.is_master) return std::string(protocol::errors::kOom);
  }
  // Our primary's stream is obeyed (Redis panics a replica there).
  if (!client.is_master && instance_.writes_denied_by_disk_error() &&
      (command.spec.name == "ping" || has_flag(instance_, command, flags, client, kWrite)))
    return std::string(protocol::errors::kMisconf);
  // As Redis: both min-replicas settings non-zero turn the check on.
  if (!client.is_master && settings.min_replicas_to_write > 0 && settings.min_replicas_max_lag > 0 &&
      !instance_.is_replica() &&
      instance_.repl.good_replicas < settings.min_replicas_to_write && has_flag(instance_, command, flags, client, kWrite))
    return "NOREPLICAS Not enough good replicas to write.";
  if (!client.is_master && instance_.is_replica() && settings.replica_read_only &&
      has_flag(instance_, command, flags, client, kWrite))
    return "READONLY You can't write against a read only replica.";
  // RESP2 cannot tell a reply from a message, so a subscribed client may
  // only manage its subscriptions (RESP3 uses push frames instead).
  if (client.resp == 2 && client.subscriptions.count() > 0 && !(command.spec.flags & kAllowedInSubscribe))
    return "ERR Can't execute '" + command.fullname +
           "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context";
  // A monitor is a replica to Redis (CLIENT_SLAVE): no keyspace for it.
  if (client.is_monitor && has_flag(instance_, command, flags, client, kWrite | kReadonly | kMayReplicate))
    return "ERR Replica can't interact with the keyspace";
  if (!client.is_master && instance_.is_replica() && !instance_.repl.master_link_up &&
      !settings.replica_serve_stale_data && !(flags & kStale))
    return "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.";
  if (instance_.repl.seeding && !(command.spec.flags & (kLoading | kWhileSeeding)))
    return "LOADING arbor is seeding its dataset from replicas";
  // A script past busy-reply-threshold holds the loop: only what may stop
  // it (or the server) runs meanwhile.
  if (instance_.script_busy && !(command.spec.flags & kAllowBusy))
    return instance_.busy_script_is_function
               ? "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE."
               : "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.";
  return {};
}

void Dispatcher::reject(Command& command, ClientState& client, std::string_view error, protocol::ReplyWriter& reply) {
  ++command.rejected_calls;
  flag_transaction(client);
  // As Redis's rejectCommand: a refused EXEC ends the transaction it closes.
  if (command.fullname == "exec" && client.multi.active) {
    client.multi = Transaction{};
    instance_.watches.unwatch_all(client);
    if (error.starts_with("ERR ")) error.remove_prefix(4);
    return reply.error("EXECABORT Transaction discarded because of: " + std::string(error));
  }
  reply.error(error);
}

void Dispatcher::exec(ClientState& client, protocol::ReplyWriter& reply) {
  if (!client.multi.active) return reply.error("ERR EXEC without MULTI");
  Transaction transaction = std::move(client.multi);
  client.multi = Transaction{};
  if (transaction.aborted) {
    instance_.watches.unwatch_all(client);
    return reply.error("EXECABORT Transaction discarded because of previous errors.");
  }
  std::vector<keyspace::Database*> dbs;
  for (int i = 0; i < instance_.db_count(); ++i) dbs.push_back(&instance_.db(i));
  const bool watch_failed =
      client.watch_dirty || Watches::any_expired(client, dbs, instance_.now_ms());
  // Keys are unwatched before the commands run, as Redis's execCommand.
  instance_.watches.unwatch_all(client);
  if (watch_failed) return reply.null(protocol::NullKind::kArray);

  reply.array(transaction.queued.size());
  instance_.propagation.mark_transaction();
  client.in_exec = true;
  std::vector<std::string_view> views;
  for (const auto& args : transaction.queued) {
    views.assign(args.begin(), args.end());
    execute(client, views, reply);
  }
  client.in_exec = false;
}

void Dispatcher::serve_blocked_clients() {
  serving_ = true;
  std::vector<std::string_view> views;
  while (instance_.blocking.has_ready()) {
    for (const auto& [db_index, key] : instance_.blocking.take_ready()) {
      keyspace::Database& db = instance_.db(db_index);
      for (ClientState* client : instance_.blocking.waiting_on(db_index, key)) {
        // Served meanwhile through another of its keys.
        if (!client->blocked || client->control == nullptr) continue;
        // Redis 7.0 serves a key only to commands of its type: a BLPOP
        // waiting on a key that became a sorted set keeps waiting.
        const keyspace::Entry* entry = db.find(key, instance_.now_ms());
        const bool runs_anyway = client->blocked->rerun_when_key_gone;
        if (entry == nullptr && !runs_anyway) break;
        if ((entry == nullptr || entry->type() != client->blocked->wanted_type) && !runs_anyway) continue;
        client->blocked->still_waiting = false;
        const std::vector<std::string> args = client->blocked->args;
        views.assign(args.begin(), args.end());
        protocol::ReplyWriter& writer = client->control->reply_writer();
        writer.set_resp(client->resp);
        execute(*client, views, writer);
        if (client->blocked && client->blocked->still_waiting) continue;
        instance_.blocking.remove(*client);
        client->control->unblocked();
      }
    }
  }
  serving_ = false;
}

}  // namespace arbor::core
