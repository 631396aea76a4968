// A figure as data (panels of line and marker series) and its two renderings: an image through
// gnuplot (PNG, SVG, PDF) and a pgfplots source for LaTeX (docs/report.md#figures).
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace icl::report {

enum class SeriesStyle {
  Line,        // a closed-form curve
  Markers,     // simulated or Monte Carlo points (with error bars when `err` is set)
  LinePoints,  // a computed curve whose points matter (e.g. the exact risk of a learned model)
};

struct Series {
  std::string label;  // legend entry; plain text (the renderers escape it)
  SeriesStyle style = SeriesStyle::Line;
  std::vector<double> x, y;
  std::vector<double> err;  // empty, or one standard error per point (drawn as +-err bars)
  int color = -1;           // index into the shared palette; -1: the series' position in its panel
  bool dashed = false;      // e.g. the -theta0 curve next to the theta0 curve of the same model
};

struct Panel {
  std::string title;  // may be empty
  std::string xlabel, ylabel;
  bool logx = false, logy = false;
  std::vector<Series> series;
};

struct Figure {
  std::string name;   // file stem, e.g. "fc_curves"
  std::string title;  // one line above the panels; may be empty
  int columns = 1;    // panels are laid out row by row in this many columns
  std::vector<Panel> panels;
};

// The colour-blind-safe palette shared by both renderers (Tableau 10, as "RRGGBB" hex digits).
const std::vector<std::string>& palette();

// The palette entry a series is drawn in: `color` modulo the palette size, or `position` (the
// series' index in its panel) when `color` is negative.
std::size_t palette_index(const Series& s, std::size_t position);

// Whether an automatically coloured series (`color` negative) lies past the end of the palette, so
// that it shares its colour with an earlier series: the renderers then draw its line dash-dotted.
bool beyond_palette(const Series& s, std::size_t position);

// The length in characters (UTF-8 code points) of the longest series label of `f`: both renderers
// size the room for the legends by it.
std::size_t longest_label(const Figure& f);

// Throws std::invalid_argument naming the panel and series if a figure cannot be drawn faithfully:
// no panel, an empty series, x/y/err lengths that differ, a non-finite value, a negative error
// bar, or a non-positive value on a log axis.
void validate(const Figure& f);

enum class ImageFormat { Png, Svg, Pdf, Tex };

// The format named by the path's extension (.png, .svg, .pdf, .tex); throws InputError otherwise.
ImageFormat image_format(const std::filesystem::path& out);

// The gnuplot script that draws `f` into `out` (data inline, no other file read).
std::string gnuplot_script(const Figure& f, ImageFormat format, const std::filesystem::path& out);

// A standalone LaTeX document (pgfplots, groupplots) drawing `f`, data inline.
std::string pgfplots_source(const Figure& f);

// The image size in pixels (PNG, SVG; PDF in inches / 100): 480 px per panel row, and per column
// 520 px of plot plus a legend margin that grows with the figure's longest label.
std::pair<int, int> image_size_px(const Figure& f);

// Whether a gnuplot executable is on PATH.
bool gnuplot_available();

// What write_figure would reject about `out` before any figure exists (so a command can fail before
// its expensive work): an unknown extension, an image without gnuplot, a missing directory; throws
// InputError. Returns the gnuplot executable for an image, nothing for .tex.
std::optional<std::filesystem::path> check_writable(const std::filesystem::path& out);

// Writes `f` to `out` in the format of its extension. Images are rendered by a gnuplot subprocess
// into a temporary file next to `out` and renamed into place, so `out` is either complete or
// untouched. Throws InputError if gnuplot is missing (naming the Debian package gnuplot-nox) and
// std::runtime_error with gnuplot's first error line if it fails.
void write_figure(const Figure& f, const std::filesystem::path& out);

}  // namespace icl::report
