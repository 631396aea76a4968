// iclverify prove: every statement PROVED, REFUTED (with an exact counterexample) or OPEN, with its
// certificate (docs/proofs.md).
#include <fmt/format.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "claims/certificate.hpp"
#include "cli/commands.hpp"
#include "cli/inputs.hpp"
#include "core/number.hpp"
#include "prove/paper.hpp"
#include "report/files.hpp"

namespace icl::cli {
namespace {

struct ProveArgs {
  std::string only, format, export_dir;
  bool full = false;
};

// A statement is selected by its id ("C2.sets") or by the part before the first dot ("C2", "cf").
bool selected(const std::string& id, const std::vector<std::string>& only) {
  if (only.empty()) return true;
  const std::string group = id.substr(0, id.find('.'));
  return std::find(only.begin(), only.end(), id) != only.end() ||
         std::find(only.begin(), only.end(), group) != only.end();
}

std::vector<prove::Statement> chosen_statements(const std::string& only_text) {
  const auto all = theorems::paper_statements();
  const std::vector<std::string> only = only_text.empty() ? std::vector<std::string>{} : read_ids(only_text);
  for (const auto& want : only)
    if (std::none_of(all.begin(), all.end(), [&](const auto& s) { return selected(s.id, {want}); }))
      throw InputError(fmt::format("--only: '{}' names no statement (ids: iclverify prove --help)", want));
  std::vector<prove::Statement> out;
  for (const auto& s : all)
    if (selected(s.id, only)) out.push_back(s);
  return out;
}

struct Ran {
  const prove::Statement* statement;
  prove::Proof proof;
  double seconds;
};

// Writes the claim files' certificates (taken out of the proofs) and says which statements have
// none: those written in C++ (theorems/*.cpp) decide closed forms and engine gradients coded in C++,
// which a checker cannot read as formulas (their claim-file restatements carry certificates), and
// C3.conservation is a randomized test.
std::string export_certificates(const std::string& dir, std::vector<Ran>& ran) {
  std::vector<std::pair<std::string, nlohmann::json>> documents;
  std::string without;
  for (auto& r : ran) {
    auto& cert = r.proof.certificate;
    if (cert.is_object() && cert.contains("proof_certificate")) {
      documents.emplace_back(r.statement->id, std::move(cert["proof_certificate"]));
      cert.erase("proof_certificate");
    } else {
      without += (without.empty() ? "" : ", ") + r.statement->id;
    }
  }
  claims::write_certificates(dir, documents);
  std::string out =
      fmt::format("{} proof certificates written to {} (check: checker/check_certificate.py)\n", documents.size(), dir);
  if (!without.empty())
    out += fmt::format(
        "no certificate (written in C++: closed forms and gradients as code, not formulas a checker reads, "
        "restated in the claim files, which have certificates; C3.conservation is randomized): {}\n",
        without);
  return out;
}

// The request: the statements chosen, and the export directory checked (created when the run starts).
struct ProveRequest {
  ProveArgs a;
  std::vector<prove::Statement> statements;
};

ProveRequest prove_request(const ProveArgs& a) {
  if (!a.export_dir.empty()) report::check_directory_creatable(a.export_dir, "--export");
  return {a, chosen_statements(a.only)};
}

Result run_prove(const ProveRequest& r) {
  const ProveArgs& a = r.a;
  const auto& statements = r.statements;
  if (!a.export_dir.empty()) report::make_directory(a.export_dir, "--export");  // fail before the work
  const prove::ProofOptions options{a.full, !a.export_dir.empty()};
  std::vector<Ran> ran;
  const auto start = std::chrono::steady_clock::now();
  for (const auto& s : statements) {
    const auto t0 = std::chrono::steady_clock::now();
    prove::Proof p = s.prove(options);
    ran.push_back({&s, std::move(p), std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()});
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  int counts[3] = {0, 0, 0};
  for (const auto& r : ran) ++counts[static_cast<int>(r.proof.verdict)];
  const int status = counts[0] == static_cast<int>(ran.size()) ? 0 : 1;
  std::string summary =
      fmt::format("{} statements: {} PROVED, {} REFUTED, {} OPEN in {:.1f} s ({} set: d = 1..{})\n", ran.size(),
                  counts[0], counts[1], counts[2], secs, a.full ? "full" : "fast", a.full ? 12 : 5);
  if (!a.export_dir.empty()) summary += export_certificates(a.export_dir, ran);
  if (a.format == "json") {
    nlohmann::json j{{"statements", nlohmann::json::array()}, {"full", a.full}, {"seconds", secs}};
    for (const auto& r : ran)
      j["statements"].push_back({{"id", r.statement->id},
                                 {"claim", r.statement->claim},
                                 {"verdict", prove::proof_verdict_name(r.proof.verdict)},
                                 {"summary", r.proof.summary},
                                 {"seconds", r.seconds},
                                 {"certificate", r.proof.certificate}});
    return {j.dump(2) + "\n", status, summary};
  }
  std::size_t width = 0;
  for (const auto& r : ran) width = std::max(width, r.statement->id.size());
  std::string out;
  for (const auto& r : ran)
    out += fmt::format("{:<7}  {:<{}}  {}\n", prove::proof_verdict_name(r.proof.verdict), r.statement->id, width,
                       r.proof.summary);
  return {out, status, summary};
}

std::string statement_list() {
  std::string out = "Statements (--only takes an id or its group: cf, C1, C2, C3, C4, C5, stat):\n";
  for (const auto& s : theorems::paper_statements()) out += fmt::format("  {:<17} {}\n", s.id, s.claim);
  return out;
}

}  // namespace

Runner add_prove(CLI::App& app) {
  auto a = std::make_shared<ProveArgs>();
  app.add_option("--only", a->only, "Comma-separated statement ids (C2.sets) or groups (C2, cf, stat); default all")
      ->type_name("IDS");
  app.add_flag("--full", a->full, "Grids over d = 1..12 instead of 1..5 (slower)");
  app.add_option("--export", a->export_dir,
                 "Write one proof certificate (JSON) per claim-file statement into DIR, for "
                 "checker/check_certificate.py (docs/proof-certificates.md)")
      ->type_name("DIR");
  add_format(app, a->format, {"table", "json"},
             "table: 'VERDICT  ID  summary' lines; json: statements with their certificates");
  app.footer(statement_list() +
             "Exit status: 0 if every statement is PROVED, 1 if any is REFUTED or OPEN, 2 on bad input.\n"
             "PROVED is exact and conditional on the exact engine and on the degree bounds of docs/proofs.md "
             "(each confirmed at extra grid nodes); C3.conservation is randomized (Schwartz-Zippel, bound printed).\n");
  return [a] { return job(prove_request(*a), run_prove); };
}

}  // namespace icl::cli
