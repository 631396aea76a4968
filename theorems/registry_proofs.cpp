// The proofs of `iclverify prove` against the paper's formulas, instantiated on their own.
#include "prove/paper.hpp"
#include "prove/statements.hpp"
#include "theorems/theorems.hpp"

namespace icl::theorems {

std::vector<prove::Statement> paper_statements() { return prove::all_statements<PaperFormulas>(); }

Claim paper_claim_proofs() { return prove::proofs_claim(paper_statements()); }

}  // namespace icl::theorems
