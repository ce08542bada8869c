#include "tests/integration/sentinel_helpers.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <memory>
#include <sstream>

namespace arbor::test {

SentinelProcess::SentinelProcess(uint16_t primary_port, SentinelSettings settings) : settings_(std::move(settings)) {
  for (int attempt = 0; attempt < 3 && port_ == 0; ++attempt) {
    const uint16_t port = pick_free_port();
    if (port == 0) continue;
    const std::string name = settings_.name;
    dir_.write("sentinel.conf",
               "port " + std::to_string(port) + "\nbind 127.0.0.1\ndaemonize no\ndir " + dir_.path() +
                   "\nlogfile " + dir_.file("sentinel.log") + "\nsentinel monitor " + name + " 127.0.0.1 " +
                   std::to_string(primary_port) + " " + std::to_string(settings_.quorum) +
                   "\nsentinel down-after-milliseconds " + name + " " + std::to_string(settings_.down_after_ms) +
                   "\nsentinel failover-timeout " + name + " " + std::to_string(settings_.failover_timeout_ms) +
                   "\nsentinel parallel-syncs " + name + " 2\nloglevel verbose\n");
    child_.spawn("/usr/bin/redis-sentinel", {dir_.file("sentinel.conf")}, dir_.file("stdout.log"));
    auto ours = [&] {
      RawConnection conn(port, milliseconds(500));
      if (!conn.connected() || !conn.send(encode_command({"INFO", "server"}))) return false;
      const auto info = conn.read_reply(milliseconds(500));
      return info && info_field(info->str, "process_id") == std::to_string(child_.pid());
    };
    if (eventually([&] { return !child_.running() || ours(); }, milliseconds(10000)) && child_.running()) {
      port_ = port;
      return;
    }
    child_.terminate(milliseconds(5000));
  }
  ADD_FAILURE() << "redis-sentinel did not start:\n" << log();
}

SentinelProcess::~SentinelProcess() { child_.terminate(milliseconds(5000)); }

std::string SentinelProcess::log() const {
  return read_file(dir_.file("sentinel.log")) + read_file(dir_.file("stdout.log"));
}

std::optional<uint16_t> SentinelProcess::primary_port() {
  Client c(port_, milliseconds(1000));
  const Reply reply = c.cmd({"SENTINEL", "GET-MASTER-ADDR-BY-NAME", settings_.name});
  if (reply.type != ReplyType::kArray || reply.elements.size() != 2) return std::nullopt;
  return static_cast<uint16_t>(std::stoi(reply.elements[1].str));
}

int SentinelProcess::known_replicas() {
  Client c(port_, milliseconds(1000));
  const Reply reply = c.cmd({"SENTINEL", "REPLICAS", settings_.name});
  return reply.type == ReplyType::kArray ? static_cast<int>(reply.elements.size()) : -1;
}

int SentinelProcess::known_sentinels() {
  Client c(port_, milliseconds(1000));
  const Reply reply = c.cmd({"SENTINEL", "SENTINELS", settings_.name});
  return reply.type == ReplyType::kArray ? static_cast<int>(reply.elements.size()) : -1;
}

SentinelGroup::SentinelGroup(uint16_t primary_port, int replicas, SentinelSettings settings) {
  for (int i = 0; i < 3; ++i) {
    sentinels_.push_back(std::make_unique<SentinelProcess>(primary_port, settings));
    if (!sentinels_.back()->ok()) return;
  }
  ok_ = eventually(
      [&] {
        for (auto& s : sentinels_)
          if (s->known_replicas() < replicas || s->known_sentinels() < 2) return false;
        return true;
      },
      milliseconds(20000), milliseconds(100));
  if (!ok_) ADD_FAILURE() << "the Sentinels did not find each other and the replicas:\n" << logs();
}

std::optional<uint16_t> SentinelGroup::primary_port() {
  std::map<uint16_t, int> votes;
  for (auto& s : sentinels_)
    if (auto port = s->primary_port()) ++votes[*port];
  for (const auto& [port, count] : votes)
    if (count >= 2) return port;
  return std::nullopt;
}

std::optional<uint16_t> SentinelGroup::wait_for_failover(uint16_t old_port, milliseconds timeout) {
  std::optional<uint16_t> now;
  eventually(
      [&] {
        now = primary_port();
        return now && *now != old_port;
      },
      timeout, milliseconds(100));
  if (now && *now != old_port) return now;
  return std::nullopt;
}

std::vector<uint16_t> SentinelGroup::ports() const {
  std::vector<uint16_t> out;
  for (const auto& s : sentinels_) out.push_back(s->port());
  return out;
}

std::string SentinelGroup::logs() const {
  std::string text;
  for (const auto& s : sentinels_) text += "----- sentinel " + std::to_string(s->port()) + "\n" + s->log();
  return text;
}

}  // namespace arbor::test
