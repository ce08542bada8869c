// COMMAND INFO and COMMAND DOCS rendering, and the syntax-line parser that
// turns a row's "key value [NX | XX]" into Redis's argument tree. Reply shapes
// follow Redis 7.0.15 byte for byte where the row has the data, because
// redis-cli walks COMMAND DOCS with assert() and aborts on surprises.
#include "server/core/command_docs.h"

#include <algorithm>
#include <cstring>
#include <array>
#include <cctype>
#include <cstdint>
#include <utility>

namespace arbor::core {
namespace {

// ---- Syntax lines -----------------------------------------------------------

enum class NodeKind : uint8_t { kWord, kToken, kGroup, kEllipsis };

// The raw tree of a syntax line, before it becomes ArgDocs.
struct Node {
  NodeKind kind = NodeKind::kWord;
  std::string text;  // word name or token text
  std::string type;  // word type
  bool optional = false;                 // group: [ ] rather than ( )
  std::vector<std::vector<Node>> alts;   // group: alternatives, each a sequence

  bool operator==(const Node&) const = default;
};

using Seq = std::vector<Node>;

// `node` is "[x y ...]" repeating the n nodes at `items`.
bool repeats(const Node& node, const Node* items, size_t n) {
  if (node.kind != NodeKind::kGroup || !node.optional || node.alts.size() != 1) return false;
  const Seq& alt = node.alts[0];
  return alt.size() == n + 1 && alt.back().kind == NodeKind::kEllipsis && std::equal(items, items + n, alt.begin());
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool has_lower(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return std::islower(static_cast<unsigned char>(c)); });
}
bool has_upper(std::string_view s) { return lower(s) != s; }

// "key-pattern" is a pattern naming keys (SORT's BY and GET): type pattern
// in the docs, tied to the row's second key spec.
constexpr std::array<std::string_view, 7> kValueTypes = {"key",     "string",    "integer",    "double",
                                                         "pattern", "unix-time", "key-pattern"};

bool contains(std::initializer_list<std::string_view> set, std::string_view s) {
  return std::find(set.begin(), set.end(), s) != set.end();
}

// The word a member answers to: its token if it has one ("ex"), else its name.
std::string member_key(const ArgDoc& arg) { return arg.token.empty() ? arg.name : lower(arg.token); }

// Redis's names for the groups every family repeats; see the header.
std::string oneof_name(const std::vector<ArgDoc>& members, const std::string& token) {
  bool all_conditions = true, any_expiry = false;
  std::vector<std::string> keys;
  for (const ArgDoc& m : members) {
    keys.push_back(member_key(m));
    all_conditions = all_conditions && contains({"nx", "xx", "gt", "lt"}, keys.back());
    any_expiry = any_expiry || contains({"ex", "px", "exat", "pxat", "keepttl", "persist"}, keys.back());
  }
  if (all_conditions) return "condition";
  if (any_expiry) return "expiration";
  if (keys == std::vector<std::string>{"before", "after"} || keys == std::vector<std::string>{"left", "right"} ||
      keys == std::vector<std::string>{"min", "max"})
    return "where";
  if (keys == std::vector<std::string>{"async", "sync"}) return "async";
  if (keys == std::vector<std::string>{"asc", "desc"}) return "order";
  if (keys == std::vector<std::string>{"m", "km", "ft", "mi"}) return "unit";
  if (keys == std::vector<std::string>{"flush", "append", "replace"}) return "policy";
  if (keys == std::vector<std::string>{"yes", "sync", "no"}) return "mode";
  return token.empty() ? "arg" : lower(token);
}

ArgDoc make_block(std::vector<ArgDoc> args, std::string token) {
  ArgDoc block;
  block.type = "block";
  // Redis 7.0 names small blocks after their members ("field_value",
  // "offset_count"), bigger ones generically ("arguments").
  const bool simple = args.size() <= 3 && std::none_of(args.begin(), args.end(), [](const ArgDoc& a) {
                        return a.type == "oneof" || a.type == "block";
                      });
  if (simple) {
    for (const ArgDoc& a : args) {
      if (!block.name.empty()) block.name += '_';
      block.name += member_key(a);
    }
  } else {
    block.name = token.empty() ? "arguments" : lower(token);
  }
  block.token = std::move(token);
  block.arguments = std::move(args);
  return block;
}

class SyntaxParser {
 public:
  explicit SyntaxParser(std::string_view syntax) : syntax_(syntax) { lex(); }

