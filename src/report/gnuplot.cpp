#include <fcntl.h>
#include <fmt/format.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string_view>
#include <system_error>

#include "core/number.hpp"
#include "report/figure.hpp"
#include "report/files.hpp"

extern char** environ;

namespace icl::report {
namespace {

// One panel's share of the image; the legend sits to the right of each panel, inside this width.
constexpr int kPanelWidthPx = 520;  // without the legend margin
constexpr int kPanelHeightPx = 480;
// Filled circle, square, triangle up, triangle down, diamond, pentagon (same order as pgfplots).
constexpr int kPointTypes[] = {7, 5, 9, 11, 13, 15};

struct Grid {
  int rows, columns;
};

Grid grid_of(const Figure& f) {
  const int panels = static_cast<int>(f.panels.size());
  const int columns = std::clamp(f.columns, 1, std::max(panels, 1));
  return {(panels + columns - 1) / columns, columns};
}

// A gnuplot double-quoted string: backslash and quote escaped, line breaks flattened to spaces.
std::string gnuplot_string(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '\\' || c == '"') out += '\\';
    out += (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
  }
  return out + "\"";
}

std::string block_name(std::size_t panel, std::size_t series) { return fmt::format("$d{}_{}", panel, series); }

std::string datablock(const Series& s, const std::string& name) {
  std::string out = name + " << EOD\n";
  for (std::size_t i = 0; i < s.x.size(); ++i) {
    out += fmt::format("{} {}", s.x[i], s.y[i]);  // shortest text that reads back as the same double
    if (!s.err.empty()) out += fmt::format(" {}", s.err[i]);
    out += "\n";
  }
  return out + "EOD\n";
}

// The right margin, in character widths, holds the legend: sized for the longest label of the
// figure (key font 9 vs text font 10). Fixed margins make the plot areas of all panels line up.
int right_margin_chars(const Figure& f) {
  const std::size_t longest = std::min<std::size_t>(longest_label(f), 60);
  return longest == 0 ? 3 : static_cast<int>(longest * 9 / 10 + 9);
}

std::string margins(const Figure& f) { return fmt::format("set lmargin 11\nset rmargin {}\n", right_margin_chars(f)); }

// Font sizes: the cairo terminals count points at 96 dpi, the SVG terminal pixels, so SVG text is
// set 4/3 larger to look the same.
struct Fonts {
  int text, key, title;
};

Fonts fonts_for(ImageFormat format) { return format == ImageFormat::Svg ? Fonts{13, 12, 16} : Fonts{10, 9, 12}; }

std::string terminal(ImageFormat format, const Figure& f) {
  const std::string font = fmt::format(" font \"DejaVu Sans,{}\" noenhanced", fonts_for(format).text);
  const auto [w, h] = image_size_px(f);
  switch (format) {
    case ImageFormat::Png:
      return fmt::format("set terminal pngcairo size {},{}{}\n", w, h, font);
    case ImageFormat::Svg:
      return fmt::format("set terminal svg size {},{} fixed background \"white\"{}\n", w, h, font);
    case ImageFormat::Pdf:
      return fmt::format("set terminal pdfcairo size {}in,{}in{}\n", w / 100.0, h / 100.0, font);
    case ImageFormat::Tex:
      break;
  }
  throw std::invalid_argument("gnuplot_script: .tex figures are written by pgfplots_source");
}

// Every per-panel setting is reset, since multiplot panels inherit the previous panel's settings.
std::string panel_settings(const Panel& p) {
  std::string out = "set title " + gnuplot_string(p.title) + "\n";
  out += "set xlabel " + gnuplot_string(p.xlabel) + "\nset ylabel " + gnuplot_string(p.ylabel) + "\n";
  out += "unset logscale\nset format x \"% h\"\nset format y \"% h\"\n";
  // A linear x range is the data's plus 2% each side (markers at the ends stay whole), not widened
  // to the next tic; log axes keep gnuplot's whole decades.
  out += p.logx ? "set autoscale x\nset offsets 0, 0, 0, 0\n"
                : "set autoscale xfix\nset offsets graph 0.02, graph 0.02, 0, 0\n";
  if (p.logx) out += "set logscale x 10\nset format x \"%g\"\n";
  if (p.logy) out += "set logscale y 10\nset format y \"%g\"\n";
  return out;
}

// The error-bar columns: +-err, with the lower end clipped to y/10 on a log axis when y - err <= 0.
std::string error_columns(bool logy) { return logy ? "1:2:($2-$3 > 0 ? $2-$3 : $2/10):($2+$3)" : "1:2:3"; }

std::string style_of(const Series& s, std::size_t position, bool logy) {
  const std::string color = fmt::format(" lc rgb \"#{}\"", palette()[palette_index(s, position)]);
  const std::string dash = s.dashed ? " dt 2" : beyond_palette(s, position) ? " dt 4" : " dt 1";
  const std::string point = fmt::format(" pt {}", kPointTypes[position % std::size(kPointTypes)]);
  const bool bars = !s.err.empty();
  const std::string columns = bars ? error_columns(logy) : "1:2";
  switch (s.style) {
    case SeriesStyle::Line:
      return "using " + columns + (bars ? " with yerrorlines ps 0" : " with lines") + " lw 2" + dash + color;
    case SeriesStyle::Markers:
      return "using " + columns + (bars ? " with yerrorbars lw 1.2" : " with points") + point + " ps 1.1" + color;
    case SeriesStyle::LinePoints:
      return "using " + columns + (bars ? " with yerrorlines" : " with linespoints") + " lw 2" + dash + point +
             " ps 1.1" + color;
  }
  return "using 1:2 with lines" + color;
}

std::string plot_command(const Panel& p, std::size_t panel_index) {
  std::string out = "plot ";
  for (std::size_t k = 0; k < p.series.size(); ++k) {
    const Series& s = p.series[k];
    if (k > 0) out += ", \\\n     ";
    out += block_name(panel_index, k) + " " + style_of(s, k, p.logy) + " ";
    out += s.label.empty() ? std::string("notitle") : "title " + gnuplot_string(s.label);
  }
  return out + "\n";
}

std::string common_settings(Fonts fonts) {
  return fmt::format(
      "set encoding utf8\n"
      "set grid lc rgb \"#D0D0D0\" lw 1 dt 1\n"
      "set border lw 1\n"
      "set key outside right top vertical Left reverse samplen 2.5 spacing 1.1 font \",{}\"\n"
      "set bars small\n",
      fonts.key);
}

std::optional<std::filesystem::path> find_gnuplot() {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return std::nullopt;
  std::string_view dirs = path;
  while (true) {
    const std::size_t colon = dirs.find(':');
    const std::string_view dir = dirs.substr(0, colon);
    const std::filesystem::path candidate = std::filesystem::path(dir.empty() ? "." : dir) / "gnuplot";
    std::error_code ec;
    if (std::filesystem::is_regular_file(candidate, ec) && ::access(candidate.c_str(), X_OK) == 0) return candidate;
    if (colon == std::string_view::npos) return std::nullopt;
    dirs.remove_prefix(colon + 1);
  }
}

// Removes the registered paths when the render ends, however it ends.
class TemporaryFiles {
 public:
  TemporaryFiles() = default;
  TemporaryFiles(const TemporaryFiles&) = delete;
  TemporaryFiles& operator=(const TemporaryFiles&) = delete;
  ~TemporaryFiles() {
    for (const auto& p : paths_) {
      std::error_code ignored;
      std::filesystem::remove(p, ignored);
    }
  }
  std::filesystem::path add(std::filesystem::path p) {
    paths_.push_back(p);
    return p;
  }

