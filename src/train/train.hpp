// Module train: training the model, by the authors' protocol and on the exact risk (docs/training.md).
//   schedule.hpp        the loss at step t (annealed few-shot weight), the conserved quantity, divergence
//   sgd.hpp             the authors' minibatch SGD (momentum) or Adam on sampled prompts, seeded and
//                       bit-identical for any thread count
//   stochastic.hpp      what both stochastic trainers share: prompts, seeded step blocks, clip and update
//   arch_sgd.hpp        the same for L layers x H heads (separate V, Q, K), hand-written backpropagation
//   arch_protocol.hpp   the authors' comparison protocol for L x H: pretraining, eight fine-tunings, risk curves
//   exact_trainers.hpp  gradient descent and adaptive gradient flow on the exact population risk
//   summary.hpp         scale-free summaries of a learned point
//   protocol.hpp        the whole paper protocol: pretraining, every fine-tuning method, risk curves
//   progress.hpp        the progress bar on stderr
#pragma once

#include "train/arch_protocol.hpp"
#include "train/arch_sgd.hpp"
#include "train/exact_trainers.hpp"
#include "train/progress.hpp"
#include "train/protocol.hpp"
#include "train/schedule.hpp"
#include "train/sgd.hpp"
#include "train/summary.hpp"
