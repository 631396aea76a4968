// A claim file (TOML, docs/claim-files.md): the setting (d and s2, each a symbol or a number),
// symbols with their assumptions, families of parameters as blocks, and statements about their
// exact risk. read_claim_file checks everything a statement will need and throws InputError with
// one line naming the file, the key and the problem.
#pragma once

#include <ginac/ginac.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "claims/blocks.hpp"
#include "claims/expr.hpp"
#include "core/scalar.hpp"

namespace icl::claims {

// What is assumed about a symbol: an interval (open or closed ends), excluded values, integrality.
struct Assumption {
  std::string text;  // as written: "0 < gamma < 2", "c != 0", "real"
  std::optional<Rational> lo, hi;
  bool lo_strict = false, hi_strict = false;
  std::vector<Rational> excluded;
  bool integer = false;

  bool holds(const Rational& x) const;
  // A few simple values that satisfy the assumption, simplest first (for counterexamples).
  std::vector<Rational> samples(int count) const;
};

struct Symbol {
  std::string name;
  GiNaC::symbol sym;
  Assumption assumption;
};

// A family: the value matrix V and the merged key-query matrix M (= Q, or Q_sep^T K), as blocks
// whose coefficients are expressions in d, s2 and the symbols.
struct Family {
  std::string name;
  bool separate = false;
  BlockMatrix V, M;
  std::map<std::string, std::string> blocks;  // as written, "V.yy" -> "1"
};

enum class StatementKind { Identity, Limit, Sets, Stationary };
const char* kind_name(StatementKind k);

// The sets expected of a `sets` statement: for each sign present, the runs [lo, hi] (hi empty: infinity).
struct ExpectedSets {
  std::map<int, std::vector<std::pair<long, std::optional<long>>>> runs;  // sign -> runs
};

// The text of a statement's expressions, kept for --mutate (which edits and re-reads them).
struct StatementText {
  std::string lhs, rhs;                      // identity; limit: expression / equals; sets, stationary: lhs
  std::string at;                            // stationary
  std::map<std::string, std::string> where;  // symbol -> value
};

struct Statement {
  std::string name;
  std::string note;  // free text, printed in the JSON
  StatementKind kind;
  StatementText text;
  Expr lhs;                           // identity: left side; limit, sets, stationary: the expression
  std::optional<Expr> rhs;            // identity: right side; limit: `equals` (optional)
  std::optional<GiNaC::symbol> in;    // stationary: the symbol (the first of in_all)
  std::vector<GiNaC::symbol> in_all;  // stationary: every symbol of `in` (a list: each derivative, the others at `at`)
  std::optional<Expr> at;             // stationary: its value
  GiNaC::exmap where;                 // symbol -> exact value
  std::optional<ExpectedSets> expect;
};

struct ClaimFile {
  std::string path;
  // The setting: d and s2 are symbols (every integer d >= 1, every s2 >= 0) or numbers.
  GiNaC::symbol d_sym, s2_sym, n_sym;
  std::optional<int> d_value;
  std::optional<Rational> s2_value;
  std::string d_name = "d", s2_name = "s2";
  std::vector<Symbol> symbols;
  std::map<std::string, Family> families;
  std::vector<Statement> statements;

  // The names an expression may use (d, s2, n, N, the symbols; families for risk()).
  NameTable names(bool atoms) const;
  const Symbol* symbol(const std::string& name) const;
  // d and s2 as expressions: the symbol, or the number of the setting.
  GiNaC::ex d() const;
  GiNaC::ex s2() const;
};

// Reads and checks a claim file; throws InputError ("FILE: KEY: problem", TOML errors with line
// and column).
ClaimFile read_claim_file(const std::string& path);
ClaimFile parse_claim_file(std::string_view text, const std::string& source);

// The symbol a `where` entry (or table's --where) fixes, with its value checked: a symbol of
// [symbols] (the value within its assumption), or d (an integer 1..64) or sigma2 (>= 0) when the
// setting leaves them symbolic. Throws InputError("<what>: <problem>").
GiNaC::symbol fixed_symbol(const ClaimFile& f, const std::string& name, const Rational& value, const std::string& what);

// "a, b c,d" -> {"a", "b c", "d"}: comma-separated items, each trimmed of spaces; an empty item is an
// InputError naming `what`.
std::vector<std::string> split_items(const std::string& text, const std::string& what);

// The names the expressions depend on (the atoms' families, shots, d and s2 included) that `where`
// does not fix: n first, then d, s2 and the symbols by name.
std::vector<GiNaC::symbol> free_symbols(const ClaimFile& f, const std::vector<const Expr*>& xs,
                                        const GiNaC::exmap& where);

// Re-reads one statement's expressions from (edited) text, as --mutate does.
Statement reparse_statement(const ClaimFile& file, const Statement& s, const StatementText& text);

}  // namespace icl::claims
