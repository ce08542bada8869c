// Integration-test support: real arbor-server and redis-server processes on
// loopback ports, a hiredis client wrapper, a raw socket for exact protocol
// bytes, and eventually(), the only way tests wait (poll with a deadline).
#pragma once

#include <hiredis/hiredis.h>
#include <sys/types.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/reply_parser.h"

namespace arbor::test {

using Clock = std::chrono::steady_clock;
using protocol::Reply;
using protocol::ReplyType;
using std::chrono::milliseconds;

// Polls `pred` every `interval` until it holds or `timeout` passes; returns
// whether it held. The last call is made at or after the deadline.
bool eventually(const std::function<bool()>& pred, milliseconds timeout = milliseconds(5000),
                milliseconds interval = milliseconds(5));

// Exact, type-revealing text of a reply: +"OK" for a status, "OK" for a bulk,
// (error "ERR ...") for an error, 42 for an integer, nil, [a, b] for arrays.
// Differential tests compare these strings.
std::string describe(const Reply& reply);

// Reply helpers for readable assertions.
inline bool is_status(const Reply& r, std::string_view text) {
  return r.type == ReplyType::kSimple && r.str == text;
}
inline bool is_bulk(const Reply& r, std::string_view text) {
  return r.type == ReplyType::kBulk && r.str == text;
}
inline bool is_int(const Reply& r, int64_t value) {
  return r.type == ReplyType::kInteger && r.integer == value;
}
inline bool is_error(const Reply& r, std::string_view text) {
  return r.type == ReplyType::kError && r.str == text;
}

// Reads "field:value" out of an INFO reply; nullopt if absent.
std::optional<std::string> info_field(const std::string& info, std::string_view field);

// A temporary directory under /tmp, removed on destruction; with
// ARBOR_KEEP_TEST_DIRS=1 a failed test's directory is kept (path printed).
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string file(std::string_view name) const { return path_ + "/" + std::string(name); }
  void write(std::string_view name, std::string_view content) const;

 private:
  std::string path_;
};

// A child process we started; shared by ServerProcess and RedisProcess.
class ChildProcess {
 public:
  ChildProcess() = default;
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // fork/exec with stdout and stderr appended to `output_file`.
  void spawn(const std::string& program, const std::vector<std::string>& args,
             const std::string& output_file);
  pid_t pid() const { return pid_; }
  bool running();  // reaps the child if it exited
  // Waits up to `timeout` for the child to exit; returns its wait status.
  std::optional<int> wait_exit(milliseconds timeout);
  // SIGTERM, wait up to `timeout`, then SIGKILL. Returns the wait status
  // (nullopt if it was not running). Safe to call twice.
  std::optional<int> terminate(milliseconds timeout = milliseconds(10000));
  // SIGKILL and reap: a crash, no chance to save.
  std::optional<int> kill_now();
  // The status recorded when the child was reaped.
  std::optional<int> exit_status() const { return status_; }

 private:
  pid_t pid_ = -1;
  std::optional<int> status_;
};

// One arbor-server in its own temp dir. Default arguments:
//   --port 0 --bind 127.0.0.1 --dir <tmp> --announce-port-file yes
//   --logfile <tmp>/arbor.log --loglevel verbose --enable-debug-command yes
// followed by `args` (later flags win, as in redis-server).
class ServerProcess {
 public:
  struct Options {
    std::vector<std::string> args;
    std::string config_file;   // passed first when not empty
    bool default_args = true;  // false: only config_file + args
    std::string port_file;     // where the port is announced; default <tmp>/arbor.port
    std::string log_file;      // default <tmp>/arbor.log
    // A program and its arguments that exec the server (e.g. prlimit).
    std::vector<std::string> wrapper;
  };

  // Creates the temp dir and starts with the default arguments plus `args`.
  explicit ServerProcess(std::vector<std::string> args = {});
  // Creates the temp dir only; start() launches. Lets a test write a config
  // file into dir() first.
  struct DeferStart {};
  explicit ServerProcess(DeferStart) {}
  ~ServerProcess();

  // Starts the server and waits (deadline 10 s) for the port file, then for a
  // reply to PING (any reply, so -NOAUTH counts). Records a gtest failure and
  // returns false if it does not come up.
  bool start(const Options& options);
  bool start(std::vector<std::string> args = {});

  uint16_t port() const { return port_; }
  const std::string& dir() const { return dir_.path(); }
  const TempDir& temp_dir() const { return dir_; }
  pid_t pid() const { return child_.pid(); }
  bool running() { return child_.running(); }
  ChildProcess& child() { return child_; }

  // SIGTERM, deadline, SIGKILL. Returns the wait status. Dumps the log tail
  // to stderr if the current test has failed.
  std::optional<int> stop(milliseconds timeout = milliseconds(10000));
  std::optional<int> kill() { return child_.kill_now(); }  // kill -9
  std::string log() const;  // the whole log file (and captured stdout/stderr)

 private:
  void dump_log_tail_if_failed();

