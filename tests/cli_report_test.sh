#!/usr/bin/env bash
# End-to-end tests of iclverify table, figure and report: tables against an independent Python
# implementation of THEORY.md's closed forms (exact fractions), valid images, an index that links
# only existing files, atomic output, bad input (exit 2, one line, no file).
source "$(dirname "$0")/cli_lib.sh" "$1"

# risk-families and w-star as CSV: every exact cell equals THEORY.md section 3 computed in Python.
"$bin" table --which risk-families --format csv --shots 0:3,20,40 >"$tmp/rf.csv" 2>"$tmp/err" || bad "risk-families: $(cat "$tmp/err")"
"$bin" table --which w-star --format csv --shots 1:4,20 >"$tmp/ws.csv" 2>"$tmp/err" || bad "w-star: $(cat "$tmp/err")"
python3 - "$tmp/rf.csv" "$tmp/ws.csv" <<'PY' && ok || bad "tables differ from THEORY.md's closed forms"
import csv, sys
from fractions import Fraction as Q
d, s2, m = 5, Q(1, 10), 20
def pre(g, n):
    N = n + 1
    return 1 + s2 - 2 * g * n / Q(N) + g * g * n * (n + d + 1 + d * s2) / Q(N * N)
def vo(b, w, n, sign):  # b along theta0, theta = sign theta0
    N = n + 1
    bt, bb = sign * b, b * b
    ct, cc, bc = bt + w, bb + 2 * w * bt + w * w, bb + w * bt
    return (1 + s2 - Q(2, N) * (n * ct + (d + 2) * bt)
            + Q(1, N * N) * (n * (n + d + 1) * cc + w * w * n * d * s2 + (d + 2) * (d + 4) * bb + 2 * n * (d + 2) * bc))
def wstar(n):
    return (Q(n + 1) - Q(n + 3 + 2 * d, d + 4)) / (n + 1 + d + d * s2)
def gstar(n):
    return Q(n + 1) / (n + 1 + d * (1 + s2))
g, beta = Q(m, m + 1 + d), Q(1, d + 4)
rows = list(csv.reader(open(sys.argv[1])))
assert len(rows) == 7 and len(rows[0]) == 9, rows[0]
for r in rows[1:]:
    n = int(r[0])
    want = [pre(g, n), pre(gstar(m), n), None, None, vo(beta, g, n, 1), vo(beta, g, n, -1),
            vo(beta, wstar(m), n, 1), vo(beta, wstar(m), n, -1)]
    for got, w in zip(r[1:], want):
        if w is not None:
            assert Q(got) == w, (n, got, w)
    # F(c*) on theta0 (50 digits): (n/N)^2 + s2 + n/N^2 ((1 + 1/c)^2 + s2/c^2)
    from decimal import Decimal, getcontext
    getcontext().prec = 60
    g2 = Decimal(g.numerator) ** 2 / Decimal(g.denominator) ** 2
    c = (((Decimal(d * d) * g2 * g2 + 4).sqrt() - Decimal(d) * g2) / 2).sqrt()
    N = Decimal(n + 1)
    ds2 = Decimal(1) / Decimal(10)
    f = (Decimal(n) / N) ** 2 + ds2 + Decimal(n) / N ** 2 * ((1 + 1 / c) ** 2 + ds2 / c ** 2)
    assert abs(Decimal(r[3]) - f) < Decimal("1e-45"), (n, r[3], f)
for r in list(csv.reader(open(sys.argv[2])))[1:]:
    n = int(r[0])
    assert Q(r[1]) == gstar(n) and Q(r[2]) == pre(gstar(n), n) and Q(r[3]) == wstar(n), r
    assert Q(r[4]) == vo(beta, wstar(n), n, 1), r
PY

# optima as JSON: the engine's masked optima equal the closed forms, exactly.
expect_json "all(r['closed form'] == r['exact engine'] for r in j['rows'] if r['exact engine'] != '-') and \
  sum(r['exact engine'] != '-' for r in j['rows']) == 4 and j['rows'][0]['closed form'] == '42/53'" table --which optima

