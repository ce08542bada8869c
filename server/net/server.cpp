// Server: listeners, the cron timer and graceful shutdown.
#include "server/net/server.h"

#include <spdlog/spdlog.h>

#include <unistd.h>

#include <fstream>
#include <stdexcept>

#include "server/core/memory.h"

namespace arbor::net {

Server::Server(core::Instance& instance) : instance_(instance), dispatcher_(instance) {
  instance_.hooks.request_shutdown = [this] { request_shutdown(); };
  // The Config outlives the server; no CONFIG SET runs once it is gone.
  instance_.config.add_apply_hook([this](std::string_view name) -> std::optional<std::string> {
    if (name != "port" && name != "bind") return std::nullopt;
    return rebind(name);
  });
  instance_.hooks.post = [this](std::function<void()> task) { asio::post(io_, std::move(task)); };
  // A busy script calls this from its hook: the other clients get -BUSY
  // (or run SCRIPT KILL, SHUTDOWN NOSAVE) while it holds the loop.
  instance_.hooks.process_events_while_busy = [this] {
    try {
      io_.poll();
    } catch (const std::bad_alloc&) {
      ++instance_.stats.allocation_failures;
      spdlog::warn("Out of memory in an event handler during a busy script; its work was abandoned");
    }
  };
}

Server::~Server() {
  instance_.hooks.request_shutdown = nullptr;
  instance_.hooks.process_events_while_busy = nullptr;
  instance_.hooks.post = nullptr;
}

void Server::bind_all() {
  const auto& settings = instance_.config.settings();
  uint16_t port = static_cast<uint16_t>(settings.port);
  for (const std::string& entry : settings.bind) {
    // A leading '-' marks an address that may be missing (no IPv6, say).
    const bool optional = !entry.empty() && entry[0] == '-';
    const std::string text = optional ? entry.substr(1) : entry;
    boost::system::error_code ec;
    const auto address = asio::ip::make_address(text == "*" ? "0.0.0.0" : text, ec);
    if (ec) throw std::runtime_error("Invalid bind address '" + text + "'");
    try {
      listeners_.push_back(std::make_unique<Listener>(io_, tcp::endpoint(address, port), instance_, dispatcher_,
                                                      static_cast<int>(settings.tcp_backlog)));
      // With port 0 the first address picks a port; the others share it.
      if (port == 0) port = listeners_.back()->port();
    } catch (const boost::system::system_error& e) {
      if (optional) {
        spdlog::warn("Warning: Could not create server TCP listening socket {}:{}: {}", text, port,
                     e.code().message());
        continue;
      }
      throw std::runtime_error("Failed listening on port " + std::to_string(port) + " (tcp), aborting: " +
                               e.code().message());
    }
  }
  if (listeners_.empty()) throw std::runtime_error("Failed listening on any address, aborting.");
  instance_.identity.tcp_port = port;
  announce_port(port);
}

std::optional<std::string> Server::rebind(std::string_view parameter) {
  for (auto& listener : listeners_) {
    listener->stop();
    retired_listeners_.push_back(std::move(listener));
  }
  listeners_.clear();
  try {
    bind_all();
  } catch (const std::exception& e) {
    spdlog::warn("{}", e.what());
    for (auto& listener : listeners_) {
      listener->stop();
      retired_listeners_.push_back(std::move(listener));
    }
    listeners_.clear();
    // The config restores the old value and applies it again, which
    // listens where we listened before.
    return std::string(parameter == "port" ? "Unable to listen on this port. Check server logs."
                                           : "Failed to bind to specified addresses.");
  }
  for (auto& listener : listeners_) listener->start();
  spdlog::info("Listening again on port {}", instance_.identity.tcp_port);
  return std::nullopt;
}

// Tests start servers on port 0 and read the bound port from this file,
// written atomically (rename) so a reader never sees half a number.
void Server::announce_port(uint16_t port) {
  if (!instance_.config.settings().announce_port_file) return;
  const std::string path = instance_.config.settings().dir + "/arbor.port";
  {
    std::ofstream out(path + ".tmp", std::ios::trunc);
    out << port << "\n";
  }
  std::rename((path + ".tmp").c_str(), path.c_str());
}

void Server::schedule_cron() {
  const int64_t hz = std::max<int64_t>(1, instance_.config.settings().hz);
  cron_timer_.expires_after(std::chrono::milliseconds(1000 / hz));
  cron_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || stopping_) return;
    schedule_cron();  // first: a tick that throws must not end the ticks
    cron();
  });
}

