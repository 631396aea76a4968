#include "model/params_file.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "core/input_file.hpp"
#include "core/limits.hpp"
#include "model/params_json.hpp"

namespace icl {
namespace {

using json = nlohmann::json;

// Builds a json tree in which every number is kept as its literal text (a string), so that a
// decimal is read exactly; number and string entries then go through the same exact parser.
class ExactSax {
 public:
  json root;

  bool null() { return put(json()); }
  bool boolean(bool b) { return put(json(b)); }
  bool number_integer(json::number_integer_t v) { return put(json(std::to_string(v))); }
  bool number_unsigned(json::number_unsigned_t v) { return put(json(std::to_string(v))); }
  bool number_float(json::number_float_t, const std::string& text) { return put(json(text)); }
  bool string(std::string& s) { return put(json(s)); }
  bool binary(json::binary_t&) { return put(json()); }
  bool start_object(std::size_t) { return open(json::object()); }
  bool key(std::string& k) {
    if (stack_.back()->contains(k)) {
      error_ = fmt::format("key \"{}\" appears twice", k);
      return false;
    }
    key_ = k;
    return true;
  }
  bool end_object() { return close(); }
  bool start_array(std::size_t) { return open(json::array()); }
  bool end_array() { return close(); }
  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& e) {
    error_ = fmt::format("invalid JSON at byte {}: {}", position, e.what());
    return false;
  }
  const std::string& error() const { return error_; }

 private:
  std::vector<json*> stack_;
  std::string key_;
  std::string error_;

  json* slot() {
    if (stack_.empty()) return &root;
    json& top = *stack_.back();
    if (top.is_array()) {
      top.push_back(json());
      return &top.back();
    }
    return &top[key_];
  }
  bool put(json v) {
    *slot() = std::move(v);
    return true;
  }
  bool open(json v) {
    json* s = slot();
    *s = std::move(v);
    stack_.push_back(s);
    return true;
  }
  bool close() {
    stack_.pop_back();
    return true;
  }
};

}  // namespace

namespace params_json {

json parse_exact(std::string_view text, const std::string& source) {
  ExactSax sax;
  const bool ok = json::sax_parse(text.begin(), text.end(), &sax);
  if (!ok) throw InputError(fmt::format("{}: {}", source, sax.error().empty() ? "invalid JSON" : sax.error()));
  return std::move(sax.root);
}

Mat<Rational> read_matrix(const json& j, const std::string& where, long& D) {
  if (!j.is_array() || j.empty()) throw InputError(fmt::format("{}: must be a non-empty array of rows", where));
  const long rows = static_cast<long>(j.size());
  if (D < 0) D = rows;
  if (rows != D)
    throw InputError(fmt::format("{}: has {} rows, expected {} (every matrix is D x D, D = d + 2)", where, rows, D));
  if (D < 3) throw InputError(fmt::format("{}: D = {} rows, but D = d + 2 needs d >= 1", where, D));
  if (D > limits::kMaxFileTokenSize)
    throw InputError(
        fmt::format("{}: D = {} rows is larger than {}, the largest token size D = d + 2 of a parameter file", where, D,
                    limits::kMaxFileTokenSize));
  Mat<Rational> m(D, D);
  for (long r = 0; r < D; ++r) {
    const json& row = j[static_cast<std::size_t>(r)];
    if (!row.is_array() || static_cast<long>(row.size()) != D)
      throw InputError(fmt::format("{}[{}]: must be an array of {} entries", where, r, D));
    for (long c = 0; c < D; ++c) {
      const json& e = row[static_cast<std::size_t>(c)];
      const std::string field = fmt::format("{}[{}][{}]", where, r, c);
      if (!e.is_string()) throw InputError(fmt::format("{}: must be a number or a string like \"3/7\"", field));
      m(r, c) = parse_rational(e.get<std::string>(), field);
    }
  }
  return m;
}

Point<Rational> read_point(const json& j, const std::string& source) {
  if (!j.is_object())
    throw InputError(fmt::format("{}: must be a JSON object with matrices V and Q (or V, Qsep, K)", source));
  std::set<std::string> keys;
  for (const auto& item : j.items())
    if (item.key() != "lora") keys.insert(item.key());  // a LoRA run's factors (src/lora/lora_file.hpp)
  if (keys.count("attention"))
    throw InputError(fmt::format(
        "{}: attention: {}: this command evaluates linear attention exactly; softmax attention has no exact engine "
        "(its files go to risk --mc, train, protocol, diagnose)",
        source, j["attention"].dump()));
  Point<Rational> p;
  if (keys == std::set<std::string>{"V", "Q"}) {
    p.kind = Parameterization::Merged;
  } else if (keys == std::set<std::string>{"V", "Qsep", "K"}) {
    p.kind = Parameterization::Separate;
  } else {
    std::string got;
    for (const auto& k : keys) got += (got.empty() ? "" : ", ") + k;
    throw InputError(
        fmt::format("{}: needs exactly the keys V, Q (merged) or V, Qsep, K (separate); got {{{}}}", source, got));
  }
  long D = -1;
  for (const std::string& name : block_names(p.kind))
    p.blocks.push_back(read_matrix(j.at(name), fmt::format("{}: {}", source, name), D));
  return p;
}

}  // namespace params_json

Point<Rational> parse_params_json(std::string_view text, const std::string& source) {
  return params_json::read_point(params_json::parse_exact(text, source), source);
}

Point<Rational> read_params_file(const std::string& path, const std::string& flag) {
  return parse_params_json(read_input_file(path, flag), path);
}

std::string params_to_json(const Point<Rational>& p, int indent) {
  // One matrix row per line: readable for people, plain JSON for programs.
  const std::string pad(static_cast<std::size_t>(indent), ' ');
  const auto names = block_names(p.kind);
  std::string out = "{";
  for (std::size_t b = 0; b < p.blocks.size(); ++b) {
    out += fmt::format("{}\n{}\"{}\": [", b == 0 ? "" : ",", pad, names[b]);
    for (Eigen::Index r = 0; r < p.blocks[b].rows(); ++r) {
      std::string row;
      for (Eigen::Index c = 0; c < p.blocks[b].cols(); ++c)
        row += fmt::format("{}\"{}\"", c == 0 ? "" : ", ", to_fraction(p.blocks[b](r, c)));
      out += fmt::format("{}\n{}{}[{}]", r == 0 ? "" : ",", pad, pad, row);
    }
    out += "]";
  }
  return out + "\n}";
}

}  // namespace icl
