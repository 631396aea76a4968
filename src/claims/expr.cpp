#include "claims/expr.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <sstream>

#include "claims/ginac_rational.hpp"
#include "core/limits.hpp"
#include "core/number.hpp"

namespace icl::claims {

const char* task_name(TaskKind t) {
  switch (t) {
    case TaskKind::Theta0:
      return "theta0";
    case TaskKind::MinusTheta0:
      return "-theta0";
    case TaskKind::Sphere:
      return "sphere";
  }
  return "?";
}

namespace {

bool name_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }
bool digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

// A parsed subexpression and bounds on the total degrees of the numerator and the denominator of its
// normal form, derived from the syntax alone (nothing is expanded to find them): the degree limit is
// checked before GiNaC is asked to build anything large. Fractions add degrees when they are added
// (a/b + c/d = (ad + bc)/(bd)): a bound that took the larger degree of a sum, right for polynomials,
// let nested fractions grow far past the limit (a fuzzer's input made GiNaC allocate 322 MB).
// The same bounds hold for the number of terms of the expanded numerator and denominator (tnum, tden;
// doubles, so that a bound far past the limit does not overflow).
struct Term {
  GiNaC::ex e;
  long num = 0, den = 0;
  double tnum = 1, tden = 1;
};
Term sum_of(GiNaC::ex e, const Term& a, const Term& b) {
  return {std::move(e), std::max(a.num + b.den, b.num + a.den), a.den + b.den, a.tnum * b.tden + b.tnum * a.tden,
          a.tden * b.tden};
}
Term product_of(GiNaC::ex e, const Term& a, const Term& b) {
  return {std::move(e), a.num + b.num, a.den + b.den, a.tnum * b.tnum, a.tden * b.tden};
}
Term quotient_of(GiNaC::ex e, const Term& a, const Term& b) {
  return {std::move(e), a.num + b.den, a.den + b.num, a.tnum * b.tden, a.tden * b.tnum};
}
// Terms of the k-th power of a sum of t terms: C(t + k - 1, k), the multinomial count.
double power_terms(double t, long k) {
  double out = 1;
  for (long i = 1; i <= k; ++i) out *= (t + static_cast<double>(i) - 1) / static_cast<double>(i);
  return out;
}
// A symbol, a number, or a name standing for an expression (its expanded terms).
Term leaf(const GiNaC::ex& e, long degree) {
  const GiNaC::ex x = GiNaC::expand(e);
  return {e, degree, 0, GiNaC::is_a<GiNaC::add>(x) ? static_cast<double>(x.nops()) : 1.0, 1};
}

// Bits of a rational number p/q: bits of p plus bits of q.
long number_bits(const GiNaC::numeric& x) { return static_cast<long>(x.numer().int_length() + x.denom().int_length()); }

// Recursive descent over `text`; every error names the 1-based column where it was found.
class Reader {
 public:
  Reader(std::string_view text, const NameTable& table, const std::string& what, std::size_t offset)
      : text_(text), table_(table), what_(what), offset_(offset) {}

  Expr read() {
    skip();
    if (pos_ == text_.size()) fail("empty expression");
    Expr out;
    try {
      out.e = expression().e;
    } catch (const InputError&) {
      throw;
    } catch (const std::domain_error& e) {  // GiNaC's arithmetic, should a case slip past the checks above
      fail(e.what());
    } catch (const std::overflow_error& e) {
      fail(e.what());
    }
    skip();
    if (pos_ != text_.size()) fail(fmt::format("unexpected '{}'", text_[pos_]));
    out.atoms = std::move(atoms_);
    return out;
  }

