// Forward and backward through L softmax layers for one prompt (model/softmax.hpp; the derivation:
// docs/beyond.md#softmax-attention). Internal to the trainer: arch_sgd.cpp runs it in the same blocks,
// with the same prompts, sums and optimizer as the linear kernel, chosen by Arch::attention.
//
// Layer l (c = 1/H, M_h = Q_h^T K_h): A_h = Z M_h Z^T, P_h = softmax_rows(A_h), U_h = Z V_h^T,
// Z' = Z + c sum_h P_h U_h. With G = dL/dZ':
//   dL/dU_h = c P_h^T G,  dL/dV_h = (dL/dU_h)^T Z,  dL/dP_h = c G U_h^T,
//   dL/dA_h = P_h o (dL/dP_h - rowsum(P_h o dL/dP_h) 1^T)      (the softmax Jacobian, row by row),
//   dL/dM_h = Z^T (dL/dA_h) Z,
//   dL/dZ = G + sum_h [ (dL/dU_h) V_h + (dL/dA_h) Z M_h^T + (dL/dA_h)^T Z M_h ].
// The last layer computes only the query's label yhat = z_q[D-1] + c sum_h p_h . (Z v_h) with
// p_h = softmax(Z M_h^T z_q); its backward is the row case of the same rules. Like the linear
// kernel it accumulates dL/dM_h and dL/dV_h; the trainer maps dM to dQ = K dM^T, dK = Q dM.
#pragma once

#include <Eigen/Dense>
#include <cmath>
#include <vector>

#include "train/arch_kernel.hpp"
#include "train/arch_sgd.hpp"

namespace icl::train::detail {

template <int Dc>
class SoftmaxBackprop {
 public:
  using M = Eigen::Matrix<double, Dc, Dc>;
  using V = Eigen::Matrix<double, Dc, 1>;
  using Rows = Eigen::Matrix<double, Eigen::Dynamic, Dc>;  // N x D
  using Square = Eigen::MatrixXd;                          // N x N
  using Col = Eigen::VectorXd;                             // N

  SoftmaxBackprop(const Frozen<Dc>& p, int D, BackpropOptions bp)
      : p_(p), L_(static_cast<int>(p.Mh.size())), H_(static_cast<int>(p.Mh.front().size())), D_(D), bp_(bp) {}

