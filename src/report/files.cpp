#include "report/files.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <system_error>

#include "core/number.hpp"

namespace icl::report {
namespace {

// The only mutable global of the module: makes temporary names unique within the process.
std::atomic<unsigned long> temporary_counter{0};

[[noreturn]] void throw_cannot_write(const std::filesystem::path& path, const std::string& reason) {
  throw InputError("cannot write '" + path.string() + "': " + reason);
}

void remove_quietly(const std::filesystem::path& path) {
  std::error_code ignored;
  std::filesystem::remove(path, ignored);
}

// Writes `content` to a new file at `temp`; returns the error text, empty on success.
std::string write_whole_file(const std::filesystem::path& temp, const std::string& content) {
  std::FILE* file = std::fopen(temp.c_str(), "wbx");  // x: never reuse an existing file
  if (file == nullptr) return std::strerror(errno);
  errno = 0;
  const bool written = std::fwrite(content.data(), 1, content.size(), file) == content.size();
  const bool flushed = std::fflush(file) == 0;
  const int saved_errno = errno;
  const bool closed = std::fclose(file) == 0;
  if (written && flushed && closed) return "";
  return saved_errno != 0 ? std::strerror(saved_errno) : std::strerror(errno != 0 ? errno : EIO);
}

}  // namespace

std::filesystem::path temporary_next_to(const std::filesystem::path& path) {
  const unsigned long n = temporary_counter.fetch_add(1);
  const std::string name =
      fmt::format(".{}.tmp-{}-{}{}", path.filename().string(), ::getpid(), n, path.extension().string());
  return path.parent_path() / name;
}

void write_file_atomic(const std::filesystem::path& path, const std::string& content) {
  const std::filesystem::path temp = temporary_next_to(path);
  const std::string error = write_whole_file(temp, content);
  if (!error.empty()) {
    remove_quietly(temp);
    throw_cannot_write(path, error);
  }
  std::error_code ec;
  std::filesystem::rename(temp, path, ec);
  if (ec) {
    remove_quietly(temp);
    throw_cannot_write(path, ec.message());
  }
}

void check_directory_creatable(const std::filesystem::path& dir, const std::string& flag) {
  std::error_code ec;
  std::filesystem::path existing = std::filesystem::absolute(dir, ec);
  while (!existing.empty() && !std::filesystem::exists(existing, ec) && existing != existing.parent_path())
    existing = existing.parent_path();
  auto refuse = [&](const std::string& why) {
    throw InputError(fmt::format("{}: cannot create directory '{}': {}", flag, dir.string(), why));
  };
  if (!std::filesystem::is_directory(existing, ec)) refuse(fmt::format("'{}' is not a directory", existing.string()));
  if (::access(existing.c_str(), W_OK | X_OK) != 0) refuse(fmt::format("'{}' is not writable", existing.string()));
}

void make_directory(const std::filesystem::path& dir, const std::string& flag) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec || !std::filesystem::is_directory(dir))
    throw InputError(
        fmt::format("{}: cannot create directory '{}'{}", flag, dir.string(), ec ? ": " + ec.message() : ""));
}

}  // namespace icl::report
