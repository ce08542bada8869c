// What a command handler gets: its arguments, the reply writer, the client's
// state, its selected database and the instance, and the clock reading of
// this command (one reading per command, so expiry is consistent within it).
// Handlers never see a socket and never test the protocol version.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "protocol/reply_writer.h"
#include "server/core/client_state.h"
#include "server/core/instance.h"
#include "server/core/keyspace_events.h"

namespace arbor::core {

struct Command;
class Dispatcher;

class CommandContext {
 public:
  CommandContext(Instance& instance, Dispatcher& dispatcher, ClientState& client, protocol::ReplyWriter& reply,
                 std::span<const std::string_view> args, const Command& command, int64_t now_ms)
      : instance(instance),
        dispatcher(dispatcher),
        client(client),
        reply(reply),
        args(args),
        command(command),
        now_ms_(now_ms) {}

  Instance& instance;
  // The dispatcher running this command: EXEC and scripts run commands
  // through it.
  Dispatcher& dispatcher;
  ClientState& client;
  protocol::ReplyWriter& reply;
  std::span<const std::string_view> args;
  const Command& command;

  size_t argc() const { return args.size(); }
  std::string_view arg(size_t i) const { return args[i]; }
  keyspace::Database& db() { return instance.db(client.db); }
  int64_t now_ms() const { return now_ms_; }

  // Counts a change to the dataset (Redis's server.dirty); write commands
  // call it once per modified key so the save schedule and INFO see it.
  void mark_dirty(uint64_t changes = 1) { instance.persistence.dirty += changes; }

  // True when writes are replicated: only then do handlers build rewrites.
  bool replicating() const { return instance.replicating(); }
  // Replaces what this command sends to replicas (Redis's
  // rewriteClientCommandVector / alsoPropagate): the first call drops the
  // command's own form, each call adds one command to send in its place.
  // Call only when replicating(); a command with no rewrite is sent as it
  // came when it changed the dataset.
  void propagate_as(std::vector<std::string> args) {
    rewritten_ = true;
    propagated_.push_back(std::move(args));
  }
  // Replicates this command even though it changed no data (PUBLISH).
  void force_propagation() { forced_ = true; }
  bool propagation_forced() const { return forced_; }
  // The rewrite, for the dispatcher (empty when the command has none).
  bool rewritten() const { return rewritten_; }
  const std::vector<std::vector<std::string>>& propagated() const { return propagated_; }

  // A read of `key` found it or not: INFO keyspace_hits / keyspace_misses
  // and the "keymiss" event. As Redis's lookupKeyRead, lookups made by write
  // commands count neither.
  void count_lookup(std::string_view key, bool hit);

  // A key of the selected database changed (Redis's signalModifiedKey):
  // clients watching it will fail their EXEC.
  void touch(std::string_view key) { instance.touch_key(client.db, key); }
  // Publishes keyspace event `event` of class `event_class` (kEventList ...)
  // for `key` in the selected database, if notify-keyspace-events asks.
  void notify(uint32_t event_class, std::string_view event, std::string_view key) {
    instance.notify_keyspace_event(event_class, event, key, client.db);
  }
  // The usual pair after a write: touch(key) then notify(...).
  void key_changed(std::string_view key, uint32_t event_class, std::string_view event) {
    touch(key);
    notify(event_class, event, key);
  }
  // After elements left the collection at `key` (Redis's pattern for pops
  // and removals): `event`, then, if the collection is now empty, the key
  // goes with a "del" event; then the touch.
  void elements_removed(std::string_view key, uint32_t event_class, std::string_view event, bool emptied) {
    notify(event_class, event, key);
    if (emptied) {
      db().erase(key);
      notify(kEventGeneric, "del", key);
    }
    touch(key);
  }
  // `key` got data that clients blocked on it may take (XADD to an existing
  // stream; new lists and sorted sets are signalled by the keyspace itself).
  void signal_ready(std::string_view key) { instance.blocking.signal_ready(client.db, key); }

  // Blocks this client on `keys` until one of them gets data or the
  // deadline (unix ms, 0 = never) passes; the handler writes no reply. When
  // a key is ready the command runs again with `args` (the command's own
  // arguments when empty; XREAD passes them with `$` resolved) and calls
  // block() again if it still finds nothing. Inside MULTI/EXEC the timeout
  // reply is written at once, as Redis does.
  // `wanted` is the type of value the command takes: only a key of that
  // type wakes it (as Redis 7.0).
  void block(std::vector<std::string> keys, int64_t deadline_ms, keyspace::ValueType wanted,
             TimeoutReply timeout_reply, std::vector<std::string> rerun_args = {}) {
    if (client.blocked) {  // running again, still nothing: keep the place in line
      client.blocked->still_waiting = true;
      return;
    }
    if (rerun_args.empty()) rerun_args.assign(args.begin(), args.end());
    instance.block_client(client, reply, std::move(keys), deadline_ms, wanted, timeout_reply,
                          std::move(rerun_args));
  }

 private:
  int64_t now_ms_;
  bool rewritten_ = false;
  bool forced_ = false;
  std::vector<std::vector<std::string>> propagated_;
};

}  // namespace arbor::core
