#include "report/study.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "core/number.hpp"
#include "sweep/aggregate.hpp"
#include "sweep/store.hpp"

namespace icl::report {
namespace {

using Options = std::map<std::string, std::string>;

// One point's curves: per method, the risk means on theta0 and -theta0 at each n.
struct PointCurves {
  std::string seed;
  double level = 0;  // 1 + s2: the zero predictor's risk
  std::vector<std::string> methods;
  std::vector<long> n;
  std::vector<std::vector<double>> target, opposite;  // [method][n index]
};

// The pretrained model method m is fine-tuned from: "pretrained" (L x H protocol), or in the one-head
// protocol "pretrained (separate)" for the separate methods and "pretrained (merged)" for the others.
std::optional<std::size_t> pretrained_of(const PointCurves& p, std::size_t m) {
  const bool separate = p.methods[m].ends_with("(separate)");
  for (const std::string& name :
       {std::string("pretrained"), std::string(separate ? "pretrained (separate)" : "pretrained (merged)")}) {
    const auto it = std::find(p.methods.begin(), p.methods.end(), name);
    if (it != p.methods.end()) return static_cast<std::size_t>(it - p.methods.begin());
  }
  return std::nullopt;
}

// The retention of method m at the largest n against its pretrained model (none without one, or when the
// pretrained model does not beat the zero predictor there).
std::optional<double> retention(const PointCurves& p, std::size_t m, const std::vector<std::vector<double>>& curves) {
  const auto pre = pretrained_of(p, m);
  if (!pre) return std::nullopt;
  const double gain_pre = p.level - curves[*pre].back();
  if (!(gain_pre > 0)) return std::nullopt;
  return (p.level - curves[m].back()) / gain_pre;
}

[[noreturn]] void refuse(const std::string& store, const std::string& what) {
  throw InputError(fmt::format("--store {}: {}", store, what));
}

std::vector<double> curve(const nlohmann::json& method, const char* field, std::vector<long>& n,
                          const std::string& where) {
  if (!method.contains(field) || !method[field].is_array()) throw InputError(where + ": no " + field);
  std::vector<long> ns;
  std::vector<double> means;
  for (const auto& e : method[field]) {  // {n, mean, se} (L x H protocol) or R(n) for n = 0, 1, ... (one head)
    ns.push_back(e.is_object() ? e.at("n").get<long>() : static_cast<long>(ns.size()));
    means.push_back(e.is_object() ? e.at("mean").get<double>() : e.get<double>());
    if (!std::isfinite(means.back()))
      throw InputError(fmt::format("{}: {} is not finite at n = {}", where, field, ns.back()));
  }
  if (n.empty()) n = ns;
  if (ns != n) throw InputError(where + ": the risk curves on theta0 and -theta0 have different n");
  return means;
}

PointCurves point_curves(const sweep::Row& row, const std::string& store) {
  PointCurves p;
  const std::string where = fmt::format("--store {}: point {}", store, row.options);
  try {
    const auto result = nlohmann::json::parse(row.result);
    // 1 + s2: the L x H protocol prints noise_std, the one-head protocol sigma2 (a number or "p/q")
    if (result.contains("noise_std")) {
      const double noise = result.at("noise_std").get<double>();
      p.level = 1 + noise * noise;
    } else {
      const auto& s2 = result.at("sigma2");
      p.level = 1 + (s2.is_number() ? s2.get<double>()
                                    : static_cast<double>(parse_rational(s2.get<std::string>(), "sigma2")));
    }
    for (const auto& m : result.at("methods")) {
      p.methods.push_back(m.at("name").get<std::string>());
      p.target.push_back(curve(m, "risk_target", p.n, where));
      p.opposite.push_back(curve(m, "risk_opposite", p.n, where));
    }
  } catch (const nlohmann::json::exception& e) {
    throw InputError(fmt::format("{}: not the output of protocol ({})", where, e.what()));
  }
  if (p.methods.empty()) throw InputError(where + ": no methods");
  return p;
}

SeedBand band(const std::vector<double>& xs) {
  const sweep::Summary s = sweep::summarize(xs);
  return {s.mean, s.se, s.count};
}

std::optional<SeedBand> retention_band(const std::vector<PointCurves>& points, std::size_t m, bool opposite) {
  std::vector<double> rhos;
  for (const auto& p : points)
    if (const auto rho = retention(p, m, opposite ? p.opposite : p.target)) rhos.push_back(*rho);
  if (rhos.empty()) return std::nullopt;
  return band(rhos);
}

StudyGroup summarize_group(std::vector<std::pair<std::string, std::string>> key, const std::vector<PointCurves>& points,
                           const std::string& store) {
  StudyGroup g;
  g.key = std::move(key);
  const PointCurves& first = points.front();
  for (const auto& p : points) {
    if (p.methods != first.methods || p.n != first.n)
      refuse(store,
             fmt::format("the points of group '{}' differ in their methods or shot counts", fmt::join(g.key, " ")));
    g.seeds.push_back(p.seed);
  }
  for (std::size_t m = 0; m < first.methods.size(); ++m) {
    StudyMethod sm{first.methods[m], first.n, {}, {}, {}, {}};
    for (std::size_t i = 0; i < first.n.size(); ++i) {
      std::vector<double> t, o;
      for (const auto& p : points) {
        t.push_back(p.target[m][i]);
        o.push_back(p.opposite[m][i]);
      }
      sm.target.push_back(band(t));
      sm.opposite.push_back(band(o));
    }
    sm.rho_target = retention_band(points, m, false);
    sm.rho_opposite = retention_band(points, m, true);
    g.methods.push_back(std::move(sm));
  }
  return g;
}

}  // namespace

Where parse_where(const std::string& text) {
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == text.size())
    throw InputError(fmt::format("--where: '{}' is not NAME=VALUE", text));
  return {text.substr(0, eq), text.substr(eq + 1)};
}

