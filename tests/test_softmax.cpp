// Softmax attention (model/softmax.hpp, train/softmax_backprop.hpp; docs/beyond.md#softmax-attention):
// the hand-written backpropagation against central finite differences, the forward pass and the
// gradient against PyTorch's autograd (tests/python/softmax_reference.py, run here) at seeded sizes,
// the mutants (no max shift, a 1/N) caught, the small-score limit of THEORY.md section 9, and the
// trainer's thread-count independence.
#include <doctest/doctest.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "arch_fd.hpp"
#include "model/arch.hpp"
#include "model/arch_json.hpp"
#include "train/arch_sgd.hpp"

using namespace icl;
using icl::testing::fd_error;
using icl::testing::random_prompt;

namespace {

// The authors' task set-up at dimension d (s2 = 1/10, theta0 = e_1) for a loss with `shots` shots.
train::ArchProblem problem(int d, train::SgdLoss loss, long shots) {
  train::ArchProblem pb;
  pb.d = d;
  pb.noise_std = std::sqrt(0.1);
  pb.loss = loss;
  pb.shots = shots;
  pb.theta0 = Eigen::VectorXd::Unit(d, 0);
  return pb;
}

Arch<double> softmax_arch(int L, int H, int d, double scale, std::uint64_t seed) {
  Arch<double> a = train::random_arch(L, H, d, scale, seed);
  a.attention = Attention::Softmax;
  return a;
}

double max_abs(const Eigen::MatrixXd& m) { return m.cwiseAbs().maxCoeff(); }

// One case for the PyTorch reference and its answer.
struct Case {
  Arch<double> arch;
  std::vector<Eigen::MatrixXd> prompts;
  std::vector<double> labels;
};

nlohmann::json run_torch(const Case& c) {
  nlohmann::json j = arch_json(c.arch, ArchLayout::Layers);
  j["prompts"] = nlohmann::json::array();
  for (std::size_t i = 0; i < c.prompts.size(); ++i)
    j["prompts"].push_back(
        {{"Z", matrix_json(Mat<double>(c.prompts[i]), [](double x) { return x; })}, {"y", c.labels[i]}});
  const auto dir = std::filesystem::temp_directory_path();
  const std::string in = (dir / ("icl_softmax_case_" + std::to_string(::getpid()) + ".json")).string();
  std::ofstream(in) << j.dump();
  const std::string cmd = std::string(ICL_PYTHON) + " " + ICL_SOURCE_DIR + "/tests/python/softmax_reference.py " + in;
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(cmd.c_str(), "r"), pclose);
  REQUIRE(pipe);
  std::string out;
  char buf[4096];
  while (std::size_t k = std::fread(buf, 1, sizeof buf, pipe.get())) out.append(buf, k);
  std::filesystem::remove(in);
  INFO("command: " << cmd);
  REQUIRE_FALSE(out.empty());
  return nlohmann::json::parse(out)["results"];
}

Eigen::MatrixXd from_json(const nlohmann::json& m) {
  Eigen::MatrixXd out(static_cast<Eigen::Index>(m.size()), static_cast<Eigen::Index>(m[0].size()));
  for (Eigen::Index r = 0; r < out.rows(); ++r)
    for (Eigen::Index c = 0; c < out.cols(); ++c)
      out(r, c) = m[static_cast<std::size_t>(r)][static_cast<std::size_t>(c)];
  return out;
}

// Largest deviation of our gradient from PyTorch's, relative to PyTorch's largest entry.
double gradient_gap(const train::ArchGradient& g, const nlohmann::json& torch_grad) {
  double worst = 0, scale = 0;
  for (std::size_t l = 0; l < g.grad.layers.size(); ++l)
    for (std::size_t h = 0; h < g.grad.layers[l].size(); ++h) {
      const auto& ours = g.grad.layers[l][h];
      const auto& theirs = torch_grad[l][h];
      for (const auto& [name, m] : {std::pair{"V", &ours.V}, {"Q", &ours.Q}, {"K", &ours.K}}) {
        const Eigen::MatrixXd t = from_json(theirs[name]);
        worst = std::max(worst, max_abs(*m - t));
        scale = std::max(scale, max_abs(t));
      }
    }
  return worst / scale;
}

