#include "poly/flint_poly.hpp"

#include <flint/fmpz.h>
#include <flint/fmpz_poly.h>

#include <algorithm>
#include <limits>
#include <set>
#include <stdexcept>

namespace icl {

namespace {

// RAII holders for the two FLINT types used here.
struct FmpzPoly {
  fmpz_poly_t p;
  FmpzPoly() { fmpz_poly_init(p); }
  ~FmpzPoly() { fmpz_poly_clear(p); }
  FmpzPoly(const FmpzPoly&) = delete;
  FmpzPoly& operator=(const FmpzPoly&) = delete;
  long degree() const { return fmpz_poly_degree(p); }
};

struct Fmpz {
  fmpz_t v;
  Fmpz() { fmpz_init(v); }
  explicit Fmpz(const Integer& z) {
    fmpz_init(v);
    fmpz_set_mpz(v, z.backend().data());
  }
  ~Fmpz() { fmpz_clear(v); }
  Fmpz(const Fmpz&) = delete;
  Fmpz& operator=(const Fmpz&) = delete;
};

Integer to_integer(const fmpz_t z) {
  Integer out;
  fmpz_get_mpz(out.backend().data(), z);
  return out;
}

// L p with L the least common multiple of the denominators: same roots, integer coefficients.
void set_integer_poly(fmpz_poly_t out, const Polynomial<Rational>& p) {
  Integer lcm = 1;
  for (const auto& c : p.coeffs) lcm = boost::multiprecision::lcm(lcm, Integer(boost::multiprecision::denominator(c)));
  fmpz_poly_zero(out);
  for (std::size_t k = 0; k < p.coeffs.size(); ++k) {
    const Rational& c = p.coeffs[k];
    const Fmpz z(Integer(boost::multiprecision::numerator(c)) * (lcm / Integer(boost::multiprecision::denominator(c))));
    fmpz_poly_set_coeff_fmpz(out, static_cast<slong>(k), z.v);
  }
}

// p / gcd(p, p'): the same real roots, each simple (a Sturm count needs a squarefree input).
void squarefree_part(fmpz_poly_t out, const fmpz_poly_t p) {
  if (fmpz_poly_degree(p) <= 1) {
    fmpz_poly_set(out, p);
    return;
  }
  FmpzPoly dp, g;
  fmpz_poly_derivative(dp.p, p);
  fmpz_poly_gcd(g.p, p, dp.p);
  fmpz_poly_div(out, p, g.p);
}

// Positive real roots of a squarefree q with q(0) != 0.
long positive_roots(const fmpz_poly_t q) {
  const long deg = fmpz_poly_degree(q);
  if (deg <= 0) return 0;
  if (deg == 1) return fmpz_sgn(q->coeffs) != fmpz_sgn(q->coeffs + 1) ? 1 : 0;
  slong neg = 0, pos = 0;
  _fmpz_poly_num_real_roots_sturm(&neg, &pos, q->coeffs, q->length);
  return pos;
}

// The roots of the squarefree sq in the open interval (a/c, b/c), a < b, c > 0: the positive roots
// of q(t) = sum_k sq_k (a + b t)^k (c (1 + t))^(deg - k).
long roots_between(const fmpz_poly_t sq, const Integer& a, const Integer& b, const Integer& c) {
  const long deg = fmpz_poly_degree(sq);
  FmpzPoly lin, den, q, term, pa, pc;
  const Fmpz fa(a), fb(b), fc(c);
  fmpz_poly_set_coeff_fmpz(lin.p, 0, fa.v);
  fmpz_poly_set_coeff_fmpz(lin.p, 1, fb.v);
  fmpz_poly_set_coeff_fmpz(den.p, 0, fc.v);
  fmpz_poly_set_coeff_fmpz(den.p, 1, fc.v);
  for (long k = 0; k <= deg; ++k) {
    fmpz_poly_pow(pa.p, lin.p, static_cast<ulong>(k));
    fmpz_poly_pow(pc.p, den.p, static_cast<ulong>(deg - k));
    fmpz_poly_mul(term.p, pa.p, pc.p);
    fmpz_poly_scalar_mul_fmpz(term.p, term.p, sq->coeffs + k);
    fmpz_poly_add(q.p, q.p, term.p);
  }
  // A root at x = a/c is t = 0: not in the open interval.
  while (q.degree() > 0 && fmpz_is_zero(q.p->coeffs)) fmpz_poly_shift_right(q.p, q.p, 1);
  return positive_roots(q.p);
}

long roots_between(const fmpz_poly_t sq, const Rational& lo, const Rational& hi) {
  const Integer dl(boost::multiprecision::denominator(lo)), dh(boost::multiprecision::denominator(hi));
  const Integer c = boost::multiprecision::lcm(dl, dh);
  return roots_between(sq, Integer(boost::multiprecision::numerator(lo)) * (c / dl),
                       Integer(boost::multiprecision::numerator(hi)) * (c / dh), c);
}

Rational evaluate(const fmpz_poly_t p, const Rational& x) {
  Rational acc = 0;
  for (slong k = fmpz_poly_degree(p); k >= 0; --k) acc = acc * x + Rational(to_integer(p->coeffs + k));
  return acc;
}

long to_long_checked(const Rational& x) {
  if (abs_of(x) > Rational(Integer(1) << 62)) throw std::domain_error("sign change beyond 2^62");
  return static_cast<long>(boost::multiprecision::numerator(x));
}

}  // namespace

int sign_of(const Rational& x) { return x > 0 ? 1 : (x < 0 ? -1 : 0); }

Integer floor_of(const Rational& x) {
  const Integer num = boost::multiprecision::numerator(x);
  const Integer den = boost::multiprecision::denominator(x);  // > 0
  Integer q = num / den;                                      // truncates toward zero
  if (q * den > num) q -= 1;
  return q;
}

long count_real_roots(const Polynomial<Rational>& p) {
  if (p.degree() < 0) throw std::invalid_argument("count_real_roots: the zero polynomial");
  FmpzPoly ip, sq;
  set_integer_poly(ip.p, p);
  squarefree_part(sq.p, ip.p);
  if (sq.degree() <= 0) return 0;
  return fmpz_poly_num_real_roots_sturm(sq.p);
}

std::vector<RootInterval> isolate_real_roots(const Polynomial<Rational>& p, const Rational& width) {
  if (p.degree() < 0) throw std::invalid_argument("isolate_real_roots: the zero polynomial");
  FmpzPoly ip, sq;
  set_integer_poly(ip.p, p);
  squarefree_part(sq.p, ip.p);
  if (sq.degree() <= 0) return {};
  Fmpz bound;
  fmpz_poly_bound_roots(bound.v, sq.p);
  const Rational B(to_integer(bound.v) + 1);  // every root lies in (-B, B)
  std::vector<RootInterval> out;
  // Depth-first bisection, left half first, so the roots come out in increasing order.
  std::vector<RootInterval> stack{{Rational(-B), B}};
  while (!stack.empty()) {
    const RootInterval iv = stack.back();
    stack.pop_back();
    if (iv.lo == iv.hi) {  // an exact root found at a bisection point
      out.push_back(iv);
      continue;
    }
    const long count = roots_between(sq.p, iv.lo, iv.hi);
    if (count == 0) continue;
    if (count == 1 && iv.hi - iv.lo <= width) {
      out.push_back(iv);
      continue;
    }
    const Rational mid = (iv.lo + iv.hi) / 2;
    stack.push_back({mid, iv.hi});
    if (evaluate(sq.p, mid) == 0) stack.push_back({mid, mid});
    stack.push_back({iv.lo, mid});
  }
  return out;
}

std::vector<SignRun> sign_runs_any_degree(const Polynomial<Rational>& p) {
  if (p.degree() < 0) return {SignRun{0, 0, std::nullopt}};
  // Candidate integers: 0 and the integers around and inside each isolating interval (width <= 1/2).
  std::set<long> candidates{0};
  for (const auto& iv : isolate_real_roots(p, Rational(1, 2))) {
    if (iv.hi < 0) continue;
    const Rational lo(floor_of(iv.lo)), hi(floor_of(iv.hi) + 1);
    for (Rational k = std::max(lo, Rational(0)); k <= hi; k += 1) candidates.insert(to_long_checked(k));
  }
  std::vector<SignRun> points;  // one run per candidate and per gap between candidates
  const auto push = [&points](int sign, long lo, std::optional<long> hi) {
    if (!points.empty() && points.back().sign == sign && points.back().hi && *points.back().hi + 1 == lo) {
      points.back().hi = hi;
      return;
    }
    points.push_back({sign, lo, hi});
  };
  long prev = -1;
  for (long k : candidates) {
    if (k > prev + 1) push(sign_of(p(Rational(prev + 1))), prev + 1, k - 1);  // no root in between
    push(sign_of(p(Rational(k))), k, k);
    prev = k;
  }
  push(sign_of(p.leading()), prev + 1, std::nullopt);  // past every root
  return points;
}

}  // namespace icl
