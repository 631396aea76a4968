#include "poly/sign_runs.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "poly/flint_poly.hpp"  // sign_of, floor_of

namespace icl {
namespace {

constexpr long kLimit = 1L << 62;

long floor_to_long(const Rational& x) {
  const Integer q = floor_of(x);
  if (q > Integer(kLimit) || q < Integer(-kLimit)) throw std::domain_error("vertex beyond 2^62");
  return q.convert_to<long>();
}

// First n in [lo, hi] (hi empty: unbounded) with pred(n) true, for pred monotone false -> true;
// returns hi + 1 if none. Gallops when unbounded (pred must eventually hold).
template <class Pred>
long first_true(long lo, std::optional<long> hi, Pred pred) {
  long right;
  if (hi) {
    if (!pred(*hi)) return *hi + 1;
    right = *hi;
  } else {
    long step = 1;
    right = lo;
    while (!pred(right)) {
      lo = right + 1;
      if (step > kLimit / 2 || right > kLimit - step) throw std::domain_error("no sign change below 2^62");
      right += step;
      step *= 2;
    }
  }
  while (lo < right) {  // invariant: pred(right), and pred false before lo
    const long mid = lo + (right - lo) / 2;
    if (pred(mid))
      right = mid;
    else
      lo = mid + 1;
  }
  return right;
}

void append(std::vector<SignRun>& runs, int sign, long lo, std::optional<long> hi) {
  if (hi && *hi < lo) return;
  if (!runs.empty() && runs.back().sign == sign && runs.back().hi && *runs.back().hi + 1 == lo) {
    runs.back().hi = hi;
    return;
  }
  runs.push_back(SignRun{sign, lo, hi});
}

// On [lo, hi] the polynomial is monotone in direction dir (+1 non-decreasing, -1 non-increasing).
void monotone_piece(const Polynomial<Rational>& p, int dir, long lo, std::optional<long> hi,
                    std::vector<SignRun>& runs) {
  auto q = [&](long n) { return dir * sign_of(p(Rational(n))); };
  const long f1 = first_true(lo, hi, [&](long n) { return q(n) >= 0; });
  const long f2 = first_true(f1, hi, [&](long n) { return q(n) > 0; });
  append(runs, -dir, lo, f1 - 1);
  append(runs, 0, f1, f2 - 1);
  append(runs, dir, f2, hi);
}

}  // namespace

std::vector<SignRun> integer_sign_runs(const Polynomial<Rational>& p) {
  const int deg = p.degree();
  if (deg > 2) throw std::domain_error("integer_sign_runs handles degree <= 2");
  std::vector<SignRun> runs;
  if (deg <= 0) {
    runs.push_back(SignRun{sign_of(p.coeff(0)), 0, std::nullopt});
    return runs;
  }
  const int lead = sign_of(p.leading());
  if (deg == 1) {
    monotone_piece(p, lead, 0, std::nullopt, runs);
    return runs;
  }
  const Rational vertex = -p.coeff(1) / (2 * p.coeff(2));
  const long split = vertex <= 0 ? -1 : floor_to_long(vertex);  // decreasing (for lead > 0) up to split
  if (split >= 0) monotone_piece(p, -lead, 0, split, runs);
  monotone_piece(p, lead, split + 1, std::nullopt, runs);
  return runs;
}

std::optional<long> sign_holds_from(const std::vector<SignRun>& runs, int sign) {
  if (runs.empty() || runs.back().hi || runs.back().sign != sign) return std::nullopt;
  return runs.back().lo;
}

std::string describe_runs(const std::vector<SignRun>& runs, int sign) {
  std::string out;
  for (const auto& r : runs) {
    if (r.sign != sign) continue;
    if (!out.empty()) out += ", ";
    out += r.hi ? fmt::format("[{}, {}]", r.lo, *r.hi) : fmt::format("[{}, inf)", r.lo);
  }
  return out.empty() ? "none" : out;
}

}  // namespace icl
