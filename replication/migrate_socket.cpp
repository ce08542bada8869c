#include "replication/migrate_socket.h"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>

namespace arbor::replication {

MigrateSocket::~MigrateSocket() {
  if (fd_ >= 0) ::close(fd_);
}

bool MigrateSocket::wait(short events, int64_t timeout_ms) {
  pollfd p{fd_, events, 0};
  int ready;
  do {
    ready = ::poll(&p, 1, static_cast<int>(timeout_ms));
  } while (ready < 0 && errno == EINTR);
  timed_out_ = ready == 0;
  return ready > 0 && (p.revents & (events | POLLHUP | POLLERR)) != 0;
}

bool MigrateSocket::connect(const std::string& host, const std::string& port, int64_t timeout_ms) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (::getaddrinfo(host.c_str(), port.c_str(), &hints, &found) != 0) return false;
  bool connected = false;
  for (addrinfo* a = found; a != nullptr && !connected; a = a->ai_next) {
    fd_ = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    if (fd_ < 0) continue;
    if (::connect(fd_, a->ai_addr, a->ai_addrlen) == 0) {
      connected = true;
    } else if (errno == EINPROGRESS) {
      // As Redis's blocking connect: a socket that became writable counts
      // as connected even if the attempt failed (a refused port), so the
      // failure shows when writing; only a timeout fails here.
      connected = wait(POLLOUT, timeout_ms);
    }
    if (!connected) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ::freeaddrinfo(found);
  return connected;
}

bool MigrateSocket::write_all(std::string_view bytes, int64_t timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n > 0) {
      bytes.remove_prefix(static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno != EAGAIN && errno != EINTR) return false;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || !wait(POLLOUT, left.count())) {
      timed_out_ = left.count() <= 0 || timed_out_;
      return false;
    }
  }
  return true;
}

std::optional<std::string> MigrateSocket::read_line(int64_t timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    const size_t end = pending_.find("\r\n");
    if (end != std::string::npos) {
      std::string line = pending_.substr(0, end);
      pending_.erase(0, end + 2);
      return line;
    }
    // Replies to RESTORE, SELECT and AUTH are one short line each.
    if (pending_.size() > 64 * 1024) return std::nullopt;
    char buffer[4096];
    const ssize_t n = ::recv(fd_, buffer, sizeof(buffer), 0);
    if (n > 0) {
      pending_.append(buffer, static_cast<size_t>(n));
      continue;
    }
    if (n == 0 || (errno != EAGAIN && errno != EINTR)) return std::nullopt;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || !wait(POLLIN, left.count())) {
      timed_out_ = left.count() <= 0 || timed_out_;
      return std::nullopt;
    }
  }
}

}  // namespace arbor::replication
