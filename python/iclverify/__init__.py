"""iclverify from Python: the verifier's commands as functions (docs/python.md).

Every function runs the command of the same name in-process (the C++ extension iclverify._core runs
the same command line as the `iclverify` executable) and returns what its `--format json` prints:

    risk(params, shots, sigma2, theta=None, task=None, exact=False, mc=None, seed=None, **options)
        -> numpy float64 array, a list of fractions.Fraction (exact=True), or a dict of arrays (mc)
    grad, optimum, compare, curve, prove, hessian, train, protocol, check, diagnose
        -> dict (the command's JSON)
    study(store) -> pandas DataFrame of a sweep's store (one row per point)

Keyword arguments are the command's options: `nft=20` is `--nft 20`, `steps_pretrain=100` is
`--steps-pretrain 100`, `exact=True` is the flag `--exact`; `help(iclverify.grad)` lists them.

Exactness is stated, not guessed. A number is read exactly as what it is: an int, a
fractions.Fraction, a decimal.Decimal or a string ("10/13", "0.1") is that rational number; a float
(Python, NumPy or torch, any width) is its exact binary value, so 0.1 is
3602879701896397/36028797018963968, not 1/10. Parameter matrices follow the same rule entry by entry.

Parameters (`params`, compare's `a` and `b`, train's `init`, diagnose's `pre` and `post`): a dict {"V", "Q"} (merged: Q is the
key-query product) or {"V", "Q", "K"} / {"V", "Qsep", "K"} (separate) of D x D arrays (D = d + 2);
the authors' Transformer_F (an object with v_matrix, q_matrix and possibly k_matrix, each
L x H x 1 x D x D); an allparam array or tensor of shape (L, H, 3, D, D) (V, Q, K) or (L, H, 2, D, D)
(V, Q merged); an object with such an `allparam` attribute; or a path of a parameter file (a str or
os.PathLike, read by the command itself; for compare also a family spec such as
"pretrained:gamma=10/13"). Anything with `__array__` is accepted, a torch tensor on the CPU too.

Errors: bad input raises ValueError with the command line's one-line message (it names the flag,
e.g. "--sigma2: ...", of the keyword sigma2); an unknown keyword TypeError; a diverged training run
DivergedError (a RuntimeError); an internal error RuntimeError. Ctrl-C stops a running command at its
next training step, Monte Carlo block or check, and raises KeyboardInterrupt.
"""

import decimal
import functools
import json
import math
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from . import _core

__all__ = ["risk", "grad", "optimum", "compare", "curve", "prove", "hessian", "train", "protocol", "check",
           "diagnose", "run", "study", "DivergedError"]


class DivergedError(RuntimeError):
    """A training run diverged (NaN, Inf or an exploding loss): the command line's exit status 3."""


# --- exact numbers ----------------------------------------------------------------------------------

def _fraction(x, what):
    """x as an exact Fraction; floats by their binary value. ValueError names `what`."""
    if isinstance(x, (bool, np.bool_)):
        raise ValueError(f"{what}: {x!r} is a bool, not a number")
    if isinstance(x, (int, np.integer)):
        return Fraction(int(x))
    if isinstance(x, Fraction):
        return x
    if isinstance(x, (float, np.floating, decimal.Decimal)):
        if isinstance(x, np.longdouble) and np.finfo(x).nmant > 52:
            raise ValueError(f"{what}: {x!r} is a long double; convert it to float64 first")
        if not math.isfinite(x):
            raise ValueError(f"{what}: {x} is not a finite number")
        return Fraction(x) if isinstance(x, decimal.Decimal) else Fraction(float(x))
    if isinstance(x, str):
        try:
            return Fraction(x.strip())
        except (ValueError, ZeroDivisionError):
            raise ValueError(f"{what}: '{x}' is not a number (a decimal or a fraction p/q)") from None
    raise ValueError(f"{what}: {type(x).__name__} is not a number")


