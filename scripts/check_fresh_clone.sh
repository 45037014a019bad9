#!/usr/bin/env bash
# The embedded arrangement from a fresh clone: `make run` with no broker and nothing else running,
# then a zip job over HTTP must finish. Usage: scripts/check_fresh_clone.sh [PORT] (a free one by default)  (takes minutes:
# the clone installs its own virtualenv and editor build).
set -euo pipefail
port="${1:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"
if curl -s -o /dev/null "http://127.0.0.1:$port/"; then echo "port $port is in use" >&2; exit 1; fi
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
git clone -q "$repo" "$work/blockwise"
cd "$work/blockwise"
env -u CELERY_BROKER_URL -u DATABASE_URL BLOCKWISE_ADMIN_PASSWORD=check-password \
  setsid make run ADDRESS="127.0.0.1:$port" >"$work/run.log" 2>&1 &
run_pid=$!
trap 'kill -TERM -- -"$run_pid" 2>/dev/null || true; wait "$run_pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 900); do
  curl -fs "http://127.0.0.1:$port/workflows/execution_engine/versions" >/dev/null 2>&1 && break
  kill -0 "$run_pid" 2>/dev/null || { tail -30 "$work/run.log"; exit 1; }
  sleep 1
done
.venv/bin/python - "$port" <<'PY'
import io, sys, time, zipfile
import numpy as np, requests
from scripts.train_demo_model import draw_sample

base = f"http://127.0.0.1:{sys.argv[1]}/api/v1"
token = requests.post(f"{base}/auth/token/", json={"username": "admin", "password": "check-password"}, timeout=10)
headers = {"Authorization": f"Token {token.json()['token']}"}
[workflow] = [w for w in requests.get(f"{base}/workflows/", headers=headers, timeout=10).json()["results"]
              if w["name"].startswith("Demo")]
archive = io.BytesIO()
with zipfile.ZipFile(archive, "w") as handle:
    for index, colour in enumerate(["red", "green", "blue"] * 4):
        image = io.BytesIO()
        draw_sample(colour, np.random.default_rng(0)).save(image, format="PNG")
        handle.writestr(f"{index:02d}-{colour}.png", image.getvalue())
job = requests.post(f"{base}/workflows/{workflow['id']}/jobs/", headers=headers,
                    files={"images": ("shots.zip", archive.getvalue())}, timeout=30).json()
for _ in range(300):
    detail = requests.get(f"{base}/jobs/{job['id']}/", headers=headers, timeout=10).json()
    if detail["status"] not in {"queued", "running"}:
        break
    time.sleep(0.5)
print({key: detail[key] for key in ("status", "total", "done", "failed")})
assert (detail["status"], detail["done"]) == ("succeeded", 12), detail
print("fresh clone: make run ran a 12-image job with no broker configured")
PY