 private:
  std::vector<std::filesystem::path> paths_;
};

std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The line of gnuplot's stderr that says what went wrong: "... line N: <message>" or a line with
// "error", else the first non-empty line.
std::string first_error_line(const std::string& log) {
  std::istringstream in(log);
  std::string line, first;
  while (std::getline(in, line)) {
    if (line.find_first_not_of(" \t^") == std::string::npos) continue;
    if (first.empty()) first = line;
    if (line.find(" line ") != std::string::npos || line.find("rror") != std::string::npos) return line;
  }
  return first;
}

std::string exit_description(int status) {
  if (WIFSIGNALED(status)) return fmt::format("killed by signal {}", WTERMSIG(status));
  return fmt::format("exit status {}", WEXITSTATUS(status));
}

// Runs `gnuplot -d script` (no shell, no init files) with stderr in `log`; returns the wait status.
int run_gnuplot(const std::filesystem::path& gnuplot, const std::filesystem::path& script,
                const std::filesystem::path& log) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  std::string arg0 = "gnuplot", arg1 = "-d", arg2 = script.string();
  char* argv[] = {arg0.data(), arg1.data(), arg2.data(), nullptr};
  pid_t pid = 0;
  const int spawn_error = posix_spawn(&pid, gnuplot.c_str(), &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawn_error != 0)
    throw std::runtime_error("gnuplot failed: cannot run " + gnuplot.string() + ": " + std::strerror(spawn_error));
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) throw std::runtime_error(std::string("gnuplot failed: waitpid: ") + std::strerror(errno));
  return status;
}

