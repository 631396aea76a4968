// What the mutants share. A mutant is a deliberately wrong variant of what a check reads: a formula
// policy with one member of PaperFormulas hidden, a wrong Gaussian moment of the engine, a wrong
// training or certificate set-up. Each claim file (theorems/) defines its own next to its checks;
// the checks of the claim it names must FAIL on it (tests/test_mutants.cpp, `iclverify selftest`).
// A mutant that survives names a check that is too weak.
#pragma once

#include <type_traits>

namespace icl::mutants {

// x rounded through single precision when T is double (a float intermediate); exact otherwise.
// Only a precision check, which compares double with 50 digits, can see it.
template <class T>
T through_float(const T& x) {
  if constexpr (std::is_same_v<T, double>)
    return static_cast<double>(static_cast<float>(x));
  else
    return x;
}

}  // namespace icl::mutants
