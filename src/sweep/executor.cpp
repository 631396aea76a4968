#include "sweep/executor.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <stdexcept>
#include <thread>

namespace icl::sweep {
namespace {

using Clock = std::chrono::steady_clock;

// An anonymous in-memory file that collects a child's output (no pipe to drain while it runs).
int memory_file(const char* name) {
  const int fd = memfd_create(name, MFD_CLOEXEC);
  if (fd < 0) throw std::runtime_error(fmt::format("memfd_create: {}", std::strerror(errno)));
  return fd;
}

std::string read_all(int fd) {
  std::string out;
  char buf[65536];
  off_t at = 0;
  for (ssize_t n; (n = pread(fd, buf, sizeof buf, at)) > 0; at += n) out.append(buf, static_cast<std::size_t>(n));
  return out;
}

struct Child {
  std::size_t index = 0;
  pid_t pid = -1;
  int out = -1, err = -1;
  int pidfd = -1;  // readable once the child has exited (-1: the kernel has no pidfd_open)
  std::string start;
  Clock::time_point t0;
};

Child spawn(const std::string& program, std::size_t index, const std::vector<std::string>& args) {
  Child c;
  c.index = index;
  c.out = memory_file("point-stdout");
  c.err = memory_file("point-stderr");
  std::vector<std::string> a = args;
  a.at(0) = program;
  std::vector<char*> argv;
  for (auto& s : a) argv.push_back(s.data());
  argv.push_back(nullptr);
  const pid_t parent = getpid();
  c.start = utc_now();
  c.t0 = Clock::now();
  c.pid = fork();
  if (c.pid < 0) throw std::runtime_error(fmt::format("fork: {}", std::strerror(errno)));
  if (c.pid == 0) {  // the child: only async-signal-safe calls until exec
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(126);
    const int null = open("/dev/null", O_RDONLY);
    dup2(null, 0);
    dup2(c.out, 1);
    dup2(c.err, 2);
    execv(program.c_str(), argv.data());
    _exit(127);
  }
  // pidfd_open(2) through syscall(2): glibc 2.36's <sys/pidfd.h> declares it without C linkage.
  c.pidfd = static_cast<int>(syscall(SYS_pidfd_open, c.pid, 0));  // close-on-exec by default
  return c;
}

// The CPU seconds (user + system) of a rusage.
double cpu_seconds(const rusage& u) {
  const auto s = [](const timeval& t) { return static_cast<double>(t.tv_sec) + 1e-6 * static_cast<double>(t.tv_usec); };
  return s(u.ru_utime) + s(u.ru_stime);
}

Finished collect(Child& c, int wstatus, const rusage& usage) {
  Finished f;
  f.index = c.index;
  f.signaled = WIFSIGNALED(wstatus);
  f.exit_code = f.signaled ? WTERMSIG(wstatus) : WEXITSTATUS(wstatus);
  f.out = read_all(c.out);
  f.err = read_all(c.err);
  close(c.out);
  close(c.err);
  if (c.pidfd >= 0) close(c.pidfd);
  f.host = host_name();
  f.start = c.start;
  f.end = utc_now();
  f.wall = std::chrono::duration<double>(Clock::now() - c.t0).count();
  f.cpu = cpu_seconds(usage);
  return f;
}

class Local final : public Executor {
 public:
  Local(std::string program, int jobs) : program_(std::move(program)), jobs_(jobs) {}
  ~Local() override {
    for (Child& c : children_) {
      kill(c.pid, SIGKILL);
      waitpid(c.pid, nullptr, 0);
      close(c.out);
      close(c.err);
      if (c.pidfd >= 0) close(c.pidfd);
    }
  }
  bool has_free_slot() const override { return static_cast<int>(children_.size()) < jobs_; }
  void start(std::size_t index, const std::vector<std::string>& args) override {
    children_.push_back(spawn(program_, index, args));
  }
  std::vector<Finished> poll(int wait_ms) override {
    std::vector<Finished> done;
    const auto until = Clock::now() + std::chrono::milliseconds(wait_ms);
    for (;;) {
      for (std::size_t i = 0; i < children_.size();) {
        int status = 0;
        rusage usage{};
        if (wait4(children_[i].pid, &status, WNOHANG, &usage) == children_[i].pid) {
          done.push_back(collect(children_[i], status, usage));
          children_.erase(children_.begin() + static_cast<std::ptrdiff_t>(i));
        } else {
          ++i;
        }
      }
      const auto now = Clock::now();
      if (!done.empty() || now >= until) return done;
      wait_for_exit(std::chrono::ceil<std::chrono::milliseconds>(until - now));
    }
  }
  std::size_t running() const override { return children_.size(); }

 private:
  // Sleeps until a child exits or `left` has passed: in poll(2) on the children's pidfds, so a sweep
  // waiting for hour-long points uses no CPU; without pidfds (an old kernel), in steps of 2 ms.
  void wait_for_exit(std::chrono::milliseconds left) const {
    std::vector<pollfd> fds;
    for (const Child& c : children_) {
      if (c.pidfd < 0) {
        std::this_thread::sleep_for(std::min(left, std::chrono::milliseconds(2)));
        return;
      }
      fds.push_back({c.pidfd, POLLIN, 0});
    }
    if (fds.empty()) return std::this_thread::sleep_for(left);
    ::poll(fds.data(), fds.size(), static_cast<int>(left.count()));
  }

  std::string program_;
  int jobs_;
  std::vector<Child> children_;
};

class Combined final : public Executor {
 public:
  explicit Combined(std::vector<std::unique_ptr<Executor>> parts) : parts_(std::move(parts)) {}
  bool has_free_slot() const override {
    for (const auto& p : parts_)
      if (p->has_free_slot()) return true;
    return false;
  }
  void start(std::size_t index, const std::vector<std::string>& args) override {
    for (const auto& p : parts_)
      if (p->has_free_slot()) return p->start(index, args);
    throw std::logic_error("no free slot");
  }
  std::vector<Finished> poll(int wait_ms) override {
    const auto until = Clock::now() + std::chrono::milliseconds(wait_ms);
    for (;;) {
      std::vector<Finished> done;
      for (const auto& p : parts_)
        for (Finished& f : p->poll(0)) done.push_back(std::move(f));
      if (!done.empty() || Clock::now() >= until) return done;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  }
  std::size_t running() const override {
    std::size_t n = 0;
    for (const auto& p : parts_) n += p->running();
    return n;
  }

 private:
  std::vector<std::unique_ptr<Executor>> parts_;
};

}  // namespace

std::unique_ptr<Executor> local_executor(const std::string& program, int jobs) {
  return std::make_unique<Local>(program, jobs);
}

std::unique_ptr<Executor> combined_executor(std::vector<std::unique_ptr<Executor>> parts) {
  return std::make_unique<Combined>(std::move(parts));
}

Finished run_child(const std::string& program, std::size_t index, const std::vector<std::string>& args) {
  Child c = spawn(program, index, args);
  int status = 0;
  rusage usage{};
  while (wait4(c.pid, &status, 0, &usage) < 0 && errno == EINTR) {
  }
  return collect(c, status, usage);
}

std::string utc_now() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  return fmt::format("{}.{:03d}Z", buf, ms);
}

std::string host_name() {
  char buf[256] = {};
  gethostname(buf, sizeof buf - 1);
  return buf;
}

}  // namespace icl::sweep
