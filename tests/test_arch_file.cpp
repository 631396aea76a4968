// Parameter files of L layers x H heads (model/arch_file.hpp): every layout, exact reading, and one
// message naming the file and the field for each kind of bad input. The .npy and .npz bytes are
// built here by a small writer (zlib's raw deflate for compressed entries), independent of the reader.
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <zlib.h>

#include <bit>
#include <cstdint>
#include <cstring>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "core/dyadic.hpp"
#include "model/arch_file.hpp"
#include "model/arch_json.hpp"
#include "model/params_file.hpp"

using namespace icl;

namespace {

// The message of the InputError that `f` throws ("" when it throws none).
std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

#define CHECK_ERROR(call, needle)                                                       \
  do {                                                                                  \
    const std::string msg_ = error_of([&] { (void)(call); });                           \
    CHECK_MESSAGE(msg_.find(needle) != std::string::npos, "message: '" << msg_ << "'"); \
  } while (0)

void put_le(std::string& out, std::uint64_t v, int bytes) {
  for (int k = 0; k < bytes; ++k) out += static_cast<char>((v >> (8 * k)) & 0xFF);
}

// A .npy file: magic, version, header length, the dict padded with spaces to a multiple of 64, data.
std::string npy(const std::string& dict, const std::string& data, int major = 1, int minor = 0) {
  const std::size_t preamble = major == 1 ? 10 : 12;
  std::string header = dict;
  while ((preamble + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  std::string out("\x93NUMPY", 6);
  out += static_cast<char>(major);
  out += static_cast<char>(minor);
  put_le(out, header.size(), major == 1 ? 2 : 4);
  return out + header + data;
}

std::string dict(const std::string& descr, const std::string& shape, bool fortran = false) {
  return "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") + ", 'shape': " + shape + ", }";
}

std::string f8(const std::vector<double>& v, bool big = false) {
  std::string out;
  for (double x : v) {
    std::string b;
    put_le(b, std::bit_cast<std::uint64_t>(x), 8);
    out += big ? std::string(b.rbegin(), b.rend()) : b;
  }
  return out;
}

std::string f4(const std::vector<float>& v) {
  std::string out;
  for (float x : v) put_le(out, std::bit_cast<std::uint32_t>(x), 4);
  return out;
}

// Entry (l, h, i, r, c) of an L x H x 3 x D x D array: multiples of 1/8 in [-5/8, 5/8], all distinct
// enough that a permutation of V, Q, K changes the model.
double entry(long l, long h, long i, long r, long c) {
  return static_cast<double>((l * 7 + h * 5 + i * 3 + r * 2 + c * 3 + r * c) % 11 - 5) / 8.0;
}

std::vector<double> allparam_values(long L, long H, long D) {
  std::vector<double> v;
  for (long l = 0; l < L; ++l)
    for (long h = 0; h < H; ++h)
      for (long i = 0; i < 3; ++i)
        for (long r = 0; r < D; ++r)
          for (long c = 0; c < D; ++c) v.push_back(entry(l, h, i, r, c));
  return v;
}

Arch<double> expected_arch(long L, long H, long D) {
  Arch<double> a;
  for (long l = 0; l < L; ++l) {
    a.layers.emplace_back();
    for (long h = 0; h < H; ++h) {
      std::vector<Mat<double>> m(3, Mat<double>(D, D));
      for (long i = 0; i < 3; ++i)
        for (long r = 0; r < D; ++r)
          for (long c = 0; c < D; ++c) m[i](r, c) = entry(l, h, i, r, c);
      a.layers.back().push_back(Head<double>{m[0], m[1], m[2]});
    }
  }
  return a;
}

std::string shape(long L, long H, long D) { return fmt::format("({}, {}, 3, {}, {})", L, H, D, D); }

std::string raw_deflate(const std::string& in) {
  z_stream zs{};
  REQUIRE(deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY) == Z_OK);
  std::string out(deflateBound(&zs, static_cast<uLong>(in.size())), '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  REQUIRE(deflate(&zs, Z_FINISH) == Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

struct ZipFile {
  std::string name, data;
  bool deflated = false;
};

// A zip archive as numpy.savez writes it (stored) or savez_compressed (deflated).
std::string zip(const std::vector<ZipFile>& files) {
  std::string out, central;
  for (const auto& f : files) {
    const std::string packed = f.deflated ? raw_deflate(f.data) : f.data;
    const auto crc = crc32(0L, reinterpret_cast<const Bytef*>(f.data.data()), static_cast<uInt>(f.data.size()));
    const std::uint64_t offset = out.size();
    std::string common;  // version needed .. name length, shared by both headers
    put_le(common, 20, 2);
    put_le(common, 0, 2);
    put_le(common, f.deflated ? 8 : 0, 2);
    put_le(common, 0, 4);  // time, date
    put_le(common, crc, 4);
    put_le(common, packed.size(), 4);
    put_le(common, f.data.size(), 4);
    put_le(common, f.name.size(), 2);
    out += std::string("PK\x03\x04", 4) + common;
    put_le(out, 0, 2);  // extra length
    out += f.name + packed;
    central += std::string("PK\x01\x02", 4);
    put_le(central, 20, 2);  // version made by
    central += common;
    put_le(central, 0, 2);  // extra
    put_le(central, 0, 2);  // comment
    put_le(central, 0, 2);  // disk
    put_le(central, 0, 2);  // internal attributes
    put_le(central, 0, 4);  // external attributes
    put_le(central, offset, 4);
    central += f.name;
  }
  const std::uint64_t cd_offset = out.size();
  out += central;
  out += std::string("PK\x05\x06", 4);
  put_le(out, 0, 4);  // disk numbers
  put_le(out, files.size(), 2);
  put_le(out, files.size(), 2);
  put_le(out, central.size(), 4);
  put_le(out, cd_offset, 4);
  put_le(out, 0, 2);  // comment length
  return out;
}

Arch<Rational> exact_of(const Arch<double>& a) {
  Arch<Rational> out;
  for (const auto& layer : a.layers) {
    out.layers.emplace_back();
    for (const auto& h : layer) {
      const auto conv = [](const Mat<double>& m) {
        Mat<Rational> q(m.rows(), m.cols());
        for (Eigen::Index r = 0; r < m.rows(); ++r)
          for (Eigen::Index c = 0; c < m.cols(); ++c) q(r, c) = exact_rational(m(r, c));
        return q;
      };
      out.layers.back().push_back(Head<Rational>{conv(h.V), conv(h.Q), h.merged() ? Mat<Rational>() : conv(h.K)});
    }
  }
  return out;
}

bool same(const Arch<Rational>& a, const Arch<Rational>& b) {
  if (a.L() != b.L() || a.H() != b.H()) return false;
  for (int l = 0; l < a.L(); ++l)
    for (int h = 0; h < a.H(); ++h) {
      const auto &x = a.layers[l][h], &y = b.layers[l][h];
      if (x.merged() != y.merged() || x.V != y.V || x.Q != y.Q || (!x.merged() && x.K != y.K)) return false;
    }
  return true;
}

// A prompt of 3 rows in D = 4 with rational entries, to compare predictions.
Mat<Rational> prompt() {
  Mat<Rational> Z(3, 4);
  Z << 1, Rational(1, 2), Rational(-1, 3), Rational(2, 5),  //
      1, Rational(-3, 4), Rational(1, 7), Rational(-1, 2),  //
      1, Rational(2, 3), Rational(5, 6), 0;
  return Z;
}

const std::string kRow3 = "[[\"1\", 0, 0], [0, 1, 0], [0, 0, 1]]";

}  // namespace

TEST_CASE("exact_rational: a double is its dyadic value") {
  CHECK(exact_rational(0.1) == Rational(Integer(3602879701896397LL), Integer(36028797018963968LL)));
  CHECK(exact_rational(-0.375) == Rational(-3, 8));
  CHECK(exact_rational(0.0) == 0);
  CHECK(exact_rational(1e300) == Rational(Integer(1e300)));
  const double tiny = std::numeric_limits<double>::denorm_min();
  CHECK(exact_rational(tiny) == Rational(1) / Rational(Integer(1) << 1074));
  CHECK(exact_rational(static_cast<double>(0.1f)) == Rational(13421773, 134217728));
  CHECK_THROWS_AS(exact_rational(std::numeric_limits<double>::quiet_NaN()), std::invalid_argument);
}

TEST_CASE("JSON layers: separate and merged heads, entries exact") {
  const std::string head =
      "{\"V\": [[0.1, 0, 0], [0, 0, 0], [0, 0, \"1/3\"]], \"Q\": " + kRow3 + ", \"K\": " + kRow3 + "}";
  const std::string text =
      "{\"layers\": [{\"heads\": [" + head + ", " + head + "]}, {\"heads\": [" + head + ", " + head + "]}]}";
  const Arch<Rational> a = parse_arch_json(text, "p.json");
  CHECK(a.L() == 2);
  CHECK(a.H() == 2);
  CHECK(a.kind() == Parameterization::Separate);
  CHECK(a.layers[1][1].V(0, 0) == Rational(1, 10));
  CHECK(a.layers[1][1].V(2, 2) == Rational(1, 3));

  const std::string merged = "{\"V\": " + kRow3 + ", \"Q\": [[0, \"2/7\", 0], [0, 0, 0], [0, 0, 0]]}";
  const Arch<Rational> m =
      parse_arch_json("{\"layers\": [{\"heads\": [" + merged + ", " + merged + ", " + merged + "]}]}", "m.json");
  CHECK(m.L() == 1);
  CHECK(m.H() == 3);
  CHECK(m.kind() == Parameterization::Merged);
  CHECK(m.layers[0][2].K.size() == 0);
  CHECK(m.layers[0][2].Q(0, 1) == Rational(2, 7));
}

TEST_CASE("JSON allparam: order V, Q, K; a permutation changes the model") {
  const Arch<Rational> want = exact_of(expected_arch(2, 2, 4));
  const std::string text = arch_json(expected_arch(2, 2, 4), ArchLayout::Allparam).dump();
  const Arch<Rational> a = parse_arch_json(text, "a.json");
  CHECK(same(a, want));
  // A hand-written file: the first matrix is V, the second Q, the third K.
  const std::string V = "[[1, 0, 0], [0, 1, 0], [0, \"1/2\", 0]]", Q = "[[0, 0, 0], [0, 2, 0], [0, 0, 0]]",
                    K = "[[0, 0, 0], [0, 3, 0], [0, 0, 5]]";
  const Arch<Rational> b = parse_arch_json("{\"allparam\": [[[" + V + ", " + Q + ", " + K + "]]]}", "b.json");
  CHECK(b.layers[0][0].V(2, 1) == Rational(1, 2));
  CHECK(b.layers[0][0].Q(1, 1) == 2);
  CHECK(b.layers[0][0].K(2, 2) == 5);
  CHECK(b.layers[0][0].M()(1, 1) == 6);  // M = Q^T K
  // Swapping V and Q, or Q and K, gives another model: its predictions differ.
  Arch<Rational> swapped = want;
  for (auto& layer : swapped.layers)
    for (auto& h : layer) std::swap(h.V, h.Q);
  CHECK(arch_predict(want, prompt()) != arch_predict(swapped, prompt()));
  for (auto& layer : swapped.layers)
    for (auto& h : layer) std::swap(h.V, h.Q), std::swap(h.Q, h.K);
  CHECK(arch_predict(want, prompt()) != arch_predict(swapped, prompt()));
}

TEST_CASE("allparam with 2 matrices: V and the merged M (JSON and .npy)") {
  const std::string V = "[[1, 0, 0], [0, 1, 0], [0, \"1/2\", 0]]", M = "[[0, 0, 0], [0, 2, 0], [0, 0, \"1/3\"]]";
  const Arch<Rational> a = parse_arch_json("{\"allparam\": [[[" + V + ", " + M + "]]]}", "m.json");
  REQUIRE(a.L() == 1);
  CHECK(a.layers[0][0].K.size() == 0);  // merged
  CHECK(a.layers[0][0].M()(1, 1) == 2);
  CHECK(a.layers[0][0].M()(2, 2) == Rational(1, 3));
  CHECK(a.layers[0][0].V(2, 1) == Rational(1, 2));
  // the same model as .npy (1, 2, 2, 4, 4): each head's M is the second matrix
  std::vector<double> v;
  for (long h = 0; h < 2; ++h)
    for (long i = 0; i < 2; ++i)
      for (long r = 0; r < 4; ++r)
        for (long c = 0; c < 4; ++c) v.push_back(entry(0, h, i, r, c));
  const Arch<Rational> b = parse_arch_npy(npy(dict("<f8", "(1, 2, 2, 4, 4)"), f8(v)), "m.npy");
  REQUIRE(b.H() == 2);
  for (long h = 0; h < 2; ++h) {
    CHECK(b.layers[0][h].K.size() == 0);
    CHECK(b.layers[0][h].M()(3, 1) == Rational(entry(0, h, 1, 3, 1)));
    CHECK(b.layers[0][h].V(3, 2) == Rational(entry(0, h, 0, 3, 2)));
  }
}

TEST_CASE("JSON writer round trip: both layouts, merged and separate") {
  Arch<double> sep = expected_arch(2, 3, 4);
  Arch<double> merged = sep;
  for (auto& layer : merged.layers)
    for (auto& h : layer) h.K.resize(0, 0);
  for (const auto* a : {&sep, &merged}) {
    const Arch<Rational> want = exact_of(*a);
    CHECK(same(parse_arch_json(arch_json(*a, ArchLayout::Layers).dump(), "l.json"), want));
    // allparam writes a merged head as Q = I, K = M: the same M.
    const Arch<Rational> back = parse_arch_json(arch_json(*a, ArchLayout::Allparam).dump(), "a.json");
    REQUIRE(back.L() == want.L());
    for (int l = 0; l < want.L(); ++l)
      for (int h = 0; h < want.H(); ++h) CHECK(back.layers[l][h].M() == want.layers[l][h].M());
    CHECK(arch_predict(back, prompt()) == arch_predict(want, prompt()));
  }
}

TEST_CASE("one-head files read as L = H = 1 with today's parser") {
  for (const std::string& text :
       {"{\"V\": " + kRow3 + ", \"Q\": [[0, 0, 0], [0, 0.1, 0], [0, 0, 0]]}",
        "{\"V\": " + kRow3 + ", \"Qsep\": " + kRow3 + ", \"K\": [[0, 0, 0], [0, 0.1, 0], [0, 0, 0]]}"}) {
    const Arch<Rational> a = parse_arch_json(text, "p.json");
    CHECK(a.L() == 1);
    CHECK(a.H() == 1);
    const Point<Rational> p = parse_params_json(text, "p.json");
    CHECK(a.kind() == p.kind);
    CHECK(a.layers[0][0].M() == p.as_merged().Q);
    CHECK(a.layers[0][0].M()(1, 1) == Rational(1, 10));
  }
  CHECK_ERROR(parse_arch_json("{\"V\": " + kRow3 + "}", "p.json"), "p.json: needs exactly the keys V, Q");
}

TEST_CASE(".npy: float64 and float32, both byte orders, versions 1.0, 2.0, 3.0") {
  const long L = 2, H = 3, D = 4;
  const Arch<Rational> want = exact_of(expected_arch(L, H, D));
  const auto values = allparam_values(L, H, D);
  for (int major : {1, 2, 3}) {
    CHECK(same(parse_arch_npy(npy(dict("<f8", shape(L, H, D)), f8(values), major), "p.npy"), want));
    CHECK(same(parse_arch_bytes(npy(dict(">f8", shape(L, H, D)), f8(values, true), major), "p.npy"), want));
  }
  std::vector<float> floats(values.begin(), values.end());
  CHECK(same(parse_arch_npy(npy(dict("<f4", shape(L, H, D)), f4(floats)), "p.npy"), want));
  // 0.1 is read as the binary value it is, not as the decimal it was written from.
  std::vector<double> tenth(27, 0.0);
  tenth[9 + 4] = 0.1;  // Q[1][1]
  const Arch<Rational> t = parse_arch_npy(npy(dict("<f8", "(1, 1, 3, 3, 3)"), f8(tenth)), "t.npy");
  CHECK(t.layers[0][0].Q(1, 1) == Rational(Integer(3602879701896397LL), Integer(36028797018963968LL)));
  std::vector<float> tenth32(27, 0.0f);
  tenth32[9 + 4] = 0.1f;
  const Arch<Rational> t32 = parse_arch_npy(npy(dict("<f4", "(1, 1, 3, 3, 3)"), f4(tenth32)), "t.npy");
  CHECK(t32.layers[0][0].Q(1, 1) == Rational(13421773, 134217728));
  CHECK(t32.layers[0][0].Q(1, 1) != Rational(1, 10));
}

TEST_CASE(".npz: stored and deflated, allparam or the only array") {
  const long L = 1, H = 2, D = 3;
  const Arch<Rational> want = exact_of(expected_arch(L, H, D));
  const std::string array = npy(dict("<f8", shape(L, H, D)), f8(allparam_values(L, H, D)));
  const std::string other = npy(dict("<f8", "(1, 1, 3, 3, 3)"), f8(std::vector<double>(27, 1.0)));
  for (bool deflated : {false, true}) {
    CAPTURE(deflated);
    CHECK(same(parse_arch_npz(zip({{"allparam.npy", array, deflated}}), "p.npz"), want));
    CHECK(same(parse_arch_bytes(zip({{"other.npy", other, deflated}, {"allparam.npy", array, deflated}}), "p.npz"),
               want));
    CHECK(same(parse_arch_npz(zip({{"arr_0.npy", array, deflated}}), "p.npz"), want));
  }
  CHECK(raw_deflate(array).size() < array.size());  // the deflated case really is compressed
}

TEST_CASE("JSON: each mistake names the file and the field") {
  const std::string ok = "{\"V\": " + kRow3 + ", \"Q\": " + kRow3 + ", \"K\": " + kRow3 + "}";
  const std::string bad_entry =
      "{\"V\": " + kRow3 + ", \"Q\": " + kRow3 + ", \"K\": [[0, 0, 0], [0, 0, 0], [0, 0, \"1/0\"]]}";
  const auto layers = [](const std::string& l0, const std::string& l1) {
    return "{\"layers\": [{\"heads\": [" + l0 + "]}, {\"heads\": [" + l1 + "]}]}";
  };
  CHECK_ERROR(parse_arch_json(layers(ok + ", " + ok, ok + ", " + bad_entry), "p.json"),
              "p.json: layers[1].heads[1].K[2][2]");
  CHECK_ERROR(parse_arch_json(layers(ok, "{\"V\": " + kRow3 + ", \"K\": " + kRow3 + "}"), "p.json"),
              "p.json: layers[1].heads[0]: missing matrix Q");
  CHECK_ERROR(parse_arch_json(layers(ok, "{\"V\": " + kRow3 + ", \"Q\": " + kRow3 + "}"), "p.json"),
              "p.json: layers[1].heads[0]: is merged (V, Q) but layers[0].heads[0] is separate");
  CHECK_ERROR(parse_arch_json(layers(ok + ", " + ok, ok), "p.json"),
              "p.json: layers[1].heads: has 1 heads, layers[0] has 2");
  CHECK_ERROR(parse_arch_json(layers(ok, ok + ", " + ok), "p.json"), "layers[1].heads: has 2 heads, layers[0] has 1");
  CHECK_ERROR(parse_arch_json("{\"layers\": []}", "p.json"), "p.json: layers: must be a non-empty array");
  CHECK_ERROR(parse_arch_json("{\"layers\": [{\"heads\": []}]}", "p.json"),
              "p.json: layers[0].heads: must be a non-empty");
  CHECK_ERROR(parse_arch_json(layers(ok, "{\"V\": " + kRow3 + ", \"Q\": " + kRow3 + ", \"W\": 1}"), "p.json"),
              "layers[1].heads[0]: unexpected key \"W\"");
  CHECK_ERROR(
      parse_arch_json(layers(ok, "{\"V\": [[1, 0], [0, 1]], \"Q\": " + kRow3 + ", \"K\": " + kRow3 + "}"), "p.json"),
      "p.json: layers[1].heads[0].V: has 2 rows, expected 3");
  CHECK_ERROR(parse_arch_json("{\"layers\": [], \"allparam\": []}", "p.json"), "needs exactly one key");
  CHECK_ERROR(parse_arch_json("{\"W\": 1}", "p.json"), "p.json: needs the layout");
  CHECK_ERROR(parse_arch_json("[1]", "p.json"), "p.json: must be a JSON object");
  CHECK_ERROR(parse_arch_json("{\"layers\": [", "p.json"), "p.json: invalid JSON");
  CHECK_ERROR(
      parse_arch_json("{\"allparam\": [[[" + kRow3 + ", " + kRow3 + ", " + kRow3 + ", " + kRow3 + "]]]}", "p.json"),
      "p.json: allparam[0][0]: must hold 3 matrices V, Q, K (or 2: V and the merged M), got 4");
  CHECK_ERROR(parse_arch_json(
                  "{\"allparam\": [[[" + kRow3 + ", " + kRow3 + "], [" + kRow3 + ", " + kRow3 + ", " + kRow3 + "]]]}",
                  "p.json"),
              "allparam[0][1]: holds 3 matrices, allparam[0][0] holds 2");
  CHECK_ERROR(parse_arch_json("{\"allparam\": [[[" + kRow3 + ", " + kRow3 + ", " + kRow3 + "]], []]}", "p.json"),
              "p.json: allparam[1]: must be a non-empty array of heads");
  CHECK_ERROR(parse_arch_json(
                  "{\"allparam\": [[[" + kRow3 + ", " + kRow3 + ", [[0, 0, 0], [0, true, 0], [0, 0, 0]]]]]}", "p.json"),
              "p.json: allparam[0][0][2][1][1]: must be a number");
  CHECK_ERROR(parse_arch_json("{\"allparam\": []}", "p.json"), "p.json: allparam: must be a non-empty array");
}

TEST_CASE(".npy: each mistake names the file and the field") {
  const std::string good = dict("<f8", "(1, 1, 3, 3, 3)");
  const std::string data = f8(std::vector<double>(27, 0.5));
  CHECK_NOTHROW(parse_arch_npy(npy(good, data), "p.npy"));
  CHECK_ERROR(parse_arch_npy(npy(dict("<i8", "(1, 1, 3, 3, 3)"), data), "p.npy"),
              "p.npy: dtype '<i8' is not float32 or float64");
  CHECK_ERROR(parse_arch_npy(npy(dict("<f8", "(1, 3, 3, 3)"), data), "p.npy"),
              "p.npy: shape (1, 3, 3, 3) has rank 4, expected rank 5");
  CHECK_ERROR(parse_arch_npy(npy(dict("<f8", "(27,)"), data), "p.npy"), "shape (27,) has rank 1");
  CHECK_ERROR(parse_arch_npy(npy(dict("<f8", "(1, 1, 1, 3, 9)"), data), "p.npy"), "axis 2 has 1 entries, expected 3");
  CHECK_ERROR(parse_arch_npy(npy(dict("<f8", "(1, 3, 3, 1, 3)"), data), "p.npy"), "expected D x D");
  CHECK_ERROR(parse_arch_npy(npy(dict("<f8", "(3, 1, 3, 1, 1)"), data.substr(0, 9 * 8)), "p.npy"), "D = 1");
  CHECK_ERROR(parse_arch_npy(npy(dict("<f8", "(0, 1, 3, 3, 3)"), ""), "p.npy"), "no layers or no heads");
  CHECK_ERROR(parse_arch_npy(npy(good, data, 1, 0).substr(0, 128 + 100), "p.npy"),
              "p.npy: truncated: the data has 100 bytes");
  CHECK_ERROR(parse_arch_npy(npy(good, data + "x"), "p.npy"), "p.npy: wrong size");
  CHECK_ERROR(parse_arch_npy(npy(dict("<f8", "(1, 1, 3, 3, 3)", true), data), "p.npy"),
              "p.npy: fortran_order True is not supported");
  CHECK_ERROR(parse_arch_npy(npy(good, data, 4), "p.npy"), "p.npy: .npy format version 4.0");
  CHECK_ERROR(parse_arch_npy(npy(good, data).substr(0, 40), "p.npy"), "p.npy: truncated: the header needs");
  CHECK_ERROR(parse_arch_npy(npy("{'descr': '<f8', 'shape': (1, 1, 3, 3, 3)}", data), "p.npy"),
              "missing key 'fortran_order'");
  CHECK_ERROR(
      parse_arch_npy(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1, 1, 3, 3, 3), 'x': 1}", data), "p.npy"),
      "p.npy: header: unexpected key 'x'");
  CHECK_ERROR(parse_arch_npy("\x93NUMPY", "p.npy"), "p.npy: not a NumPy .npy file");
  std::vector<double> v(27, 0.5);
  v[9 + 2 * 3 + 0] = std::numeric_limits<double>::quiet_NaN();
  CHECK_ERROR(parse_arch_npy(npy(good, f8(v)), "p.npy"), "p.npy: allparam[0][0][1][2][0]: NaN is not a finite number");
  v[9 + 2 * 3 + 0] = 0.5;
  v[26] = -std::numeric_limits<double>::infinity();
  CHECK_ERROR(parse_arch_npy(npy(good, f8(v)), "p.npy"), "allparam[0][0][2][2][2]: -inf");
  std::vector<float> w(27, 0.5f);
  w[3] = std::numeric_limits<float>::infinity();
  CHECK_ERROR(parse_arch_npy(npy(dict("<f4", "(1, 1, 3, 3, 3)"), f4(w)), "p.npy"), "allparam[0][0][0][1][0]: inf");
}

TEST_CASE(".npz: each mistake names the file and the entry") {
  const std::string array = npy(dict("<f8", "(1, 1, 3, 3, 3)"), f8(std::vector<double>(27, 0.25)));
  for (bool deflated : {false, true}) {
    CAPTURE(deflated);
    const std::string good = zip({{"allparam.npy", array, deflated}});
    CHECK_NOTHROW(parse_arch_npz(good, "p.npz"));
    CHECK_ERROR(parse_arch_npz(good.substr(0, good.size() - 30), "p.npz"), "p.npz: truncated");
    CHECK_ERROR(parse_arch_npz(good.substr(0, 100) + good.substr(good.size() - 22 - 46 - 12), "p.npz"),
                "p.npz: truncated or corrupt zip central directory");
    CHECK_ERROR(parse_arch_npz(zip({{"a.npy", array, deflated}, {"b.npy", array, deflated}}), "p.npz"),
                "p.npz: no array named allparam (the archive holds 2 arrays: a, b)");
    // A flipped byte inside the data: the CRC (stored) or the inflater (deflated) notices.
    std::string corrupt = good;
    const std::size_t inside = 30 + 12 + (deflated ? raw_deflate(array) : array).size() / 2;
    corrupt[inside] = static_cast<char>(corrupt[inside] ^ 0x5A);
    CHECK_ERROR(parse_arch_npz(corrupt, "p.npz"), "p.npz: allparam.npy: ");
    // The array inside is checked like a .npy file, named by its entry.
    const std::string ints = npy(dict("<i8", "(1, 1, 3, 3, 3)"), f8(std::vector<double>(27, 0.0)));
    CHECK_ERROR(parse_arch_npz(zip({{"allparam.npy", ints, deflated}}), "p.npz"),
                "p.npz: allparam.npy: dtype '<i8' is not float32 or float64");
  }
  CHECK_ERROR(parse_arch_npz(zip({}), "p.npz"), "p.npz: no array named allparam (the archive holds 0 arrays)");
  CHECK_ERROR(parse_arch_npz("PK\x03\x04", "p.npz"), "p.npz: truncated");
  std::string method = zip({{"allparam.npy", array, false}});
  method[8] = 12;                                     // local header's method
  method[method.find("PK\x01\x02", 0, 4) + 10] = 12;  // central directory's
  CHECK_ERROR(parse_arch_npz(method, "p.npz"),
              "p.npz: allparam.npy: compression method 12 is not stored (0) or deflated (8)");
}

TEST_CASE("read_arch_file: the content decides the format, a missing file is named") {
  CHECK_ERROR(read_arch_file("/nonexistent/p.npz"), "cannot read '/nonexistent/p.npz'");
}
