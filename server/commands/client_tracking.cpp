// CLIENT TRACKING, CACHING, GETREDIR and TRACKINGINFO: a client's side of
// server-assisted client-side caching (core/tracking.h holds the table and
// the invalidation messages). Argument checks and texts are Redis 7.0's.
#include "server/commands/client_tracking.h"

#include <string>
#include <vector>

#include "protocol/errors.h"
#include "server/core/arguments.h"

namespace arbor::commands {

using core::CommandContext;
using core::equals_ci;

// CLIENT TRACKING ON | OFF [REDIRECT client-id] [PREFIX prefix [PREFIX prefix ...]] [BCAST] [OPTIN]
// [OPTOUT] [NOLOOP]
void client_tracking(CommandContext& ctx) {
  core::Tracking::Options options;
  std::vector<std::string_view> prefixes;
  // As Redis: every option is parsed (and checked) before ON | OFF is.
  for (size_t j = 3; j < ctx.argc(); ++j) {
    const std::string_view option = ctx.arg(j);
    const bool more = j + 1 < ctx.argc();
    if (equals_ci(option, "redirect") && more) {
      ++j;
      if (options.redirect != 0) return ctx.reply.error("ERR A client can only redirect to a single other client");
      int64_t id = 0;
      if (!core::int_or_reply(ctx, ctx.arg(j), id)) return;
      // The client must exist now; it may still go away later.
      if (ctx.instance.find_client(static_cast<uint64_t>(id)) == nullptr)
        return ctx.reply.error("ERR The client ID you want redirect to does not exist");
      options.redirect = static_cast<uint64_t>(id);
    } else if (equals_ci(option, "bcast")) {
      options.bcast = true;
    } else if (equals_ci(option, "optin")) {
      options.optin = true;
    } else if (equals_ci(option, "optout")) {
      options.optout = true;
    } else if (equals_ci(option, "noloop")) {
      options.noloop = true;
    } else if (equals_ci(option, "prefix") && more) {
      prefixes.push_back(ctx.arg(++j));
    } else {
      return ctx.reply.error(protocol::errors::kSyntax);
    }
  }
  if (equals_ci(ctx.arg(2), "on")) {
    const std::string error = core::Tracking::check_enable(ctx.client, options, prefixes);
    if (!error.empty()) return ctx.reply.error(error);
    ctx.instance.tracking.enable(ctx.client, options, prefixes);
  } else if (equals_ci(ctx.arg(2), "off")) {
    ctx.instance.tracking.disable(ctx.client);
  } else {
    return ctx.reply.error(protocol::errors::kSyntax);
  }
  ctx.reply.ok();
}

// CLIENT CACHING YES | NO
void client_caching(CommandContext& ctx) {
  core::TrackingState& state = ctx.client.tracking;
  if (!state.on)
    return ctx.reply.error(
        "ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled");
  const std::string_view answer = ctx.arg(2);
  if (equals_ci(answer, "yes")) {
    if (!state.optin)
      return ctx.reply.error("ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.");
  } else if (equals_ci(answer, "no")) {
    if (!state.optout)
      return ctx.reply.error("ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.");
  } else {
    return ctx.reply.error(protocol::errors::kSyntax);
  }
  state.caching = true;
  ctx.reply.ok();
}

// CLIENT GETREDIR: the redirect id, 0 without one, -1 when not tracking.
void client_getredir(CommandContext& ctx) {
  const core::TrackingState& state = ctx.client.tracking;
  ctx.reply.integer(state.on ? static_cast<int64_t>(state.redirect) : -1);
}

// CLIENT TRACKINGINFO
void client_trackinginfo(CommandContext& ctx) {
  const core::TrackingState& state = ctx.client.tracking;
  std::vector<std::string_view> flags{state.on ? "on" : "off"};
  if (state.bcast) flags.push_back("bcast");
  if (state.optin) flags.push_back("optin");
  if (state.optin && state.caching) flags.push_back("caching-yes");
  if (state.optout) flags.push_back("optout");
  if (state.optout && state.caching) flags.push_back("caching-no");
  if (state.noloop) flags.push_back("noloop");
  if (state.broken_redirect) flags.push_back("broken_redirect");
  ctx.reply.map(3);
  ctx.reply.bulk("flags");
  ctx.reply.set(flags.size());
  for (std::string_view flag : flags) ctx.reply.bulk(flag);
  ctx.reply.bulk("redirect");
  ctx.reply.integer(state.on ? static_cast<int64_t>(state.redirect) : -1);
  ctx.reply.bulk("prefixes");
  ctx.reply.array(state.prefixes.size());
  for (const std::string& prefix : state.prefixes) ctx.reply.bulk(prefix);
}

}  // namespace arbor::commands
