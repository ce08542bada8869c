// KnownReplicas: a small text file, rewritten whole.
#include "replication/known_replicas.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>

namespace arbor::replication {

void KnownReplicas::load() {
  std::ifstream in(path_);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const size_t colon = line.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == line.size()) continue;
    if (std::find(addresses_.begin(), addresses_.end(), line) == addresses_.end()) addresses_.push_back(line);
  }
}

bool KnownReplicas::add(const std::string& address) {
  if (std::find(addresses_.begin(), addresses_.end(), address) != addresses_.end()) return false;
  addresses_.push_back(address);
  if (!save()) return false;
  spdlog::info("Remembered replica {} in {}", address, path_);
  return true;
}

bool KnownReplicas::save() const {
  std::string text;
  for (const auto& a : addresses_) text += a + "\n";
  const std::string temp = path_ + ".tmp";
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  bool ok = fd >= 0 && ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
            ::fsync(fd) == 0;
  if (fd >= 0) ok = ::close(fd) == 0 && ok;
  ok = ok && std::rename(temp.c_str(), path_.c_str()) == 0;
  if (!ok) {
    spdlog::warn("Cannot write the known replicas file {}: {}", path_, std::strerror(errno));
    std::remove(temp.c_str());
  }
  return ok;
}

}  // namespace arbor::replication
