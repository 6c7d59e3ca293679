#!/usr/bin/python3
"""Local EC2 instance-metadata (IMDSv2) or container-credentials endpoint.

Serves one set of temporary credentials from its config, the way an EC2
instance role (bastion host) or an ECS/EKS task role hands them out, so the
credential chain can be tested on loopback.  IMDSv1 (no session token) is
refused, as on an instance that requires IMDSv2.  docs/sts-emulator.md has
the contract.
"""

import argparse
import datetime
import ipaddress
import json
import os
import secrets
import socket
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOKEN_TTL_MAX = 21600
DEFAULT_CONTAINER_PATH = "/v2/credentials/pgiam"
CREDS_PATH = "/latest/meta-data/iam/security-credentials/"


def iso_z(ts):
    """Timestamp the way IMDS and ECS write it (botocore parses exactly this)."""
    return datetime.datetime.fromtimestamp(int(ts), tz=datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def validate_config(config):
    if not isinstance(config, dict):
        raise ValueError("config must be a JSON object")
    for key in ("access_key_id", "secret_access_key"):
        if not isinstance(config.get(key), str) or not config[key]:
            raise ValueError("config: %r is required (a string)" % key)
    for key in ("token", "code"):
        if config.get(key) is not None and not isinstance(config[key], str):
            raise ValueError("config: %r must be a string" % key)
    auth = config.get("authorization")
    if auth is not None and (not isinstance(auth, str) or "\r" in auth or "\n" in auth):
        raise ValueError("config: 'authorization' must be a one-line string")


class State:
    def __init__(self, mode, config, log_path):
        self.mode = mode
        self.lock = threading.Lock()
        self.log_path = log_path
        self.tokens = {}  # token -> expiry (monotonic)
        self.set_config(config)
        self.reset()

    def set_config(self, config):
        validate_config(config)
        with self.lock:
            self.config = dict(config)
            # Without an explicit expiration the credentials last 6 hours from now.
            if not self.config.get("expiration"):
                self.config["expiration"] = iso_z(time.time() + 6 * 3600)

    def reset(self):
        with self.lock:
            self.stats = {"token": 0, "role_name": 0, "credentials": 0, "unauthorized": 0,
                          "errors": 0, "not_found": 0, "header_names": []}
            self.error500 = 0

    def bump(self, key):
        with self.lock:
            self.stats[key] = self.stats.get(key, 0) + 1

    def log(self, **fields):
        if not self.log_path:
            return
        line = json.dumps({"time": iso_z(time.time()), "mode": self.mode, **fields}, sort_keys=True) + "\n"
        with self.lock:
            with open(self.log_path, "a", encoding="utf-8") as f:
                f.write(line)


class Handler(BaseHTTPRequestHandler):
    server_version = "pgiam-metadata-emulator/1"
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes; without TCP_NODELAY, Nagle plus
    # the client's delayed ACK adds ~40 ms to every keep-alive request.
    disable_nagle_algorithm = True
    timeout = 30

    @property
    def state(self):
        return self.server.state

    def log_message(self, fmt, *args):
        pass

    def send(self, status, body, ctype="text/plain"):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def send_json(self, status, obj):
        self.send(status, json.dumps(obj, indent=2) + "\n", "application/json")

    def read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(min(length, 1 << 20)) if length > 0 else b""

    def do_PUT(self):
        self.dispatch("PUT")

    def do_GET(self):
        self.dispatch("GET")

    def do_POST(self):
        self.dispatch("POST")

    def dispatch(self, method):
        path = urllib.parse.urlsplit(self.path).path
        if not path.startswith("/_sandbox/"):
            # every header name a client sent (a test checks that none was injected)
            with self.state.lock:
                seen = set(self.state.stats["header_names"]) | {k.lower() for k in self.headers.keys()}
                self.state.stats["header_names"] = sorted(seen)
        try:
            if path.startswith("/_sandbox/"):
                self.control(method, path)
            elif self.take_error500():
                self.state.bump("errors")
                self.state.log(method=method, path=path, result="fault:error500")
                self.send(500, "Internal Server Error\n")
            elif self.state.mode == "imds":
                self.imds(method, path)
            else:
                self.container(method, path)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def take_error500(self):
        st = self.state
        with st.lock:
            if st.error500 > 0:
                st.error500 -= 1
                return True
        return False

    def credentials(self):
        with self.state.lock:
            c = dict(self.state.config)
        return c

    # -- IMDSv2 ---------------------------------------------------------------

    def imds(self, method, path):
        st = self.state
        if method == "PUT" and path == "/latest/api/token":
            if self.headers.get("X-Forwarded-For") is not None:
                st.log(method=method, path=path, result="forbidden", reason="X-Forwarded-For present")
                self.send(403, "Forbidden\n")
                return
            ttl_raw = self.headers.get("x-aws-ec2-metadata-token-ttl-seconds")
            try:
                ttl = int(ttl_raw)
            except (TypeError, ValueError):
                ttl = 0
            if not 1 <= ttl <= TOKEN_TTL_MAX:
                st.log(method=method, path=path, result="bad_request", reason="token TTL missing or out of range")
                self.send(400, "Bad Request\n")
                return
            # config "token": a fixed token, even a hostile one (tests of the client)
            token = self.credentials().get("token") or secrets.token_urlsafe(40)
            with st.lock:
                st.tokens[token] = time.monotonic() + ttl
            st.bump("token")
            st.log(method=method, path=path, result="ok", reason="token for %d s" % ttl)
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("x-aws-ec2-metadata-token-ttl-seconds", str(ttl))
            self.send_header("Content-Length", str(len(token)))
            self.end_headers()
            self.wfile.write(token.encode())
            return
        if method != "GET":
            self.send(405, "Method Not Allowed\n")
            return
        token = self.headers.get("x-aws-ec2-metadata-token")
        with st.lock:
            expiry = st.tokens.get(token) if token else None
        if expiry is None or expiry < time.monotonic():
            st.bump("unauthorized")
            st.log(method=method, path=path, result="unauthorized",
                   reason="no session token (IMDSv1 refused)" if not token else "invalid or expired token")
            self.send(401, "Unauthorized\n")
            return
        creds = self.credentials()
        role = creds.get("role_name") or "pgiam-instance-role"
        if path == CREDS_PATH:
            st.bump("role_name")
            st.log(method=method, path=path, result="ok")
            self.send(200, role)
        elif path == CREDS_PATH + role:
            st.bump("credentials")
            st.log(method=method, path=path, result="ok", reason="served %s" % creds["access_key_id"])
            self.send_json(200, {
                "Code": creds.get("code") or "Success",
                "LastUpdated": iso_z(time.time()),
                "Type": "AWS-HMAC",
                "AccessKeyId": creds["access_key_id"],
                "SecretAccessKey": creds["secret_access_key"],
                "Token": creds.get("session_token") or "",
                "Expiration": creds["expiration"],
            })
        else:
            st.bump("not_found")
            st.log(method=method, path=path, result="not_found")
            self.send(404, "Not Found\n")

    # -- container credentials ------------------------------------------------

    def container(self, method, path):
        st = self.state
        creds = self.credentials()
        want_path = creds.get("container_path") or DEFAULT_CONTAINER_PATH
        if method != "GET" or path != want_path:
            st.bump("not_found")
            st.log(method=method, path=path, result="not_found")
            self.send_json(404, {"code": "NotFound", "message": "no credentials at this path"})
            return
        want_auth = creds.get("authorization")
        if want_auth is not None and self.headers.get("Authorization") != want_auth:
            st.bump("unauthorized")
            st.log(method=method, path=path, result="unauthorized",
                   reason="Authorization header %s" % ("missing" if self.headers.get("Authorization") is None
                                                       else "does not match"))
            self.send_json(401, {"code": "AccessDenied", "message": "Authorization header is missing or invalid"})
            return
        st.bump("credentials")
        st.log(method=method, path=path, result="ok", reason="served %s" % creds["access_key_id"])
        self.send_json(200, {
            "AccessKeyId": creds["access_key_id"],
            "SecretAccessKey": creds["secret_access_key"],
            "Token": creds.get("session_token") or "",
            "Expiration": creds["expiration"],
            "RoleArn": creds.get("role_arn") or "",
            **({"Code": creds["code"]} if creds.get("code") else {}),
        })

    # -- control --------------------------------------------------------------

    def control(self, method, path):
        st = self.state
        if not ipaddress.ip_address(self.client_address[0].split("%")[0]).is_loopback:
            self.send_json(403, {"error": "control API is loopback-only"})
            return
        body = {}
        if method == "POST":
            raw = self.read_body()
            try:
                body = json.loads(raw) if raw.strip() else {}
            except ValueError:
                body = None
            if not isinstance(body, dict):
                self.send_json(400, {"error": "body must be a JSON object"})
                return
        rest = path[len("/_sandbox/"):]
        if method == "GET" and rest == "stats":
            with st.lock:
                out = dict(st.stats, pending_error500=st.error500)
            self.send_json(200, out)
        elif method == "POST" and rest == "reset":
            st.reset()
            self.send_json(200, {"ok": True})
        elif method == "POST" and rest == "faults":
            n = body.get("error500", 0)
            if set(body) - {"error500"} or not isinstance(n, int) or isinstance(n, bool) or n < 0:
                self.send_json(400, {"error": "faults: only {\"error500\": N} is supported"})
                return
            with st.lock:
                st.error500 = n
            self.send_json(200, {"ok": True})
        elif method == "POST" and rest == "config":
            try:
                st.set_config(body)
            except ValueError as e:
                self.send_json(400, {"error": str(e)})
                return
            st.log(method=method, path=path, result="ok", reason="config replaced")
            self.send_json(200, {"ok": True})
        else:
            self.send_json(404, {"error": "unknown control endpoint"})


def make_server(host, port, state):
    try:
        addr = ipaddress.ip_address(host)
    except ValueError:
        if host != "localhost":
            raise SystemExit("metadata_emulator: --host must be a loopback address, not %r" % host)
        addr, host = ipaddress.ip_address("127.0.0.1"), "127.0.0.1"
    if not addr.is_loopback:
        raise SystemExit("metadata_emulator: --host must be a loopback address (127.0.0.1 or ::1), not %s" % host)

    class Srv(ThreadingHTTPServer):
        daemon_threads = True
        allow_reuse_address = True
        address_family = socket.AF_INET6 if addr.version == 6 else socket.AF_INET

    srv = Srv((host, port), Handler)
    srv.state = state
    return srv


def main(argv=None):
    ap = argparse.ArgumentParser(description="Local IMDSv2 / container-credentials emulator (loopback only).")
    ap.add_argument("--mode", choices=("imds", "container"), required=True)
    ap.add_argument("--config", required=True)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    ap.add_argument("--log")
    args = ap.parse_args(argv)
    try:
        with open(args.config, encoding="utf-8") as f:
            state = State(args.mode, json.load(f), args.log)
    except (OSError, ValueError) as e:
        raise SystemExit("metadata_emulator: config %s: %s" % (args.config, e))
    srv = make_server(args.host, args.port, state)
    port = srv.server_address[1]
    if args.port_file:
        tmp = "%s.tmp.%d" % (args.port_file, os.getpid())
        with open(tmp, "w", encoding="ascii") as f:
            f.write("%d\n" % port)
        os.replace(tmp, args.port_file)
    state.log(method="-", path="-", result="listening", reason="%s:%d" % (args.host, port))
    try:
        srv.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        srv.server_close()


if __name__ == "__main__":
    main()
