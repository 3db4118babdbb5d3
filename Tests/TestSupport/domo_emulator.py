"""A DOMO API emulator for Inlet's tests, written from DOMO's public developer docs.

Endpoints (as documented at developer.domo.com):
  GET /oauth/token?grant_type=client_credentials&scope=data   HTTP Basic client id/secret
      -> {"access_token", "customer", "expires_in", "jti", "role", "scope", "token_type", "userId"}
  GET /v1/datasets/{id}                                       Bearer token, scope data
      -> the DataSet object (id, name, description, rows, columns, schema.columns[], createdAt, updatedAt, ...)
  GET /v1/datasets/{id}/data?includeHeader=true               Bearer token, Accept: text/csv
      -> raw CSV

Error behaviour modelled on what DOMO does: bad client credentials -> 401 JSON; a missing or
expired token -> 401 JSON, except for text/csv requests where DOMO answers 406 with an HTML page;
a token without the data scope -> 403; an unknown dataset -> 404.

Usage: domo_emulator.py CONFIG.json LOG_PATH
  Binds 127.0.0.1 on a free port, prints "PORT <n>" on stdout, and appends "<METHOD> <path>" to
  LOG_PATH (flushed) as each request arrives, before answering, so tests can count requests;
  each issued token is logged as "ISSUED <token>" so tests can prove it never leaks.

CONFIG keys:
  client_id, client_secret, granted_scope ("data")
  expires_in          advertised token lifetime in seconds (default 3600)
  token_valid_seconds how long tokens really work (default: expires_in); shorter = "revoked" early
  datasets: {id: {name, columns: [{name, type}], csv, rows?, updatedAt?,
                  transfer: "chunked"|"length", chunk_size, chunk_delay,
                  drop_after_bytes, drop_times, stall_after_bytes, stall_seconds,
                  repeat_row, repeat_count}}   (csv += repeat_row * repeat_count, built here)
      drop_after_bytes cuts the connection after that many body bytes (on the first drop_times
      exports when drop_times is given, else always).
  faults: [{path, times, status?, retry_after?, body?, content_type?, drop?, delay?}]
      The first `times` requests to `path` (no query) get the fault instead of the normal answer.
"""

import base64
import json
import socket
import time
import uuid
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit

from emulator_base import LOCK, log_line, serve, start, take_fault

CONFIG = {}
TOKENS = {}  # token -> (valid_until, scope)

