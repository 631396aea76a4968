#include "claims/embedded.hpp"

#include <cctype>
#include <memory>

#include "claims/certificate.hpp"
#include "claims/verify.hpp"
#include "core/number.hpp"

namespace icl::claims {

namespace {

// "theorems/c2_full_finetuning.toml" -> "C2"
std::string claim_of(const std::string& path) {
  const auto slash = path.find_last_of('/');
  std::string stem = path.substr(slash == std::string::npos ? 0 : slash + 1);
  stem = stem.substr(0, stem.find('_'));
  for (auto& c : stem) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return stem;
}

std::string slug(std::string name) {
  for (auto& c : name)
    if (c == ' ') c = '_';
  return name;
}

prove::ProofVerdict proof_verdict(ClaimVerdict v) {
  return v == ClaimVerdict::Proved    ? prove::ProofVerdict::Proved
         : v == ClaimVerdict::Refuted ? prove::ProofVerdict::Refuted
                                      : prove::ProofVerdict::Open;
}

// One file read once and one Verifier, shared by its statements (the atoms are fitted once).
struct Shared {
  ClaimFile file;
  Verifier verifier;
  explicit Shared(const EmbeddedFile& e) : file(parse_claim_file(e.text, e.path)), verifier(file) {}
};

// Every embedded file read once per call; nullptr (with the message) for a file that does not read.
struct ReadFile {
  const EmbeddedFile* embedded;
  std::shared_ptr<Shared> shared;
  std::string error;
};
std::vector<ReadFile> read_embedded_files() {
  std::vector<ReadFile> out;
  for (const auto& e : embedded_claim_files()) {
    try {
      out.push_back({&e, std::make_shared<Shared>(e), ""});
    } catch (const InputError& error) {
      out.push_back({&e, nullptr, error.what()});
    }
  }
  return out;
}

std::string statement_id(const EmbeddedFile& e, const Statement& s) { return claim_of(e.path) + "." + slug(s.name); }

}  // namespace

std::vector<MutantCase> claim_file_mutant_cases() {
  std::vector<MutantCase> out;
  for (const auto& file : read_embedded_files()) {
    if (!file.shared) continue;  // its statement "<claim>.file" is OPEN: claim P fails already
    for (std::size_t i = 0; i < file.shared->file.statements.size(); ++i) {
      const Statement& s = file.shared->file.statements[i];
      const std::string id = statement_id(*file.embedded, s);
      out.push_back({id + ": its first refuted verify --mutate mutant", "P", [shared = file.shared, i, id] {
                       Claim claim{"P", "", "", {}, {}};
                       claim.checks.push_back({"P." + id, "", [shared, i](const CheckContext&) {
                                                 const Statement& st = shared->file.statements[i];
                                                 const auto r = shared->verifier.first_refuted_mutant(st);
                                                 if (!r) return Outcome{Verdict::Pass, "no mutant is refuted"};
                                                 return Outcome{Verdict::Fail, "REFUTED under the mutant " + r->mutant +
                                                                                   ": " + r->decision.evidence};
                                               }});
                       return claim;
                     }});
    }
  }
  return out;
}

std::vector<prove::Statement> claim_file_statements() {
  std::vector<prove::Statement> out;
  for (const auto& file : read_embedded_files()) {
    const EmbeddedFile& e = *file.embedded;
    if (!file.shared) {  // a broken file is one OPEN statement, not a crash at start-up
      out.push_back({claim_of(e.path) + ".file", e.path + " reads", [message = file.error](const prove::ProofOptions&) {
                       return prove::Proof{prove::ProofVerdict::Open, "the claim file does not read: " + message, {}};
                     }});
      continue;
    }
    for (std::size_t i = 0; i < file.shared->file.statements.size(); ++i) {
      const Statement& s = file.shared->file.statements[i];
      const std::string id = statement_id(e, s);
      out.push_back({id, fmt::format("{} ({}, {})", s.name, e.path, kind_name(s.kind)),
                     [shared = file.shared, i, id](const prove::ProofOptions& o) {
                       const Statement& statement = shared->file.statements[i];
                       shared->verifier.set_certificates(o.certificates);
                       const Decision d = shared->verifier.decide(statement);
                       prove::Proof p{proof_verdict(d.verdict),
                                      std::string(verdict_name(d.verdict)) + ": " + d.evidence, d.to_json()};
                       if (o.certificates)
                         p.certificate["proof_certificate"] = certificate_document(id, shared->file, statement, d);
                       return p;
                     }});
    }
  }
  return out;
}

}  // namespace icl::claims
