#include "claims/certificate.hpp"

#include <fmt/format.h>

#include <cctype>
#include <filesystem>
#include <set>
#include <sstream>

#include "core/number.hpp"
#include "report/files.hpp"

#ifndef ICL_VERSION
#define ICL_VERSION "unknown"
#endif

namespace icl::claims {

const char* program_version() { return ICL_VERSION; }

namespace {

nlohmann::json runs_json(const std::vector<std::pair<long, std::optional<long>>>& runs) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [lo, hi] : runs) out.push_back({lo, hi ? nlohmann::json(*hi) : nlohmann::json(nullptr)});
  return out;
}

nlohmann::json statement_json(const ClaimFile& f, const Statement& s) {
  nlohmann::json j{{"file", f.path}, {"name", s.name}, {"kind", kind_name(s.kind)}, {"expression", s.text.lhs}};
  if (!s.note.empty()) j["note"] = s.note;
  if (s.kind == StatementKind::Identity) j["right"] = s.text.rhs;
  if (s.kind == StatementKind::Limit && s.rhs) j["equals"] = s.text.rhs;
  if (s.kind == StatementKind::Stationary) {
    j["at"] = s.text.at;
    for (const auto& v : s.in_all) j["in"].push_back(v.get_name());
  }
  j["where"] = s.text.where;
  if (s.expect)
    for (const auto& [sign, runs] : s.expect->runs)
      j["expect"][sign > 0 ? "positive" : sign == 0 ? "zero" : "negative"] = runs_json(runs);
  return j;
}

nlohmann::json setting_json(const ClaimFile& f) {
  nlohmann::json j{{"d", f.d_value ? nlohmann::json(*f.d_value) : nlohmann::json(f.d_name)},
                   {"s2", f.s2_value ? nlohmann::json(to_fraction(*f.s2_value)) : nlohmann::json(f.s2_name)},
                   {"symbols", nlohmann::json::object()}};
  for (const auto& sym : f.symbols) j["symbols"][sym.name] = sym.assumption.text;
  return j;
}

}  // namespace

nlohmann::json certificate_document(const std::string& id, const ClaimFile& f, const Statement& s, const Decision& d) {
  nlohmann::json j{{"format", "iclverify proof certificate"},
                   {"format_version", kCertificateFormatVersion},
                   {"program", fmt::format("iclverify {}", program_version())},
                   {"id", id},
                   {"statement", statement_json(f, s)},
                   {"setting", setting_json(f)},
                   {"verdict", verdict_name(d.verdict)},
                   {"evidence", d.evidence}};
  for (const auto& [name, fam] : f.families) j["families"][name] = {{"blocks", fam.blocks}, {"separate", fam.separate}};
  j["parts"] = d.certificate.contains("parts") ? d.certificate["parts"] : nlohmann::json::array();
  if (!d.counterexample.is_null()) j["counterexample"] = d.counterexample;
  if (!d.sets.is_null()) j["sets"] = d.sets;
  if (!d.limit.is_null()) j["limit"] = d.limit;
  return j;
}

std::string certificate_file_name(const std::string& id) {
  std::string out;
  for (char c : id) {
    const bool kept = std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_';
    out.push_back(kept ? c : '_');
  }
  return out + ".json";
}

std::vector<std::string> write_certificates(const std::string& dir,
                                            const std::vector<std::pair<std::string, nlohmann::json>>& documents,
                                            const std::string& flag) {
  report::make_directory(dir, flag);
  std::set<std::string> taken;
  std::vector<std::string> written;
  for (const auto& [id, doc] : documents) {
    const std::string base = certificate_file_name(id);
    std::string name = base;
    for (int k = 2; !taken.insert(name).second; ++k)
      name = fmt::format("{}-{}.json", base.substr(0, base.size() - 5), k);
    const auto path = std::filesystem::path(dir) / name;
    try {
      report::write_file_atomic(path, doc.dump(1) + "\n");
    } catch (const InputError& e) {
      throw InputError(fmt::format("{}: {}", flag, e.what()));
    }
    written.push_back(path.string());
  }
  return written;
}

}  // namespace icl::claims
