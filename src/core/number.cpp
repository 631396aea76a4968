#include "core/number.hpp"

#include <fmt/format.h>

#include <cctype>
#include <charconv>
#include <ios>

#include "core/limits.hpp"

namespace icl {

std::string to_fraction(const Rational& q) {
  const Integer num = boost::multiprecision::numerator(q);
  const Integer den = boost::multiprecision::denominator(q);
  if (den == 1) return num.str();
  return fmt::format("{}/{}", num.str(), den.str());
}

std::string to_decimal(const Float50& x, int digits) {
  if (x == 0) return "0";
  return x.str(digits, std::ios_base::fmtflags(0));
}

std::string to_decimal(double x) { return fmt::format("{}", x); }

std::string quoted(std::string_view text) {
  if (text.size() <= limits::kMaxQuotedChars) return std::string(text);
  return fmt::format("{}... ({} characters)", text.substr(0, limits::kMaxQuotedChars), text.size());
}

namespace {

[[noreturn]] void reject(std::string_view what, std::string_view text, std::string_view why) {
  throw InputError(fmt::format("{}: '{}' {}", what, quoted(text), why));
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// [+-]digits[.digits][(e|E)[+-]digits], at least one digit in the mantissa.
Rational parse_decimal(std::string_view s, std::string_view what, std::string_view whole) {
  std::size_t i = 0;
  bool negative = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) negative = s[i++] == '-';
  std::string digits;
  long scale = 0;  // value = digits * 10^(-scale)
  bool seen_digit = false;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
    digits += s[i++];
    seen_digit = true;
  }
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
      digits += s[i++];
      ++scale;
      seen_digit = true;
    }
  }
  if (!seen_digit) reject(what, whole, "is not a number (expected a decimal like 0.1 or a fraction like 1/10)");
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    long exponent = 0;
    const char* first = s.data() + i;
    const char* last = s.data() + s.size();
    if (first != last && *first == '+' && first + 1 != last && first[1] != '-') ++first;
    auto [ptr, ec] = std::from_chars(first, last, exponent);
    if (ec != std::errc() || ptr != last || first == last) reject(what, whole, "has a malformed exponent");
    if (exponent > 10000 || exponent < -10000) reject(what, whole, "has an exponent outside [-10000, 10000]");
    scale -= exponent;
    i = s.size();
  }
  if (i != s.size()) reject(what, whole, "is not a number (expected a decimal like 0.1 or a fraction like 1/10)");
  // Leading zeros go: GMP would read "010" as octal (8) and "08" not at all.
  const auto first_nonzero = digits.find_first_not_of('0');
  const Integer mantissa(first_nonzero == std::string::npos ? std::string("0") : digits.substr(first_nonzero));
  Integer ten_power = boost::multiprecision::pow(Integer(10), static_cast<unsigned>(scale < 0 ? -scale : scale));
  Rational value = scale >= 0 ? Rational(mantissa, ten_power) : Rational(mantissa * ten_power);
  return negative ? Rational(-value) : value;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t pos = s.find(sep, start);
    parts.push_back(s.substr(start, pos == std::string_view::npos ? std::string_view::npos : pos - start));
    if (pos == std::string_view::npos) break;
    start = pos + 1;
  }
  return parts;
}

}  // namespace

Rational parse_rational(std::string_view text, std::string_view what) {
  const std::string_view s = trim(text);
  if (s.empty()) reject(what, text, "is empty (expected a number like 0.1 or 1/10)");
  const auto parts = split(s, '/');
  if (parts.size() > 2) reject(what, text, "has more than one '/'");
  const Rational num = parse_decimal(trim(parts[0]), what, text);
  if (parts.size() == 1) return num;
  const Rational den = parse_decimal(trim(parts[1]), what, text);
  if (den == 0) reject(what, text, "has a zero denominator");
  return num / den;
}

std::vector<Rational> parse_rational_list(std::string_view text, std::string_view what) {
  if (trim(text).empty()) reject(what, text, "is empty (expected a comma-separated list like 3/5,4/5,0)");
  std::vector<Rational> values;
  for (auto part : split(text, ',')) values.push_back(parse_rational(part, what));
  return values;
}

long parse_integer(std::string_view text, std::string_view what, long lo, long hi) {
  const std::string_view s = trim(text);
  long value = 0;
  const char* first = s.data();
  const char* last = s.data() + s.size();
  if (first != last && *first == '+' && first + 1 != last && first[1] != '-') ++first;
  auto [ptr, ec] = std::from_chars(first, last, value);
  if (s.empty() || ec != std::errc() || ptr != last)
    reject(what, text, fmt::format("is not an integer in [{}, {}]", lo, hi));
  if (value < lo || value > hi) reject(what, text, fmt::format("is outside [{}, {}]", lo, hi));
  return value;
}

std::vector<long> parse_index_list(std::string_view text, std::string_view what) {
  constexpr long max_index = 1'000'000'000;
  if (trim(text).empty()) reject(what, text, "is empty (expected a list like 0,1,5 or a range like 0:40)");
  std::vector<long> values;
  for (auto part : split(text, ',')) {
    const auto ends = split(part, ':');
    if (ends.size() > 2) reject(what, part, "is not a range a:b");
    const long a = parse_integer(ends[0], what, 0, max_index);
    const long b = ends.size() == 2 ? parse_integer(ends[1], what, 0, max_index) : a;
    if (b < a) reject(what, part, "is a range a:b with a > b");
    if (b - a >= limits::kMaxListValues)
      reject(what, part, fmt::format("spans more than {} values (the limit of a list)", limits::kMaxListValues));
    if (static_cast<long>(values.size()) + (b - a + 1) > limits::kMaxListValues)
      reject(what, text,
             fmt::format("lists more than {} values in total (the limit of a list)", limits::kMaxListValues));
    for (long n = a; n <= b; ++n) values.push_back(n);
  }
  return values;
}

}  // namespace icl
