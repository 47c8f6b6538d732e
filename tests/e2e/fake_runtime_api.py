"""A fake AWS Lambda Runtime API for the bootstrap's test (not a test itself).

Usage: fake_runtime_api.py PORT_FILE OUT_DIR EVENT:DEADLINE_MS...
Serves each event once on /2018-06-01/runtime/invocation/next (request ids req-0, req-1, ...),
then holds further polls; writes every POST body, and its error-type header, to OUT_DIR under the
request path with '/' as '_'; writes the port it listens on to PORT_FILE.
"""
import http.server
import sys
import threading
import time

port_file, out_dir, specs = sys.argv[1], sys.argv[2], sys.argv[3:]
queue = [(i, spec.rsplit(":", 1)[0].encode(), int(spec.rsplit(":", 1)[1])) for i, spec in enumerate(specs)]
lock = threading.Lock()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        if self.path != "/2018-06-01/runtime/invocation/next":
            self.send_error(404)
            return
        with lock:
            item = queue.pop(0) if queue else None
        if item is None:
            time.sleep(60)
            return
        number, body, deadline = item
        self.send_response(200)
        self.send_header("Lambda-Runtime-Aws-Request-Id", "req-%d" % number)
        self.send_header("Lambda-Runtime-Deadline-Ms", str(int(time.time() * 1000) + deadline))
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        data = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        kind = self.headers.get("Lambda-Runtime-Function-Error-Type", "")
        with open(out_dir + "/" + self.path.replace("/", "_"), "wb") as f:
            f.write(data + b"\n" + kind.encode())
        self.send_response(202)
        self.send_header("Content-Length", "0")
        self.send_header("Connection", "close")
        self.end_headers()


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(port_file + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
import os
os.rename(port_file + ".tmp", port_file)
server.serve_forever()