def _text(q, what):
    """A Fraction as the command line reads it exactly: "p" or "p/q". A number past the digits Python
    converts to text (sys.get_int_max_str_digits) is a ValueError naming `what`, not Python's own."""
    limit = sys.get_int_max_str_digits() if hasattr(sys, "get_int_max_str_digits") else 0
    if limit:
        bits = max(q.numerator.bit_length(), q.denominator.bit_length())
        if bits * 0.30103 > limit:
            raise ValueError(f"{what}: a number of about {int(bits * 0.30103)} digits, more than the {limit} "
                             "digits Python converts to text")
    return str(q.numerator) if q.denominator == 1 else f"{q.numerator}/{q.denominator}"


def _exact_text(x, what):
    """x read exactly (_fraction) and written as the command line reads it (_text); errors name `what`."""
    return _text(_fraction(x, what), what)


def _value_text(x, what):
    """An option's value as text: strings pass through (the command reads them), numbers exactly,
    sequences as comma-separated lists."""
    if isinstance(x, str):
        return x
    if isinstance(x, range) and x.step == 1 and len(x) > 0:
        return f"{x.start}:{x.stop - 1}"
    if isinstance(x, (list, tuple, np.ndarray)) or hasattr(x, "__array__"):
        limit = _core.LIMITS["max_list_values"]
        if hasattr(x, "__len__") and len(x) > limit:  # before converting ten million values
            raise ValueError(f"{what}: {len(x)} values, more than {limit}, the limit of a list")
        entries = _array(x, what).ravel().tolist()
        if len(entries) > limit:
            raise ValueError(f"{what}: {len(entries)} values, more than {limit}, the limit of a list")
        return ",".join(_exact_text(v, what) for v in entries)
    return _exact_text(x, what)


# --- arrays and models ------------------------------------------------------------------------------

_FLOAT_KINDS = "f"
_EXACT_KINDS = "iu"   # integers
_TEXT_KINDS = "OUS"   # objects (Fraction, str, ...) and strings, each entry read by _fraction


def _array(x, what):
    """x (a NumPy array, a list, a CPU torch tensor, anything with __array__) as a NumPy array whose
    entries _fraction reads exactly. Refuses GPU tensors, long doubles, complex and bool arrays."""
    device = getattr(x, "device", None)
    if device is not None and getattr(device, "type", "cpu") != "cpu":
        raise ValueError(f"{what}: the tensor is on the device '{device}'; move it to the CPU first (tensor.cpu())")
    if hasattr(x, "detach"):  # a torch tensor that requires grad has no __array__ of its own
        x = x.detach()
    try:
        a = np.asarray(x)
    except Exception as e:  # noqa: BLE001 - whatever the object raises, the message names it
        raise ValueError(f"{what}: cannot be read as an array ({e})") from None
    if a.dtype.kind in _FLOAT_KINDS:
        if a.dtype.itemsize > 8:
            raise ValueError(f"{what}: dtype {a.dtype} is wider than float64; convert it to float64 first")
        bad = np.argwhere(~np.isfinite(a))
        if bad.size:
            where = "".join(f"[{i}]" for i in bad[0])
            raise ValueError(f"{what}{where}: {a[tuple(bad[0])]} is not a finite number")
        return a.astype(np.float64)  # exact: every float16/32 is a float64
    if a.dtype.kind in _EXACT_KINDS or a.dtype.kind in _TEXT_KINDS:
        return a
    raise ValueError(f"{what}: dtype {a.dtype} is not a real number type (float, int, or Fraction/str entries)")


def _exact_matrix(a, what):
    """A 2-D array as nested lists of exact "p/q" strings."""
    return [[_exact_text(v, f"{what}[{i}][{j}]") for j, v in enumerate(row)] for i, row in enumerate(a.tolist())]


def _square(x, what, D=None):
    a = _array(x, what)
    if a.ndim != 2 or a.shape[0] != a.shape[1]:
        raise ValueError(f"{what}: shape {a.shape} is not a square matrix D x D")
    if a.shape[0] < 3:
        raise ValueError(f"{what}: shape {a.shape}: D = d + 2 must be at least 3")
    if D is not None and a.shape[0] != D:
        raise ValueError(f"{what}: shape {a.shape} does not match V's {D} x {D}")
    return a


