#include "claims/expr.hpp"

#include <fmt/format.h>

#include <cctype>
#include <sstream>

#include "claims/ginac_rational.hpp"
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

// Recursive descent over `text`; every error names the 1-based column where it was found.
class Reader {
 public:
  Reader(std::string_view text, const NameTable& table, const std::string& what, std::size_t offset)
      : text_(text), table_(table), what_(what), offset_(offset) {}

  Expr read() {
    skip();
    if (pos_ == text_.size()) fail("empty expression");
    Expr out;
    out.e = expression();
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

  GiNaC::ex expression() {
    GiNaC::ex acc = term();
    for (;;) {
      if (eat('+'))
        acc += term();
      else if (eat('-'))
        acc -= term();
      else
        return acc;
    }
  }
  GiNaC::ex term() {
    GiNaC::ex acc = unary();
    for (;;) {
      if (eat('*')) {
        acc *= unary();
      } else if (eat('/')) {
        const std::size_t at = pos_;
        const GiNaC::ex den = unary();
        if (den.is_zero()) {
          pos_ = at;
          fail("division by zero");
        }
        acc /= den;
      } else {
        return acc;
      }
    }
  }
  GiNaC::ex unary() {
    if (eat('-')) return -unary();
    if (eat('+')) return unary();
    return power();
  }
  GiNaC::ex power() {
    const GiNaC::ex base = primary();
    if (!eat('^')) return base;
    const std::size_t at = pos_;
    const GiNaC::ex exponent = unary();
    if (!GiNaC::is_a<GiNaC::numeric>(exponent) || !GiNaC::ex_to<GiNaC::numeric>(exponent).is_integer()) {
      pos_ = at;
      fail("an exponent must be an integer");
    }
    if (GiNaC::abs(GiNaC::ex_to<GiNaC::numeric>(exponent)) > 64) {
      pos_ = at;
      fail("an exponent must lie in -64..64");
    }
    if (base.is_zero() && GiNaC::ex_to<GiNaC::numeric>(exponent).is_negative()) {
      pos_ = at;
      fail("division by zero");
    }
    return GiNaC::pow(base, exponent);
  }
  GiNaC::ex primary() {
    skip();
    if (pos_ == text_.size()) fail("expression ends too early");
    const char c = text_[pos_];
    if (c == '(') {
      ++pos_;
      const GiNaC::ex inner = expression();
      expect(')');
      return inner;
    }
    if (digit(c) || c == '.') return number();
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
  GiNaC::ex named() {
    const std::size_t start = pos_;
    const std::string id = name();
    skip();
    if (id == "risk") return risk_atom(start);
    const auto it = table_.names.find(id);
    if (it == table_.names.end()) {
      pos_ = start;
      if (id == "theta0" || id == "sphere")
        fail(fmt::format("{} is a task: it appears only as the second argument of risk(FAMILY, TASK, n)", id));
      if (table_.families.count(id)) fail(fmt::format("{} is a family: use it as risk({}, theta0, n)", id, id));
      fail(fmt::format("unknown symbol '{}' (declare it under [symbols])", id));
    }
    return it->second;
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
    const GiNaC::ex shots = expression();
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
