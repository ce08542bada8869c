// The named parts of an Instance that outer layers keep or install: how
// core reaches net/, replication/ and main.cpp without knowing them, and
// the state they keep for core's gates and INFO. Each part has one keeper;
// everyone else reads it.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace arbor::replication {
class ReplicationService;
}

namespace arbor::core {

struct ClientState;

// Functions installed by the layers above core; each may be empty (unit
// tests install none).
struct ServerHooks {
  // net/: runs the other clients' pending I/O once, from inside a busy
  // script (Redis's processEventsWhileBlocked). What must not happen in the
  // middle of a script waits with Instance::after_script() instead.
  std::function<void()> process_events_while_busy;
  // net/: runs `task` from the event loop, after the work already queued
  // there (Redis's beforeSleep). Without it (unit tests) tasks run at once.
  std::function<void(std::function<void()>)> post;
  // main.cpp: writes the dump file (SHUTDOWN and SIGTERM save with it when
  // save points are configured, as Redis does).
  std::function<bool(std::string& error)> save_to_disk;
  // main.cpp: stops the loop gracefully (SHUTDOWN, SIGTERM).
  std::function<void()> request_shutdown;
  // replication/: told of every client that goes away.
  std::function<void(ClientState&)> on_client_removed;
  // replication/: INFO replication's lines.
  std::function<std::string()> replication_info;
  // replication/: closes the link to our primary, which then reconnects at
  // once (CLIENT KILL TYPE master).
  std::function<void()> drop_master_link;
  // replication/: a PUBLISH on __sentinel__:hello (its payload).
  std::function<void(std::string_view)> on_sentinel_hello;
  // replication/: the service itself, for its own commands (REPLICAOF,
  // PSYNC, FAILOVER, SAVE ...), installed by its constructor.
  replication::ReplicationService* replication_service = nullptr;
};

// Replication state the dispatcher's gates and INFO read, kept by
// replication/.
struct ReplicationStatus {
  bool master_link_up = false;  // a replica whose primary link is up
  // A booting primary that has not decided yet whether it serves (the
  // fence, then seeding from a replica): data commands get -LOADING and
  // nothing is propagated, so its history does not grow meanwhile.
  bool seeding = false;
  int good_replicas = 0;  // replicas with lag <= min-replicas-max-lag
  // Set while a replica applies its primary's stream: the primary decides
  // what has expired, so its commands see hidden expired keys as present
  // (a DEL must delete them), as Redis treats its master client.
  bool applying_primary_stream = false;
  uint64_t backlog_bytes = 0;  // the backlog's size, for INFO memory and MEMORY STATS
};

// Saves and snapshots, kept by replication/ (persistence) and the write
// commands (dirty).
struct PersistenceStatus {
  // The forkless snapshot in progress (replication/snapshot.h), at most
  // one, and the epoch it stamps entries with (1..255; see Database).
  bool snapshot_running = false;
  uint8_t snapshot_epoch = 0;
  bool bgsave_in_progress = false;
  bool last_bgsave_ok = true;
  // Writes since the last save (Redis's server.dirty) and the time of it.
  uint64_t dirty = 0;
  int64_t last_save_unix = 0;
};

// Who this server is, for INFO server; set by main.cpp and net/.
struct ServerIdentity {
  std::string run_id;
  std::string executable;
  std::string config_file;
  int tcp_port = 0;
};

}  // namespace arbor::core
