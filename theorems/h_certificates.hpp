// Claim H built with a certificate set-up: the production one by default, a deliberately wrong one
// for the mutation self-test (theorems/mutants_h.cpp).
#pragma once

#include <string>
#include <vector>

#include "spectral/certificate.hpp"
#include "verify/check.hpp"

namespace icl::theorems {

struct CertificateSetup {
  int predicted_offset = 0;                         // added to the theory's count of flat directions
  std::vector<std::string> forgotten;               // flat families left out of the basis (by name)
  const spectral::HessianKernel* kernel = nullptr;  // default: the exact engine
};

Claim claim_certificates(const CertificateSetup& setup);

}  // namespace icl::theorems
