#include "sweep/store.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/number.hpp"

namespace icl::sweep {
namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS versions(version TEXT PRIMARY KEY, first_seen TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS points(
  options TEXT PRIMARY KEY,   -- canonical options (sorted JSON)
  status TEXT NOT NULL,       -- ok | failed | killed
  exit_code INTEGER NOT NULL, -- exit status, or the signal of a killed point
  result TEXT NOT NULL,       -- the command's JSON output (ok)
  error TEXT NOT NULL,        -- the command's stderr
  version TEXT NOT NULL,      -- git describe and build type of the program that ran it
  host TEXT NOT NULL,
  start TEXT NOT NULL,        -- UTC, ISO 8601
  end TEXT NOT NULL,
  wall REAL NOT NULL,         -- seconds
  cpu REAL NOT NULL DEFAULT 0 -- user + system CPU seconds of the point (0: a store from before it was kept)
);
)sql";

std::string now_utc() {
  char buf[32];
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// A prepared statement, finalized on scope exit.
struct Statement {
  Statement(sqlite3* db, const char* sql) {
    if (sqlite3_prepare_v2(db, sql, -1, &s, nullptr) != SQLITE_OK) s = nullptr;
  }
  ~Statement() { sqlite3_finalize(s); }
  void text(int i, const std::string& v) {
    sqlite3_bind_text(s, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }
  std::string column(int i) const {
    const auto* p = sqlite3_column_text(s, i);
    return p ? reinterpret_cast<const char*>(p) : "";
  }
  sqlite3_stmt* s = nullptr;
};

}  // namespace

Store::Store(const std::string& path, Mode mode) : path_(path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const bool exists = fs::exists(path, ec);
  if (exists && fs::is_directory(path, ec)) throw InputError(fmt::format("{}: is a directory, not a store", path));
  if (!exists && mode == Mode::Read) throw InputError(fmt::format("{}: no such store", path));
  const fs::path parent = fs::absolute(path, ec).parent_path();
  if (!exists) {
    if (!fs::is_directory(parent, ec))
      throw InputError(fmt::format("{}: cannot create the store: {} is not a directory", path, parent.string()));
    if (access(parent.c_str(), W_OK) != 0)
      throw InputError(fmt::format("{}: cannot create the store: {}", path, std::strerror(errno)));
  } else if (mode == Mode::Write) {
    if (access(path.c_str(), W_OK) != 0)
      throw InputError(fmt::format("{}: the store is not writable: {}", path, std::strerror(errno)));
    if (access(parent.c_str(), W_OK) != 0)  // SQLite writes its rollback journal beside the store
      throw InputError(fmt::format("{}: the directory {} is not writable ({}; SQLite keeps its journal there)", path,
                                   parent.string(), std::strerror(errno)));
  }
  // A reader opens for writing when it may: if a sweep was killed in the middle of writing a point, SQLite
  // then rolls the unfinished write back on the first read (a read-only connection cannot, and fails).
  const bool may_write = access(path.c_str(), W_OK) == 0 && access(parent.c_str(), W_OK) == 0;
  const int flags = mode == Mode::Write ? SQLITE_OPEN_READWRITE | (exists ? 0 : SQLITE_OPEN_CREATE)
                    : may_write         ? SQLITE_OPEN_READWRITE
                                        : SQLITE_OPEN_READONLY;
  const int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
  try {
    if (rc != SQLITE_OK) fail("cannot open the store");
    sqlite3_extended_result_codes(db_, 1);
    // A reader's statement or a writer's commit holds SQLite's lock for milliseconds: the other side waits.
    sqlite3_busy_timeout(db_, 10000);
    if (mode == Mode::Write) lock_writer();
    exec(mode == Mode::Read ? "BEGIN" : "BEGIN IMMEDIATE");
    exec("SELECT count(*) FROM sqlite_schema");  // NOTADB for a file that is not SQLite
    // Another program's database is not written into: a store is empty or has the table 'points'.
    bool empty = false, store = false;
    {
      Statement tables(db_, "SELECT count(*), sum(name = 'points') FROM sqlite_schema WHERE type = 'table'");
      if (tables.s == nullptr || sqlite3_step(tables.s) != SQLITE_ROW) fail("cannot read the store");
      empty = sqlite3_column_int(tables.s, 0) == 0;
      store = sqlite3_column_int(tables.s, 1) == 1;
    }
    if (!store && (!empty || mode == Mode::Read))
      throw InputError(fmt::format("{}: an SQLite database but not a sweep store (no table 'points')", path));
    if (store) check_schema();
    // A sweep or merge does not add to a damaged store: every row is checked, one at a time (none kept).
    if (store && mode == Mode::Write) visit_rows([](Row&&) {});
    if (mode == Mode::Write) {
      exec(kSchema);
      if (!has_cpu_column()) exec("ALTER TABLE points ADD COLUMN cpu REAL NOT NULL DEFAULT 0");
    }
    exec("COMMIT");  // a reader keeps no lock between its statements: the sweep writing it goes on
  } catch (...) {
    sqlite3_close(db_);
    db_ = nullptr;
    if (writer_lock_ >= 0) close(writer_lock_);  // after SQLite's close: see lock_writer
    if (!exists) {                               // nothing left behind
      fs::remove(path, ec);
      fs::remove(path + "-journal", ec);
    }
    throw;
  }
}

Store::~Store() {
  sqlite3_close(db_);
  if (writer_lock_ >= 0) close(writer_lock_);
}

// One writer at a time: an exclusive flock(2) on the store file for the Store's life, which the
// kernel drops when the process dies (no stale flag file). It is not one of SQLite's POSIX locks
// (independent of them on Linux), so readers read while a sweep writes. The descriptor is closed after
// SQLite's connection: on NFS flock is emulated by a POSIX lock, and closing any descriptor of a file
// drops all of a process's POSIX locks on it.
void Store::lock_writer() {
  writer_lock_ = open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (writer_lock_ < 0) throw InputError(fmt::format("{}: cannot open the store: {}", path_, std::strerror(errno)));
  if (flock(writer_lock_, LOCK_EX | LOCK_NB) != 0)
    throw InputError(fmt::format("{}: cannot use the store: {}", path_,
                                 errno == EWOULDBLOCK ? "another sweep (or merge) is writing it"
                                                      : fmt::format("cannot lock it: {}", std::strerror(errno))));
}

void Store::fail(const std::string& what) const {
  const int code = db_ ? sqlite3_extended_errcode(db_) : SQLITE_CANTOPEN;
  const int primary = code & 0xff;
  std::string why = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(code);
  if (primary == SQLITE_NOTADB) why = "not an SQLite database";
  if (code == SQLITE_READONLY_ROLLBACK)
    why =
        "a sweep was killed while writing it, and rolling that write back needs write access to the store "
        "and its directory";
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) why = "locked by another program for over 10 s";
  if (primary == SQLITE_READONLY || primary == SQLITE_CANTOPEN || primary == SQLITE_IOERR)
    why += errno != 0 ? fmt::format(" ({})", std::strerror(errno)) : "";
  throw InputError(fmt::format("{}: {}: {}", path_, what, why));
}

void Store::exec(const std::string& sql) const {
  errno = 0;
  char* msg = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &msg) != SQLITE_OK) {
    sqlite3_free(msg);
    fail("cannot use the store");
  }
}

