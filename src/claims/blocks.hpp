// The block layout of a claim file's families (docs/claim-files.md#families): a D x D matrix as a
// 3 x 3 grid of blocks over the token slots 0 (constant), x (the d covariates) and y (the label).
// A scalar block is an expression; a d-vector block is a theta0; a d x d block is a I + b P with
// P = theta0 theta0^T. theta0 is a unit vector (e_1 by rotation symmetry), so the algebra closes:
// theta0^T theta0 = 1, I P = P I = P P = P.
#pragma once

#include <ginac/ginac.h>

#include <array>
#include <string>

#include "model/params.hpp"

namespace icl::claims {

enum class Slot { Zero = 0, X = 1, Y = 2 };

// One block: its coefficient a (and b, the P coefficient, for the x-x block).
struct Block {
  GiNaC::ex a = 0, b = 0;
};

// A D x D matrix of blocks; blocks[row][col] by Slot.
struct BlockMatrix {
  std::array<std::array<Block, 3>, 3> blocks;

  Block& at(Slot r, Slot c) { return blocks[static_cast<int>(r)][static_cast<int>(c)]; }
  const Block& at(Slot r, Slot c) const { return blocks[static_cast<int>(r)][static_cast<int>(c)]; }

  // A^T B in the block algebra (the merged key-query matrix of the separate form: Q_sep^T K).
  friend BlockMatrix transpose_times(const BlockMatrix& A, const BlockMatrix& B);

  // Every coefficient of the blocks that matter, each once: the label row for a value matrix,
  // the rows 0 and x for a key-query matrix (the query's label slot is zero).
  std::vector<GiNaC::ex> coefficients(bool value_row_only) const;

  // The concrete matrix at dimension d with theta0 = e_1; `coefficient` evaluates an expression.
  template <class Eval>
  Mat<Rational> concrete(int d, Eval coefficient) const;
};

BlockMatrix transpose_times(const BlockMatrix& A, const BlockMatrix& B);

template <class Eval>
Mat<Rational> BlockMatrix::concrete(int d, Eval coefficient) const {
  const int D = d + 2;
  Mat<Rational> m = Mat<Rational>::Zero(D, D);
  auto first = [d](Slot s) { return s == Slot::Zero ? 0 : s == Slot::X ? 1 : d + 1; };
  for (Slot r : {Slot::Zero, Slot::X, Slot::Y})
    for (Slot c : {Slot::Zero, Slot::X, Slot::Y}) {
      const Block& blk = at(r, c);
      if (blk.a.is_zero() && blk.b.is_zero()) continue;
      const Rational a = coefficient(blk.a);
      if (r == Slot::X && c == Slot::X) {
        for (int i = 1; i <= d; ++i) m(i, i) = a;
        m(1, 1) += coefficient(blk.b);
      } else {
        m(first(r), first(c)) = a;  // a vector block a theta0 = a e_1 has its entry at the first x
      }
    }
  return m;
}

}  // namespace icl::claims
