// libFuzzer target: the JSON parameter-file reader icl::parse_params_json (src/model/params_file.hpp).
//
// Contract (docs/fuzzing.md): on any input the reader returns a Point<Rational> or throws
// icl::InputError; any other exception escapes and aborts (libFuzzer saves the input), as do
// crashes, undefined behaviour (UBSan), hangs (-timeout) and huge allocations (-malloc_limit_mb).
// An accepted point is checked for its shape and for an exact round trip through params_to_json.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "model/params_file.hpp"

namespace {

[[noreturn]] void broken(const char* what) {
  fprintf(stderr, "fuzz_params: %s\n", what);
  __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  icl::Point<icl::Rational> p;
  try {
    p = icl::parse_params_json(text, "fuzz.json");
  } catch (const icl::InputError&) {
    return 0;
  }
  const std::size_t blocks = p.kind == icl::Parameterization::Merged ? 2 : 3;
  if (p.blocks.size() != blocks) broken("wrong number of blocks for the parameterization");
  const auto D = p.blocks.front().rows();
  if (D < 3) broken("D < 3 accepted");
  for (const auto& b : p.blocks)
    if (b.rows() != D || b.cols() != D) broken("a block is not D x D");
  // The writer's output must read back to the same point (an InputError here escapes: a bug).
  const icl::Point<icl::Rational> back = icl::parse_params_json(icl::params_to_json(p), "round-trip");
  if (back.kind != p.kind || back.blocks.size() != p.blocks.size()) broken("round trip changed the layout");
  for (std::size_t b = 0; b < blocks; ++b)
    if (back.blocks[b] != p.blocks[b]) broken("round trip changed a value");
  return 0;
}
