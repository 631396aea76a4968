#!/usr/bin/env python3
"""Independent checker of iclverify's proof certificates (docs/proof-certificates.md).

Standard library only; no code shared with src/. Per certificate: the engine's value at every node
re-computed with our own exact one-layer risk (THEORY.md sections 1, 2, 5; H heads through the
tensor T of docs/architectures.md section 1); the degree bounds that follow from the model checked,
the others listed on its ACCEPTED line; the interpolation re-checked; the statement re-decided over Fractions
(identity, limit, sets by Sturm sequences, stationary). One line per certificate, ACCEPTED or
REJECTED with the first failing step; exit 0 only if all are accepted (a malformed file: REJECTED).
"""
import argparse
import json
import re
import sys
from fractions import Fraction as Q
from itertools import product
from math import prod

FORMAT, VERSION = "iclverify proof certificate", 1

class Reject(Exception):
    def __init__(self, step, why):
        super().__init__(f"{step}: {why}")

def need(ok, step, why):
    if not ok:
        raise Reject(step, why)

# ---- polynomials: {monomial: Fraction}, a monomial a sorted tuple of (variable, exponent) -------
def const(c):
    return {(): Q(c)} if c else {}

def var(x):
    return {((x, 1),): Q(1)}

def add(a, b, s=1):
    out = dict(a)
    for m, c in b.items():
        out[m] = out.get(m, 0) + s * c
    return {m: c for m, c in out.items() if c}

def mono_mul(m1, m2):
    if not m1 or not m2:
        return m1 or m2
    d = dict(m1)
    for x, e in m2:
        d[x] = d.get(x, 0) + e
    return tuple(sorted(d.items()))

def mul(a, b):
    out = {}
    for m1, c1 in a.items():
        for m2, c2 in b.items():
            m = mono_mul(m1, m2)
            out[m] = out.get(m, 0) + c1 * c2
    return {m: c for m, c in out.items() if c}

def power(a, k):
    return const(1) if k == 0 else mul(power(a, k - 1), a)

def scale(a, c):
    return {m: c * v for m, v in a.items()} if c else {}

def degree(p, x):
    return max((dict(m).get(x, 0) for m in p), default=-1)

def coeff(p, x, k):  # the coefficient of x^k, a polynomial in the other variables
    return {tuple(e for e in m if e[0] != x): c for m, c in p.items() if dict(m).get(x, 0) == k}

def evaluate(p, at):  # every variable of p given a value in `at` (missing ones stay)
    out = {}
    for m, c in p.items():
        rest = []
        for x, e in m:
            if x in at:
                c *= at[x] ** e
            else:
                rest.append((x, e))
        if c:
            out[tuple(rest)] = out.get(tuple(rest), 0) + c
    return {m: c for m, c in out.items() if c}

def number(p):
    need(all(m == () for m in p), "expression", f"a name is left without a value: {sorted(p)[:1]}")
    return p.get((), Q(0))

def derivative(p, x):
    out = {}
    for m, c in p.items():
        e = dict(m).get(x, 0)
        if e:
            mm = tuple((y, f - 1 if y == x else f) for y, f in m if not (y == x and f == 1))
            out[mm] = out.get(mm, 0) + c * e
    return out

def compose(p, x, num, den):  # den^deg * p(x = num/den)
    k = degree(p, x)
    out = {}
    for j in range(k + 1):
        out = add(out, mul(coeff(p, x, j), mul(power(num, j), power(den, k - j))))
    return out

# ---- rational functions (num, den) and the expression reader ------------------------------------
def r_add(a, b, s=1):
    if a[1] == b[1]:
        return add(a[0], b[0], s), a[1]
    return add(mul(a[0], b[1]), mul(b[0], a[1]), s), mul(a[1], b[1])

def r_mul(a, b):
    return mul(a[0], b[0]), mul(a[1], b[1])

def r_div(a, b):
    need(b[0], "expression", "division by zero")
    return mul(a[0], b[1]), mul(a[1], b[0])

def r_equal(a, b):
    return not add(mul(a[0], b[1]), mul(b[0], a[1]), -1)

