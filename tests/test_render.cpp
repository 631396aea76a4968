// The figure backend: validation, gnuplot scripts, pgfplots sources, atomic files and (when gnuplot
// is installed) the images themselves.
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "core/number.hpp"
#include "report/figure.hpp"
#include "report/files.hpp"

using namespace icl::report;
namespace fs = std::filesystem;

namespace {

Series make_series(std::string label, SeriesStyle style, std::vector<double> x, std::vector<double> y,
                   std::vector<double> err = {}, int color = -1, bool dashed = false) {
  Series s;
  s.label = std::move(label);
  s.style = style;
  s.x = std::move(x);
  s.y = std::move(y);
  s.err = std::move(err);
  s.color = color;
  s.dashed = dashed;
  return s;
}

// Two panels with three series each: linear (line, dashed partner, markers with error bars) and
// log-y (line, line-points, markers with error bars reaching below zero).
Figure sample_figure() {
  Figure f;
  f.name = "sample";
  f.title = "Sample \"figure\" with θ₀ and σ²";
  f.columns = 2;
  Panel a;
  a.title = "risk vs n";
  a.xlabel = "shots n";
  a.ylabel = "risk R_F";
  a.series.push_back(
      make_series("closed form θ₀", SeriesStyle::Line, {0, 1, 2, 3, 4}, {1.5, 0.1, 1.0 / 3, 0.7, 2e-17}));
  a.series.push_back(
      make_series("closed form −θ₀", SeriesStyle::Line, {0, 1, 2, 3, 4}, {1.6, 0.2, 2.0 / 3, 0.8, 1}, {}, 0, true));
  a.series.push_back(
      make_series("MC ± 1 s.e.", SeriesStyle::Markers, {0, 2, 4}, {1.51, 0.34, 0.99}, {0.01, 0.02, 0.125}));
  Panel b;
  b.title = "log risk";
  b.xlabel = "γ";
  b.ylabel = "R";
  b.logy = true;
  b.series.push_back(make_series("exact", SeriesStyle::Line, {0.1, 0.2, 0.3}, {1e-3, 1e-1, 12.5}));
  b.series.push_back(make_series("learned", SeriesStyle::LinePoints, {0.1, 0.2, 0.3}, {2e-3, 0.3, 7}));
  b.series.push_back(make_series("MC", SeriesStyle::Markers, {0.1, 0.2, 0.3}, {1e-3, 0.2, 8}, {5e-3, 0.01, 1}));
  f.panels = {a, b};
  return f;
}

// The rows of every gnuplot datablock "$name << EOD ... EOD", by name.
std::map<std::string, std::vector<std::vector<double>>> datablocks(const std::string& script) {
  std::map<std::string, std::vector<std::vector<double>>> blocks;
  std::istringstream in(script);
  std::string line, current;
  while (std::getline(in, line)) {
    if (current.empty()) {
      const auto marker = line.find(" << EOD");
      if (marker != std::string::npos) current = line.substr(0, marker), blocks[current];
      continue;
    }
    if (line == "EOD") {
      current.clear();
      continue;
    }
    std::istringstream row(line);
    std::vector<double> values;
    for (std::string token; row >> token;) values.push_back(std::strtod(token.c_str(), nullptr));
    blocks[current].push_back(values);
  }
  return blocks;
}

// The numeric rows of every inline pgfplots table, in order (header rows and "\\" dropped).
std::vector<std::vector<std::vector<double>>> pgf_tables(const std::string& source) {
  std::vector<std::vector<std::vector<double>>> tables;
  std::istringstream in(source);
  std::string line;
  bool inside = false;
  while (std::getline(in, line)) {
    if (line.rfind("\\addplot", 0) == 0) {
      inside = true, tables.emplace_back();
      std::getline(in, line);  // the header row
      continue;
    }
    if (!inside) continue;
    if (line == "};") {
      inside = false;
      continue;
    }
    std::istringstream row(line);
    std::vector<double> values;
    for (std::string token; row >> token && token != "\\\\";) values.push_back(std::strtod(token.c_str(), nullptr));
    tables.back().push_back(values);
  }
  return tables;
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::size_t count(const std::string& haystack, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = haystack.find(needle); at != std::string::npos; at = haystack.find(needle, at + 1)) ++n;
  return n;
}

// A fresh directory under /tmp, removed with everything in it at scope exit.
struct TempDir {
  fs::path path;
  TempDir() {
    static int counter = 0;
    path =
        fs::temp_directory_path() / ("icl_render_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
  std::vector<std::string> entries() const {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(path)) names.push_back(e.path().filename().string());
    return names;
  }
};

// Sets PATH for the scope of a test and restores it afterwards.
struct PathOverride {
  std::string saved;
  bool had;
  explicit PathOverride(const std::string& value) {
    const char* old = std::getenv("PATH");
    had = old != nullptr;
    if (had) saved = old;
    setenv("PATH", value.c_str(), 1);
  }
  ~PathOverride() {
    if (had)
      setenv("PATH", saved.c_str(), 1);
    else
      unsetenv("PATH");
  }
};

void write_executable(const fs::path& p, const std::string& content) {
  std::ofstream(p) << content;
  fs::permissions(p, fs::perms::owner_all);
}

unsigned big_endian32(const std::string& s, std::size_t at) {
  unsigned v = 0;
  for (std::size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(s[at + i]);
  return v;
}

void check_rejected(const Figure& f, const std::string& fragment) {
  CAPTURE(fragment);
  CHECK_THROWS_WITH_AS(validate(f), doctest::Contains(fragment.c_str()), std::invalid_argument);
}

}  // namespace

TEST_CASE("validate accepts the sample figure and rejects what cannot be drawn faithfully") {
  CHECK_NOTHROW(validate(sample_figure()));
  const double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();

  Figure f = sample_figure();
  f.panels.clear();
  check_rejected(f, "figure 'sample': no panels");

  f = sample_figure();
  f.panels[1].series.clear();
  check_rejected(f, "panel 2 ('log risk'): no series");

  f = sample_figure();
  f.panels[0].series[1].x.clear();
  f.panels[0].series[1].y.clear();
  check_rejected(f, "panel 1 ('risk vs n') series 2 ('closed form −θ₀'): no points");

  f = sample_figure();
  f.panels[0].series[0].y.pop_back();
  check_rejected(f, "series 1 ('closed form θ₀'): 5 x values but 4 y values");

  f = sample_figure();
  f.panels[0].series[2].err.pop_back();
  check_rejected(f, "series 3 ('MC ± 1 s.e.'): 3 points but 2 error bars");

  f = sample_figure();
  f.panels[0].series[0].x[2] = nan;
  check_rejected(f, "x[2] is not finite");

  f = sample_figure();
  f.panels[0].series[0].y[0] = inf;
  check_rejected(f, "y[0] is not finite");

  f = sample_figure();
  f.panels[0].series[2].err[1] = nan;
  check_rejected(f, "err[1] is not finite");

  f = sample_figure();
  f.panels[0].series[2].err[1] = -0.5;
  check_rejected(f, "err[1] = -0.5 is negative");

  f = sample_figure();
  f.panels[1].logx = true;
  f.panels[1].series[1].x[0] = 0;
  check_rejected(f, "panel 2 ('log risk') series 2 ('learned'): x[0] = 0 is not positive on a log axis");

  f = sample_figure();
  f.panels[1].series[0].y[2] = -1;
  check_rejected(f, "y[2] = -1 is not positive on a log axis");

  f = sample_figure();
  f.columns = 0;
  check_rejected(f, "columns");
}

TEST_CASE("validate allows zero and negative values on linear axes and bars below zero on log axes") {
  Figure f = sample_figure();
  f.panels[0].series[0].y[0] = -3;
  f.panels[0].series[0].x[0] = 0;
  CHECK_NOTHROW(validate(f));
  // The MC bar of panel 2 at y = 1e-3 with err 5e-3 reaches below zero: drawn clipped, not rejected.
  CHECK(f.panels[1].series[2].y[0] - f.panels[1].series[2].err[0] < 0);
  CHECK_NOTHROW(validate(f));
}

TEST_CASE("image_format reads the extension, case-insensitively") {
  CHECK(image_format("out/fc.png") == ImageFormat::Png);
  CHECK(image_format("fc.svg") == ImageFormat::Svg);
  CHECK(image_format("a/b/fc.pdf") == ImageFormat::Pdf);
  CHECK(image_format("fc.tex") == ImageFormat::Tex);
  CHECK(image_format("FC.PNG") == ImageFormat::Png);
  CHECK_THROWS_WITH_AS(image_format("fig/fc.jpg"), doctest::Contains("'fig/fc.jpg'"), icl::InputError);
  CHECK_THROWS_WITH_AS(image_format("fc.jpg"), doctest::Contains(".png, .svg, .pdf or .tex"), icl::InputError);
  CHECK_THROWS_AS(image_format("fc"), icl::InputError);
}

TEST_CASE("palette: at least ten distinct colours; -1 means the series' position") {
  REQUIRE(palette().size() >= 10);
  for (const auto& c : palette()) CHECK(c.find_first_not_of("0123456789ABCDEF") == std::string::npos);
  for (std::size_t i = 0; i < palette().size(); ++i)
    for (std::size_t j = i + 1; j < palette().size(); ++j) CHECK(palette()[i] != palette()[j]);
  Series s;
  CHECK(palette_index(s, 3) == 3);
  CHECK(palette_index(s, palette().size() + 1) == 1);
  s.color = static_cast<int>(palette().size()) + 2;
  CHECK(palette_index(s, 0) == 2);
}

TEST_CASE("gnuplot script: exact data, log scales only when asked, error bars, escaped strings") {
  const Figure f = sample_figure();
  const std::string script = gnuplot_script(f, ImageFormat::Png, "out/x.png");
  const auto blocks = datablocks(script);
  REQUIRE(blocks.size() == 6);
  for (std::size_t p = 0; p < f.panels.size(); ++p)
    for (std::size_t k = 0; k < f.panels[p].series.size(); ++k) {
      const Series& s = f.panels[p].series[k];
      const std::string name = "$d" + std::to_string(p) + "_" + std::to_string(k);
      REQUIRE(blocks.count(name) == 1);
      const auto& rows = blocks.at(name);
      REQUIRE(rows.size() == s.x.size());
      for (std::size_t i = 0; i < rows.size(); ++i) {
        REQUIRE(rows[i].size() == (s.err.empty() ? 2u : 3u));
        CHECK(rows[i][0] == s.x[i]);
        CHECK(rows[i][1] == s.y[i]);
        if (!s.err.empty()) CHECK(rows[i][2] == s.err[i]);
      }
    }
  CHECK(count(script, "set logscale y") == 1);
  CHECK(count(script, "set logscale x") == 0);
  CHECK(script.find("\n0.1 0.001\n") != std::string::npos);  // shortest round-trip text
  CHECK(script.find("2e-17") != std::string::npos);
  CHECK(count(script, "with yerrorbars") == 2);
  CHECK(script.find("($2-$3 > 0 ? $2-$3 : $2/10)") != std::string::npos);  // clipped bars on log y only
  CHECK(count(script, "$2/10") == 1);
  CHECK(script.find("set multiplot layout 1,2 title \"Sample \\\"figure\\\" with θ₀ and σ²\"") != std::string::npos);
  const auto [w, h] = image_size_px(f);
  CHECK(script.find(fmt::format("set terminal pngcairo size {},{}", w, h)) != std::string::npos);
  CHECK(script.find("noenhanced") != std::string::npos);
  CHECK(script.find("set output \"out/x.png\"") != std::string::npos);
  CHECK(script.find("title \"closed form −θ₀\"") != std::string::npos);
  CHECK(script.find("dt 2") != std::string::npos);
  CHECK(script.rfind("unset output\n") == script.size() - std::string("unset output\n").size());

  Figure g = f;
  g.panels[0].logx = true;
  g.panels[0].series[0].x[0] = 0.5;
  g.panels[0].series[1].x[0] = 0.5;
  g.panels[0].series[2].x[0] = 0.5;
  g.panels[1].logy = false;
  g.panels[0].xlabel = "a\\b";
  const std::string other = gnuplot_script(g, ImageFormat::Svg, "x.svg");
  CHECK(count(other, "set logscale x") == 1);
  CHECK(count(other, "set logscale y") == 0);
  CHECK(count(other, "$2/10") == 0);
  CHECK(other.find("set xlabel \"a\\\\b\"") != std::string::npos);
  CHECK(other.find(fmt::format("set terminal svg size {},{}", w, h)) != std::string::npos);
  CHECK(gnuplot_script(g, ImageFormat::Pdf, "x.pdf").find("set terminal pdfcairo") != std::string::npos);
  CHECK_THROWS_AS(gnuplot_script(g, ImageFormat::Tex, "x.tex"), std::invalid_argument);
}

TEST_CASE("gnuplot script: a shared colour makes a pair; layout rows follow the column count") {
  Figure f = sample_figure();
  f.columns = 1;
  const std::string script = gnuplot_script(f, ImageFormat::Png, "x.png");
  CHECK(script.find("set multiplot layout 2,1") != std::string::npos);
  const auto [w, h] = image_size_px(f);
  CHECK(h == 960);  // 480 px per row
  CHECK(script.find(fmt::format("size {},{}", w, h)) != std::string::npos);
  Figure two = f;
  two.columns = 2;
  CHECK(image_size_px(two).first == 2 * w);  // one plot width plus legend margin per column
  CHECK(image_size_px(two).second == 480);
  two.panels[0].series[0].label += " with a much longer legend entry";
  CHECK(image_size_px(two).first > 2 * w);  // a longer legend widens the image, not squeezes the plot
  const std::string first = "lc rgb \"#" + palette()[0] + "\"";
  // Series 1 (colour -1 at position 0) and its dashed partner (colour 0) share palette entry 0.
  CHECK(count(script, first) == 3);  // and the first series of panel 2
}

TEST_CASE("pgfplots source: ASCII, log mode when asked, error bars, escaped labels, exact data") {
  Figure f = sample_figure();
  f.panels[0].xlabel = "n_shots θ & 100% {ok}";
  const std::string tex = pgfplots_source(f);
  for (char c : tex) REQUIRE(static_cast<unsigned char>(c) < 0x80);
  CHECK(tex.rfind("% ", 0) == 0);
  CHECK(tex.find("\\documentclass[tikz]{standalone}") != std::string::npos);
  CHECK(tex.find("\\usepgfplotslibrary{groupplots}") != std::string::npos);
  CHECK(tex.find("\\pgfplotsset{compat=1.17}") != std::string::npos);
  CHECK(tex.find("group size=2 by 1") != std::string::npos);
  CHECK(tex.find("\\definecolor{icl9}{HTML}{" + palette()[9] + "}") != std::string::npos);
  CHECK(count(tex, "ymode=log") == 1);
  CHECK(count(tex, "xmode=log") == 0);
  CHECK(count(tex, "\\nextgroupplot") == 2);
  CHECK(count(tex, "error bars/.cd, y dir=both, y explicit") == 2);
  CHECK(count(tex, "y error=err") == 1);
  CHECK(count(tex, "y error minus=errminus") == 1);
  CHECK(tex.find("xlabel={n\\_shots $\\theta$ \\& 100\\% \\{ok\\}}") != std::string::npos);
  CHECK(tex.find("\\addlegendentry{closed form $\\theta_0$}") != std::string::npos);
  CHECK(tex.find("color=icl0, dashed") != std::string::npos);
  CHECK(tex.find("\\node[anchor=south, font=\\large] at (current bounding box.north) {Sample") != std::string::npos);
  CHECK(tex.find("\\end{document}") != std::string::npos);

  const auto tables = pgf_tables(tex);
  REQUIRE(tables.size() == 6);
  std::size_t t = 0;
  for (const Panel& p : f.panels)
    for (const Series& s : p.series) {
      const auto& rows = tables[t++];
      REQUIRE(rows.size() == s.x.size());
      for (std::size_t i = 0; i < rows.size(); ++i) {
        CHECK(rows[i][0] == s.x[i]);
        CHECK(rows[i][1] == s.y[i]);
        if (!s.err.empty()) CHECK(rows[i][2] == s.err[i]);
      }
    }
  // The clipped lower bar: y = 1e-3, err = 5e-3 -> minus = y - y/10; an unclipped bar keeps err.
  CHECK(tables[5][0][3] == 1e-3 - 1e-3 / 10);
  CHECK(tables[5][1][3] == 0.01);
}

TEST_CASE("pgfplots source: an unlabelled series is left out of the legend") {
  Figure f = sample_figure();
  f.panels[0].series[1].label.clear();
  const std::string tex = pgfplots_source(f);
  CHECK(count(tex, "forget plot") == 1);
  CHECK(count(tex, "\\addlegendentry") == 5);
  CHECK(gnuplot_script(f, ImageFormat::Png, "x.png").find("notitle") != std::string::npos);
}

TEST_CASE("temporary_next_to: same directory, hidden, unique, real extension last") {
  const fs::path a = temporary_next_to("dir/fc.png"), b = temporary_next_to("dir/fc.png");
  CHECK(a != b);
  CHECK(a.parent_path() == "dir");
  CHECK(a.extension() == ".png");
  CHECK(a.filename().string().rfind(".fc.png.tmp-" + std::to_string(::getpid()) + "-", 0) == 0);
  CHECK(temporary_next_to("fc.tex").parent_path().empty());
}

TEST_CASE("write_file_atomic: content round-trips, replaces, leaves no temporary, fails cleanly") {
  TempDir dir;
  const fs::path target = dir.path / "t.csv";
  const std::string content = std::string("a,b\n1,2\n") + std::string(1, '\0') + "θ\n";
  write_file_atomic(target, content);
  CHECK(read_file(target) == content);
  write_file_atomic(target, "new\n");
  CHECK(read_file(target) == "new\n");
  CHECK(dir.entries() == std::vector<std::string>{"t.csv"});

  const fs::path missing = dir.path / "no_such_dir" / "y.csv";
  CHECK_THROWS_WITH_AS(
      write_file_atomic(missing, "x"),
      doctest::Contains(("cannot write '" + missing.string() + "': No such file or directory").c_str()),
      icl::InputError);
  CHECK(dir.entries() == std::vector<std::string>{"t.csv"});
}

TEST_CASE("write_figure without gnuplot: InputError naming gnuplot-nox, no file; .tex still works") {
  TempDir dir;
  const Figure f = sample_figure();
  {
    PathOverride path("/nonexistent");
    CHECK_FALSE(gnuplot_available());
    CHECK_THROWS_WITH_AS(write_figure(f, dir.path / "fc.png"), doctest::Contains("gnuplot-nox"), icl::InputError);
    try {
      write_figure(f, dir.path / "fc.png");
    } catch (const icl::InputError& e) {
      CHECK(std::string(e.what()).find('\n') == std::string::npos);
    }
    CHECK(dir.entries().empty());
    write_figure(f, dir.path / "fc.tex");
    CHECK(read_file(dir.path / "fc.tex") == pgfplots_source(f));
    CHECK(dir.entries() == std::vector<std::string>{"fc.tex"});
  }
  CHECK(std::getenv("PATH") != nullptr);
  CHECK(std::string(std::getenv("PATH")) != "/nonexistent");
}

TEST_CASE("write_figure validates first and rejects unknown extensions") {
  TempDir dir;
  Figure f = sample_figure();
  CHECK_THROWS_AS(write_figure(f, dir.path / "fc.jpg"), icl::InputError);
  f.panels[0].series[0].y[0] = std::nan("");
  CHECK_THROWS_AS(write_figure(f, dir.path / "fc.tex"), std::invalid_argument);
  CHECK(dir.entries().empty());
}

TEST_CASE("write_figure reports a failing gnuplot with its error line and leaves no temporary") {
  TempDir bin, out;
  write_executable(bin.path / "gnuplot",
                   "#!/bin/sh\necho 'plot $d0_0 nonsense' >&2\necho '         ^' >&2\n"
                   "echo '\"script.gp\" line 12: unexpected or unrecognized token: nonsense' >&2\nexit 1\n");
  PathOverride path(bin.path.string());
  REQUIRE(gnuplot_available());
  CHECK_THROWS_WITH_AS(write_figure(sample_figure(), out.path / "fc.png"),
                       "gnuplot failed: \"script.gp\" line 12: unexpected or unrecognized token: nonsense",
                       std::runtime_error);
  CHECK(out.entries().empty());

  write_executable(bin.path / "gnuplot", "#!/bin/sh\nexit 0\n");  // "succeeds" without an image
  CHECK_THROWS_WITH_AS(write_figure(sample_figure(), out.path / "fc.svg"),
                       "gnuplot failed: exit status 0, no image written", std::runtime_error);
  CHECK(out.entries().empty());
}

TEST_CASE("write_figure renders PNG, SVG and PDF with gnuplot") {
  if (!gnuplot_available()) {
    MESSAGE("gnuplot not on PATH: image rendering not tested (install gnuplot-nox)");
    return;
  }
  TempDir dir;
  const Figure f = sample_figure();  // two panels, three series each

  write_figure(f, dir.path / "fc.png");
  const std::string png = read_file(dir.path / "fc.png");
  REQUIRE(png.size() > 24);
  CHECK(png.substr(0, 8) == "\x89PNG\r\n\x1a\n");
  CHECK(png.substr(12, 4) == "IHDR");
  CHECK(big_endian32(png, 16) == static_cast<std::uint32_t>(image_size_px(f).first));  // gnuplot honoured the size
  CHECK(big_endian32(png, 20) == 480u);                                                // 480 px per row
  CHECK(png.size() > 5000);

  write_figure(f, dir.path / "fc.svg");
  const std::string svg = read_file(dir.path / "fc.svg");
  CHECK((svg.rfind("<?xml", 0) == 0 || svg.rfind("<svg", 0) == 0));
  CHECK(svg.find("</svg>") != std::string::npos);
  CHECK(svg.find("closed form −θ₀") != std::string::npos);
  CHECK(svg.size() > 2000);

  write_figure(f, dir.path / "fc.pdf");
  const std::string pdf = read_file(dir.path / "fc.pdf");
  CHECK(pdf.rfind("%PDF", 0) == 0);
  CHECK(pdf.find("%%EOF") != std::string::npos);

  CHECK(dir.entries().size() == 3);  // no script, log or image temporaries left
  const fs::path missing = dir.path / "absent" / "fc.png";
  CHECK_THROWS_WITH_AS(write_figure(f, missing), doctest::Contains("No such file or directory"), icl::InputError);
  CHECK(dir.entries().size() == 3);
}
