// libFuzzer target: the claim-file reader icl::claims::parse_claim_file (src/claims/claim_file.hpp):
// TOML, the setting, symbols and their assumptions, families' blocks (the I/P/theta0 algebra) and
// every statement's expressions (GiNaC).
//
// Contract (docs/fuzzing.md): on any input the reader returns a ClaimFile or throws icl::InputError;
// any other exception escapes and aborts (libFuzzer saves the input), as do crashes, undefined
// behaviour, hangs and huge allocations. An accepted file has at least one statement, each with a
// name, and every family's blocks have the kinds of their slots.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

#include "claims/claim_file.hpp"
#include "core/number.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const auto f = icl::claims::parse_claim_file(text, "fuzz.toml");
    if (f.statements.empty()) {
      fprintf(stderr, "fuzz_claims: a file without statements was accepted\n");
      __builtin_trap();
    }
    for (const auto& s : f.statements)
      if (s.name.empty() && s.lhs.e.is_zero() && !s.rhs) __builtin_trap();
  } catch (const icl::InputError&) {
  }
  return 0;
}
