# Sourced by scripts/run, scripts/test and .ci/run: smtp4dev, a real SMTP server with a web inbox,
# as the local .NET tool (.config/dotnet-tools.json), on loopback only, messages kept in memory (all
# of them: the tests share one inbox and find their messages by address).
# Settings: COFFEESHOP_SMTP_PORT (default 55025), COFFEESHOP_SMTP_WEB_PORT (default 55081),
# COFFEESHOP_SMTP_KEEP (messages kept, default 1000000; smtp4dev sorts all it keeps after every message,
# so each message costs it more the more it holds: bench/run keeps 10), COFFEESHOP_SMTP_SESSIONS
# (SMTP session transcripts kept, default 1000; bench/run keeps 10).

SMTP_PORT="${COFFEESHOP_SMTP_PORT:-55025}"
SMTP_WEB_PORT="${COFFEESHOP_SMTP_WEB_PORT:-55081}"
SMTP_WEB_URL="http://127.0.0.1:$SMTP_WEB_PORT"
SMTP_LOG="${TMPDIR:-/tmp}/coffeeshop-smtp4dev-$SMTP_PORT.log"

smtp4dev_ready() {
  curl -fsS -o /dev/null --max-time 2 "$SMTP_WEB_URL/api/messages" 2>/dev/null
}

ensure_smtp4dev() {
  if ! smtp4dev_ready; then
    dotnet tool restore >/dev/null
    # setsid: it outlives this script (scripts/run's shop and later test runs reuse it).
    setsid dotnet tool run smtp4dev -- --urls="$SMTP_WEB_URL" --smtpport="$SMTP_PORT" --bindaddress=127.0.0.1 \
      --db= --imapport=0 --pop3port=0 --messagestokeep="${COFFEESHOP_SMTP_KEEP:-1000000}" --sessionstokeep="${COFFEESHOP_SMTP_SESSIONS:-1000}" >"$SMTP_LOG" 2>&1 < /dev/null &
    local waited=0
    until smtp4dev_ready; do
      sleep 1
      waited=$((waited + 1))
      if [ "$waited" -ge 90 ]; then
        echo "smtp4dev did not start within 90 s; its log ($SMTP_LOG):" >&2
        tail -20 "$SMTP_LOG" >&2
        exit 1
      fi
    done
  fi
  echo "smtp4dev: SMTP on 127.0.0.1:$SMTP_PORT, web inbox at $SMTP_WEB_URL"
}
