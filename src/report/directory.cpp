#include "report/directory.hpp"

#include <fmt/format.h>

#include <cctype>
#include <chrono>

#include "core/number.hpp"
#include "report/figures.hpp"
#include "report/files.hpp"
#include "report/study.hpp"
#include "report/tables.hpp"
#include "theorems/theorems.hpp"

namespace icl::report {
namespace {

namespace fs = std::filesystem;

struct ClaimLine {
  std::string id, title;
  int pass = 0, note = 0, fail = 0;
  std::vector<std::string> findings;  // NOTE and FAIL evidence, "check: evidence"
  std::string verdict() const { return fail ? "FAIL" : note ? "NOTE" : "PASS"; }
};

std::vector<ClaimLine> claim_lines(Sources& src) {
  std::vector<ClaimLine> out;
  for (const auto& c : theorems::all_claims()) out.push_back({c.id, c.title, 0, 0, 0, {}});
  for (const auto& r : src.verdicts())
    for (auto& line : out) {
      if (line.id != r.claim) continue;
      line.pass += r.verdict == Verdict::Pass;
      line.note += r.verdict == Verdict::Note;
      line.fail += r.verdict == Verdict::Fail;
      if (r.verdict != Verdict::Pass)
        line.findings.push_back(fmt::format("{} {}: {}", verdict_name(r.verdict), r.id, r.evidence));
    }
  return out;
}

// The files stem + ext that exist in `dir`, for every stem and then every extension.
std::vector<std::string> existing(const fs::path& dir, const std::vector<std::string>& stems,
                                  const std::vector<std::string>& exts) {
  std::vector<std::string> out;
  for (const auto& ext : exts)
    for (const auto& s : stems)
      if (fs::exists(dir / (s + ext))) out.push_back(s + ext);
  return out;
}

const std::vector<std::string> kFigureExts{".png", ".tex"};
const std::vector<std::string> kTableExts{".tex", ".csv"};

// The file stems a report gives the catalog figure `name`: one per configuration of the architectures
// section for a per-architecture figure ("comparison" -> "comparison-h1-l1-sgd", ...), else the name.
std::vector<std::string> figure_stems(const std::string& name) {
  for (const auto& info : figure_catalog())
    if (info.name == name && info.per_arch) {
      std::vector<std::string> out;
      for (const auto& c : report_arch_configs()) out.push_back(c.stem());
      return out;
    }
  return {name};
}

// The existing figure and table files that illustrate claim `id` (its row of theorems/registry.cpp).
std::pair<std::vector<std::string>, std::vector<std::string>> claim_files(const fs::path& dir, const std::string& id) {
  for (const auto& e : theorems::registry())
    if (e.id == id) {
      std::vector<std::string> stems;
      for (const auto& f : e.figures)
        for (auto& stem : figure_stems(f)) stems.push_back(std::move(stem));
      return {existing(dir, stems, kFigureExts), existing(dir, e.tables, kTableExts)};
    }
  return {};
}

std::string html_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

struct StudyEntry {
  std::string store, group, stem;  // the figure and the table share the stem
  std::size_t seeds = 0, failed = 0;
  bool beyond = false;  // softmax attention or LoRA: the "Beyond linear attention" section

