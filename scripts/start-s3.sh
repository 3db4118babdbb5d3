#!/usr/bin/env bash
# Starts a throwaway S3 server that enforces AWS Signature V4 (moto 5.2.5) on 127.0.0.1.
#   S3ENV=$(scripts/start-s3.sh PORT STATE_DIR) && eval "$S3ENV"   ...   scripts/stop-s3.sh STATE_DIR
# (Do not write eval "$(start-s3.sh ...)": that hides a failed start.)
# Needs a Python with 'moto[server]==5.2.5' and boto3 in $PYTHON (default: .venv-test/bin/python,
# else python3). stdout: export lines for Inlet (AWS_*, S3_BUCKET) and for the integration tests
# (INLET_TEST_S3_*); progress and errors on stderr. The server's PID is kept in STATE_DIR/moto.pid.
set -euo pipefail
PORT=${1:?usage: start-s3.sh PORT STATE_DIR}
STATE=${2:?usage: start-s3.sh PORT STATE_DIR}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
if [[ -z "${PYTHON:-}" ]]; then
  if [[ -x "$ROOT/.venv-test/bin/python" ]]; then PYTHON="$ROOT/.venv-test/bin/python"; else PYTHON=python3; fi
fi
BUCKET=${S3_TEST_BUCKET:-inlet-test}
REGION=us-east-1
ENDPOINT="http://127.0.0.1:$PORT"
mkdir -p "$STATE"

"$PYTHON" -c 'import moto, boto3; assert moto.__version__ == "5.2.5", moto.__version__' \
  || { echo "start-s3: $PYTHON lacks moto[server]==5.2.5 and boto3" >&2; exit 1; }
if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then echo "start-s3: port $PORT is in use" >&2; exit 1; fi

# Authentication starts off so that the bootstrap can create an IAM user and an access key.
env -u INITIAL_NO_AUTH_ACTION_COUNT setsid "$PYTHON" -m moto.server -H 127.0.0.1 -p "$PORT" \
  >"$STATE/moto.log" 2>&1 </dev/null &
echo $! >"$STATE/moto.pid"
echo "start-s3: moto pid $(cat "$STATE/moto.pid") on $ENDPOINT" >&2

ready=0
for _ in $(seq 1 300); do   # up to 30 s
  if "$PYTHON" -c "import urllib.request as u; u.urlopen('$ENDPOINT/moto-api/', timeout=1)" 2>/dev/null; then ready=1; break; fi
  kill -0 "$(cat "$STATE/moto.pid")" 2>/dev/null || break
  sleep 0.1
done
if [[ $ready != 1 ]]; then echo "start-s3: moto did not start:" >&2; cat "$STATE/moto.log" >&2; exit 1; fi

"$PYTHON" - "$ENDPOINT" "$BUCKET" "$REGION" >"$STATE/env.sh" <<'PY'
import json, sys, urllib.request
import boto3, botocore
from botocore.config import Config

endpoint, bucket, region = sys.argv[1:]
config = Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1})

def client(service, key, secret):
    return boto3.client(service, endpoint_url=endpoint, region_name=region, config=config,
                        aws_access_key_id=key, aws_secret_access_key=secret)

iam = client("iam", "bootstrap", "bootstrap")
iam.create_user(UserName="inlet-tester")
iam.put_user_policy(UserName="inlet-tester", PolicyName="everything", PolicyDocument=json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
key = iam.create_access_key(UserName="inlet-tester")["AccessKey"]

# From now on every request needs a valid signature (moto wants this exact Content-Type).
urllib.request.urlopen(urllib.request.Request(endpoint + "/moto-api/reset-auth", data=b"0", method="POST",
                       headers={"Content-Type": "text/plain"}), timeout=10).read()
client("s3", key["AccessKeyId"], key["SecretAccessKey"]).create_bucket(Bucket=bucket)

# Prove that signatures are checked: a wrong secret must be refused. (Change its first character
# to one it does not already have: a fixed "x" matched 1 secret in 64 and failed the start.)
secret = key["SecretAccessKey"]
wrong = ("y" if secret[0] == "x" else "x") + secret[1:]
try:
    client("s3", key["AccessKeyId"], wrong).list_objects_v2(Bucket=bucket)
    sys.exit("start-s3: moto accepted a wrong secret; signatures are not enforced")
except botocore.exceptions.ClientError as e:
    assert e.response["Error"]["Code"] == "SignatureDoesNotMatch", e.response["Error"]

values = {"AWS_ENDPOINT_URL_S3": endpoint, "AWS_ACCESS_KEY_ID": key["AccessKeyId"],
          "AWS_SECRET_ACCESS_KEY": key["SecretAccessKey"], "AWS_REGION": region, "S3_BUCKET": bucket}
for name, value in values.items():
    print(f"export {name}='{value}'")
for name, value in {"ENDPOINT": endpoint, "ACCESS_KEY_ID": key["AccessKeyId"],
                    "SECRET_ACCESS_KEY": key["SecretAccessKey"], "REGION": region, "BUCKET": bucket}.items():
    print(f"export INLET_TEST_S3_{name}='{value}'")
PY
cat "$STATE/env.sh"
