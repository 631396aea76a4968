#include "model/arch_file.hpp"

#include <fmt/format.h>
#include <zlib.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <set>
#include <stdexcept>
#include <vector>

#include "core/dyadic.hpp"
#include "core/input_file.hpp"
#include "core/limits.hpp"
#include "model/params_json.hpp"

namespace icl {
namespace {

using json = nlohmann::json;

[[noreturn]] void fail(const std::string& source, const std::string& what) {
  throw InputError(fmt::format("{}: {}", source, what));
}

std::string keys_of(const json& j) {
  std::string out;
  for (const auto& item : j.items()) out += (out.empty() ? "" : ", ") + item.key();
  return "{" + out + "}";
}

// The checks every layout ends with (model/arch.hpp); the readers have already named each field.
Arch<Rational> validated(Arch<Rational> a, const std::string& source) {
  try {
    validate_arch(a, source);
  } catch (const std::invalid_argument& e) {
    throw InputError(e.what());
  }
  return a;
}

// The size limits of a parameter file (core/limits.hpp), checked before any matrix is allocated:
// L layers x H heads x C matrices of D x D.
void check_model_size(const std::string& source, std::uint64_t L, std::uint64_t H, std::uint64_t C, std::uint64_t D) {
  if (D > static_cast<std::uint64_t>(limits::kMaxFileTokenSize))
    fail(source, fmt::format("D = {} is larger than {}, the largest token size D = d + 2 of a parameter file", D,
                             limits::kMaxFileTokenSize));
  std::uint64_t entries = C * D * D;
  for (std::uint64_t factor : {L, H}) {
    if (factor != 0 && entries > limits::kMaxFileEntries / factor)
      fail(source, fmt::format("{} x {} x {} x {} x {} matrix entries are more than {}, the limit of a parameter file",
                               L, H, C, D, D, limits::kMaxFileEntries));
    entries *= factor;
  }
}

// The number of rows of a JSON matrix, 0 if it is not an array (read_matrix then names the problem).
std::uint64_t rows_of(const json& m) { return m.is_array() ? m.size() : 0; }

// --- JSON -----------------------------------------------------------------------------------------

// "attention": "linear" (the default) or "softmax" (model/softmax.hpp).
Attention read_attention(const json& a, const std::string& source) {
  if (a.is_string() && a.get<std::string>() == "linear") return Attention::Linear;
  if (a.is_string() && a.get<std::string>() == "softmax") return Attention::Softmax;
  fail(source, fmt::format("attention: {} is not \"linear\" or \"softmax\"", a.dump()));
}

// {"layers": [{"heads": [{"V", "Q", "K"} or {"V", "Q"}]}]}.
Arch<Rational> read_layers(const json& layers, const std::string& source) {
  if (!layers.is_array() || layers.empty())
    fail(source, "layers: must be a non-empty array of layers {\"heads\": [...]}");
  Arch<Rational> a;
  long D = -1;
  std::optional<bool> merged;
  const auto kind = [](bool m) { return m ? "merged (V, Q)" : "separate (V, Q, K)"; };
  for (std::size_t l = 0; l < layers.size(); ++l) {
    const std::string at = fmt::format("layers[{}]", l);
    const json& layer = layers[l];
    if (!layer.is_object() || layer.size() != 1 || !layer.contains("heads"))
      fail(source, fmt::format("{}: must be an object {{\"heads\": [...]}}", at));
    const json& heads = layer["heads"];
    if (!heads.is_array() || heads.empty())
      fail(source, fmt::format("{}.heads: must be a non-empty array of heads", at));
    const std::size_t H = layers[0]["heads"].size();
    if (heads.size() != H)
      fail(source, fmt::format("{}.heads: has {} heads, layers[0] has {} (every layer needs the same number of heads)",
                               at, heads.size(), H));
    if (l == 0 && heads[0].is_object() && heads[0].contains("V"))
      check_model_size(source, layers.size(), H, heads[0].contains("K") ? 3 : 2, rows_of(heads[0]["V"]));
    a.layers.emplace_back();
    for (std::size_t h = 0; h < heads.size(); ++h) {
      const std::string hat = fmt::format("{}.heads[{}]", at, h);
      const json& head = heads[h];
      if (!head.is_object())
        fail(source,
             fmt::format("{}: must be an object {{\"V\", \"Q\", \"K\"}} (separate) or {{\"V\", \"Q\"}} (merged)", hat));
      for (const auto& item : head.items())
        if (item.key() != "V" && item.key() != "Q" && item.key() != "K")
          fail(source,
               fmt::format("{}: unexpected key \"{}\" (a head has V, Q and, when separate, K)", hat, item.key()));
      for (const char* name : {"V", "Q"})
        if (!head.contains(name))
          fail(source, fmt::format("{}: missing matrix {} (a head needs V, Q, K or, merged, V, Q); got {}", hat, name,
                                   keys_of(head)));
      const bool m = !head.contains("K");
      if (!merged) merged = m;
      if (*merged != m)
        fail(source, fmt::format("{}: is {} but layers[0].heads[0] is {} (every head needs the same parameterization)",
                                 hat, kind(m), kind(*merged)));
      const auto matrix = [&](const char* name) {
        return params_json::read_matrix(head[name], fmt::format("{}: {}.{}", source, hat, name), D);
      };
      Head<Rational> x{matrix("V"), matrix("Q"), m ? Mat<Rational>() : matrix("K")};
      a.layers.back().push_back(std::move(x));
    }
  }
  return a;
}

// A head of allparam from its C = 3 matrices V, Q, K, or C = 2: V and the merged M (K empty).
Head<Rational> allparam_head(std::vector<Mat<Rational>> m) {
  return m.size() == 3 ? Head<Rational>{m[0], m[1], m[2]} : Head<Rational>{m[0], m[1], Mat<Rational>()};
}

// {"allparam": L x H x C x D x D}, order V, Q, K (C = 3) or V, M (C = 2, merged).
Arch<Rational> read_allparam(const json& all, const std::string& source) {
  if (!all.is_array() || all.empty())
    fail(source,
         "allparam: must be a non-empty array of layers (L x H x 3 x D x D, order V, Q, K; or L x H x 2 x D x "
         "D, V and the merged M)");
  Arch<Rational> a;
  long D = -1;
  for (std::size_t l = 0; l < all.size(); ++l) {
    const std::string at = fmt::format("allparam[{}]", l);
    const json& heads = all[l];
    if (!heads.is_array() || heads.empty()) fail(source, fmt::format("{}: must be a non-empty array of heads", at));
    if (heads.size() != all[0].size())
      fail(source, fmt::format("{}: has {} heads, allparam[0] has {} (every layer needs the same number of heads)", at,
                               heads.size(), all[0].size()));
    if (l == 0 && heads[0].is_array() && !heads[0].empty())
      check_model_size(source, all.size(), heads.size(), heads[0].size(), rows_of(heads[0][0]));
    a.layers.emplace_back();
    for (std::size_t h = 0; h < heads.size(); ++h) {
      const std::string hat = fmt::format("{}[{}]", at, h);
      const json& head = heads[h];
      if (!head.is_array() || (head.size() != 3 && head.size() != 2))
        fail(source, fmt::format("{}: must hold 3 matrices V, Q, K (or 2: V and the merged M), got {}", hat,
                                 head.is_array() ? std::to_string(head.size()) : std::string("no array")));
      if (head.size() != all[0][0].size())
        fail(source, fmt::format("{}: holds {} matrices, allparam[0][0] holds {} (every head needs the same)", hat,
                                 head.size(), all[0][0].size()));
      std::vector<Mat<Rational>> m;
      for (std::size_t i = 0; i < head.size(); ++i)
        m.push_back(params_json::read_matrix(head[i], fmt::format("{}: {}[{}]", source, hat, i), D));
      a.layers.back().push_back(allparam_head(std::move(m)));
    }
  }
  return a;
}

// --- NumPy .npy ---------------------------------------------------------------------------------

struct NpyHeader {
  std::string descr;
  bool fortran_order = false;
  std::vector<unsigned long long> shape;
};

// The header is a Python dict literal: {'descr': '<f8', 'fortran_order': False, 'shape': (2, 1, 3, 5, 5), }.
class HeaderParser {
 public:
  HeaderParser(std::string_view s, const std::string& source) : s_(s), source_(source) {}

