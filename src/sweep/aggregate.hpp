// Reading a store: a number of every finished point's JSON, grouped by some of the study's options and
// summarized over the others (the seeds): mean, standard error, min, max, count (docs/sweep.md,
// "Reading a store"). `iclverify table --store` renders it with the report's table writers.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace icl::sweep {

struct Summary {
  std::vector<std::string> key;  // the values of the grouping options, as text ("-" when a point lacks one)
  double mean = 0, min = 0, max = 0;
  std::optional<double> se;  // standard error of the mean (sample sd / sqrt(count)); none for one value
  std::size_t count = 0;
};

// Mean, standard error (none for one value), min, max and count of `xs` (not empty); `key` left empty.
Summary summarize(const std::vector<double>& xs);

// A point's canonical options (a JSON object) as name -> text: strings unquoted, anything else as JSON.
std::map<std::string, std::string> option_texts(const std::string& options_json);

// `value`: a JSON pointer ("/methods/0/final_loss") or a dotted path ("final_loss", "rows.1.risk"); the
// number may be a JSON number or a string the project prints ("21/22", "0.29"). Groups are sorted by
// their key. Throws InputError for an option that no point has, or a path that is no number in a point.
std::vector<Summary> aggregate(const std::string& store, const std::vector<std::string>& by, const std::string& value);

}  // namespace icl::sweep
