// The authors' SGD protocol per step (THEORY.md section 6): 5000 prompts, 20 shots, d = 5.
// The authors' PyTorch code takes about 75 ms per pretraining step on this machine's CPU.
#include <benchmark/benchmark.h>

#include <cmath>

#include "train/arch_sgd.hpp"
#include "train/sgd.hpp"

namespace {

using namespace icl;

void run_steps(benchmark::State& state, train::SgdLoss loss) {
  train::SgdProblem pb;  // d = 5, s2 = 0.1, 20 shots
  pb.loss = loss;
  pb.theta0 = Eigen::VectorXd::Unit(5, 0);
  train::SgdOptions opt;
  opt.steps = 20;
  opt.batch = 5000;
  opt.threads = static_cast<int>(state.range(0));
  const Point<double> start = train::random_init(Parameterization::Merged, 5, 0.05, 1);
  for (auto _ : state) benchmark::DoNotOptimize(train::sgd_train(pb, start, opt).loss);
  // steps per second; one step takes 1 / items_per_second (fine-tuning runs include drawing the pool once).
  state.SetItemsProcessed(state.iterations() * opt.steps);
}

void BM_PretrainStep(benchmark::State& state) { run_steps(state, train::SgdLoss::Pretrain); }
void BM_FinetuneZsFsStep(benchmark::State& state) { run_steps(state, train::SgdLoss::ZeroFew); }
void BM_FinetuneZsStep(benchmark::State& state) { run_steps(state, train::SgdLoss::ZeroShot); }

BENCHMARK(BM_PretrainStep)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_FinetuneZsFsStep)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_FinetuneZsStep)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

// L = 2 layers x H = 2 heads with separate V, Q, K (the authors' comparison.py sizes): one pretraining
// step (5000 fresh prompts of 20 shots + query, d = 5; forward, backpropagation, clipping, update).
// bench/torch_step.py times the same step of the PyTorch model (docs/performance.md).
void run_arch_steps(benchmark::State& state, train::Optimizer optimizer, Attention attention = Attention::Linear,
                    int layers = 2, int heads = 2) {
  train::ArchProblem pb;  // d = 5, 20 shots, x ~ N(0, I)
  pb.noise_std = std::sqrt(0.1);
  train::SgdOptions opt;
  opt.optimizer = optimizer;
  opt.beta2 = 0.9;
  opt.steps = 5;
  opt.batch = 5000;
  opt.threads = static_cast<int>(state.range(0));
  Arch<double> start = train::random_arch(layers, heads, 5, 0.05, 1);
  start.attention = attention;
  for (auto _ : state) benchmark::DoNotOptimize(train::arch_train(pb, start, opt).loss);
  state.SetItemsProcessed(state.iterations() * opt.steps);
}

void BM_ArchSgdStep(benchmark::State& state) { run_arch_steps(state, train::Optimizer::Sgd); }
void BM_ArchAdamStep(benchmark::State& state) { run_arch_steps(state, train::Optimizer::Adam); }

BENCHMARK(BM_ArchSgdStep)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_ArchAdamStep)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

// The same step with softmax attention (train/softmax_backprop.hpp; bench/torch_step.py --attention softmax).
void BM_ArchSoftmaxSgdStep(benchmark::State& state) {
  run_arch_steps(state, train::Optimizer::Sgd, Attention::Softmax);
}
void BM_ArchSoftmaxAdamStep(benchmark::State& state) {
  run_arch_steps(state, train::Optimizer::Adam, Attention::Softmax);
}

// One layer, one head (the comparison study's model): the last layer computes the query row only.
void BM_ArchSoftmaxOneLayerSgdStep(benchmark::State& state) {
  run_arch_steps(state, train::Optimizer::Sgd, Attention::Softmax, 1, 1);
}

BENCHMARK(BM_ArchSoftmaxSgdStep)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_ArchSoftmaxOneLayerSgdStep)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_ArchSoftmaxAdamStep)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