Case seeded_case(int L, int H, int d, long n, double scale, std::uint64_t seed, int prompts) {
  Case c{softmax_arch(L, H, d, scale, seed), {}, {}};
  for (int i = 0; i < prompts; ++i) {
    double y = 0;
    c.prompts.push_back(random_prompt(d, n, seed * 100 + static_cast<std::uint64_t>(i), y));
    c.labels.push_back(y);
  }
  return c;
}

}  // namespace

TEST_CASE("softmax backpropagation equals central finite differences; a wrong softmax is caught") {
  for (const auto& shape : {std::tuple{1, 1, 2, 3}, {2, 2, 3, 5}, {3, 2, 2, 4}, {2, 1, 3, 0}}) {
    // named values, not a structured binding: CAPTURE's lambda reads them
    const int L = std::get<0>(shape), H = std::get<1>(shape), d = std::get<2>(shape), n = std::get<3>(shape);
    CAPTURE(L);
    CAPTURE(H);
    CAPTURE(n);
    const Arch<double> a = softmax_arch(L, H, d, 0.6, 7 + static_cast<std::uint64_t>(L * 10 + H));
    double y = 0;
    const Eigen::MatrixXd Z = random_prompt(d, n, 99, y);
    const train::ArchGradient g = train::arch_prompt_gradient(a, Z, y);
    const double yhat = arch_predict(a, Z);
    CHECK(g.loss == doctest::Approx((yhat - y) * (yhat - y)).epsilon(1e-12));
    CHECK(fd_error(a, Z, y, g) < 1e-7);
    if (n > 0) {  // with N = 1 the softmax is 1 and the 1/N mutant is the right model
      const auto wrong = train::arch_prompt_gradient(a, Z, y, {.divide_by_rows = true});
      CHECK(fd_error(a, Z, y, wrong) > 1e-3);
    }
  }
}

TEST_CASE("softmax forward and gradient equal PyTorch's autograd at seeded sizes; the mutants are caught") {
  std::vector<Case> cases{seeded_case(1, 1, 2, 3, 0.5, 1, 2), seeded_case(2, 2, 3, 6, 0.5, 2, 2),
                          seeded_case(3, 2, 5, 20, 0.4, 3, 2), seeded_case(1, 3, 5, 40, 0.4, 4, 1)};
  for (std::size_t k = 0; k < cases.size(); ++k) {
    const Case& c = cases[k];
    CAPTURE(k);
    const nlohmann::json ref = run_torch(c);
    REQUIRE(ref.size() == c.prompts.size());
    for (std::size_t i = 0; i < c.prompts.size(); ++i) {
      const Eigen::MatrixXd& Z = c.prompts[i];
      const Eigen::MatrixXd out = arch_output(c.arch, Mat<double>(Z));
      const Eigen::MatrixXd tz = from_json(ref[i]["Z"]);
      CHECK(max_abs(out - tz) < 1e-12 * (1 + max_abs(tz)));
      const double yhat = arch_predict(c.arch, Mat<double>(Z)), tyhat = ref[i]["yhat"];
      CHECK(std::abs(yhat - tyhat) < 1e-12 * (1 + std::abs(tyhat)));
      const auto g = train::arch_prompt_gradient(c.arch, Z, c.labels[i]);
      CHECK(g.loss == doctest::Approx(double(ref[i]["loss"])).epsilon(1e-11));
      CHECK(gradient_gap(g, ref[i]["grad"]) < 1e-10);
      // The mutant with 1/N: loss and gradient both differ from PyTorch's.
      const auto wrong = train::arch_prompt_gradient(c.arch, Z, c.labels[i], {.divide_by_rows = true});
      CHECK(gradient_gap(wrong, ref[i]["grad"]) > 1e-2);
    }
  }
  // Large scores (entries of Q, K of size 6: scores of order 10^3, exp overflows without the max
  // shift): the kernel still equals PyTorch's; the mutant without the shift does not.
  Case big = seeded_case(2, 1, 3, 8, 0.5, 5, 1);
  for (auto& layer : big.arch.layers)
    for (auto& h : layer) {
      h.Q *= 12;
      h.K *= 12;
    }
  const nlohmann::json ref = run_torch(big);
  const Eigen::MatrixXd& Z = big.prompts[0];
  const auto g = train::arch_prompt_gradient(big.arch, Z, big.labels[0]);
  CHECK(std::isfinite(g.loss));
  CHECK(g.loss == doctest::Approx(double(ref[0]["loss"])).epsilon(1e-9));
  CHECK(gradient_gap(g, ref[0]["grad"]) < 1e-8);
  const auto wrong = train::arch_prompt_gradient(big.arch, Z, big.labels[0], {.max_shift = false});
  CHECK_FALSE(std::isfinite(wrong.loss));
}