TOKEN = re.compile(r"\s*(?:(\d+(?:\.\d*)?|\.\d+)|([A-Za-z_]\w*)|([-+*/^(),]))")

def tokens(text):
    out, i, text = [], 0, text.rstrip()
    while i < len(text):
        m = TOKEN.match(text, i)
        need(m, "expression", f"unexpected character {text[i:].strip()[:1]!r} in {text!r}")
        num, name, op = m.groups()
        out.append(("num", Q(num)) if num else ("name", name) if name else ("op", op))
        i = m.end()
    return out + [("end", None)]

def parse(text, names, atom=None):
    """text -> (num, den); `names` maps a name to a rational function (else it is a variable);
    `atom(family, task, shots)` gives risk(FAMILY, TASK, SHOTS)."""
    ts, pos = tokens(str(text)), [0]

    def peek(v=None):
        t = ts[pos[0]]
        return t if v is None else t[1] == v

    def take(v=None):
        t = ts[pos[0]]
        need(v is None or t[1] == v, "expression", f"expected {v!r} in {text!r}")
        pos[0] += 1
        return t

    def expr():
        v = term()
        while peek("+") or peek("-"):
            s = 1 if take()[1] == "+" else -1
            v = r_add(v, term(), s)
        return v

    def term():
        v = unary()
        while peek("*") or peek("/"):
            v = r_mul(v, unary()) if take()[1] == "*" else r_div(v, unary())
        return v

    def unary():
        if peek("-") or peek("+"):
            s = take()[1]
            v = unary()
            return (scale(v[0], -1), v[1]) if s == "-" else v
        v = primary()
        if peek("^"):
            take()
            paren = peek("(") and take()
            sign = -1 if peek("-") and take() else 1
            k = take()[1]
            need(isinstance(k, Q) and k.denominator == 1 and k <= 64, "expression", f"bad exponent in {text!r}")
            if paren:
                take(")")
            k = int(k) * sign
            v = (power(v[0], k), power(v[1], k)) if k >= 0 else r_div((const(1), const(1)), (power(v[0], -k), power(v[1], -k)))
        return v

    def primary():
        kind, v = take()
        if kind == "num":
            return const(v), const(1)
        if v == "(":
            e = expr()
            take(")")
            return e
        need(kind == "name", "expression", f"unexpected {v!r} in {text!r}")
        if v == "risk" and peek("("):
            take("(")
            fam = take()[1]
            take(",")
            task = ("-" if peek("-") and take() else "") + take()[1]
            take(",")
            shots = expr()
            take(")")
            need(atom is not None, "expression", "risk() where none may be")
            return atom(fam, task, shots)
        return names[v] if v in names else (var(v), const(1))

    e = expr()
    need(peek()[0] == "end", "expression", f"trailing text in {text!r}")
    return e

# ---- the model: exact one-layer risk (THEORY.md 1, 2, 5; docs/architectures.md 1) ----------------
# A D-vector is {"0": c, "e1": c, "e2": c, "p": c, "y": c}, coefficients polynomials in the query's
# x1 = e1.x_q, x2 = e2.x_q, r = |p|^2 (p: x_q's part orthogonal to e1 = theta0 and e2) and the task's
# t1, t2 (t = t1 e1 + t2 e2: any unit task, by the rotations that fix theta0). Matrices a I + b P,
# vectors along theta0, so every vector of the model lies in span{e1, e2, p} in its x part.
def dot_x(a, b):
    s = {}
    for k, extra in (("e1", const(1)), ("e2", const(1)), ("p", var("r"))):
        if k in a and k in b:
            s = add(s, mul(mul(a[k], b[k]), extra))
    return s

def cov(a, b, t, tt_s2):  # Cov(a.z, b.z) of a context token z = (1, x, t.x + eps)
    ay, by = a.get("y", {}), b.get("y", {})
    return add(add(dot_x(a, b), add(mul(dot_x(a, t), by), mul(ay, dot_x(b, t)))), mul(mul(ay, by), tt_s2))

