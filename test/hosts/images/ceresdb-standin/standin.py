#!/usr/bin/python3
"""Stand-in for ceresdb-server: parses the config like the server must (a TOML error or a missing
[server] http_port exits non-zero, so the container never turns healthy on a broken config) and
serves GET / with {"status":"ok"} on [server] bind_addr:http_port."""
import argparse
import http.server
import json
import sys
import tomllib

parser = argparse.ArgumentParser()
parser.add_argument("--config", required=True)
args = parser.parse_args()
try:
    with open(args.config, "rb") as f:
        config = tomllib.load(f)
    server = config["server"]
    port = int(server["http_port"])
    bind = server.get("bind_addr", "0.0.0.0")
    node_addr = config["node"]["addr"]
except (OSError, KeyError, ValueError, tomllib.TOMLDecodeError) as e:
    print(f"ceresdb-standin: bad config {args.config}: {e!r}", file=sys.stderr)
    sys.exit(1)


class Home(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path != "/":
            self.send_error(404)
            return
        body = json.dumps({"status": "ok", "standin": True, "node": node_addr}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *a):
        pass


print(f"ceresdb-standin: node {node_addr} serving GET / on {bind}:{port}", file=sys.stderr, flush=True)
http.server.ThreadingHTTPServer((bind, port), Home).serve_forever()
