// iclverify protocol: the authors' whole simulation protocol in one command (THEORY.md section 6),
// every learned model next to the point theory predicts (docs/training.md#protocol).
#include <fmt/format.h>

#include <cctype>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>

#include "cli/commands.hpp"
#include "cli/inputs.hpp"
#include "model/arch_json.hpp"
#include "model/params_file.hpp"
#include "report/files.hpp"
#include "train/arch_protocol.hpp"
#include "train/progress.hpp"
#include "train/protocol.hpp"

namespace icl::cli {
namespace {

struct ProtocolArgs {
  std::string steps_pretrain = "5000", steps_finetune = "5000", batch = "5000", seed = "1", threads, format;
  bool quiet = false;
  // The comparison protocol of L layers x H heads (any of these given, or H, L != 1).
  std::string heads = "1", layers = "1", optimizer = "sgd", lr = "0.01", beta1 = "0.9", beta2 = "0.9",
              dataset_size_ft = "100000", x_std = "1", noise_std, test_seeds = "5", eval_batch = "1000",
              max_shots = "20", attention = "linear";
  std::vector<CLI::Option*> arch_opts;
  CLI::Option *beta1_opt = nullptr, *beta2_opt = nullptr;
  std::string save_params;            // --save-params DIR: every learned model as a parameter file
  std::string lora_rank, lora_alpha;  // --lora-rank R: also the LoRA methods (one layer, one head)
};

// "zs+fs v (separate)" -> "zs-fs-v-separate": a method's name as a file stem.
std::string file_stem(const std::string& name) {
  std::string out;
  for (char ch : name) {
    const bool keep = std::isalnum(static_cast<unsigned char>(ch)) != 0;
    if (keep) out += ch;
    if (!keep && !out.empty() && out.back() != '-') out += '-';
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out;
}

// Writes each learned model to DIR/<method>.json with its exact binary entries ("p/q"), so that
// diagnose, risk --params and compare read the very parameters the run learned. Returns the note
// for stderr.
template <class Runs, class Json>
std::string save_params(const std::string& dir, const Runs& runs, const Json& json) {
  if (dir.empty()) return "";
  report::make_directory(dir, "--save-params");
  for (const auto& m : runs)
    report::write_file_atomic(std::filesystem::path(dir) / (file_stem(m.name) + ".json"), json(m));
  return fmt::format("protocol: wrote {} parameter files to {}\n", runs.size(), dir);
}

std::string point_file(const train::MethodResult& m) { return params_to_json(m.point.cast<Rational>()) + "\n"; }

std::string arch_file(const train::ArchMethodResult& m) {
  return arch_json(m.arch.cast<Rational>(), ArchLayout::Layers, [](const Rational& x) { return to_fraction(x); })
             .dump(2) +
         "\n";
}

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
      for (std::size_t b = 0; b < names.size(); ++b)
        e[names[b]] = matrix_json(m.point.blocks[b], [](double x) { return x; });
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

nlohmann::json curve_json(const std::vector<train::RiskPoint>& c) {
  nlohmann::json out = nlohmann::json::array();
  for (std::size_t n = 0; n < c.size(); ++n) out.push_back({{"n", n}, {"mean", c[n].mean}, {"se", c[n].se}});
  return out;
}

// The additive per-head summaries summed over the heads of a layer (with L = 1: those of the effective
// tensor T = (1/H) sum_h M_h (x) v_h).
train::ScaleFree<double> layer_sum(const std::vector<train::ScaleFree<double>>& heads) {
  train::ScaleFree<double> s{};
  for (const auto& h : heads) {
    s.gamma += h.gamma;
    s.b += h.b;
    s.q00_a += h.q00_a;
    s.kq_memory += h.kq_memory;
  }
  return s;
}

Result render_arch(const ProtocolArgs& a, const train::ArchProtocolOptions& o,
                   const std::vector<train::ArchMethodResult>& runs, double secs) {
  const char* optimizer = o.optimizer == train::Optimizer::Adam ? "adam" : "sgd";
  if (a.format == "json") {
    nlohmann::json j{{"d", o.d},
                     {"layers", o.layers},
                     {"heads", o.heads},
                     {"x_std", o.x_std},
                     {"noise_std", o.noise_std},
                     {"shots", o.shots},
                     {"dataset_size_ft", o.dataset_size_ft},
                     {"optimizer", optimizer},
                     {"lr", o.lr},
                     {"seed", o.seed},
                     {"steps_pretrain", o.steps_pretrain},
                     {"steps_finetune", o.steps_finetune},
                     {"batch", o.batch},
                     {"eval_batch", o.eval_batch},
                     {"test_seeds", o.test_seeds},
                     {"theta0", "e_1"},
                     {"attention", attention_name(o.attention)},
                     {"risk_engine", o.exact_risk() ? "exact" : "monte carlo"}};
    if (o.optimizer == train::Optimizer::Adam)
      j["betas"] = {o.beta1, o.beta2};
    else
      j["momentum"] = 0.9;
    j["methods"] = nlohmann::json::array();
    for (const auto& m : runs) {
      nlohmann::json e{{"name", m.name},
                       {"trains", m.trains},
                       {"final_batch_loss", m.final_loss},
                       {"risk_target", curve_json(m.risk_target)},
                       {"risk_opposite", curve_json(m.risk_opposite)},
                       {"seconds", m.seconds}};
      e["parameters"] = arch_json(m.arch, ArchLayout::Layers);
      e["allparam"] = arch_json(m.arch, ArchLayout::Allparam)["allparam"];
      e["scale_free"] = nlohmann::json::array();
      for (const auto& layer : m.summary) {
        nlohmann::json heads = nlohmann::json::array();
        for (const auto& h : layer) {
          nlohmann::json x;
          for (const auto& [name, value] : train::named(h)) x[name] = value;
          heads.push_back(x);
        }
        e["scale_free"].push_back(heads);
      }
      j["methods"].push_back(e);
    }
    j["seconds"] = secs;
    return {j.dump(2) + "\n", 0};
  }
  std::string out = fmt::format(
      "# comparison protocol: L={} H={}{} d={} x_std={} noise_std={:.6g} m=n_ft={} dataset_size_ft={} {} lr {}{}, "
      "clip 1 (trained blocks), pretraining {} steps, fine-tuning {} steps, {} prompts/step, seed {}, theta0=e_1\n",
      o.layers, o.heads, o.attention == Attention::Softmax ? " softmax attention" : "", o.d, o.x_std, o.noise_std,
      o.shots, o.dataset_size_ft, optimizer, o.lr,
      o.optimizer == train::Optimizer::Adam ? fmt::format(" betas ({}, {})", o.beta1, o.beta2)
                                            : std::string(" momentum 0.9"),
      o.steps_pretrain, o.steps_finetune, o.batch, o.seed);
  out += fmt::format(
      "# per layer, summed over its heads h (share 1/H each, M_h = Q_h^T K_h, v_h = last row of V_h): "
      "gamma = v_y mean(M_xx), b = mean(M_xx)(v_x.theta0), mem = M00 (v_x.theta0); risk: {}\n",
      o.exact_risk() ? std::string("exact (se 0)")
                     : fmt::format("Monte Carlo, {} test seeds x {} prompts, mean (se)", o.test_seeds, o.eval_batch));
  out += fmt::format("{:<10} {:>6} {:>11}", "method", "trains", "loss");
  for (int l = 0; l < o.layers; ++l)
    out += fmt::format(" {:>10} {:>10} {:>10}", fmt::format("gamma[{}]", l), fmt::format("b[{}]", l),
                       fmt::format("mem[{}]", l));
  out += "\n";
  for (const auto& m : runs) {
    out += fmt::format("{:<10} {:>6} {:>11.5g}", m.name, m.trains, m.final_loss);
    for (const auto& layer : m.summary) {
      const auto s = layer_sum(layer);
      out += fmt::format(" {:>10.5f} {:>10.5f} {:>10.5f}", s.gamma, s.b, s.q00_a);
    }
    out += "\n";
  }
  out += "\n# risk on theta0 | on -theta0\n";
  for (const auto& m : runs) {
    out += fmt::format("{}:\n", m.name);
    for (long n : {0L, 1L, 2L, 5L, 10L, 20L, 40L}) {
      if (n > o.max_shots) continue;
      const auto i = static_cast<std::size_t>(n);
      // Exact points (L = 1) have no standard error to show.
      auto cell = [&](const train::RiskPoint& p) {
        return o.exact_risk() ? fmt::format("{:>10.5f}", p.mean) : fmt::format("{:>10.5f} ({:.5f})", p.mean, p.se);
      };
      out += fmt::format("  n={:<3} {} | {}\n", n, cell(m.risk_target[i]), cell(m.risk_opposite[i]));
    }
  }
  out += fmt::format("seconds = {:.1f}\n", secs);
  return {out, 0};
}

// The request: the options of one of the two protocols, read and checked, and --save-params DIR
// checked (created by the job, only when there is something to write).
struct ProtocolRequest {
  ProtocolArgs a;
  std::optional<train::ProtocolOptions> one_head;  // the one-layer, one-head protocol
  std::optional<train::ArchProtocolOptions> arch;  // else L layers x H heads (the comparison protocol)
};

train::ArchProtocolOptions arch_protocol_options(const ProtocolArgs& a) {
  train::ArchProtocolOptions o;
  o.heads = read_heads(a.heads);
  o.layers = read_layers(a.layers);
  o.optimizer = a.optimizer == "adam" ? train::Optimizer::Adam : train::Optimizer::Sgd;
  applies_only_to(o.optimizer == train::Optimizer::Adam, a.beta1_opt, "--optimizer adam");
  applies_only_to(o.optimizer == train::Optimizer::Adam, a.beta2_opt, "--optimizer adam");
  o.lr = read_positive(a.lr, "--lr");
  o.beta1 = read_positive(a.beta1, "--beta1", true);
  o.beta2 = read_positive(a.beta2, "--beta2", true);
  if (o.beta1 >= 1) throw InputError(fmt::format("--beta1: '{}' must be < 1", a.beta1));
  if (o.beta2 >= 1) throw InputError(fmt::format("--beta2: '{}' must be < 1", a.beta2));
  o.dataset_size_ft = parse_integer(a.dataset_size_ft, "--dataset-size-ft", 1, 100000000);
  o.x_std = read_positive(a.x_std, "--x-std");
  o.noise_std = a.noise_std.empty() ? std::sqrt(0.1) : read_positive(a.noise_std, "--noise-std", true);
  o.test_seeds = static_cast<int>(parse_integer(a.test_seeds, "--test-seeds", 1, 1000));
  o.eval_batch = parse_integer(a.eval_batch, "--eval-batch", 1, 100000000);
  o.max_shots = parse_integer(a.max_shots, "--max-shots", 0, 1000);
  o.steps_pretrain = parse_integer(a.steps_pretrain, "--steps-pretrain", 1, 100000000);
  o.steps_finetune = parse_integer(a.steps_finetune, "--steps-finetune", 1, 100000000);
  o.batch = parse_integer(a.batch, "--batch", 1, 100000000);
  o.seed = read_seed(a.seed);
  o.threads = read_threads(a.threads);
  o.attention = a.attention == "softmax" ? Attention::Softmax : Attention::Linear;
  return o;
}

train::ProtocolOptions one_head_protocol_options(const ProtocolArgs& a) {
  train::ProtocolOptions o;
  if (!a.lora_alpha.empty() && a.lora_rank.empty()) throw InputError("--lora-alpha applies to --lora-rank only");
  if (!a.lora_rank.empty()) o.lora_rank = static_cast<int>(parse_integer(a.lora_rank, "--lora-rank", 1, o.d + 2));
  if (!a.lora_alpha.empty()) o.lora_alpha = read_positive(a.lora_alpha, "--lora-alpha");
  o.steps_pretrain = parse_integer(a.steps_pretrain, "--steps-pretrain", 1, 100000000);
  o.steps_finetune = parse_integer(a.steps_finetune, "--steps-finetune", 1, 100000000);
  o.batch = parse_integer(a.batch, "--batch", 1, 100000000);
  o.seed = read_seed(a.seed);
  o.threads = read_threads(a.threads);
  return o;
}

ProtocolRequest protocol_request(const ProtocolArgs& a) {
  ProtocolRequest r{a, {}, {}};
  bool arch = read_heads(a.heads) != 1 || read_layers(a.layers) != 1;
  for (const CLI::Option* opt : a.arch_opts) arch = arch || opt->count() > 0;
  if (arch && (!a.lora_rank.empty() || !a.lora_alpha.empty()))
    throw InputError("--lora-rank/--lora-alpha: the LoRA methods are in the one-layer, one-head protocol only");
  if (arch)
    r.arch = arch_protocol_options(a);
  else
    r.one_head = one_head_protocol_options(a);
  if (!a.save_params.empty()) report::check_directory_creatable(a.save_params, "--save-params");
  return r;
}

// Runs a protocol with a progress bar and renders its runs with the seconds it took, saving each
// learned model with `file` under --save-params DIR (created only now, when there is something to
// write); a diverged run is exit status 3 with one line and no directory.
template <class Run, class Render, class File>
Result timed_protocol(const ProtocolArgs& a, const Run& run, const Render& render, const File& file) {
  train::ProgressBar bar("protocol", a.quiet);
  const auto t0 = std::chrono::steady_clock::now();
  try {
    const auto runs = run(bar.callback());
    Result r = render(runs, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    r.err += save_params(a.save_params, runs, file);
    return r;
  } catch (const train::DivergenceError& e) {
    return {"", 3, fmt::format("iclverify: error: protocol {}\n", e.what())};
  }
}

Result run_protocol(const ProtocolRequest& r) {
  const ProtocolArgs& a = r.a;
  if (r.arch) {
    const train::ArchProtocolOptions& o = *r.arch;
    return timed_protocol(
        a, [&](const train::ProgressFn& p) { return train::run_arch_protocol(o, p); },
        [&](const auto& runs, double secs) { return render_arch(a, o, runs, secs); }, arch_file);
  }
  const train::ProtocolOptions& o = *r.one_head;
  return timed_protocol(
      a, [&](const train::ProgressFn& p) { return train::run_protocol(o, p); },
      [&](const auto& runs, double secs) { return render(a, o, runs, secs); }, point_file);
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
  add_format(app, a->format, {"table", "json"}, "json: full curves and the matrices");
  auto arch_opt = [&](const std::string& flag, std::string& text, const std::string& help, const std::string& type) {
    CLI::Option* opt = app.add_option(flag, text, help)->type_name(type);
    a->arch_opts.push_back(opt);
    return opt;
  };
  app.add_option("--heads", a->heads,
                 "Heads per layer H (default 1; H, L != 1 or any option below: the comparison protocol)")
      ->type_name("H");
  app.add_option("--layers", a->layers, "Layers L (default 1)")->type_name("L");
  arch_opt("--optimizer", a->optimizer, "sgd (momentum 0.9, default) or adam", "NAME")
      ->check(CLI::IsMember({"sgd", "adam"}));
  arch_opt("--lr", a->lr, "Learning rate of pretraining and fine-tuning (default 0.01)", "LR");
  a->beta1_opt = arch_opt("--beta1", a->beta1, "adam: beta1 (default 0.9)", "B1");
  a->beta2_opt = arch_opt("--beta2", a->beta2, "adam: beta2 (default 0.9, the authors')", "B2");
  arch_opt("--dataset-size-ft", a->dataset_size_ft, "Fine-tuning pairs of theta0 (default 100000)", "N");
  arch_opt("--x-std", a->x_std, "x ~ N(0, X^2 I) (default 1)", "X");
  arch_opt("--noise-std", a->noise_std, "y = theta.x + S eps (default sqrt(1/10))", "S");
  arch_opt("--test-seeds", a->test_seeds, "Evaluation averaged over K test seeds (default 5)", "K");
  arch_opt("--eval-batch", a->eval_batch, "Prompts per shot count, task and test seed (default 1000)", "B");
  arch_opt("--max-shots", a->max_shots, "Risk curves for n = 0..N (default 20)", "N");
  arch_opt("--attention", a->attention,
           "linear (default) or softmax: softmax_rows(Z M_h Z^T) replaces A_h / N in every layer (risk by Monte "
           "Carlo; docs/beyond.md#softmax-attention)",
           "KIND")
      ->check(CLI::IsMember({"linear", "softmax"}));
  add_quiet(app, a->quiet);
  app.add_option("--lora-rank", a->lora_rank,
                 "Also the LoRA methods lora_v, lora_qv (merged) and lora_qkv (separate) on zs and zs+fs: adapters of "
                 "rank R (1..D) on the pretrained point, PEFT's init from --seed, the factors trained by the same SGD")
      ->type_name("R");
  app.add_option("--lora-alpha", a->lora_alpha, "LoRA alpha > 0 of --lora-rank (default 2 R)")->type_name("A");
  app.add_option("--save-params", a->save_params,
                 "Write every learned model (pretrained and each method) to DIR/<method>.json, exact binary "
                 "entries as \"p/q\" (the input of diagnose, risk --params, compare)")
      ->type_name("DIR");
  app.footer(
      "d = 5, sigma2 = 1/10, m = n_ft = 20, theta0 = e_1, init N(0, 0.05^2), a fixed pool of 100000 fine-tuning\n"
      "pairs; methods {zs, zs+fs} x {all, v, kq} (merged) and {zs, zs+fs} x {q, k} (separate). Exit status 3 if\n"
      "a run diverged.\n"
      "With --heads/--layers (or any comparison option): the authors' comparison.py, L layers x H heads with\n"
      "separate V, Q, K, pretraining then zs, both, zs_q, both_q, zs_k, both_k, zs_v, both_v; Monte Carlo risk\n"
      "curves with standard errors on theta0 and -theta0 (docs/training.md#comparison-protocol).\n");
  return [a] { return job(protocol_request(*a), run_protocol); };
}

}  // namespace icl::cli