def _head(blocks, what):
    """{"V", "Q"} or {"V", "Q", "K"} of arrays as exact matrices (one head, merged or separate)."""
    V = _square(blocks["V"], f"{what}: V")
    D = V.shape[0]
    out = {name: _exact_matrix(_square(m, f"{what}: {name}", D), f"{what}: {name}") for name, m in blocks.items()}
    return out


_MERGED, _SEPARATE = ("V", "Q"), ("V", "Q", "K")


def _from_dict(p, what):
    keys = set(p)
    if keys == set(_MERGED):
        return [[_head({k: p[k] for k in _MERGED}, what)]]
    if keys in (set(_SEPARATE), {"V", "Qsep", "K"}):
        return [[_head({"V": p["V"], "Q": p.get("Q", p.get("Qsep")), "K": p["K"]}, what)]]
    raise ValueError(f"{what}: a dict of parameters needs the keys V, Q (merged) or V, Q, K (separate); "
                     f"got {', '.join(sorted(map(str, keys)))}")


def _from_allparam(x, what):
    """An array L x H x C x D x D, C = 3 (V, Q, K) or 2 (V and the merged Q)."""
    a = _array(x, what)
    if a.ndim != 5 or a.shape[2] not in (2, 3) or a.shape[3] != a.shape[4]:
        raise ValueError(f"{what}: shape {a.shape} is not L x H x 3 x D x D (V, Q, K) or L x H x 2 x D x D (V, Q)")
    names = _SEPARATE if a.shape[2] == 3 else _MERGED
    return [[_head(dict(zip(names, a[l, h])), f"{what}[{l}][{h}]") for h in range(a.shape[1])]
            for l in range(a.shape[0])]


def _stack_transformer(model, what):
    """Transformer_F's v_matrix, q_matrix (and k_matrix), each L x H x 1 x D x D, as one allparam."""
    parts = [model.v_matrix, model.q_matrix] + ([model.k_matrix] if hasattr(model, "k_matrix") else [])
    arrays = [_array(m, what) for m in parts]
    shapes = {a.shape for a in arrays}
    if len(shapes) != 1 or arrays[0].ndim != 5 or arrays[0].shape[2] != 1:
        raise ValueError(f"{what}: v_matrix, q_matrix (, k_matrix) must all be L x H x 1 x D x D; got "
                         f"{', '.join(str(a.shape) for a in arrays)}")
    return np.concatenate(arrays, axis=2)


def _layers(params, what):
    """Any accepted model as layers[l][h] = {"V", "Q"[, "K"]} of exact matrices."""
    if isinstance(params, dict):
        return _from_dict(params, what)
    if hasattr(params, "v_matrix") and hasattr(params, "q_matrix"):
        return _from_allparam(_stack_transformer(params, what), what)
    if hasattr(params, "allparam") and not hasattr(params, "__array__"):
        return _from_allparam(params.allparam, f"{what}.allparam")
    if hasattr(params, "__array__") or isinstance(params, (list, tuple)):
        return _from_allparam(params, what)
    raise ValueError(f"{what}: {type(params).__name__} is not a model (a dict V, Q[, K], a Transformer_F, an "
                     "allparam array, or a file path)")


def _model_json(params, what):
    """The model as a parameter file the commands read exactly: one head as {"V", "Q"} or
    {"V", "Qsep", "K"} (every command reads it), several as {"layers": [{"heads": [...]}]}."""
    layers = _layers(params, what)
    if len(layers) == 1 and len(layers[0]) == 1:
        head = layers[0][0]
        return head if "K" not in head else {"V": head["V"], "Qsep": head["Q"], "K": head["K"]}
    return {"layers": [{"heads": heads} for heads in layers]}


# --- running a command ------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Option:
    flag: str          # the command line's name: "--nft", or a positional's name
    is_flag: bool      # takes no value
    positional: bool


@functools.lru_cache(maxsize=None)
def _options(command):
    """keyword -> _Option, read from the command line itself (so a new option needs no code here)."""
    return {name.lower().replace("-", "_"): _Option(name if pos else f"--{name}", is_flag, pos)
            for name, is_flag, pos in _core.options(command)}


