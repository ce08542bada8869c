// Stream commands that write or range: XADD, XLEN, XRANGE, XREVRANGE, XDEL,
// XTRIM and XSETID over keyspace::StreamValue, plus the helpers declared in
// stream_common.h. XREAD lives in stream_read.cpp. Argument order, checks and
// error texts follow Redis 7.0.15's t_stream.c.
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "protocol/errors.h"
#include "protocol/number_format.h"
#include "server/commands/stream_common.h"
#include "server/commands/stream_group_common.h"
#include "server/keyspace/encoding_limits.h"

namespace arbor::commands {

using core::CommandContext;
using keyspace::Entry;
using keyspace::StreamId;
using keyspace::StreamTrim;
using keyspace::StreamValue;

namespace {

// Redis's string2ull: string2ll when it succeeds (negatives refused), else
// strtoull over the whole text (which takes leading blanks and a sign).
bool parse_u64(std::string_view text, uint64_t& out) {
  if (auto v = protocol::parse_int64(text)) {
    if (*v < 0) return false;
    out = static_cast<uint64_t>(*v);
    return true;
  }
  char buf[128];
  if (text.size() >= sizeof(buf)) return false;
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  errno = 0;
  char* end = nullptr;
  out = std::strtoull(buf, &end, 10);
  return errno != EINVAL && errno != ERANGE && buf[0] != '\0' && *end == '\0';
}

}  // namespace

bool parse_stream_id(std::string_view text, StreamId& id, uint64_t missing_seq, bool strict, bool* seq_given) {
  // Redis copies into a 128-byte C string: longer is invalid, and an embedded
  // NUL ends the text.
  if (text.size() > 127) return false;
  text = text.substr(0, text.find('\0'));
  if (strict && (text == "-" || text == "+")) return false;
  if (seq_given != nullptr) *seq_given = true;
  if (text == "-") {
    id = keyspace::kMinStreamId;
    return true;
  }
  if (text == "+") {
    id = keyspace::kMaxStreamId;
    return true;
  }
  const size_t dash = text.find('-');
  uint64_t ms = 0;
  uint64_t seq = missing_seq;
  if (!parse_u64(text.substr(0, dash), ms)) return false;
  if (dash != std::string_view::npos) {
    const std::string_view rest = text.substr(dash + 1);
    if (seq_given != nullptr && rest == "*") {
      seq = 0;
      *seq_given = false;
    } else if (!parse_u64(rest, seq)) {
      return false;
    }
  }
  id = {ms, seq};
  return true;
}

bool stream_id_or_reply(CommandContext& ctx, std::string_view text, StreamId& id, uint64_t missing_seq,
                        bool strict, bool* seq_given) {
  if (parse_stream_id(text, id, missing_seq, strict, seq_given)) return true;
  ctx.reply.error(kInvalidStreamId);
  return false;
}

void reply_stream_entry(protocol::ReplyWriter& reply, const keyspace::StreamEntryView& entry) {
  char buf[StreamId::kMaxText];
  reply.array(2);
  reply.bulk(entry.id.format(buf));
  reply.array(entry.pair_count() * 2);
  entry.for_each_pair([&](std::string_view field, std::string_view value) {
    reply.bulk(field);
    reply.bulk(value);
  });
}

void reply_stream_range(protocol::ReplyWriter& reply, const StreamValue& stream, StreamId start, StreamId end,
                        bool reverse, size_t count) {
  const size_t mark = reply.begin_deferred();
  const size_t n = stream.range(start, end, reverse, count,
                                [&](const keyspace::StreamEntryView& e) { reply_stream_entry(reply, e); });
  reply.end_deferred_array(mark, n);
}

namespace {

constexpr std::string_view kIdTooSmall =
    "ERR The ID specified in XADD is equal or smaller than the target stream top item";

// XADD's and XTRIM's options, parsed as streamParseAddOrTrimArgsOrReply.
struct AddTrimArgs {
  bool has_trim = false;
  StreamTrim trim;
  bool nomkstream = false;
  bool id_given = false;
  bool seq_given = true;
  StreamId id{};
  size_t id_pos = 0;  // XADD: index of the id (or '*'); fields follow it
};

bool add_trim_args_or_reply(CommandContext& ctx, bool xadd, AddTrimArgs& out) {
  const size_t argc = ctx.argc();
  int64_t limit = 0;
  bool limit_given = false;
  size_t i = 2;
  for (; i < argc; ++i) {
    const size_t more = argc - 1 - i;
    const std::string_view opt = ctx.arg(i);
    const bool maxlen = core::equals_ci(opt, "maxlen");
    if (xadd && opt == "*") break;  // the common case: an automatic id
    if ((maxlen || core::equals_ci(opt, "minid")) && more > 0) {
      if (out.has_trim) {
        ctx.reply.error("ERR syntax error, MAXLEN and MINID options at the same time are not compatible");
        return false;
      }
      out.trim.approx = false;
      const std::string_view next = ctx.arg(i + 1);
      if (more >= 2 && next == "~") {
        out.trim.approx = true;
        ++i;
      } else if (more >= 2 && next == "=") {
        ++i;
      }
      if (maxlen) {
        int64_t n = 0;
        if (!core::int_or_reply(ctx, ctx.arg(i + 1), n)) return false;
        if (n < 0) {
          ctx.reply.error("ERR The MAXLEN argument must be >= 0.");
          return false;
        }
        out.trim.strategy = StreamTrim::Strategy::kMaxLen;
        out.trim.maxlen = static_cast<uint64_t>(n);
      } else {
        if (!stream_id_or_reply(ctx, ctx.arg(i + 1), out.trim.minid, 0, true)) return false;
        out.trim.strategy = StreamTrim::Strategy::kMinId;
      }
      ++i;
      out.has_trim = true;
    } else if (core::equals_ci(opt, "limit") && more > 0) {
      if (!core::int_or_reply(ctx, ctx.arg(i + 1), limit)) return false;
      if (limit < 0) {
        ctx.reply.error("ERR The LIMIT argument must be >= 0.");
        return false;
      }
      limit_given = true;
      ++i;
    } else if (xadd && core::equals_ci(opt, "nomkstream")) {
      out.nomkstream = true;
    } else if (xadd) {
      // Anything else is the id (or a syntax error reported as a bad id).
      if (!stream_id_or_reply(ctx, opt, out.id, 0, true, &out.seq_given)) return false;
      out.id_given = true;
      break;
    } else {
      ctx.reply.error(protocol::errors::kSyntax);
      return false;
    }
  }
  out.id_pos = i;
  if (limit != 0 && !out.has_trim) {
    ctx.reply.error("ERR syntax error, LIMIT cannot be used without specifying a trimming strategy");
    return false;
  }
  if (!xadd && !out.has_trim) {
    ctx.reply.error("ERR syntax error, XTRIM must be called with a trimming strategy");
    return false;
  }
  if (limit_given) {
    if (!out.trim.approx) {
      ctx.reply.error("ERR syntax error, LIMIT cannot be used without the special ~ option");
      return false;
    }
    out.trim.limit = static_cast<uint64_t>(limit);
  } else {
    // Redis bounds '~' work to 100 nodes' worth of entries; '=' is unbounded.
    out.trim.limit = out.trim.approx ? 100 * keyspace::encoding_limits().stream_node_max_entries : 0;
  }
  return true;
}

// XADD key [NOMKSTREAM] [MAXLEN | MINID [= | ~] threshold [LIMIT count]] * | id field value [field value ...]
void xadd(CommandContext& ctx) {
  AddTrimArgs args;
  if (!add_trim_args_or_reply(ctx, true, args)) return;
  const size_t field_pos = args.id_pos + 1;
  if (field_pos > ctx.argc() || ctx.argc() - field_pos < 2 || (ctx.argc() - field_pos) % 2 == 1)
    return core::reply_wrong_arity(ctx.reply, ctx.command.fullname);
  // Checked before the lookup, so no empty stream is ever created for it.
  if (args.id_given && args.seq_given && args.id == keyspace::kMinStreamId)
    return ctx.reply.error("ERR The ID specified in XADD must be greater than 0-0");

  const std::string_view key = ctx.arg(1);
  Entry* entry;
  if (!stream_or_reply(ctx, key, entry)) return;
  if (entry == nullptr && args.nomkstream) return ctx.reply.null();
  const StreamId last = entry != nullptr ? entry->as<StreamValue>().last_id() : StreamId{};
  if (last.is_max())
    return ctx.reply.error("ERR The stream has exhausted the last possible ID, unable to add more items");

  StreamId id;
  if (!args.id_given) {
    // Redis's streamNextID: the clock, or last + 1 when the clock is behind.
    const auto now = static_cast<uint64_t>(ctx.now_ms());
    id = last;
    if (now > last.ms) id = {now, 0};
    else id.increment();
  } else if (args.seq_given) {
    id = args.id;
  } else if (last.ms == args.id.ms) {  // "ms-*" on the current millisecond
    if (last.seq == UINT64_MAX) return ctx.reply.error(kIdTooSmall);
    id = {last.ms, last.seq + 1};
  } else {
    id = args.id;
  }
  if (id <= last) return ctx.reply.error(kIdTooSmall);

  StreamValue& stream = entry != nullptr
                            ? entry->as<StreamValue>()
                            : ctx.db().add_object(key, std::make_unique<StreamValue>(keyspace::encoding_limits().stream_node_max_entries,
                                                                                 keyspace::encoding_limits().stream_node_max_bytes))
                                  ->as<StreamValue>();
  stream.append(id, ctx.args.subspan(field_pos));
  char buf[StreamId::kMaxText];
  ctx.reply.bulk(id.format(buf));
  ctx.mark_dirty();
  ctx.key_changed(key, core::kEventStream, "xadd");
  const bool trimmed = args.has_trim && stream.trim(args.trim) > 0;
  if (trimmed) ctx.notify(core::kEventStream, "xtrim", key);
  if (ctx.replicating()) {
    // Replicas get the id chosen here and, for a '~' trim or MINID, the
    // exact length it left (Redis's streamRewriteTrimArgument).
    std::vector<std::string> form{"XADD", std::string(key)};
    if (trimmed) form.insert(form.end(), {"MAXLEN", "=", std::to_string(stream.length())});
    form.emplace_back(id.format(buf));
    for (size_t i = field_pos; i < ctx.argc(); ++i) form.emplace_back(ctx.arg(i));
    ctx.propagate_as(std::move(form));
  }
  // Clients blocked in XREAD on this key run again after this command.
  ctx.signal_ready(key);
}

// XLEN key
void xlen(CommandContext& ctx) {
  Entry* entry;
  if (!stream_or_reply(ctx, ctx.arg(1), entry)) return;
  ctx.reply.integer(entry != nullptr ? static_cast<int64_t>(entry->as<StreamValue>().length()) : 0);
}

// One end of an XRANGE interval: "(" makes it exclusive (then "-"/"+" are refused).
bool interval_id_or_reply(CommandContext& ctx, std::string_view text, StreamId& id, bool& exclusive,
                          uint64_t missing_seq) {
  exclusive = text.size() > 1 && text[0] == '(';
  if (exclusive) return stream_id_or_reply(ctx, text.substr(1), id, missing_seq, true);
  return stream_id_or_reply(ctx, text, id, missing_seq, false);
}

// XRANGE key start end [COUNT count] / XREVRANGE key end start [COUNT count]
void xrange_generic(CommandContext& ctx, bool reverse) {
  const std::string_view start_arg = reverse ? ctx.arg(3) : ctx.arg(2);
  const std::string_view end_arg = reverse ? ctx.arg(2) : ctx.arg(3);
  StreamId start, end;
  bool start_ex = false, end_ex = false;
  if (!interval_id_or_reply(ctx, start_arg, start, start_ex, 0)) return;
  if (start_ex && !start.increment()) return ctx.reply.error("ERR invalid start ID for the interval");
  if (!interval_id_or_reply(ctx, end_arg, end, end_ex, UINT64_MAX)) return;
  if (end_ex && !end.decrement()) return ctx.reply.error("ERR invalid end ID for the interval");
  int64_t count = -1;
  for (size_t j = 4; j < ctx.argc(); ++j) {
    if (core::equals_ci(ctx.arg(j), "count") && j + 1 < ctx.argc()) {
      if (!core::int_or_reply(ctx, ctx.arg(j + 1), count)) return;
      if (count < 0) count = 0;
      ++j;
    } else {
      return ctx.reply.error(protocol::errors::kSyntax);
    }
  }
  Entry* entry;
  if (!stream_or_reply(ctx, ctx.arg(1), entry)) return;
  if (entry == nullptr) return ctx.reply.array(0);
  // COUNT 0 on an existing stream is a null array, as Redis.
  if (count == 0) return ctx.reply.null(protocol::NullKind::kArray);
  reply_stream_range(ctx.reply, entry->as<StreamValue>(), start, end, reverse,
                     count < 0 ? 0 : static_cast<size_t>(count));
}

void xrange(CommandContext& ctx) { xrange_generic(ctx, false); }
void xrevrange(CommandContext& ctx) { xrange_generic(ctx, true); }

// XDEL key id [id ...]
void xdel(CommandContext& ctx) {
  Entry* entry;
  if (!stream_or_reply(ctx, ctx.arg(1), entry)) return;
  if (entry == nullptr) return ctx.reply.integer(0);
  // Every id is checked before anything is deleted.
  std::vector<StreamId> ids(ctx.argc() - 2);
  for (size_t j = 2; j < ctx.argc(); ++j)
    if (!stream_id_or_reply(ctx, ctx.arg(j), ids[j - 2], 0, true)) return;
  StreamValue& stream = entry->as<StreamValue>();
  int64_t deleted = 0;
  for (StreamId id : ids) deleted += stream.erase(id) ? 1 : 0;
  if (deleted > 0) {
    ctx.mark_dirty(static_cast<uint64_t>(deleted));
    ctx.key_changed(ctx.arg(1), core::kEventStream, "xdel");
  }
  ctx.reply.integer(deleted);
}

// XTRIM key MAXLEN | MINID [= | ~] threshold [LIMIT count]
void xtrim(CommandContext& ctx) {
  AddTrimArgs args;
  if (!add_trim_args_or_reply(ctx, false, args)) return;
  Entry* entry;
  if (!stream_or_reply(ctx, ctx.arg(1), entry)) return;
  if (entry == nullptr) return ctx.reply.integer(0);
  const uint64_t removed = entry->as<StreamValue>().trim(args.trim);
  if (removed > 0) {
    ctx.mark_dirty(removed);
    ctx.key_changed(ctx.arg(1), core::kEventStream, "xtrim");
    if (ctx.replicating())
      ctx.propagate_as({"XTRIM", std::string(ctx.arg(1)), "MAXLEN", "=",
                        std::to_string(entry->as<StreamValue>().length())});
  }
  ctx.reply.integer(static_cast<int64_t>(removed));
}

// XSETID key last-id [ENTRIESADDED entries-added] [MAXDELETEDID max-deleted-id]
void xsetid(CommandContext& ctx) {
  StreamId id, max_deleted{};
  int64_t entries_added = -1;
  if (!stream_id_or_reply(ctx, ctx.arg(2), id, 0, true)) return;
  for (size_t i = 3; i < ctx.argc(); i += 2) {
    const bool more = i + 1 < ctx.argc();
    if (core::equals_ci(ctx.arg(i), "entriesadded") && more) {
      if (!core::int_or_reply(ctx, ctx.arg(i + 1), entries_added)) return;
      if (entries_added < 0) return ctx.reply.error("ERR entries_added must be positive");
    } else if (core::equals_ci(ctx.arg(i), "maxdeletedid") && more) {
      if (!stream_id_or_reply(ctx, ctx.arg(i + 1), max_deleted, 0, true)) return;
      if (id < max_deleted)
        return ctx.reply.error("ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id");
    } else {
      return ctx.reply.error(protocol::errors::kSyntax);
    }
  }
  Entry* entry;
  if (!stream_or_reply(ctx, ctx.arg(1), entry)) return;
  if (entry == nullptr) return ctx.reply.error(protocol::errors::kNoSuchKey);
  StreamValue& stream = entry->as<StreamValue>();
  // Redis 7.0.15 has no check against the current max_deleted_entry_id
  // (XSETID s 14 after MAXDELETEDID 15 is OK there), so neither do we.
  if (stream.length() > 0) {
    if (id < *stream.last_valid_id())
      return ctx.reply.error("ERR The ID specified in XSETID is smaller than the target stream top item");
    if (entries_added != -1 && stream.length() > static_cast<uint64_t>(entries_added))
      return ctx.reply.error(
          "ERR The entries_added specified in XSETID is smaller than the target stream length");
  }
  stream.set_last_id(id);
  if (entries_added != -1) stream.set_entries_added(static_cast<uint64_t>(entries_added));
  if (max_deleted != keyspace::kMinStreamId) stream.set_max_deleted_entry_id(max_deleted);
  ctx.mark_dirty();
  ctx.key_changed(ctx.arg(1), core::kEventStream, "xsetid");
  ctx.reply.ok();
}

}  // namespace
}  // namespace arbor::commands

