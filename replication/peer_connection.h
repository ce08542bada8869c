// One outgoing connection to another node, as a replica speaks to its
// primary: connect, the Redis 7.0 handshake, lines, bulk replies and a
// full sync's snapshot, as coroutines over one socket. The replica link and
// the seeder share it. Loop thread only.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "server/core/config.h"
#include "server/net/asio.h"

namespace arbor::replication {

namespace asio = net::asio;
using net::tcp;

class PeerConnection {
 public:
  // `role` names the peer in log lines ("MASTER", "replica").
  PeerConnection(asio::io_context& io, std::string host, int port, std::string role);

  const std::string& host() const { return host_; }
  int port() const { return port_; }
  std::string address() const { return host_ + ":" + std::to_string(port_); }
  tcp::socket& socket() { return socket_; }

  // Resolves and connects (a fresh socket each time); false, logged, on failure.
  asio::awaitable<bool> connect();
  // PING, then AUTH [masteruser] masterauth and REPLCONF [listening-port]
  // [ip-address] capa eof psync2 arbor in one write, as Redis 7.0's replica
  // sends them. `listening_port` 0: not announced (the seeder is no replica).
  asio::awaitable<bool> handshake(const core::Settings& settings, int listening_port);

  asio::awaitable<bool> read_more();  // false: closed, failed or closed by us
  asio::awaitable<bool> read_line(std::string& line);
  asio::awaitable<bool> write(std::string bytes);
  // A bulk reply read whole (an error line, or any other, fails).
  asio::awaitable<bool> read_bulk(std::string& out);
  // A bulk reply, or an error line (`error` set, `out` its text); false
  // when the connection failed or the reply was neither.
  asio::awaitable<bool> read_bulk_or_error(std::string& out, bool& error);
  // The snapshot after +FULLRESYNC, "$EOF:<mark>" or "$<len>" framed: on
  // success `payload` views it inside the buffer until consume_snapshot().
  asio::awaitable<bool> read_snapshot(std::string_view& payload);
  void consume_snapshot();
  // Reads until `n` unread bytes are held.
  asio::awaitable<bool> read_exactly(size_t n);

  // Bytes received and not consumed yet.
  std::string_view unread() const { return std::string_view(in_).substr(pos_); }
  void consume(size_t n) { pos_ += n; }
  void compact();  // drops consumed bytes

  int64_t last_io_ms() const { return last_io_ms_; }
  int64_t transfer_size() const { return transfer_size_; }  // -1: EOF-marked, unknown
  uint64_t transfer_read() const { return transfer_read_; }

  void close();
  // For good: pending reads fail and no later call succeeds.
  void stop() {
    stopped_ = true;
    close();
  }
  bool stopped() const { return stopped_; }

 private:
  asio::io_context& io_;
  std::string host_;
  int port_;
  std::string role_;
  tcp::resolver resolver_;
  tcp::socket socket_;
  std::string in_;
  size_t pos_ = 0;
  size_t snapshot_framing_ = 0;  // bytes after the payload (the EOF mark)
  bool stopped_ = false;
  int64_t last_io_ms_ = 0;
  int64_t transfer_size_ = -1;
  uint64_t transfer_read_ = 0;
};

}  // namespace arbor::replication
