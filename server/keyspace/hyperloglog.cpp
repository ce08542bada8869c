#include "server/keyspace/hyperloglog.h"

#include <array>
#include <cmath>
#include <cstring>
#include <random>

namespace arbor::keyspace::hll {
namespace {

constexpr int kIndexBits = 14;  // 2^14 registers
constexpr int kHashBits = 64 - kIndexBits;
constexpr uint8_t kDense = 0, kSparse = 1;
constexpr size_t kEncodingAt = 4, kCountAt = 8;

// Sparse opcodes: 00xxxxxx ZERO (1-64 zeros), 01xxxxxx xxxxxxxx XZERO
// (1-16384 zeros), 1vvvvvxx VAL (1-4 registers of value 1-32).
constexpr int kValMaxValue = 32, kValMaxLen = 4, kZeroMaxLen = 64, kXzeroMaxLen = 16384;
bool is_zero(uint8_t op) { return (op & 0xc0) == 0; }
bool is_xzero(uint8_t op) { return (op & 0xc0) == 0x40; }
bool is_val(uint8_t op) { return (op & 0x80) != 0; }
int zero_len(uint8_t op) { return (op & 0x3f) + 1; }
int xzero_len(uint8_t op, uint8_t next) { return (((op & 0x3f) << 8) | next) + 1; }
int val_value(uint8_t op) { return ((op >> 2) & 0x1f) + 1; }
int val_len(uint8_t op) { return (op & 0x3) + 1; }
uint8_t val_op(int value, int len) { return static_cast<uint8_t>(0x80 | (value - 1) << 2 | (len - 1)); }
uint8_t zero_op(int len) { return static_cast<uint8_t>(len - 1); }
void put_xzero(uint8_t* p, int len) {
  p[0] = static_cast<uint8_t>(((len - 1) >> 8) | 0x40);
  p[1] = static_cast<uint8_t>((len - 1) & 0xff);
}

uint8_t* bytes_of(std::string& s) { return reinterpret_cast<uint8_t*>(s.data()); }
const uint8_t* bytes_of(std::string_view s) { return reinterpret_cast<const uint8_t*>(s.data()); }

// Dense registers: register i takes six bits from bit 6i, low bits first; it
// reaches into the next byte only when it starts past bit 2 of its byte.
uint8_t get_dense(const uint8_t* registers, size_t i) {
  const size_t byte = i * 6 / 8, shift = i * 6 & 7;
  unsigned value = registers[byte] >> shift;
  if (shift > 2) value |= static_cast<unsigned>(registers[byte + 1]) << (8 - shift);
  return static_cast<uint8_t>(value & 63);
}
void set_dense(uint8_t* registers, size_t i, uint8_t value) {
  const size_t byte = i * 6 / 8, shift = i * 6 & 7;
  registers[byte] = static_cast<uint8_t>((registers[byte] & ~(63u << shift)) | (unsigned{value} << shift));
  if (shift > 2)
    registers[byte + 1] =
        static_cast<uint8_t>((registers[byte + 1] & ~(63u >> (8 - shift))) | (unsigned{value} >> (8 - shift)));
}
int raise_dense(uint8_t* registers, size_t i, uint8_t count) {
  if (count <= get_dense(registers, i)) return 0;
  set_dense(registers, i, count);
  return 1;
}

// The register an element lands in and the length of its 0...01 pattern.
std::pair<size_t, uint8_t> locate(std::string_view element) {
  uint64_t hash = murmur_hash64a(element, 0xadc83b19ULL);
  const size_t index = hash & (kRegisters - 1);
  hash >>= kIndexBits;
  hash |= uint64_t{1} << kHashBits;  // the run ends by bit 50 at the latest
  uint8_t count = 1;
  for (uint64_t bit = 1; (hash & bit) == 0; bit <<= 1) ++count;
  return {index, count};
}

// Walks a sparse HLL's opcodes: visit(first register, run length, value).
// Returns the number of registers covered (16384 when well formed), or -1
// when a VAL run would pass the last register.
template <typename Visit>
long walk_sparse(std::string_view hll, Visit visit) {
  const uint8_t* p = bytes_of(hll) + kHeaderSize;
  const uint8_t* end = bytes_of(hll) + hll.size();
  long index = 0;
  while (p < end) {
    if (is_zero(*p)) {
      index += zero_len(*p);
      ++p;
    } else if (is_xzero(*p)) {
      index += xzero_len(p[0], p + 1 < end ? p[1] : 0);
      p += 2;
    } else {
      const int len = val_len(*p);
      if (index + len > static_cast<long>(kRegisters)) return -1;
      visit(index, len, val_value(*p));
      index += len;
      ++p;
    }
  }
  return index;
}

// Ertl's sigma and tau ("New cardinality estimation algorithms for
// HyperLogLog sketches", arXiv:1702.01284), computed in the same order as
// Redis so the estimates agree to the last digit.
double sigma(double x) {
  if (x == 1.) return INFINITY;
  double z_prime, y = 1, z = x;
  do {
    x *= x;
    z_prime = z;
    z += x * y;
    y += y;
  } while (z_prime != z);
  return z;
}
double tau(double x) {
  if (x == 0. || x == 1.) return 0.;
  double z_prime, y = 1.0, z = 1 - x;
  do {
    x = std::sqrt(x);
    z_prime = z;
    y *= 0.5;
    z -= std::pow(1 - x, 2) * y;
  } while (z_prime != z);
  return z / 3;
}

uint64_t estimate(const std::array<int, 64>& histogram) {
  constexpr double m = kRegisters;
  constexpr double kAlphaInf = 0.721347520444481703680;  // 0.5 / ln 2
  double z = m * tau((m - histogram[kHashBits + 1]) / m);
  for (int j = kHashBits; j >= 1; --j) {
    z += histogram[j];
    z *= 0.5;
  }
  z += m * sigma(histogram[0] / m);
  return static_cast<uint64_t>(std::llround(kAlphaInf * m * m / z));
}

// Sparse register update, as Redis's hllSparseSet: find the opcode covering
// `index`, split it around the register, then merge equal neighbouring VALs.
int raise_sparse(std::string& hll, size_t index, uint8_t count, size_t sparse_max_bytes) {
  const auto promote = [&] {
    if (!to_dense(hll)) return -1;
    return raise_dense(bytes_of(hll) + kHeaderSize, index, count);
  };
  if (count > kValMaxValue) return promote();
  size_t pos = kHeaderSize, end = hll.size();
  long first = 0, span = 0;
  size_t prev = 0;
  bool has_prev = false;
  const uint8_t* p = bytes_of(hll);
  while (pos < end) {
    size_t oplen = 1;
    if (is_zero(p[pos])) {
      span = zero_len(p[pos]);
    } else if (is_val(p[pos])) {
      span = val_len(p[pos]);
    } else {
      span = xzero_len(p[pos], pos + 1 < end ? p[pos + 1] : 0);
      oplen = 2;
    }
    if (static_cast<long>(index) <= first + span - 1) break;
    prev = pos;
    has_prev = true;
    pos += oplen;
    first += span;
  }
  if (span == 0 || pos >= end) return -1;
  const uint8_t op = p[pos];
  const long last = first + span - 1;
  const long at = static_cast<long>(index);
  // Cases Redis updates in place: a one-register VAL or ZERO.
  bool in_place = false;
  if (is_val(op)) {
    if (val_value(op) >= count) return 0;
    in_place = val_len(op) == 1;
  } else {
    in_place = is_zero(op) && zero_len(op) == 1;
  }
  uint8_t seq[5];  // at most XZERO VAL XZERO
  size_t seq_len = 0;
  if (in_place) {
    bytes_of(hll)[pos] = val_op(count, 1);
  } else if (!is_val(op)) {
    const auto zeros = [&](long len) {
      if (len > kZeroMaxLen) {
        put_xzero(seq + seq_len, static_cast<int>(len));
        seq_len += 2;
      } else {
        seq[seq_len++] = zero_op(static_cast<int>(len));
      }
    };
    if (at != first) zeros(at - first);
    seq[seq_len++] = val_op(count, 1);
    if (at != last) zeros(last - at);
  } else {
    const int value = val_value(op);
    if (at != first) seq[seq_len++] = val_op(value, static_cast<int>(at - first));
    seq[seq_len++] = val_op(count, 1);
    if (at != last) seq[seq_len++] = val_op(value, static_cast<int>(last - at));
  }
  if (!in_place) {
    const size_t old_len = is_xzero(op) ? 2 : 1;
    if (seq_len > old_len && hll.size() + (seq_len - old_len) > sparse_max_bytes) return promote();
    hll.replace(pos, old_len, reinterpret_cast<const char*>(seq), seq_len);
  }
  // Merge adjacent VALs of equal value, scanning up to five opcodes from the
  // one before the change.
  size_t q = has_prev ? prev : kHeaderSize;
  for (int scan = 5; q < hll.size() && scan-- > 0;) {
    uint8_t* b = bytes_of(hll);
    if (is_xzero(b[q])) {
      q += 2;
      continue;
    }
    if (is_zero(b[q])) {
      ++q;
      continue;
    }
    if (q + 1 < hll.size() && is_val(b[q + 1]) && val_value(b[q]) == val_value(b[q + 1])) {
      const int len = val_len(b[q]) + val_len(b[q + 1]);
      if (len <= kValMaxLen) {
        b[q + 1] = val_op(val_value(b[q]), len);
        hll.erase(q, 1);
        continue;  // the merged run may merge again with the next one
      }
    }
    ++q;
  }
  return 1;
}

}  // namespace

uint64_t murmur_hash64a(std::string_view bytes, uint64_t seed) {
  constexpr uint64_t m = 0xc6a4a7935bd1e995ULL;
  constexpr int r = 47;
  const auto len = static_cast<int>(bytes.size());
  uint64_t h = (seed & 0xffffffffu) ^ (static_cast<uint64_t>(len) * m);
  const uint8_t* data = bytes_of(bytes);
  const uint8_t* end = data + (len - (len & 7));
  for (; data != end; data += 8) {
    uint64_t k;
    std::memcpy(&k, data, 8);  // little-endian, as Redis reads it
    k *= m;
    k ^= k >> r;
    k *= m;
    h ^= k;
    h *= m;
  }
  const int tail = len & 7;
  for (int i = tail - 1; i >= 0; --i) h ^= static_cast<uint64_t>(data[i]) << (8 * i);
  if (tail != 0) h *= m;
  h ^= h >> r;
  h *= m;
  h ^= h >> r;
  return h;
}

bool looks_valid(std::string_view bytes) {
  if (bytes.size() < kHeaderSize || bytes.substr(0, 4) != "HYLL") return false;
  const auto encoding = static_cast<uint8_t>(bytes[kEncodingAt]);
  if (encoding > kSparse) return false;
  return encoding == kSparse || bytes.size() == kDenseSize;
}

bool is_sparse(std::string_view hll) { return static_cast<uint8_t>(hll[kEncodingAt]) == kSparse; }

std::string make_empty() {
  std::string hll(kHeaderSize + 2, '\0');
  std::memcpy(hll.data(), "HYLL", 4);
  hll[kEncodingAt] = static_cast<char>(kSparse);
  put_xzero(bytes_of(hll) + kHeaderSize, kXzeroMaxLen);
  return hll;
}

int add(std::string& hll, std::string_view element, size_t sparse_max_bytes) {
  const auto [index, count] = locate(element);
  return raise_register(hll, index, count, sparse_max_bytes);
}

int raise_register(std::string& hll, size_t index, uint8_t count, size_t sparse_max_bytes) {
  int changed;
  if (is_sparse(hll)) changed = raise_sparse(hll, index, count, sparse_max_bytes);
  else if (static_cast<uint8_t>(hll[kEncodingAt]) == kDense) changed = raise_dense(bytes_of(hll) + kHeaderSize, index, count);
  else changed = -1;
  if (changed == 1) invalidate_count(hll);
  return changed;
}

bool to_dense(std::string& hll) {
  if (!is_sparse(hll)) return true;
  std::string dense(kDenseSize, '\0');
  std::memcpy(dense.data(), hll.data(), kHeaderSize);  // magic and cached count
  dense[kEncodingAt] = static_cast<char>(kDense);
  uint8_t* registers = bytes_of(dense) + kHeaderSize;
  const long covered = walk_sparse(hll, [&](long first, int len, int value) {
    for (int i = 0; i < len; ++i) set_dense(registers, static_cast<size_t>(first + i), static_cast<uint8_t>(value));
  });
  if (covered != static_cast<long>(kRegisters)) return false;
  hll = std::move(dense);
  return true;
}

std::optional<uint64_t> cached_count(std::string_view hll) {
  const uint8_t* card = bytes_of(hll) + kCountAt;
  if (card[7] & 0x80) return std::nullopt;
  uint64_t count = 0;
  for (int i = 7; i >= 0; --i) count = count << 8 | card[i];
  return count;
}

void store_count(std::string& hll, uint64_t count) {
  for (int i = 0; i < 8; ++i) hll[kCountAt + static_cast<size_t>(i)] = static_cast<char>((count >> (8 * i)) & 0xff);
}

void invalidate_count(std::string& hll) { bytes_of(hll)[kCountAt + 7] |= 0x80; }

std::optional<uint64_t> count(std::string_view hll) {
  std::array<int, 64> histogram{};
  if (is_sparse(hll)) {
    // A sparse HLL that does not cover exactly every register is corrupt.
    long in_runs = 0;
    const long covered = walk_sparse(hll, [&](long, int len, int value) {
      histogram[static_cast<size_t>(value)] += len;
      in_runs += len;
    });
    if (covered != static_cast<long>(kRegisters)) return std::nullopt;
    histogram[0] = static_cast<int>(kRegisters - static_cast<size_t>(in_runs));
  } else {
    const uint8_t* registers = bytes_of(hll) + kHeaderSize;
    for (size_t i = 0; i < kRegisters; ++i) ++histogram[get_dense(registers, i)];
  }
  return estimate(histogram);
}

uint64_t count_registers(std::span<const uint8_t, kRegisters> registers) {
  std::array<int, 64> histogram{};
  for (uint8_t r : registers) ++histogram[r & 63];
  return estimate(histogram);
}

bool merge_into(Registers registers, std::string_view hll) {
  if (!is_sparse(hll)) {
    const uint8_t* dense = bytes_of(hll) + kHeaderSize;
    for (size_t i = 0; i < kRegisters; ++i) registers[i] = std::max(registers[i], get_dense(dense, i));
    return true;
  }
  const long covered = walk_sparse(hll, [&](long first, int len, int value) {
    for (int i = 0; i < len; ++i) {
      uint8_t& r = registers[static_cast<size_t>(first + i)];
      r = std::max(r, static_cast<uint8_t>(value));
    }
  });
  return covered == static_cast<long>(kRegisters);
}

uint8_t dense_register(std::string_view hll, size_t index) { return get_dense(bytes_of(hll) + kHeaderSize, index); }

std::string describe_sparse(std::string_view hll) {
  std::string out;
  const uint8_t* p = bytes_of(hll) + kHeaderSize;
  const uint8_t* end = bytes_of(hll) + hll.size();
  while (p < end) {
    if (!out.empty()) out += ' ';
    if (is_zero(*p)) {
      out += "z:" + std::to_string(zero_len(*p));
      ++p;
    } else if (is_xzero(*p)) {
      out += "Z:" + std::to_string(xzero_len(p[0], p + 1 < end ? p[1] : 0));
      p += 2;
    } else {
      out += "v:" + std::to_string(val_value(*p)) + "," + std::to_string(val_len(*p));
      ++p;
    }
  }
  return out;
}

std::string self_test() {
  std::mt19937_64 rng(12345);
  // Dense register access: every register keeps what was written.
  std::array<uint8_t, kRegisters> expected{};
  std::string dense(kDenseSize, '\0');
  for (int round = 0; round < 4; ++round) {
    for (size_t i = 0; i < kRegisters; ++i) {
      expected[i] = static_cast<uint8_t>(rng() & 63);
      set_dense(bytes_of(dense) + kHeaderSize, i, expected[i]);
    }
    for (size_t i = 0; i < kRegisters; ++i)
      if (get_dense(bytes_of(dense) + kHeaderSize, i) != expected[i])
        return "TESTFAILED Register error at " + std::to_string(i);
  }
  // A sparse HLL (promoted on the way) and a dense one see the same
  // elements: equal registers, and an estimate within five standard errors.
  std::string sparse = make_empty(), reference = make_empty();
  to_dense(reference);
  const double relative_error = 1.04 / std::sqrt(static_cast<double>(kRegisters));
  for (uint64_t n = 1; n <= 100000; ++n) {
    const std::string element = std::to_string(rng());
    add(sparse, element, 3000);
    add(reference, element, 3000);
    if (n % 1000 != 0 && n != 10 && n != 100) continue;
    std::string as_dense = sparse;
    to_dense(as_dense);
    if (std::memcmp(as_dense.data() + kHeaderSize, reference.data() + kHeaderSize, kDenseSize - kHeaderSize) != 0)
      return "TESTFAILED sparse and dense registers differ after " + std::to_string(n) + " elements";
    const double estimated = static_cast<double>(*count(sparse));
    const double tolerance = n < 100 ? 1 : static_cast<double>(n) * relative_error * 5;
    if (std::fabs(estimated - static_cast<double>(n)) > tolerance)
      return "TESTFAILED too big error. card:" + std::to_string(n) + " error:" +
             std::to_string(estimated - static_cast<double>(n));
  }
  return {};
}

}  // namespace arbor::keyspace::hll
