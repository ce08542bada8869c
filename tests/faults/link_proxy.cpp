#include "tests/faults/link_proxy.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <stdexcept>

namespace arbor::faults {
namespace {

constexpr size_t kChunk = 64 * 1024;
constexpr size_t kMaxQueued = 4 * 1024 * 1024;  // per direction: stop reading past it

void set_non_blocking(int fd) { fcntl(fd, F_SETFL, fcntl(fd, F_GETFL, 0) | O_NONBLOCK); }

int listen_loopback(uint16_t& port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket() failed");
  const int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(fd, 128) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    close(fd);
    throw std::runtime_error("cannot listen on loopback");
  }
  port = ntohs(addr.sin_port);
  set_non_blocking(fd);
  return fd;
}

int connect_loopback(uint16_t port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  // Blocking connect on loopback: refused or accepted at once.
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return -1;
  }
  const int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  set_non_blocking(fd);
  return fd;
}

}  // namespace

ProxyHub::ProxyHub() {
  if (pipe(wake_) != 0) throw std::runtime_error("pipe() failed");
  set_non_blocking(wake_[0]);
  set_non_blocking(wake_[1]);
  thread_ = std::thread([this] { run(); });
}

ProxyHub::~ProxyHub() {
  stop_ = true;
  (void)!write(wake_[1], "x", 1);
  thread_.join();
  for (auto& link : links_) close_link(*link);
  for (Proxy& p : proxies_) close(p.listener);
  close(wake_[0]);
  close(wake_[1]);
}

size_t ProxyHub::add(uint16_t target_port) {
  Proxy proxy;
  proxy.target = target_port;
  proxy.listener = listen_loopback(proxy.port);
  std::lock_guard lock(mutex_);
  proxies_.push_back(proxy);
  (void)!write(wake_[1], "x", 1);
  return proxies_.size() - 1;
}

uint16_t ProxyHub::public_port(size_t proxy) const {
  std::lock_guard lock(mutex_);
  return proxies_.at(proxy).port;
}

void ProxyHub::cut(size_t proxy, milliseconds duration) {
  std::lock_guard lock(mutex_);
  proxies_.at(proxy).cut_until = SteadyClock::now() + duration;
  for (auto& link : links_)
    if (link->proxy == proxy) close_link(*link);
  (void)!write(wake_[1], "x", 1);
}

void ProxyHub::delay(size_t proxy, milliseconds delay, milliseconds duration) {
  std::lock_guard lock(mutex_);
  proxies_.at(proxy).delay = delay;
  proxies_.at(proxy).delay_until = SteadyClock::now() + duration;
  (void)!write(wake_[1], "x", 1);
}

void ProxyHub::heal(size_t proxy) {
  std::lock_guard lock(mutex_);
  proxies_.at(proxy).cut_until = {};
  proxies_.at(proxy).delay_until = {};
  (void)!write(wake_[1], "x", 1);
}

void ProxyHub::close_link(Link& link) {
  if (link.client >= 0) close(link.client);
  if (link.server >= 0) close(link.server);
  link.client = link.server = -1;
}

// Reads what `pipe.from` has into the queue (held for the proxy's delay),
// writes what is due to `pipe.to`. False when either side is gone.
bool ProxyHub::pump(Pipe& pipe) {
  const auto now = SteadyClock::now();
  while (!pipe.queue.empty() && pipe.queue.front().due <= now) {
    Chunk& chunk = pipe.queue.front();
    const ssize_t n = send(pipe.to, chunk.bytes.data(), chunk.bytes.size(), MSG_NOSIGNAL);
    if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK;
    chunk.bytes.erase(0, static_cast<size_t>(n));
    if (!chunk.bytes.empty()) return true;
    pipe.queue.pop_front();
  }
  return true;
}

void ProxyHub::run() {
  std::vector<pollfd> fds;
  while (!stop_) {
    fds.clear();
    fds.push_back({wake_[0], POLLIN, 0});
    milliseconds timeout(50);
    {
      std::lock_guard lock(mutex_);
      const auto now = SteadyClock::now();
      for (const Proxy& p : proxies_) fds.push_back({p.listener, POLLIN, 0});
      std::erase_if(links_, [](const auto& link) { return link->client < 0; });
      for (auto& link : links_) {
        auto queued = [](const Pipe& pipe) {
          size_t total = 0;
          for (const Chunk& c : pipe.queue) total += c.bytes.size();
          return total;
        };
        const short up_events = static_cast<short>((queued(link->up) < kMaxQueued ? POLLIN : 0) |
                                                   (link->down.queue.empty() ? 0 : POLLOUT));
        const short down_events = static_cast<short>((queued(link->down) < kMaxQueued ? POLLIN : 0) |
                                                     (link->up.queue.empty() ? 0 : POLLOUT));
        fds.push_back({link->client, up_events, 0});
        fds.push_back({link->server, down_events, 0});
        for (const Pipe* pipe : {&link->up, &link->down})
          if (!pipe->queue.empty()) {
            const auto wait = std::chrono::duration_cast<milliseconds>(pipe->queue.front().due - now);
            timeout = std::clamp(wait, milliseconds(0), timeout);
          }
      }
    }
    poll(fds.data(), fds.size(), static_cast<int>(timeout.count()));
    if (stop_) break;
    char drain[64];
    while (read(wake_[0], drain, sizeof drain) > 0) {
    }
    std::lock_guard lock(mutex_);
    const auto now = SteadyClock::now();
    // New connections: refused while cut, else joined to the target.
    for (size_t i = 0; i < proxies_.size(); ++i) {
      Proxy& p = proxies_[i];
      while (true) {
        const int client = accept(p.listener, nullptr, nullptr);
        if (client < 0) break;
        const int server = now < p.cut_until ? -1 : connect_loopback(p.target);
        if (server < 0) {
          // A reset, as a refused connection would look to the client.
          const linger reset{1, 0};
          setsockopt(client, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
          close(client);
          continue;
        }
        const int one = 1;
        setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        set_non_blocking(client);
        auto link = std::make_unique<Link>();
        link->proxy = i;
        link->client = client;
        link->server = server;
        link->up.from = client;
        link->up.to = server;
        link->down.from = server;
        link->down.to = client;
        links_.push_back(std::move(link));
      }
    }
    // Traffic: read what is there, queue it (held back while delayed),
    // send what is due.
    for (auto& link : links_) {
      if (link->client < 0) continue;
      const Proxy& p = proxies_[link->proxy];
      const milliseconds held = now < p.delay_until ? p.delay : milliseconds(0);
      bool alive = true;
      for (Pipe* pipe : {&link->up, &link->down}) {
        char buffer[kChunk];
        while (alive) {
          const ssize_t n = recv(pipe->from, buffer, sizeof buffer, 0);
          if (n == 0) alive = false;
          if (n <= 0) {
            if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) alive = false;
            break;
          }
          pipe->queue.push_back(Chunk{now + held, std::string(buffer, static_cast<size_t>(n))});
        }
        alive = alive && pump(*pipe);
      }
      if (!alive) close_link(*link);
    }
  }
}

}  // namespace arbor::faults
