// libFuzzer target: the number and range parsers of src/core/number.hpp.
//
// Contract (docs/fuzzing.md): on any input each parser returns a value or throws icl::InputError;
// any other exception escapes and aborts (libFuzzer saves the input), as do crashes, undefined
// behaviour (UBSan), hangs (-timeout) and huge allocations (-malloc_limit_mb / -rss_limit_mb).
//
// Every input goes to all four parsers, and each answer is compared with an independent reading
// of the grammar the header documents (written here from the comments, not from number.cpp):
//   number  = [+-] (digits [. [digits]] | . digits) [(e|E) [+-] digits],  |exponent| <= 10000
//   rational = number | number / number  (denominator not 0; blanks around the parts are allowed)
//   integer  = [+-] digits,  lo <= value <= hi
//   index list = item {, item},  item = integer | integer : integer,  0 <= a <= b <= 10^9,
//                b - a < 10^6, at most 10^6 values in all
// Accepted where the grammar rejects, rejected where it accepts, or a different value: a bug.
#include <cctype>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/number.hpp"

namespace {

// A property the header promises does not hold: report it and stop (libFuzzer saves the input).
[[noreturn]] void broken(const std::string& what, std::string_view input) {
  fprintf(stderr, "fuzz_numbers: %s on input '%.*s'\n", what.c_str(), static_cast<int>(input.size()), input.data());
  __builtin_trap();
}

// --- the reference reading of the documented grammar -----------------------------------------------

bool blank(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }
bool digit(char c) { return c >= '0' && c <= '9'; }

std::string_view strip(std::string_view s) {
  while (!s.empty() && blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && blank(s.back())) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> pieces(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= s.size(); ++i)
    if (i == s.size() || s[i] == sep) {
      out.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  return out;
}

std::optional<icl::Rational> ref_number(std::string_view s) {
  std::size_t i = 0;
  bool negative = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) negative = s[i++] == '-';
  icl::Integer mantissa = 0;
  long frac = 0, ndigits = 0;
  for (; i < s.size() && digit(s[i]); ++i, ++ndigits) mantissa = mantissa * 10 + (s[i] - '0');
  if (i < s.size() && s[i] == '.')
    for (++i; i < s.size() && digit(s[i]); ++i, ++ndigits, ++frac) mantissa = mantissa * 10 + (s[i] - '0');
  if (ndigits == 0) return std::nullopt;
  long exponent = 0;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    bool eneg = false;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) eneg = s[i++] == '-';
    if (i == s.size()) return std::nullopt;
    for (; i < s.size() && digit(s[i]); ++i)
      if ((exponent = exponent * 10 + (s[i] - '0')) > 10000) exponent = 10001;  // saturate
    if (i != s.size() || exponent > 10000) return std::nullopt;
    if (eneg) exponent = -exponent;
  }
  if (i != s.size()) return std::nullopt;
  const long shift = exponent - frac;  // value = mantissa * 10^shift
  const icl::Integer p =
      boost::multiprecision::pow(icl::Integer(10), static_cast<unsigned>(shift < 0 ? -shift : shift));
  icl::Rational v = shift >= 0 ? icl::Rational(mantissa * p) : icl::Rational(mantissa, p);
  return negative ? icl::Rational(-v) : v;
}

std::optional<icl::Rational> ref_rational(std::string_view text) {
  const std::string_view s = strip(text);
  const auto parts = pieces(s, '/');
  if (s.empty() || parts.size() > 2) return std::nullopt;
  const auto num = ref_number(strip(parts[0]));
  if (!num) return std::nullopt;
  if (parts.size() == 1) return num;
  const auto den = ref_number(strip(parts[1]));
  if (!den || *den == 0) return std::nullopt;
  return *num / *den;
}

