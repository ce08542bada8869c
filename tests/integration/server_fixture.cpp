// Implementation of the integration-test support: process control with
// fork/exec and waitpid, temp dirs, hiredis and raw-socket clients, and the
// polling helper. Every wait here is bounded by a deadline.
#include "tests/integration/server_fixture.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#ifndef ARBOR_SERVER_PATH
#error "ARBOR_SERVER_PATH must be defined by CMake"
#endif

namespace arbor::test {
namespace {

constexpr milliseconds kStartDeadline(10000);

// Writes to a socket whose peer has gone must not kill the test process.
void ignore_sigpipe() {
  static const bool done = [] {
    ::signal(SIGPIPE, SIG_IGN);
    return true;
  }();
  (void)done;
}

int remaining_ms(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now()).count();
  return left < 0 ? 0 : static_cast<int>(left);
}

std::string tail_lines(const std::string& text, size_t lines) {
  size_t pos = text.size();
  size_t count = 0;
  while (pos > 0) {
    --pos;
    if (text[pos] == '\n' && pos + 1 < text.size() && ++count > lines) return text.substr(pos + 1);
  }
  return text;
}

void append_quoted(std::string& out, std::string_view s) {
  out.push_back('"');
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
    } else if (c >= 0x20 && c < 0x7f) {
      out.push_back(static_cast<char>(c));
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    }
  }
  out.push_back('"');
}

int connect_loopback(uint16_t port, milliseconds timeout) {
  ignore_sigpipe();
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const int flags = ::fcntl(fd, F_GETFL);
  ::fcntl(fd, F_SETFL, flags | O_NONBLOCK);
  int rc = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  if (rc < 0 && errno == EINPROGRESS) {
    pollfd p{fd, POLLOUT, 0};
    rc = ::poll(&p, 1, static_cast<int>(timeout.count()));
    int err = 0;
    socklen_t len = sizeof err;
    if (rc == 1 && ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0)
      rc = 0;
    else
      rc = -1;
  }
  if (rc < 0) {
    ::close(fd);
    return -1;
  }
  ::fcntl(fd, F_SETFL, flags);  // back to blocking; reads use poll deadlines
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}


}  // namespace

LoopbackListener::LoopbackListener() {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 && ::listen(fd_, 16) == 0 &&
      ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
    port_ = ntohs(addr.sin_port);
}

LoopbackListener::~LoopbackListener() {
  if (fd_ >= 0) ::close(fd_);
}

int LoopbackListener::accept_one(milliseconds timeout) {
  pollfd p{fd_, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(timeout.count())) != 1) return -1;
  return ::accept(fd_, nullptr, nullptr);
}

uint16_t pick_free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = 0;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  uint16_t port = 0;
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
    port = ntohs(addr.sin_port);
  ::close(fd);
  return port;
}

bool eventually(const std::function<bool()>& pred, milliseconds timeout, milliseconds interval) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    if (pred()) return true;
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(interval);  // poll interval, not synchronisation
  }
}

std::string describe(const Reply& r) {
  std::string out;
  auto list = [&](const char* open) {
    out += open;
    for (size_t i = 0; i < r.elements.size(); ++i) {
      if (i > 0) out += ", ";
      out += describe(r.elements[i]);
    }
    out += "]";
  };
  switch (r.type) {
    case ReplyType::kSimple:
      out += "+";
      append_quoted(out, r.str);
      break;
    case ReplyType::kBulk:
      append_quoted(out, r.str);
      break;
    case ReplyType::kError:
      out += "(error ";
      append_quoted(out, r.str);
      out += ")";
      break;
    case ReplyType::kInteger:
      out += std::to_string(r.integer);
      break;
    case ReplyType::kNull:
      out += "nil";
      break;
    case ReplyType::kArray:
      list("[");
      break;
    case ReplyType::kSet:
      list("~[");
      break;
    case ReplyType::kPush:
      list(">[");
      break;
    case ReplyType::kMap:
    case ReplyType::kAttribute:
      list(r.type == ReplyType::kMap ? "%[" : "|[");
      break;
    case ReplyType::kDouble:
      out += "(double " + r.str + ")";
      break;
    case ReplyType::kBoolean:
      out += r.integer ? "#t" : "#f";
      break;
    case ReplyType::kBigNumber:
      out += "(bignum " + r.str + ")";
      break;
    case ReplyType::kVerbatim:
      out += "(verbatim ";
      append_quoted(out, r.str);
      out += ")";
      break;
  }
  return out;
}

