// Reading one input file whole, within limits::kMaxFileBytes: a directory, an unreadable path and a
// file (or endless stream, such as /dev/zero) past the limit are one InputError naming the file.
#pragma once

#include <string>
#include <string_view>

namespace icl {

// The bytes of `path`. `what` names the flag or the kind of file in messages ("--params", "claim file").
std::string read_input_file(const std::string& path, std::string_view what);

}  // namespace icl