// THEORY.md section 9 reads softmax(s) ~ (1 + s)/N for small scores: the linear model plus the
// uniform average. Expanding exp: softmax(eps a)_rs = (1 + eps (a_rs - abar_r))/N + O(eps^2), abar_r
// the mean of row r. So after removing the uniform average, the layer's update is eps times the
// linear layer's update MINUS the row-mean term (1/(H N)) sum_h abar_r (1^T Z V_h^T), up to eps^2;
// the reading without the row mean is off at first order.
TEST_CASE("small scores: softmax = uniform average + linear layer - the row-mean term, up to eps^2") {
  const int d = 3;
  double y = 0;
  const Eigen::MatrixXd Z = random_prompt(d, 6, 4, y);
  const long N = Z.rows();
  Arch<double> lin = train::random_arch(1, 2, d, 0.7, 11);
  const auto gaps = [&](double eps) {
    Arch<double> a = lin, soft = lin;
    for (auto& h : soft.layers[0]) h.Q *= eps;  // scores eps * a
    soft.attention = Attention::Softmax;
    Eigen::MatrixXd uniform = Eigen::MatrixXd::Zero(N, Z.cols()), centre = uniform;
    for (const auto& h : lin.layers[0]) {
      const Eigen::MatrixXd values = Z * h.V.transpose();
      const Eigen::MatrixXd A = (Z * h.Q.transpose()) * (Z * h.K.transpose()).transpose();
      uniform += Eigen::MatrixXd::Constant(N, N, 1.0 / N) * values / 2.0;
      centre += (A.rowwise().mean() * Eigen::RowVectorXd::Ones(N)) * values / (2.0 * N);
    }
    const Eigen::MatrixXd delta = arch_output(soft, Mat<double>(Z)) - Z - uniform;
    const Eigen::MatrixXd linear = arch_output(a, Mat<double>(Z)) - Z;  // (1/(H N)) sum_h A_h Z V_h^T
    return std::pair{max_abs(delta - eps * (linear - centre)), max_abs(delta - eps * linear)};
  };
  const auto [with1, without1] = gaps(1e-2);
  const auto [with2, without2] = gaps(1e-3);
  MESSAGE("eps 1e-2 -> 1e-3: residual with the row-mean term "
          << with1 << " -> " << with2 << ", without it (THEORY.md's reading) " << without1 << " -> " << without2);
  CHECK(with1 / with2 > 70);        // O(eps^2): a factor 100
  CHECK(without1 / without2 < 15);  // O(eps): a factor 10
  CHECK(without2 > 100 * with2);
}