  TempDir dir_;
  ChildProcess child_;
  std::string log_file_;
  uint16_t port_ = 0;
  bool dumped_ = false;
};

// Debian's /usr/bin/redis-server 7, for differential and interop tests.
class RedisProcess {
 public:
  explicit RedisProcess(std::vector<std::string> extra_args = {});
  ~RedisProcess();
  bool ok() const { return port_ != 0; }
  uint16_t port() const { return port_; }
  // Its working directory (--dir), where SAVE writes dump.rdb.
  const std::string& dir() const { return dir_.path(); }
  std::optional<int> stop(milliseconds timeout = milliseconds(10000));
  std::string log() const;

 private:
  TempDir dir_;
  ChildProcess child_;
  uint16_t port_ = 0;
};

// The arbor-server binary under test.
std::string arbor_server_path();
// Whether that server is built with AddressSanitizer (this build's, or the
// one tools/test --sanitize points at: ARBOR_SERVER_SANITIZED=1).
bool server_uses_asan();

// A listening socket on an ephemeral loopback port, for a test that plays a
// peer (a primary, a replica) by hand.
class LoopbackListener {
 public:
  LoopbackListener();
  ~LoopbackListener();
  LoopbackListener(const LoopbackListener&) = delete;
  LoopbackListener& operator=(const LoopbackListener&) = delete;
  uint16_t port() const { return port_; }
  // The next connection, or -1 after `timeout`.
  int accept_one(milliseconds timeout);

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
};

// Binds an ephemeral loopback port, closes it and returns it: for
// redis-server, which cannot announce the port it bound, and for an
// address where nothing listens.
uint16_t pick_free_port();

// True once a PING on 127.0.0.1:port gets any reply within the timeout.
bool answers_ping(uint16_t port, milliseconds timeout);

// RAII hiredis connection to 127.0.0.1:port.
class Client {
 public:
  explicit Client(uint16_t port, milliseconds timeout = milliseconds(5000));
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  bool connected() const { return ctx_ != nullptr && ctx_->err == 0; }
  std::string error() const;
  // Sends one command (binary-safe) and returns its reply. On an I/O error
  // or a closed connection the reply is an error with str "IO: <reason>"
  // and connected() turns false.
  Reply cmd(const std::vector<std::string>& args);
  // Pipelining: queue commands, then read their replies.
  void append(const std::vector<std::string>& args);
  Reply read_reply();
  redisContext* raw() { return ctx_; }

 private:
  redisContext* ctx_ = nullptr;
};

// An integer field of `INFO <section>` read through `c`; -1 if absent.
int64_t info_int(Client& c, std::string_view section, std::string_view field);

// Converts a hiredis reply to our Reply (RESP2 types only).
Reply from_hiredis(const redisReply* reply);

// SET <prefix>0 .. <prefix>(count-1) to `value`, pipelined; all replies read.
void set_keys(Client& c, const std::string& prefix, int count, const std::string& value);

// A whole file's bytes ("" when it cannot be read).
std::string read_file(const std::string& path);

// Encodes a command as a RESP multibulk request.
std::string encode_command(const std::vector<std::string>& args);

// A plain TCP socket to 127.0.0.1:port for exact bytes on the wire.
class RawConnection {
 public:
  explicit RawConnection(uint16_t port, milliseconds connect_timeout = milliseconds(5000));
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool connected() const { return fd_ >= 0; }
  int fd() const { return fd_; }
  // Sends everything (blocking up to `timeout`); false if the peer is gone.
  bool send(std::string_view bytes, milliseconds timeout = milliseconds(5000));
  // Reads until the peer closes or `timeout` passes. `closed` tells which.
  std::string read_until_close(milliseconds timeout, bool* closed = nullptr);
  // Reads until at least `n` bytes in total have been received from the
  // start of this call, the peer closes, or `timeout` passes.
  std::string read_bytes(size_t n, milliseconds timeout);
  // Reads until `suffix` ends the received data (or close/timeout).
  std::string read_until(std::string_view suffix, milliseconds timeout);
  // Reads one RESP reply (RESP2 or RESP3) using our reply parser.
  std::optional<Reply> read_reply(milliseconds timeout = milliseconds(5000));
  // True if the peer has closed (EOF or reset) within `timeout`; any data
  // that arrives first is appended to `pending()`.
  bool wait_closed(milliseconds timeout);
  const std::string& pending() const { return pending_; }
  void close();

 private:
  // One poll+recv round; returns false on EOF/error (closed_ set).
  bool read_some(milliseconds timeout);

  int fd_ = -1;
  bool closed_ = false;
  std::string pending_;  // received but not yet returned
};

// Runs a program with arguments, optional stdin text, capturing stdout and
// stderr together; kills it after `timeout`. Returns exit status (-1 if
// killed by the timeout or a signal) and output.
struct RunResult {
  int exit_code = -1;
  std::string output;
  bool timed_out = false;
};
RunResult run_program(const std::string& program, const std::vector<std::string>& args,
                      std::string_view stdin_text = {}, milliseconds timeout = milliseconds(60000));

}  // namespace arbor::test
