"""The checker's own exact risk (checker/check_certificate.py) against THEORY.md's closed forms
(section 3), exactly, and its H-head form against one head where the tensor T is the same; each
check with a deliberately wrong variant that must fail. Run: python3 -m unittest discover -s tests/checker"""
import os
import sys
import unittest
from fractions import Fraction as Q

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "checker"))
import check_certificate as C  # noqa: E402

ZERO = {b: Q(0) for b in C.M_BLOCKS}


def risk(heads, d, s2, task, n):
    return C.scaled_risk(C.risk_terms(heads, d, s2, task), n) / (n + 1) ** 2


def M(**blocks):
    out = dict(ZERO)
    out.update({k: Q(v) for k, v in blocks.items()})
    return out


def v(v0=0, x=0, y=0):
    return {"0": Q(v0), "x": Q(x), "y": Q(y)}


def r_pre(g, d, s2, n):
    N = n + 1
    return 1 + s2 - 2 * g * n / N + g * g * n * (n + d + 1 + d * s2) / N ** 2


def r_zs(c, d, s2, n, sign):
    N = n + 1
    if sign > 0:
        return Q(n, N) ** 2 + s2 + Q(n, N ** 2) * ((1 + 1 / c) ** 2 + s2 / c ** 2)
    return (1 + Q(1, N)) ** 2 + s2 + Q(n, N ** 2) * ((1 - 1 / c) ** 2 + s2 / c ** 2)


def r_v(b, w, d, s2, n, sign):
    N, c = n + 1, b + w * sign  # b = b theta0, theta = sign theta0: c.theta = (b + w sign) sign
    ct, bt = c * sign, b * sign
    return (1 + s2 - Q(2, N) * (n * ct + (d + 2) * bt)
            + Q(1, N ** 2) * (n * (n + d + 1) * c * c + w * w * n * d * s2 + (d + 2) * (d + 4) * b * b
                              + 2 * n * (d + 2) * b * c))


POINTS = [(d, s2, n) for d in (1, 2, 3, 5) for s2 in (Q(0), Q(1, 10)) for n in (0, 1, 3)]


class ClosedForms(unittest.TestCase):
    def test_pretrained_every_task(self):
        g = Q(10, 13)
        for d, s2, n in POINTS:
            for task in ("theta0", "-theta0", "sphere"):
                self.assertEqual(risk([(v(y=1), M(xx_I=g))], d, s2, task, n), r_pre(g, d, s2, n))
        # mutant: gamma on the P part only (not gamma I) differs for d >= 2
        self.assertNotEqual(risk([(v(y=1), M(xx_P=g))], 3, Q(1, 10), "sphere", 2), r_pre(g, 3, Q(1, 10), 2))

    def test_zero_shot_full(self):
        c = Q(3, 2)
        for d, s2, n in POINTS:
            for task, sign in (("theta0", 1), ("-theta0", -1)):
                self.assertEqual(risk([(v(x=c, y=1), M(**{"00": 1 / c}))], d, s2, task, n), r_zs(c, d, s2, n, sign))
        self.assertNotEqual(risk([(v(x=c, y=1), M(**{"00": 1 / c}))], 2, Q(1, 10), "theta0", 2),
                            r_zs(c, 2, Q(1, 10), 2, -1))  # mutant: the task's sign

    def test_value_only(self):
        w = Q(2, 3)
        for d, s2, n in POINTS:
            b = Q(1, d + 4)
            for task, sign in (("theta0", 1), ("-theta0", -1)):
                self.assertEqual(risk([(v(x=b, y=w), M(xx_I=1))], d, s2, task, n), r_v(b, w, d, s2, n, sign))
        self.assertEqual(risk([(v(x=Q(1, 9), y=w), M(xx_I=1))], 5, Q(1, 10), "theta0", 0), Q(29, 90))
        self.assertNotEqual(risk([(v(x=Q(1, 9), y=w), M(xx_I=1))], 5, Q(1, 10), "theta0", 0), Q(2, 9) + Q(1, 10) + 1)


class Heads(unittest.TestCase):
    """yhat depends on the heads only through T = (1/H) sum_h M_h (x) v_h (docs/architectures.md 1)."""

    a = (v(1, 2, 1), M(**{"00": 1, "0x": Q(1, 2), "0y": 2, "x0": -1, "xx_I": Q(1, 3), "xx_P": 1, "xy": Q(1, 5)}))
    b = (v(0, -1, 2), M(**{"00": -2, "0x": 1, "0y": Q(1, 3), "x0": 2, "xx_I": 1, "xx_P": -1, "xy": 1}))

    def test_equal_heads_are_one_head(self):
        for task in ("theta0", "-theta0", "sphere"):
            for d in (1, 2, 4):
                self.assertEqual(risk([self.a, self.a, self.a], d, Q(1, 10), task, 3), risk([self.a], d, Q(1, 10), task, 3))

    def test_heads_sharing_v_average_their_M(self):
        (va, Ma), (_, Mb) = self.a, self.b
        mean = {k: (Ma[k] + Mb[k]) / 2 for k in Ma}
        for task in ("theta0", "sphere"):
            for d in (1, 3):
                self.assertEqual(risk([(va, Ma), (va, Mb)], d, Q(1, 7), task, 2), risk([(va, mean)], d, Q(1, 7), task, 2))
        # mutant: the heads' own sum instead of T's: the cross terms matter
        self.assertNotEqual(risk([self.a, self.b], 3, Q(1, 7), "sphere", 2),
                            (risk([self.a], 3, Q(1, 7), "sphere", 2) + risk([self.b], 3, Q(1, 7), "sphere", 2)) / 2)

    def test_heads_sharing_M_average_their_v(self):
        (va, Ma), (vb, _) = self.a, self.b
        mean = {k: (va[k] + vb[k]) / 2 for k in va}
        self.assertEqual(risk([(va, Ma), (vb, Ma)], 3, Q(1, 7), "sphere", 4), risk([(mean, Ma)], 3, Q(1, 7), "sphere", 4))


if __name__ == "__main__":
    unittest.main()