  NpyHeader parse() {
    NpyHeader h;
    std::set<std::string> seen;
    expect('{');
    while (skip(), peek() != '}') {
      const std::string key = text();
      expect(':');
      if (!seen.insert(key).second) bad(fmt::format("key '{}' appears twice", key));
      if (key == "descr") {
        h.descr = text();
      } else if (key == "fortran_order") {
        h.fortran_order = boolean();
      } else if (key == "shape") {
        h.shape = tuple();
      } else {
        bad(fmt::format("unexpected key '{}' (a .npy header has descr, fortran_order, shape)", key));
      }
      skip();
      if (peek() == ',')
        ++i_;
      else if (peek() != '}')
        bad(fmt::format("expected ',' or '}}' at byte {}", i_));
    }
    ++i_;
    skip();
    if (i_ != s_.size()) bad(fmt::format("unexpected text after the dict at byte {}", i_));
    for (const char* key : {"descr", "fortran_order", "shape"})
      if (!seen.count(key)) bad(fmt::format("missing key '{}'", key));
    return h;
  }

 private:
  std::string_view s_;
  const std::string& source_;
  std::size_t i_ = 0;

  [[noreturn]] void bad(const std::string& why) const { fail(source_, "header: " + why); }
  char peek() const { return i_ < s_.size() ? s_[i_] : '\0'; }
  void skip() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\t' || s_[i_] == '\r')) ++i_;
  }
  void expect(char c) {
    skip();
    if (peek() != c) bad(fmt::format("expected '{}' at byte {}", c, i_));
    ++i_;
  }
  std::string text() {
    skip();
    const char quote = peek();
    if (quote != '\'' && quote != '"') bad(fmt::format("expected a quoted string at byte {}", i_));
    const std::size_t end = s_.find(quote, i_ + 1);
    if (end == std::string_view::npos) bad("unterminated string");
    std::string out(s_.substr(i_ + 1, end - i_ - 1));
    i_ = end + 1;
    return out;
  }
  bool boolean() {
    skip();
    for (const auto& [word, value] :
         {std::pair{std::string_view("True"), true}, std::pair{std::string_view("False"), false}})
      if (s_.substr(i_, word.size()) == word) {
        i_ += word.size();
        return value;
      }
    bad(fmt::format("fortran_order must be True or False (byte {})", i_));
  }
  std::vector<unsigned long long> tuple() {
    expect('(');
    std::vector<unsigned long long> dims;
    while (skip(), peek() != ')') {
      if (peek() < '0' || peek() > '9') bad(fmt::format("shape: expected a non-negative integer at byte {}", i_));
      unsigned long long v = 0;
      while (peek() >= '0' && peek() <= '9') {
        const unsigned digit = static_cast<unsigned>(peek() - '0');
        if (v > (std::numeric_limits<unsigned long long>::max() - digit) / 10) bad("shape: a dimension is too large");
        v = 10 * v + digit;
        ++i_;
      }
      if (peek() == 'L') ++i_;  // Python 2 long
      dims.push_back(v);
      skip();
      if (peek() == ',')
        ++i_;
      else if (peek() != ')')
        bad(fmt::format("shape: expected ',' or ')' at byte {}", i_));
    }
    ++i_;
    return dims;
  }
};

std::string shape_text(const std::vector<unsigned long long>& shape) {
  std::string out;
  for (auto v : shape) out += (out.empty() ? "" : ", ") + std::to_string(v);
  return "(" + out + (shape.size() == 1 ? ",)" : ")");
}

std::uint64_t little_endian(std::string_view b, std::size_t at, int bytes) {
  std::uint64_t v = 0;
  for (int k = bytes - 1; k >= 0; --k) v = (v << 8) | static_cast<unsigned char>(b[at + static_cast<std::size_t>(k)]);
  return v;
}

std::uint64_t big_endian(std::string_view b, std::size_t at, int bytes) {
  std::uint64_t v = 0;
  for (int k = 0; k < bytes; ++k) v = (v << 8) | static_cast<unsigned char>(b[at + static_cast<std::size_t>(k)]);
  return v;
}

// --- zip (.npz) -----------------------------------------------------------------------------------

struct ZipEntry {
  std::string name;
  unsigned method = 0, flags = 0;
  std::uint32_t crc = 0;
  std::uint64_t compressed = 0, size = 0, local = 0;
};

// The zip64 extended information of a central directory entry replaces the fields set to 0xFFFFFFFF.
void apply_zip64(ZipEntry& e, std::string_view extra, const std::string& source) {
  constexpr std::uint64_t kMax = 0xFFFFFFFFu;
  std::size_t p = 0;
  while (p + 4 <= extra.size()) {
    const auto id = little_endian(extra, p, 2), len = little_endian(extra, p + 2, 2);
    if (p + 4 + len > extra.size()) break;
    if (id == 1) {
      std::size_t q = p + 4;
      for (std::uint64_t* field : {&e.size, &e.compressed, &e.local})
        if (*field == kMax) {
          if (q + 8 > p + 4 + len) fail(source, fmt::format("{}: truncated zip64 extra field", e.name));
          *field = little_endian(extra, q, 8);
          q += 8;
        }
      return;
    }
    p += 4 + len;
  }
}

std::vector<ZipEntry> zip_directory(std::string_view b, const std::string& source) {
  // End of central directory: 22 bytes, then a comment of at most 65535 bytes.
  if (b.size() < 22) fail(source, fmt::format("truncated: {} bytes is no zip archive", b.size()));
  std::optional<std::size_t> eocd;
  const std::size_t lowest = b.size() >= 22 + 65535 ? b.size() - 22 - 65535 : 0;
  for (std::size_t p = b.size() - 22 + 1; p-- > lowest;)
    if (b.substr(p, 4) == std::string_view("PK\x05\x06", 4)) {
      eocd = p;
      break;
    }
  if (!eocd) fail(source, "truncated or not a zip archive: no end of central directory record");
  const auto count = little_endian(b, *eocd + 10, 2);
  const auto offset = little_endian(b, *eocd + 16, 4);
  if (count == 0xFFFF || offset == 0xFFFFFFFF)
    fail(source, "zip64 archives (65535 entries or more, or 4 GiB) are not supported");
  std::vector<ZipEntry> entries;
  std::size_t p = offset;
  for (std::uint64_t k = 0; k < count; ++k) {
    if (p + 46 > *eocd || b.substr(p, 4) != std::string_view("PK\x01\x02", 4))
      fail(source, fmt::format("truncated or corrupt zip central directory (entry {} at byte {})", k, p));
    ZipEntry e;
    e.flags = static_cast<unsigned>(little_endian(b, p + 8, 2));
    e.method = static_cast<unsigned>(little_endian(b, p + 10, 2));
    e.crc = static_cast<std::uint32_t>(little_endian(b, p + 16, 4));
    e.compressed = little_endian(b, p + 20, 4);
    e.size = little_endian(b, p + 24, 4);
    const auto name_len = little_endian(b, p + 28, 2), extra_len = little_endian(b, p + 30, 2),
               comment_len = little_endian(b, p + 32, 2);
    e.local = little_endian(b, p + 42, 4);
    if (p + 46 + name_len + extra_len + comment_len > *eocd)
      fail(source, fmt::format("truncated or corrupt zip central directory (entry {} at byte {})", k, p));
    e.name = std::string(b.substr(p + 46, name_len));
    apply_zip64(e, b.substr(p + 46 + name_len, extra_len), source);
    entries.push_back(std::move(e));
    p += 46 + name_len + extra_len + comment_len;
  }
  return entries;
}

// The uncompressed bytes of a stored or deflated entry, checked against its CRC-32.
std::string zip_data(std::string_view b, const ZipEntry& e, const std::string& source) {
  const std::string at = fmt::format("{}: {}", source, e.name);
  if (e.flags & 1u) fail(at, "encrypted entries are not supported");
  if (e.local > b.size() || b.size() - e.local < 30 || b.substr(e.local, 4) != std::string_view("PK\x03\x04", 4))
    fail(at, fmt::format("truncated or corrupt: no local header at byte {}", e.local));
  const std::uint64_t start = e.local + 30 + little_endian(b, e.local + 26, 2) + little_endian(b, e.local + 28, 2);
  if (start > b.size() || e.compressed > b.size() - start)
    fail(at, fmt::format("truncated: the entry needs {} bytes from byte {}, the archive has {}", e.compressed, start,
                         b.size()));
  const std::string_view packed = b.substr(start, e.compressed);
  std::string out;
  if (e.size > limits::kMaxArchiveEntryBytes)
    fail(at, fmt::format("declares {} bytes, more than {}, the limit of one archive entry", e.size,
                         limits::kMaxArchiveEntryBytes));
  if (e.method == 0) {
    if (e.compressed != e.size) fail(at, "a stored entry whose sizes differ");
    out = std::string(packed);
  } else if (e.method == 8) {
    // Deflate expands at most about 1032:1; a larger claimed size is a corrupt (or hostile) header.
    if (e.size > 1032 * e.compressed + 1024)
      fail(at,
           fmt::format("claims {} bytes from {} deflated bytes, more than deflate can produce", e.size, e.compressed));
    out.resize(e.size);
    z_stream zs{};
    if (inflateInit2(&zs, -MAX_WBITS) != Z_OK) throw std::runtime_error("zlib: inflateInit2 failed");
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(packed.data()));
    zs.avail_in = static_cast<uInt>(packed.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    const int rc = inflate(&zs, Z_FINISH);
    const std::string msg = zs.msg ? zs.msg : "";
    const auto produced = zs.total_out;
    inflateEnd(&zs);
    if (rc != Z_STREAM_END || produced != e.size)
      fail(at, fmt::format("truncated or corrupt deflate data{}", msg.empty() ? "" : " (" + msg + ")"));
  } else {
    fail(at, fmt::format("compression method {} is not stored (0) or deflated (8)", e.method));
  }
  const auto crc =
      crc32(crc32(0L, Z_NULL, 0), reinterpret_cast<const Bytef*>(out.data()), static_cast<uInt>(out.size()));
  if (crc != e.crc) fail(at, "CRC-32 mismatch (the archive is corrupt)");
  return out;
}

}  // namespace

