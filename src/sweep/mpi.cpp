#include "sweep/mpi.hpp"

#include <mpi.h>

#include <chrono>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <thread>

namespace icl::sweep::mpi {
namespace {

enum Tag : int { kTask = 1, kStop = 2, kDone = 3 };

void send(const std::string& text, int to, int tag) {
  MPI_Send(text.data(), static_cast<int>(text.size()), MPI_CHAR, to, tag, MPI_COMM_WORLD);
}

std::string receive(const MPI_Status& probed) {
  int count = 0;
  MPI_Get_count(&probed, MPI_CHAR, &count);
  std::string text(static_cast<std::size_t>(count), '\0');
  MPI_Recv(text.data(), count, MPI_CHAR, probed.MPI_SOURCE, probed.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  return text;
}

// A probe that sleeps between tries: a blocking MPI wait spins a core, and this machine's cores run the
// points.
MPI_Status wait_for(int source, int tag) {
  for (;;) {
    int flag = 0;
    MPI_Status st;
    MPI_Iprobe(source, tag, MPI_COMM_WORLD, &flag, &st);
    if (flag) return st;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

nlohmann::json to_json(const Finished& f) {
  return {{"index", f.index}, {"exit_code", f.exit_code}, {"signaled", f.signaled}, {"out", f.out},  {"err", f.err},
          {"host", f.host},   {"start", f.start},         {"end", f.end},           {"wall", f.wall}, {"cpu", f.cpu}};
}

Finished from_json(const nlohmann::json& j) {
  Finished f;
  f.index = j.at("index").get<std::size_t>();
  f.exit_code = j.at("exit_code").get<int>();
  f.signaled = j.at("signaled").get<bool>();
  f.out = j.at("out").get<std::string>();
  f.err = j.at("err").get<std::string>();
  f.host = j.at("host").get<std::string>();
  f.start = j.at("start").get<std::string>();
  f.end = j.at("end").get<std::string>();
  f.wall = j.at("wall").get<double>();
  f.cpu = j.at("cpu").get<double>();
  return f;
}

// The other ranks, one point each at a time.
class Remote final : public Executor {
 public:
  Remote() {
    int size = 1;
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    busy_.assign(static_cast<std::size_t>(size), true);  // rank 0 is not a remote slot
    for (int r = 1; r < size; ++r) busy_[static_cast<std::size_t>(r)] = false;
  }
  bool has_free_slot() const override { return free_rank() > 0; }
  void start(std::size_t index, const std::vector<std::string>& args) override {
    const int r = free_rank();
    if (r <= 0) throw std::logic_error("no free rank");
    send(nlohmann::json{{"index", index}, {"args", args}}.dump(), r, kTask);
    busy_[static_cast<std::size_t>(r)] = true;
    ++running_;
  }
  std::vector<Finished> poll(int wait_ms) override {
    std::vector<Finished> done;
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(wait_ms);
    for (;;) {
      int flag = 0;
      MPI_Status st;
      while ((MPI_Iprobe(MPI_ANY_SOURCE, kDone, MPI_COMM_WORLD, &flag, &st), flag)) {
        done.push_back(from_json(nlohmann::json::parse(receive(st))));
        busy_[static_cast<std::size_t>(st.MPI_SOURCE)] = false;
        --running_;
      }
      if (!done.empty() || std::chrono::steady_clock::now() >= until) return done;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  }
  std::size_t running() const override { return running_; }

 private:
  int free_rank() const {
    for (std::size_t r = 1; r < busy_.size(); ++r)
      if (!busy_[r]) return static_cast<int>(r);
    return 0;
  }
  std::vector<bool> busy_;
  std::size_t running_ = 0;
};

}  // namespace

bool launched() {
  return std::getenv("OMPI_COMM_WORLD_SIZE") != nullptr || std::getenv("PMIX_RANK") != nullptr ||
         std::getenv("PMI_RANK") != nullptr;
}

Session::Session() {
  MPI_Init(nullptr, nullptr);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
}

Session::~Session() { MPI_Finalize(); }

std::unique_ptr<Executor> executor(const std::string& program, int jobs) {
  std::vector<std::unique_ptr<Executor>> parts;
  parts.push_back(local_executor(program, jobs));
  parts.push_back(std::make_unique<Remote>());
  return combined_executor(std::move(parts));
}

void serve(const std::string& program) {
  for (;;) {
    const MPI_Status st = wait_for(0, MPI_ANY_TAG);
    const std::string text = receive(st);
    if (st.MPI_TAG == kStop) return;
    const auto task = nlohmann::json::parse(text);
    const Finished f =
        run_child(program, task.at("index").get<std::size_t>(), task.at("args").get<std::vector<std::string>>());
    send(to_json(f).dump(), 0, kDone);
  }
}

void stop_workers() {
  int size = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  for (int r = 1; r < size; ++r) send("", r, kStop);
}

}  // namespace icl::sweep::mpi
