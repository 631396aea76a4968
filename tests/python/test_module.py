"""Tests of the Python module iclverify (docs/python.md), run by ctest (`python`) with
PYTHONPATH=build/python and ICLVERIFY=build/iclverify (the executable the module must agree with)."""

import copy
import json
import os
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
import unittest
from fractions import Fraction
from pathlib import Path

import numpy as np

import iclverify

EXECUTABLE = os.environ.get("ICLVERIFY", str(Path(__file__).resolve().parents[2] / "build" / "iclverify"))

# P(10/13) at d = 2, merged (docs/usage.md): its exact risk on theta = (3/5, 4/5) at n = 0..3, and at 20.
P_D2 = {"V": [[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 1]],
        "Q": [[0, 0, 0, 0], [0, "10/13", 0, 0], [0, 0, Fraction(10, 13), 0], [0, 0, 0, 0]]}
P_D2_RISK = [Fraction(11, 10), Fraction(1609, 1690), Fraction(887, 1170), Fraction(2143, 3380)]
THETA = ["3/5", "4/5"]


def cli(*args):
    """The executable's (status, stdout, stderr)."""
    r = subprocess.run([EXECUTABLE, *map(str, args)], capture_output=True, text=True, timeout=300)
    return r.returncode, r.stdout, r.stderr


def cli_json(*args, directory=None):
    """The executable's JSON; a file under `directory` is named by its base name, as the module names its own."""
    status, out, err = cli(*args, "--format", "json")
    if status not in (0, 1):
        raise AssertionError(f"iclverify {' '.join(map(str, args))}: exit {status}: {err}")
    return json.loads(out.replace(os.path.join(directory, ""), "") if directory else out)


def _with(a, index, value):
    a = a.copy()
    a[index] = value
    return a


class Risk(unittest.TestCase):
    def test_exact_risk_of_a_dict_equals_the_closed_form(self):
        got = iclverify.risk(P_D2, "0:3", "1/10", theta=THETA, exact=True)
        self.assertEqual(got, P_D2_RISK)
        self.assertTrue(all(isinstance(r, Fraction) for r in got))

    def test_double_risk_is_the_exact_risk_rounded(self):
        got = iclverify.risk(P_D2, [0, 1, 2, 3], Fraction(1, 10), theta=[Fraction(3, 5), Fraction(4, 5)])
        self.assertEqual(got.dtype, np.float64)
        np.testing.assert_allclose(got, [float(r) for r in P_D2_RISK], rtol=1e-15)

    def test_sphere_equals_the_fixed_task_for_the_pretrained_family(self):
        self.assertEqual(iclverify.risk(P_D2, [0, 1, 20], "1/10", task="sphere", exact=True),
                         [Fraction(11, 10), Fraction(1609, 1690), Fraction(191819, 745290)])

    def test_family_without_params(self):
        got = iclverify.risk(None, range(0, 4), "1/10", family="pretrained", gamma="20/26", d=5, exact=True)
        self.assertEqual(got, [Fraction(11, 10), Fraction(1217, 845), Fraction(18131, 15210), Fraction(6761, 6760)])

    def test_a_float_is_its_exact_binary_value(self):
        p = {"V": P_D2["V"], "Q": np.diag([0.0, 0.1, 0.1, 0.0])}
        as_float = iclverify.risk(p, [5], "1/10", theta=THETA, exact=True)
        binary = {"V": P_D2["V"], "Q": np.diag([0, Fraction(0.1), Fraction(0.1), 0]).astype(object)}
        decimal = {"V": P_D2["V"], "Q": np.diag([0, Fraction(1, 10), Fraction(1, 10), 0]).astype(object)}
        self.assertEqual(as_float, iclverify.risk(binary, [5], "1/10", theta=THETA, exact=True))
        self.assertNotEqual(as_float, iclverify.risk(decimal, [5], "1/10", theta=THETA, exact=True))
        # sigma2 as a float is its binary value too; as a string it is 1/10
        self.assertNotEqual(iclverify.risk(P_D2, [1], 0.1, theta=THETA, exact=True), [P_D2_RISK[1]])

    def test_monte_carlo_columns(self):
        got = iclverify.risk(P_D2, [0, 20], "1/10", theta=THETA, mc=20000, seed=3)
        self.assertEqual(set(got), {"n", "risk", "mc_mean", "mc_se", "z"})
        np.testing.assert_array_equal(got["n"], [0, 20])
        self.assertTrue(np.all(np.abs(got["z"]) < 4), got)
        self.assertTrue(np.all(got["mc_se"] > 0))

    def test_same_numbers_as_the_executable(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp, "p.json")
            path.write_text(json.dumps(P_D2, default=str))
            want = cli_json("risk", "--params", path, "--task", "sphere", "--sigma2", "1/10", "--shots", "0,1,7",
                            "--digits", "30")
        got = iclverify.risk(P_D2, [0, 1, 7], "1/10", task="sphere", digits=30)
        np.testing.assert_array_equal(got, [float(r["risk"]) for r in want["rows"]])