Arch<Rational> parse_arch_json(std::string_view text, const std::string& source) {
  const json j = params_json::parse_exact(text, source);
  const std::string layouts =
      "{\"layers\": [{\"heads\": [...]}]}, {\"allparam\": L x H x 3 x D x D} or one head {V, Q} / {V, Qsep, K}";
  if (!j.is_object()) fail(source, "must be a JSON object: " + layouts);
  if (j.contains("layers") || j.contains("allparam")) {
    const bool kind = j.contains("attention");
    if (j.size() != (kind ? 2u : 1u))
      fail(source,
           fmt::format("needs exactly one key, \"layers\" or \"allparam\" (and optionally \"attention\"); got {}",
                       keys_of(j)));
    Arch<Rational> a = j.contains("layers") ? read_layers(j["layers"], source) : read_allparam(j["allparam"], source);
    if (kind) a.attention = read_attention(j["attention"], source);
    return validated(std::move(a), source);
  }
  if (j.contains("attention"))
    fail(source, "attention: belongs at the top of the layers layout {\"attention\": ..., \"layers\": [...]}");
  if (!j.contains("V")) fail(source, fmt::format("needs the layout {}; got {}", layouts, keys_of(j)));
  return validated(arch_from_point(params_json::read_point(j, source)), source);
}

