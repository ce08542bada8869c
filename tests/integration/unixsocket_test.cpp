// unixsocket and unixsocketperm side by side with redis-server 7.0: the
// socket file with its mode, redis-cli -s and redis-benchmark -s, clients
// shown as "<path>:0" with flag U, MONITOR's "unix:<path>", admission under
// protected mode, the parameters immutable, the file removed at exit.
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "tests/integration/server_fixture.h"

namespace arbor::test {
namespace {

// A blocking unix-socket client: sends a command, reads until `suffix`.
class UnixClient {
 public:
  explicit UnixClient(const std::string& path) {
    fd_ = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path.c_str(), sizeof(address.sun_path) - 1);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~UnixClient() {
    if (fd_ >= 0) ::close(fd_);
  }
  bool connected() const { return fd_ >= 0; }
  std::string cmd(const std::vector<std::string>& args, std::string_view suffix = "\r\n") {
    const std::string bytes = encode_command(args);
    if (::write(fd_, bytes.data(), bytes.size()) != static_cast<ssize_t>(bytes.size())) return {};
    std::string in;
    const auto deadline = Clock::now() + milliseconds(5000);
    while (!std::string_view(in).ends_with(suffix) && Clock::now() < deadline) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0) continue;
      char chunk[4096];
      const ssize_t n = ::read(fd_, chunk, sizeof(chunk));
      if (n <= 0) break;
      in.append(chunk, static_cast<size_t>(n));
    }
    return in;
  }

 private:
  int fd_ = -1;
};

// What a server shows of a unix client, with its socket path replaced.
struct Observed {
  std::string mode;
  std::string client_fields;
  std::string cli_ping;
  std::string monitor_origin;
  std::string immutable;
  int benchmark_exit = -1;
};

std::string field(const std::string& line, const std::string& name) {
  const size_t at = line.find(" " + name + "=");
  if (at == std::string::npos) return "(none)";
  const size_t start = at + name.size() + 2;
  return line.substr(start, line.find(' ', start) - start);
}

Observed observe(const std::string& path, uint16_t tcp_port) {
  Observed o;
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0)
    o.mode = std::string(S_ISSOCK(st.st_mode) ? "socket " : "file ") + std::to_string(st.st_mode & 0777);
  UnixClient unix_client(path);
  EXPECT_TRUE(unix_client.connected()) << path;
  std::string info = unix_client.cmd({"CLIENT", "INFO"}, "\n\r\n");
  for (std::string name : {"addr", "laddr", "flags"}) {
    std::string value = field(info, name);
    if (value.starts_with(path)) value = "<path>" + value.substr(path.size());
    o.client_fields += name + "=" + value + " ";
  }
  const RunResult ping = run_program("/usr/bin/redis-cli", {"-s", path, "PING"});
  o.cli_ping = ping.output;
  const RunResult bench = run_program("/usr/bin/redis-benchmark", {"-s", path, "-q", "-n", "2000", "-t", "ping,set,get"});
  o.benchmark_exit = bench.exit_code;
  EXPECT_NE(bench.output.find("GET"), std::string::npos) << bench.output;

  RawConnection monitor(tcp_port);
  monitor.send(encode_command({"MONITOR"}));
  monitor.read_reply();
  unix_client.cmd({"SET", "k", "v"});
  const std::string line = monitor.read_until("\r\n", milliseconds(5000));
  const size_t open = line.find('['), close = line.find(']');
  o.monitor_origin = open == std::string::npos ? line : line.substr(open, close - open + 1);
  const size_t at = o.monitor_origin.find(path);
  if (at != std::string::npos) o.monitor_origin.replace(at, path.size(), "<path>");
  o.immutable = unix_client.cmd({"CONFIG", "SET", "unixsocket", path + ".other"}) +
                unix_client.cmd({"CONFIG", "SET", "unixsocketperm", "777"});
  return o;
}

TEST(UnixSocketAgainstRedis, ClientsToolsAndModeMatchRedis) {
  TempDir dir;
  const std::string redis_path = dir.file("redis.sock"), arbor_path = dir.file("arbor.sock");
  // A stale file where the socket goes is replaced, as Redis does.
  { std::ofstream(arbor_path) << "stale"; }
  RedisProcess redis({"--unixsocket", redis_path, "--unixsocketperm", "700", "--protected-mode", "yes"});
  ASSERT_TRUE(redis.ok());
  ServerProcess arbor({"--unixsocket", arbor_path, "--unixsocketperm", "700", "--protected-mode", "yes"});
  const Observed theirs = observe(redis_path, redis.port());
  const Observed ours = observe(arbor_path, arbor.port());
  EXPECT_EQ(theirs.mode, "socket 448");  // 0700
  EXPECT_EQ(ours.mode, theirs.mode);
  EXPECT_EQ(ours.client_fields, theirs.client_fields);
  EXPECT_EQ(theirs.client_fields, "addr=<path>:0 laddr=<path>:0 flags=U ");
  EXPECT_EQ(ours.cli_ping, "PONG\n");
  EXPECT_EQ(ours.cli_ping, theirs.cli_ping);
  EXPECT_EQ(ours.benchmark_exit, 0);
  EXPECT_EQ(theirs.monitor_origin, "[0 unix:<path>]");
  EXPECT_EQ(ours.monitor_origin, theirs.monitor_origin);
  EXPECT_NE(theirs.immutable.find("can't set immutable config"), std::string::npos) << theirs.immutable;
  EXPECT_EQ(ours.immutable, theirs.immutable);

  // Gone once the server has stopped.
  ASSERT_TRUE(arbor.stop().has_value());
  EXPECT_FALSE(std::filesystem::exists(arbor_path));
  EXPECT_NE(arbor.log().find("Removing the unix socket file."), std::string::npos);
}

TEST(UnixSocket, AnUnusablePathStopsTheServerWithRedisWords) {
  TempDir dir;
  const RunResult run = run_program(arbor_server_path(), {"--port", "0", "--dir", dir.path(), "--save", "",
                                                          "--unixsocket", dir.file("missing/arbor.sock")},
                                    {}, milliseconds(10000));
  EXPECT_FALSE(run.timed_out);
  EXPECT_NE(run.exit_code, 0);
  EXPECT_NE(run.output.find("Failed opening Unix socket"), std::string::npos) << run.output;
}

}  // namespace
}  // namespace arbor::test
