// What the server knows about one client, independent of its socket: the
// protocol version, selected database, auth, names and counters that CLIENT
// LIST reports, and its pub/sub, transaction and blocking state. The
// connection (net/) owns it and implements ClientControl so commands can
// reach other clients (close them, deliver messages, serve a blocked
// command) without seeing a socket.
#pragma once

#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "protocol/reply_writer.h"
#include "server/core/string_hash.h"
#include "server/keyspace/value.h"

namespace arbor::core {

struct ClientState;

class ClientControl {
 public:
  virtual ~ClientControl() = default;
  // Closes the connection after pending replies are flushed (or at once).
  virtual void close_soon() = 0;
  // True once the client is being closed (it holds nothing any more).
  virtual bool closing() const { return false; }
  // Closes once everything delivered so far has been written.
  virtual void close_after_output() { close_soon(); }
  // Bytes buffered in and out, for CLIENT LIST qbuf/omem and INFO.
  virtual size_t query_buffer_bytes() const = 0;
  virtual size_t output_buffer_bytes() const = 0;
  // Room left in the query buffer (CLIENT LIST qbuf-free).
  virtual size_t query_buffer_free() const { return 0; }
  // The most output one write carried in the last 5 seconds (CLIENT LIST
  // rbp, Redis's reply buffer peak, which its cron resets every 5 s).
  virtual size_t output_peak(int64_t now_ms) const {
    (void)now_ms;
    return 0;
  }
  // Output produced outside this client's own command (a pub/sub message, a
  // keyspace event): appended to its stream and flushed soon. A client that
  // passes its output buffer limit is closed instead.
  virtual void deliver(std::string_view bytes) = 0;
  // Room for `bytes` more of delivered output, allocated now (throws
  // std::bad_alloc when it cannot be), so the deliver() that follows does
  // not fail half-way.
  virtual void reserve_output(size_t bytes) { (void)bytes; }
  // The writer of this client's own reply stream: a blocked command served
  // by another client's write replies through it, then calls output_ready().
  virtual protocol::ReplyWriter& reply_writer() = 0;
  virtual void output_ready() = 0;
  // Blocking: arm the timeout (unix ms; 0 = none), and continue after the
  // client was unblocked (its pipelined commands run, its reply is flushed).
  virtual void block_timeout_at(int64_t deadline_ms) = 0;
  virtual void unblocked() = 0;
  // Runs now the command a pause postponed (ClientState::rerun_args), then
  // the pipeline behind it.
  virtual void rerun() {}
};

enum class ReplyMode : uint8_t { kOn, kOff, kSkipNext, kSkipThis };

struct Subscriptions {
  std::unordered_set<std::string, StringHash, std::equal_to<>> channels;
  std::unordered_set<std::string, StringHash, std::equal_to<>> patterns;
  std::unordered_set<std::string, StringHash, std::equal_to<>> shard_channels;  // SSUBSCRIBE
  // Every kind: a client with any is in the subscribed state.
  size_t count() const { return channels.size() + patterns.size() + shard_channels.size(); }
  // What SUBSCRIBE and PSUBSCRIBE replies count (shard channels count apart).
  size_t classic_count() const { return channels.size() + patterns.size(); }
};

// MULTI ... EXEC: the queued commands (copied, the input buffer moves on)
// and whether a queueing error dooms the EXEC.
struct Transaction {
  bool active = false;
  bool aborted = false;
  std::vector<std::vector<std::string>> queued;
  size_t queued_bytes = 0;
};

struct WatchedKey {
  int db = 0;
  std::string key;
  // The key was already logically expired when watched: its deletion by
  // expiry is then no change (Redis 7.0's watchedKey.expired).
  bool expired = false;
};

// CLIENT TRACKING: the client's mode for server-assisted client-side
// caching (see tracking.h). The key table holds client ids, not pointers.
struct TrackingState {
  bool on = false;
  bool bcast = false;
  bool optin = false;
  bool optout = false;
  bool noloop = false;
  // CLIENT CACHING yes|no was given: applies to the next command (or
  // transaction), as Redis's CLIENT_TRACKING_CACHING.
  bool caching = false;
  // The redirect client went away (CLIENT LIST flag R).
  bool broken_redirect = false;
  uint64_t redirect = 0;  // 0: none
  std::vector<std::string> prefixes;  // BCAST, sorted
};

// What the reply is when a blocked command times out.
enum class TimeoutReply : uint8_t { kNullArray, kNullBulk };

// A client waiting in a blocking command: the keys it waits on (in its
// database), its deadline, and the command to run again when a key is
// ready (copied, with `$` ids already resolved for XREAD).
struct BlockedState {
  int db = 0;
  std::vector<std::string> keys;
  int64_t deadline_ms = 0;  // 0: wait forever
  std::vector<std::string> args;
  TimeoutReply timeout_reply = TimeoutReply::kNullArray;
  // The type of value the command takes (list, zset, stream).
  keyspace::ValueType wanted_type = keyspace::ValueType::kList;
  // Set when the command, run again because a key got data, still found
  // nothing to serve (the client stays blocked where it was in the queue).
  bool still_waiting = false;
  // Run again also when a key it waits on is deleted or replaced by another
  // type (XREADGROUP, which then ends with an error), not only when it gets
  // data of the wanted type.
  bool rerun_when_key_gone = false;
  // Postponed while writes are paused (FAILOVER): no keys, no deadline;
  // `args` runs again from scratch once the pause ends.
  bool postponed = false;
  // WAIT: the offset to be acknowledged and by how many replicas.
  std::optional<std::pair<uint64_t, int64_t>> wait_target;
  // A wait on something other than keys (WAIT): writes the reply when the
  // deadline passes or CLIENT UNBLOCK ends it, in place of the null.
  std::function<void(protocol::ReplyWriter&)> timeout_writer;
  // Each distinct key (a view into `keys`) with the client's place in that
  // key's queue, for O(1) removal.
  std::vector<std::pair<std::string_view, std::list<ClientState*>::iterator>> positions;
};

struct ClientState {
  uint64_t id = 0;
  int resp = 2;
  int db = 0;
  bool authenticated = false;
  ReplyMode reply_mode = ReplyMode::kOn;
  bool close_after_reply = false;
  bool no_evict = false;
  // Its memory as last reported to maxmemory-clients' total (client_eviction.h).
  size_t reported_memory = 0;
  bool is_unix_socket = false;
  // Replication roles (CLIENT LIST flags S and M): a replica attached to
  // us after SYNC/PSYNC, or the stream from our own primary, which may
  // write on a read-only replica.
  bool is_replica = false;
  bool is_master = false;
  // MONITOR: receives every command's line (CLIENT LIST flag O).
  bool is_monitor = false;
  // The client a script's redis.call runs commands as (Redis's
  // CLIENT_SCRIPT): commands that would block answer at once or refuse.
  bool in_script = false;
  // The replication offset just after this client's last write (WAIT).
  uint64_t repl_offset = 0;
  std::string name;
  std::string lib_name;
  std::string lib_ver;
  std::string addr;   // "ip:port" of the peer
  std::string laddr;  // "ip:port" of our end
  int fd = -1;
  int64_t created_ms = 0;
  int64_t last_interaction_ms = 0;
  // Full name of the last command, for CLIENT LIST cmd=; points at the
  // command table's storage, which outlives every client.
  std::string_view last_command = "NULL";
  ClientControl* control = nullptr;

