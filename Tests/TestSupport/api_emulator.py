"""A paginated JSON API emulator for Inlet's REST API tests and benchmark (stdlib only).

Usage: api_emulator.py CONFIG.json LOG_PATH
  Binds 127.0.0.1 on a free port, prints "PORT <n>" on stdout, and appends one line per request
  to LOG_PATH (flushed, before answering): "<METHOD> <path>?<query> auth=<Authorization header>
  at=<epoch seconds of arrival>". Each token it issues is logged as "ISSUED <token>", each request
  refused for its credentials as "REJECTED <path>", each answer with Retry-After as
  "RETRY_AFTER <path> <epoch before which a retry is early>", and the number of resource requests
  being answered at once as "INFLIGHT <n> <path>". It exits when its stdin closes.

CONFIG keys:
  auth: {type: none|bearer|api_key|basic|oauth2, token, name, location: header|query, value,
         username, password, client_id, client_secret, auth_style: basic|body,
         expires_in (advertised, default 3600), valid_seconds (real lifetime; shorter = revoked early),
         token_delay_seconds (the token endpoint answers this late)}
         Requests to resources without the right credentials get 401 with an HTML page.
  resources: {PATH: RESOURCE}   PATH may hold {name} segments (child resources).
    RESOURCE keys:
      records: [objects] | file: NDJSON path (served as is, for the benchmark)
      per_parent: N        for a {name} path: N records generated per parent value
      paginator: header_link | json_link | cursor | stripe | offset | page_number | single | loop
      page_size (default 10), wrap: "data" (records under that key) or "$" (a bare array)
      cursor_field, since_param: records with cursor_field >= the since_param's value (ISO text)
      status: fixed status with body `body` (content_type default text/html) for 401/403 tests
      delay_seconds: each answer is held this long (children overlap; a token ages meanwhile)
      insert_after_page: {after: N, record, at}: once N pages were served, insert `record` at
                         index `at` (default 0), as a source does under a running export
  faults: [{path, times, status?, retry_after?, body?, drop_mid_body?}]
      The first `times` requests to PATH (no query; /oauth/token included) get the fault: a status (with Retry-After:
      a number of seconds, or "date:N" for an HTTP date N seconds ahead), or a body cut off
      after half its bytes (the connection closes early).
  rate_limit: {per_window: N, window_seconds: S}: fixed windows of N requests; every answer
      carries X-RateLimit-Remaining and X-RateLimit-Reset (epoch seconds), and a request past
      the window's N gets 429 (logged as "RATE_LIMITED <path>"), as GitHub's API does.
Control (tests change the data between or during runs):
  POST /_control/insert {"path": P, "record": {...}, "at": index}
  POST /_control/update {"path": P, "id": X, "set": {...}}
"""

import base64
import json
import re
import socket
import time
import uuid
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlencode, urlsplit

from emulator_base import LOCK, log_line, serve, start, take_fault

CONFIG = {}
TOKENS = {}  # token -> valid until
WINDOW = {"start": 0.0, "used": 0}  # the rate limit's current window
INFLIGHT = {"n": 0}  # resource requests being answered
PAGES = {}   # path -> list of page bodies (bytes) for file-backed resources

UNAUTHORIZED = b"<!DOCTYPE html><html><head><title>401 Unauthorized</title></head><body><h1>Unauthorized</h1></body></html>"


