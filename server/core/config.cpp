// Config: the parameter rows, redis.conf parsing and `--name value` flags.
#include "server/core/config.h"

#include <glob.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <cctype>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <vector>

#include "protocol/number_format.h"
#include "protocol/request_parser.h"
#include "server/core/glob.h"

namespace arbor::core {
namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace


Config::Config(bool owns_process) {
  if (owns_process) {
    // As Redis, `dir` is the working directory (and a rollback to it is one).
    std::error_code ec;
    const auto cwd = std::filesystem::current_path(ec);
    if (!ec) settings_.dir = cwd.string();
  }
  add_active_params(params_, owns_process);
  add_inert_params(params_);
  for (Param& p : params_) {
    if (p.inert) settings_.inert[p.name] = p.default_text;
    else p.default_text = p.get(settings_);
  }
  for (size_t i = 0; i < params_.size(); ++i) {
    by_name_.emplace(params_[i].name, i);
    if (!params_[i].alias.empty()) by_name_.emplace(params_[i].alias, i);
  }
}

const Config::Param* Config::find(std::string_view name) const {
  auto it = by_name_.find(lower(name));
  return it == by_name_.end() ? nullptr : &params_[it->second];
}

bool Config::is_known(std::string_view name) const { return find(name) != nullptr; }

std::vector<std::pair<std::string, std::string>> Config::get(
    const std::vector<std::string_view>& patterns) const {
  // As Redis's configGetCommand: a name without glob characters is looked up
  // directly (aliases and hidden parameters too) and answered under the
  // spelling it was asked with; a pattern matches the names and aliases of
  // the parameters that are not hidden. Each returned name appears once
  // (case-insensitively), so an alias and its parameter both may.
  std::vector<std::pair<std::string, std::string>> out;
  std::vector<std::string> listed;
  auto add = [&](const Param& p, std::string name) {
    std::string key = lower(name);
    if (std::find(listed.begin(), listed.end(), key) != listed.end()) return;
    listed.push_back(std::move(key));
    out.emplace_back(std::move(name), p.get(settings_));
  };
  for (std::string_view pattern : patterns) {
    if (pattern.find_first_of("[*?") == std::string_view::npos) {
      if (const Param* p = find(pattern)) add(*p, std::string(pattern));
      continue;
    }
    for (const Param& p : params_) {
      if (p.flags & kConfigHidden) continue;
      if (glob_match(pattern, p.name, true)) add(p, p.name);
      if (!p.alias.empty() && glob_match(pattern, p.alias, true)) add(p, p.alias);
    }
  }
  return out;
}

void Config::note_inert(const Param& p) {
  if (!p.inert || p.get(settings_) == p.default_text) return;
  if (std::find(inert_noted_.begin(), inert_noted_.end(), p.name) != inert_noted_.end()) return;
  inert_noted_.push_back(p.name);
  inert_notices_.push_back(p.name);
}

std::vector<std::string> Config::take_inert_notices() { return std::exchange(inert_notices_, {}); }

std::optional<std::string> Config::apply(std::string_view name) {
  for (const ApplyHook& hook : apply_hooks_)
    if (auto error = hook(name)) return error;
  return std::nullopt;
}

std::optional<std::string> Config::set(std::string_view name, std::string_view value, bool at_startup) {
  const Param* p = find(name);
  if (p == nullptr) return "Unknown option or number of arguments for CONFIG SET - '" + std::string(name) + "'";
  if (!at_startup && (p->flags & kConfigImmutable)) return "can't set immutable config";
  if (!at_startup && (p->flags & kConfigProtected) && settings_.enable_protected_configs != Settings::Permission::yes)
    return "can't set protected config";
  const std::string before = p->get(settings_);
  if (auto error = p->set(settings_, value)) return error;
  if (!at_startup && p->get(settings_) != before) {
    if (auto error = apply(p->name)) {
      (void)p->set(settings_, before);
      (void)apply(p->name);
      return error;
    }
  }
  note_inert(*p);
  return std::nullopt;
}

std::optional<std::string> Config::set_many(
    const std::vector<std::pair<std::string_view, std::string_view>>& pairs, SetContext context) {
  auto failed = [](std::string_view name, std::string_view reason) {
    return "ERR CONFIG SET failed (possibly related to argument '" + std::string(name) + "') - " +
           std::string(reason);
  };
  const bool protected_allowed =
      settings_.enable_protected_configs == Settings::Permission::yes ||
      (settings_.enable_protected_configs == Settings::Permission::local && context.client_is_local);
  // Every name first, in Redis's order of checks; the first failure wins.
  std::vector<const Param*> params;
  std::vector<std::string> seen;
  for (const auto& [name, value] : pairs) {
    const Param* p = find(name);
    if (p == nullptr) return "ERR Unknown option or number of arguments for CONFIG SET - '" + std::string(name) + "'";
    if (p->flags & kConfigImmutable) return failed(name, "can't set immutable config");
    if ((p->flags & kConfigProtected) && !protected_allowed) return failed(name, "can't set protected config");
    if ((p->flags & kConfigDenyLoading) && context.loading) return std::string("LOADING Redis is loading the dataset in memory");
    std::string key = lower(name);  // an alias and its parameter are not duplicates
    if (std::find(seen.begin(), seen.end(), key) != seen.end()) return failed(name, "duplicate parameter");
    seen.push_back(std::move(key));
    params.push_back(p);
  }
  // The name errors report: the registered spelling, the alias if used.
  auto reported = [&](size_t i) { return lower(pairs[i].first); };
  std::vector<std::string> before;
  for (const Param* p : params) before.push_back(p->get(settings_));
  auto restore = [&](size_t count) {
    for (size_t i = count; i-- > 0;) (void)params[i]->set(settings_, before[i]);
  };
  for (size_t i = 0; i < params.size(); ++i) {
    if (auto error = params[i]->set(settings_, pairs[i].second)) {
      restore(i);
      return failed(reported(i), *error);
    }
  }
  // Apply what changed, each parameter once; a failure undoes everything.
  std::vector<size_t> changed;
  for (size_t i = 0; i < params.size(); ++i) {
    bool first = true;
    for (size_t j : changed) first = first && params[j] != params[i];
    if (first && params[i]->get(settings_) != before[i]) changed.push_back(i);
  }
  for (size_t i : changed) {
    if (auto error = apply(params[i]->name)) {
      restore(params.size());
      for (size_t j : changed) (void)apply(params[j]->name);
      return failed(reported(i), *error);
    }
  }
  for (const Param* p : params) note_inert(*p);
  return std::nullopt;
}

// Directives only a config file takes (Redis's loadServerConfigFromString):
// include, rename-command, the deprecated ones it ignores, and the ones
// arbor refuses because it has nothing behind them.
std::optional<std::string> Config::load_directive(const std::vector<std::string>& words,
                                                  int depth, bool& handled) {
  handled = true;
  const std::string name = lower(words[0]);
  const size_t args = words.size() - 1;
  if (name == "include" && args == 1) {
    if (depth >= 16) return std::string("include nesting is too deep");
    const std::string& path = words[1];
    std::vector<std::string> files;
    if (path.find_first_of("*?[") != std::string::npos) {
      glob_t found{};
      if (::glob(path.c_str(), 0, nullptr, &found) == 0)
        for (size_t i = 0; i < found.gl_pathc; ++i) files.emplace_back(found.gl_pathv[i]);
      globfree(&found);
    } else {
      files.push_back(path);
    }
    for (const std::string& file : files) {
      std::ifstream in(file);
      if (!in) return "Fatal error, can't open config file '" + file + "': " + std::strerror(errno);
      std::stringstream buffer;
      buffer << in.rdbuf();
      if (auto error = load_text_at(buffer.str(), file, depth + 1)) return error;
    }
    return std::nullopt;
  }
  if (name == "rename-command" && args == 2) {
    renamed_commands_.emplace_back(words[1], words[2]);
    return std::nullopt;
  }
  if ((name == "list-max-ziplist-entries" || name == "list-max-ziplist-value" || name == "lua-replicate-commands") &&
      args == 1)
    return std::nullopt;  // deprecated; Redis 7.0 ignores them
  if (name == "sentinel") {
    if (args == 0) return std::nullopt;
    return std::string("sentinel directive while not in sentinel mode");
  }
  if (name == "user" && args >= 1) return std::string("ACL users are not supported by arbor (use requirepass)");
  if (name == "loadmodule" && args >= 1) return std::string("modules are not supported by arbor");
  if (name.find('.') != std::string::npos) {
    if (args != 1) return std::string("Module config specified without value");
    return std::string("modules are not supported by arbor");
  }
  handled = false;
  return std::nullopt;
}

std::optional<std::string> Config::load_text(std::string_view text, std::string_view origin) {
  return load_text_at(text, origin, 0);
}

std::optional<std::string> Config::load_text_at(std::string_view text, std::string_view origin, int depth) {
  size_t line_number = 0;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++line_number;
    while (!line.empty() && std::isspace(static_cast<unsigned char>(line.front()))) line.remove_prefix(1);
    while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back()))) line.remove_suffix(1);
    if (line.empty() || line.front() == '#') {
      if (end == text.size()) break;
      continue;
    }
    auto fatal = [&](std::string_view reason) {
      return "\n*** FATAL CONFIG FILE ERROR (arbor) ***\nReading the configuration file (" +
             std::string(origin) + "), at line " + std::to_string(line_number) + "\n>>> '" +
             std::string(line) + "'\n" + std::string(reason);
    };
    std::vector<std::string> words;
    if (!protocol::split_inline_args(line, words)) return fatal("Unbalanced quotes in configuration line");
    if (words.empty()) continue;
    const std::string name = lower(words[0]);
    const Param* p = find(name);
    if (p == nullptr) {
      bool handled = false;
      if (auto error = load_directive(words, depth, handled)) {
        return error->starts_with("Fatal error") || error->starts_with("\n***") ? *error : fatal(*error);
      }
      if (!handled) return fatal("Bad directive or wrong number of arguments");
      if (end == text.size()) break;
      continue;
    }
    if (!(p->flags & kConfigMultiArg) && words.size() != 2) return fatal("wrong number of arguments");
    std::string value;
    for (size_t i = 1; i < words.size(); ++i) value += (i > 1 ? " " : "") + words[i];
    // The first save line replaces the defaults; later ones add to it.
    if (p->name == "save") {
      if (save_seen_ && !value.empty() && !settings_.save.empty()) value = settings_.save + " " + value;
      save_seen_ = true;
    }
    if (auto error = set(name, value, true)) return fatal(*error);
    if (end == text.size()) break;
  }
  return std::nullopt;
}
std::optional<std::string> Config::load_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return "Fatal error, can't open config file '" + path + "'";
  std::stringstream buffer;
  buffer << in.rdbuf();
  return load_text(buffer.str(), path);
}