# Per function: the command, the keywords that take models (written to files), and the arguments
# the function always passes (the JSON output, curve's symbolic form).
_COMMANDS = {
    "risk": (("params",), ("--format", "json")),
    "grad": (("params",), ("--format", "json")),
    "optimum": (("params",), ("--format", "json")),
    "compare": (("a", "b"), ("--format", "json")),
    "curve": (("params",), ("--symbolic", "--format", "json")),
    "prove": ((), ("--format", "json")),
    "hessian": ((), ("--format", "json")),
    "train": (("init",), ("--format", "json")),
    "protocol": ((), ("--format", "json")),
    "check": ((), ("--format", "json")),
    "diagnose": (("pre", "post"), ("--format", "json")),
}


def _model_argument(value, keyword, workdir):
    """A path passes through; a model is written (exactly) into `workdir` as KEYWORD.json."""
    if isinstance(value, (str, os.PathLike)):
        return os.fspath(value)
    path = os.path.join(workdir, f"{keyword}.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(_model_json(value, keyword), f)
    return path


def _arguments(command, kwargs, workdir):
    """The command line of `command` for Python keyword arguments (None and False leave an option out)."""
    models, fixed = _COMMANDS.get(command, ((), ()))
    known = _options(command)
    args, positionals = [command], []
    for key, value in kwargs.items():
        option = known.get(key)
        if option is None or option.flag in fixed:
            raise TypeError(f"{command}() got an unexpected keyword argument '{key}' (options: "
                            f"{', '.join(k for k, o in known.items() if o.flag not in fixed)})")
        if value is None or value is False:
            continue
        if option.is_flag:
            if value is not True:
                raise ValueError(f"{option.flag}: is a flag; pass True or False, not {value!r}")
            args.append(option.flag)
            continue
        text = _model_argument(value, key, workdir) if key in models else _value_text(value, option.flag)
        if option.positional:
            positionals.append(text)
        else:
            args += [option.flag, text]
    return args + list(fixed) + positionals


_PREFIXES = ("iclverify: error: ", "iclverify: internal error: ", "iclverify: ")


def _message(err, workdir):
    """The command line's one-line message, without the program's prefix and the temporary directory."""
    line = err.strip().splitlines()[-1] if err.strip() else "failed without a message"
    for prefix in _PREFIXES:
        if line.startswith(prefix):
            line = line[len(prefix):]
            break
    return line.replace(workdir + os.sep, "") if workdir else line


def run(command, **kwargs):
    """Run `iclverify COMMAND` with keyword options; returns (status, stdout, stderr) for status 0 or 1
    and raises as the module's functions do otherwise (ValueError for bad input, ...). Models given
    as keywords are written to a private temporary directory, removed when the command returns."""
    workdir = tempfile.mkdtemp(prefix="iclverify-")
    try:
        return _checked(_arguments(command, kwargs, workdir), workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _checked(args, workdir=None):
    """Runs the command line `args`; (status, stdout, stderr) for status 0 or 1, else the exception."""
    status, out, err = _core.run(args)
    if workdir:  # a model written there is named KEYWORD.json in the output
        out, err = out.replace(workdir + os.sep, ""), err.replace(workdir + os.sep, "")
    if status in (0, 1):
        return status, out, err
    message = _message(err, workdir or "")
    if status == 2:
        raise ValueError(message)
    if status == 3:
        raise DivergedError(message)
    if status == _core.INTERRUPTED_STATUS:
        raise KeyboardInterrupt(message)
    raise RuntimeError(message)


def _json(command, kwargs):
    return json.loads(run(command, **kwargs)[1])


# --- the functions ----------------------------------------------------------------------------------

def risk(params, shots, sigma2, theta=None, task=None, exact=False, mc=None, seed=None, **options):
    """The risk R(n) of a model at each n of `shots` (`iclverify risk --params`, or a family with
    params=None and family="pretrained" | "zs-full" | "v-only" plus gamma=/m=/c=/w=).

    Exact inputs: every entry of params (floats by their binary value), sigma2, theta, gamma, ...
    Task: theta=VECTOR (any nonzero norm; task="opposite" negates it) or task="sphere".
    Returns a NumPy float64 array (double evaluation; digits=K evaluates with 50 digits and rounds to
    K), or with exact=True a list of fractions.Fraction, the exact risk. With mc=SAMPLES (and seed)
    a dict of arrays: "n", "risk" (absent for L >= 3, or L = 2 with d > 3, where only Monte Carlo exists),
    "mc_mean", "mc_se" and "z" (the Monte Carlo estimate is double, its standard error is "mc_se").
    """
    out = _json("risk", dict(params=params, shots=shots, sigma2=sigma2, theta=theta, task=task, exact=exact,
                             mc=mc, seed=seed, **options))
    rows = out["rows"]
    values = [Fraction(r["risk"]) if exact else float(r["risk"]) for r in rows if "risk" in r]
    curve = values if exact else np.array(values, dtype=np.float64)
    if mc is None:
        return curve
    table = {key: np.array([r[key] for r in rows], dtype=np.int64 if key == "n" else np.float64)
             for key in ("n", "mc_mean", "mc_se", "z") if all(key in r for r in rows)}
    if values:
        table["risk"] = curve
    return table


def grad(params=None, **options):
    """The exact gradient of a loss at a point (`iclverify grad --format json`): the point is params
    (a model, exact), or gamma=/m= with d=. Exact inputs: params, sigma2, theta, gamma, weight; the
    values are exact with exact=True ("p/q" strings), else double or digits=K. Returns the JSON dict."""
    return _json("grad", dict(params=params, **options))


def optimum(params=None, **options):
    """The exact masked optimum of value-only or key-query-only fine-tuning (`iclverify optimum`),
    from params (a model, exact) or gamma=/m= with d=. Exact inputs: params, sigma2, theta, gamma,
    weight; the optimum is an exact rational solve ("p/q" strings). Returns the JSON dict."""
    return _json("optimum", dict(params=params, **options))


def compare(a, b, **options):
    """For which n >= 0 model a's risk is above, equal to or below model b's, exactly and without a
    cut-off (`iclverify compare`). a, b: models (exact) or family specs such as "pretrained:m=20".
    Exact inputs: the models, sigma2, theta. Returns the JSON dict (ranges inclusive, None = every
    larger n)."""
    return _json("compare", dict(a=a, b=b, **options))


def curve(params=None, **options):
    """A risk curve as an exact rational function of n (`iclverify curve --symbolic`): params (a
    model, exact) or family="pretrained:gamma=G" | ... with d=. Exact inputs: params, sigma2, theta.
    Returns the JSON dict (numerator, denominator as "p/q" strings, the limit)."""
    return _json("curve", dict(params=params, **options))


def prove(**options):
    """The statements for every n (`iclverify prove`): only="C2.sets", full=True. Exact: the
    statements are decided in exact arithmetic and take no numbers as input. Returns the JSON dict
    with each statement's verdict and certificate (a REFUTED statement is a result, not an error)."""
    return _json("prove", options)


def hessian(**options):
    """The second-order certificate of a claimed optimum (`iclverify hessian`): point=, param=, d=,
    m=, sigma2=, c=, nft=. Exact inputs: sigma2 and c (floats by their binary value); the gradient
    and the rank are exact, the spectrum double. Returns the JSON dict; "holds" says whether it holds."""
    return _json("hessian", options)


def train(**options):
    """One training run (`iclverify train`): trainer="sgd" | "exact-gd" | "flow", loss=, update=,
    init="random" | "pretrained" | a model (exact), ... Exact inputs: init, sigma2, gamma; the run
    itself is in double (or digits=K for exact-gd and flow). Returns the JSON dict (final matrices,
    loss, history). Raises DivergedError if the run diverges; Ctrl-C stops it (KeyboardInterrupt)."""
    return _json("train", options)


def protocol(**options):
    """The authors' whole SGD protocol (`iclverify protocol`): steps_pretrain=, steps_finetune=,
    batch=, seed=, heads=, layers=, lr=, ... Exact inputs: none matter exactly, the runs are in double
    (seeded: the same seed gives the same result); the curves of one layer are exact risks of the
    learned double parameters. Returns the JSON dict. Ctrl-C stops it (KeyboardInterrupt)."""
    return _json("protocol", options)


def check(**options):
    """The theorem checks (`iclverify check`): only="C1,C2.sets", full=True, mc_samples=, seed=.
    Exact inputs: none (each check states its own exactness in its evidence). Returns the JSON dict
    of verdicts (a FAIL is a verdict, not an exception). Ctrl-C stops it (KeyboardInterrupt)."""
    return _json("check", options)


def diagnose(pre, post, **options):
    """What a fine-tuning did to in-context learning (`iclverify diagnose --pre A --post B`,
    docs/diagnose.md): risk curves before and after on theta0, -theta0 and the sphere, the exact sets
    of n where post is worse, what moved per head, the nearest family, the retention rho of each task
    and a verdict ("collapsed", "preserved", "specialized", "degraded", or no ICL to lose).
    pre, post: models of the same shape (exact; floats by their binary value), e.g. a Transformer_F
    before and after fine-tuning. Exact inputs: pre, post, theta0 (a list; inferred from post when
    not given), sigma2 (default 1/10). One layer, and two layers with d <= 3, are exact ("exact" fields
    are "p/q" strings); softmax attention, L >= 3 and two layers with d > 3 are Monte Carlo (mc=, seed=,
    with standard errors). Returns the JSON dict, with "verdict"
    and "retention": {"theta0", "-theta0", "sphere"}; a verdict is a result, never an exception."""
    return _json("diagnose", dict(pre=pre, post=post, **options))


def verify(files, only=None, mutate=False):
    """Claim files (TOML, docs/claim-files.md) decided against the exact engine (`iclverify verify`):
    a list with one dict per statement: "file", "name", "kind", "verdict" (PROVED, REFUTED, DECIDED,
    OPEN), "evidence", and "counterexample" (exact "p/q" values), "sets" or "limit" as they apply;
    with mutate=True also "mutants" {"total", "refuted", "survivors"}. files: a path or a list of
    paths; only: a statement name or a list of names. Everything in a claim file is exact (it is
    text); a REFUTED statement is a result, not an exception; a bad file is a ValueError with the
    command's one-line message."""
    paths = [files] if isinstance(files, (str, os.PathLike)) else list(files)
    args = ["verify", *[os.fspath(p) for p in paths], "--format", "json"]
    if only:
        args += ["--only", only if isinstance(only, str) else ",".join(only)]
    if mutate:
        args.append("--mutate")
    return json.loads(_checked(args)[1])


def study(store):
    """A sweep's store (`iclverify sweep`, docs/sweep.md) as a pandas DataFrame, one row per finished
    point in the store's order (sorted by options): a column per option of the study (its axes and
    fixed values; None where a point lacks one), "result" (the command's JSON as a dict, wall-time
    fields removed, as `sweep export` prints it) and "error" (the command's one line for a point it
    refused, else None), then every top-level number of the results as its own column (a JSON number
    as a float, an exact "p/q" as a fractions.Fraction). A bad store is a ValueError with the command
    line's one-line message. Needs pandas (Debian python3-pandas), imported here."""
    import pandas as pd
    points = json.loads(_checked(["sweep", "export", "--store", os.fspath(store), "--format", "json"])[1])
    options = sorted({k for p in points for k in p["options"]})
    rows = []
    for p in points:
        row = {k: p["options"].get(k) for k in options}
        row["result"] = p.get("result")
        row["error"] = p.get("error")
        rows.append(row)
    frame = pd.DataFrame(rows, columns=[*options, "result", "error"])
    numbers = {}
    for i, p in enumerate(points):
        for k, v in (p.get("result") or {}).items():
            if k in options or k in ("result", "error"):
                continue
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                numbers.setdefault(k, [None] * len(points))[i] = float(v)
            elif isinstance(v, str):
                try:
                    numbers.setdefault(k, [None] * len(points))[i] = Fraction(v)
                except ValueError:
                    pass
    for k, column in numbers.items():
        if any(x is not None for x in column):
            frame[k] = column
    return frame


def _add_options_to_docstrings():
    """Append each command's own --help (its options are the keywords) to its function's docstring."""
    for name in _COMMANDS:
        status, text, _ = _core.run([name, "--help"])
        function = globals()[name]
        if status == 0 and function.__doc__:
            function.__doc__ += ("\n\nKeywords are the options below without the dashes ('-' as '_'); a flag "
                                 "takes True.\n\n" + text)


_add_options_to_docstrings()
