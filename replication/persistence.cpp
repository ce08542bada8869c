// RDB files on disk. The snapshot is built in memory, then written: simple,
// and the issue-4 forkless snapshot will replace the build step, not the
// file handling.
#include "replication/persistence.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <vector>

#include "replication/rdb/rdb_loader.h"
#include "replication/rdb/rdb_writer.h"
#include "replication/replication_service.h"
#include "replication/snapshot.h"
#include "protocol/number_format.h"
#include "server/core/command_context.h"

namespace arbor::replication {
namespace {

int64_t unix_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int64_t unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string path_of(core::Instance& instance) {
  const auto& s = instance.config.settings();
  return (std::filesystem::path(s.dir) / s.dbfilename).string();
}

// Writes all of `bytes` to `path` and fsyncs it.
bool write_file(const std::string& path, const std::string& bytes, std::string& error) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    error = "Failed opening the temp RDB file " + path + " (in server root dir " +
            std::filesystem::current_path().string() + ") for saving: " + std::strerror(errno);
    return false;
  }
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      error = std::string("Write error saving DB on disk: ") + std::strerror(errno);
      ::close(fd);
      return false;
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    error = std::string("Write error saving DB on disk: ") + std::strerror(errno);
    return false;
  }
  return true;
}

// SAVE
void save(core::CommandContext& ctx) {
  std::string error;
  if (!save_to_disk(ctx.instance, error)) {
    spdlog::warn("{}", error);
    return ctx.reply.error("ERR " + error);
  }
  ctx.reply.ok();
}

}  // namespace

bool write_snapshot(core::Instance& instance, std::string& out, std::string& error) {
  if (instance.snapshot_running) {
    error = "Background save already in progress";
    return false;
  }
  // The replication position goes into the file, so a restarted replica
  // can ask its primary to continue from it (Redis's rdbSaveInfo).
  SnapshotAux aux;
  if (auto* service = dynamic_cast<ReplicationService*>(instance.propagation.feed()); service && service->backlog()) {
    aux.with_repl_fields = true;
    aux.replid = service->replid();
    aux.repl_offset = service->offset();
    aux.stream_db = service->stream_db();
  }
  Snapshot snapshot(instance, aux);
  while (!snapshot.step(SIZE_MAX)) {
  }
  out = std::move(snapshot.output());
  return true;
}

bool save_to_disk(core::Instance& instance, std::string& error) {
  std::string bytes;
  if (!write_snapshot(instance, bytes, error)) return false;
  const auto& s = instance.config.settings();
  const std::string temp = (std::filesystem::path(s.dir) / ("temp-" + std::to_string(getpid()) + ".rdb")).string();
  if (!write_file(temp, bytes, error)) {
    std::remove(temp.c_str());
    return false;
  }
  const std::string target = path_of(instance);
  if (std::rename(temp.c_str(), target.c_str()) != 0) {
    error = "Error moving temp DB file " + temp + " on the final destination " + target + ": " +
            std::strerror(errno);
    std::remove(temp.c_str());
    return false;
  }
  instance.dirty = 0;
  instance.last_save_unix = unix_seconds();
  spdlog::info("DB saved on disk");
  return true;
}

bool load_at_start(core::Instance& instance, std::string& error, SavedHistory& history) {
  const std::string path = path_of(instance);
  std::ifstream in(path, std::ios::binary);
  if (!in) return true;  // nothing saved yet
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string file = buffer.str();
  const auto started = std::chrono::steady_clock::now();
  // Loaded into fresh databases, swapped in only when the whole file is good.
  std::vector<std::unique_ptr<keyspace::Database>> fresh;
  std::vector<keyspace::Database*> ptrs;
  for (int i = 0; i < instance.db_count(); ++i) {
    fresh.push_back(std::make_unique<keyspace::Database>(i));
    ptrs.push_back(fresh.back().get());
  }
  KeyspaceLoader loader(ptrs, unix_ms(), true);
  const RdbParseResult result = parse_rdb(file, loader);
  if (!result.ok) {
    error = "Bad RDB file " + path + ": " + result.error + " at offset " + std::to_string(result.offset) +
            " (of " + std::to_string(file.size()) + " bytes); the file is left as it is";
    return false;
  }
  for (int i = 0; i < instance.db_count(); ++i) instance.db(i).swap_contents(*fresh[static_cast<size_t>(i)]);
  instance.last_save_unix = unix_seconds();
  const auto& aux = loader.aux_fields();
  const auto id = aux.find("repl-id");
  const auto offset = aux.find("repl-offset");
  if (id != aux.end() && offset != aux.end() && id->second.size() == 40) {
    history.replid = id->second;
    history.offset = protocol::parse_int64(offset->second).value_or(-1);
    const auto db = aux.find("repl-stream-db");
    if (db != aux.end()) history.stream_db = static_cast<int>(protocol::parse_int64(db->second).value_or(0));
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  spdlog::info("DB loaded from disk: {:.3f} seconds ({} keys, {} expired keys skipped)", seconds, loader.loaded(),
               loader.expired_skipped());
  return true;
}

void register_persistence_commands(core::CommandTable& t) {
  using namespace core;
  t.add({"save", 1, kAdmin | kNoscript | kNoMulti, {}, save, "server", "Synchronously saves the database(s) to disk.",
         "1.0.0", "O(N) where N is the total number of keys in all databases", ""});
}

}  // namespace arbor::replication