// As redis-server: an optional config file first, then "--name value ..."
// groups, each turned into one config line appended after the file.
// Both are parsed as one text, so `save` lines of the file and `--save`
// flags accumulate as in Redis.
std::optional<std::string> Config::load_args(int argc, const char* const* argv) {
  int i = 0;
  std::string text, origin = "command line";
  if (i < argc && std::string_view(argv[i]).substr(0, 2) != "--") {
    std::ifstream in(argv[i]);
    if (!in) return "Fatal error, can't open config file '" + std::string(argv[i]) + "'";
    std::stringstream buffer;
    buffer << in.rdbuf();
    text = buffer.str();
    origin = argv[i];
    ++i;
  }
  std::string lines;
  for (; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg.substr(0, 2) == "--" && arg.size() > 2) {
      if (!lines.empty()) lines += '\n';
      lines.append(arg.substr(2));
      continue;
    }
    if (lines.empty()) return "Invalid argument '" + std::string(arg) + "': options start with --";
    // Quote each value so spaces and empty strings ("") survive re-parsing.
    lines += " \"";
    for (char c : arg) {
      if (c == '"' || c == '\\') lines += '\\';
      lines += c;
    }
    lines += '"';
  }
  if (!lines.empty()) {
    if (!text.empty() && text.back() != '\n') text += '\n';
    text += lines;
  }
  if (text.empty()) return std::nullopt;
  return load_text(text, origin);
}

}  // namespace arbor::core
