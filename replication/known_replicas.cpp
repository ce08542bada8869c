// KnownReplicas: a small text file, rewritten whole.
#include "replication/known_replicas.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <fstream>

#include "replication/persistence.h"

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
  std::string error;
  if (replace_file(path_ + ".tmp", path_, text, error)) return true;
  spdlog::warn("Cannot write the known replicas file {}: {}", path_, error);
  return false;
}

}  // namespace arbor::replication