std::optional<std::string> info_field(const std::string& info, std::string_view field) {
  std::istringstream in(info);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.size() > field.size() && line.compare(0, field.size(), field) == 0 && line[field.size()] == ':')
      return line.substr(field.size() + 1);
  }
  return std::nullopt;
}

// ---------------------------------------------------------------- TempDir

TempDir::TempDir() {
  char tmpl[] = "/tmp/arbor-it-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  const char* keep = std::getenv("ARBOR_KEEP_TEST_DIRS");
  if (keep != nullptr && *keep != '\0' && *keep != '0' && ::testing::Test::HasFailure()) {
    std::cerr << "[fixture] keeping " << path_ << " for inspection\n";
    return;
  }
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

void TempDir::write(std::string_view name, std::string_view content) const {
  std::ofstream out(file(name), std::ios::binary | std::ios::trunc);
  out << content;
}

// ----------------------------------------------------------- ChildProcess

ChildProcess::~ChildProcess() { terminate(milliseconds(5000)); }

void ChildProcess::spawn(const std::string& program, const std::vector<std::string>& args,
                         const std::string& output_file) {
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(program.c_str()));
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  status_.reset();
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    // Child: only async-signal-safe calls until exec.
    int fd = ::open(output_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    int devnull = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
      ::dup2(fd, 1);
      ::dup2(fd, 2);
    }
    if (devnull >= 0) ::dup2(devnull, 0);
    // Nothing else of ours: a socket the test closes (a client, a proxy's
    // link) must really close, not live on in a server it started.
    if (::syscall(SYS_close_range, 3U, ~0U, 0U) != 0)
      for (int other = 3; other < 4096; ++other) ::close(other);
    ::signal(SIGPIPE, SIG_DFL);
    ::execv(program.c_str(), argv.data());
    ::_exit(127);
  }
}

bool ChildProcess::running() {
  if (pid_ <= 0 || status_) return false;
  int status = 0;
  const pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    status_ = status;
    return false;
  }
  return r == 0;
}

std::optional<int> ChildProcess::wait_exit(milliseconds timeout) {
  if (pid_ <= 0) return std::nullopt;
  eventually([&] { return !running(); }, timeout, milliseconds(2));
  return status_;
}

std::optional<int> ChildProcess::terminate(milliseconds timeout) {
  if (pid_ <= 0) return std::nullopt;
  if (!running()) return status_;
  ::kill(pid_, SIGTERM);
  if (wait_exit(timeout)) return status_;
  std::cerr << "[fixture] pid " << pid_ << " ignored SIGTERM for " << timeout.count() << " ms: SIGKILL\n";
  ::kill(pid_, SIGKILL);
  int status = 0;
  if (::waitpid(pid_, &status, 0) == pid_) status_ = status;
  return status_;
}

std::optional<int> ChildProcess::kill_now() {
  if (pid_ <= 0) return std::nullopt;
  if (!running()) return status_;
  ::kill(pid_, SIGKILL);
  int status = 0;
  if (::waitpid(pid_, &status, 0) == pid_) status_ = status;
  return status_;
}

// ---------------------------------------------------------- ServerProcess

ServerProcess::ServerProcess(std::vector<std::string> args) { start(std::move(args)); }

ServerProcess::~ServerProcess() { stop(); }