std::string Store::meta(const std::string& key) const {
  Statement st(db_, "SELECT value FROM meta WHERE key = ?");
  st.text(1, key);
  return sqlite3_step(st.s) == SQLITE_ROW ? st.column(0) : "";
}

std::optional<std::string> Store::study() const {
  std::string s = meta("study");
  if (s.empty()) return std::nullopt;
  return s;
}

std::vector<std::string> Store::versions() const {
  std::vector<std::string> out;
  Statement st(db_, "SELECT version FROM versions ORDER BY first_seen, version");
  while (sqlite3_step(st.s) == SQLITE_ROW) out.push_back(st.column(0));
  return out;
}

void Store::bind(const std::string& study_canonical, const std::string& study_hash, const std::string& version,
                 bool allow_version_change) {
  const auto bound = study();
  if (bound && *bound != study_canonical)
    throw InputError(fmt::format("{}: the store belongs to another study (hash {}, this study {})", path_,
                                 meta("study_hash"), study_hash));
  const auto known = versions();
  const bool new_version = std::find(known.begin(), known.end(), version) == known.end();
  if (bound && new_version && !allow_version_change)
    throw InputError(
        fmt::format("{}: the store was written by iclverify {} and this is {} "
                    "(--allow-version-change to add to it anyway)",
                    path_, known.empty() ? "?" : known.back(), version));
  if (bound && !new_version) return;
  exec("BEGIN IMMEDIATE");
  if (!bound) {
    Statement st(db_, "INSERT INTO meta(key, value) VALUES ('schema', '1'), ('study', ?), ('study_hash', ?)");
    st.text(1, study_canonical);
    st.text(2, study_hash);
    if (sqlite3_step(st.s) != SQLITE_DONE) fail("cannot write the store");
  }
  Statement st(db_, "INSERT INTO versions(version, first_seen) VALUES (?, ?)");
  st.text(1, version);
  st.text(2, now_utc());
  if (sqlite3_step(st.s) != SQLITE_DONE) fail("cannot write the store");
  exec("COMMIT");
}

