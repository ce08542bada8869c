// The RDB file's vocabulary (Redis 7.0, version 10): opcodes, value types,
// the length and string encodings, and two halves that speak it without I/O:
// RdbEncoder appends encoded items to a string; RdbCursor reads them back
// from bytes already in memory, failing with the offset of the bad byte.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace arbor::replication {

inline constexpr int kRdbVersion = 10;  // what Redis 7.0 writes and the newest it reads

namespace rdb_op {
inline constexpr uint8_t kFunction2 = 0xF5;
inline constexpr uint8_t kModuleAux = 0xF7;
inline constexpr uint8_t kIdle = 0xF8;
inline constexpr uint8_t kFreq = 0xF9;
inline constexpr uint8_t kAux = 0xFA;
inline constexpr uint8_t kResizeDb = 0xFB;
inline constexpr uint8_t kExpireTimeMs = 0xFC;
inline constexpr uint8_t kExpireTime = 0xFD;
inline constexpr uint8_t kSelectDb = 0xFE;
inline constexpr uint8_t kEof = 0xFF;
}  // namespace rdb_op

namespace rdb_type {
inline constexpr uint8_t kString = 0;
inline constexpr uint8_t kList = 1;
inline constexpr uint8_t kSet = 2;
inline constexpr uint8_t kZset = 3;
inline constexpr uint8_t kHash = 4;
inline constexpr uint8_t kZset2 = 5;
inline constexpr uint8_t kModule2 = 7;
inline constexpr uint8_t kHashZipmap = 9;
inline constexpr uint8_t kListZiplist = 10;
inline constexpr uint8_t kSetIntset = 11;
inline constexpr uint8_t kZsetZiplist = 12;
inline constexpr uint8_t kHashZiplist = 13;
inline constexpr uint8_t kListQuicklist = 14;
inline constexpr uint8_t kStreamListpacks = 15;
inline constexpr uint8_t kHashListpack = 16;
inline constexpr uint8_t kZsetListpack = 17;
inline constexpr uint8_t kListQuicklist2 = 18;
inline constexpr uint8_t kStreamListpacks2 = 19;
}  // namespace rdb_type

// Appends RDB items to `out` (which the caller owns and may drain between
// calls).
class RdbEncoder {
 public:
  explicit RdbEncoder(std::string& out) : out_(out) {}

  void byte(uint8_t b) { out_.push_back(static_cast<char>(b)); }
  void raw(std::string_view bytes) { out_.append(bytes); }
  // 6-, 14-, 32- or 64-bit length, as rdbSaveLen (multi-byte forms big-endian).
  void length(uint64_t n);
  // A string: as an 8/16/32-bit integer when it is the canonical decimal form
  // of one (as rdbTryIntegerEncoding), else length + bytes. Never compressed.
  void string(std::string_view s);
  void u64_le(uint64_t v);
  void i64_le(int64_t v) { u64_le(static_cast<uint64_t>(v)); }
  // ZSET_2 scores: the IEEE-754 double, little-endian.
  void double_le(double v);

 private:
  std::string& out_;
};

// Reads RDB items from `bytes`. The first failure sticks: later reads return
// nothing, error() says what and offset() where.
class RdbCursor {
 public:
  explicit RdbCursor(std::string_view bytes, size_t base_offset = 0) : bytes_(bytes), base_(base_offset) {}
  // The cursor keeps a view: a temporary string would be gone before it reads.
  explicit RdbCursor(std::string&&, size_t = 0) = delete;

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  // Offset of the next byte (or of the failure), counted from the start of
  // the file when base_offset was given.
  size_t offset() const { return ok() ? base_ + at_ : failed_at_; }
  size_t remaining() const { return bytes_.size() - at_; }
  bool at_end() const { return at_ >= bytes_.size(); }

  std::optional<uint8_t> byte();
  std::optional<std::string_view> raw(size_t n);
  // A length; `encoded` says it was the 11xxxxxx string form (then the
  // returned value is the RDB_ENC_* kind).
  std::optional<uint64_t> length(bool* encoded = nullptr);
  // A string in any of its encodings (raw, int8/16/32, LZF).
  std::optional<std::string> string();
  std::optional<uint64_t> u64_le();
  std::optional<uint32_t> u32_le();
  std::optional<double> double_le();
  // The old ZSET score form: length byte then ASCII (253 nan, 254 inf, 255 -inf).
  std::optional<double> ascii_double();

  // Records a failure at the current offset (first one wins); returns nullopt
  // for convenient `return cursor.fail(...)`.
  std::nullopt_t fail(std::string message);

 private:
  std::string_view bytes_;
  size_t base_;
  size_t at_ = 0;
  std::string error_;
  size_t failed_at_ = 0;
};

}  // namespace arbor::replication
