// Pub/Sub: SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE, PUBLISH, the
// shard forms SSUBSCRIBE, SUNSUBSCRIBE, SPUBLISH (Redis 7.0's sharded pub/sub
// without a cluster: one shard, channels of their own) and the PUBSUB
// introspection subcommands. Delivery and the registry live in
// core/pubsub; the keyspace events of every family go through the same path.
#include <string>
#include <string_view>
#include <vector>

#include "server/core/arguments.h"
#include "server/core/command_context.h"
#include "server/core/command_table.h"

namespace arbor::commands {
namespace {

using core::CommandContext;

// [kind, name, subscription count]: a push frame in RESP3, an array in RESP2.
// Shard subscriptions are counted apart from channels and patterns.
void reply_subscription(CommandContext& ctx, std::string_view kind, std::string_view name, bool null_name) {
  const bool shard = kind == "ssubscribe" || kind == "sunsubscribe";
  ctx.reply.push(3);
  ctx.reply.bulk(kind);
  if (null_name) ctx.reply.null();
  else ctx.reply.bulk(name);
  const auto& mine = ctx.client.subscriptions;
  ctx.reply.integer(static_cast<int64_t>(shard ? mine.shard_channels.size() : mine.classic_count()));
}

// SUBSCRIBE channel [channel ...]
void subscribe(CommandContext& ctx) {
  for (size_t i = 1; i < ctx.argc(); ++i) {
    ctx.instance.pubsub.subscribe(ctx.client, ctx.arg(i));
    reply_subscription(ctx, "subscribe", ctx.arg(i), false);
  }
}

// PSUBSCRIBE pattern [pattern ...]
void psubscribe(CommandContext& ctx) {
  for (size_t i = 1; i < ctx.argc(); ++i) {
    ctx.instance.pubsub.psubscribe(ctx.client, ctx.arg(i));
    reply_subscription(ctx, "psubscribe", ctx.arg(i), false);
  }
}

// SSUBSCRIBE shardchannel [shardchannel ...]
void ssubscribe(CommandContext& ctx) {
  for (size_t i = 1; i < ctx.argc(); ++i) {
    ctx.instance.pubsub.ssubscribe(ctx.client, ctx.arg(i));
    reply_subscription(ctx, "ssubscribe", ctx.arg(i), false);
  }
}

enum class Kind { kChannels, kPatterns, kShardChannels };

// UNSUBSCRIBE [channel ...], PUNSUBSCRIBE [pattern ...], SUNSUBSCRIBE
// [shardchannel ...]: with no names, every subscription of that kind; with
// none at all, one reply with a null name, as Redis.
void unsubscribe_generic(CommandContext& ctx, Kind which) {
  auto& pubsub = ctx.instance.pubsub;
  const std::string_view kind = which == Kind::kPatterns  ? "punsubscribe"
                                : which == Kind::kChannels ? "unsubscribe"
                                                           : "sunsubscribe";
  auto drop = [&](std::string_view name) {
    if (which == Kind::kPatterns) pubsub.punsubscribe(ctx.client, name);
    else if (which == Kind::kChannels) pubsub.unsubscribe(ctx.client, name);
    else pubsub.sunsubscribe(ctx.client, name);
    reply_subscription(ctx, kind, name, false);
  };
  if (ctx.argc() > 1) {
    for (size_t i = 1; i < ctx.argc(); ++i) drop(ctx.arg(i));
    return;
  }
  const auto& subscriptions = ctx.client.subscriptions;
  const auto& mine = which == Kind::kPatterns  ? subscriptions.patterns
                     : which == Kind::kChannels ? subscriptions.channels
                                                : subscriptions.shard_channels;
  if (mine.empty()) return reply_subscription(ctx, kind, {}, true);
  const std::vector<std::string> names(mine.begin(), mine.end());
  for (const std::string& name : names) drop(name);
}

void unsubscribe(CommandContext& ctx) { unsubscribe_generic(ctx, Kind::kChannels); }
void punsubscribe(CommandContext& ctx) { unsubscribe_generic(ctx, Kind::kPatterns); }
void sunsubscribe(CommandContext& ctx) { unsubscribe_generic(ctx, Kind::kShardChannels); }

// PUBLISH channel message
void publish(CommandContext& ctx) {
  ctx.reply.integer(static_cast<int64_t>(ctx.instance.pubsub.publish(ctx.arg(1), ctx.arg(2))));
  // Sentinel names the primary it follows in its hellos: replication/
  // remembers it, so a restarted primary knows whether it was replaced.
  if (ctx.arg(1) == "__sentinel__:hello" && ctx.instance.hooks.on_sentinel_hello) ctx.instance.hooks.on_sentinel_hello(ctx.arg(2));
  // As Redis: subscribers on replicas hear what is published on the primary.
  ctx.force_propagation();
}

// SPUBLISH shardchannel message
void spublish(CommandContext& ctx) {
  ctx.reply.integer(static_cast<int64_t>(ctx.instance.pubsub.spublish(ctx.arg(1), ctx.arg(2))));
  ctx.force_propagation();  // as PUBLISH: a replica's shard subscribers hear it too
}

// PUBSUB CHANNELS [pattern]
void pubsub_channels(CommandContext& ctx) {
  if (ctx.argc() > 3) return core::reply_subcommand_syntax_error(ctx.reply, "pubsub", ctx.arg(1));
  const auto channels = ctx.instance.pubsub.channels(ctx.argc() > 2 ? ctx.arg(2) : std::string_view{});
  ctx.reply.array(channels.size());
  for (const std::string& channel : channels) ctx.reply.bulk(channel);
}

// PUBSUB NUMSUB [channel [channel ...]]
// (A flat array in RESP3 too, as Redis 7.0 replies.)
void pubsub_numsub(CommandContext& ctx) {
  ctx.reply.array(2 * (ctx.argc() - 2));
  for (size_t i = 2; i < ctx.argc(); ++i) {
    ctx.reply.bulk(ctx.arg(i));
    ctx.reply.integer(static_cast<int64_t>(ctx.instance.pubsub.subscribers(ctx.arg(i))));
  }
}

// PUBSUB NUMPAT
void pubsub_numpat(CommandContext& ctx) {
  ctx.reply.integer(static_cast<int64_t>(ctx.instance.pubsub.pattern_count()));
}

// PUBSUB SHARDCHANNELS [pattern]
void pubsub_shardchannels(CommandContext& ctx) {
  if (ctx.argc() > 3) return core::reply_subcommand_syntax_error(ctx.reply, "pubsub", ctx.arg(1));
  const auto channels = ctx.instance.pubsub.shard_channels(ctx.argc() > 2 ? ctx.arg(2) : std::string_view{});
  ctx.reply.array(channels.size());
  for (const std::string& channel : channels) ctx.reply.bulk(channel);
}

// PUBSUB SHARDNUMSUB [shardchannel ...]
void pubsub_shardnumsub(CommandContext& ctx) {
  ctx.reply.array(2 * (ctx.argc() - 2));
  for (size_t i = 2; i < ctx.argc(); ++i) {
    ctx.reply.bulk(ctx.arg(i));
    ctx.reply.integer(static_cast<int64_t>(ctx.instance.pubsub.shard_subscribers(ctx.arg(i))));
  }
}

// PUBSUB HELP
void pubsub_help(CommandContext& ctx) {
  static const char* const kLines[] = {
      "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "CHANNELS [<pattern>]",
      "    Return the currently active channels matching a <pattern> (default: '*').",
      "NUMPAT",
      "    Return number of subscriptions to patterns.",
      "NUMSUB [<channel> ...]",
      "    Return the number of subscribers for the specified channels, excluding",
      "    pattern subscriptions(default: no channels).",
      "SHARDCHANNELS [<pattern>]",
      "    Return the currently active shard level channels matching a <pattern> (default: '*').",
      "SHARDNUMSUB [<shardchannel> ...]",
      "    Return the number of subscribers for the specified shard level channel(s)",
      "HELP",
      "    Prints this help.",
  };
  core::reply_help(ctx.reply, kLines);
}

void pubsub_container(CommandContext& ctx) { core::reply_wrong_arity(ctx.reply, "pubsub"); }

}  // namespace
}  // namespace arbor::commands

