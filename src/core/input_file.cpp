#include "core/input_file.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "core/limits.hpp"
#include "core/number.hpp"

namespace icl {

std::string read_input_file(const std::string& path, std::string_view what) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw InputError(fmt::format("{}: '{}' is a directory, not a file", what, path));
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(fmt::format("{}: cannot read '{}' ({})", what, path, std::strerror(errno)));
  std::string bytes;
  char chunk[1 << 16];
  while (in.read(chunk, sizeof chunk) || in.gcount() > 0) {
    bytes.append(chunk, static_cast<std::size_t>(in.gcount()));
    if (bytes.size() > limits::kMaxFileBytes)
      throw InputError(fmt::format("{}: '{}' is larger than {} bytes, the limit of one input file", what, path,
                                   limits::kMaxFileBytes));
  }
  if (in.bad()) throw InputError(fmt::format("{}: cannot read '{}' ({})", what, path, std::strerror(errno)));
  return bytes;
}

}  // namespace icl