  std::vector<ArgDoc> parse() {
    std::vector<Seq> alts = parse_alts('\0');
    if (alts.size() == 1) return convert_seq(alts[0]);
    return {convert_group(alts, false)};
  }
  const std::string& error() const { return error_; }

 private:
  struct Lexeme {
    std::string_view text;
    size_t offset;
  };

  static bool is_special(char c) { return c == '[' || c == ']' || c == '(' || c == ')' || c == '|'; }

  void lex() {
    size_t i = 0;
    while (i < syntax_.size()) {
      const char c = syntax_[i];
      if (std::isspace(static_cast<unsigned char>(c))) {
        ++i;
      } else if (is_special(c)) {
        lexemes_.push_back({syntax_.substr(i, 1), i});
        ++i;
      } else {
        const size_t start = i;
        while (i < syntax_.size() && !std::isspace(static_cast<unsigned char>(syntax_[i])) && !is_special(syntax_[i]))
          ++i;
        lexemes_.push_back({syntax_.substr(start, i - start), start});
      }
    }
  }

  void fail(const std::string& message, size_t offset) {
    if (error_.empty()) error_ = message + " at offset " + std::to_string(offset);
  }

  Node make_word(Lexeme lexeme) {
    Node node;
    const std::string_view word = lexeme.text;
    // "CH=change": a token, with its argument's name in `type`.
    const size_t equals = word.find('=');
    if (equals != std::string_view::npos && equals > 0 && !has_lower(word.substr(0, equals))) {
      node.kind = NodeKind::kToken;
      node.text = std::string(word.substr(0, equals));
      node.type = std::string(word.substr(equals + 1));
      return node;
    }
    if (!has_lower(word)) {
      node.kind = NodeKind::kToken;
      node.text = std::string(word);
      return node;
    }
    node.text = std::string(word);
    // "seconds:integer" sets a type; "ip:port" is a name that holds a colon.
    const size_t colon = word.rfind(':');
    if (colon != std::string_view::npos &&
        std::find(kValueTypes.begin(), kValueTypes.end(), word.substr(colon + 1)) != kValueTypes.end()) {
      node.text = std::string(word.substr(0, colon));
      node.type = std::string(word.substr(colon + 1));
      if (node.text.empty()) fail("argument without a name", lexeme.offset);
    }
    if (has_upper(node.text)) fail("argument name '" + node.text + "' mixes cases", lexeme.offset);
    if (node.type.empty()) node.type = node.text == "key" ? "key" : "string";
    return node;
  }

  // Reads alternatives up to `closer` (or the end for '\0'), consuming it.
  std::vector<Seq> parse_alts(char closer) {
    std::vector<Seq> alts(1);
    const size_t opened_at = pos_ == 0 ? 0 : lexemes_[pos_ - 1].offset;
    bool closed = closer == '\0';
    while (pos_ < lexemes_.size()) {
      const Lexeme lexeme = lexemes_[pos_++];
      const std::string_view t = lexeme.text;
      if (t == "]" || t == ")") {
        if (closer == '\0' || t[0] != closer) fail("unexpected '" + std::string(t) + "'", lexeme.offset);
        closed = true;
        break;
      }
      if (t == "|") {
        if (alts.back().empty()) fail("empty alternative", lexeme.offset);
        alts.emplace_back();
      } else if (t == "[" || t == "(") {
        Node group;
        group.kind = NodeKind::kGroup;
        group.optional = t == "[";
        group.alts = parse_alts(t == "[" ? ']' : ')');
        alts.back().push_back(std::move(group));
      } else if (t == "...") {
        if (alts.back().empty()) fail("'...' follows nothing", lexeme.offset);
        alts.back().push_back(Node{NodeKind::kEllipsis, "...", "", false, {}});
      } else {
        alts.back().push_back(make_word(lexeme));
      }
    }
    if (!closed) fail(std::string("missing '") + closer + "'", opened_at);
    if (alts.back().empty() && (closer != '\0' || alts.size() > 1))
      fail("empty group or alternative", pos_ == 0 ? 0 : lexemes_[pos_ - 1].offset);
    return alts;
  }

