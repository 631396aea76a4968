#include "exact/objective.hpp"
#include "exact/heads.hpp"

namespace icl::exact {

std::vector<int> updated_blocks(Parameterization kind, Update update) {
  const bool merged = kind == Parameterization::Merged;
  if (merged && (update == Update::Query || update == Update::Key))
    throw std::invalid_argument("q-only and k-only updates need the separate parameterization");
  switch (update) {
    case Update::All:
      return merged ? std::vector<int>{block::V, block::Q} : std::vector<int>{block::V, block::Qsep, block::K};
    case Update::Value:
      return {block::V};
    case Update::KeyQuery:
      return merged ? std::vector<int>{block::Q} : std::vector<int>{block::Qsep, block::K};
    case Update::Query:
      return {block::Qsep};
    case Update::Key:
      return {block::K};
  }
  throw std::invalid_argument("unknown update");
}

std::vector<Coordinate> coordinates(Parameterization kind, int D, Update update) {
  std::vector<Coordinate> out;
  for (int b : updated_blocks(kind, update))
    for (int r = 0; r < D; ++r)
      for (int c = 0; c < D; ++c) out.push_back(Coordinate{b, r, c});
  return out;
}

std::vector<Coordinate> head_coordinates(Parameterization kind, int H, int D, Update update) {
  std::vector<Coordinate> out;
  for (int h = 0; h < H; ++h)
    for (Coordinate c : coordinates(kind, D, update)) {
      c.block += h * blocks_per_head(kind);
      out.push_back(c);
    }
  return out;
}

}  // namespace icl::exact
