// Module lora: low-rank adapters (LoRA, as in Hugging Face PEFT) on the one-layer model, trained on
// the exact risk (docs/beyond.md#lora-adapters).
//   adapter.hpp         targets (q, k, v) as blocks, W = W0 + (alpha/r) B A, PEFT's initialization
//   field.hpp           the exact loss and gradient in (A, B) (the chain rule as a policy), the
//                       balances A A^T - B^T B that gradient flow conserves; a field of the exact
//                       trainers (train/exact_trainers.hpp)
//   value_endpoint.hpp  where rank-one value LoRA ends from P(gamma), in closed form
//   lora_file.hpp       parameter files of a LoRA run: the merged W and the factors
#pragma once

#include "lora/adapter.hpp"
#include "lora/field.hpp"
#include "lora/lora_file.hpp"
#include "lora/value_endpoint.hpp"