bool ServerProcess::start(std::vector<std::string> args) {
  Options options;
  options.args = std::move(args);
  return start(options);
}

bool ServerProcess::start(const Options& options) {
  std::vector<std::string> argv;
  if (!options.config_file.empty()) argv.push_back(options.config_file);
  if (options.default_args) {
    // DEBUG is on: the replication checks compare DEBUG DIGEST
    // (ConfigAgainstRedis covers the default, off).
    argv.insert(argv.end(), {"--port", "0", "--bind", "127.0.0.1", "--dir", dir(), "--announce-port-file",
                             "yes", "--logfile", dir_.file("arbor.log"), "--loglevel", "verbose",
                             "--enable-debug-command", "yes"});
  }
  argv.insert(argv.end(), options.args.begin(), options.args.end());
  log_file_ = options.log_file.empty() ? dir_.file("arbor.log") : options.log_file;
  const std::string port_file = options.port_file.empty() ? dir_.file("arbor.port") : options.port_file;
  std::error_code ignored;
  std::filesystem::remove(port_file, ignored);
  dumped_ = false;
  if (options.wrapper.empty()) {
    child_.spawn(arbor_server_path(), argv, dir_.file("stdout.log"));
  } else {
    // A program that execs the server (prlimit): the pid stays the server's.
    std::vector<std::string> wrapped(options.wrapper.begin() + 1, options.wrapper.end());
    wrapped.push_back(arbor_server_path());
    wrapped.insert(wrapped.end(), argv.begin(), argv.end());
    child_.spawn(options.wrapper.front(), wrapped, dir_.file("stdout.log"));
  }

  const auto deadline = Clock::now() + kStartDeadline;
  port_ = 0;
  const bool announced = eventually(
      [&] {
        if (!child_.running()) return true;  // stop polling: it died
        std::ifstream in(port_file);
        unsigned port = 0;
        if (in >> port && port > 0 && port < 65536) port_ = static_cast<uint16_t>(port);
        return port_ != 0;
      },
      kStartDeadline, milliseconds(2));
  if (!announced || port_ == 0) {
    ADD_FAILURE() << "arbor-server did not announce its port in " << port_file
                  << (child_.running() ? " (still running)" : " (exited)");
    stop();
    return false;
  }
  const auto left = milliseconds(remaining_ms(deadline));
  if (!eventually([&] { return !child_.running() || answers_ping(port_, milliseconds(500)); }, left) ||
      !child_.running()) {
    ADD_FAILURE() << "arbor-server on port " << port_ << " did not answer PING";
    stop();
    return false;
  }
  return true;
}

std::optional<int> ServerProcess::stop(milliseconds timeout) {
  auto status = child_.terminate(timeout);
  dump_log_tail_if_failed();
  return status;
}

std::string ServerProcess::log() const {
  std::string text = read_file(log_file_.empty() ? dir_.file("arbor.log") : log_file_);
  const std::string out = read_file(dir_.file("stdout.log"));
  if (!out.empty()) text += "--- stdout/stderr ---\n" + out;
  return text;
}

void ServerProcess::dump_log_tail_if_failed() {
  if (dumped_ || child_.pid() <= 0 || !::testing::Test::HasFailure()) return;
  dumped_ = true;
  std::cerr << "----- arbor-server (pid " << child_.pid() << ", port " << port_ << ") log tail -----\n"
            << tail_lines(log(), 40) << "----- end of log -----\n";
}

// ----------------------------------------------------------- RedisProcess

