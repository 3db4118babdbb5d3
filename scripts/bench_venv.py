"""The peers' own venvs: made on first use from PyPI, checked by importing what they need."""
import os, subprocess, sys


def ensure_venv(venv, reqs, probe):
    """The Python of `venv`, made and filled with `reqs` unless `probe` (Python code) already
    runs there."""
    py = os.path.join(venv, "bin", "python")
    if os.path.exists(py) and subprocess.run([py, "-c", probe], capture_output=True).returncode == 0:
        return py
    print(f"installing {' '.join(reqs)} into {os.path.basename(venv)} (once)", flush=True)
    subprocess.run([sys.executable, "-m", "venv", venv], check=True)
    subprocess.run([py, "-m", "pip", "install", "-q", "--disable-pip-version-check"] + reqs, check=True)
    return py