Study read_study(const std::string& store, const std::vector<Where>& where) {
  const sweep::Store s(store, sweep::Store::Mode::Read);
  const auto study = s.study();
  if (!study) refuse(store, "the store holds no study");
  const std::string command = nlohmann::json::parse(*study).at("command").get<std::string>();
  if (command != "protocol")
    refuse(store, fmt::format("a study of '{}'; figures and the report read studies of 'protocol'", command));

  Study out{store, {}, {}, 0};
  std::vector<std::pair<Options, sweep::Row>> kept;
  std::set<std::string> names;
  for (sweep::Row& r : s.rows()) {
    const Options options = sweep::option_texts(r.options);
    for (const auto& [name, value] : options) names.insert(name);
    if (r.status != "ok") {
      ++out.failed;
      continue;
    }
    const bool match = std::all_of(where.begin(), where.end(), [&](const Where& w) {
      const auto it = options.find(w.first);
      return it != options.end() && it->second == w.second;
    });
    if (match) kept.emplace_back(options, std::move(r));
  }
  for (const auto& [name, value] : where)
    if (!names.contains(name)) refuse(store, fmt::format("--where {}: no point has the option '{}'", name, name));
  if (kept.empty())
    refuse(store, where.empty() ? "no finished point" : "no finished point matches every --where condition");

  // The options that differ between the kept points, besides the seed (a point without one counts as "-").
  std::set<std::string> varying;
  for (const auto& name : names) {
    if (name == "seed") continue;
    std::set<std::string> values;
    for (const auto& [options, row] : kept) values.insert(options.contains(name) ? options.at(name) : "-");
    if (values.size() > 1) varying.insert(name);
  }
  out.varying.assign(varying.begin(), varying.end());

  std::map<std::vector<std::pair<std::string, std::string>>, std::vector<PointCurves>> groups;
  for (const auto& [options, row] : kept) {
    std::vector<std::pair<std::string, std::string>> key;
    for (const auto& name : out.varying) key.emplace_back(name, options.contains(name) ? options.at(name) : "-");
    PointCurves p = point_curves(row, store);
    p.seed = options.contains("seed") ? options.at("seed") : "-";
    groups[key].push_back(std::move(p));
  }
  for (auto& [key, points] : groups) out.groups.push_back(summarize_group(key, points, store));
  for (auto& g : out.groups)  // softmax attention or LoRA methods (docs/beyond.md)
    for (const auto& point : kept) {
      const auto& options = point.first;
      const bool member = std::all_of(g.key.begin(), g.key.end(), [&](const auto& kv) {
        return (options.contains(kv.first) ? options.at(kv.first) : "-") == kv.second;
      });
      if (member &&
          ((options.contains("attention") && options.at("attention") == "softmax") || options.contains("lora-rank")))
        g.beyond = true;
    }
  return out;
}