# LaTeX: booktabs, \frac by default, siunitx S columns with --digits.
"$bin" table --which w-star --format latex --shots 20 >"$tmp/ws.tex" && grep -q '\$\\frac{42}{53}\$' "$tmp/ws.tex" &&
  grep -q '\\toprule' "$tmp/ws.tex" && grep -q '\\bottomrule' "$tmp/ws.tex" && ok || bad "latex fractions: $(cat "$tmp/ws.tex")"
"$bin" table --which w-star --format latex --shots 20 --digits 4 >"$tmp/ws4.tex" && grep -q '{SSSSS}' "$tmp/ws4.tex" &&
  grep -q '0.7925' "$tmp/ws4.tex" && ! grep -q frac "$tmp/ws4.tex" && ok || bad "latex digits: $(cat "$tmp/ws4.tex")"
"$bin" table --which optima --format md >"$tmp/o.md" && grep -q '^| quantity | closed form | exact engine |$' "$tmp/o.md" &&
  ok || bad "markdown: $(head -3 "$tmp/o.md")"
"$bin" table --which w-star --shots 20 --out "$tmp/ws-out.csv" --format csv >"$tmp/out" 2>/dev/null && [ ! -s "$tmp/out" ] &&
  cmp -s "$tmp/ws-out.csv" <(sed -n '1p;6p' "$tmp/ws.csv") && ok || bad "--out: $(cat "$tmp/ws-out.csv")"