class Errors(unittest.TestCase):
    def test_bad_option_is_the_executables_message(self):
        status, _, err = cli("risk", "--family", "zs-full", "--c", "0", "--d", "5", "--sigma2", "1/10", "--shots", "0")
        self.assertEqual(status, 2)
        with self.assertRaises(ValueError) as e:
            iclverify.risk(None, [0], "1/10", family="zs-full", c=0, d=5)
        self.assertEqual("iclverify: error: " + str(e.exception), err.strip())

    def test_negative_sigma2(self):
        with self.assertRaisesRegex(ValueError, r"^--sigma2: '-1' is negative"):
            iclverify.risk(P_D2, [0], -1, theta=THETA)

    def test_unknown_keyword_is_a_type_error(self):
        with self.assertRaisesRegex(TypeError, "unexpected keyword argument 'gama'"):
            iclverify.grad(gama="10/13", d=2, sigma2="1/10", loss="zs")
        with self.assertRaises(TypeError):
            iclverify.risk(P_D2, [0], "1/10", theta=THETA, format="table")

    def test_bad_arrays(self):
        V, Q = np.eye(4), np.eye(4)
        cases = {
            "not a square matrix": {"V": V, "Q": np.ones((4, 3))},
            "does not match V": {"V": V, "Q": np.eye(5)},
            r"Q\[1\]\[2\]: nan is not a finite number": {"V": V, "Q": _with(Q, (1, 2), np.nan)},
            "inf is not a finite number": {"V": _with(V, (0, 0), np.inf), "Q": Q},
            "dtype complex128 is not a real number type": {"V": V.astype(complex), "Q": Q},
            "dtype bool is not a real number type": {"V": V > 0, "Q": Q},
            "is not a number": {"V": V, "Q": np.array([["a"] * 4] * 4)},
            "needs the keys V, Q": {"V": V, "W": Q},
            "is not L x H x 3 x D x D": np.zeros((1, 1, 4, 4, 4)),
            "is not a model": 3.5,
        }
        for message, params in cases.items():
            with self.subTest(message), self.assertRaisesRegex(ValueError, message):
                iclverify.risk(params, [0], "1/10", task="sphere")

    def test_gpu_tensor_says_move_it_to_the_cpu(self):
        class CudaTensor:  # what the module sees of a tensor on a GPU (this machine has none)
            class device:
                type = "cuda"

            def __array__(self):
                raise AssertionError("a GPU tensor must not be read")

        with self.assertRaisesRegex(ValueError, "move it to the CPU"):
            iclverify.risk({"V": CudaTensor(), "Q": np.eye(4)}, [0], "1/10", task="sphere")

    def test_huge_values_name_their_argument_and_stay_short(self):
        # a Fraction past Python's int-to-string limit: a ValueError naming the argument
        with self.assertRaises(ValueError) as e:
            iclverify.risk(P_D2, [0], Fraction(3, 7 ** 120000), theta=THETA)
        self.assertIn("--sigma2", str(e.exception))
        self.assertLess(len(str(e.exception)), 200)
        matrix = copy.deepcopy(P_D2)
        matrix["Q"][1][1] = Fraction(7 ** 120000, 3)
        with self.assertRaisesRegex(ValueError, r"Q\[1\]\[1\]: a number of about \d+ digits"):
            iclverify.risk(matrix, [0], "1/10", theta=THETA)
        # ten million shots: refused before converting them, in a short message
        start = time.monotonic()
        for shots in (list(range(10 ** 7)), np.arange(10 ** 7)):
            with self.assertRaises(ValueError) as e:
                iclverify.risk(P_D2, shots, "1/10", theta=THETA)
            self.assertRegex(str(e.exception), r"^--shots: 10000000 values, more than 1000000, the limit of a list$")
        self.assertLess(time.monotonic() - start, 10)
        # a long string reaches the command line, whose message quotes 60 characters of it
        with self.assertRaises(ValueError) as e:
            iclverify.risk(P_D2, ",".join(map(str, range(2 * 10 ** 6))), "1/10", theta=THETA)
        self.assertLess(len(str(e.exception)), 200)
        self.assertIn("characters)", str(e.exception))

    def test_nothing_is_left_behind(self):
        before = set(os.listdir(tempfile.gettempdir()))
        iclverify.risk(P_D2, [0], "1/10", task="sphere")
        with self.assertRaises(ValueError):
            iclverify.risk({"V": np.eye(4), "Q": np.eye(4)}, [0], "1/10", theta=[1, 2, 3])
        left = {f for f in set(os.listdir(tempfile.gettempdir())) - before if f.startswith("iclverify-")}
        self.assertEqual(left, set())