std::string group_label(const StudyGroup& g) {
  if (g.key.empty()) return "all points";
  std::string out;
  for (const auto& [name, value] : g.key) out += (out.empty() ? "" : " ") + name + "=" + value;
  return out;
}

Figure study_figure(const StudyGroup& g, const std::string& name, const std::string& title) {
  Figure f{name, title, 2, {}};
  const auto panel = [&](const std::string& task, auto member) {
    Panel p{task, "shots n", "risk (seed mean +- 1 se)", false, false, {}};
    for (std::size_t m = 0; m < g.methods.size(); ++m) {
      const StudyMethod& sm = g.methods[m];
      Series s{sm.name, SeriesStyle::LinePoints, {}, {}, {}, static_cast<int>(m), false};
      const auto& bands = sm.*member;
      const bool bars = std::all_of(bands.begin(), bands.end(), [](const SeedBand& b) { return b.se.has_value(); });
      for (std::size_t i = 0; i < sm.n.size(); ++i) {
        s.x.push_back(static_cast<double>(sm.n[i]));
        s.y.push_back(bands[i].mean);
        if (bars) s.err.push_back(*bands[i].se);
      }
      p.series.push_back(std::move(s));
    }
    // Risks span decades (a two-layer model's zero-shot risk is ~1e5, its 40-shot risk ~0.1), as in
    // the comparison figure: a log axis whenever every mean is positive.
    p.logy = std::all_of(p.series.begin(), p.series.end(), [](const Series& s) {
      return std::all_of(s.y.begin(), s.y.end(), [](double y) { return y > 0; });
    });
    f.panels.push_back(std::move(p));
  };
  panel("on theta0 (fine-tuning task)", &StudyMethod::target);
  panel("on -theta0", &StudyMethod::opposite);
  return f;
}

DataTable study_table(const StudyGroup& g, const std::string& name, const std::string& caption) {
  DataTable t;
  t.name = name;
  t.caption = caption;
  const StudyMethod& first = g.methods.front();
  const long n0 = first.n.front(), n1 = first.n.back();
  t.columns = {"method"};
  for (const std::string& column :
       {fmt::format("theta0 n={}", n0), fmt::format("theta0 n={}", n1), fmt::format("-theta0 n={}", n0),
        fmt::format("-theta0 n={}", n1), fmt::format("rho theta0 n={}", n1), fmt::format("rho -theta0 n={}", n1)}) {
    t.columns.push_back(column);
    t.columns.push_back("se");
  }
  t.columns.push_back("seeds");
  const auto cells = [](const SeedBand& b, std::vector<Cell>& row) {
    row.push_back(Cell::approx(b.mean));
    row.push_back(b.se ? Cell::approx(*b.se) : Cell::label("-"));
  };
  for (const StudyMethod& m : g.methods) {
    std::vector<Cell> row{Cell::label(m.name)};
    cells(m.target.front(), row);
    cells(m.target.back(), row);
    cells(m.opposite.front(), row);
    cells(m.opposite.back(), row);
    for (const auto& rho : {m.rho_target, m.rho_opposite})
      if (rho) {
        cells(*rho, row);
      } else {
        row.push_back(Cell::label("-"));
        row.push_back(Cell::label("-"));
      }
    row.push_back(Cell::label(std::to_string(m.target.front().count)));
    t.rows.push_back(std::move(row));
  }
  return t;
}

}  // namespace icl::report