  static ArgDoc word_arg(const Node& node) {
    ArgDoc arg;
    arg.name = node.text;
    arg.type = node.type;
    arg.display_text = node.text;
    if (node.type == "key") arg.key_spec_index = 0;  // the indexer picks the spec
    if (node.type == "key-pattern") {
      arg.type = "pattern";
      arg.key_spec_index = 1;
    }
    return arg;
  }

  std::vector<ArgDoc> convert_seq(const Seq& items) {
    std::vector<ArgDoc> out;
    const size_t n = items.size();
    size_t i = 0;
    while (i < n) {
      // "x [x ...]" and "field value [field value ...]": the span [i, j)
      // repeated by the optional group at j.
      size_t j = i + 1;
      while (j < n && !repeats(items[j], &items[i], j - i)) ++j;
      if (j < n) {
        std::vector<ArgDoc> span = convert_seq(Seq(&items[i], &items[j]));
        ArgDoc arg = span.size() == 1 ? std::move(span[0]) : make_block(std::move(span), "");
        arg.multiple = true;
        arg.multiple_token = !arg.token.empty() && items[i].kind == NodeKind::kToken;
        out.push_back(std::move(arg));
        i = j + 1;
        continue;
      }
      const Node& node = items[i];
      if (node.kind != NodeKind::kToken) {
        if (node.kind == NodeKind::kWord) out.push_back(word_arg(node));
        if (node.kind == NodeKind::kGroup) out.push_back(convert_group(node.alts, node.optional));
        if (node.kind == NodeKind::kEllipsis && !out.empty()) out.back().multiple = true;
        ++i;
        continue;
      }
      ArgDoc arg;
      if (i + 1 < n && items[i + 1].kind == NodeKind::kWord) {
        arg = word_arg(items[i + 1]);
        arg.token = node.text;
        i += 2;
        if (i < n && repeats(items[i], &items[i - 1], 1)) {  // TOKEN value [value ...]
          arg.multiple = true;
          ++i;
        }
      } else if (i + 1 < n && items[i + 1].kind == NodeKind::kGroup && !items[i + 1].optional) {
        arg = convert_group(items[i + 1].alts, false);  // TOKEN (a | b)
        if (!arg.token.empty()) arg = make_block({std::move(arg)}, "");
        arg.token = node.text;
        if (arg.type == "oneof") arg.name = oneof_name(arg.arguments, arg.token);
        i += 2;
      } else {
        arg.name = node.type.empty() ? lower(node.text) : node.type;
        arg.type = "pure-token";
        arg.token = node.text;
        ++i;
      }
      out.push_back(std::move(arg));
    }
    return out;
  }

  ArgDoc convert_group(const std::vector<Seq>& alts, bool optional) {
    ArgDoc result;
    if (alts.size() > 1) {
      std::vector<Seq> members = alts;
      std::string token;
      // "[TYPE NORMAL | MASTER | REPLICA]": the first alternative's leading
      // token prefixes the whole one-of.
      const bool prefixed = alts[0].size() == 2 && alts[0][0].kind == NodeKind::kToken &&
                            alts[0][1].kind == NodeKind::kToken &&
                            std::all_of(alts.begin() + 1, alts.end(), [](const Seq& a) { return a.size() == 1; });
      if (prefixed) {
        token = alts[0][0].text;
        members[0].erase(members[0].begin());
      }
      result.type = "oneof";
      for (const Seq& member : members) {
        std::vector<ArgDoc> args = convert_seq(member);
        if (args.empty()) continue;
        result.arguments.push_back(args.size() == 1 ? std::move(args[0]) : make_block(std::move(args), ""));
      }
      result.name = oneof_name(result.arguments, token);
      result.token = std::move(token);
    } else {
      const Seq& items = alts[0];
      std::vector<ArgDoc> args = convert_seq(items);
      if (args.size() == 1) {
        result = std::move(args[0]);
      } else {
        // "[AUTH username password]": the leading token belongs to the block.
        std::string token;
        if (!items.empty() && items[0].kind == NodeKind::kToken && !args.empty() &&
            args[0].type != "pure-token" && !args[0].multiple && args[0].token == items[0].text)
          token = std::exchange(args[0].token, "");
        result = make_block(std::move(args), std::move(token));
      }
    }
    result.optional = result.optional || optional;
    return result;
  }

