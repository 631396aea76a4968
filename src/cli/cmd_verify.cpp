// iclverify verify: a researcher's claim files (TOML, docs/claim-files.md) decided against the exact
// engine: PROVED, REFUTED with an exact counterexample, DECIDED or OPEN; --mutate checks the checks.
#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "claims/certificate.hpp"
#include "claims/verify.hpp"
#include "cli/commands.hpp"
#include "cli/inputs.hpp"
#include "core/number.hpp"
#include "report/files.hpp"

namespace icl::cli {
namespace {

struct VerifyArgs {
  std::vector<std::string> files;
  std::string only, format, export_dir;
  bool mutate = false;
};

std::string table_line(const claims::Decision& d, std::size_t width) {
  std::string line = fmt::format("{:<8} {:<{}}  {}", claims::verdict_name(d.verdict), d.name, width, d.evidence);
  if (d.mutants) {
    line += fmt::format("\n         {:<{}}  mutants: {} of {} refuted", "", width, *d.refuted, *d.mutants);
    if (!d.survivors.empty()) {
      std::string list;
      for (const auto& s : d.survivors) list += (list.empty() ? "" : "; ") + s;
      line += " (survived: " + list + ")";
    }
    if (*d.mutants > 0 && *d.refuted == 0) line += " -- CHECKS NOTHING";
  }
  return line + "\n";
}

// The request: the claim files read and checked, the statements chosen, the export directory checked
// (created when the run starts).
struct VerifyRequest {
  VerifyArgs a;
  std::vector<claims::ClaimFile> files;
  std::vector<std::string> only;
};

VerifyRequest verify_request(const VerifyArgs& a) {
  if (!a.export_dir.empty()) report::check_directory_creatable(a.export_dir, "--export");
  VerifyRequest r{a, {}, {}};
  for (const auto& p : a.files) r.files.push_back(claims::read_claim_file(p));
  r.only = claims::split_items(a.only, "--only");  // names may hold spaces
  for (const auto& want : r.only) {
    bool found = false;
    for (const auto& f : r.files)
      for (const auto& s : f.statements) found = found || s.name == want;
    if (!found) throw InputError(fmt::format("--only: no statement is named '{}'", want));
  }
  return r;
}

// Every chosen statement of the files, decided. With `certificates`, each decision's proof certificate is
// appended (id "<file stem>.<name, '_' for ' '>").
std::vector<claims::Decision> decide_statements(const VerifyRequest& r,
                                                std::vector<std::pair<std::string, nlohmann::json>>* certificates) {
  const auto& only = r.only;
  std::vector<claims::Decision> out;
  for (const auto& f : r.files) {
    claims::Verifier v(f);
    v.set_certificates(certificates != nullptr);
    for (const auto& s : f.statements) {
      if (!only.empty() && std::find(only.begin(), only.end(), s.name) == only.end()) continue;
      claims::Decision d = v.decide(s);
      if (certificates) {
        std::string id = std::filesystem::path(f.path).stem().string() + "." + s.name;
        std::replace(id.begin(), id.end(), ' ', '_');
        certificates->emplace_back(id, claims::certificate_document(id, f, s, d));
        d.certificate = nullptr;
      }
      if (r.a.mutate) v.mutate(s, d);
      out.push_back(std::move(d));
    }
  }
  return out;
}

Result run_verify(const VerifyRequest& r) {
  const VerifyArgs& a = r.a;
  if (!a.export_dir.empty()) report::make_directory(a.export_dir, "--export");
  std::vector<std::pair<std::string, nlohmann::json>> certificates;
  const auto start = std::chrono::steady_clock::now();
  const auto decisions = decide_statements(r, a.export_dir.empty() ? nullptr : &certificates);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!a.export_dir.empty()) claims::write_certificates(a.export_dir, certificates);
  int counts[4] = {0, 0, 0, 0}, idle = 0;
  bool ok = true;
  for (const auto& d : decisions) {
    ++counts[static_cast<int>(d.verdict)];
    ok = ok && d.ok();
    if (d.mutants && *d.mutants > 0 && *d.refuted == 0) ++idle, ok = false;
  }
  std::string summary = fmt::format("{} statements: {} PROVED, {} REFUTED, {} DECIDED, {} OPEN in {:.1f} s\n",
                                    decisions.size(), counts[0], counts[1], counts[2], counts[3], secs);
  if (a.mutate) summary += fmt::format("{} statements refuted none of their mutants\n", idle);
  if (!a.export_dir.empty())
    summary += fmt::format("{} proof certificates written to {} (check: checker/check_certificate.py)\n",
                           certificates.size(), a.export_dir);
  if (a.format == "json") {
    nlohmann::json j = nlohmann::json::array();
    for (const auto& d : decisions) j.push_back(d.to_json());
    return {j.dump(2) + "\n", ok ? 0 : 1, summary};
  }
  std::size_t width = 0;
  for (const auto& d : decisions) width = std::max(width, d.name.size());
  std::string out, file;
  for (const auto& d : decisions) {
    if (d.file != file) {
      out += fmt::format("{}{}\n", file.empty() ? "" : "\n", d.file);
      file = d.file;
    }
    out += table_line(d, width);
  }
  return {out, ok ? 0 : 1, summary};
}

}  // namespace

Runner add_verify(CLI::App& app) {
  auto a = std::make_shared<VerifyArgs>();
  app.add_option("files", a->files, "Claim files (TOML, docs/claim-files.md)")->required()->type_name("FILE...");
  app.add_option("--only", a->only, "Comma-separated statement names; default all")->type_name("NAMES");
  app.add_flag("--mutate", a->mutate,
               "Perturb every statement (each integer constant +-1, each symbol swapped with another, each task sign "
               "flipped) and count the mutants it refutes; a statement that refutes none checks nothing (exit 1)");
  app.add_option("--export", a->export_dir,
                 "Write one proof certificate (JSON) per statement into DIR, for checker/check_certificate.py "
                 "(docs/proof-certificates.md)")
      ->type_name("DIR");
  add_format(app, a->format, {"table", "json"},
             "table: 'VERDICT  NAME  evidence' lines per file; json: a list of {file, name, kind, verdict, evidence, "
             "counterexample | sets | limit, mutants}");
  app.footer(
      "Verdicts: PROVED (exact, against the exact engine, for every n; every d, s2 and symbol value as the evidence "
      "says), REFUTED (with an exact counterexample), DECIDED (sets or a limit computed, nothing expected), OPEN.\n"
      "Exit status: 0 if every statement is PROVED or DECIDED, 1 otherwise (or, with --mutate, if a statement "
      "refutes none of its mutants), 2 on a bad file or option.\n");
  return [a] { return job(verify_request(*a), run_verify); };
}

}  // namespace icl::cli
