#include "claims/blocks.hpp"

namespace icl::claims {

namespace {

// The product of block (r, k) transposed with block (k, c), k the summed slot: sizes
// 1 (slots 0, y) or d (slot x). With u = theta0: u^T u = 1, u u^T = P, (aI + bP) u = (a + b) u.
Block product(const Block& A_kr, const Block& B_kc, Slot k, Slot r, Slot c) {
  const bool kx = k == Slot::X, rx = r == Slot::X, cx = c == Slot::X;
  Block out;
  if (!kx) {  // A^T B over a 1-slot: outer products of the rows
    out.a = A_kr.a * B_kc.a;
    if (rx && cx) {  // (a u)(b u)^T = ab P
      out.b = out.a;
      out.a = 0;
    }
    return out;
  }
  // over the x slot: A_kr is d x (1 or d), B_kc is d x (1 or d)
  if (!rx && !cx) {
    out.a = A_kr.a * B_kc.a;  // (a u)^T (b u) = ab
  } else if (rx && !cx) {
    out.a = (A_kr.a + A_kr.b) * B_kc.a;  // (aI + bP)^T (c u) = (a + b) c u
  } else if (!rx && cx) {
    out.a = A_kr.a * (B_kc.a + B_kc.b);  // (a u)^T (cI + eP) = a (c + e) u^T
  } else {
    out.a = A_kr.a * B_kc.a;  // (aI + bP)(cI + eP) = ac I + (ae + bc + be) P
    out.b = A_kr.a * B_kc.b + A_kr.b * B_kc.a + A_kr.b * B_kc.b;
  }
  return out;
}

}  // namespace

BlockMatrix transpose_times(const BlockMatrix& A, const BlockMatrix& B) {
  BlockMatrix out;
  const Slot slots[] = {Slot::Zero, Slot::X, Slot::Y};
  for (Slot r : slots)
    for (Slot c : slots) {
      Block sum;
      for (Slot k : slots) {
        const Block p = product(A.at(k, r), B.at(k, c), k, r, c);
        sum.a += p.a;
        sum.b += p.b;
      }
      out.at(r, c) = {GiNaC::expand(sum.a), GiNaC::expand(sum.b)};
    }
  return out;
}

std::vector<GiNaC::ex> BlockMatrix::coefficients(bool value_row_only) const {
  std::vector<GiNaC::ex> out;
  for (Slot r : {Slot::Zero, Slot::X, Slot::Y}) {
    if (value_row_only != (r == Slot::Y)) continue;
    for (Slot c : {Slot::Zero, Slot::X, Slot::Y}) {
      out.push_back(at(r, c).a);
      if (r == Slot::X && c == Slot::X) out.push_back(at(r, c).b);
    }
  }
  return out;
}

}  // namespace icl::claims