  std::string_view syntax_;
  std::vector<Lexeme> lexemes_;
  size_t pos_ = 0;
  std::string error_;
};

// ---- COMMAND INFO -----------------------------------------------------------

// Flag names in the order Redis 7.0's addReplyFlagsForCommand lists them.
// may_replicate and sentinel are hidden there too; kRandom becomes a tip.
constexpr std::pair<uint32_t, std::string_view> kFlagNames[] = {
    {kWrite, "write"}, {kReadonly, "readonly"}, {kDenyOom, "denyoom"}, {kAdmin, "admin"},
    {kPubsub, "pubsub"}, {kNoscript, "noscript"}, {kBlocking, "blocking"}, {kLoading, "loading"},
    {kStale, "stale"}, {kSkipMonitor, "skip_monitor"}, {kSkipSlowlog, "skip_slowlog"}, {kFast, "fast"},
    {kNoAuth, "no_auth"}, {kNoMandatoryKeys, "no_mandatory_keys"}, {kNoMulti, "no_multi"},
    {kAllowBusy, "allow_busy"},
};

// Redis 7.0's ACL category order (acl.c ACLCommandCategories).
constexpr std::string_view kCategoryOrder[] = {
    "keyspace", "read",  "write", "set",      "sortedset", "list",       "hash",
    "string",   "bitmap", "hyperloglog", "geo", "stream",  "pubsub",     "admin",
    "fast",     "slow",  "blocking", "dangerous", "connection", "transaction", "scripting",
};

std::string_view group_category(std::string_view group) {
  static constexpr std::pair<std::string_view, std::string_view> kMap[] = {
      {"generic", "keyspace"},   {"string", "string"},         {"list", "list"},
      {"set", "set"},            {"sorted-set", "sortedset"},  {"hash", "hash"},
      {"bitmap", "bitmap"},      {"hyperloglog", "hyperloglog"}, {"geo", "geo"},
      {"stream", "stream"},      {"pubsub", "pubsub"},         {"connection", "connection"},
      {"transactions", "transaction"}, {"scripting", "scripting"},
  };
  for (const auto& [g, category] : kMap)
    if (g == group) return category;
  return {};
}

std::string_view group_of(const Command& command) {
  if (!command.spec.group.empty() || command.parent == nullptr) return command.spec.group;
  return command.parent->spec.group;
}

bool counted_keys(const Command& command) { return command.spec.keys.numkeys_at > 0; }
// Keys found by a keyword or a procedure: COMMAND INFO says movablekeys.
bool movable_keys(const Command& command) {
  const KeySpec& keys = command.spec.keys;
  return counted_keys(command) || keys.keys_of_call != nullptr ||
         std::any_of(keys.extra.begin(), keys.extra.end(), [](const ExtraKeySpec& e) { return !e.keyword.empty(); });
}
bool ranged_keys(const Command& command) { return command.spec.keys.first > 0; }

// The legacy (first, last, step) triple and the range key spec both come from
// the row; Redis stores lastkey relative to the first key when it is positive.
int relative_last(const KeySpec& keys) { return keys.last >= 0 ? keys.last - keys.first : keys.last; }

// "key" followed by its value: the building block of every map below.
void pair(protocol::ReplyWriter& reply, std::string_view key, std::string_view value) {
  reply.bulk(key);
  reply.bulk(value);
}
void pair(protocol::ReplyWriter& reply, std::string_view key, int64_t value) {
  reply.bulk(key);
  reply.integer(value);
}

// Redis's notes on the scripting commands' key specs (a script may do
// anything with its keys).
// (Redis writes them for EVAL, EVAL_RO, FCALL and FCALL_RO, not the EVALSHAs.)
std::string_view key_spec_notes(const Command& command) {
  if (!command.spec.keys.notes.empty()) return command.spec.keys.notes;
  if (group_of(command) != "scripting" || command.fullname.starts_with("evalsha")) return {};
  return (command.spec.flags & kReadonly)
             ? "We cannot tell how the keys will be used so we assume the worst, RO and ACCESS"
             : "We cannot tell how the keys will be used so we assume the worst, RW and UPDATE";
}

std::vector<std::string_view> split_words(std::string_view text) {
  std::vector<std::string_view> words;
  while (!text.empty()) {
    const size_t space = text.find(' ');
    words.push_back(text.substr(0, space));
    text = space == std::string_view::npos ? std::string_view() : text.substr(space + 1);
  }
  return words;
}

// The flags a row's first spec gets when it does not state them.
std::vector<std::string_view> derived_flags(const Command& command) {
  // A script that may write: the worst is assumed, as Redis.
  if (group_of(command) == "scripting" && !(command.spec.flags & kReadonly)) return {"RW", "access", "update"};
  // The counted-key writers (LMPOP, ZMPOP and their blocking forms) pop.
  if ((command.spec.flags & kWrite) && counted_keys(command)) return {"RW", "access", "delete"};
  if (command.spec.flags & kWrite) return {"RW", "update"};
  return {"RO", "access"};
}

// One key spec as COMMAND INFO shows it: a range (from argument `index`,
// `lastkey` relative to it) or a keynum (count at `index`).
struct SpecShape {
  bool keynum = false;
  int limit = 0;
  bool unknown = false;  // begin_search and find_keys "unknown"
  std::string_view keyword{};  // begin_search by keyword, from `index`
  int index = 0, lastkey = 0, step = 1;
  std::vector<std::string_view> flags;
  std::string_view notes;
};

// The row's specs, in Redis's order: a range; or the first key alone, then
// the rest (rest_flags); or a *STORE form's destination, then its counted
// sources; or counted keys alone.
std::vector<SpecShape> key_specs_of(const Command& command) {
  const KeySpec& keys = command.spec.keys;
  const auto first_flags = [&](std::vector<std::string_view> fallback) {
    return keys.flags.empty() ? fallback : split_words(keys.flags);
  };
  std::vector<SpecShape> specs;
  if (ranged_keys(command)) {
    const bool split = !keys.rest_flags.empty();
    const bool store = counted_keys(command);
    specs.push_back({false, 0, false, {}, keys.first, split ? 0 : relative_last(keys), keys.step,
                     first_flags(store ? std::vector<std::string_view>{"OW", "update"} : derived_flags(command)),
                     key_spec_notes(command)});
    if (split) {
      const int begin = keys.first + keys.step;
      specs.push_back({false, 0, false, {}, begin, keys.last >= 0 ? keys.last - begin : keys.last, keys.step,
                       split_words(keys.rest_flags), {}});
    }
    if (store) specs.push_back({true, 0, false, {}, keys.numkeys_at, 0, 1, {"RO", "access"}, {}});
  } else if (counted_keys(command)) {
    specs.push_back(
        {true, 0, false, {}, keys.numkeys_at, 0, 1, first_flags(derived_flags(command)), key_spec_notes(command)});
  }
  for (const ExtraKeySpec& spec : keys.extra) {
    const bool unknown = spec.keyword.empty();
    specs.push_back({false, spec.limit, unknown, spec.keyword, spec.startfrom, spec.lastkey, 1, split_words(spec.flags),
                     spec.notes});
  }
  return specs;
}

size_t key_spec_count(const Command& command) { return key_specs_of(command).size(); }

void write_spec(protocol::ReplyWriter& reply, const SpecShape& spec) {
  reply.map(spec.notes.empty() ? 3 : 4);
  if (!spec.notes.empty()) pair(reply, "notes", spec.notes);
  reply.bulk("flags");
  reply.set(spec.flags.size());
  for (std::string_view flag : spec.flags) reply.simple(flag);
  if (spec.unknown) {
    for (std::string_view part : {"begin_search", "find_keys"}) {
      reply.bulk(part);
      reply.map(2);
      pair(reply, "type", "unknown");
      reply.bulk("spec");
      reply.map(0);
    }
    return;
  }
  reply.bulk("begin_search");
  reply.map(2);
  pair(reply, "type", spec.keyword.empty() ? "index" : "keyword");
  reply.bulk("spec");
  if (spec.keyword.empty()) {
    reply.map(1);
  } else {
    reply.map(2);
    pair(reply, "keyword", spec.keyword);
  }
  pair(reply, spec.keyword.empty() ? "index" : "startfrom", spec.index);
  reply.bulk("find_keys");
  reply.map(2);
  pair(reply, "type", spec.keynum ? "keynum" : "range");
  reply.bulk("spec");
  reply.map(3);
  if (spec.keynum) {
    pair(reply, "keynumidx", 0);
    pair(reply, "firstkey", 1);
    pair(reply, "keystep", 1);
  } else {
    pair(reply, "lastkey", spec.lastkey);
    pair(reply, "keystep", spec.step);
    pair(reply, "limit", spec.limit);
  }
}

void write_key_specs(protocol::ReplyWriter& reply, const Command& command) {
  const std::vector<SpecShape> specs = key_specs_of(command);
  reply.set(specs.size());
  for (const SpecShape& spec : specs) write_spec(reply, spec);
}

// ---- COMMAND DOCS -----------------------------------------------------------

// Which key spec a key argument belongs to: in a row with two specs the
// first key argument (a destination, RENAME's key) is spec 0 and the others
// spec 1; every other row has one spec.
struct KeySpecIndexer {
  size_t spec_count = 0;
  std::string_view first_key_name{};
  int index_of(const ArgDoc& arg) {
    if (spec_count == 0 || arg.key_spec_index < 0) return -1;
    if (arg.type == "pattern") return arg.key_spec_index;
    if (first_key_name.empty()) first_key_name = arg.name;
    return arg.name != first_key_name ? static_cast<int>(spec_count) - 1 : 0;
  }
};

void write_arg(protocol::ReplyWriter& reply, const ArgDoc& arg, KeySpecIndexer& key_specs) {
  const int key_spec_index = key_specs.index_of(arg);
  const bool with_index = key_spec_index >= 0;
  const size_t flag_count = size_t{arg.optional} + arg.multiple + arg.multiple_token;
  const bool nested = arg.type == "oneof" || arg.type == "block";
  reply.map(2 + size_t{with_index} + !arg.token.empty() + (flag_count > 0) + nested);
  pair(reply, "name", arg.name);
  pair(reply, "type", arg.type);
  if (with_index) pair(reply, "key_spec_index", key_spec_index);
  if (!arg.token.empty()) pair(reply, "token", arg.token);
  if (flag_count > 0) {
    reply.bulk("flags");
    reply.set(flag_count);
    if (arg.optional) reply.simple("optional");
    if (arg.multiple) reply.simple("multiple");
    if (arg.multiple_token) reply.simple("multiple_token");
  }
  // redis-cli dereferences "arguments" of every oneof/block: always send it.
  if (nested) {
    reply.bulk("arguments");
    reply.array(arg.arguments.size());
    for (const ArgDoc& sub : arg.arguments) write_arg(reply, sub, key_specs);
  }
}

}  // namespace

