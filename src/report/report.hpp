// Module report: the appendix (docs/report.md). Rendering first, then what is rendered.
//   table.hpp       plain tables as aligned text, CSV or Markdown
//   data_table.hpp  tables whose cells keep the engine's precision (exact, 50 digits, double); CSV,
//                   JSON, Markdown and LaTeX renderings
//   latex_text.hpp  UTF-8 labels and captions as LaTeX source
//   figure.hpp      a figure as data (panels of line and marker series); gnuplot images and pgfplots
//   files.hpp       output files written atomically (a temporary file, then a rename)
//   catalog.hpp     looking a table or figure up by name
//   sources.hpp     the expensive inputs (SGD protocol, theorem checks), computed once per run
//   tables.hpp      the appendix tables: risk tables, optimal parameters, w*(n), gamma*(n), verdicts
//   figures.hpp     the figures of the paper's regression section, as data
//   directory.hpp   `iclverify report`: every table and figure in one directory with an index
#pragma once

#include "report/catalog.hpp"
#include "report/data_table.hpp"
#include "report/directory.hpp"
#include "report/figure.hpp"
#include "report/figures.hpp"
#include "report/files.hpp"
#include "report/latex_text.hpp"
#include "report/sources.hpp"
#include "report/table.hpp"
#include "report/tables.hpp"