// The batch kernels at d = 5 run with D = 7 fixed at compile time (arch_sgd.cpp's dispatch), the
// prompt gradient above with dynamic sizes: the batch loss of a step is a function of the parameters
// alone (the prompts depend on the step and the seed), so its directional derivative must be the
// gradient's inner product with the direction.
TEST_CASE("batch gradient at d = 5 (fixed-size kernels) equals the directional derivative of the batch loss") {
  for (Attention kind : {Attention::Softmax, Attention::Linear}) {
    CAPTURE(attention_name(kind));
    const train::ArchProblem pb = problem(5, train::SgdLoss::Pretrain, 20);
    train::SgdOptions opt;
    opt.batch = 300;
    opt.seed = 4;
    Arch<double> a = train::random_arch(2, 2, 5, 0.4, 21);
    a.attention = kind;
    const Arch<double> u = train::random_arch(2, 2, 5, 1.0, 22);
    const auto g = train::arch_batch_gradient(pb, a, opt, 3, nullptr);
    double inner = 0;
    for (std::size_t l = 0; l < 2; ++l)
      for (std::size_t h = 0; h < 2; ++h) {
        const auto &x = g.grad.layers[l][h], &y = u.layers[l][h];
        inner += (x.V.cwiseProduct(y.V).sum() + x.Q.cwiseProduct(y.Q).sum() + x.K.cwiseProduct(y.K).sum());
      }
    const auto shifted = [&](double t) {
      Arch<double> b = a;
      for (std::size_t l = 0; l < 2; ++l)
        for (std::size_t h = 0; h < 2; ++h) {
          b.layers[l][h].V += t * u.layers[l][h].V;
          b.layers[l][h].Q += t * u.layers[l][h].Q;
          b.layers[l][h].K += t * u.layers[l][h].K;
        }
      return train::arch_batch_gradient(pb, b, opt, 3, nullptr).loss;
    };
    const double eps = 1e-5, fd = (shifted(eps) - shifted(-eps)) / (2 * eps);
    CHECK(fd == doctest::Approx(inner).epsilon(1e-6));
  }
}

TEST_CASE("softmax training: bit-identical for any thread count; a zero-shot prompt never moves Q or K of one layer") {
  train::ArchProblem pb = problem(3, train::SgdLoss::ZeroFew, 5);
  pb.pool = 500;
  train::SgdOptions opt;
  opt.steps = 4;
  opt.batch = 3 * train::kPromptBlock + 17;
  opt.seed = 9;
  const Arch<double> start = softmax_arch(2, 2, 3, 0.3, 9);
  opt.threads = 1;
  const auto one = train::arch_train(pb, start, opt);
  opt.threads = 3;
  const auto three = train::arch_train(pb, start, opt);
  CHECK(one.loss == three.loss);
  for (std::size_t l = 0; l < 2; ++l)
    for (std::size_t h = 0; h < 2; ++h) {
      CHECK(one.arch.layers[l][h].V == three.arch.layers[l][h].V);
      CHECK(one.arch.layers[l][h].Q == three.arch.layers[l][h].Q);
      CHECK(one.arch.layers[l][h].K == three.arch.layers[l][h].K);
    }
  CHECK(one.arch.softmax());
  CHECK(one.arch.layers[0][0].Q != start.layers[0][0].Q);

  // One layer, zero-shot loss: the query attends to itself alone, softmax = 1, so the prediction is
  // (1/H) sum_h v_h . z_q whatever Q and K are (linear attention: (1/H) sum_h (z_q^T M_h z_q) v_h . z_q).
  pb.loss = train::SgdLoss::ZeroShot;
  opt.threads = 1;
  const Arch<double> one_layer = softmax_arch(1, 2, 3, 0.3, 10);
  const Eigen::MatrixXd pool = train::arch_pool(pb, 1);
  const auto g = train::arch_batch_gradient(pb, one_layer, opt, 0, &pool);
  for (const auto& h : g.grad.layers[0]) {
    CHECK(max_abs(h.Q) == 0);
    CHECK(max_abs(h.K) == 0);
    CHECK(max_abs(h.V) > 0);
  }
}