def e4(ms, c):  # E[prod (m_i + w_i)], w Gaussian centred with covariances c[i][j] (Isserlis)
    m1, m2, m3, m4 = ms
    out = mul(mul(m1, m2), mul(m3, m4))
    for i, j, k, l in ((0, 1, 2, 3), (0, 2, 1, 3), (0, 3, 1, 2), (1, 2, 0, 3), (1, 3, 0, 2), (2, 3, 0, 1)):
        out = add(out, mul(c[i][j], mul(ms[k], ms[l])))
    return add(out, add(mul(c[0][1], c[2][3]), add(mul(c[0][2], c[1][3]), mul(c[0][3], c[1][2]))))

def double_factorial(k):
    return 1 if k <= 0 else k * double_factorial(k - 2)

def gaussian_mean(p, d):  # E over x1, x2 ~ N(0, 1), r ~ chi^2(d - 2)
    out = {}
    for m, c in p.items():
        e = dict(m)
        a, b, k = e.pop("x1", 0), e.pop("x2", 0), e.pop("r", 0)
        if a % 2 or b % 2:
            continue
        w = Q(double_factorial(a - 1) * double_factorial(b - 1))
        for j in range(k):
            w *= d - 2 + 2 * j
        mm = tuple(sorted(e.items()))
        out[mm] = out.get(mm, 0) + c * w
    return {m: c for m, c in out.items() if c}

