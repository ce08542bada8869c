// Shared fixture for the keyspace-notification and WATCH tests: a harness
// plus a listener client psubscribed to __key*__:* whose delivered bytes are
// parsed back into (channel, message) pairs, and a second client for WATCH.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "protocol/reply_parser.h"
#include "protocol/reply_writer.h"
#include "server/core/client_state.h"
#include "tests/unit/collecting_control.h"
#include "tests/unit/commands/harness.h"

namespace arbor::testing {

class NotifyTest : public ::testing::Test {
 protected:
  NotifyTest() {
    listener_.id = h.instance().next_client_id();
    listener_.authenticated = true;
    listener_.control = &control_;
    h.instance().add_client(&listener_);
    h.instance().pubsub.psubscribe(listener_, "__key*__:*");
    other.id = h.instance().next_client_id();
    other.authenticated = true;
    h.instance().add_client(&other);
    set_classes("KEA");
  }
  ~NotifyTest() override {
    h.instance().remove_client(&other);
    h.instance().remove_client(&listener_);
  }

  void set_classes(std::string_view classes) {
    ASSERT_EQ(h.text({"CONFIG", "SET", "notify-keyspace-events", classes}), kOk);
  }

  // Every (channel, message) delivered since the last call.
  std::vector<std::pair<std::string, std::string>> messages() {
    std::vector<std::pair<std::string, std::string>> out;
    std::string_view rest = control_.delivered;
    protocol::ReplyParser parser;
    while (!rest.empty()) {
      protocol::Reply reply;
      const auto result = parser.parse(rest, reply);
      if (result.status != protocol::ReplyParser::Status::kReply) {
        ADD_FAILURE() << "unparsable delivery: " << rest;
        break;
      }
      rest.remove_prefix(result.consumed);
      if (reply.elements.size() != 4 || reply.elements[0].str != "pmessage") {
        ADD_FAILURE() << "unexpected delivery " << reply.to_string();
        continue;
      }
      out.emplace_back(reply.elements[2].str, reply.elements[3].str);
    }
    control_.delivered.clear();
    return out;
  }

  // Runs a command and returns its events as "event key" (the event gets
  // "@<db>" when not in db 0), read from the keyevent channels. With K and E
  // both on, each keyevent message must follow its keyspace twin.
  std::vector<std::string> events(std::initializer_list<std::string_view> args) {
    h.run(args);
    return collected();
  }
  std::vector<std::string> collected() {
    std::vector<std::string> out;
    const auto all = messages();
    for (size_t i = 0; i < all.size(); ++i) {
      const auto& [channel, message] = all[i];
      constexpr std::string_view kEvent = "__keyevent@";
      if (channel.rfind(kEvent, 0) != 0) continue;
      const size_t db_end = channel.find("__:", kEvent.size());
      const std::string db = channel.substr(kEvent.size(), db_end - kEvent.size());
      const std::string event = channel.substr(db_end + 3);
      if (i == 0 || all[i - 1].first != "__keyspace@" + db + "__:" + message || all[i - 1].second != event)
        ADD_FAILURE() << "keyevent " << channel << " " << message << " without its keyspace twin";
      out.push_back(event + (db == "0" ? "" : "@" + db) + " " + message);
    }
    return out;
  }

  CommandHarness h;
  core::ClientState other;  // a second client, for WATCH tests

 private:
  CollectingControl control_;
  core::ClientState listener_;
};

using Events = std::vector<std::string>;

}  // namespace arbor::testing