bool non_empty_file(const std::filesystem::path& p) {
  std::error_code ec;
  return std::filesystem::is_regular_file(p, ec) && std::filesystem::file_size(p, ec) > 0 && !ec;
}

void render(const std::filesystem::path& gnuplot, const Figure& f, ImageFormat format,
            const std::filesystem::path& out) {
  TemporaryFiles temps;
  const auto image = temps.add(temporary_next_to(out));
  const auto script = temps.add(temporary_next_to(std::filesystem::path(out).concat(".gp")));
  const auto log = temps.add(temporary_next_to(std::filesystem::path(out).concat(".log")));
  write_file_atomic(script, gnuplot_script(f, format, image));
  const int status = run_gnuplot(gnuplot, script, log);
  const bool exited_ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  if (!exited_ok || !non_empty_file(image)) {
    const std::string reason = first_error_line(read_text(log));
    throw std::runtime_error("gnuplot failed: " +
                             (reason.empty() ? exit_description(status) + ", no image written" : reason));
  }
  std::error_code ec;
  std::filesystem::rename(image, out, ec);
  if (ec) throw InputError("cannot write '" + out.string() + "': " + ec.message());
}

void require_directory(const std::filesystem::path& out) {
  const std::filesystem::path dir = out.parent_path().empty() ? "." : out.parent_path();
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec))
    throw InputError("cannot write '" + out.string() + "': No such file or directory");
}

}  // namespace

std::string gnuplot_script(const Figure& f, ImageFormat format, const std::filesystem::path& out) {
  const Grid g = grid_of(f);
  std::string s = "# " + f.name + ": written by iclverify (docs/report.md#figures)\n";
  s += terminal(format, f);
  s += "set output " + gnuplot_string(out.string()) + "\n";
  s += common_settings(fonts_for(format)) + margins(f);
  for (std::size_t p = 0; p < f.panels.size(); ++p)
    for (std::size_t k = 0; k < f.panels[p].series.size(); ++k) s += datablock(f.panels[p].series[k], block_name(p, k));
  s += fmt::format("set multiplot layout {},{}", g.rows, g.columns);
  s += f.title.empty() ? "\n"
                       : fmt::format(" title {} font \",{}\"\n", gnuplot_string(f.title), fonts_for(format).title);
  for (std::size_t p = 0; p < f.panels.size(); ++p) {
    s += fmt::format("# panel {}\n", p + 1);
    s += panel_settings(f.panels[p]) + plot_command(f.panels[p], p);
  }
  return s + "unset multiplot\nunset output\n";
}

bool gnuplot_available() { return find_gnuplot().has_value(); }

// Each column is a plot area of constant width plus its legend margin, so long legends widen the
// image instead of squeezing the plot (about 8 px per character of the 10 pt text font).
std::pair<int, int> image_size_px(const Figure& f) {
  const Grid g = grid_of(f);
  return {(kPanelWidthPx + 8 * right_margin_chars(f)) * g.columns, kPanelHeightPx * g.rows};
}

std::optional<std::filesystem::path> check_writable(const std::filesystem::path& out) {
  if (image_format(out) == ImageFormat::Tex) {
    require_directory(out);
    return std::nullopt;
  }
  auto gnuplot = find_gnuplot();
  if (!gnuplot)
    throw InputError(
        "gnuplot not found on PATH: install the Debian package gnuplot-nox, or write a pgfplots source with "
        "--out FILE.tex");
  require_directory(out);
  return gnuplot;
}

void write_figure(const Figure& f, const std::filesystem::path& out) {
  validate(f);
  const auto gnuplot = check_writable(out);
  if (!gnuplot) return write_file_atomic(out, pgfplots_source(f));
  render(*gnuplot, f, image_format(out), out);
}

}  // namespace icl::report