  std::string heading() const {
    return fmt::format("{}: {} ({} seeds{})", store, group, seeds,
                       failed ? fmt::format("; {} failed points left out", failed) : "");
  }
};

// A file stem from free text: letters, digits, '_' and '.' kept, anything else '-'.
std::string stem_of(const std::string& text) {
  std::string out;
  for (char c : text) out += std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' ? c : '-';
  return out;
}

std::string studies_title(bool beyond) { return beyond ? "Beyond linear attention" : "Studies"; }

std::string studies_intro(bool beyond) {
  return beyond ? "Protocol studies with softmax attention or LoRA methods (docs/beyond.md), read from sweep stores: "
                  "each method's risk and retention, the mean over the seeds with +-1 standard error."
                : "Protocol studies read from sweep stores: each method's risk and retention, the mean over the seeds "
                  "with +-1 standard error.";
}

struct IndexInput {
  fs::path dir;
  std::string header;  // one line: sizes, seed, time
  std::vector<ClaimLine> claims;
  std::vector<std::string> figure_stems, table_stems;
  std::vector<std::string> arch_stems;  // the architectures section: comparison figures
  std::string arch_table;               // and its table's stem
  std::vector<StudyEntry> studies;      // the studies section: one entry per group of each store
};

std::string links_md(const std::vector<std::string>& files) {
  std::string out;
  for (const auto& f : files) out += (out.empty() ? "" : ", ") + fmt::format("[{}]({})", f, f);
  return out.empty() ? "-" : out;
}

std::string index_markdown(const IndexInput& in) {
  std::string out = "# iclverify report\n\n" + in.header + "\n\n## Claims\n\n";
  out += "| claim | verdict | checks | figures | tables |\n| --- | --- | --- | --- | --- |\n";
  for (const auto& c : in.claims) {
    const auto [figs, tabs] = claim_files(in.dir, c.id);
    out += fmt::format("| {} {} | {} | {} PASS, {} NOTE, {} FAIL | {} | {} |\n", c.id, c.title, c.verdict(), c.pass,
                       c.note, c.fail, links_md(figs), links_md(tabs));
  }
  out += "\n## Findings (NOTE) and failures\n\n";
  for (const auto& c : in.claims)
    for (const auto& f : c.findings) out += "- " + f + "\n";
  out += "\n## Figures\n\n";
  for (const auto& stem : in.figure_stems) {
    out += fmt::format("### {}\n\n", stem);
    for (const auto& png : existing(in.dir, {stem}, {".png"})) out += fmt::format("![{}]({})\n\n", stem, png);
    out += "Files: " + links_md(existing(in.dir, {stem}, kFigureExts)) + "\n\n";
  }
  out += "## Architectures (claim A)\n\n";
  out += "The comparison protocol for H heads x L layers, SGD and Adam: table " +
         links_md(existing(in.dir, {in.arch_table}, kTableExts)) + "\n\n";
  for (const auto& stem : in.arch_stems) {
    out += fmt::format("### {}\n\n", stem);
    for (const auto& png : existing(in.dir, {stem}, {".png"})) out += fmt::format("![{}]({})\n\n", stem, png);
    out += "Files: " + links_md(existing(in.dir, {stem}, kFigureExts)) + "\n\n";
  }
  for (const bool beyond : {false, true}) {
    std::string section;
    for (const auto& s : in.studies) {
      if (s.beyond != beyond) continue;
      section += "### " + s.heading() + "\n\n";
      for (const auto& png : existing(in.dir, {s.stem}, {".png"})) section += fmt::format("![{}]({})\n\n", s.stem, png);
      section += "Figure: " + links_md(existing(in.dir, {s.stem}, kFigureExts)) +
                 "; table: " + links_md(existing(in.dir, {s.stem + "-table"}, kTableExts)) + "\n\n";
    }
    if (!section.empty()) out += "## " + studies_title(beyond) + "\n\n" + studies_intro(beyond) + "\n\n" + section;
  }
  out += "## Tables\n\n";
  for (const auto& stem : in.table_stems) {
    out += fmt::format("- {}: {}\n", stem, links_md(existing(in.dir, {stem}, kTableExts)));
  }
  return out;
}

std::string links_html(const std::vector<std::string>& files) {
  std::string out;
  for (const auto& f : files) out += (out.empty() ? "" : ", ") + fmt::format("<a href=\"{0}\">{0}</a>", html_escape(f));
  return out.empty() ? "-" : out;
}

std::string index_html(const IndexInput& in) {
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>iclverify report</title>\n"
      "<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em}"
      "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}"
      ".PASS{color:#1a7f37}.NOTE{color:#9a6700}.FAIL{color:#cf222e}img{max-width:100%}</style>\n"
      "</head>\n<body>\n<h1>iclverify report</h1>\n";
  out += "<p>" + html_escape(in.header) + "</p>\n<h2>Claims</h2>\n<table>\n";
  out += "<tr><th>claim</th><th>verdict</th><th>checks</th><th>figures</th><th>tables</th></tr>\n";
  for (const auto& c : in.claims) {
    const auto [figs, tabs] = claim_files(in.dir, c.id);
    out += fmt::format(
        "<tr><td>{} {}</td><td class=\"{}\">{}</td><td>{} PASS, {} NOTE, {} FAIL</td><td>{}</td><td>{}</td></tr>\n",
        html_escape(c.id), html_escape(c.title), c.verdict(), c.verdict(), c.pass, c.note, c.fail, links_html(figs),
        links_html(tabs));
  }
  out += "</table>\n<h2>Findings (NOTE) and failures</h2>\n<ul>\n";
  for (const auto& c : in.claims)
    for (const auto& f : c.findings) out += "<li>" + html_escape(f) + "</li>\n";
  out += "</ul>\n<h2>Figures</h2>\n";
  for (const auto& stem : in.figure_stems) {
    out += "<h3>" + html_escape(stem) + "</h3>\n";
    for (const auto& png : existing(in.dir, {stem}, {".png"}))
      out += fmt::format("<p><img src=\"{0}\" alt=\"{0}\"></p>\n", html_escape(png));
    out += "<p>Files: " + links_html(existing(in.dir, {stem}, kFigureExts)) + "</p>\n";
  }
  out += "<h2>Architectures (claim A)</h2>\n<p>The comparison protocol for H heads x L layers, SGD and Adam: table " +
         links_html(existing(in.dir, {in.arch_table}, kTableExts)) + "</p>\n";
  for (const auto& stem : in.arch_stems) {
    out += "<h3>" + html_escape(stem) + "</h3>\n";
    for (const auto& png : existing(in.dir, {stem}, {".png"}))
      out += fmt::format("<p><img src=\"{0}\" alt=\"{0}\"></p>\n", html_escape(png));
    out += "<p>Files: " + links_html(existing(in.dir, {stem}, kFigureExts)) + "</p>\n";
  }
  for (const bool beyond : {false, true}) {
    std::string section;
    for (const auto& s : in.studies) {
      if (s.beyond != beyond) continue;
      section += "<h3>" + html_escape(s.heading()) + "</h3>\n";
      for (const auto& png : existing(in.dir, {s.stem}, {".png"}))
        section += fmt::format("<p><img src=\"{0}\" alt=\"{0}\"></p>\n", html_escape(png));
      section += "<p>Figure: " + links_html(existing(in.dir, {s.stem}, kFigureExts)) +
                 "; table: " + links_html(existing(in.dir, {s.stem + "-table"}, kTableExts)) + "</p>\n";
    }
    if (!section.empty())
      out += "<h2>" + studies_title(beyond) + "</h2>\n<p>" + html_escape(studies_intro(beyond)) + "</p>\n" + section;
  }
  out += "<h2>Tables</h2>\n<ul>\n";
  for (const auto& stem : in.table_stems) {
    out += "<li>" + html_escape(stem) + ": " + links_html(existing(in.dir, {stem}, kTableExts)) + "</li>\n";
  }
  return out + "</ul>\n</body>\n</html>\n";
}

}  // namespace

ReportSummary write_report(const ReportOptions& o, const train::ProgressFn& progress) {
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<Study> studies;  // read first: a bad store fails before anything is written
  for (const auto& store : o.stores) studies.push_back(read_study(store));
  make_directory(o.out, "--out");
  Sources src(o.budget);
  ReportSummary sum;
  sum.images = gnuplot_available();
  std::size_t study_groups = 0;
  for (const auto& st : studies) study_groups += st.groups.size();
  const double steps = static_cast<double>(table_catalog().size() + figure_catalog().size() +
                                           report_arch_configs().size() + study_groups);
  double done = 0;
  auto step = [&] {
    if (progress) progress(++done, steps);
  };
  auto write = [&](const std::string& file, const std::string& content) {
    write_file_atomic(o.out / file, content);
    sum.files.push_back(file);
  };

  IndexInput index{o.out, "", {}, {}, {}, {}, "architectures", {}};
  const TableRequest request;
  for (const auto& info : table_catalog()) {
    const DataTable t = info.build(request, src);
    write(t.name + ".tex", render_latex(t, NumberStyle{}));
    write(t.name + ".csv", render_csv(t));
    index.table_stems.push_back(t.name);
    step();
  }
  auto draw = [&](const Figure& f) {
    write_figure(f, o.out / (f.name + ".tex"));
    sum.files.push_back(f.name + ".tex");
    if (sum.images) {
      write_figure(f, o.out / (f.name + ".png"));
      sum.files.push_back(f.name + ".png");
    }
    step();
  };
  for (const auto& info : figure_catalog()) {
    if (info.per_arch) continue;  // the architectures section below
    const Figure f = info.build(src);
    draw(f);
    index.figure_stems.push_back(f.name);
  }
  for (const ArchConfig& c : report_arch_configs()) {  // the architectures section
    const Figure f = comparison_figure(src, c);
    draw(f);
    index.arch_stems.push_back(f.name);
  }
  for (const Study& st : studies)  // the studies section
    for (const StudyGroup& g : st.groups) {
      const std::string file_stem = std::filesystem::path(st.store).stem().string();
      const std::string stem = stem_of("study-" + file_stem + (g.key.empty() ? "" : "-" + group_label(g)));
      const std::string title = fmt::format("{}: {}, {} seeds", file_stem, group_label(g), g.seeds.size());
      const DataTable t = study_table(g, stem + "-table",
                                      fmt::format("Study {} ({}): risk per method, mean over {} seeds and its "
                                                  "standard error.",
                                                  file_stem, group_label(g), g.seeds.size()));
      write(t.name + ".tex", render_latex(t, NumberStyle{}));
      write(t.name + ".csv", render_csv(t));
      draw(study_figure(g, stem, title));
      index.studies.push_back({st.store, group_label(g), stem, g.seeds.size(), st.failed, g.beyond});
    }
  index.claims = claim_lines(src);
  for (const auto& c : index.claims) {
    sum.checks += c.pass + c.note + c.fail;
    sum.fails += c.fail;
    sum.notes += c.note;
  }
  sum.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const auto p = o.budget.protocol();
  index.header = fmt::format(
      "{} sizes: SGD pretraining {} steps, fine-tuning {} steps, {} prompts/step; Monte Carlo {} prompts per figure "
      "point; seed {}; comparison protocol (architectures): {}. {} checks: {} PASS, {} NOTE, {} FAIL. Images: {}.",
      o.budget.fast ? "Fast" : "Paper", p.steps_pretrain, p.steps_finetune, p.batch, o.budget.mc_samples(),
      o.budget.seed, comparison_budget_text(o.budget.comparison({1, 2, train::Optimizer::Sgd})), sum.checks,
      sum.checks - sum.fails - sum.notes, sum.notes, sum.fails,
      sum.images ? "PNG (gnuplot) and pgfplots sources" : "gnuplot not found, pgfplots sources only");
  write("index.md", index_markdown(index));
  write("index.html", index_html(index));
  step();
  return sum;
}

}  // namespace icl::report
