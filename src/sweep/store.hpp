// The store of a sweep: one SQLite file (libsqlite3) holding the study, the program versions that
// wrote it and one row per finished point (docs/sweep.md, "The store"). A writing Store holds an
// exclusive flock on its file for its whole life (released by the kernel when the process dies), so a
// second sweep on the same file is refused and a killed sweep leaves no stale lock; a reading Store
// takes no lock between its statements, so a study can be read while it runs. Every point is written
// in one transaction.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

struct sqlite3;

namespace icl::sweep {

// A finished point as the store keeps it.
struct Row {
  std::string options;  // canonical options (Point::key)
  std::string status;   // "ok" (exit 0), "failed" (the command refused or failed: exit != 0), "killed" (a signal)
  int exit_code = 0;    // exit status, or the signal number for "killed"
  std::string result;   // the command's JSON output (ok), else ""
  std::string error;    // the command's stderr (its one-line message), else ""
  std::string version;  // program version that ran it
  std::string host;
  std::string start, end;  // UTC, ISO 8601 with milliseconds
  double wall = 0;         // seconds
  double cpu = 0;          // user + system CPU seconds of the point's processes (0 in stores before it was kept)
};

class Store {
 public:
  enum class Mode { Write, Read };
  // Opens `path` (Write: creates it if absent, and locks it against other writers). Throws InputError
  // with one line naming the file and the problem (not SQLite, not writable, another sweep writing it,
  // a directory, missing).
  Store(const std::string& path, Mode mode);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // The study the store belongs to: binds an empty store to `study_canonical`, or checks it. Another
  // study is refused; another program version is refused unless `allow_version_change` (then it is
  // added to the versions table).
  void bind(const std::string& study_canonical, const std::string& study_hash, const std::string& version,
            bool allow_version_change);
  std::optional<std::string> study() const;  // the canonical study, if bound
  std::vector<std::string> versions() const;

  // The points that need no run, canonical options -> status: "ok" and "failed" (a killed point runs again).
  std::map<std::string, std::string> finished() const;
  void put(const Row& row);       // one transaction; replaces a "killed" row of the same point
  std::vector<Row> rows() const;  // every row, sorted by options

  const std::string& path() const { return path_; }

 private:
  void exec(const std::string& sql) const;
  [[noreturn]] void fail(const std::string& what) const;
  std::string meta(const std::string& key) const;
  bool has_cpu_column() const;
  void check_schema() const;
  void check_row(const Row& r) const;
  // Every row, sorted by options, each checked (check_row) and then passed to visit.
  void visit_rows(const std::function<void(Row&&)>& visit) const;
  void lock_writer();
  sqlite3* db_ = nullptr;
  int writer_lock_ = -1;  // the flock'ed descriptor of a writer
  std::string path_;
};

}  // namespace icl::sweep
