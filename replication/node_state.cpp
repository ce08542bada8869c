#include "replication/node_state.h"

#include <algorithm>
#include <vector>

#include "protocol/number_format.h"
#include "replication/info_text.h"

namespace arbor::replication {
namespace {

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  size_t at = 0;
  while (true) {
    const size_t next = text.find(separator, at);
    parts.push_back(text.substr(at, next == std::string_view::npos ? std::string_view::npos : next - at));
    if (next == std::string_view::npos) return parts;
    at = next + 1;
  }
}

std::optional<int> port_number(std::string_view text) {
  const auto value = protocol::parse_int64(text);
  if (!value || *value <= 0 || *value > 65535) return std::nullopt;
  return static_cast<int>(*value);
}

}  // namespace

std::string format_node_state(const NodeState& s) {
  std::string out = "role " + s.role + "\nreplid " + s.replid + "\noffset " + std::to_string(s.offset) + "\n";
  if (!s.master_host.empty()) out += "master " + s.master_host + " " + std::to_string(s.master_port) + "\n";
  if (s.sentinel_epoch >= 0)
    out += "sentinel-primary " + s.sentinel_primary_host + " " + std::to_string(s.sentinel_primary_port) +
           "\nsentinel-epoch " + std::to_string(s.sentinel_epoch) + "\n";
  return out;
}

NodeState parse_node_state(std::string_view text) {
  NodeState s;
  std::string sentinel_host;
  int sentinel_port = 0;
  int64_t sentinel_epoch = -1;
  for_each_info_line(text, [&](std::string_view line) {
    const std::vector<std::string_view> words = split(line, ' ');
    if (words.size() == 2 && words[0] == "role" && (words[1] == "master" || words[1] == "slave")) {
      s.role = std::string(words[1]);
    } else if (words.size() == 2 && words[0] == "replid") {
      s.replid = std::string(words[1]);
    } else if (words.size() == 2 && words[0] == "offset") {
      s.offset = static_cast<uint64_t>(std::max<int64_t>(0, protocol::parse_int64(words[1]).value_or(0)));
    } else if (words.size() == 3 && words[0] == "master" && port_number(words[2])) {
      s.master_host = std::string(words[1]);
      s.master_port = *port_number(words[2]);
    } else if (words.size() == 3 && words[0] == "sentinel-primary" && port_number(words[2])) {
      sentinel_host = std::string(words[1]);
      sentinel_port = *port_number(words[2]);
    } else if (words.size() == 2 && words[0] == "sentinel-epoch") {
      sentinel_epoch = protocol::parse_int64(words[1]).value_or(-1);
    }
  });
  if (!sentinel_host.empty() && sentinel_epoch >= 0) {
    s.sentinel_primary_host = std::move(sentinel_host);
    s.sentinel_primary_port = sentinel_port;
    s.sentinel_epoch = sentinel_epoch;
  }
  return s;
}

std::optional<SentinelHello> parse_sentinel_hello(std::string_view payload) {
  const std::vector<std::string_view> f = split(payload, ',');
  if (f.size() != 8) return std::nullopt;
  const auto sentinel_port = port_number(f[1]);
  const auto master_port = port_number(f[6]);
  const auto epoch = protocol::parse_int64(f[7]);
  if (!sentinel_port || !master_port || !epoch || *epoch < 0 || f[5].empty()) return std::nullopt;
  SentinelHello hello;
  hello.sentinel_ip = std::string(f[0]);
  hello.sentinel_port = *sentinel_port;
  hello.sentinel_runid = std::string(f[2]);
  hello.master_name = std::string(f[4]);
  hello.master_host = std::string(f[5]);
  hello.master_port = *master_port;
  hello.config_epoch = *epoch;
  return hello;
}

}  // namespace arbor::replication