namespace arbor::core {

void register_stream_commands(CommandTable& t) {
  using namespace commands;  // the handlers above
  const KeySpec one{1, 1, 1};
  // Summaries and complexities are Redis 7.0.15's COMMAND DOCS texts; flags
  // are COMMAND INFO's (kRandom stands for the nondeterministic_output tip).
  t.add({"xadd", -5, kWrite | kDenyOom | kFast | kRandom,
         KeySpec{1, 1, 1, 0, "RW update", "UPDATE instead of INSERT because of the optional trimming feature"}, xadd,
         "stream", "Appends a new entry to a stream", "5.0.0",
         "O(1) when adding a new entry, O(N) when trimming where N being the number of entries evicted.",
         "key [NOMKSTREAM] [(MAXLEN | MINID) [= | ~] threshold [LIMIT count:integer]] (* | id) field value "
         "[field value ...]"});
  t.add({"xlen", 2, kReadonly | kFast, KeySpec{1, 1, 1, 0, "RO"}, xlen, "stream",
         "Return the number of entries in a stream", "5.0.0", "O(1)", "key"});
  t.add({"xrange", -4, kReadonly, one, xrange, "stream",
         "Return a range of elements in a stream, with IDs matching the specified IDs interval", "5.0.0",
         "O(N) with N being the number of elements being returned. If N is constant (e.g. always asking for "
         "the first 10 elements with COUNT), you can consider it O(1).",
         "key start end [COUNT count:integer]"});
  t.add({"xrevrange", -4, kReadonly, one, xrevrange, "stream",
         "Return a range of elements in a stream, with IDs matching the specified IDs interval, in reverse "
         "order (from greater to smaller IDs) compared to XRANGE",
         "5.0.0",
         "O(N) with N being the number of elements returned. If N is constant (e.g. always asking for the "
         "first 10 elements with COUNT), you can consider it O(1).",
         "key end start [COUNT count:integer]"});
  t.add({"xdel", -3, kWrite | kFast, KeySpec{1, 1, 1, 0, "RW delete"}, xdel, "stream",
         "Removes the specified entries from the stream. Returns the number of items actually deleted, that "
         "may be different from the number of IDs passed in case certain IDs do not exist.",
         "5.0.0", "O(1) for each single item to delete in the stream, regardless of the stream size.",
         "key id [id ...]"});
  t.add({"xtrim", -4, kWrite | kRandom, KeySpec{1, 1, 1, 0, "RW delete"}, xtrim, "stream",
         "Trims the stream to (approximately if '~' is passed) a certain size", "5.0.0",
         "O(N), with N being the number of evicted entries. Constant times are very small however, since "
         "entries are organized in macro nodes containing multiple entries that can be released with a "
         "single deallocation.",
         "key (MAXLEN | MINID) [= | ~] threshold [LIMIT count:integer]"});
  t.add({"xsetid", -3, kWrite | kDenyOom | kFast, one, xsetid, "stream",
         "An internal command for replicating stream values", "5.0.0", "O(1)",
         "key last-id [ENTRIESADDED entries-added:integer] [MAXDELETEDID max-deleted-id]"});
  register_stream_read_commands(t);
  register_stream_group_commands(t);
  register_stream_claim_commands(t);
  register_stream_info_command(t);
  register_stream_readgroup_command(t);
}

}  // namespace arbor::core
