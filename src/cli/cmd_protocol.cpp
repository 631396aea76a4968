// iclverify protocol: the authors' whole simulation protocol in one command (THEORY.md section 6),
// every learned model next to the point theory predicts (docs/training.md#protocol).
#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/inputs.hpp"
#include "train/progress.hpp"
#include "train/protocol.hpp"

namespace icl::cli {
namespace {

struct ProtocolArgs {
  std::string steps_pretrain = "5000", steps_finetune = "5000", batch = "5000", seed = "1", threads, format;
  bool quiet = false;
};

std::string number(double x) { return std::isnan(x) ? "-" : fmt::format("{:.6g}", x); }

Result render(const ProtocolArgs& a, const train::ProtocolOptions& o, const std::vector<train::MethodResult>& runs,
              double secs) {
  if (a.format == "json") {
    nlohmann::json j;
    j["d"] = o.d;
    j["sigma2"] = o.s2;
    j["shots"] = o.shots;
    j["steps_pretrain"] = o.steps_pretrain;
    j["steps_finetune"] = o.steps_finetune;
    j["batch"] = o.batch;
    j["seed"] = o.seed;
    j["methods"] = nlohmann::json::array();
    for (const auto& m : runs) {
      nlohmann::json e{{"name", m.name},
                       {"theory", m.theory},
                       {"final_batch_loss", m.final_loss},
                       {"conserved_start", m.conserved_start},
                       {"conserved_end", m.conserved_end},
                       {"risk_target", m.learned_target},
                       {"risk_opposite", m.learned_opposite},
                       {"theory_target", m.theory_target},
                       {"theory_opposite", m.theory_opposite},
                       {"seconds", m.seconds}};
      e["distance"] = std::isnan(m.distance) ? nlohmann::json(nullptr) : nlohmann::json(m.distance);
      for (const auto& [name, value] : train::named(m.summary)) e["scale_free"][name] = value;
      const auto names = block_names(m.point.kind);
      for (std::size_t b = 0; b < names.size(); ++b) {
        nlohmann::json rows = nlohmann::json::array();
        for (Eigen::Index r = 0; r < m.point.blocks[b].rows(); ++r) {
          std::vector<double> row;
          for (Eigen::Index c = 0; c < m.point.blocks[b].cols(); ++c) row.push_back(m.point.blocks[b](r, c));
          rows.push_back(row);
        }
        e[names[b]] = rows;
      }
      j["methods"].push_back(e);
    }
    j["seconds"] = secs;
    return {j.dump(2) + "\n", 0};
  }
  std::string out = fmt::format(
      "# protocol: d={} sigma2={} m=n_ft={} pretraining {} steps, fine-tuning {} steps, {} prompts/step, SGD lr 0.01 "
      "momentum 0.9 clip 1, seed {}\n",
      o.d, o.s2, o.shots, o.steps_pretrain, o.steps_finetune, o.batch, o.seed);
  out +=
      "# scale-free: gamma = v_y mean(Q_xx); ICL = max|v_y Q_xx|; c = (v_x.theta0)/v_y; b = mean(Q_xx)(v_x.theta0); "
      "kq = v_y (Q[x,y].theta0); dist = max over n=0..40, +-theta0 of |R_learned - R_theory| (exact)\n";
  out += fmt::format("{:<24} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>10}  {}\n", "method", "loss", "gamma", "ICL", "c",
                     "b", "kq", "dist", "theory point");
  for (const auto& m : runs)
    out += fmt::format("{:<24} {:>9.5f} {:>9.5f} {:>9.5f} {:>9.5f} {:>9.5f} {:>9.5f} {:>10}  {}\n", m.name,
                       m.final_loss, m.summary.gamma, m.summary.icl_block, m.summary.c, m.summary.b,
                       m.summary.kq_memory, number(m.distance), m.theory.empty() ? "-" : m.theory);
  out += "\n# exact risk curves: learned (theory) on theta0 | on -theta0\n";
  for (const auto& m : runs) {
    out += fmt::format("{}:\n", m.name);
    for (long n : {0L, 1L, 2L, 5L, 10L, 20L, 40L}) {
      if (n > o.max_shots) continue;
      const auto i = static_cast<std::size_t>(n);
      const auto theory = [&](const std::vector<double>& v) { return v.empty() ? std::string("-") : number(v[i]); };
      out += fmt::format("  n={:<3} {:>9.5f} ({:>9}) | {:>9.5f} ({:>9})\n", n, m.learned_target[i],
                         theory(m.theory_target), m.learned_opposite[i], theory(m.theory_opposite));
    }
  }
  out += fmt::format("seconds = {:.1f}\n", secs);
  return {out, 0};
}

Result run_protocol(const ProtocolArgs& a) {
  train::ProtocolOptions o;
  o.steps_pretrain = parse_integer(a.steps_pretrain, "--steps-pretrain", 1, 100000000);
  o.steps_finetune = parse_integer(a.steps_finetune, "--steps-finetune", 1, 100000000);
  o.batch = parse_integer(a.batch, "--batch", 1, 100000000);
  o.seed = read_seed(a.seed);
  o.threads = read_threads(a.threads);
  train::ProgressBar bar("protocol", a.quiet);
  const auto t0 = std::chrono::steady_clock::now();
  try {
    const auto runs = train::run_protocol(o, bar.callback());
    return render(a, o, runs, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  } catch (const train::DivergenceError& e) {
    return {"", 3, fmt::format("iclverify: error: protocol {}\n", e.what())};
  }
}

}  // namespace

Runner add_protocol(CLI::App& app) {
  auto a = std::make_shared<ProtocolArgs>();
  app.add_option("--steps-pretrain", a->steps_pretrain, "SGD pretraining steps (default 5000)")->type_name("T1");
  app.add_option("--steps-finetune", a->steps_finetune, "SGD steps of each fine-tuning run (default 5000)")
      ->type_name("T2");
  app.add_option("--batch", a->batch, "Prompts per step (default 5000)")->type_name("B");
  add_seed(app, a->seed, "the initial points, the fine-tuning pool and the prompts");
  add_threads(app, a->threads);
  add_format(app, a->format, {"table", "json"}, "json: full curves n = 0..40 and the matrices");
  add_quiet(app, a->quiet);
  app.footer(
      "d = 5, sigma2 = 1/10, m = n_ft = 20, theta0 = e_1, init N(0, 0.05^2), a fixed pool of 100000 fine-tuning\n"
      "pairs; methods {zs, zs+fs} x {all, v, kq} (merged) and {zs, zs+fs} x {q, k} (separate). Exit status 3 if\n"
      "a run diverged.\n");
  return [a] { return run_protocol(*a); };
}

}  // namespace icl::cli