 private:
  [[noreturn]] void fail(const std::string& problem) const {
    throw InputError(fmt::format("{}: column {}: {} (in \"{}\")", what_, offset_ + pos_ + 1, problem, text_));
  }
  void skip() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  bool eat(char c) {
    skip();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  void expect(char c) {
    if (!eat(c))
      fail(pos_ < text_.size() ? fmt::format("expected '{}', found '{}'", c, text_[pos_])
                               : fmt::format("expected '{}' at the end", c));
  }

  // One more level of nesting (a parenthesis, a risk atom, a unary sign) for the life of the guard.
  class Nested {
   public:
    explicit Nested(Reader& r) : r_(r) {
      if (++r_.depth_ > limits::kMaxNestingDepth)
        r_.fail(fmt::format("nested more than {} levels deep (the limit of an expression)", limits::kMaxNestingDepth));
    }
    ~Nested() { --r_.depth_; }
    Nested(const Nested&) = delete;
    Nested& operator=(const Nested&) = delete;

   private:
    Reader& r_;
  };

  // `t` if the degrees and terms of its numerator and denominator are within the limits; else an error
  // at column `at`.
  Term bounded(Term t, std::size_t at) {
    const long degree = std::max(t.num, t.den);
    if (degree > limits::kMaxExpressionDegree) {
      pos_ = at;
      fail(fmt::format("the expression can reach degree {}, more than {} (the limit of an expression)", degree,
                       limits::kMaxExpressionDegree));
    }
    if (std::max(t.tnum, t.tden) > limits::kMaxExpressionTerms) {
      pos_ = at;
      fail(fmt::format("the expression can expand to more than {} terms (the limit of an expression)",
                       limits::kMaxExpressionTerms));
    }
    return t;
  }
  // A denominator that is zero, also one that is zero only once expanded ((c+1)^2-c^2-2*c-1).
  void nonzero_denominator(const GiNaC::ex& den, std::size_t at) {
    if (den.is_zero() || GiNaC::normal(den).is_zero()) {
      pos_ = at;
      fail("division by zero");
    }
  }

  Term expression() {
    const std::size_t start = pos_;
    Term acc = term();
    for (;;) {
      if (eat('+')) {
        const Term t = term();
        acc = bounded(sum_of(acc.e + t.e, acc, t), start);
      } else if (eat('-')) {
        const Term t = term();
        acc = bounded(sum_of(acc.e - t.e, acc, t), start);
      } else {
        return acc;
      }
    }
  }
  Term term() {
    const std::size_t start = pos_;
    Term acc = unary();
    for (;;) {
      if (eat('*')) {
        const Term t = unary();
        acc = bounded(product_of(acc.e * t.e, acc, t), start);
      } else if (eat('/')) {
        const std::size_t at = pos_;
        const Term den = unary();
        bounded(quotient_of(GiNaC::ex(), acc, den), start);  // the limits before anything is normalized
        nonzero_denominator(den.e, at);
        acc = quotient_of(acc.e / den.e, acc, den);
      } else {
        return acc;
      }
    }
  }
  Term unary() {
    const Nested level(*this);
    if (eat('-')) {
      const Term t = unary();
      return {-t.e, t.num, t.den, t.tnum, t.tden};
    }
    if (eat('+')) return unary();
    return power();
  }
  Term power() {
    const std::size_t start = pos_;
    const Term base = primary();
    if (!eat('^')) return base;
    const std::size_t at = pos_;
    const GiNaC::ex exponent = unary().e;
    if (!GiNaC::is_a<GiNaC::numeric>(exponent) || !GiNaC::ex_to<GiNaC::numeric>(exponent).is_integer()) {
      pos_ = at;
      fail("an exponent must be an integer");
    }
    const GiNaC::numeric k = GiNaC::ex_to<GiNaC::numeric>(exponent);
    if (GiNaC::abs(k) > 64) {
      pos_ = at;
      fail("an exponent must lie in -64..64");
    }
    const long times = std::labs(k.to_long());
    const double tnum = power_terms(base.tnum, times), tden = power_terms(base.tden, times);
    const Term raised = bounded(k.is_negative() ? Term{base.e, base.den * times, base.num * times, tden, tnum}
                                                : Term{base.e, base.num * times, base.den * times, tnum, tden},
                                start);
    if (GiNaC::is_a<GiNaC::numeric>(base.e) &&
        number_bits(GiNaC::ex_to<GiNaC::numeric>(base.e)) * times > limits::kMaxNumberBits) {
      pos_ = start;
      fail(fmt::format("the power is a number of more than {} bits (the limit of an expression)",
                       limits::kMaxNumberBits));
    }
    if (k.is_negative()) nonzero_denominator(base.e, at);
    if (k.is_zero() && (base.e.is_zero() || GiNaC::normal(base.e).is_zero())) {
      pos_ = start;
      fail("0^0 is undefined");
    }
    return {GiNaC::pow(base.e, exponent), raised.num, raised.den, raised.tnum, raised.tden};
  }
  Term primary() {
    skip();
    if (pos_ == text_.size()) fail("expression ends too early");
    const char c = text_[pos_];
    if (c == '(') {
      ++pos_;
      const Term inner = expression();
      expect(')');
      return inner;
    }
    if (digit(c) || c == '.') return leaf(number(), 0);
    if (name_start(c)) return named();
    fail(fmt::format("unexpected '{}'", c));
  }
  GiNaC::ex number() {
    const std::size_t start = pos_;
    while (pos_ < text_.size() && (digit(text_[pos_]) || text_[pos_] == '.')) ++pos_;
    if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
      std::size_t p = pos_ + 1;
      if (p < text_.size() && (text_[p] == '+' || text_[p] == '-')) ++p;
      if (p < text_.size() && digit(text_[p])) {
        pos_ = p;
        while (pos_ < text_.size() && digit(text_[pos_])) ++pos_;
      }
    }
    const std::string_view literal = text_.substr(start, pos_ - start);
    try {
      return to_numeric(parse_rational(literal, "number"));
    } catch (const InputError&) {
      pos_ = start;
      fail(fmt::format("'{}' is not a number", literal));
    }
  }
  std::string name() {
    skip();
    const std::size_t start = pos_;
    while (pos_ < text_.size() && name_char(text_[pos_])) ++pos_;
    return std::string(text_.substr(start, pos_ - start));
  }
  // A name: a symbol (degree 1), a name standing for an expression (N = n + 1: degree 1), a number
  // (d = 5: degree 0) or a risk atom (its own symbol: degree 1).
  Term named() {
    const std::size_t start = pos_;
    const std::string id = name();
    skip();
    if (id == "risk") return leaf(risk_atom(start), 1);
    const auto it = table_.names.find(id);
    if (it == table_.names.end()) {
      pos_ = start;
      if (id == "theta0" || id == "sphere")
        fail(fmt::format("{} is a task: it appears only as the second argument of risk(FAMILY, TASK, n)", id));
      if (table_.families.count(id)) fail(fmt::format("{} is a family: use it as risk({}, theta0, n)", id, id));
      fail(fmt::format("unknown symbol '{}' (declare it under [symbols])", id));
    }
    return leaf(it->second, GiNaC::is_a<GiNaC::numeric>(it->second) ? 0 : 1);
  }
  TaskKind task() {
    skip();
    const std::size_t start = pos_;
    const bool minus = eat('-');
    const std::string id = name();
    if (id == "theta0") return minus ? TaskKind::MinusTheta0 : TaskKind::Theta0;
    if (id == "sphere" && !minus) return TaskKind::Sphere;
    pos_ = start;
    fail("the task is theta0, -theta0 or sphere");
  }
  GiNaC::ex risk_atom(std::size_t start) {
    const Nested level(*this);
    if (!table_.atoms_allowed) {
      pos_ = start;
      fail("risk(...) is not allowed here");
    }
    expect('(');
    skip();
    const std::size_t family_at = pos_;
    const std::string family = name();
    if (!table_.families.count(family)) {
      pos_ = family_at;
      fail(family.empty() ? "risk(FAMILY, TASK, n) needs a family name first"
                          : fmt::format("unknown family '{}' (define it as [family.{}])", family, family));
    }
    expect(',');
    const TaskKind t = task();
    expect(',');
    const GiNaC::ex shots = expression().e;
    expect(')');
    std::ostringstream label;
    label << "risk(" << family << "," << task_name(t) << "," << shots << ")";
    const GiNaC::symbol s(label.str());
    atoms_.push_back({s, family, t, shots});
    return s;
  }

