// libFuzzer target: the L x H parameter-file reader icl::parse_arch_bytes (src/model/arch_file.hpp):
// JSON "layers" / "allparam" / one head, NumPy .npy, and .npz (zip, stored or deflated).
//
// Contract (docs/fuzzing.md): on any input the reader returns an Arch<Rational> or throws
// icl::InputError; any other exception escapes and aborts (libFuzzer saves the input), as do
// crashes, undefined behaviour (UBSan), hangs and huge allocations. An accepted model is checked for
// its shape and for an exact round trip through the JSON "layers" writer (model/arch_json.hpp).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

#include "model/arch_file.hpp"
#include "model/arch_json.hpp"

namespace {

[[noreturn]] void broken(const char* what) {
  fprintf(stderr, "fuzz_arch: %s\n", what);
  __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  icl::Arch<icl::Rational> a;
  try {
    a = icl::parse_arch_bytes(bytes, "fuzz");
  } catch (const icl::InputError&) {
    return 0;
  }
  if (a.L() < 1 || a.H() < 1) broken("an empty model accepted");
  const auto D = a.D();
  if (D < 3) broken("D < 3 accepted");
  for (const auto& layer : a.layers) {
    if (static_cast<int>(layer.size()) != a.H()) broken("layers with different head counts accepted");
    for (const auto& h : layer) {
      if (h.merged() != (a.kind() == icl::Parameterization::Merged)) broken("mixed parameterizations accepted");
      if (h.V.rows() != D || h.V.cols() != D || h.Q.rows() != D || h.Q.cols() != D) broken("a matrix is not D x D");
      if (!h.merged() && (h.K.rows() != D || h.K.cols() != D)) broken("K is not D x D");
    }
  }
  // The writer's output must read back to the same model (an InputError here escapes: a bug).
  const std::string text =
      icl::arch_json(a, icl::ArchLayout::Layers, [](const icl::Rational& q) { return icl::to_fraction(q); }).dump();
  const icl::Arch<icl::Rational> back = icl::parse_arch_json(text, "round-trip");
  if (back.L() != a.L() || back.H() != a.H() || back.kind() != a.kind()) broken("round trip changed the layout");
  for (int l = 0; l < a.L(); ++l)
    for (int h = 0; h < a.H(); ++h) {
      const auto &x = a.layers[l][h], &y = back.layers[l][h];
      if (x.V != y.V || x.Q != y.Q || (!x.merged() && x.K != y.K)) broken("round trip changed a value");
    }
  return 0;
}
