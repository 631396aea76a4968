// Output files written atomically: a temporary file in the target's directory, then a rename, so
// a reader never sees a partial file and a failure leaves the old file (or none) in place.
#pragma once

#include <filesystem>
#include <string>

namespace icl::report {

// Writes `content` to `path` atomically. Throws InputError naming the path if the directory does
// not exist or is not writable.
void write_file_atomic(const std::filesystem::path& path, const std::string& content);

// Creates `dir` and its parents if missing. Throws InputError naming `flag` ("--out") if it cannot.
void make_directory(const std::filesystem::path& dir, const std::string& flag);

// Throws InputError naming `flag` unless make_directory(dir) could succeed: the nearest existing
// ancestor of `dir` is a writable directory. Creates nothing, so a command can refuse a bad path before
// its work and create the directory only when it has something to write.
void check_directory_creatable(const std::filesystem::path& dir, const std::string& flag);

// A temporary path next to `path` (same directory, so that rename is atomic), unique per process
// and call, keeping the extension (tools such as gnuplot pick the format from it).
std::filesystem::path temporary_next_to(const std::filesystem::path& path);

}  // namespace icl::report