class JsonCommands(unittest.TestCase):
    """Every function returns the command's JSON: the same keys and, for exact commands, the same values."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.path = Path(self.tmp.name, "params.json")
        self.path.write_text(json.dumps(P_D2, default=str))

    def tearDown(self):
        self.tmp.cleanup()

    def test_exact_commands_equal_the_executable(self):
        p = str(self.path)
        cases = [
            (iclverify.grad, dict(loss="zs+fs", nft=5, sigma2="1/10", exact=True),
             ["grad", "--params", p, "--loss", "zs+fs", "--nft", "5", "--sigma2", "1/10", "--exact"]),
            (iclverify.optimum, dict(update="v", loss="zs", sigma2="1/10", shots="0,20"),
             ["optimum", "--params", p, "--update", "v", "--loss", "zs", "--sigma2", "1/10", "--shots", "0,20"]),
            (iclverify.curve, dict(theta=THETA, sigma2="1/10"),
             ["curve", "--params", p, "--theta", "3/5,4/5", "--sigma2", "1/10", "--symbolic"]),
        ]
        for function, kwargs, args in cases:
            with self.subTest(args[0]):
                self.assertEqual(function(P_D2, **kwargs), cli_json(*args, directory=self.tmp.name))

    def test_compare_names_the_models(self):
        got = iclverify.compare(P_D2, "pretrained:m=20", task="target", theta=THETA, sigma2="1/10")
        want = cli_json("compare", self.path, "pretrained:m=20", "--task", "target", "--theta", "3/5,4/5",
                        "--sigma2", "1/10", directory=self.tmp.name)
        self.assertEqual((got["a"], want["a"]), ("a.json", "params.json"))
        self.assertEqual({k: v for k, v in got.items() if k != "a"}, {k: v for k, v in want.items() if k != "a"})

    def test_slower_commands_have_the_executables_keys(self):
        cases = [
            (iclverify.prove, dict(only="C2.sets"), ["prove", "--only", "C2.sets"]),
            (iclverify.check, dict(only="C1.notebook_threshold"), ["check", "--only", "C1.notebook_threshold"]),
            (iclverify.hessian, dict(point="pretrained", d=2), ["hessian", "--point", "pretrained", "--d", "2"]),
            (iclverify.train, dict(trainer="exact-gd", loss="zs", init=P_D2, d=2, steps=5),
             ["train", "--trainer", "exact-gd", "--loss", "zs", "--init", str(self.path), "--d", "2", "--steps", "5"]),
            (iclverify.protocol, dict(steps_pretrain=5, steps_finetune=5, batch=50, threads=1, quiet=True),
             ["protocol", "--steps-pretrain", "5", "--steps-finetune", "5", "--batch", "50", "--threads", "1"]),
        ]
        for function, kwargs, args in cases:
            with self.subTest(args[0]):
                got, want = function(**kwargs), cli_json(*args, directory=self.tmp.name)
                self.assertEqual(set(got), set(want))
                for key in set(want) - {"seconds", "summary", "statements", "checks", "init"}:
                    if "seconds" not in json.dumps(want[key]):
                        self.assertEqual(got[key], want[key], key)

    def test_trained_matrices_equal_the_executables(self):
        got = iclverify.train(trainer="sgd", loss="zs", init=P_D2, d=2, steps=4, batch=30, seed=5, threads=1)
        want = cli_json("train", "--trainer", "sgd", "--loss", "zs", "--init", self.path, "--d", "2", "--steps", "4",
                        "--batch", "30", "--seed", "5", "--threads", "1", directory=self.tmp.name)
        self.assertEqual((got["V"], got["Q"], got["final_loss"]), (want["V"], want["Q"], want["final_loss"]))
        self.assertEqual((got["init"], want["init"]), ("init.json", "params.json"))

    def test_divergence_is_diverged_error(self):
        with self.assertRaisesRegex(iclverify.DivergedError, "diverged at step"):
            iclverify.train(trainer="exact-gd", loss="pretrain", lr=100, steps=100)
        self.assertTrue(issubclass(iclverify.DivergedError, RuntimeError))

    def test_docstrings_state_exactness_and_list_the_options(self):
        for name in ("risk", "grad", "optimum", "compare", "curve", "prove", "hessian", "train", "protocol", "check",
                     "diagnose"):
            doc = getattr(iclverify, name).__doc__
            self.assertIn("Exact", doc, name)
            self.assertIn("--", doc, name)


# d = 2, s2 = 1/10: P(gamma*(20)) = P(105/116), and F(1) along e_1 (THEORY.md section 3).
P_STAR_D2 = {"V": np.diag([0, 0, 0, 1]), "Q": np.diag([0, Fraction(105, 116), Fraction(105, 116), 0]).astype(object)}
F1_D2 = {"V": [[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0], [0, 1, 0, 1]], "Q": np.diag([1, 0, 0, 0])}


class Diagnose(unittest.TestCase):
    def test_verdicts_of_closed_form_points(self):
        collapsed = iclverify.diagnose(P_STAR_D2, F1_D2)
        self.assertEqual(collapsed["verdict"], "collapsed")
        self.assertEqual({t: r["rho"]["exact"] for t, r in collapsed["retention"].items()},
                         {"theta0": "0", "-theta0": "0", "sphere": "0"})
        self.assertEqual(collapsed["nearest"]["family"], "F(c)")
        kept = iclverify.diagnose(P_STAR_D2, P_STAR_D2, theta0=["3/5", "4/5"])
        self.assertEqual(kept["verdict"], "preserved")
        self.assertEqual({t: r["rho"]["exact"] for t, r in kept["retention"].items()},
                         {"theta0": "1", "-theta0": "1", "sphere": "1"})

    def test_same_json_as_the_executable(self):
        with tempfile.TemporaryDirectory() as tmp:
            for name, model in (("pre", P_STAR_D2), ("post", F1_D2)):
                Path(tmp, f"{name}.json").write_text(json.dumps({k: np.asarray(m).tolist() for k, m in model.items()},
                                                                default=str))
            want = cli_json("diagnose", "--pre", Path(tmp, "pre.json"), "--post", Path(tmp, "post.json"), "--shots",
                            "0,3,40", directory=tmp)
        self.assertEqual(iclverify.diagnose(P_STAR_D2, F1_D2, shots=[0, 3, 40]), want)

    def test_bad_input(self):
        d3 = {"V": np.eye(5), "Q": np.eye(5)}
        with self.assertRaisesRegex(ValueError, "differ in shape"):
            iclverify.diagnose(P_STAR_D2, d3)
        with self.assertRaisesRegex(ValueError, r"post: V\[3\]\[3\]: nan is not a finite number"):
            iclverify.diagnose(P_STAR_D2, {"V": _with(np.eye(4), (3, 3), np.nan), "Q": np.eye(4)})
        with self.assertRaisesRegex(ValueError, "--theta0: has 1 entries"):
            iclverify.diagnose(P_STAR_D2, F1_D2, theta0=[1])


INTERRUPTED_CHILD = textwrap.dedent("""
    import sys, time
    import iclverify
    call = {call}
    print("ready", flush=True)
    start = time.monotonic()
    try:
        call()
        print("finished", flush=True)
    except KeyboardInterrupt:
        print(f"interrupted after {{time.monotonic() - start:.2f}} s", flush=True)
    # the next command runs normally: the interrupt was cleared
    print(iclverify.risk(None, [0], "1/10", family="pretrained", gamma=1, d=5, exact=True), flush=True)
