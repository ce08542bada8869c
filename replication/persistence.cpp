// RDB files on disk: SAVE (the forkless snapshot run to its end, then
// written through a temporary file), the load at start, and the pieces the
// replica side and BGSAVE share with them.
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
#include "replication/replication_service.h"
#include "replication/snapshot.h"
#include "protocol/number_format.h"
#include "server/core/command_context.h"
#include "server/scripting/script_engine.h"

namespace arbor::replication {
namespace {

int64_t unix_seconds() { return core::unix_time_ms() / 1000; }

std::string path_of(const core::Instance& instance) {
  return path_in_dir(instance, instance.config.settings().dbfilename);
}

// Writes all of `bytes` to `path` and fsyncs it.
bool write_file(const std::string& path, std::string_view bytes, std::string& error) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    const int open_errno = errno;
    // (current_path() fails, and must not throw, when the directory is gone.)
    std::error_code ec;
    const auto root = std::filesystem::current_path(ec);
    error = "Failed opening the temp RDB file " + path + " (in server root dir " +
            (ec ? std::string("unknown") : root.string()) + ") for saving: " + std::strerror(open_errno);
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
  if (instance.persistence.snapshot_running) {
    error = "Background save already in progress";
    return false;
  }
  // The replication position goes into the file, so a restarted replica
  // can ask its primary to continue from it (Redis's rdbSaveInfo).
  Snapshot snapshot(instance, service_of(instance).snapshot_aux());
  while (!snapshot.step(SIZE_MAX)) {
  }
  out = std::move(snapshot.output());
  return true;
}

std::string path_in_dir(const core::Instance& instance, std::string_view name) {
  return (std::filesystem::path(instance.config.settings().dir) / name).string();
}

bool replace_file(const std::string& temp, const std::string& target, std::string_view bytes, std::string& error) {
  if (!write_file(temp, bytes, error)) {
    std::remove(temp.c_str());
    return false;
  }
  if (std::rename(temp.c_str(), target.c_str()) != 0) {
    error = "Error moving temp DB file " + temp + " on the final destination " + target + ": " +
            std::strerror(errno);
    std::remove(temp.c_str());
    return false;
  }
  return true;
}

bool parse_into_fresh_databases(const core::Instance& instance, std::string_view rdb, bool drop_expired,
                                ParsedRdb& out, RdbParseResult& result) {
  std::vector<keyspace::Database*> targets;
  for (int i = 0; i < instance.db_count(); ++i) {
    out.databases.push_back(std::make_unique<keyspace::Database>(i));
    targets.push_back(out.databases.back().get());
  }
  KeyspaceLoader loader(targets, core::unix_time_ms(), drop_expired);
  result = parse_rdb(rdb, loader);
  out.aux = loader.aux_fields();
  out.keys = loader.loaded();
  out.expired_skipped = loader.expired_skipped();
  out.functions = std::move(loader.functions());
  return result.ok;
}

void swap_in(core::Instance& instance, ParsedRdb& parsed) {
  // As Redis, the libraries of the dump replace ours; one that does not
  // load (a newer engine's feature) is reported and left out.
  if (instance.scripts || !parsed.functions.empty()) {
    auto& engine = scripting::engine(instance);
    engine.flush_functions();
    for (const std::string& code : parsed.functions) {
      const std::string error = engine.add_library(code, false);
      if (!error.empty()) spdlog::warn("Failed loading library, {}", error);
    }
  }
  instance.flush_all(true);  // watchers and caching clients see the change; old values are freed off the loop
  for (int i = 0; i < instance.db_count(); ++i) {
    instance.db(i).swap_contents(*parsed.databases[static_cast<size_t>(i)]);
    instance.db(i).start_access_all();  // loaded keys count as just created, as Redis's
  }
}

bool save_to_disk(core::Instance& instance, std::string& error) {
  std::string bytes;
  if (!write_snapshot(instance, bytes, error)) return false;
  if (!replace_file(path_in_dir(instance, "temp-" + std::to_string(getpid()) + ".rdb"), path_of(instance), bytes,
                    error))
    return false;
  instance.persistence.dirty = 0;
  instance.persistence.last_save_unix = unix_seconds();
  ++instance.stats.rdb_saves;
  instance.persistence.last_bgsave_ok = true;  // as Redis's rdbSave: writes are allowed again
  spdlog::info("DB saved on disk");
  return true;
}

SavedHistory saved_history(const ParsedRdb& parsed) {
  SavedHistory history;
  const auto& aux = parsed.aux;
  const auto id = aux.find("repl-id");
  const auto offset = aux.find("repl-offset");
  if (id != aux.end() && offset != aux.end() && id->second.size() == 40) {
    history.replid = id->second;
    history.offset = protocol::parse_int64(offset->second).value_or(-1);
  }
  if (const auto db = aux.find("repl-stream-db"); db != aux.end())
    history.stream_db = static_cast<int>(protocol::parse_int64(db->second).value_or(0));
  return history;
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
  ParsedRdb parsed;
  RdbParseResult result;
  if (!parse_into_fresh_databases(instance, file, true, parsed, result)) {
    error = "Bad RDB file " + path + ": " + result.error + " at offset " + std::to_string(result.offset) +
            " (of " + std::to_string(file.size()) + " bytes); the file is left as it is";
    return false;
  }
  swap_in(instance, parsed);
  instance.persistence.last_save_unix = unix_seconds();
  instance.stats.rdb_last_load_keys_loaded = parsed.keys;
  instance.stats.rdb_last_load_keys_expired = parsed.expired_skipped;
  history = saved_history(parsed);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  spdlog::info("DB loaded from disk: {:.3f} seconds ({} keys, {} expired keys skipped)", seconds, parsed.keys,
               parsed.expired_skipped);
  return true;
}

void register_persistence_commands(core::CommandTable& t) {
  using namespace core;
  t.add({"save", 1, kAdmin | kNoscript | kNoMulti, {}, save, "server",
         "Synchronously save the dataset to disk", "1.0.0",
         "O(N) where N is the total number of keys in all databases", ""});
}

}  // namespace arbor::replication