std::vector<ArgDoc> parse_syntax(std::string_view syntax) { return SyntaxParser(syntax).parse(); }

std::string syntax_error(std::string_view syntax) {
  SyntaxParser parser(syntax);
  parser.parse();
  return parser.error();
}

std::vector<std::string_view> acl_categories(const Command& command) {
  const uint32_t f = command.spec.flags;
  std::vector<std::string_view> wanted;
  // A container's own row carries no data-type category (Redis: "client" is
  // just @slow), its subcommands do.
  if (!command.spec.type_categories.empty()) {
    for (std::string_view category : split_words(command.spec.type_categories)) wanted.push_back(category);
  } else if (!command.has_subcommands()) {
    const std::string_view group = group_category(group_of(command));
    if (!group.empty()) wanted.push_back(group);
  }
  // (Redis leaves scripting commands out of @read: a script may write.)
  if ((f & kReadonly) && group_of(command) != "scripting") wanted.push_back("read");
  if (f & kWrite) wanted.push_back("write");
  if (f & kPubsub) wanted.push_back("pubsub");
  if (f & kAdmin) wanted.insert(wanted.end(), {"admin", "dangerous"});
  if (f & kDangerous) wanted.push_back("dangerous");
  wanted.push_back((f & kFast) ? "fast" : "slow");
  if (f & kBlocking) wanted.push_back("blocking");
  std::vector<std::string_view> out;
  for (std::string_view category : kCategoryOrder)
    if (std::find(wanted.begin(), wanted.end(), category) != wanted.end()) out.push_back(category);
  return out;
}