RedisProcess::RedisProcess(std::vector<std::string> extra_args) {
  for (int attempt = 0; attempt < 3 && port_ == 0; ++attempt) {
    const uint16_t port = pick_free_port();
    if (port == 0) continue;
    std::vector<std::string> args = {"--port",    std::to_string(port),  "--bind", "127.0.0.1", "--save",
                                     "",          "--appendonly",        "no",     "--dir",     dir_.path(),
                                     "--logfile", dir_.file("redis.log")};
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    std::error_code ignored;
    std::filesystem::remove(dir_.file("redis.log"), ignored);
    child_.spawn("/usr/bin/redis-server", args, dir_.file("stdout.log"));
    // Ready when the server on that port is ours: another process could have
    // taken the port between the pick and the bind.
    auto ours = [&] {
      RawConnection conn(port, milliseconds(500));
      if (!conn.connected() || !conn.send(encode_command({"INFO", "server"}))) return false;
      const auto info = conn.read_reply(milliseconds(500));
      return info && info_field(info->str, "process_id") == std::to_string(child_.pid());
    };
    if (eventually([&] { return !child_.running() || ours(); }, kStartDeadline) && child_.running()) {
      port_ = port;
      return;
    }
    const std::string text = log();
    child_.terminate(milliseconds(5000));
    if (text.find("Address already in use") == std::string::npos) break;  // a real failure
  }
  ADD_FAILURE() << "redis-server did not start:\n" << tail_lines(log(), 20);
}

RedisProcess::~RedisProcess() { stop(); }

std::optional<int> RedisProcess::stop(milliseconds timeout) { return child_.terminate(timeout); }

std::string RedisProcess::log() const {
  return read_file(dir_.file("redis.log")) + read_file(dir_.file("stdout.log"));
}

// ARBOR_SERVER_BINARY runs the tests against another build's server (the
// sanitizer pass of tools/test).
std::string arbor_server_path() {
  const char* other = std::getenv("ARBOR_SERVER_BINARY");
  return other != nullptr && *other != '\0' ? std::string(other) : std::string(ARBOR_SERVER_PATH);
}

bool server_uses_asan() {
#if defined(__SANITIZE_ADDRESS__)
  return true;
#else
  const char* flag = std::getenv("ARBOR_SERVER_SANITIZED");
  return flag != nullptr && std::string_view(flag) == "1";
#endif
}

bool answers_ping(uint16_t port, milliseconds timeout) {
  RawConnection conn(port, timeout);
  if (!conn.connected() || !conn.send("*1\r\n$4\r\nPING\r\n", timeout)) return false;
  return conn.read_reply(timeout).has_value();
}

// ----------------------------------------------------------------- Client

Client::Client(uint16_t port, milliseconds timeout) {
  ignore_sigpipe();
  timeval tv{static_cast<time_t>(timeout.count() / 1000),
             static_cast<suseconds_t>(timeout.count() % 1000 * 1000)};
  ctx_ = redisConnectWithTimeout("127.0.0.1", port, tv);
  // Replies are bounded too: a hung server fails the test instead of hanging it.
  if (ctx_ != nullptr && ctx_->err == 0) redisSetTimeout(ctx_, tv);
}

Client::~Client() {
  if (ctx_ != nullptr) redisFree(ctx_);
}

std::string Client::error() const {
  if (ctx_ == nullptr) return "no context";
  return ctx_->err ? std::string(ctx_->errstr) : std::string();
}

Reply from_hiredis(const redisReply* r) {
  Reply out;
  if (r == nullptr) return out;
  switch (r->type) {
    case REDIS_REPLY_STATUS:
      out.type = ReplyType::kSimple;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_ERROR:
      out.type = ReplyType::kError;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_STRING:
      out.type = ReplyType::kBulk;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_INTEGER:
      out.type = ReplyType::kInteger;
      out.integer = r->integer;
      break;
    case REDIS_REPLY_NIL:
      out.type = ReplyType::kNull;
      break;
    case REDIS_REPLY_ARRAY:
      out.type = ReplyType::kArray;
      for (size_t i = 0; i < r->elements; ++i) out.elements.push_back(from_hiredis(r->element[i]));
      break;
    default:
      break;
  }
  return out;
}

Reply Client::cmd(const std::vector<std::string>& args) {
  append(args);
  return read_reply();
}