# Figures: .tex needs no gnuplot and does not depend on --threads; images are valid when gnuplot runs.
"$bin" figure fc-curves --fast --threads 1 --out "$tmp/fc1.tex" 2>/dev/null || bad "fc-curves .tex"
PATH=/nonexistent "$bin" figure fc-curves --fast --threads 2 --out "$tmp/fc2.tex" 2>/dev/null || bad "fc-curves .tex without gnuplot"
cmp -s "$tmp/fc1.tex" "$tmp/fc2.tex" && grep -q 'ymode=log' "$tmp/fc1.tex" && ok || bad "fc-curves .tex differs across --threads"
PATH=/nonexistent "$bin" figure fc-curves --fast --out "$tmp/nognuplot.png" >"$tmp/out" 2>"$tmp/err"
[ $? -eq 2 ] && [ ! -s "$tmp/out" ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q gnuplot-nox "$tmp/err" &&
  [ ! -e "$tmp/nognuplot.png" ] && ok || bad "no gnuplot: $(cat "$tmp/err")"

# image_check FILE...: PNG signature, IHDR size >= 400 x 300, > 10 kB; SVG/PDF headers.
image_check() {
  python3 - "$@" <<'PY'
import struct, sys
for path in sys.argv[1:]:
    data = open(path, "rb").read()
    if path.endswith(".png"):
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR", path
        w, h = struct.unpack(">II", data[16:24])
        assert w >= 400 and h >= 300 and len(data) > 10000, (path, w, h, len(data))
    elif path.endswith(".svg"):
        assert b"<svg" in data[:400] and data.rstrip().endswith(b"</svg>") and len(data) > 5000, path
    elif path.endswith(".pdf"):
        assert data[:5] == b"%PDF-" and b"%%EOF" in data[-64:] and len(data) > 5000, path
PY
}
if command -v gnuplot >/dev/null; then
  for ext in png svg pdf; do
    "$bin" figure value-only --fast --out "$tmp/vo.$ext" 2>/dev/null || bad "value-only .$ext"
  done
  image_check "$tmp/vo.png" "$tmp/vo.svg" "$tmp/vo.pdf" && ok || bad "figure images invalid"
else
  echo "gnuplot not on PATH: image checks skipped (./run installs gnuplot-nox)"
fi

# The comparison figure: 2 panels x 9 series (pretrained and the eight methods), n = 0..20, and the
# curves are those `protocol` prints for the same configuration, budget and seed (L = 1 exact,
# L = 2 Monte Carlo means and standard errors).
cmp_budget=(--steps-pretrain 20 --steps-finetune 10 --batch 100 --seed 5)
"$bin" figure --which comparison --heads 2 --layers 1 --optimizer adam "${cmp_budget[@]}" --fast --quiet \
  --out "$tmp/cmp1.tex" 2>"$tmp/err" || bad "comparison L=1: $(cat "$tmp/err")"
"$bin" protocol --heads 2 --layers 1 --optimizer adam "${cmp_budget[@]}" --quiet --format json >"$tmp/cmp1.json" ||
  bad "protocol L=1"
"$bin" figure comparison --heads 1 --layers 2 "${cmp_budget[@]}" --fast --quiet --out "$tmp/cmp2.tex" 2>"$tmp/err" ||
  bad "comparison L=2: $(cat "$tmp/err")"
"$bin" protocol --heads 1 --layers 2 "${cmp_budget[@]}" --test-seeds 2 --eval-batch 1000 --quiet --format json \
  >"$tmp/cmp2.json" || bad "protocol L=2"
check_comparison() {
  python3 - "$@" <<'PY'
import json, re, sys
tex, js, mc = sys.argv[1], sys.argv[2], sys.argv[3] == "mc"
src = open(tex).read()
methods = json.load(open(js))["methods"]
names = ["pretrained", "zs", "both", "zs_q", "both_q", "zs_k", "both_k", "zs_v", "both_v"]
assert [m["name"] for m in methods] == names, [m["name"] for m in methods]
panels = src.split("\\nextgroupplot")[1:]
assert len(panels) == 2, len(panels)
for panel, key in zip(panels, ["risk_target", "risk_opposite"]):
    assert "ymode=log" in panel
    plots = re.findall(r"\\addplot\+ \[[^\n]*\] table \[[^\]]*\] \{\n([^}]*)\};\n\\addlegendentry\{([^}]*)\}", panel)
    assert [p[1].replace("\\_", "_") for p in plots] == names, [p[1] for p in plots]
    for (body, name), m in zip(plots, methods):
        rows = [r.split() for r in body.strip().split("\\\\") if r.strip()]
        assert rows[0][:2] == ["x", "y"] and (("err" in rows[0]) == mc), rows[0]
        rows = rows[1:]
        assert [float(r[0]) for r in rows] == list(range(21)), name
        curve = m[key]
        assert len(curve) == 21, name
        for r, p in zip(rows, curve):
            assert float(r[1]) == p["mean"], (name, key, r, p)
            if mc:
                assert float(r[2]) == p["se"], (name, key, r, p)
PY
}
check_comparison "$tmp/cmp1.tex" "$tmp/cmp1.json" exact && ok || bad "comparison L=1 differs from protocol"
check_comparison "$tmp/cmp2.tex" "$tmp/cmp2.json" mc && ok || bad "comparison L=2 differs from protocol"
grep -q 'Monte Carlo 2 x 1000 prompts per n' "$tmp/cmp2.tex" && grep -q 'exact risk' "$tmp/cmp1.tex" &&
  grep -q 'pretraining 20 + fine-tuning 10 steps x 100 prompts, seed 5' "$tmp/cmp1.tex" && ok ||
  bad "comparison caption"
expect_reject "--heads" figure --which comparison --heads 0 --out "$tmp/x.tex"
expect_reject "--layers" figure --which comparison --layers 1.5 --out "$tmp/x.tex"
expect_reject "--optimizer" figure --which comparison --optimizer foo --out "$tmp/x.tex"
expect_reject "--batch" figure --which comparison --batch 0 --out "$tmp/x.tex"
expect_reject "--heads" figure --which all-methods --heads 2 --out "$tmp/x.tex"

# Bad input: one line, exit 2, no file.
expect_reject "--which" table --which nope
expect_reject "--format" table --which optima --format xls
expect_reject "--digits" table --which optima --digits 0
expect_reject "--shots" table --which risk-methods-target --shots 41 --fast
expect_reject "--sigma2" table --which risk-families --sigma2 -1
expect_reject "--d" table --which risk-families --d 0
expect_reject "--seed" figure pretrained --out "$tmp/x.tex" --seed -3
expect_reject ".jpg" figure pretrained --out "$tmp/x.jpg"
expect_reject "--which: nope" figure nope --out "$tmp/x.png"
expect_reject "--out" figure pretrained
expect_reject "cannot write" figure pretrained --fast --out "$tmp/missing/dir/x.tex"
expect_reject "cannot write" table --which optima --out "$tmp/missing/t.csv"
touch "$tmp/a-file"
expect_reject "--out" report --fast --out "$tmp/a-file/sub"
[ -z "$(ls "$tmp" | grep -e '\.tmp-' -e '^x\.')" ] && ok || bad "files left behind: $(ls "$tmp")"

# figure --store and report --store: a tiny protocol study (2 optimizers x 3 seeds, about 0.5 s a point);
# the plotted seed means and standard errors against Python's own from `sweep export`.
cat >"$tmp/study.toml" <<'TOML'
command = "protocol"
[fixed]
steps-pretrain = 40
steps-finetune = 20
batch = 100
eval-batch = 200
test-seeds = 2
max-shots = 6
threads = 1
quiet = true
[axes]
optimizer = ["sgd", "adam"]
seed = [1, 2, 3]
TOML
"$bin" sweep "$tmp/study.toml" --store "$tmp/study.sqlite" >/dev/null 2>"$tmp/err" || bad "sweep: $(cat "$tmp/err")"
"$bin" sweep export --store "$tmp/study.sqlite" --format json >"$tmp/study.json" || bad "sweep export"
expect_reject "differ in optimizer besides the seed" figure --store "$tmp/study.sqlite" --out "$tmp/s.tex"
expect_reject "no point has the option 'heads'" figure --store "$tmp/study.sqlite" --where heads=2 --out "$tmp/s.tex"
expect_reject "no finished point matches" figure --store "$tmp/study.sqlite" --where optimizer=rmsprop --out "$tmp/s.tex"
expect_reject "is not NAME=VALUE" figure --store "$tmp/study.sqlite" --where optimizer --out "$tmp/s.tex"
expect_reject "give no figure name" figure pretrained --store "$tmp/study.sqlite" --where optimizer=sgd --out "$tmp/s.tex"
expect_reject "--where applies to --store only" figure pretrained --where optimizer=sgd --out "$tmp/s.tex"
printf 'command = "train"\n[fixed]\ntrainer = "sgd"\nloss = "zs"\nsteps = 5\nbatch = 50\n[axes]\nseed = [1]\n' >"$tmp/train.toml"
"$bin" sweep "$tmp/train.toml" --store "$tmp/train.sqlite" >/dev/null 2>"$tmp/err" || bad "sweep train: $(cat "$tmp/err")"
expect_reject "a study of 'train'" figure --store "$tmp/train.sqlite" --out "$tmp/s.tex"
printf 'not sqlite' >"$tmp/junk.sqlite"
expect_reject "junk.sqlite" figure --store "$tmp/junk.sqlite" --out "$tmp/s.tex"
expect_reject "junk.sqlite" report --fast --store "$tmp/junk.sqlite" --out "$tmp/rep-junk"
[ ! -e "$tmp/s.tex" ] && [ ! -e "$tmp/rep-junk" ] && ok || bad "a refused figure or report wrote something"
"$bin" figure --store "$tmp/study.sqlite" --where optimizer=adam --out "$tmp/s.tex" >"$tmp/out" 2>&1 ||
  bad "figure --store: $(cat "$tmp/out")"
grep -q "9 methods, 3 seeds" "$tmp/out" && ok || bad "figure --store summary: $(cat "$tmp/out")"
python3 - "$tmp/study.json" "$tmp/s.tex" <<'PY' && ok || bad "figure --store: plotted means or standard errors"
import json, math, re, sys
points = [p for p in json.load(open(sys.argv[1])) if p["options"]["optimizer"] == "adam"]
assert len(points) == 3
tex = open(sys.argv[2]).read()
# A log risk axis (every mean is positive), whose bars carry a clipped lower end (column errminus).
assert tex.count("ymode=log") == 2, tex.count("ymode=log")
blocks = re.findall(r"x y err(?: errminus)? \\\\\n(.*?)\};", tex, re.S)
names = re.findall(r"\\addlegendentry\{(.*?)\}", tex)
methods = [m["name"] for m in points[0]["result"]["methods"]]
assert len(blocks) == 2 * len(methods) == 18, (len(blocks), names)
for b, (field, m) in zip(blocks, [(f, m) for f in ("risk_target", "risk_opposite") for m in range(len(methods))]):
    rows = [list(map(float, r.split()[:3])) for r in b.strip().split("\n")]
    for n, mean, se in rows:
        xs = [next(e["mean"] for e in p["result"]["methods"][m][field] if e["n"] == n) for p in points]
        mu = sum(xs) / 3
        sd = math.sqrt(sum((x - mu) ** 2 for x in xs) / 2)
        assert abs(mean - mu) <= 1e-12 * abs(mu) and abs(se - sd / math.sqrt(3)) <= 1e-9 * max(sd, 1e-300), (m, n, mean, mu)
PY
if command -v gnuplot >/dev/null; then
  "$bin" figure --store "$tmp/study.sqlite" --where optimizer=sgd --out "$tmp/s.png" >/dev/null 2>&1 && image_check "$tmp/s.png" &&
    ok || bad "figure --store .png"
fi

# A softmax study (2 seeds, tiny): the report puts it under "Beyond linear attention".
printf 'command = "protocol"\n[fixed]\nattention = "softmax"\nsteps-pretrain = 20\nsteps-finetune = 10\nbatch = 50\neval-batch = 100\ntest-seeds = 1\nmax-shots = 4\nthreads = 1\nquiet = true\n[axes]\nseed = [1, 2]\n' >"$tmp/softmax.toml"
"$bin" sweep "$tmp/softmax.toml" --store "$tmp/softmax.sqlite" >/dev/null 2>"$tmp/err" || bad "sweep softmax: $(cat "$tmp/err")"

# The one-head protocol's output (exact curves, two pretrained models) with the LoRA methods: 18 methods.
printf 'command = "protocol"\n[fixed]\nlora-rank = 2\nsteps-pretrain = 20\nsteps-finetune = 10\nbatch = 50\nthreads = 1\nquiet = true\n[axes]\nseed = [1, 2]\n' >"$tmp/lora.toml"
"$bin" sweep "$tmp/lora.toml" --store "$tmp/lora.sqlite" >/dev/null 2>"$tmp/err" || bad "sweep lora: $(cat "$tmp/err")"
"$bin" figure --store "$tmp/lora.sqlite" --out "$tmp/lora.tex" 2>&1 | grep -q "wrote $tmp/lora.tex (18 methods, 2 seeds)" && ok ||
  bad "figure --store of a one-head LoRA study"

# The whole report, fast: >= 5 figures, every table as .tex and .csv, an index linking only existing files;
# the architectures section: 12 comparison figures, the architectures table, claim A linking them; the
# studies section: one figure and one table per optimizer of the study above.
"$bin" report --fast --quiet --store "$tmp/study.sqlite" --store "$tmp/softmax.sqlite" --out "$tmp/rep" >"$tmp/files" 2>"$tmp/err" ||
  bad "report: $(cat "$tmp/err")"
files=$((7 * 2 + 17 + 2 + 3 * 3))
command -v gnuplot >/dev/null && files=$((files + 17 + 3))
grep -q "wrote $files files" "$tmp/err" && ok || bad "report summary (want $files files): $(cat "$tmp/err")"
while read -r f; do [ -s "$f" ] || bad "listed but missing or empty: $f"; done <"$tmp/files"
[ "$(ls "$tmp/rep"/*.tex | wc -l)" -eq 30 ] && [ "$(ls "$tmp/rep"/*.csv | wc -l)" -eq 10 ] && ok || bad "report tables: $(ls "$tmp/rep")"
for t in risk-families risk-methods-target risk-methods-opposite optima w-star architectures verdicts; do
  [ -s "$tmp/rep/$t.tex" ] && [ -s "$tmp/rep/$t.csv" ] && ok || bad "report table $t"
done
if command -v gnuplot >/dev/null; then
  [ "$(ls "$tmp/rep"/*.png | wc -l)" -ge 5 ] && image_check "$tmp/rep"/*.png && ok || bad "report figures"
fi
python3 - "$tmp/rep" "$tmp/study.json" <<'PY' && ok || bad "index links a missing file, or the studies section"
import json, os, re, sys
root = sys.argv[1]
md = open(os.path.join(root, "index.md")).read()
html = open(os.path.join(root, "index.html")).read()
links = re.findall(r"\]\(([^)]+)\)", md) + re.findall(r'(?:href|src)="([^"]+)"', html)
assert len(links) > 40, len(links)
missing = [l for l in links if not os.path.isfile(os.path.join(root, l))]
assert not missing, missing
for claim in ["E", "C1", "C2", "C3", "C4", "C5", "C6", "H", "P", "T"]:
    assert re.search(r"^\| %s " % claim, md, re.M), claim
assert "NOTE C3.authors_fit" in md
# The architectures section: 12 comparison figures (H in 1, 2, 4; L in 1, 2; sgd, adam), each with 2 x 9
# series, the table with 12 x 9 rows, and claim A's row linking the figures and the table.
stems = ["comparison-h%d-l%d-%s" % (h, l, o) for o in ("sgd", "adam") for l in (1, 2) for h in (1, 2, 4)]
section = md[md.index("## Architectures (claim A)"):md.index("## Tables")]
assert "[architectures.csv](architectures.csv)" in section, section[:300]
for s in stems:
    assert "### " + s in section and "(%s.tex)" % s in section, s
    tex = open(os.path.join(root, s + ".tex")).read()
    assert tex.count("\\nextgroupplot") == 2 and tex.count("\\addlegendentry") == 18, s
row = re.search(r"^\| A .*$", md, re.M).group(0)
assert all("(%s.tex)" % s in row for s in stems) and "(architectures.csv)" in row, row
import csv
rows = list(csv.reader(open(os.path.join(root, "architectures.csv"))))
assert len(rows) == 1 + 12 * 9 and len(rows[0]) == 9, len(rows)
assert "<h2>Architectures (claim A)</h2>" in html
# The studies section: a figure and a table per optimizer; the table's seed means are Python's own.
studies = md[md.index("## Studies"):md.index("## Beyond linear attention")]
beyond = md[md.index("## Beyond linear attention"):md.index("## Tables")]
assert "(study-softmax.tex)" in beyond and "(study-softmax-table.csv)" in beyond and "(2 seeds)" in beyond, beyond[:400]
assert "softmax" not in studies, studies[:400]
assert "<h2>Beyond linear attention</h2>" in html
export = json.load(open(sys.argv[2]))
for opt in ("adam", "sgd"):
    stem = "study-study-optimizer-" + opt
    assert "(%s.tex)" % stem in studies and "(%s-table.csv)" % stem in studies, (stem, studies[:400])
    pts = [p for p in export if p["options"]["optimizer"] == opt]
    table = list(csv.reader(open(os.path.join(root, stem + "-table.csv"))))
    assert table[0][:2] == ["method", "theta0 n=0"] and table[0][9] == "rho theta0 n=6" and len(table) == 1 + 9, table[0]
    for i, r in enumerate(table[1:]):
        assert r[0] == pts[0]["result"]["methods"][i]["name"] and r[-1] == "3", r
        for col, field, n in ((1, "risk_target", 0), (3, "risk_target", 6), (5, "risk_opposite", 0), (7, "risk_opposite", 6)):
            xs = [next(e["mean"] for e in p["result"]["methods"][i][field] if e["n"] == n) for p in pts]
            assert abs(float(r[col]) - sum(xs) / 3) <= 1e-12 * abs(sum(xs)), (opt, r[0], col)
        # retention at n = 6 against each seed's pretrained model, 1 + s2 from the point's noise_std
        for col, field in ((9, "risk_target"), (11, "risk_opposite")):
            rhos = []
            for p in pts:
                level = 1 + p["result"]["noise_std"] ** 2
                at6 = lambda m: next(e["mean"] for e in m[field] if e["n"] == 6)
                pre = next(m for m in p["result"]["methods"] if m["name"] == "pretrained")
                if level - at6(pre) > 0:
                    rhos.append((level - at6(p["result"]["methods"][i])) / (level - at6(pre)))
            if rhos:
                assert abs(float(r[col]) - sum(rhos) / len(rhos)) <= 1e-9 * max(1, abs(sum(rhos))), (opt, r[0], col, r[col])
            else:
                assert r[col] == "-", (opt, r[0], col)
assert "<h2>Studies</h2>" in html
PY
[ -z "$(ls -a "$tmp/rep" | grep '\.tmp-')" ] && ok || bad "temporary files left in the report"

finish