std::vector<std::string_view> key_spec_flags(const Command& command, size_t spec_index) {
  const std::vector<SpecShape> specs = key_specs_of(command);
  return spec_index < specs.size() ? specs[spec_index].flags : std::vector<std::string_view>{};
}

void write_command_info(protocol::ReplyWriter& reply, const Command& command) {
  const CommandSpec& spec = command.spec;
  reply.array(10);
  reply.bulk(command.fullname);
  reply.integer(spec.arity);

  size_t flag_count = movable_keys(command) ? 1 : 0;
  for (const auto& [bit, name] : kFlagNames) flag_count += (spec.flags & bit) != 0;
  reply.set(flag_count);
  for (const auto& [bit, name] : kFlagNames)
    if (spec.flags & bit) reply.simple(name);
  if (movable_keys(command)) reply.simple("movablekeys");

  // Counted keys leave the legacy triple to the range spec, if any.
  const bool keyed = ranged_keys(command);
  reply.integer(keyed ? spec.keys.first : 0);
  reply.integer(keyed ? spec.keys.last : 0);
  reply.integer(keyed ? spec.keys.step : 0);

  const auto categories = acl_categories(command);
  reply.set(categories.size());
  // Composed in a fixed buffer: GCC 12 -O3 flags std::string concatenation
  // here with a false -Wrestrict.
  char name[64];
  for (std::string_view category : categories) {
    const size_t length = std::min(category.size(), sizeof(name) - 1);
    name[0] = '@';
    std::memcpy(name + 1, category.data(), length);
    reply.simple(std::string_view(name, length + 1));
  }

  const bool random = (spec.flags & kRandom) != 0;
  reply.set(random ? 1 : 0);
  if (random) reply.bulk("nondeterministic_output");

  write_key_specs(reply, command);

  // Redis sends an empty set when there are no subcommands, an array otherwise.
  if (!command.has_subcommands()) return reply.set(0);
  reply.array(command.subcommands.size());
  for (const auto& sub : command.subcommands) write_command_info(reply, *sub);
}

void write_command_docs(protocol::ReplyWriter& reply, const Command& command) {
  const CommandSpec& spec = command.spec;
  const std::vector<ArgDoc> args = parse_syntax(spec.syntax);
  reply.bulk(command.fullname);
  reply.map(3 + size_t{!spec.complexity.empty()} + size_t{!args.empty()} + size_t{command.has_subcommands()});
  // redis-cli asserts summary, since and group are bulk strings: always send
  // them. A complexity Redis does not state (SYNC, PSYNC) is left out.
  pair(reply, "summary", spec.summary);
  pair(reply, "since", spec.since);
  pair(reply, "group", group_of(command));
  if (!spec.complexity.empty()) pair(reply, "complexity", spec.complexity);
  if (!args.empty()) {
    reply.bulk("arguments");
    reply.array(args.size());
    KeySpecIndexer key_specs{key_spec_count(command)};
    for (const ArgDoc& arg : args) write_arg(reply, arg, key_specs);
  }
  if (command.has_subcommands()) {
    reply.bulk("subcommands");
    reply.map(command.subcommands.size());
    for (const auto& sub : command.subcommands) write_command_docs(reply, *sub);
  }
}

}  // namespace arbor::core