  std::string_view text_;
  const NameTable& table_;
  const std::string& what_;
  std::size_t offset_;
  std::size_t pos_ = 0;
  int depth_ = 0;
  std::vector<Atom> atoms_;
};

}  // namespace

Expr parse_expression(std::string_view text, const NameTable& table, const std::string& what,
                      std::size_t column_offset) {
  return Reader(text, table, what, column_offset).read();
}

std::vector<Token> integer_literals(std::string_view text) {
  std::vector<Token> out;
  for (std::size_t i = 0; i < text.size();) {
    if (name_start(text[i])) {  // skip names such as s2 or theta0
      while (i < text.size() && name_char(text[i])) ++i;
      continue;
    }
    if (!digit(text[i])) {
      ++i;
      continue;
    }
    const std::size_t start = i;
    while (i < text.size() && digit(text[i])) ++i;
    const bool decimal = (i < text.size() && text[i] == '.') || (start > 0 && text[start - 1] == '.');
    if (!decimal) out.push_back({start, i});
    while (i < text.size() && (digit(text[i]) || text[i] == '.')) ++i;
  }
  return out;
}

std::vector<Token> identifier_occurrences(std::string_view text, std::string_view name) {
  std::vector<Token> out;
  for (std::size_t i = 0; i < text.size();) {
    if (!name_start(text[i])) {
      ++i;
      continue;
    }
    const std::size_t start = i;
    while (i < text.size() && name_char(text[i])) ++i;
    if (text.substr(start, i - start) == name) out.push_back({start, i});
  }
  return out;
}

}  // namespace icl::claims
