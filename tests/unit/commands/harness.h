// In-process command harness: a whole Instance with its dispatcher, no
// sockets. run({"SET","k","v"}) executes one command as a client would and
// returns the parsed reply (Dragonfly's BaseFamilyTest idea).
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/reply_parser.h"
#include "protocol/reply_writer.h"
#include "server/core/command_table.h"
#include "server/core/config.h"
#include "server/core/dispatcher.h"
#include "server/core/instance.h"

namespace arbor::testing {

using RegisterFn = void (*)(core::CommandTable&);

// Replies as Reply::to_string() renders them, for EXPECT_EQ on text().
inline std::string err(std::string_view text) { return "(error \"" + std::string(text) + "\")"; }
inline const std::string kOk = "\"OK\"";
inline const std::string kSyntax = err("ERR syntax error");
inline const std::string kNotInt = err("ERR value is not an integer or out of range");

class CommandHarness {
 public:
  explicit CommandHarness(std::vector<RegisterFn> families = {core::register_all_commands})
      : instance_(config_, table_), dispatcher_(instance_) {
    for (RegisterFn fn : families) fn(table_);
    client_.id = instance_.next_client_id();
    client_.authenticated = true;
    client_.addr = "127.0.0.1:40000";
    client_.laddr = "127.0.0.1:6379";
    instance_.add_client(&client_);
  }
  ~CommandHarness() { instance_.remove_client(&client_); }

  // Executes one command and returns its raw RESP bytes.
  std::string raw(const std::vector<std::string>& args) {
    std::vector<std::string_view> views(args.begin(), args.end());
    std::string out;
    protocol::ReplyWriter writer(out, client_.resp);
    dispatcher_.execute(client_, views, writer);
    return out;
  }
  protocol::Reply run(const std::vector<std::string>& args) {
    auto reply = protocol::parse_one_reply(raw(args));
    if (reply) return *reply;
    protocol::Reply failure;
    failure.type = protocol::ReplyType::kError;
    failure.str = "harness: unparsable reply";
    return failure;
  }
  protocol::Reply run(std::initializer_list<std::string_view> args) {
    return run(std::vector<std::string>(args.begin(), args.end()));
  }
  // Executes one command as `other`, a second client of this instance (the
  // caller adds it with instance().add_client), and returns the parsed reply.
  protocol::Reply run_as(core::ClientState& other, const std::vector<std::string>& args) {
    std::vector<std::string_view> views(args.begin(), args.end());
    std::string out;
    protocol::ReplyWriter writer(out, other.resp);
    dispatcher_.execute(other, views, writer);
    auto reply = protocol::parse_one_reply(out);
    if (reply) return *reply;
    protocol::Reply failure;
    failure.type = protocol::ReplyType::kError;
    failure.str = "harness: unparsable reply";
    return failure;
  }
  // The reply rendered by Reply::to_string(), handy in EXPECT_EQ.
  std::string text(std::initializer_list<std::string_view> args) { return run(args).to_string(); }

  void set_resp(int resp) { client_.resp = resp; }
  void pin_clock(int64_t ms) { instance_.fixed_clock_ms = ms; }
  core::Instance& instance() { return instance_; }
  core::ClientState& client() { return client_; }
  core::Config& config() { return config_; }

 private:
  core::Config config_;
  core::CommandTable table_;
  core::Instance instance_;
  core::Dispatcher dispatcher_;
  core::ClientState client_;
};

}  // namespace arbor::testing