// Redis's serverCron in miniature: active expiry with a CPU budget of a
// quarter of the tick, metric sampling, and once a second idle timeouts.
void Server::cron() {
  if (instance_.script_running) return;  // inside a busy script: the data stays as it is
  const int64_t hz = std::max<int64_t>(1, instance_.config.settings().hz);
  const auto expire_started = std::chrono::steady_clock::now();
  instance_.active_expire_cycle(250000 / hz);
  const auto expire_us =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - expire_started).count();
  instance_.stats.expire_cycle_us += static_cast<uint64_t>(expire_us);
  instance_.latency_sample("expire-cycle", static_cast<uint64_t>(expire_us) / 1000);
  const int64_t now = core::unix_time_ms();
  instance_.eviction.clock.tick(now);
  instance_.check_pause_deadline(now);
  instance_.tracking.limit_table(static_cast<size_t>(instance_.config.settings().tracking_table_max_keys));
  instance_.ops_rate.sample(instance_.stats.total_commands_processed, now);
  instance_.input_rate.sample(instance_.stats.net_input_bytes, now);
  instance_.output_rate.sample(instance_.stats.net_output_bytes, now);
  instance_.peak_memory = std::max(instance_.peak_memory, core::used_memory());
  if (now - last_second_ms_ < 1000) return;
  last_second_ms_ = now;
  const int64_t timeout_s = instance_.config.settings().timeout;
  if (timeout_s > 0) {
    for (core::ClientState* client : instance_.clients()) {
      // As Redis: blocked and subscribed clients are waiting, not idle.
      if (client->blocked || client->subscriptions.count() > 0 || client->is_replica || client->is_master) continue;
      if (client->control && now - client->last_interaction_ms > timeout_s * 1000) {
        spdlog::debug("Closing idle client id={} addr={}", client->id, client->addr);
        client->control->close_soon();
      }
    }
  }
}

void Server::request_shutdown() {
  if (stopping_) return;
  stopping_ = true;
  instance_.shutting_down = true;
  spdlog::warn("User requested shutdown...");
  // Posted, so the command that asked finishes its batch first.
  asio::post(io_, [this] {
    for (auto& listener : listeners_) listener->stop();
    if (unix_listener_) unix_listener_->stop();
    cron_timer_.cancel();
    signals_.cancel();
    for (core::ClientState* client : std::vector<core::ClientState*>(instance_.clients()))
      if (client->control) client->control->close_soon();
    io_.stop();
  });
}

// SIGTERM and SIGINT shut down as Redis 7.0 does, with the flags of
// shutdown-on-sigterm / shutdown-on-sigint: a failed final save keeps the
// server running (the next signal tries again) unless `force` or `nosave`.
void Server::wait_for_signals() {
  signals_.async_wait([this](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    spdlog::warn("Received {} scheduling shutdown...", signal == SIGINT ? "SIGINT" : "SIGTERM");
    // As Redis: a running script finishes first (the save must not hold
    // half of it).
    instance_.after_script([this, signal] {
      const auto& settings = instance_.config.settings();
      const int flags = signal == SIGINT ? settings.shutdown_on_sigint : settings.shutdown_on_sigterm;
      using core::Settings;
      const bool force = flags & Settings::kShutdownForce;
      if (!(flags & Settings::kShutdownNosave) &&
          !instance_.save_before_exit(flags & Settings::kShutdownSave, force)) {
        spdlog::warn("Errors trying to shut down the server. Check the logs for more information.");
        wait_for_signals();
        return;
      }
      request_shutdown();
    });
  });
}

void Server::run() {
  bind_all();
  for (auto& listener : listeners_) listener->start();
  const auto& settings = instance_.config.settings();
  if (!settings.unixsocket.empty()) {
    try {
      unix_listener_ = std::make_unique<Listener>(io_, settings.unixsocket, settings.unixsocketperm, instance_,
                                                  dispatcher_, static_cast<int>(settings.tcp_backlog));
    } catch (const std::exception& e) {
      throw std::runtime_error("Failed opening Unix socket: " + std::string(e.what()));
    }
    unix_listener_->start();
  }
  wait_for_signals();
  schedule_cron();
  spdlog::info("Ready to accept connections tcp (port {})", instance_.identity.tcp_port);
  if (unix_listener_) spdlog::info("The server is now ready to accept connections at {}", settings.unixsocket);
  // An allocation that fails in a timer or a transfer (commands catch their
  // own) must not take the server down: the handler's work is dropped
  // (its own timeouts retry it) and the loop goes on.
  while (true) {
    try {
      io_.run();
      break;
    } catch (const std::bad_alloc&) {
      ++instance_.stats.allocation_failures;
      spdlog::warn("Out of memory in an event handler; its work was abandoned, serving on");
    }
  }
  if (unix_listener_) {
    spdlog::info("Removing the unix socket file.");
    ::unlink(instance_.config.settings().unixsocket.c_str());
  }
  spdlog::warn("arbor is now ready to exit, bye bye...");
}

}  // namespace arbor::net