std::map<std::string, std::string> Store::finished() const {
  std::map<std::string, std::string> out;
  Statement st(db_, "SELECT options, status FROM points WHERE status != 'killed'");
  if (st.s == nullptr) fail("cannot read the store");
  while (sqlite3_step(st.s) == SQLITE_ROW) out[st.column(0)] = st.column(1);
  return out;
}

void Store::put(const Row& r) {
  errno = 0;
  Statement st(db_,
               "INSERT OR REPLACE INTO points(options, status, exit_code, result, error, version, host, start, end, "
               "wall, cpu) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  if (st.s == nullptr) fail("cannot write the store");
  for (const auto& [i, v] : {std::pair{1, &r.options},
                             {2, &r.status},
                             {4, &r.result},
                             {5, &r.error},
                             {6, &r.version},
                             {7, &r.host},
                             {8, &r.start},
                             {9, &r.end}})
    st.text(i, *v);
  sqlite3_bind_int(st.s, 3, r.exit_code);
  sqlite3_bind_double(st.s, 10, r.wall);
  sqlite3_bind_double(st.s, 11, r.cpu);
  // One statement in autocommit mode is one transaction: the row is there whole or not at all.
  if (sqlite3_step(st.s) != SQLITE_DONE) fail("cannot write the store");
}

bool Store::has_cpu_column() const {
  Statement st(db_, "SELECT count(*) FROM pragma_table_info('points') WHERE name = 'cpu'");
  return st.s != nullptr && sqlite3_step(st.s) == SQLITE_ROW && sqlite3_column_int(st.s, 0) == 1;
}

// A store another program made or damaged is refused in one line, before any row is read: the
// columns a sweep writes, and a study wherever there are points.
void Store::check_schema() const {
  for (const char* column :
       {"options", "status", "exit_code", "result", "error", "version", "host", "start", "end", "wall"}) {
    Statement st(db_, "SELECT count(*) FROM pragma_table_info('points') WHERE name = ?");
    st.text(1, column);
    if (st.s == nullptr || sqlite3_step(st.s) != SQLITE_ROW) fail("cannot read the store");
    if (sqlite3_column_int(st.s, 0) != 1)
      throw InputError(fmt::format("{}: not a sweep store (table 'points' has no column '{}')", path_, column));
  }
  Statement n(db_, "SELECT count(*) FROM points");
  if (n.s == nullptr || sqlite3_step(n.s) != SQLITE_ROW) fail("cannot read the store");
  if (sqlite3_column_int(n.s, 0) > 0 && !study())
    throw InputError(fmt::format("{}: a damaged store: it holds points but no study (table 'meta')", path_));
}

// A row as a sweep writes it: options a JSON object, a known status, an "ok" row's result a JSON object.
void Store::check_row(const Row& r) const {
  const auto object = [](const std::string& text) {
    const auto j = nlohmann::json::parse(text, nullptr, false);
    return !j.is_discarded() && j.is_object();
  };
  std::string what;
  if (!object(r.options))
    what = "options that are not a JSON object";
  else if (r.status != "ok" && r.status != "failed" && r.status != "killed")
    what = fmt::format("the status '{}' (not ok, failed or killed)", r.status);
  else if (r.status == "ok" && !object(r.result))
    what = "a result that is not a JSON object";
  if (!what.empty())
    throw InputError(
        fmt::format("{}: a damaged store: the row of point '{}' has {}", path_, r.options.substr(0, 300), what));
}

std::vector<Row> Store::rows() const {
  std::vector<Row> out;
  visit_rows([&](Row&& r) { out.push_back(std::move(r)); });
  return out;
}

void Store::visit_rows(const std::function<void(Row&&)>& visit) const {
  // A store read-only from before the CPU time was kept has no column cpu: 0 for every row.
  Statement st(db_, has_cpu_column() ? "SELECT options, status, exit_code, result, error, version, host, start, end, "
                                       "wall, cpu FROM points ORDER BY options"
                                     : "SELECT options, status, exit_code, result, error, version, host, start, end, "
                                       "wall, 0 FROM points ORDER BY options");
  if (st.s == nullptr) fail("cannot read the store");
  while (sqlite3_step(st.s) == SQLITE_ROW) {
    Row r;
    r.options = st.column(0);
    r.status = st.column(1);
    r.exit_code = sqlite3_column_int(st.s, 2);
    r.result = st.column(3);
    r.error = st.column(4);
    r.version = st.column(5);
    r.host = st.column(6);
    r.start = st.column(7);
    r.end = st.column(8);
    r.wall = sqlite3_column_double(st.s, 9);
    r.cpu = sqlite3_column_double(st.s, 10);
    check_row(r);
    visit(std::move(r));
  }
}

}  // namespace icl::sweep