void Client::append(const std::vector<std::string>& args) {
  if (!connected()) return;
  std::vector<const char*> argv;
  std::vector<size_t> lens;
  for (const auto& a : args) {
    argv.push_back(a.data());
    lens.push_back(a.size());
  }
  redisAppendCommandArgv(ctx_, static_cast<int>(args.size()), argv.data(), lens.data());
}

Reply Client::read_reply() {
  Reply out;
  out.type = ReplyType::kError;
  if (!connected()) {
    out.str = "IO: " + error();
    return out;
  }
  void* raw = nullptr;
  if (redisGetReply(ctx_, &raw) != REDIS_OK || raw == nullptr) {
    out.str = "IO: " + error();
    return out;
  }
  out = from_hiredis(static_cast<redisReply*>(raw));
  freeReplyObject(raw);
  return out;
}

std::string encode_command(const std::vector<std::string>& args) {
  std::string out = "*" + std::to_string(args.size()) + "\r\n";
  for (const auto& a : args) {
    out += "$" + std::to_string(a.size()) + "\r\n";
    out += a;
    out += "\r\n";
  }
  return out;
}

// ---------------------------------------------------------- RawConnection

RawConnection::RawConnection(uint16_t port, milliseconds connect_timeout)
    : fd_(connect_loopback(port, connect_timeout)) {}

RawConnection::~RawConnection() { close(); }

void RawConnection::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

