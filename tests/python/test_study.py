"""iclverify.study(store): a sweep's store as a pandas DataFrame, checked against `sweep export` of the
executable (run with PYTHONPATH=build/python and ICLVERIFY=build/iclverify)."""
import json
import os
import subprocess
import tempfile
import unittest
from pathlib import Path

import iclverify

EXECUTABLE = os.environ.get("ICLVERIFY", str(Path(__file__).resolve().parents[2] / "build" / "iclverify"))

STUDY = """command = "risk"
[fixed]
family = "pretrained"
shots = "0,5"
m = 20
[axes]
d = [1, 3]
sigma2 = ["0", "1/10"]
"""


class Study(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.TemporaryDirectory()
        cls.store = os.path.join(cls.dir.name, "s.sqlite")
        study = os.path.join(cls.dir.name, "s.toml")
        Path(study).write_text(STUDY)
        subprocess.run([EXECUTABLE, "sweep", study, "--store", cls.store, "--quiet"], check=True)
        cls.export = json.loads(subprocess.run([EXECUTABLE, "sweep", "export", "--store", cls.store],
                                               check=True, capture_output=True, text=True).stdout)

    @classmethod
    def tearDownClass(cls):
        cls.dir.cleanup()

    def test_rows_are_the_export(self):
        frame = iclverify.study(self.store)
        self.assertEqual(len(frame), 4)
        self.assertEqual(list(frame.columns[:7]), ["d", "family", "m", "shots", "sigma2", "result", "error"])
        for (_, row), point in zip(frame.iterrows(), self.export):
            self.assertEqual(row["result"], point["result"])
            self.assertEqual(int(row["d"]), point["options"]["d"])
            self.assertEqual(row["sigma2"], point["options"]["sigma2"])
        self.assertNotIn("seconds", frame.columns)
        # A point's row holds what the command prints for its options.
        row = frame[(frame["d"] == 3) & (frame["sigma2"] == "1/10")].iloc[0]
        direct = json.loads(subprocess.run(
            [EXECUTABLE, "risk", "--family", "pretrained", "--m", "20", "--shots", "0,5", "--d", "3", "--sigma2",
             "1/10", "--format", "json"], check=True, capture_output=True, text=True).stdout)
        self.assertEqual(row["result"], direct)
        self.assertNotEqual(frame.iloc[0]["result"], direct)  # the rows differ: the lookup could fail

    def test_bad_store_is_a_value_error(self):
        bad = os.path.join(self.dir.name, "text.sqlite")
        Path(bad).write_text("not a database")
        with self.assertRaisesRegex(ValueError, "text.sqlite: .*not an SQLite database"):
            iclverify.study(bad)
        with self.assertRaisesRegex(ValueError, "no such store"):
            iclverify.study(os.path.join(self.dir.name, "none.sqlite"))


if __name__ == "__main__":
    unittest.main()