def match(path):
    """The resource config and the {name} values for a request path."""
    resources = CONFIG.get("resources", {})
    if path in resources:
        return resources[path], {}
    for pattern, res in resources.items():
        names = re.findall(r"\{(\w+)\}", pattern)
        if not names:
            continue
        rx = "^" + re.sub(r"\\\{\w+\\\}", "([^/]+)", re.escape(pattern)) + "$"
        m = re.match(rx, path)
        if m:
            return res, dict(zip(names, m.groups()))
    return None, {}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def send(self, status, body, content_type="application/json", extra=None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def body_bytes(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def do_POST(self):
        url = urlsplit(self.path)
        body = self.body_bytes()
        log_line(f"POST {self.path} auth={self.headers.get('Authorization', '')} body={body.decode(errors='replace')} at={time.time():.6f}")
        if url.path == "/oauth/token":
            return self.token(body)
        if url.path == "/_control/insert":
            c = json.loads(body)
            with LOCK:
                records = CONFIG["resources"][c["path"]]["records"]
                records.insert(c.get("at", len(records)), c["record"])
            return self.send(200, b"{}")
        if url.path == "/_control/update":
            c = json.loads(body)
            with LOCK:
                for r in CONFIG["resources"][c["path"]]["records"]:
                    if r.get("id") == c["id"]:
                        r.update(c["set"])
            return self.send(200, b"{}")
        return self.serve(url, json.loads(body) if body else None)

    def do_GET(self):
        url = urlsplit(self.path)
        log_line(f"GET {self.path} auth={self.headers.get('Authorization', '')} at={time.time():.6f}")
        self.serve(url, None)

    # -- auth ------------------------------------------------------------------
    def token(self, body):
        auth = CONFIG.get("auth", {})
        if self.fault_answered(take_fault("/oauth/token"), "/oauth/token"):
            return
        time.sleep(auth.get("token_delay_seconds", 0))
        form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
        if auth.get("auth_style", "basic") == "basic":
            expected = "Basic " + base64.b64encode(f"{auth['client_id']}:{auth['client_secret']}".encode()).decode()
            ok = self.headers.get("Authorization") == expected
        else:
            ok = form.get("client_id") == auth["client_id"] and form.get("client_secret") == auth["client_secret"]
        if not ok or form.get("grant_type") != "client_credentials":
            return self.send(401, json.dumps({"error": "invalid_client"}).encode())
        token = "tok-" + uuid.uuid4().hex
        expires_in = auth.get("expires_in", 3600)
        with LOCK:
            TOKENS[token] = time.time() + auth.get("valid_seconds", expires_in)
        log_line(f"ISSUED {token}")
        self.send(200, json.dumps({"access_token": token, "token_type": "bearer", "expires_in": expires_in}).encode())

    def authorized(self, query):
        auth = CONFIG.get("auth", {"type": "none"})
        kind = auth.get("type", "none")
        header = self.headers.get("Authorization", "")
        if kind == "none":
            return True
        if kind == "bearer":
            return header == "Bearer " + auth["token"]
        if kind == "api_key":
            if auth.get("location", "header") == "query":
                return query.get(auth["name"], [None])[0] == auth["value"]
            return self.headers.get(auth["name"]) == auth["value"]
        if kind == "basic":
            return header == "Basic " + base64.b64encode(f"{auth['username']}:{auth['password']}".encode()).decode()
        if kind == "oauth2":
            token = header[len("Bearer "):] if header.startswith("Bearer ") else ""
            with LOCK:
                return TOKENS.get(token, 0) > time.time()
        return False

    # -- resources -------------------------------------------------------------
    def serve(self, url, json_body):
        with LOCK:
            INFLIGHT["n"] += 1
            now = INFLIGHT["n"]
        log_line(f"INFLIGHT {now} {url.path}")
        try:
            self.answer(url, json_body)
        finally:
            with LOCK:
                INFLIGHT["n"] -= 1

    def fault_answered(self, fault, path):
        """Answers with `fault`'s status (and Retry-After) if it has one."""
        if not fault or "status" not in fault:
            return False
        extra = {}
        ra = fault.get("retry_after")
        if ra is not None:
            if str(ra).startswith("date:"):
                stamp = time.time() + float(ra[5:])
                extra["Retry-After"] = formatdate(stamp, usegmt=True)
                not_before = float(int(stamp))   # the date has whole seconds
            else:
                extra["Retry-After"] = str(ra)
                not_before = time.time() + float(ra)
            log_line(f"RETRY_AFTER {path} {not_before:.6f}")
        self.send(fault["status"], fault.get("body", "busy").encode(), fault.get("content_type", "text/plain"), extra)
        return True

    def answer(self, url, json_body):
        query = parse_qs(url.query, keep_blank_values=True)
        res, values = match(url.path)
        if res is None:
            return self.send(404, b'{"message": "Not Found"}')
        limited, limit_headers = self.rate_limit()
        if limited:
            log_line(f"RATE_LIMITED {url.path}")
            return self.send(429, b'{"message": "API rate limit exceeded"}', "application/json", limit_headers)
        fault = take_fault(url.path)
        if self.fault_answered(fault, url.path):
            return
        time.sleep(res.get("delay_seconds", 0))
        if "status" in res:
            return self.send(res["status"], res.get("body", "").encode(), res.get("content_type", "text/html"))
        if not self.authorized(query):
            log_line(f"REJECTED {url.path}")
            return self.send(401, UNAUTHORIZED, "text/html")
        body, headers = self.page(url, query, res, values)
        if fault and fault.get("drop_mid_body"):
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        self.send(200, body, "application/json", {**headers, **limit_headers})

    def rate_limit(self):
        """(refused, headers) under CONFIG's rate_limit: fixed windows of per_window requests."""
        limit = CONFIG.get("rate_limit")
        if not limit:
            return False, {}
        now = time.time()
        with LOCK:
            if now >= WINDOW["start"] + limit["window_seconds"]:
                WINDOW["start"], WINDOW["used"] = now, 0
            refused = WINDOW["used"] >= limit["per_window"]
            if not refused:
                WINDOW["used"] += 1
            remaining = limit["per_window"] - WINDOW["used"]
            reset = WINDOW["start"] + limit["window_seconds"]
        return refused, {"X-RateLimit-Remaining": str(remaining), "X-RateLimit-Reset": str(int(reset) + 1)}

    def records_for(self, res, values, query):
        if "per_parent" in res:
            parent = next(iter(values.values()))
            return [{"id": f"{parent}-{k}", "parent": parent, "text": f"comment {k} on {parent}"} for k in range(res["per_parent"])]
        with LOCK:
            records = list(res.get("records", []))
        since = res.get("since_param")
        if since and since in query:
            start = query[since][0]
            records = [r for r in records if r.get(res["cursor_field"]) is not None and str(r[res["cursor_field"]]) >= start]
        return records

    def page(self, url, query, res, values):
        kind = res.get("paginator", "single")
        size = int(res.get("page_size", 10))
        base = f"http://127.0.0.1:{self.server.server_address[1]}{url.path}"
        wrap = res.get("wrap", "data")

        def link(**changes):
            q = {k: v[0] for k, v in query.items()}
            q.update({k: str(v) for k, v in changes.items()})
            return base + "?" + urlencode(q)

        if "file" in res:
            return self.file_page(url.path, query, res)
        records = self.records_for(res, values, query)
        headers = {}
        extra = {}
        if kind in ("header_link", "json_link", "page_number", "loop"):
            page = int(query.get("page", ["1"])[0])
            chunk = records[(page - 1) * size: page * size]
            more = page * size < len(records)
            if kind == "header_link" and more:
                headers["Link"] = f'<{link(page=page + 1)}>; rel="next", <{link(page=1)}>; rel="first"'
            if kind == "json_link":
                extra["links"] = {"next": link(page=page + 1) if more else None}
            if kind == "loop":
                extra["links"] = {"next": link(page=2)}
            if kind == "page_number":
                extra["total_pages"] = (len(records) + size - 1) // size
        elif kind == "cursor":
            start = int(base64.b64decode(query["cursor"][0]).decode()) if "cursor" in query else 0
            chunk = records[start: start + size]
            more = start + size < len(records)
            extra["response_metadata"] = {"next_cursor": base64.b64encode(str(start + size).encode()).decode() if more else ""}
        elif kind == "stripe":
            after = query.get("starting_after", [None])[0]
            start = 0
            if after is not None:
                start = next(i for i, r in enumerate(records) if str(r["id"]) == after) + 1
            chunk = records[start: start + size]
            extra["has_more"] = start + size < len(records)
        elif kind == "offset":
            offset = int(query.get("offset", ["0"])[0])
            limit = min(int(query.get("limit", [str(size)])[0]), size)
            chunk = records[offset: offset + limit]
            extra["total"] = len(records)
        else:
            chunk = records
        with LOCK:
            res["served"] = res.get("served", 0) + 1
            late = res.get("insert_after_page")
            if late and res["served"] == late["after"]:
                res["records"].insert(late.get("at", 0), late["record"])
        if wrap == "$":
            return json.dumps(chunk).encode(), headers
        return json.dumps({wrap: chunk, **extra}).encode(), headers

    def file_page(self, path, query, res):
        """The benchmark: NDJSON served as cursor pages of `page_size`, built once at start."""
        pages = PAGES[path]
        k = int(query["cursor"][0]) if "cursor" in query else 0
        return pages[k], {}


def build_file_pages(path, res):
    size = int(res.get("page_size", 1000))
    with open(res["file"], "rb") as f:
        lines = [l.rstrip(b"\n") for l in f if l.strip()]
    pages = []
    n = (len(lines) + size - 1) // size
    for k in range(n):
        nxt = b'"%d"' % (k + 1) if k + 1 < n else b"null"
        pages.append(b'{"data":[' + b",".join(lines[k * size:(k + 1) * size]) + b'],"next_cursor":' + nxt + b"}")
    PAGES[path] = pages or [b'{"data":[],"next_cursor":null}']


def main():
    global CONFIG
    CONFIG = start()
    for path, res in CONFIG.get("resources", {}).items():
        if "file" in res:
            build_file_pages(path, res)
    serve(Handler)


if __name__ == "__main__":
    main()
