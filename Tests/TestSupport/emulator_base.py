"""What the stdlib test emulators share (DOMO's and the REST API's): the request log, the
fault list, the lifeline on stdin, and serving on 127.0.0.1 with the port printed first.

Usage from an emulator: CONFIG = start(); ...; serve(Handler). Both read sys.argv
(CONFIG.json LOG_PATH), as ScriptServer.swift starts them."""
import json
import os
import signal
import sys
import threading
from http.server import ThreadingHTTPServer

LOCK = threading.Lock()   # also the emulators' own lock for their state
_log = None
_faults = []


def log_line(text):
    """One line of the request log, written before the answer, so a test sees it at once."""
    with LOCK:
        _log.write(text + "\n")
        _log.flush()


def take_fault(path):
    """The next fault configured for `path` (no query), counting down its `times`."""
    with LOCK:
        for fault in _faults:
            if fault["path"] == path and fault.get("times", 1) > 0:
                fault["times"] = fault.get("times", 1) - 1
                return dict(fault)
    return None


def _exit_when_parent_goes():
    sys.stdin.buffer.read()
    os._exit(0)


def start():
    """Reads the config, opens the log and starts the lifeline: the emulator exits when its
    stdin closes, so none outlives its test."""
    global _log, _faults
    # Spawned from a test runner thread, we may inherit a mask that blocks SIGTERM.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM, signal.SIGINT])
    threading.Thread(target=_exit_when_parent_goes, daemon=True).start()
    with open(sys.argv[1]) as f:
        config = json.load(f)
    _faults = config.get("faults", [])
    _log = open(sys.argv[2], "a")
    return config


def serve(handler):
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    print(f"PORT {server.server_address[1]}", flush=True)
    server.serve_forever()