HTML_406 = (b"<!DOCTYPE html><html><head><title>Error 406 Not Acceptable</title></head>"
            b"<body><h2>HTTP ERROR 406</h2><p>Not Acceptable</p></body></html>")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # keep test output quiet
        pass

    # -- helpers -----------------------------------------------------------
    def send_json(self, status, obj, extra=None):
        body = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json;charset=UTF-8")
        self.send_header("Content-Length", str(len(body)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def send_error_json(self, status, reason, message, extra=None):
        self.send_json(status, {"status": status, "statusReason": reason, "message": message,
                                "toe": uuid.uuid4().hex.upper()}, extra)

    def drop_connection(self):
        self.close_connection = True
        try:
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def bearer_scope(self):
        auth = self.headers.get("Authorization", "")
        if not auth.startswith("Bearer "):
            return None
        with LOCK:
            entry = TOKENS.get(auth[len("Bearer "):])
        if entry is None or time.monotonic() >= entry[0]:
            return None
        return entry[1]

    # -- routing -----------------------------------------------------------
    def do_GET(self):
        url = urlsplit(self.path)
        log_line(f"GET {url.path}")
        fault = take_fault(url.path)
        if fault is not None:
            if fault.get("delay"):
                time.sleep(fault["delay"])
            if fault.get("drop"):
                self.drop_connection()
                return
            if "status" in fault:
                body = fault.get("body", json.dumps({"status": fault["status"], "message": "emulated fault"})).encode()
                self.send_response(fault["status"])
                self.send_header("Content-Type", fault.get("content_type", "application/json"))
                self.send_header("Content-Length", str(len(body)))
                if "retry_after" in fault:
                    self.send_header("Retry-After", str(fault["retry_after"]))
                self.end_headers()
                self.wfile.write(body)
                return
        if url.path == "/oauth/token":
            return self.token(parse_qs(url.query))
        parts = url.path.strip("/").split("/")
        if len(parts) >= 3 and parts[0] == "v1" and parts[1] == "datasets":
            if len(parts) == 3:
                return self.metadata(parts[2])
            if len(parts) == 4 and parts[3] == "data":
                return self.export(parts[2], parse_qs(url.query))
        self.send_error_json(404, "Not Found", "Not Found")

    def token(self, query):
        auth = self.headers.get("Authorization", "")
        try:
            user, _, password = base64.b64decode(auth[len("Basic "):]).decode().partition(":")
        except Exception:
            user, password = None, None
        if not auth.startswith("Basic ") or user != CONFIG["client_id"] or password != CONFIG["client_secret"]:
            return self.send_json(401, {"status": 401, "statusReason": "Unauthorized", "path": "/oauth/token",
                                        "message": "Bad credentials"})
        if query.get("grant_type") != ["client_credentials"]:
            return self.send_json(400, {"error": "unsupported_grant_type",
                                        "error_description": "Unsupported grant type"})
        granted = set(CONFIG.get("granted_scope", "data").split())
        requested = set(" ".join(query.get("scope", [])).split()) or granted
        if not requested <= granted:
            return self.send_json(400, {"error": "invalid_scope",
                                        "error_description": "Invalid scope: " + " ".join(sorted(requested))})
        expires_in = CONFIG.get("expires_in", 3600)
        valid = CONFIG.get("token_valid_seconds", expires_in)
        token = uuid.uuid4().hex + uuid.uuid4().hex
        with LOCK:
            TOKENS[token] = (time.monotonic() + valid, requested)
        log_line(f"ISSUED {token}")
        self.send_json(200, {"access_token": token, "customer": "emulator", "expires_in": expires_in,
                             "jti": str(uuid.uuid4()), "role": "Admin", "scope": " ".join(sorted(requested)),
                             "token_type": "bearer", "userId": 1})

    def authorize(self, wants_csv):
        scope = self.bearer_scope()
        if scope is None:
            if wants_csv:
                self.send_response(406)
                self.send_header("Content-Type", "text/html;charset=ISO-8859-1")
                self.send_header("Content-Length", str(len(HTML_406)))
                self.end_headers()
                self.wfile.write(HTML_406)
            else:
                self.send_error_json(401, "Unauthorized", "Full authentication is required to access this resource")
            return False
        if "data" not in scope:
            self.send_error_json(403, "Forbidden", "Access is denied")
            return False
        return True

    def metadata(self, dataset_id):
        if not self.authorize(False):
            return
        ds = CONFIG["datasets"].get(dataset_id)
        if ds is None:
            return self.send_error_json(404, "Not Found", "Not Found")
        csv_rows = max(0, len(ds["csv"].splitlines()) - 1)
        self.send_json(200, {
            "id": dataset_id, "name": ds["name"], "description": ds.get("description", ""),
            "rows": ds.get("rows", csv_rows), "columns": len(ds["columns"]),
            "schema": {"columns": ds["columns"]},
            "owner": {"id": 27, "name": "Emulated Owner"},
            "createdAt": "2024-01-02T03:04:05Z", "updatedAt": ds.get("updatedAt", "2026-11-20T08:00:00Z"),
            "dataCurrentAt": ds.get("updatedAt", "2026-11-20T08:00:00Z"), "pdpEnabled": False,
        })

    def export(self, dataset_id, query):
        accept = self.headers.get("Accept", "")
        if not self.authorize("text/csv" in accept):
            return
        ds = CONFIG["datasets"].get(dataset_id)
        if ds is None:
            return self.send_error_json(404, "Not Found", "Not Found")
        data = ds["csv"].encode()
        if query.get("includeHeader", ["false"])[0].lower() != "true":
            data = data.split(b"\n", 1)[1] if b"\n" in data else b""
        chunked = ds.get("transfer", "chunked") == "chunked"
        self.send_response(200)
        self.send_header("Content-Type", "text/csv;charset=UTF-8")
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.flush()

        size = max(1, ds.get("chunk_size", 4096))
        delay = ds.get("chunk_delay", 0)
        drop_after = ds.get("drop_after_bytes")
        if drop_after is not None and "drop_times" in ds:
            with LOCK:
                if ds["drop_times"] > 0:
                    ds["drop_times"] -= 1
                else:
                    drop_after = None
        stall_after = ds.get("stall_after_bytes")
        sent = 0
        stalled = False
        while sent < len(data):
            piece = data[sent:sent + size]
            if drop_after is not None and sent + len(piece) > drop_after:
                piece = piece[:max(0, drop_after - sent)]
                self.write_piece(piece, chunked)
                self.drop_connection()
                return
            self.write_piece(piece, chunked)
            sent += len(piece)
            if stall_after is not None and not stalled and sent >= stall_after:
                stalled = True
                time.sleep(ds.get("stall_seconds", 5))
            if delay:
                time.sleep(delay)
        if drop_after is not None and drop_after >= len(data):
            self.drop_connection()  # all bytes sent, but the stream's end never comes
            return
        if chunked:
            self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def write_piece(self, piece, chunked):
        if not piece:
            return
        try:
            if chunked:
                self.wfile.write(b"%x\r\n" % len(piece) + piece + b"\r\n")
            else:
                self.wfile.write(piece)
            self.wfile.flush()
        except OSError:
            pass


def main():
    global CONFIG
    CONFIG = start()
    for ds in CONFIG.get("datasets", {}).values():
        # Volume tests: the body is built here, so the Swift test process never holds it.
        if "repeat_row" in ds:
            ds["csv"] += ds["repeat_row"] * ds.get("repeat_count", 1)
    serve(Handler)


if __name__ == "__main__":
    main()
