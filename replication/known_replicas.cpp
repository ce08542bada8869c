// KnownReplicas: a small text file, rewritten whole.
#include "replication/known_replicas.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "protocol/number_format.h"
#include "replication/info_text.h"
#include "replication/persistence.h"

namespace arbor::replication {

std::string format_known_replicas(const std::vector<KnownReplica>& replicas) {
  std::string text;
  for (const KnownReplica& r : replicas) {
    text += r.address;
    if (r.left) text += " left " + r.left_replid + " " + std::to_string(r.left_offset);
    text += "\n";
  }
  return text;
}

std::vector<KnownReplica> parse_known_replicas(std::string_view text) {
  std::vector<KnownReplica> replicas;
  for_each_info_line(text, [&](std::string_view line) {
    KnownReplica r;
    const size_t space = line.find(' ');
    r.address = std::string(line.substr(0, space));
    const size_t colon = r.address.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == r.address.size()) return;
    if (space != std::string_view::npos) {
      std::istringstream rest{std::string(line.substr(space + 1))};
      std::string word, replid, offset;
      if (rest >> word >> replid >> offset && word == "left") {
        const auto value = protocol::parse_int64(offset);
        if (value && *value >= 0) {
          r.left = true;
          r.left_replid = replid;
          r.left_offset = static_cast<uint64_t>(*value);
        }
      }
    }
    const bool seen = std::any_of(replicas.begin(), replicas.end(),
                                  [&](const KnownReplica& other) { return other.address == r.address; });
    if (!seen) replicas.push_back(std::move(r));
  });
  return replicas;
}

void KnownReplicas::load() {
  std::ifstream in(path_);
  std::stringstream text;
  text << in.rdbuf();
  replicas_ = parse_known_replicas(text.str());
}

std::vector<std::string> KnownReplicas::addresses() const {
  std::vector<std::string> out;
  for (const KnownReplica& r : replicas_) out.push_back(r.address);
  return out;
}

KnownReplica* KnownReplicas::find(std::string_view address) {
  for (KnownReplica& r : replicas_)
    if (r.address == address) return &r;
  return nullptr;
}

void KnownReplicas::joined(const std::string& address) {
  KnownReplica* r = find(address);
  if (r != nullptr && !r->left) return;
  if (r == nullptr) {
    r = &replicas_.emplace_back();
    spdlog::info("Remembered replica {} in {}", address, path_);
  }
  *r = KnownReplica();
  r->address = address;
  save();
}

void KnownReplicas::left(const std::string& address, const std::string& replid, uint64_t offset) {
  KnownReplica* r = find(address);
  if (r == nullptr) return;
  r->left = true;
  r->left_replid = replid;
  r->left_offset = offset;
  save();
}

bool KnownReplicas::save() const {
  std::string error;
  if (replace_file(path_ + ".tmp", path_, format_known_replicas(replicas_), error)) return true;
  spdlog::warn("Cannot write the known replicas file {}: {}", path_, error);
  return false;
}

}  // namespace arbor::replication
