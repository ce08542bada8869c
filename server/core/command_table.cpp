// CommandTable: registration and case-insensitive lookup.
#include "server/core/command_table.h"

#include <array>
#include <cctype>
#include <stdexcept>

namespace arbor::core {
namespace {

// Command names are ASCII: folding inline avoids libc's locale-aware
// tolower, a call per character on every request.
constexpr char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c | 0x20) : c; }

std::string lower(std::string_view name) {
  std::string out(name);
  for (char& c : out) c = ascii_lower(c);
  return out;
}

std::unique_ptr<Command> make_command(CommandSpec spec, Command* parent) {
  auto command = std::make_unique<Command>();
  command->parent = parent;
  command->fullname = parent ? parent->fullname + "|" + lower(spec.name) : lower(spec.name);
  for (CommandSpec& sub : spec.subcommands)
    command->subcommands.push_back(make_command(std::move(sub), command.get()));
  spec.subcommands.clear();
  command->spec = std::move(spec);
  return command;
}

// Lower-cases into a stack buffer: lookups on the request path allocate
// nothing. Empty when the name is longer than any command's.
std::string_view lower_into(std::array<char, 64>& buffer, std::string_view name) {
  if (name.size() > buffer.size()) return {};
  for (size_t i = 0; i < name.size(); ++i) buffer[i] = ascii_lower(name[i]);
  return {buffer.data(), name.size()};
}

template <typename Map>
Command* lookup(const Map& map, std::string_view name) {
  std::array<char, 64> buffer;  // NOLINT: filled by lower_into
  const std::string_view key = lower_into(buffer, name);
  if (key.empty()) return nullptr;
  auto it = map.find(key);
  return it == map.end() ? nullptr : it->second;
}

}  // namespace

void CommandTable::add(CommandSpec spec) {
  std::string name = lower(spec.name);
  if (by_name_.count(name) != 0) throw std::logic_error("duplicate command " + name);
  auto command = make_command(std::move(spec), nullptr);
  Command* raw = command.get();
  commands_.push_back(std::move(command));
  ordered_.push_back(raw);
  by_name_.emplace(std::move(name), raw);
}

void CommandTable::add_subcommand(std::string_view parent, CommandSpec spec) {
  Command* container = find(parent);
  if (container == nullptr) throw std::logic_error("no container command " + std::string(parent));
  container->subcommands.push_back(make_command(std::move(spec), container));
}

Command* CommandTable::find(std::string_view name) const { return lookup(by_name_, name); }

// As Redis: the command keeps its own name in COMMAND and errors; only the
// name clients call it by changes.
std::optional<std::string> CommandTable::rename(std::string_view from, std::string_view to) {
  auto it = by_name_.find(lower(from));
  if (it == by_name_.end()) return std::string("No such command in rename-command");
  if (!to.empty() && by_name_.count(lower(to)) != 0) return std::string("Target command name already exists");
  Command* command = it->second;
  by_name_.erase(it);
  if (!to.empty()) by_name_.emplace(lower(to), command);
  else std::erase(ordered_, command);
  return std::nullopt;
}

Command* CommandTable::find_subcommand(const Command& parent, std::string_view name) const {
  std::array<char, 64> buffer;  // NOLINT: filled by lower_into
  const std::string_view key = lower_into(buffer, name);
  if (key.empty()) return nullptr;
  for (const auto& sub : parent.subcommands)
    if (sub->spec.name == key) return sub.get();
  return nullptr;
}

void CommandTable::reset_stats() {
  auto reset = [](Command& c) {
    c.calls = c.usec = c.rejected_calls = c.failed_calls = 0;
    c.latency_histogram.reset();
  };
  for (auto& command : commands_) {
    reset(*command);
    for (auto& sub : command->subcommands) reset(*sub);
  }
}

}  // namespace arbor::core
