// Parsing of command-line and file numbers: decimals and fractions, read exactly as rationals.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/scalar.hpp"

namespace icl {

// Bad input from a user: the CLI turns it into one line on stderr and exit code 2.
struct InputError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// `text` for an error message: whole if short, else its first limits::kMaxQuotedChars characters and
// its size ("0,1,2,3,... (79000000 characters)"), so a message stays one short line.
std::string quoted(std::string_view text);

// "3/7", "-0.25", "1e-3", "2.5E+2", "1/10", "0.1/3": exact. Rejects nan, inf, empty, "1/0".
// `what` names the flag or field in the error message.
Rational parse_rational(std::string_view text, std::string_view what);

// A comma-separated list of rationals, e.g. "3/5,4/5,0".
std::vector<Rational> parse_rational_list(std::string_view text, std::string_view what);

// Non-negative integers: "0,1,5", an inclusive range "0:40", or a mix "0:3,10,20".
// Duplicates are kept in the order given; a range needs a <= b and spans fewer than 10^6 values,
// and the whole list holds at most 10^6 values.
std::vector<long> parse_index_list(std::string_view text, std::string_view what);

// A single integer in [lo, hi].
long parse_integer(std::string_view text, std::string_view what, long lo, long hi);

}  // namespace icl
