#include "claims/claim_file.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <cctype>
#include <fstream>
#include <set>
#include <sstream>

#include "claims/ginac_rational.hpp"
#include "core/input_file.hpp"
#include "core/number.hpp"

namespace icl::claims {

const char* kind_name(StatementKind k) {
  switch (k) {
    case StatementKind::Identity:
      return "identity";
    case StatementKind::Limit:
      return "limit";
    case StatementKind::Sets:
      return "sets";
    case StatementKind::Stationary:
      return "stationary";
  }
  return "?";
}

bool Assumption::holds(const Rational& x) const {
  if (lo && (lo_strict ? !(x > *lo) : !(x >= *lo))) return false;
  if (hi && (hi_strict ? !(x < *hi) : !(x <= *hi))) return false;
  for (const auto& e : excluded)
    if (x == e) return false;
  if (integer && denominator(x) != 1) return false;
  return true;
}

std::vector<Rational> Assumption::samples(int count) const {
  std::vector<Rational> candidates;
  for (long k : {1, 2, 3, 0, 5, 7, -1, -2, 11, 13, 20, 50, 100})
    for (long den : {1L, 2L, 3L, 5L, 7L}) candidates.push_back(Rational(k, den));
  if (lo) candidates.push_back(*lo + Rational(lo_strict ? 1 : 0, 3));
  if (hi) candidates.push_back(*hi - Rational(hi_strict ? 1 : 0, 3));
  if (lo && hi) candidates.push_back((*lo + *hi) / 2);
  std::vector<Rational> out;
  for (const auto& c : candidates) {
    if (static_cast<int>(out.size()) >= count) break;
    if (holds(c) && std::find(out.begin(), out.end(), c) == out.end()) out.push_back(c);
  }
  return out;
}

NameTable ClaimFile::names(bool atoms) const {
  NameTable t;
  t.atoms_allowed = atoms;
  t.names[d_name] = d();
  t.names[s2_name] = s2();
  t.names["n"] = n_sym;
  t.names["N"] = n_sym + 1;
  for (const auto& s : symbols) t.names[s.name] = s.sym;
  if (atoms)
    for (const auto& [name, f] : families) t.families.insert(name);
  return t;
}

const Symbol* ClaimFile::symbol(const std::string& name) const {
  for (const auto& s : symbols)
    if (s.name == name) return &s;
  return nullptr;
}

GiNaC::ex ClaimFile::d() const { return d_value ? GiNaC::ex(*d_value) : GiNaC::ex(d_sym); }
GiNaC::ex ClaimFile::s2() const { return s2_value ? GiNaC::ex(to_numeric(*s2_value)) : GiNaC::ex(s2_sym); }

namespace {

const std::set<std::string> kReserved{"n", "N", "I", "P", "theta0", "sphere", "risk", "inf"};

bool is_identifier(const std::string& s) {
  if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  return true;
}

// Reading context: the file name for messages, and the keys a table may have.
struct Ctx {
  std::string source;

  [[noreturn]] void fail(const std::string& key, const std::string& problem) const {
    throw InputError(fmt::format("{}: {}: {}", source, key, problem));
  }

  void only_keys(const toml::table& t, const std::string& where, const std::set<std::string>& allowed) const {
    for (const auto& [k, v] : t)
      if (!allowed.count(std::string(k.str()))) {
        std::string list;
        for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
        fail(where.empty() ? std::string(k.str()) : where + "." + std::string(k.str()),
             fmt::format("unknown key (allowed: {})", list));
      }
  }

