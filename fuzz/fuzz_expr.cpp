// libFuzzer target: the claim-file expression reader icl::claims::parse_expression (src/claims/expr.hpp)
// on its own, the input being one expression: nesting, powers of powers, huge numbers, hidden zero
// denominators, risk atoms.
//
// Contract (docs/fuzzing.md): on any input the reader returns an expression or throws icl::InputError
// (limits of docs/usage.md, "Limits": nesting depth, degree, number size); any other exception, a
// crash, a hang or a huge allocation aborts and libFuzzer saves the input. The reader expands nothing,
// so an accepted expression is also expanded here: within the degree limit that must stay fast.
#include <ginac/ginac.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "claims/expr.hpp"
#include "core/number.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const GiNaC::symbol c("c"), gamma("gamma"), n("n"), d("d"), s2("s2");
  static const icl::claims::NameTable table = [] {
    icl::claims::NameTable t;
    t.names = {{"c", c}, {"gamma", gamma}, {"n", n}, {"N", n + 1}, {"d", d}, {"s2", s2}, {"five", GiNaC::ex(5)}};
    t.families = {"F", "P"};
    return t;
  }();
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const auto x = icl::claims::parse_expression(text, table, "fuzz");
    (void)GiNaC::expand(x.e);
  } catch (const icl::InputError&) {
  }
  return 0;
}
