#include "exact/objective.hpp"

namespace icl::exact {

std::vector<Coordinate> coordinates(Parameterization kind, int D, Update update) {
  const bool merged = kind == Parameterization::Merged;
  if (merged && (update == Update::Query || update == Update::Key))
    throw std::invalid_argument("q-only and k-only updates need the separate parameterization");
  std::vector<int> blocks;
  switch (update) {
    case Update::All:
      blocks = merged ? std::vector<int>{0, 1} : std::vector<int>{0, 1, 2};
      break;
    case Update::Value:
      blocks = {0};
      break;
    case Update::KeyQuery:
      blocks = merged ? std::vector<int>{1} : std::vector<int>{1, 2};
      break;
    case Update::Query:
      blocks = {1};
      break;
    case Update::Key:
      blocks = {2};
      break;
  }
  std::vector<Coordinate> out;
  for (int b : blocks)
    for (int r = 0; r < D; ++r)
      for (int c = 0; c < D; ++c) out.push_back(Coordinate{b, r, c});
  return out;
}

}  // namespace icl::exact