  // A value given as a TOML string or integer, as text.
  std::string text(const toml::node& v, const std::string& key) const {
    if (auto s = v.value<std::string>()) return *s;
    if (v.is_integer()) return std::to_string(*v.value<long long>());
    if (v.is_floating_point())
      fail(key, "write numbers as strings of exact fractions or decimals, e.g. \"1/10\" (a TOML float is inexact)");
    fail(key, "expected a string");
  }
};

Assumption parse_assumption(const std::string& text, const std::string& name, const Ctx& ctx, const std::string& key) {
  Assumption a;
  a.text = text;
  std::string normalized;  // " and " reads as ","
  for (std::size_t i = 0; i < text.size();) {
    const bool conjunction = text.compare(i, 5, " and ") == 0;
    normalized.push_back(conjunction ? ',' : text[i]);
    i += conjunction ? 5 : 1;
  }
  std::stringstream parts(normalized);
  for (std::string part; std::getline(parts, part, ',');) {
    // tokens: names, numbers and the operators < <= > >= !=
    std::vector<std::string> tok;
    for (std::size_t i = 0; i < part.size();) {
      const char c = part[i];
      if (std::isspace(static_cast<unsigned char>(c))) {
        ++i;
      } else if (c == '<' || c == '>' || c == '!' || c == '=') {
        std::size_t j = i + 1;
        if (j < part.size() && part[j] == '=') ++j;
        tok.push_back(part.substr(i, j - i));
        i = j;
      } else {
        std::size_t j = i;
        while (j < part.size() && !std::isspace(static_cast<unsigned char>(part[j])) && part[j] != '<' &&
               part[j] != '>' && part[j] != '!' && part[j] != '=')
          ++j;
        tok.push_back(part.substr(i, j - i));
        i = j;
      }
    }
    if (tok.empty()) continue;
    if (tok.size() == 1 && (tok[0] == "real" || tok[0] == "integer")) {
      a.integer = a.integer || tok[0] == "integer";
      continue;
    }
    // a chain "v op name op v" or "name op v" or "v op name"
    std::size_t at = tok.size();
    for (std::size_t i = 0; i < tok.size(); i += 2)
      if (tok[i] == name) at = i;
    if (at == tok.size() || tok.size() % 2 == 0 || tok.size() > 5)
      ctx.fail(key, fmt::format("cannot read the assumption \"{}\" (write e.g. \"0 < {} < 2\", \"{} != 0\", "
                                "\"{} >= 1, integer\" or \"real\")",
                                text, name, name, name));
    auto value = [&](const std::string& t) { return parse_rational(t, key); };
    auto apply = [&](const std::string& op, const Rational& v, bool name_left) {
      // normalize to "name op v"
      std::string o = op;
      if (!name_left) o = op == "<" ? ">" : op == "<=" ? ">=" : op == ">" ? "<" : op == ">=" ? "<=" : op;
      if (o == ">" || o == ">=") {
        a.lo = v;
        a.lo_strict = o == ">";
      } else if (o == "<" || o == "<=") {
        a.hi = v;
        a.hi_strict = o == "<";
      } else if (o == "!=") {
        a.excluded.push_back(v);
      } else {
        ctx.fail(key, fmt::format("unknown comparison '{}' in \"{}\"", op, text));
      }
    };
    if (at >= 2) apply(tok[at - 1], value(tok[at - 2]), false);
    if (at + 2 < tok.size() + 1 && at + 1 < tok.size()) apply(tok[at + 1], value(tok[at + 2]), true);
  }
  if (a.lo && a.hi && (*a.lo > *a.hi || (*a.lo == *a.hi && (a.lo_strict || a.hi_strict))))
    ctx.fail(key, fmt::format("the assumption \"{}\" holds for no value", text));
  return a;
}

// root[key] as a table; nullptr when absent; anything else there is an error saying what is expected.
const toml::table* section(const toml::table& root, const char* key, const char* expected, const Ctx& ctx) {
  const toml::table* t = root[key].as_table();
  if (!t && root.contains(key)) ctx.fail(key, expected);
  return t;
}

void read_setting(const toml::table& root, ClaimFile& f, const Ctx& ctx) {
  const toml::table* s = section(root, "setting", "expected a table [setting]", ctx);
  if (!s) return;
  ctx.only_keys(*s, "setting", {"d", "sigma2"});
  if (auto v = s->get("d")) {
    const std::string t = ctx.text(*v, "setting.d");
    if (is_identifier(t)) {
      f.d_name = t;
    } else {
      f.d_value = static_cast<int>(parse_integer(t, "setting.d", 1, 64));
    }
  }
  if (auto v = s->get("sigma2")) {
    const std::string t = ctx.text(*v, "setting.sigma2");
    if (is_identifier(t)) {
      f.s2_name = t;
    } else {
      f.s2_value = parse_rational(t, "setting.sigma2");
      if (*f.s2_value < 0) ctx.fail("setting.sigma2", "the noise variance must be >= 0");
    }
  }
  if (f.d_name == f.s2_name) ctx.fail("setting", "d and sigma2 need different names");
  for (const auto& nm : {f.d_name, f.s2_name})
    if (kReserved.count(nm)) ctx.fail("setting", fmt::format("'{}' is reserved", nm));
  f.d_sym = GiNaC::symbol(f.d_name);
  f.s2_sym = GiNaC::symbol(f.s2_name);
}

void read_symbols(const toml::table& root, ClaimFile& f, const Ctx& ctx) {
  const toml::table* s = section(root, "symbols", "expected a table [symbols]", ctx);
  if (!s) return;
  for (const auto& [k, v] : *s) {
    const std::string name(k.str());
    const std::string key = "symbols." + name;
    if (!is_identifier(name)) ctx.fail(key, "a symbol name is a letter followed by letters, digits or _");
    if (kReserved.count(name) || name == f.d_name || name == f.s2_name)
      ctx.fail(key, fmt::format("'{}' is reserved", name));
    f.symbols.push_back({name, GiNaC::symbol(name), parse_assumption(ctx.text(v, key), name, ctx, key)});
  }
}

// A block name "V.yx": matrix and slots.
struct BlockName {
  std::string matrix;
  Slot row, col;
};

BlockName block_name(const std::string& key, const std::string& where, const Ctx& ctx) {
  const auto dot = key.find('.');
  auto slot = [](char c) -> std::optional<Slot> {
    if (c == '0') return Slot::Zero;
    if (c == 'x') return Slot::X;
    if (c == 'y') return Slot::Y;
    return std::nullopt;
  };
  if (dot != std::string::npos && key.size() == dot + 3) {
    const std::string m = key.substr(0, dot);
    const auto r = slot(key[dot + 1]), c = slot(key[dot + 2]);
    if ((m == "V" || m == "Q" || m == "Qsep" || m == "K") && r && c) return {m, *r, *c};
  }
  ctx.fail(where,
           "a block is MATRIX.RC with MATRIX one of V, Q (merged), Qsep, K (separate) and R, C one of 0, x, y "
           "(e.g. \"V.yy\", \"Q.xx\")");
}

// The value of a block: a d x d block is a I + b P, a vector block a theta0, a scalar block an expression.
Block block_value(const std::string& text, Slot r, Slot c, const ClaimFile& f, const Ctx& ctx, const std::string& key) {
  NameTable t = f.names(false);
  t.names.erase("n");
  t.names.erase("N");
  const GiNaC::symbol I("I"), P("P"), u("theta0");
  t.names["I"] = I;
  t.names["P"] = P;
  t.names["theta0"] = u;
  const GiNaC::ex e = parse_expression(text, t, key).e;
  auto free_of = [&](const GiNaC::ex& x) { return !x.has(I) && !x.has(P) && !x.has(u); };
  auto at = [&](int i, int p, int th) -> GiNaC::ex {
    try {
      return GiNaC::normal(e.subs(GiNaC::lst{I == i, P == p, u == th}));
    } catch (const std::exception&) {
      ctx.fail(key, fmt::format("\"{}\" divides by I, P or theta0", text));
    }
  };
  const bool square = r == Slot::X && c == Slot::X, vector = (r == Slot::X) != (c == Slot::X);
  Block b;
  if (square) {
    b.a = at(1, 0, 0);
    b.b = at(0, 1, 0);
    if (!free_of(b.a) || !free_of(b.b) || !GiNaC::normal(e - b.a * I - b.b * P).is_zero())
      ctx.fail(key, fmt::format("a d x d block is a combination a*I + b*P of I and P = theta0 theta0^T; \"{}\" is not",
                                text));
  } else if (vector) {
    b.a = at(0, 0, 1);
    if (!free_of(b.a) || !GiNaC::normal(e - b.a * u).is_zero())
      ctx.fail(key, fmt::format("a d-vector block is a multiple of theta0 (e.g. \"c*theta0\"); \"{}\" is not", text));
  } else {
    if (!free_of(e)) ctx.fail(key, fmt::format("a scalar block cannot contain I, P or theta0 (\"{}\")", text));
    b.a = GiNaC::normal(e);
  }
  return b;
}

void read_families(const toml::table& root, ClaimFile& f, const Ctx& ctx) {
  const toml::table* fams = section(root, "family", "expected tables [family.NAME]", ctx);
  if (!fams) return;
  for (const auto& [k, v] : *fams) {
    const std::string name(k.str());
    const std::string where = "family." + name;
    if (!is_identifier(name)) ctx.fail(where, "a family name is a letter followed by letters, digits or _");
    // I and P name blocks' matrices, never families' uses (risk(P, ...)), so a family may be called P
    if ((kReserved.count(name) && name != "I" && name != "P") || f.symbol(name) || name == f.d_name ||
        name == f.s2_name)
      ctx.fail(where, fmt::format("'{}' is already a symbol or a reserved name", name));
    const toml::table* t = v.as_table();
    if (!t) ctx.fail(where, "expected a table of blocks");
    Family fam;
    fam.name = name;
    BlockMatrix Qsep, K;
    bool merged = false;
    for (const auto& [bk, bv] : *t) {
      const std::string key = where + "." + std::string(bk.str());
      const BlockName b = block_name(std::string(bk.str()), key, ctx);
      const std::string text = ctx.text(bv, key);
      fam.blocks[std::string(bk.str())] = text;
      const Block value = block_value(text, b.row, b.col, f, ctx, key);
      if (b.matrix == "V") fam.V.at(b.row, b.col) = value;
      if (b.matrix == "Q") fam.M.at(b.row, b.col) = value, merged = true;
      if (b.matrix == "Qsep") Qsep.at(b.row, b.col) = value, fam.separate = true;
      if (b.matrix == "K") K.at(b.row, b.col) = value, fam.separate = true;
    }
    if (merged && fam.separate)
      ctx.fail(where, "a family is merged (Q.* blocks) or separate (Qsep.* and K.* blocks), not both");
    if (fam.separate) fam.M = transpose_times(Qsep, K);
    f.families[name] = std::move(fam);
  }
}

ExpectedSets read_expect(const toml::node& node, const Ctx& ctx, const std::string& key) {
  const toml::table* t = node.as_table();
  if (!t) ctx.fail(key, "expected a table such as { positive = [[2, \"inf\"]] }");
  ctx.only_keys(*t, key, {"positive", "zero", "negative"});
  ExpectedSets out;
  for (const auto& [k, v] : *t) {
    const std::string sk = key + "." + std::string(k.str());
    const int sign = k.str() == "positive" ? 1 : k.str() == "zero" ? 0 : -1;
    const toml::array* runs = v.as_array();
    if (!runs) ctx.fail(sk, "expected a list of [lo, hi] runs (hi \"inf\" for no end)");
    auto& list = out.runs[sign];
    for (const auto& r : *runs) {
      const toml::array* pair = r.as_array();
      if (!pair || pair->size() != 2 || !(*pair)[0].is_integer())
        ctx.fail(sk, "each run is [lo, hi] with integers lo <= hi, or hi = \"inf\"");
      const long lo = static_cast<long>(*(*pair)[0].value<long long>());
      std::optional<long> hi;
      if ((*pair)[1].is_integer())
        hi = static_cast<long>(*(*pair)[1].value<long long>());
      else if ((*pair)[1].value<std::string>() != std::optional<std::string>("inf"))
        ctx.fail(sk, "each run is [lo, hi] with integers lo <= hi, or hi = \"inf\"");
      if (lo < 0 || (hi && *hi < lo)) ctx.fail(sk, fmt::format("the run [{}, ...] is not 0 <= lo <= hi", lo));
      list.push_back({lo, hi});
    }
  }
  return out;
}

void check_where(const ClaimFile& f, Statement& s, const Ctx& ctx, const std::string& key) {
  for (const auto& [name, text] : s.text.where) {
    const std::string k = key + ".where." + name;
    NameTable none;
    none.atoms_allowed = false;
    const auto v = rational_value(parse_expression(text, none, k).e);
    if (!v) ctx.fail(k, "expected a number");
    s.where[fixed_symbol(f, name, *v, f.path + ": " + k)] = to_numeric(*v);
  }
  // every family used must be defined at the values of `where` (no division by zero)
  auto check_family = [&](const Expr& x) {
    for (const auto& a : x.atoms) {
      const Family& fam = f.families.at(a.family);
      auto coefs = fam.V.coefficients(true);
      for (const auto& c : fam.M.coefficients(false)) coefs.push_back(c);
      for (const auto& c : coefs)
        if (!substitute(c, s.where))
          ctx.fail(key + ".where", fmt::format("family {} divides by zero at these values", a.family));
    }
  };
  check_family(s.lhs);
  if (s.rhs) check_family(*s.rhs);
}

void parse_statement_text(const ClaimFile& f, Statement& s, const Ctx& ctx, const std::string& key) {
  const NameTable atoms = f.names(true), plain = f.names(false);
  switch (s.kind) {
    case StatementKind::Identity: {
      s.lhs = parse_expression(s.text.lhs, atoms, key + ".identity (left side)");
      s.rhs = parse_expression(s.text.rhs, atoms, key + ".identity (right side)", s.text.lhs.size() + 1);
      break;
    }
    case StatementKind::Limit:
      s.lhs = parse_expression(s.text.lhs, atoms, key + ".limit");
      if (!s.text.rhs.empty()) s.rhs = parse_expression(s.text.rhs, plain, key + ".equals");
      break;
    case StatementKind::Sets:
      s.lhs = parse_expression(s.text.lhs, atoms, key + ".sets");
      break;
    case StatementKind::Stationary:
      s.lhs = parse_expression(s.text.lhs, atoms, key + ".stationary");
      s.at = parse_expression(s.text.at, plain, key + ".at");
      break;
  }
  check_where(f, s, ctx, key);
  if (s.kind == StatementKind::Sets) {
    std::set<std::string> missing;
    for (const auto& sym : free_symbols(f, {&s.lhs}, s.where))
      if (sym != f.n_sym) missing.insert(sym.get_name());
    if (!missing.empty()) {
      std::string list;
      for (const auto& m : missing) list += (list.empty() ? "" : ", ") + m;
      ctx.fail(key + ".where", fmt::format("a sets statement is about n only: give {} in where", list));
    }
  }
}

Statement read_statement(const toml::table& t, const ClaimFile& f, const Ctx& ctx, std::size_t index) {
  Statement s;
  const std::string base = fmt::format("statement[{}]", index);
  ctx.only_keys(t, base,
                {"name", "identity", "limit", "equals", "sets", "expect", "stationary", "in", "at", "where", "note"});
  if (!t.contains("name")) ctx.fail(base, "a statement needs a name");
  s.name = ctx.text(*t.get("name"), base + ".name");
  if (s.name.empty() || s.name.find(',') != std::string::npos || s.name.front() == ' ' || s.name.back() == ' ')
    ctx.fail(base + ".name",
             "a name is not empty, has no ',' (--only separates names by commas) and no spaces at its ends");
  const std::string key = fmt::format("statement '{}'", s.name);
  if (t.contains("note")) s.note = ctx.text(*t.get("note"), key + ".note");
  int kinds = 0;
  for (const char* k : {"identity", "limit", "sets", "stationary"}) kinds += t.contains(k);
  if (kinds != 1) ctx.fail(key, "give exactly one of identity, limit, sets, stationary");
  auto only_with = [&](const char* opt, const char* kind) {
    if (t.contains(opt) && !t.contains(kind))
      ctx.fail(key + "." + opt, fmt::format("only a {} statement has it", kind));
  };
  only_with("equals", "limit");
  only_with("expect", "sets");
  only_with("in", "stationary");
  only_with("at", "stationary");
  if (t.contains("identity")) {
    s.kind = StatementKind::Identity;
    const std::string text = ctx.text(*t.get("identity"), key + ".identity");
    const auto eq = text.find('=');
    if (eq == std::string::npos || text.find('=', eq + 1) != std::string::npos)
      ctx.fail(key + ".identity", "an identity is \"LEFT = RIGHT\" with one '='");
    s.text.lhs = text.substr(0, eq);
    s.text.rhs = text.substr(eq + 1);
  } else if (t.contains("limit")) {
    s.kind = StatementKind::Limit;
    s.text.lhs = ctx.text(*t.get("limit"), key + ".limit");
    if (t.contains("equals")) s.text.rhs = ctx.text(*t.get("equals"), key + ".equals");
  } else if (t.contains("sets")) {
    s.kind = StatementKind::Sets;
    s.text.lhs = ctx.text(*t.get("sets"), key + ".sets");
    if (t.contains("expect")) s.expect = read_expect(*t.get("expect"), ctx, key + ".expect");
  } else {
    s.kind = StatementKind::Stationary;
    s.text.lhs = ctx.text(*t.get("stationary"), key + ".stationary");
    if (!t.contains("in") || !t.contains("at")) ctx.fail(key, "a stationary statement needs in (a symbol) and at");
    std::vector<std::string> in;
    if (const toml::array* list = t.get("in")->as_array()) {
      for (const auto& item : *list) in.push_back(ctx.text(item, key + ".in"));
      if (in.empty()) ctx.fail(key + ".in", "name at least one symbol");
    } else {
      in.push_back(ctx.text(*t.get("in"), key + ".in"));
    }
    for (const auto& name : in) {
      const Symbol* sym = f.symbol(name);
      if (!sym) ctx.fail(key + ".in", fmt::format("'{}' is not a symbol of [symbols]", name));
      if (std::find(s.in_all.begin(), s.in_all.end(), sym->sym) != s.in_all.end())
        ctx.fail(key + ".in", fmt::format("'{}' is named twice", name));
      s.in_all.push_back(sym->sym);
    }
    s.in = s.in_all.front();
    s.text.at = ctx.text(*t.get("at"), key + ".at");
  }
  if (t.contains("where")) {
    const toml::table* w = t.get("where")->as_table();
    if (!w) ctx.fail(key + ".where", "expected a table such as { c = \"1\", d = \"5\" }");
    for (const auto& [k, v] : *w)
      s.text.where[std::string(k.str())] = ctx.text(v, key + ".where." + std::string(k.str()));
  }
  for (const auto& v : s.in_all)
    if (s.text.where.count(v.get_name()))
      ctx.fail(key + ".where", fmt::format("{} is a variable of the statement; it cannot be fixed", v.get_name()));
  parse_statement_text(f, s, ctx, key);
  return s;
}

void read_statements(const toml::table& root, ClaimFile& f, const Ctx& ctx) {
  const toml::node* node = root.get("statement");
  if (!node) ctx.fail("statement", "the file has no [[statement]]");
  const toml::array* arr = node->as_array();
  if (!arr || !arr->is_array_of_tables()) ctx.fail("statement", "write statements as [[statement]] tables");
  std::set<std::string> names;
  for (std::size_t i = 0; i < arr->size(); ++i) {
    Statement s = read_statement(*(*arr)[i].as_table(), f, ctx, i + 1);
    if (!names.insert(s.name).second) ctx.fail(fmt::format("statement '{}'", s.name), "the name is used twice");
    f.statements.push_back(std::move(s));
  }
}

}  // namespace

namespace {

ClaimFile parse_named_claim_file(std::string_view text, const std::string& source) {
  toml::table root;
  try {
    root = toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    throw InputError(fmt::format("{}: line {}, column {}: {}", source, e.source().begin.line, e.source().begin.column,
                                 e.description()));
  }
  const Ctx ctx{source};
  ctx.only_keys(root, "", {"setting", "symbols", "family", "statement"});
  ClaimFile f;
  f.path = source;
  f.n_sym = GiNaC::symbol("n");
  read_setting(root, f, ctx);
  if (!root.contains("setting")) {
    f.d_sym = GiNaC::symbol("d");
    f.s2_sym = GiNaC::symbol("s2");
  }
  read_symbols(root, f, ctx);
  read_families(root, f, ctx);
  read_statements(root, f, ctx);
  return f;
}

}  // namespace

ClaimFile parse_claim_file(std::string_view text, const std::string& source) {
  try {
    return parse_named_claim_file(text, source);
  } catch (const InputError& e) {  // every message names the file, also those of the shared readers
    const std::string message = e.what();
    if (message.starts_with(source + ": ")) throw;
    throw InputError(source + ": " + message);
  }
}

ClaimFile read_claim_file(const std::string& path) {
  return parse_claim_file(read_input_file(path, "claim file"), path);
}

Statement reparse_statement(const ClaimFile& file, const Statement& s, const StatementText& text) {
  Statement out = s;
  out.text = text;
  out.where.clear();
  const Ctx ctx{file.path};
  parse_statement_text(file, out, ctx, fmt::format("statement '{}'", s.name));
  return out;
}

// The names an expression depends on (atoms' families, shots, d and s2 included), n first.
std::vector<GiNaC::symbol> free_symbols(const ClaimFile& f, const std::vector<const Expr*>& xs,
                                        const GiNaC::exmap& where) {
  GiNaC::exset seen;
  std::set<std::string> atom_names;
  auto collect = [&](const GiNaC::ex& e) {
    for (auto it = e.preorder_begin(); it != e.preorder_end(); ++it)
      if (GiNaC::is_a<GiNaC::symbol>(*it)) seen.insert(*it);
  };
  for (const Expr* x : xs) {
    for (const auto& a : x->atoms) {
      atom_names.insert(a.symbol.get_name());
      collect(a.shots);
      const Family& fam = f.families.at(a.family);
      for (const auto& c : fam.V.coefficients(true)) collect(c);
      for (const auto& c : fam.M.coefficients(false)) collect(c);
      if (!f.d_value) seen.insert(f.d_sym);
      if (!f.s2_value) seen.insert(f.s2_sym);
    }
    collect(x->e);
  }
  std::vector<GiNaC::symbol> out;
  for (const auto& s : seen) {
    const auto& sym = GiNaC::ex_to<GiNaC::symbol>(s);
    if (atom_names.count(sym.get_name()) || where.count(s) || sym == f.n_sym) continue;
    out.push_back(sym);
  }
  // n, d, s2, then the symbols by name: the order of the counterexample search
  auto rank = [&](const GiNaC::symbol& v) {
    return std::make_pair(v == f.d_sym ? 0 : v == f.s2_sym ? 1 : 2, v.get_name());
  };
  std::sort(out.begin(), out.end(), [&](const auto& a, const auto& b) { return rank(a) < rank(b); });
  out.insert(out.begin(), f.n_sym);
  return out;
}

GiNaC::symbol fixed_symbol(const ClaimFile& f, const std::string& name, const Rational& value,
                           const std::string& what) {
  auto fail = [&](const std::string& problem) { throw InputError(fmt::format("{}: {}", what, problem)); };
  if (const Symbol* sym = f.symbol(name)) {
    if (!sym->assumption.holds(value))
      fail(fmt::format("{} = {} violates the assumption \"{}\"", name, to_fraction(value), sym->assumption.text));
    return sym->sym;
  }
  if (name == f.d_name && !f.d_value) {
    if (denominator(value) != 1 || value < 1 || value > 64) fail("d is an integer in 1..64");
    return f.d_sym;
  }
  if (name == f.s2_name && !f.s2_value) {
    if (value < 0) fail("sigma2 must be >= 0");
    return f.s2_sym;
  }
  if (name == "n") fail("n cannot be fixed: statements are about every n");
  fail(fmt::format("'{}' is not a symbol of {} (nor a symbolic d or sigma2)", name, f.path));
  return {};
}

std::vector<std::string> split_items(const std::string& text, const std::string& what) {
  std::vector<std::string> out;
  for (std::size_t start = 0; !text.empty() && start <= text.size();) {
    const std::size_t end = std::min(text.find(',', start), text.size());
    std::string item = text.substr(start, end - start);
    item.erase(0, item.find_first_not_of(' '));
    item.erase(item.find_last_not_of(' ') + 1);
    if (item.empty()) throw InputError(what + ": an empty item");
    out.push_back(item);
    start = end + 1;
  }
  return out;
}

}  // namespace icl::claims
