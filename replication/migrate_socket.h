// A blocking TCP client with a deadline per operation, for MIGRATE, which
// Redis runs synchronously: the server waits (at most `timeout` ms per step)
// for the target to answer, as Redis's connSyncWrite / connSyncReadLine do.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace arbor::replication {

class MigrateSocket {
 public:
  MigrateSocket() = default;
  ~MigrateSocket();
  MigrateSocket(const MigrateSocket&) = delete;
  MigrateSocket& operator=(const MigrateSocket&) = delete;

  // False when the attempt fails at once or no answer comes within
  // `timeout_ms`; a refused connection fails at the first write, as in Redis.
  bool connect(const std::string& host, const std::string& port, int64_t timeout_ms);
  // False on an error or when `timeout_ms` passes before all is written.
  bool write_all(std::string_view bytes, int64_t timeout_ms);
  // One reply line without its CRLF; nullopt on error, close or timeout.
  std::optional<std::string> read_line(int64_t timeout_ms);
  // Whether the last failure was a timeout.
  bool timed_out() const { return timed_out_; }

 private:
  bool wait(short events, int64_t timeout_ms);

  int fd_ = -1;
  bool timed_out_ = false;
  std::string pending_;  // bytes read past the last line
};

}  // namespace arbor::replication
