// libFuzzer target: .npz archives (zip, stored or deflated, zip64 extra fields) through
// icl::parse_arch_bytes (src/model/arch_file.hpp), seeded with archives whose headers lie about their
// sizes (an entry declaring gigabytes, a zip64 size past 4 GiB, a deflate stream longer than declared).
//
// Contract (docs/fuzzing.md): on any input the reader returns a model or throws icl::InputError; a
// declared size past the archive-entry limit is refused before anything is allocated, so a huge
// allocation (libFuzzer's -malloc_limit_mb) is a bug, as are crashes, hangs and other exceptions.
#include <cstddef>
#include <cstdint>
#include <string>

#include "model/arch_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  if (!bytes.starts_with("PK")) bytes.insert(0, "PK");  // every input is read as an archive
  try {
    (void)icl::parse_arch_bytes(bytes, "fuzz.npz");
  } catch (const icl::InputError&) {
  }
  return 0;
}
