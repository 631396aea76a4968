// Expressions of claim files (docs/claim-files.md#expressions): + - * / ^ ( ), integers, decimals
// and fractions (read exactly), names, and the risk atoms risk(FAMILY, TASK, SHOTS). A small
// recursive-descent reader builds GiNaC expressions, so that an error names its column (GiNaC's own
// parser reports column 0); GiNaC does all the algebra afterwards.
#pragma once

#include <ginac/ginac.h>

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace icl::claims {

// The task of a risk atom: theta0, -theta0 or theta uniform on the unit sphere.
enum class TaskKind { Theta0, MinusTheta0, Sphere };

const char* task_name(TaskKind t);

// risk(FAMILY, TASK, SHOTS): one exact risk curve of a family, stood for in an expression by `symbol`.
struct Atom {
  GiNaC::symbol symbol;
  std::string family;
  TaskKind task;
  GiNaC::ex shots;
};

// A parsed expression: GiNaC ex in the names of the context and the atoms' symbols.
struct Expr {
  GiNaC::ex e;
  std::vector<Atom> atoms;
};

// What names an expression may use: name -> value (a symbol, or an expression such as N = n + 1),
// and the family names risk() may name.
struct NameTable {
  std::map<std::string, GiNaC::ex> names;
  std::set<std::string> families;
  bool atoms_allowed = true;  // false in family blocks and in `where`
};

// Throws InputError("<what>: column C: <problem>") for anything that does not parse or names an
// unknown symbol or family.
// `column_offset` is added to the columns named (the right side of an identity counts from the start
// of the whole "LEFT = RIGHT" text).
Expr parse_expression(std::string_view text, const NameTable& table, const std::string& what,
                      std::size_t column_offset = 0);

// The integer literals of `text` with their positions [begin, end): the mutation sites of --mutate.
struct Token {
  std::size_t begin, end;
};
std::vector<Token> integer_literals(std::string_view text);
// The occurrences of identifier `name` in `text` (whole words).
std::vector<Token> identifier_occurrences(std::string_view text, std::string_view name);

}  // namespace icl::claims