std::optional<long> ref_integer(std::string_view text, long lo, long hi) {
  const std::string_view s = strip(text);
  std::size_t i = 0;
  bool negative = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) negative = s[i++] == '-';
  if (i == s.size()) return std::nullopt;
  __int128 v = 0;
  for (; i < s.size(); ++i) {
    if (!digit(s[i])) return std::nullopt;
    v = v * 10 + (s[i] - '0');
    if (v > (__int128(1) << 64)) v = __int128(1) << 64;  // saturate: outside every long
  }
  if (negative) v = -v;
  if (v < lo || v > hi) return std::nullopt;
  return static_cast<long>(v);
}

struct Range {
  long a, b;
};

std::optional<std::vector<Range>> ref_index_list(std::string_view text) {
  if (strip(text).empty()) return std::nullopt;
  std::vector<Range> ranges;
  long total = 0;
  for (auto part : pieces(text, ',')) {
    const auto ends = pieces(part, ':');
    if (ends.size() > 2) return std::nullopt;
    const auto a = ref_integer(ends[0], 0, 1'000'000'000);
    const auto b = ends.size() == 2 ? ref_integer(ends[1], 0, 1'000'000'000) : a;
    if (!a || !b || *b < *a || *b - *a >= 1'000'000) return std::nullopt;
    ranges.push_back({*a, *b});
    total += *b - *a + 1;
    if (total > 1'000'000) return std::nullopt;
  }
  return ranges;
}

// --- the parsers against the reference --------------------------------------------------------------

// The parser's answer, or nothing when it throws InputError (any other exception escapes).
template <class Parse>
auto attempt(Parse parse) -> std::optional<decltype(parse())> {
  try {
    return parse();
  } catch (const icl::InputError&) {
    return std::nullopt;
  }
}

// Accepted iff the reference accepts, with the reference's value.
template <class T>
void compare(const char* parser, const std::optional<T>& got, const std::optional<T>& want, std::string_view s) {
  const std::string name(parser);
  if (got && !want) broken(name + " accepted text outside the documented grammar", s);
  if (!got && want) broken(name + " rejected valid text", s);
  if (got && *got != *want) broken(name + ": wrong value", s);
}

void rational(std::string_view s) {
  const auto got = attempt([&] { return icl::parse_rational(s, "x"); });
  compare("parse_rational", got, ref_rational(s), s);
  // Exact: the value's own "p/q" text reads back as the same value.
  if (got && icl::parse_rational(icl::to_fraction(*got), "x") != *got) broken("parse_rational(to_fraction(q)) != q", s);
}

void rational_list(std::string_view s) {
  std::optional<std::vector<icl::Rational>> want;
  if (!strip(s).empty()) {
    want.emplace();
    for (auto part : pieces(s, ',')) {
      auto q = ref_rational(part);
      if (!q) {
        want.reset();
        break;
      }
      want->push_back(*q);
    }
  }
  compare("parse_rational_list", attempt([&] { return icl::parse_rational_list(s, "x"); }), want, s);
}

void index_list(std::string_view s) {
  const auto want = ref_index_list(s);
  const auto got = attempt([&] { return icl::parse_index_list(s, "x"); });
  if (got && !want) broken("parse_index_list accepted an invalid list", s);
  if (!got && want) broken("parse_index_list rejected a valid list", s);
  if (!got) return;
  std::size_t k = 0;  // the ranges expanded in order, duplicates kept
  for (const Range& r : *want)
    for (long n = r.a; n <= r.b; ++n, ++k)
      if (k >= got->size() || (*got)[k] != n) broken("parse_index_list: wrong values", s);
  if (k != got->size()) broken("parse_index_list: wrong number of values", s);
}

void integer(std::string_view s, long lo, long hi) {
  compare("parse_integer", attempt([&] { return icl::parse_integer(s, "x", lo, hi); }), ref_integer(s, lo, hi), s);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // A std::string copy: the parsers get a string_view that ends exactly at the input's end, and
  // ASan sees any read past it.
  const std::string text(reinterpret_cast<const char*>(data), size);
  const std::string_view s(text);
  rational(s);
  rational_list(s);
  index_list(s);
  integer(s, 0, 1'000'000'000);
  integer(s, LONG_MIN, LONG_MAX);
  integer(s, -5, 5);
  return 0;
}
