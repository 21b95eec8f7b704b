#!/bin/sh
# make run: the demo server and, beside it, a kiosk paired with it the way
# an admin pairs one (a kiosk device, a one-time pairing code, `pair`), and
# the messaging gateway on its console adapter (the phone simulator) with a
# gateway token made for it. Ctrl-C stops all three.
set -eu
server_bin=$1 kiosk_bin=$2 db=$3 listen=$4 kiosk_listen=$5 kiosk_data=$6
gateway_bin=$7 gateway_listen=$8 gateway_data=$9
url="http://$listen"
case "$listen" in 0.0.0.0:*) url="http://127.0.0.1:${listen#0.0.0.0:}" ;; esac

"$server_bin" --db "$db" demo
TOUCHPOINT_ASSETS=assets TOUCHPOINT_DEV_MODE=1 "$server_bin" --db "$db" serve --listen "$listen" &
server_pid=$!
kiosk_pid= gateway_pid=
trap 'kill $server_pid $kiosk_pid $gateway_pid 2>/dev/null || true; wait 2>/dev/null || true' INT TERM EXIT
i=0
until curl -sf "$url/healthz" >/dev/null 2>&1; do
	i=$((i + 1))
	[ $i -lt 50 ] || { echo "run: the server did not start" >&2; exit 1; }
	sleep 0.2
done

# Reads one string or number field out of a JSON answer.
field() { sed -n "s/.*\"$1\":\"\{0,1\}\([^\",}]*\).*/\1/p" | head -n 1; }

if [ ! -f "$kiosk_data/credentials.json" ]; then
	jar=$(mktemp)
	csrf=$(curl -sf -c "$jar" -H 'Content-Type: application/json' \
		-d '{"username":"admin","password":"touchpoint-admin"}' \
		"$url/api/v1/auth/login" | field csrf_token)
	post() { curl -sf -b "$jar" -H "X-CSRF-Token: $csrf" -H 'Content-Type: application/json' -d "$2" "$url$1"; }
	device=$(post /api/v1/devices '{"name":"Demo kiosk","kind":"kiosk","venue":"Room 1"}' | field id)
	code=$(post "/api/v1/devices/$device/pairing" '{}' | field code)
	rm -f "$jar"
	"$kiosk_bin" --data "$kiosk_data" pair "$url" "$code"
fi
TOUCHPOINT_KIOSK_ASSETS=assets TOUCHPOINT_KIOSK_STAFF_PIN=1234 \
	"$kiosk_bin" --data "$kiosk_data" serve --listen "$kiosk_listen" &
kiosk_pid=$!

# The gateway's token, made once (and again when the demo database is new).
mkdir -p "$gateway_data" && chmod 700 "$gateway_data"
token_file=$gateway_data/server-token
if [ ! -s "$token_file" ] || ! curl -sf -H "Authorization: Bearer $(cat "$token_file")" \
	"$url/api/v1/auth/me" >/dev/null 2>&1; then
	(umask 077; "$server_bin" --db "$db" token create --role gateway "Demo gateway" \
		2>/dev/null >"$token_file")
fi
TOUCHPOINT_GATEWAY_ASSETS=assets TOUCHPOINT_GATEWAY_SERVER_URL="$url" \
	TOUCHPOINT_GATEWAY_SERVER_TOKEN_FILE="$token_file" \
	"$gateway_bin" --data "$gateway_data" serve --listen "$gateway_listen" >/dev/null &
gateway_pid=$!
sleep 0.5
echo "kiosk    http://$kiosk_listen/  (staff PIN 1234; type a card token and Enter to sign in)"
echo "phones   http://$gateway_listen/simulator  (texts the gateway would send, and replies)"
echo "Ctrl-C stops all three."
wait