Arch<Rational> parse_arch_npy(std::string_view b, const std::string& source) {
  if (b.size() < 10 || b.substr(0, 6) != std::string_view("\x93NUMPY", 6))
    fail(source, "not a NumPy .npy file (no \\x93NUMPY magic) or truncated");
  const unsigned major = static_cast<unsigned char>(b[6]), minor = static_cast<unsigned char>(b[7]);
  if ((major != 1 && major != 2 && major != 3) || minor != 0)
    fail(source, fmt::format(".npy format version {}.{} is not 1.0, 2.0 or 3.0", major, minor));
  const std::size_t start = major == 1 ? 10 : 12;
  if (b.size() < start) fail(source, "truncated: the file ends inside the .npy preamble");
  const std::uint64_t header_len = little_endian(b, 8, major == 1 ? 2 : 4);
  if (header_len > b.size() - start)
    fail(source, fmt::format("truncated: the header needs {} bytes, the file has {} after the preamble", header_len,
                             b.size() - start));
  const NpyHeader h = HeaderParser(b.substr(start, header_len), source).parse();

  static const std::set<std::string> accepted{"<f4", "<f8", ">f4", ">f8"};
  if (!accepted.count(h.descr))
    fail(source, fmt::format("dtype '{}' is not float32 or float64 ('<f4', '<f8', '>f4', '>f8')", h.descr));
  if (h.fortran_order)
    fail(source, "fortran_order True is not supported: save the array in C order (numpy.ascontiguousarray)");
  const std::string shape = shape_text(h.shape);
  if (h.shape.size() != 5)
    fail(source,
         fmt::format("shape {} has rank {}, expected rank 5: allparam is L x H x 3 x D x D", shape, h.shape.size()));
  const auto L = h.shape[0], H = h.shape[1], D = h.shape[3];
  if (L == 0 || H == 0) fail(source, fmt::format("shape {}: no layers or no heads (L and H must be >= 1)", shape));
  if (h.shape[2] != 3 && h.shape[2] != 2)
    fail(source, fmt::format("shape {}: axis 2 has {} entries, expected 3 (V, Q, K) or 2 (V and the merged M)", shape,
                             h.shape[2]));
  if (h.shape[4] != D)
    fail(source, fmt::format("shape {}: the matrices are {} x {}, expected D x D", shape, D, h.shape[4]));
  if (D < 3) fail(source, fmt::format("shape {}: D = {}, but D = d + 2 needs d >= 1", shape, D));
  check_model_size(source, L, H, h.shape[2], D);

  const int width = h.descr[2] == '8' ? 8 : 4;
  const std::size_t data_start = start + header_len;
  const std::uint64_t available = b.size() - data_start;
  std::uint64_t count = 1;
  for (auto v : h.shape) {
    if (count > available / v)
      fail(source, fmt::format("truncated: the data has {} bytes, shape {} needs more", available, shape));
    count *= v;
  }
  if (count * static_cast<std::uint64_t>(width) != available)
    fail(source, fmt::format("{}: the data has {} bytes, shape {} of '{}' needs {}",
                             available < count * static_cast<std::uint64_t>(width) ? "truncated" : "wrong size",
                             available, shape, h.descr, count * static_cast<std::uint64_t>(width)));

  const bool little = h.descr[0] == '<';
  Arch<Rational> a;
  std::size_t at = data_start;
  const auto n = static_cast<Eigen::Index>(D);
  for (std::uint64_t l = 0; l < L; ++l) {
    a.layers.emplace_back();
    for (std::uint64_t hd = 0; hd < H; ++hd) {
      std::vector<Mat<Rational>> m(static_cast<std::size_t>(h.shape[2]), Mat<Rational>(n, n));
      for (std::size_t i = 0; i < m.size(); ++i)
        for (Eigen::Index r = 0; r < n; ++r)
          for (Eigen::Index c = 0; c < n; ++c, at += static_cast<std::size_t>(width)) {
            const std::uint64_t bits = little ? little_endian(b, at, width) : big_endian(b, at, width);
            const double x = width == 8 ? std::bit_cast<double>(bits)
                                        : static_cast<double>(std::bit_cast<float>(static_cast<std::uint32_t>(bits)));
            if (!std::isfinite(x))
              fail(source, fmt::format("allparam[{}][{}][{}][{}][{}]: {} is not a finite number", l, hd, i, r, c,
                                       std::isnan(x) ? "NaN" : (x > 0 ? "inf" : "-inf")));
            m[i](r, c) = exact_rational(x);
          }
      a.layers.back().push_back(allparam_head(std::move(m)));
    }
  }
  return validated(std::move(a), source);
}

