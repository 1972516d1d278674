#!/usr/bin/env bash
# SeaweedFS on one machine for the local cluster and CI: master, volume server, filer and
# S3 gateway in one process (`weed server -s3`), all on 127.0.0.1.
#   deploy/seaweedfs.sh DATA_DIR BASE_PORT
# Ports BASE..BASE+8: master (http, grpc), volume (http, grpc), filer (http, grpc),
# S3 (http, grpc), IAM; the S3 endpoint is http://127.0.0.1:$((BASE+6)). The one identity
# with keys S3_ACCESS_KEY_ID / S3_SECRET_ACCESS_KEY may do anything; anonymous requests
# may do nothing, so no object is public.
set -euo pipefail
dir=${1:?data directory}
base=${2:?base port}
: "${S3_ACCESS_KEY_ID:?}" "${S3_SECRET_ACCESS_KEY:?}"
weed=${WEED:-$(dirname "$0")/../.venv/bin/weed}
mkdir -p "$dir"
cat > "$dir/s3.json" <<JSON
{"identities": [{"name": "mycity",
  "credentials": [{"accessKey": "$S3_ACCESS_KEY_ID", "secretKey": "$S3_SECRET_ACCESS_KEY"}],
  "actions": ["Admin", "Read", "Write", "List", "Tagging"]}]}
JSON
exec "$weed" server -ip=127.0.0.1 -dir="$dir" -master.telemetry=false \
  -master.port=$base -master.port.grpc=$((base + 1)) -master.volumeSizeLimitMB=256 \
  -volume.port=$((base + 2)) -volume.port.grpc=$((base + 3)) -volume.max=0 \
  -filer.port=$((base + 4)) -filer.port.grpc=$((base + 5)) \
  -s3 -s3.port=$((base + 6)) -s3.port.grpc=$((base + 7)) -s3.config="$dir/s3.json" \
  -s3.port.iceberg=0 -s3.port.lance=0 -iam.port=$((base + 8)) -metricsPort=0