def sphere_mean(p, d):  # E over t uniform on the unit sphere: t2^2 = 1 - t1^2, E t1^(2j) (THEORY.md 9)
    out = Q(0)
    for m, c in p.items():
        e = dict(m)
        a, b = e.get("t1", 0), e.get("t2", 0)
        need(b % 2 == 0, "engine value", "the risk is not even in the task's orthogonal part")
        term = mul(power({(("t1", 2),): Q(-1), (): Q(1)}, b // 2), {(("t1", a),) if a else (): c})
        for mm, cc in term.items():
            k = dict(mm).get("t1", 0)
            if k % 2 == 0:
                w = Q(double_factorial(k - 1))
                for j in range(k // 2):
                    w /= d + 2 * j
                out += cc * w
    return out

def risk_terms(heads, d, s2, task):
    """(C, A1, A2, B1, B2, B3, B4) with (k+1)^2 R(k) = (k+1)^2 C - 2 (k+1)(k A1 + A2)
    + k B1 + k (k-1) B2 + 2 k B3 + B4 (THEORY.md 5: m1, m2 of a context token given x_q; f_q the
    query's own term). heads: [(v, M)] with v {"0", "x", "y"} and M {"00", "0x", "0y", "x0", "xx_I",
    "xx_P", "xy"} (theta0 = e1; the label row of M meets the query's zero label slot)."""
    C = const
    t = ({"e1": var("t1"), "e2": var("t2") if d >= 2 else {}} if task == "sphere"
         else {"e1": C(1 if task == "theta0" else -1), "e2": {}})
    tt_s2 = add(add(mul(t["e1"], t["e1"]), mul(t["e2"], t["e2"])), C(s2))
    zq = {"0": C(1), "e1": var("x1"), "e2": var("x2") if d >= 2 else {}, "p": C(1) if d >= 3 else {}}
    H = len(heads)
    us, vs = [], []
    for v, M in heads:  # u = M^T z_q
        a, b = C(M["xx_I"]), C(M["xx_I"] + M["xx_P"])
        us.append({"0": add(C(M["00"]), scale(zq["e1"], M["x0"])), "e1": add(C(M["0x"]), mul(b, zq["e1"])),
                   "e2": mul(a, zq["e2"]), "p": mul(a, zq["p"]), "y": add(C(M["0y"]), scale(zq["e1"], M["xy"]))})
        vs.append({"0": C(v["0"]), "e1": C(v["x"]), "y": C(v["y"])})
    m1, fq = {}, {}
    for u, v in zip(us, vs):
        m1 = add(m1, add(mul(u["0"], v["0"]), cov(u, v, t, tt_s2)))
        zu = add(u["0"], dot_x(zq, u))  # z_q . u (the query's label slot is 0)
        fq = add(fq, mul(zu, add(v["0"], dot_x(zq, v))))
    m1, fq = scale(m1, Q(1, H)), scale(fq, Q(1, H))
    vecs, m2 = us + vs, {}
    cv = {(i, j): cov(vecs[i], vecs[j], t, tt_s2) for i in range(2 * H) for j in range(i, 2 * H)}
    for h, h2 in product(range(H), repeat=2):
        f = [h, H + h, h2, H + h2]
        m2 = add(m2, e4([vecs[i]["0"] for i in f], [[cv[min(i, j), max(i, j)] for j in f] for i in f]))
    m2 = scale(m2, Q(1, H * H))
    ty = add(mul(t["e1"], zq["e1"]), mul(t["e2"], zq["e2"]))
    parts = [tt_s2, mul(ty, m1), mul(ty, fq), m2, mul(m1, m1), mul(m1, fq), mul(fq, fq)]
    parts = [gaussian_mean(p, d) for p in parts]
    return [sphere_mean(p, d) if task == "sphere" else number(p) for p in parts]

def scaled_risk(terms, k):  # (k+1)^2 R(k): a polynomial of degree <= 2 in k
    C, A1, A2, B1, B2, B3, B4 = terms
    return (k + 1) ** 2 * C - 2 * (k + 1) * (k * A1 + A2) + k * B1 + k * (k - 1) * B2 + 2 * k * B3 + B4

# ---- one risk atom: family, degree bounds, node values, interpolation -----------------------------
VALUE_BLOCKS = {"y0": "0", "yx": "x", "yy": "y"}
M_BLOCKS = ["00", "0x", "0y", "x0", "xx_I", "xx_P", "xy"]

def written_blocks(fam, fixed):
    """The blocks as written ("Q.xx": "gamma*I") as the atoms' coefficients: a I + b P, c theta0, scalars
    (V's rows 0 and x and Q's label row do not reach the prediction)."""
    out = {}
    for key, text in fam["blocks"].items():
        m, rc = key.split(".")
        side = {"V": "value_row", "Q": "M"}[m]
        if (side == "value_row") != (rc[0] == "y"):
            continue
        num, den = parse(text, fixed)
        need(all(degree(den, x) <= 0 for x in ("I", "P", "theta0")), "family", f"{key} = {text} is not a block")
        for x in (("I", "P") if rc == "xx" else ("theta0",) if "x" in rc else ()):
            need(degree(num, x) <= 1, "family", f"{key} = {text} is not linear in {x}")
        if rc == "xx":
            out[(side, "xx_I")] = (coeff(coeff(num, "I", 1), "P", 0), den)
            out[(side, "xx_P")] = (coeff(coeff(num, "P", 1), "I", 0), den)
        else:
            out[(side, rc)] = (coeff(num, "theta0", 1), den) if "x" in rc else (num, den)
    return out

def check_atom(key, a, fam, fixed, dname, s2name, trusted):
    where = f"atom {key}"
    need(a["task"] in ("theta0", "-theta0", "sphere"), "family", f"{where}: unknown task {a['task']!r}")
    written = written_blocks(fam, fixed)
    axes = a["variables"]
    need(axes and axes[-1]["name"] == "k", "degree bounds", f"{where}: the shot axis k must be last")
    names = [x["name"] for x in axes[:-1]]
    vars_ = set(names)
    # the blocks: block * q = the polynomial given, so the degree h of each variable is read off
    blocks, hs = {}, {}
    for side, bl_names in (("value_row", list(VALUE_BLOCKS)), ("M", M_BLOCKS)):
        s = a[side]
        q = parse(s["q"], {})
        need(q[1] == const(1) and q[0], "family", f"{where}: {side} q is not a nonzero polynomial")
        for b in bl_names:
            val = parse(s["blocks"][b], fixed)
            pq = parse(s["times_q"][b], {})
            need(pq[1] == const(1), "family", f"{where}: {side}.{b} times q is not a polynomial")
            need(r_equal(val, (pq[0], q[0])), "family", f"{where}: {side}.{b} * q != {s['times_q'][b]}")
            need(r_equal(val, written.get((side, b), (const(0), const(1)))), "family",
                 f"{where}: {side}.{b} = {s['blocks'][b]} is not the family as written")
            blocks[(side, b)] = val
        polys = [parse(s["times_q"][b], {})[0] for b in bl_names] + [q[0]]
        hs[side] = {x: max(degree(p, x) for p in polys) for x in vars_}
        hs[side + "_q"] = q[0]
        extra = set(x for p in polys for m in p for x, _ in m) - vars_
        need(not extra, "family", f"{where}: {side} depends on {sorted(extra)}, not a variable of the grid")
    sphere_d = a["task"] == "sphere" and dname in vars_
    den = mul(power(hs["value_row_q"], 2), power(hs["M_q"], 2))
    if sphere_d:
        den = mul(den, var(dname))
    need(r_equal(parse(a["denominator"], {}), (den, const(1))), "family", f"{where}: denominator != q_v^2 q_M^2"
         + (" d" if sphere_d else ""))
    # degree bounds: k from the formula; a symbol 2 h_v + 2 h_M; d and s2 add what we trust
    need(axes[-1]["degree"] >= 2, "degree bounds", f"{where}: k claimed {axes[-1]['degree']} < 2 ((k+1)^2 R is quadratic in k)")
    for x in axes[:-1]:
        base = 2 * hs["value_row"][x["name"]] + 2 * hs["M"][x["name"]]
        add_ = (3 if sphere_d else 2) if x["name"] == dname else 2 if x["name"] == s2name else 0
        need(x["degree"] >= base + add_, "degree bounds",
             f"{where}: {x['name']} claimed {x['degree']} < {base + add_} (2 h_v + 2 h_M = {base}, + {add_})")
        if add_:
            trusted.add(f"degree in {x['name']}: + {add_} ({x['reason'].split('; + ')[-1].split(': ', 1)[-1]})")
    for x in axes:
        need(x["nodes"] >= x["degree"] + 1 and Q(x["step"]) != 0, "degree bounds",
             f"{where}: {x['name']} has {x['nodes']} nodes for degree {x['degree']}")
    values = [Q(v) for v in a["values"]]
    need(prod(x["nodes"] for x in axes) == len(values), "node values", f"{where}: {len(values)} values for the grid")
    nodes = [[Q(x["first"]) + i * Q(x["step"]) for i in range(x["nodes"])] for x in axes]
    # 1. the engine's values, recomputed with our risk
    ks = nodes[-1]
    need(all(k.denominator == 1 and k >= 0 for k in ks), "node values", f"{where}: k nodes are not shot counts")
    i = 0
    for point in product(*nodes[:-1]):
        at = {x: number(v[0]) / number(v[1]) for x, v in fixed.items()}
        at.update(zip(names, point))
        d, s2 = at.get(dname), at.get(s2name)
        need(s2 is not None and s2 >= 0, "node values", f"{where}: s2 = {s2} is not a noise level")
        need(d is not None and d.denominator == 1 and d >= 1, "node values", f"{where}: d = {d} is not a dimension")
        ev = lambda e: number(evaluate(e[0], at)) / number(evaluate(e[1], at)) if number(evaluate(e[1], at)) else None
        v = {VALUE_BLOCKS[b]: ev(blocks[("value_row", b)]) for b in VALUE_BLOCKS}
        M = {b: ev(blocks[("M", b)]) for b in M_BLOCKS}
        dv = number(evaluate(den, at))
        need(None not in v.values() and None not in M.values() and dv, "node values", f"{where}: a pole at {at}")
        terms = risk_terms([(v, M)], int(d), s2, a["task"])
        for k in ks:
            mine = scaled_risk(terms, k) * dv
            need(mine == values[i], "node values", f"{where}: at {at_text(names, point)}, k = {k}: certificate "
                 f"{values[i]}, model {mine}")
            i += 1
    # 2. the numerator: within the bounds, and through every node (axis by axis)
    num, cur = {}, {}
    for t in a["numerator"]:
        exps, c = tuple(t[:-1]), Q(t[-1])
        need(len(exps) == len(axes) and all(0 <= e <= x["degree"] for e, x in zip(exps, axes)), "interpolation",
             f"{where}: the term {t} exceeds the degree bounds")
        num[tuple(sorted((x["name"], e) for x, e in zip(axes, exps) if e))] = c
        cur[exps] = c
    for ax, pts in enumerate(nodes):
        nxt = {}
        for exps, c in cur.items():
            for j, x in enumerate(pts):
                key2 = exps[:ax] + (j,) + exps[ax + 1:]
                nxt[key2] = nxt.get(key2, 0) + c * x ** exps[ax]
        cur = nxt
    for idx, j in zip(product(*[range(len(p)) for p in nodes]), range(len(values))):
        need(cur.get(idx, 0) == values[j], "interpolation", f"{where}: the numerator is {cur.get(idx, 0)} at node "
             f"{at_text([x['name'] for x in axes], [nodes[n][m] for n, m in enumerate(idx)])}, value {values[j]}")
    return num, den

def at_text(names, point):
    return ", ".join(f"{x} = {v}" for x, v in zip(names, point))

# ---- statements --------------------------------------------------------------------------------
def atom_function(fits):
    def atom(fam, task, shots):  # Num(k = a/b) / ((k+1)^2 den) = sum c_j a^j b^(2-j) / ((a+b)^2 den)
        key = f"{fam}|{task}"
        need(key in fits, "statement", f"risk({fam}, {task}, .) has no atom in the certificate")
        num, den = fits[key]
        a, b = shots
        k = degree(num, "k")
        top = mul(compose(num, "k", a, b), power(b, max(0, 2 - k)))
        return top, mul(mul(power(add(a, b), 2), den), power(b, max(0, k - 2)))
    return atom

def ev1(c, x):
    return sum(cc * x ** j for j, cc in enumerate(c))

def trim(c):  # without its zero leading coefficients
    return list(c)[:max((i + 1 for i, x in enumerate(c) if x != 0), default=0)]

def rem(a, b):
    a = list(a)
    while len(trim(a)) >= len(b):
        a = trim(a)
        f, s = a[-1] / b[-1], len(a) - len(b)
        a = [x - (f * b[i - s] if i >= s else 0) for i, x in enumerate(a)]
    return trim(a)

def sturm(p):
    seq = [trim(p), trim([j * c for j, c in enumerate(p)][1:])]
    while seq[-1]:
        seq.append([-c for c in rem(seq[-2], seq[-1])])
    return seq[:-1]

def variations(seq, x):  # sign changes along the sequence at x (None: +infinity, "-": -infinity)
    at = lambda c: c[-1] if x is None else c[-1] * (-1) ** (len(c) - 1) if x == "-" else ev1(c, x)
    signs = [v for v in map(at, seq) if v != 0]
    return sum(1 for u, w in zip(signs, signs[1:]) if (u > 0) != (w > 0))

sign = lambda x: (x > 0) - (x < 0)  # noqa: E731

def check_sets(part, E, st, printed):
    A, B = [Q(c) for c in part["numerator"]], [Q(c) for c in part["denominator"]]
    need(r_equal(E, (sum_1d(A), sum_1d(B))), "sets", "the expression is not the certificate's numerator/denominator")
    SB = sturm(B)
    need(len(B) == 1 or ev1(B, Q(0)) != 0 and variations(SB, Q(0)) == variations(SB, None), "sets",
         "the denominator may vanish at some n >= 0")
    p = trim([sum(A[i] * B[j - i] for i in range(len(A)) if 0 <= j - i < len(B)) for j in range(len(A) + len(B) - 1)])
    sp = part["sign_polynomial"]
    need(p == [Q(c) for c in sp["polynomial_ascending"]], "sets", "the sign polynomial is not numerator * denominator")
    S = sturm(p)
    roots = sp.get("real_roots", [])
    need(len(roots) == variations(S, "-") - variations(S, None), "isolating intervals",
         f"{len(roots)} intervals for {variations(S, '-') - variations(S, None)} real roots")
    last = None
    for r in roots:
        lo, hi = Q(r["lo"]), Q(r["hi"])
        need(last is None or lo > last, "isolating intervals", f"[{lo}, {hi}] overlaps the previous interval")
        if lo == hi:
            need(ev1(p, lo) == 0, "isolating intervals", f"{lo} is not a root")
        else:
            need(lo < hi and ev1(p, lo) != 0 and ev1(p, hi) != 0 and variations(S, lo) - variations(S, hi) == 1,
                 "isolating intervals", f"({lo}, {hi}) does not hold exactly one root")
        last = hi
    nxt, got = 0, {1: [], 0: [], -1: []}
    for run in part["runs"]:
        lo, hi, s = run["lo"], run["hi"], run["sign"]
        need(lo == nxt and (hi is None or hi >= lo) and lo <= run["sample"] and (hi is None or run["sample"] <= hi),
             "sign runs", f"run {run} does not continue at n = {nxt}")
        need(sign(ev1(p, Q(run["sample"]))) == s, "sign runs", f"p has sign {sign(ev1(p, Q(run['sample'])))} at the "
             f"sample n = {run['sample']}, not {s}")
        if s == 0:
            need(hi == lo, "sign runs", f"a zero run [{lo}, {hi}] longer than one point")
        else:  # no real root in [lo, hi] (or [lo, oo)), so one sign at every integer there
            hiq = None if hi is None else Q(hi)
            need(sign(ev1(p, Q(lo))) == s and (hiq is None or sign(ev1(p, hiq)) == s)
                 and variations(S, Q(lo)) == variations(S, hiq), "sign runs", f"p has a root in the run [{lo}, {hi}]")
        got[s].append([lo, hi])
        nxt = None if hi is None else hi + 1
    need(nxt is None, "sign runs", "the runs end before every n")
    for name, s in (("positive", 1), ("zero", 0), ("negative", -1)):
        want = st.get("expect", {}).get(name)
        need(want is None or merged(want) == merged(got[s]), "sets", f"{name}: expected {want}, found {got[s]}")
        need(merged(printed[name]) == merged(got[s]), "sets", f"{name}: printed {printed[name]}, found {got[s]}")

def sum_1d(c):
    return {((("n", j),) if j else ()): Q(v) for j, v in enumerate(c) if v}

def merged(runs):
    out = []
    for lo, hi in sorted([r[0], None if r[1] in (None, "inf") else r[1]] for r in runs):
        if out and out[-1][1] is not None and lo == out[-1][1] + 1:
            out[-1][1] = hi
        else:
            out.append([lo, hi])
    return out

def check_part(cert, part, trusted):
    st, setting = cert["statement"], cert["setting"]
    dname = setting["d"] if isinstance(setting["d"], str) else None
    s2name = setting["s2"] if str(setting["s2"]).isidentifier() else None
    fixed = {x: parse(v, {}) for x, v in part["where"].items()}
    for x, v in st.get("where", {}).items():
        need(x in fixed and r_equal(fixed[x], parse(v, {})), "statement", f"where {x} = {v} is not the part's")
    if dname is None:
        fixed["d"], dname = (const(setting["d"]), const(1)), "d"
    if s2name is None:
        fixed["s2"], s2name = parse(setting["s2"], {}), "s2"
    fits = {k: check_atom(k, a, cert["families"][a["family"]], fixed, dname, s2name, trusted)
            for k, a in part["atoms"].items()}
    names = dict(fixed)
    names["N"] = (add(var("n"), const(1)), const(1))
    atom = atom_function(fits)
    E = parse(st["expression"], names, atom)
    kind = st["kind"]
    if kind == "identity":
        need(r_equal(E, parse(st["right"], names, atom)), "identity", "LEFT - RIGHT is not 0")
        need(part["left_minus_right"] == "0", "identity", "the certificate's LEFT - RIGHT is not 0")
    elif kind == "limit":
        dn, dd = degree(E[0], "n"), degree(E[1], "n")
        need(part["degree_numerator"] - part["degree_denominator"] == dn - dd, "limit", "degrees in n differ")
        if dn > dd:
            need(part["limit"] == "infinity" and "equals" not in st, "limit", "the expression grows without bound")
            return
        lim = (coeff(E[0], "n", dn), coeff(E[1], "n", dd)) if dn == dd else (const(0), const(1))
        cl = parse(part["leading_numerator"], names), parse(part["leading_denominator"], names)
        need(dn != dd or r_equal(lim, r_div(cl[0], cl[1])), "limit", "the leading coefficients differ")
        for shown in (part["limit"], cert["limit"]["value"]):  # the part's and the one printed
            need(r_equal(lim, parse(shown, names)), "limit", f"the limit is not {shown}")
        if "equals" in st:
            need(r_equal(lim, parse(st["equals"], names, atom)), "limit", f"the limit is not {st['equals']}")
    elif kind == "sets":
        check_sets(part, E, st, cert["sets"])
    elif kind == "stationary":
        x = part["in"]
        at = parse(part["at"], names)
        for y in set(part["where"]) - set(st.get("where", {})):  # the other names of `in` at the point
            need(y in st["in"] and y != x and r_equal(fixed[y], at), "stationary", f"{y} is fixed off the point")
        g = add(mul(derivative(E[0], x), E[1]), mul(E[0], derivative(E[1], x)), -1)  # numerator of dE/dx
        need(compose(E[1], x, at[0], at[1]), "stationary", "the expression is undefined at the point")
        need(not compose(g, x, at[0], at[1]), "stationary", f"d/d{x} is not 0 at {x} = {part['at']}")
        need(part["derivative"] == "0", "stationary", "the certificate's derivative is not 0")
    else:
        raise Reject("statement", f"unknown kind {kind!r}")

def check(cert):
    need(isinstance(cert, dict) and cert.get("format") == FORMAT, "format", "not a proof certificate")
    need(cert.get("format_version") == VERSION, "format", f"unknown format version {cert.get('format_version')!r}")
    need(cert["verdict"] in ("PROVED", "DECIDED"), "verdict", f"{cert['verdict']}: no proof to check")
    st = cert["statement"]
    need(st["kind"] != "stationary" or sorted(p["in"] for p in cert["parts"]) == sorted(st["in"]), "statement",
         "the parts do not cover every derivative of `in`")
    need(cert["parts"], "statement", "no decision in the certificate")
    for f in cert["families"].values():
        need(not f["separate"], "family", "a separate Q, K family (its merged form is not re-derived here)")
    trusted = set()
    for part in cert["parts"]:
        check_part(cert, part, trusted)
    return sorted(trusted)

def verdict(path, trust):
    try:
        with open(path, encoding="utf-8") as f:
            cert = json.load(f)
    except (OSError, ValueError, RecursionError) as e:  # unreadable, not UTF-8, not JSON
        return False, f"REJECTED  {path}  format: not a readable JSON file ({e})"
    try:
        trusted = check(cert)
    except Reject as e:
        return False, f"REJECTED  {path}  {e}"
    except (KeyError, TypeError, IndexError, AttributeError, ValueError, ZeroDivisionError, RecursionError) as e:
        return False, f"REJECTED  {path}  format: a missing or malformed field ({type(e).__name__}: {e})"
    return True, f"ACCEPTED  {cert.get('id', path)}" + (f"  (trusted: {'; '.join(trusted)})" if trust and trusted else "")

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="+", help="certificates (JSON) written by iclverify prove/verify --export")
    ap.add_argument("--brief", action="store_true", help="ACCEPTED lines without what each takes on trust")
    args = ap.parse_args()
    ok = True
    for path in args.files:
        accepted, line = verdict(path, not args.brief)
        ok = ok and accepted
        print(line, flush=True)
    return 0 if ok else 1

if __name__ == "__main__":
    sys.exit(main())
