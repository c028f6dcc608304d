"""Step 2: fit y = a*x + b to /data/points.csv by gradient descent; write /data/model.json.

It reports which device it trains on. The engine grants a GPU by setting
NVIDIA_VISIBLE_DEVICES (and, with the NVIDIA Container Toolkit, by adding /dev/nvidia*);
this tiny model runs on the CPU either way, and without a GPU it says so and goes on.
What it saw is recorded in /data/gpu.json.
"""

import csv
import os
import shutil
import subprocess
import sys

from common import GPU, MODEL, POINTS, log, write_json

EPOCHS = int(os.environ.get("EPOCHS", "2000"))
LEARNING_RATE = 0.1


def gpu_seen():
    visible = os.environ.get("NVIDIA_VISIBLE_DEVICES", "")
    requested = visible not in ("", "void", "none")
    device = os.path.exists("/dev/nvidia0")
    smi = False
    if requested and not device and shutil.which("nvidia-smi"):
        smi = subprocess.run(["nvidia-smi", "-L"], capture_output=True, timeout=20).returncode == 0
    return {"NVIDIA_VISIBLE_DEVICES": visible or None, "device_present": device or smi, "used": requested and (device or smi)}


def load_points():
    with open(POINTS, newline="", encoding="utf-8") as f:
        rows = [(float(r["x"]), float(r["y"])) for r in csv.DictReader(f)]
    if len(rows) < 2:
        raise SystemExit(f"train: {POINTS} has {len(rows)} points; at least 2 are needed")
    return rows


def fit(points):
    """Least squares by full-batch gradient descent on standardized x."""
    n = len(points)
    mean = sum(x for x, _ in points) / n
    std = (sum((x - mean) ** 2 for x, _ in points) / n) ** 0.5 or 1.0
    w = b = 0.0
    for _ in range(EPOCHS):
        gw = gb = 0.0
        for x, y in points:
            err = w * (x - mean) / std + b - y
            gw += err * (x - mean) / std
            gb += err
        w -= LEARNING_RATE * 2 * gw / n
        b -= LEARNING_RATE * 2 * gb / n
    slope = w / std
    intercept = b - w * mean / std
    mse = sum((slope * x + intercept - y) ** 2 for x, y in points) / n
    return slope, intercept, mse


def main():
    gpu = gpu_seen()
    if gpu["used"]:
        log("train", f"using GPU {gpu['NVIDIA_VISIBLE_DEVICES']}")
    else:
        log("train", "no GPU visible, training on CPU")
    write_json(GPU, gpu)
    points = load_points()
    slope, intercept, mse = fit(points)
    write_json(MODEL, {"kind": "linear", "slope": slope, "intercept": intercept, "mse": mse, "samples": len(points), "epochs": EPOCHS})
    log("train", f"y = {slope:.4f} x + {intercept:.4f} (mse {mse:.4f}, {len(points)} points) -> {MODEL}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