  Subscriptions subscriptions;
  Transaction multi;
  bool in_exec = false;  // running EXEC's queue: blocking commands don't block
  std::vector<WatchedKey> watched;
  bool watch_dirty = false;  // a watched key changed: EXEC fails
  std::unique_ptr<BlockedState> blocked;
  TrackingState tracking;
  // Non-zero while one of this client's commands runs; output delivered to it
  // meanwhile waits in deferred_output, so it never lands inside a reply.
  int executing = 0;  // nesting depth (EXEC runs commands inside EXEC)
  std::string deferred_output;
  // Where the running top-level command's reply starts in the reply buffer.
  // A message delivered before the command wrote anything goes in there,
  // ahead of the reply, as Redis orders a PUBLISH to oneself; the reply then
  // starts after it.
  size_t reply_start = 0;
  // A command postponed by a pause that has ended: its session runs it
  // again, from scratch, before the input queued behind it.
  std::vector<std::string> rerun_args;
};

// Redis's islocalClient: a unix socket, or exactly 127.0.0.1 or ::1
// (enable-protected-configs local, enable-debug-command local).
inline bool is_local_client(const ClientState& client) {
  return client.is_unix_socket || client.addr.starts_with("127.0.0.1:") || client.addr.starts_with("[::1]:");
}

}  // namespace arbor::core
