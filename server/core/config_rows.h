// Builders for config rows over a Settings field: each pairs a getter that
// prints the value as CONFIG GET does with a setter that parses as Redis's
// config.c. Shared by config_params.cpp and config_inert.cpp.
#pragma once

#include <span>

#include "server/core/config.h"
#include "server/core/config_values.h"

namespace arbor::core::config_rows {

using Param = Config::Param;
namespace cv = config_values;

inline Param row(std::string name, uint32_t flags, Config::Getter get, Config::Setter set, std::string alias = "") {
  Param p;
  p.name = std::move(name);
  p.alias = std::move(alias);
  p.flags = flags;
  p.get = std::move(get);
  p.set = std::move(set);
  return p;
}

inline Param bool_row(std::string name, uint32_t flags, bool Settings::*field, std::string alias = "") {
  return row(
      std::move(name), flags, [=](const Settings& s) { return std::string(s.*field ? "yes" : "no"); },
      [=](Settings& s, std::string_view v) -> cv::Error {
        bool value = false;
        if (auto error = cv::parse_bool(v, value)) return error;
        s.*field = value;
        return std::nullopt;
      },
      std::move(alias));
}

inline Param int_row(std::string name, uint32_t flags, int64_t Settings::*field, int64_t min, int64_t max,
                     std::string alias = "", bool is_unsigned = false) {
  return row(
      std::move(name), flags, [=](const Settings& s) { return std::to_string(s.*field); },
      [=](Settings& s, std::string_view v) -> cv::Error {
        int64_t value = 0;
        if (auto error = cv::parse_integer(v, min, max, is_unsigned, value)) return error;
        s.*field = value;
        return std::nullopt;
      },
      std::move(alias));
}

inline Param memory_row(std::string name, uint32_t flags, int64_t Settings::*field, int64_t min,
                        std::string alias = "") {
  return row(
      std::move(name), flags, [=](const Settings& s) { return std::to_string(s.*field); },
      [=](Settings& s, std::string_view v) -> cv::Error {
        uint64_t value = 0;
        if (auto error = cv::parse_memory_bounded(v, static_cast<uint64_t>(min), INT64_MAX, value)) return error;
        s.*field = static_cast<int64_t>(value);
        return std::nullopt;
      },
      std::move(alias));
}

inline Param string_row(std::string name, uint32_t flags, std::string Settings::*field, std::string alias = "") {
  return row(
      std::move(name), flags, [=](const Settings& s) { return s.*field; },
      [=](Settings& s, std::string_view v) -> cv::Error {
        s.*field = std::string(v);
        return std::nullopt;
      },
      std::move(alias));
}

template <typename Field>
Param enum_row(std::string name, uint32_t flags, Field Settings::*field, std::span<const cv::EnumName> names) {
  return row(
      std::move(name), flags, [=](const Settings& s) { return cv::print_enum(static_cast<int>(s.*field), names); },
      [=](Settings& s, std::string_view v) -> cv::Error {
        int value = 0;
        if (auto error = cv::parse_enum(v, names, value)) return error;
        s.*field = static_cast<Field>(value);
        return std::nullopt;
      });
}

// A row stored as its printed text in Settings::inert, validated by
// `check` (which may rewrite the text into its printed form).
using Check = std::function<cv::Error(std::string_view value, std::string& printed)>;
inline Param inert_row(std::string name, std::string alias, uint32_t flags, std::string default_text, Check check) {
  const std::string key = name;
  Param p = row(
      std::move(name), flags,
      [key](const Settings& s) {
        auto it = s.inert.find(key);
        return it == s.inert.end() ? std::string() : it->second;
      },
      [key, check = std::move(check)](Settings& s, std::string_view v) -> cv::Error {
        std::string printed(v);
        if (auto error = check(v, printed)) return error;
        s.inert[key] = std::move(printed);
        return std::nullopt;
      },
      std::move(alias));
  p.inert = true;
  p.default_text = std::move(default_text);
  return p;
}

}  // namespace arbor::core::config_rows