bool RawConnection::send(std::string_view bytes, milliseconds timeout) {
  if (fd_ < 0) return false;
  const auto deadline = Clock::now() + timeout;
  while (!bytes.empty()) {
    pollfd p{fd_, POLLOUT, 0};
    if (::poll(&p, 1, remaining_ms(deadline)) != 1) return false;
    if (p.revents & (POLLERR | POLLHUP)) return false;
    const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) continue;
      return false;
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

bool RawConnection::read_some(milliseconds timeout) {
  if (fd_ < 0 || closed_) return false;
  pollfd p{fd_, POLLIN, 0};
  const int rc = ::poll(&p, 1, static_cast<int>(timeout.count()));
  if (rc != 1) return true;  // timeout: still open as far as we know
  char buf[64 * 1024];
  const ssize_t n = ::recv(fd_, buf, sizeof buf, MSG_DONTWAIT);
  if (n > 0) {
    pending_.append(buf, static_cast<size_t>(n));
    return true;
  }
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return true;
  closed_ = true;  // EOF or ECONNRESET
  return false;
}

std::string RawConnection::read_until_close(milliseconds timeout, bool* closed) {
  const auto deadline = Clock::now() + timeout;
  do {
    read_some(milliseconds(remaining_ms(deadline)));
  } while (!closed_ && Clock::now() < deadline);
  if (closed) *closed = closed_;
  return std::exchange(pending_, {});
}

std::string RawConnection::read_bytes(size_t n, milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (pending_.size() < n && !closed_ && Clock::now() < deadline)
    read_some(milliseconds(remaining_ms(deadline)));
  const size_t take = std::min(n, pending_.size());
  std::string out = pending_.substr(0, take);
  pending_.erase(0, take);
  return out;
}

std::string RawConnection::read_until(std::string_view suffix, milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  auto found = [&] { return pending_.find(suffix) != std::string::npos; };
  while (!found() && !closed_ && Clock::now() < deadline) read_some(milliseconds(remaining_ms(deadline)));
  const size_t end = found() ? pending_.find(suffix) + suffix.size() : pending_.size();
  std::string out = pending_.substr(0, end);
  pending_.erase(0, end);
  return out;
}

std::optional<Reply> RawConnection::read_reply(milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  protocol::ReplyParser parser;
  for (;;) {
    Reply reply;
    const auto result = parser.parse(pending_, reply);
    if (result.status == protocol::ReplyParser::Status::kReply) {
      pending_.erase(0, result.consumed);
      return reply;
    }
    if (result.status == protocol::ReplyParser::Status::kError) return std::nullopt;
    if (closed_ || Clock::now() >= deadline) return std::nullopt;
    read_some(milliseconds(remaining_ms(deadline)));
  }
}

bool RawConnection::wait_closed(milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  // At least one look, so a zero timeout still notices a close.
  do {
    read_some(milliseconds(remaining_ms(deadline)));
  } while (!closed_ && Clock::now() < deadline);
  return closed_;
}

// -------------------------------------------------------------- programs

RunResult run_program(const std::string& program, const std::vector<std::string>& args,
                      std::string_view stdin_text, milliseconds timeout) {
  ignore_sigpipe();
  RunResult result;
  int in_pipe[2], out_pipe[2];
  if (::pipe2(in_pipe, O_CLOEXEC) != 0) return result;
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) {
    ::close(in_pipe[0]);
    ::close(in_pipe[1]);
    return result;
  }
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(program.c_str()));
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(in_pipe[0], 0);
    ::dup2(out_pipe[1], 1);
    ::dup2(out_pipe[1], 2);
    ::signal(SIGPIPE, SIG_DFL);
    ::execv(program.c_str(), argv.data());
    ::_exit(127);
  }
  ::close(in_pipe[0]);
  ::close(out_pipe[1]);
  if (pid < 0) {
    ::close(in_pipe[1]);
    ::close(out_pipe[0]);
    return result;
  }
  const auto deadline = Clock::now() + timeout;
  int in_fd = in_pipe[1];
  ::fcntl(in_fd, F_SETFL, O_NONBLOCK);
  size_t written = 0;
  if (stdin_text.empty()) {
    ::close(in_fd);
    in_fd = -1;
  }
  int out_fd = out_pipe[0];
  while (out_fd >= 0 && Clock::now() < deadline) {
    pollfd fds[2] = {{out_fd, POLLIN, 0}, {in_fd, POLLOUT, 0}};
    const int nfds = in_fd >= 0 ? 2 : 1;
    if (::poll(fds, nfds, remaining_ms(deadline)) <= 0) continue;
    if (fds[0].revents) {
      char buf[16384];
      const ssize_t n = ::read(out_fd, buf, sizeof buf);
      if (n > 0)
        result.output.append(buf, static_cast<size_t>(n));
      else if (n == 0 || errno != EINTR) {
        ::close(out_fd);
        out_fd = -1;
      }
    }
    if (in_fd >= 0 && nfds == 2 && fds[1].revents) {
      const ssize_t n = ::write(in_fd, stdin_text.data() + written, stdin_text.size() - written);
      if (n > 0) written += static_cast<size_t>(n);
      if ((n < 0 && errno != EAGAIN && errno != EINTR) || written == stdin_text.size()) {
        ::close(in_fd);
        in_fd = -1;
      }
    }
  }
  if (in_fd >= 0) ::close(in_fd);
  if (out_fd >= 0) ::close(out_fd);
  int status = 0;
  bool exited = false;
  eventually([&] { return exited = ::waitpid(pid, &status, WNOHANG) == pid; },
             milliseconds(remaining_ms(deadline)), milliseconds(2));
  if (!exited) {
    result.timed_out = true;
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
    return result;
  }
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  return result;
}

void set_keys(Client& c, const std::string& prefix, int count, const std::string& value) {
  for (int i = 0; i < count; ++i) c.append({"SET", prefix + std::to_string(i), value});
  for (int i = 0; i < count; ++i) c.read_reply();
}

int64_t info_int(Client& c, std::string_view section, std::string_view field) {
  const Reply info = c.cmd({"INFO", std::string(section)});
  if (info.type != ReplyType::kBulk) return -1;
  const auto value = info_field(info.str, field);
  return value ? std::stoll(*value) : -1;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace arbor::test