  // Adds weight * (yhat - y)^2 * scale to acc.loss and its gradient to acc; Z is the prompt (N x D).
  template <class Prompt>
  void prompt(const Prompt& z0, double y, double weight, double scale, Sums<Dc>& acc) {
    const long N = z0.rows();
    Work& w = work_[N == 1 ? 1 : 0];  // zs + fs alternates N = n + 1 and N = 1: no reallocation
    w.resize(L_, H_, N, D_);
    const double c = 1.0 / static_cast<double>(H_);
    const auto last = static_cast<std::size_t>(L_ - 1);
    const auto H = static_cast<std::size_t>(H_);

    w.Z[0] = z0;
    for (std::size_t l = 0; l < last; ++l) {
      w.Z[l + 1] = w.Z[l];
      for (std::size_t h = 0; h < H; ++h) {
        w.ZM[l][h].noalias() = w.Z[l] * p_.Mh[l][h];
        w.P[l][h].noalias() = w.ZM[l][h] * w.Z[l].transpose();
        softmax_rows(w.P[l][h], N);
        w.U[l][h].noalias() = w.Z[l] * p_.Vh[l][h].transpose();
        w.Z[l + 1].noalias() += c * (w.P[l][h] * w.U[l][h]);
      }
    }
    const Rows& Zl = w.Z[last];
    const V zq = Zl.row(N - 1).transpose();
    double yhat = zq(D_ - 1);
    for (std::size_t h = 0; h < H; ++h) {
      w.u[h].noalias() = p_.Mh[last][h].transpose() * zq;
      w.p[h].noalias() = Zl * w.u[h];
      softmax_vector(w.p[h], N);
      w.vals[h].noalias() = Zl * p_.vh[last][h];
      yhat += c * w.p[h].dot(w.vals[h]);
    }
    const double r = yhat - y;
    acc.loss += weight * r * r * scale;
    const double g = 2 * weight * r * scale;

    // The last layer (query row only).
    Rows& G = w.G;
    if (last > 0) {
      G.setZero();
      G(N - 1, D_ - 1) = g;
    }
    for (std::size_t h = 0; h < H; ++h) {
      const Col dp = (g * c) * w.vals[h];
      const Col ds = w.p[h].cwiseProduct(dp - Col::Constant(N, w.p[h].dot(dp)));
      acc.dV[last][h].row(D_ - 1).noalias() += (g * c) * (Zl.transpose() * w.p[h]).transpose();
      const V zds = Zl.transpose() * ds;
      acc.dM[last][h].noalias() += zq * zds.transpose();
      if (last > 0) {
        G.noalias() += (g * c) * w.p[h] * p_.vh[last][h].transpose();
        G.noalias() += ds * w.u[h].transpose();
        G.row(N - 1).noalias() += (p_.Mh[last][h] * zds).transpose();
      }
    }
    // The full layers, last to first.
    for (std::size_t l = last; l-- > 0;) {
      const Rows& Z = w.Z[l];
      if (l > 0) w.Gnext = G;
      for (std::size_t h = 0; h < H; ++h) {
        const Square& P = w.P[l][h];
        w.dU.noalias() = c * (P.transpose() * G);
        acc.dV[l][h].noalias() += w.dU.transpose() * Z;
        w.dA.noalias() = c * (G * w.U[l][h].transpose());
        for (long i = 0; i < N; ++i) {  // the softmax Jacobian, row by row
          const double inner = P.row(i).dot(w.dA.row(i));
          w.dA.row(i) = P.row(i).cwiseProduct(w.dA.row(i) - Eigen::RowVectorXd::Constant(N, inner));
        }
        w.ZtdA.noalias() = Z.transpose() * w.dA;
        acc.dM[l][h].noalias() += w.ZtdA * Z;
        if (l > 0) {
          w.Gnext.noalias() += w.dU * p_.Vh[l][h];
          w.Gnext.noalias() += w.dA * (Z * p_.Mh[l][h].transpose());
          w.Gnext.noalias() += w.dA.transpose() * w.ZM[l][h];
        }
      }
      if (l > 0) G.swap(w.Gnext);
    }
  }

 private:
  struct Work {
    long N = -1;
    std::vector<Rows> Z;
    std::vector<std::vector<Rows>> ZM, U;
    std::vector<std::vector<Square>> P;
    std::vector<V> u;
    std::vector<Col> p, vals;
    Rows G, Gnext, dU;
    Square dA;
    Eigen::Matrix<double, Dc, Eigen::Dynamic> ZtdA;  // D x N

    void resize(int L, int H, long n_rows, int D) {
      if (n_rows == N) return;
      N = n_rows;
      const auto l = static_cast<std::size_t>(L), h = static_cast<std::size_t>(H);
      Z.assign(l, Rows(N, D));
      ZM.assign(l, std::vector<Rows>(h, Rows(N, D)));
      U = ZM;
      P.assign(l, std::vector<Square>(h, Square(N, N)));
      u.assign(h, V::Zero(D));
      p.assign(h, Col(N));
      vals = p;
      G.resize(N, D);
      Gnext.resize(N, D);
      dU.resize(N, D);
      dA.resize(N, N);
      ZtdA.resize(D, N);
    }
  };

  // softmax with the max shift (BackpropOptions::max_shift = false: the mutant without it), then
  // the 1/N mutant (divide_by_rows) when asked.
  template <class Vector>
  void softmax_vector(Vector&& s, long N) const {
    const double top = bp_.max_shift ? s.maxCoeff() : 0.0;
    s = (s.array() - top).exp().matrix();
    s /= s.sum();
    if (bp_.divide_by_rows) s /= static_cast<double>(N);
  }
  void softmax_rows(Square& A, long N) const {
    for (Eigen::Index i = 0; i < A.rows(); ++i) softmax_vector(A.row(i), N);
  }

  const Frozen<Dc>& p_;
  int L_, H_, D_;
  BackpropOptions bp_;
  Work work_[2];
};

}  // namespace icl::train::detail
