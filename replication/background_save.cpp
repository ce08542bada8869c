// BGSAVE and the `save` schedule: the dump file is one more target of the
// snapshot pump (primary_side.cpp), so a save never blocks the loop and a
// replica's full sync and a save can share one walk of the keyspace. The
// file is written to temp-bg-<pid>.rdb, fsynced and renamed into place.
#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <vector>

#include "protocol/number_format.h"
#include "protocol/request_parser.h"
#include "replication/persistence.h"
#include "replication/replication_service.h"

namespace arbor::replication {
namespace {

constexpr int64_t kRetryDelayMs = 5000;  // Redis's CONFIG_BGSAVE_RETRY_DELAY

}  // namespace

void ReplicationService::bgsave(bool schedule, protocol::ReplyWriter& reply) {
  if (disk_fd_ >= 0) return reply.error("ERR Background save already in progress");
  if (snapshot_) {
    if (!schedule)
      return reply.error("ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE "
                         "in order to schedule a BGSAVE whenever possible.");
    disk_wanted_ = true;
    return reply.simple("Background saving scheduled");
  }
  disk_wanted_ = true;
  start_snapshot();
  // Redis's child fails there after the reply: the same reply, the failure
  // in the log, INFO and -MISCONF.
  if (disk_fd_ < 0) return reply.simple("Background saving started");
  schedule_pump(0);
  reply.simple("Background saving started");
}

bool ReplicationService::disk_begin() {
  disk_wanted_ = false;
  last_bgsave_try_ms_ = core::unix_time_ms();
  disk_temp_ = path_in_dir(instance_, "temp-bg-" + std::to_string(getpid()) + ".rdb");
  disk_fd_ = ::open(disk_temp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (disk_fd_ < 0) {
    spdlog::warn("Failed opening the temp RDB file {} (in server root dir {}) for saving: {}", disk_temp_,
                 instance_.config.settings().dir, std::strerror(errno));
    instance_.persistence.last_bgsave_ok = false;
    return false;
  }
  dirty_at_bgsave_ = instance_.persistence.dirty;
  instance_.persistence.bgsave_in_progress = true;
  spdlog::info("Background saving started (forkless)");
  return true;
}

void ReplicationService::disk_write(std::string_view bytes) {
  if (disk_fd_ < 0 || disk_failed_) return;
  while (!bytes.empty()) {
    const ssize_t n = ::write(disk_fd_, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      spdlog::warn("Write error saving DB on disk: {}", std::strerror(errno));
      disk_failed_ = true;
      return;
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
}

void ReplicationService::abort_snapshot(std::string_view why) {
  disk_wanted_ = false;
  if (!snapshot_ && disk_fd_ < 0) return;
  spdlog::info("Snapshot in progress abandoned: {}", why);
  snapshot_.reset();
  snapshot_targets_.clear();
  disk_finish(false);
}

void ReplicationService::disk_finish(bool complete) {
  if (disk_fd_ < 0) return;
  bool ok = complete && !disk_failed_ && ::fsync(disk_fd_) == 0;
  ::close(disk_fd_);
  disk_fd_ = -1;
  disk_failed_ = false;
  instance_.persistence.bgsave_in_progress = false;
  const std::string target = path_in_dir(instance_, instance_.config.settings().dbfilename);
  if (ok && std::rename(disk_temp_.c_str(), target.c_str()) != 0) {
    spdlog::warn("Error moving temp DB file {} on the final destination {}: {}", disk_temp_, target,
                 std::strerror(errno));
    ok = false;
  }
  if (!ok) std::remove(disk_temp_.c_str());
  instance_.persistence.last_bgsave_ok = ok;
  if (!ok) {
    spdlog::warn("Background saving error");
    return;
  }
  // Writes made while the file was produced are not in it: they stay dirty.
  instance_.persistence.dirty -= std::min(instance_.persistence.dirty, dirty_at_bgsave_);
  instance_.persistence.last_save_unix = core::unix_time_ms() / 1000;
  ++instance_.stats.rdb_saves;
  spdlog::info("Background saving terminated with success");
}

void ReplicationService::check_save_schedule(int64_t now_ms) {
  // (While seeding, the dataset is about to be replaced: no save of it.)
  if (snapshot_ || disk_wanted_ || instance_.persistence.dirty == 0 || instance_.repl.seeding) return;
  if (!instance_.persistence.last_bgsave_ok && now_ms - last_bgsave_try_ms_ < kRetryDelayMs) return;
  std::vector<std::string> words;
  if (!protocol::split_inline_args(instance_.config.settings().save, words)) return;
  const int64_t since = now_ms / 1000 - instance_.persistence.last_save_unix;
  for (size_t i = 0; i + 1 < words.size(); i += 2) {
    const auto seconds = protocol::parse_int64(words[i]);
    const auto changes = protocol::parse_int64(words[i + 1]);
    if (!seconds || !changes || since < *seconds || instance_.persistence.dirty < static_cast<uint64_t>(*changes)) continue;
    spdlog::info("{} changes in {} seconds. Saving...", *changes, *seconds);
    disk_wanted_ = true;
    schedule_pump(0);
    return;
  }
}

}  // namespace arbor::replication