Arch<Rational> parse_arch_npz(std::string_view b, const std::string& source) {
  const std::vector<ZipEntry> entries = zip_directory(b, source);
  std::vector<const ZipEntry*> arrays;
  const ZipEntry* chosen = nullptr;
  for (const auto& e : entries) {
    if (e.name.size() > 4 && e.name.ends_with(".npy")) arrays.push_back(&e);
    if (e.name == "allparam.npy") chosen = &e;
  }
  if (!chosen && arrays.size() == 1) chosen = arrays.front();
  if (!chosen) {
    std::string names;
    for (const auto* e : arrays) names += (names.empty() ? "" : ", ") + e->name.substr(0, e->name.size() - 4);
    fail(source, fmt::format("no array named allparam (the archive holds {} arrays{}{})", arrays.size(),
                             arrays.empty() ? "" : ": ", names));
  }
  return parse_arch_npy(zip_data(b, *chosen, source), fmt::format("{}: {}", source, chosen->name));
}

Arch<Rational> parse_arch_bytes(std::string_view bytes, const std::string& source) {
  if (bytes.starts_with(std::string_view("\x93NUMPY", 6))) return parse_arch_npy(bytes, source);
  if (bytes.starts_with("PK")) return parse_arch_npz(bytes, source);
  return parse_arch_json(bytes, source);
}

Arch<Rational> read_arch_file(const std::string& path, const std::string& flag) {
  return parse_arch_bytes(read_input_file(path, flag), path);
}

}  // namespace icl