namespace arbor::core {
using namespace arbor::commands;

void register_pubsub_commands(CommandTable& t) {
  const uint32_t sub = kPubsub | kNoscript | kLoading | kStale | kAllowedInSubscribe | kPubSubConfirms;
  t.add({"subscribe", -2, sub, {}, subscribe, "pubsub", "Listen for messages published to the given channels",
         "2.0.0", "O(N) where N is the number of channels to subscribe to.", "channel [channel ...]"});
  t.add({"unsubscribe", -1, sub, {}, unsubscribe, "pubsub",
         "Stop listening for messages posted to the given channels", "2.0.0",
         "O(N) where N is the number of clients already subscribed to a channel.", "[channel [channel ...]]"});
  t.add({"psubscribe", -2, sub, {}, psubscribe, "pubsub",
         "Listen for messages published to channels matching the given patterns", "2.0.0",
         "O(N) where N is the number of patterns the client is already subscribed to.", "pattern [pattern ...]"});
  t.add({"punsubscribe", -1, sub, {}, punsubscribe, "pubsub",
         "Stop listening for messages posted to channels matching the given patterns", "2.0.0",
         "O(N+M) where N is the number of patterns the client is already subscribed and M is the number of total "
         "patterns subscribed in the system (by any client).",
         "[pattern [pattern ...]]"});
  t.add({"publish", 3, kPubsub | kLoading | kStale | kFast | kMayReplicate, {}, publish, "pubsub",
         "Post a message to a channel", "2.0.0",
         "O(N+M) where N is the number of clients subscribed to the receiving channel and M is the total number of "
         "subscribed patterns (by any client).",
         "channel message"});
  // Shard channels sit in key specs (flagged not_key), as in Redis 7.0.
  t.add({"ssubscribe", -2, sub, KeySpec{1, -1, 1, 0, "not_key"}, ssubscribe, "pubsub",
         "Listen for messages published to the given shard channels", "7.0.0",
         "O(N) where N is the number of shard channels to subscribe to.", "shardchannel [shardchannel ...]"});
  t.add({"sunsubscribe", -1, sub, KeySpec{1, -1, 1, 0, "not_key"}, sunsubscribe, "pubsub",
         "Stop listening for messages posted to the given shard channels", "7.0.0",
         "O(N) where N is the number of clients already subscribed to a shard channel.",
         "[shardchannel [shardchannel ...]]"});
  t.add({"spublish", 3, kPubsub | kLoading | kStale | kFast | kMayReplicate, KeySpec{1, 1, 1, 0, "not_key"}, spublish,
         "pubsub", "Post a message to a shard channel", "7.0.0",
         "O(N) where N is the number of clients subscribed to the receiving shard channel.",
         "shardchannel message"});
  const uint32_t intro = kPubsub | kLoading | kStale;
  CommandSpec pubsub{"pubsub", -2, 0, {}, pubsub_container, "pubsub", "A container for Pub/Sub commands", "2.8.0",
                     "Depends on subcommand.", ""};
  pubsub.subcommands.push_back({"channels", -2, intro, {}, pubsub_channels, "pubsub", "List active channels",
                                "2.8.0",
                                "O(N) where N is the number of active channels, and assuming constant time pattern "
                                "matching (relatively short channels and patterns)",
                                "[pattern]"});
  pubsub.subcommands.push_back({"numsub", -2, intro, {}, pubsub_numsub, "pubsub",
                                "Get the count of subscribers for channels", "2.8.0",
                                "O(N) for the NUMSUB subcommand, where N is the number of requested channels",
                                "[channel [channel ...]]"});
  pubsub.subcommands.push_back({"numpat", 2, intro, {}, pubsub_numpat, "pubsub",
                                "Get the count of unique patterns pattern subscriptions", "2.8.0", "O(1)", ""});
  pubsub.subcommands.push_back({"shardchannels", -2, intro, {}, pubsub_shardchannels, "pubsub",
                                "List active shard channels", "7.0.0",
                                "O(N) where N is the number of active shard channels, and assuming constant time "
                                "pattern matching (relatively short shard channels).",
                                "[pattern]"});
  pubsub.subcommands.push_back({"shardnumsub", -2, intro, {}, pubsub_shardnumsub, "pubsub",
                                "Get the count of subscribers for shard channels", "7.0.0",
                                "O(N) for the SHARDNUMSUB subcommand, where N is the number of requested shard "
                                "channels",
                                "[shardchannel [shardchannel ...]]"});
  pubsub.subcommands.push_back({"help", 2, kLoading | kStale, {}, pubsub_help, "pubsub",
                                "Show helpful text about the different subcommands", "6.2.0", "O(1)", ""});
  t.add(std::move(pubsub));
}

}  // namespace arbor::core
