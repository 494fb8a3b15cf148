#!/usr/bin/env bash
# The README's "A partner's month" as a real session: a server on port 9400 with its own data
# directory, the operator, a partner and a customer through the CLI and the AWS CLI, with the
# clock shifted by libfaketime (apt install faketime) to 1 October 2026 and then 2 November,
# so that October ends within the session. Needs `npm run build`, the aws CLI and 4 GB of disk.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
MAIN=$(cd "$HERE/../.." && pwd)/dist/src/cli/main.js
WORK=${WORK:-$(mktemp -d)}
cp "$HERE"/*.json "$WORK"/ && cd "$WORK"
SOVRA="node $MAIN"
export SOVRA_ENDPOINT=http://127.0.0.1:9400
ROOT_KEY=SOVRAROOTEXAMPLE0001 ROOT_SECRET=root-secret-for-the-readme-session-0123
shift_to() { echo $(( $(date +%s) - $(date -d "$1" +%s) )); }
run() { echo "\$ $*" | sed "s#node $MAIN#sovra#"; "$@" 2>&1; echo; }
start_server() {
  LD_PRELOAD=/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1 FAKETIME="-$1" node $MAIN serve --data-dir $WORK/data --port 9400 --host 127.0.0.1 --workers 1 >server.log 2>&1 &
  echo $! > server.pid
  for i in $(seq 1 100); do curl -s -o /dev/null $SOVRA_ENDPOINT/admin/v1/openapi.json && break; sleep 0.2; done
}
export SOVRA_ROOT_ACCESS_KEY=$ROOT_KEY SOVRA_ROOT_SECRET_KEY=$ROOT_SECRET
rm -rf data; 
OFF=$(shift_to 2026-10-01T08:00:00Z)
start_server $OFF
F="faketime -f -$OFF"
as_op() { env AWS_ACCESS_KEY_ID=$ROOT_KEY AWS_SECRET_ACCESS_KEY=$ROOT_SECRET $F "$@"; }
echo "## operator"
run as_op $SOVRA admin partner create cloud-de --regions eu-fra,eu-par --display-name "Cloud DE" --support-contact billing@cloud-de.example
run as_op $SOVRA billing price-book set cloud-de --file wholesale.json
run as_op $SOVRA billing tax-rate set DE 19
run as_op $SOVRA billing profile set 000000000000 --country DE --legal-name "Sovra Operations GmbH"
run as_op $SOVRA billing profile set cloud-de --country DE --legal-name "Cloud DE GmbH" --address "Hafenstrasse 2" --address "20457 Hamburg" --tax-id DE298765432
run as_op $SOVRA admin user create cloud-de/admin --admin
PK=$(as_op $SOVRA admin key create cloud-de/admin --json 2>/dev/null)
P_ID=$(echo "$PK" | python3 -c 'import json,sys; print(json.load(sys.stdin)["accessKeyId"])'); P_SECRET=$(echo "$PK" | python3 -c 'import json,sys; print(json.load(sys.stdin)["secretAccessKey"])')
as_p() { env AWS_ACCESS_KEY_ID=$P_ID AWS_SECRET_ACCESS_KEY=$P_SECRET $F "$@"; }
echo "## partner"
run as_p $SOVRA admin customer create acme --display-name "Acme AG" --regions eu-fra
run as_p $SOVRA billing price-book set acme --file acme-retail.json
run as_p $SOVRA billing profile set acme --country DE --legal-name "Acme AG" --address "Industriestrasse 7" --address "60311 Frankfurt am Main"
run as_p $SOVRA admin user create acme/alice --admin
CK=$(as_p $SOVRA admin key create acme/alice --json 2>/dev/null)
C_ID=$(echo "$CK" | python3 -c 'import json,sys; print(json.load(sys.stdin)["accessKeyId"])'); C_SECRET=$(echo "$CK" | python3 -c 'import json,sys; print(json.load(sys.stdin)["secretAccessKey"])')
as_c() { env AWS_ACCESS_KEY_ID=$C_ID AWS_SECRET_ACCESS_KEY=$C_SECRET AWS_DEFAULT_REGION=eu-fra $F "$@"; }
echo "## customer"
[ -f big.bin ] || head -c 2000000000 /dev/urandom > big.bin
run as_c aws --endpoint-url $SOVRA_ENDPOINT s3 mb s3://acme-archive
run as_c aws --endpoint-url $SOVRA_ENDPOINT s3 cp big.bin s3://acme-archive/2026/backup.bin --only-show-errors
run as_c aws --endpoint-url $SOVRA_ENDPOINT s3 cp s3://acme-archive/2026/backup.bin restored.bin --only-show-errors
sleep 2
run as_c $SOVRA usage --granularity total
run as_c $SOVRA billing invoice run --period 2026-10 --billing retail
kill $(cat server.pid); while curl -s -o /dev/null $SOVRA_ENDPOINT/admin/v1/openapi.json; do sleep 0.2; done
echo "## the month closes"
OFF=$(shift_to 2026-11-02T09:00:00Z)
start_server $OFF
F="faketime -f -$OFF"
run as_c $SOVRA usage --period 2026-10 --granularity total
run as_p $SOVRA billing invoice run --period 2026-11 --billing retail
run as_p $SOVRA billing invoice run --period 2026-10 --billing retail
N=$(as_p $SOVRA billing invoice list acme --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["number"])')
run as_c $SOVRA billing invoice show $N
run as_c $SOVRA billing invoice export $N --format html --out acme-2026-10.html
run as_c $SOVRA billing invoice export $N --format csv
run as_op $SOVRA billing invoice run --period 2026-10 --billing wholesale
run as_p $SOVRA billing margin cloud-de --period 2026-10
run as_p $SOVRA billing price-book set acme --file acme-retail-50.json
run as_c $SOVRA billing invoice list acme
kill $(cat server.pid); wait 2>/dev/null