""")


class Verify(unittest.TestCase):
    ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))

    def test_paper_file_proved_and_issue_example_refuted(self):
        done = iclverify.verify(os.path.join(self.ROOT, "theorems", "c2_full_finetuning.toml"))
        self.assertIsInstance(done, list)
        self.assertTrue(done and all(d["verdict"] == "PROVED" for d in done))
        example = iclverify.verify([os.path.join(self.ROOT, "examples", "claims", "issue-example.toml")],
                                   only=["w*(n) is stationary"])
        self.assertEqual([d["verdict"] for d in example], ["REFUTED"])
        self.assertEqual(example[0]["counterexample"]["derivative"], "-1/4")

    def test_mutants_and_bad_files(self):
        done = iclverify.verify(os.path.join(self.ROOT, "theorems", "c2_full_finetuning.toml"),
                                only="collapse on theta0", mutate=True)
        self.assertGreater(done[0]["mutants"]["refuted"], 0)
        with tempfile.TemporaryDirectory() as tmp:
            bad = os.path.join(tmp, "bad.toml")
            with open(bad, "w") as f:
                f.write("[setting\n")
            with self.assertRaisesRegex(ValueError, "bad.toml: line 1, column"):
                iclverify.verify(bad)


class Interrupt(unittest.TestCase):
    """Ctrl-C in a long call is a KeyboardInterrupt within a few seconds, and the next call works."""

    def interrupt(self, call):
        child = subprocess.Popen([sys.executable, "-c", INTERRUPTED_CHILD.format(call=call)], stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True)
        try:
            self.assertEqual(child.stdout.readline().strip(), "ready")
            time.sleep(1.0)
            sent = time.monotonic()
            child.send_signal(signal.SIGINT)
            out, err = child.communicate(timeout=10)
        finally:
            child.kill()
        self.assertEqual(child.returncode, 0, err)
        self.assertLess(time.monotonic() - sent, 5)
        self.assertRegex(out, r"interrupted after \d+\.\d+ s\n\[Fraction\(11, 10\)\]")

    def test_other_threads_run_meanwhile(self):
        import threading
        call = threading.Thread(target=iclverify.train, kwargs=dict(trainer="sgd", loss="pretrain", steps=200,
                                                                    threads=1, quiet=True))
        ticks, start = 0, time.monotonic()
        call.start()
        while call.is_alive():
            time.sleep(0.01)
            ticks += 1
        call.join()
        elapsed = time.monotonic() - start
        self.assertGreater(elapsed, 0.3)  # the call took long enough to tell
        self.assertGreaterEqual(ticks, 10)  # this thread ran meanwhile (holding the GIL, the call would allow ~1)

    def test_train(self):
        self.interrupt('lambda: iclverify.train(trainer="sgd", loss="pretrain", steps=10**8, threads=1)')

    def test_protocol(self):
        self.interrupt("lambda: iclverify.protocol(steps_pretrain=10**8, threads=1)")

    def test_check(self):
        self.interrupt("lambda: iclverify.check(threads=1)")


# --- the authors' architecture in PyTorch --------------------------------------------------------------

try:
    import torch
except ImportError:  # ./run installs python3-torch; without it these tests fail, not skip
    torch = None


def _torch_model_class():
    class LinearAttention(torch.nn.Module):
        """The architecture of the authors' Transformer_F, written here: L layers of H heads of linear
        attention over the whole prompt Z (rows [1, x, y], the query's label 0). Each layer adds
        (1/H) sum_h S_h (Z V_h^T) / N with scores S_h = Z M_h Z^T, M_h = q_matrix (merged) or
        S_h = (Z Q_h^T)(Z K_h^T)^T (separate, with k_matrix); N is the number of rows. The prediction
        is the last row's last entry. Parameters: v_matrix, q_matrix (, k_matrix), L x H x 1 x D x D."""

        def __init__(self, layers, heads, d, separate, std, seed):
            super().__init__()
            g = torch.Generator().manual_seed(seed)
            names = ("v_matrix", "q_matrix", "k_matrix") if separate else ("v_matrix", "q_matrix")
            for name in names:
                self.register_parameter(name, torch.nn.Parameter(std * torch.randn(layers, heads, 1, d + 2, d + 2,
                                                                                   generator=g)))
            self.separate = separate

        def scores(self, Z, l, h):
            Q = self.q_matrix[l, h, 0]
            if not self.separate:
                return Z @ Q @ Z.transpose(1, 2)
            return (Z @ Q.T) @ (Z @ self.k_matrix[l, h, 0].T).transpose(1, 2)

        def forward(self, Z):
            layers, heads = self.v_matrix.shape[:2]
            for l in range(layers):
                update = sum(self.scores(Z, l, h) @ (Z @ self.v_matrix[l, h, 0].T) for h in range(heads))
                Z = Z + update / (heads * Z.shape[1])
            return Z[:, -1, -1]

        @property
        def allparam(self):
            names = ("v_matrix", "q_matrix", "k_matrix") if self.separate else ("v_matrix", "q_matrix")
            return torch.cat([getattr(self, n) for n in names], dim=2)

    return LinearAttention


def prompts(theta, n, batch, s2, g, dtype):
    """Z (batch x (n+1) x (d+2)) and the query's label; theta: a fixed task, or None for the sphere."""
    d = 5 if theta is None else len(theta)
    t = torch.randn(batch, d, generator=g, dtype=dtype)
    t = t / t.norm(dim=1, keepdim=True) if theta is None else torch.as_tensor(theta, dtype=dtype).expand(batch, d)
    x = torch.randn(batch, n + 1, d, generator=g, dtype=dtype)
    y = torch.einsum("bnd,bd->bn", x, t) + s2 ** 0.5 * torch.randn(batch, n + 1, generator=g, dtype=dtype)
    Z = torch.cat([torch.ones(batch, n + 1, 1, dtype=dtype), x, y[:, :, None]], dim=2)
    label = Z[:, -1, -1].clone()
    Z[:, -1, -1] = 0
    return Z, label


def train_in_torch(model, steps, batch, seed, lr=0.01, n=20, theta=None, adam=False, only=None):
    """SGD with momentum (or Adam) on prompts of n shots (default: pretraining, n = 20, sphere tasks;
    theta: fine-tuning on that task), s2 = 1/10, float32, gradients clipped at norm 1; `only` names
    the one parameter to train (value-only fine-tuning: "v_matrix")."""
    g = torch.Generator().manual_seed(seed)
    params = [getattr(model, only)] if only else list(model.parameters())
    opt = torch.optim.Adam(params, lr=lr) if adam else torch.optim.SGD(params, lr=lr, momentum=0.9)
    for _ in range(steps):
        Z, label = prompts(theta, n, batch, 0.1, g, torch.float32)
        loss = torch.mean((model(Z) - label) ** 2)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
    return model


class TorchModels(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if torch is None:
            raise AssertionError("python3-torch is not installed (./run installs it)")
        torch.set_num_threads(1)
        LinearAttention = _torch_model_class()
        cls.separate = train_in_torch(LinearAttention(1, 1, 5, True, 0.3, seed=1), 150, 200, seed=2)
        cls.merged = train_in_torch(LinearAttention(1, 1, 5, False, 0.3, seed=3), 150, 200, seed=4)
        cls.heads = train_in_torch(LinearAttention(1, 2, 5, True, 0.3, seed=5), 150, 200, seed=6)
        cls.layers = LinearAttention(2, 1, 5, False, 0.1, seed=7)

    def exact_from_npy(self, allparam, shots, task_args):
        """The executable's exact risk of a .npy written by NumPy from the same tensor."""
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp, "allparam.npy")
            np.save(path, allparam)
            out = cli_json("risk", "--params", path, "--sigma2", "1/10", "--shots", shots, "--exact", *task_args)
        return [r["risk"] for r in out["rows"]]

    def test_exact_risk_equals_the_executables_digit_for_digit(self):
        for name, model in (("separate", self.separate), ("heads", self.heads)):
            for task, task_args in (("sphere", ["--task", "sphere"]), ([1, 0, 0, 0, 0], ["--theta", "1,0,0,0,0"])):
                with self.subTest(name, task=task):
                    kw = dict(task="sphere") if task == "sphere" else dict(theta=task)
                    got = iclverify.risk(model, [0, 1, 20, 1000], "1/10", exact=True, **kw)
                    want = self.exact_from_npy(model.allparam.detach().numpy(), "0,1,20,1000", task_args)
                    self.assertEqual([str(r) for r in got], want)
                    self.assertEqual(model.allparam.dtype, torch.float32)

    def test_merged_model_equals_its_separate_form(self):
        # Q^T K = M with Q = M^T, K = I: the executable reads (V, M^T, I) as allparam (it has no merged .npy)
        v, m = self.merged.v_matrix.detach().numpy(), self.merged.q_matrix.detach().numpy()
        eye = np.broadcast_to(np.eye(7, dtype=np.float32), m.shape)
        separate = np.concatenate([v, np.swapaxes(m, -1, -2), eye], axis=2)
        got = iclverify.risk(self.merged, [0, 3, 20], "1/10", task="sphere", exact=True)
        self.assertEqual([str(r) for r in got], self.exact_from_npy(separate, "0,3,20", ["--task", "sphere"]))
        # the same model as a dict of its matrices, and as its allparam tensor
        as_dict = {"V": self.merged.v_matrix[0, 0, 0], "Q": self.merged.q_matrix[0, 0, 0]}
        self.assertEqual(iclverify.risk(as_dict, [0, 3, 20], "1/10", task="sphere", exact=True), got)
        self.assertEqual(iclverify.risk(self.merged.allparam, [0, 3, 20], "1/10", task="sphere", exact=True), got)

    def test_exact_risk_agrees_with_the_torch_forward_pass(self):
        g = torch.Generator().manual_seed(11)
        for name, model in (("separate", self.separate), ("merged", self.merged), ("heads", self.heads)):
            double = _torch_model_class()(*model.v_matrix.shape[:2], 5, model.separate, 0.0, 0)
            double.load_state_dict(model.state_dict())
            double = double.double()
            for theta in (None, [0.6, 0.8, 0, 0, 0]):
                for n in (0, 5, 20):
                    with self.subTest(name, theta=theta, n=n), torch.no_grad():
                        errors = torch.cat([(double(Z) - y) ** 2 for Z, y in
                                            (prompts(theta, n, 25000, 0.1, g, torch.float64) for _ in range(4))])
                        mean, se = errors.mean().item(), errors.std().item() / len(errors) ** 0.5
                        kw = dict(task="sphere") if theta is None else dict(theta=theta)
                        exact = iclverify.risk(model, [n], "1/10", **kw)[0]
                        self.assertLess(abs(mean - exact) / se, 4, (mean, se, exact))

    def test_two_layers_have_only_monte_carlo(self):
        with self.assertRaisesRegex(ValueError, "the exact two-layer engine covers d <= 3"):
            iclverify.risk(self.layers, [0], "1/10", task="sphere", exact=True)
        got = iclverify.risk(self.layers, [0, 5], "1/10", task="sphere", mc=20000, seed=1)
        self.assertEqual(set(got), {"n", "mc_mean", "mc_se"})

    def test_diagnose_of_fine_tunings_in_torch(self):
        """Pretrained by Adam, then zero-shot fine-tuned on theta0 = e_1 in torch: all parameters collapse
        ICL (C2, nearest F(c)); the value matrix alone keeps it (C4, nearest V(b, w)); no change keeps it."""
        LinearAttention = _torch_model_class()
        pre = train_in_torch(LinearAttention(1, 1, 5, False, 0.05, seed=1), 300, 200, seed=2, adam=True)
        e1 = [1.0, 0, 0, 0, 0]
        full = train_in_torch(copy.deepcopy(pre), 1000, 200, seed=3, n=0, theta=e1, adam=True)
        value = train_in_torch(copy.deepcopy(pre), 200, 200, seed=4, n=0, theta=e1, adam=True, only="v_matrix")
        cases = (("all", full, "collapsed", "F(c)"), ("v", value, "preserved", "V(b,w)"),
                 ("none", copy.deepcopy(pre), "preserved", "V(b,w)"))
        for name, post, verdict, family in cases:
            with self.subTest(name):
                got = iclverify.diagnose(pre, post, theta0=[1, 0, 0, 0, 0])
                self.assertEqual((got["verdict"], got["nearest"]["family"]), (verdict, family), got["retention"])
                self.assertEqual(set(got["retention"]), {"theta0", "-theta0", "sphere"})

    def test_a_tensor_that_requires_grad_is_read(self):
        self.assertTrue(self.separate.v_matrix.requires_grad)
        self.assertEqual(len(iclverify.risk(self.separate, [0, 1], "1/10", task="sphere")), 2)


if __name__ == "__main__":
    unittest.main()
