# shellcheck shell=bash
# Sums the <Counters> of Visual Studio TRX result files. Sourced by deploy/test.sh.
#   trx_counts DIR   prints "executed passed failed" summed over DIR/**/*.trx, where failed counts
#                    the failed, error, timeout and aborted results. python3 when available,
#                    grep/awk otherwise (trx_counts_awk).

trx_counts() {
  local dir="$1" out
  if command -v python3 >/dev/null 2>&1 && out="$(python3 - "$dir" 2>/dev/null <<'PY'
import glob, os, sys
import xml.etree.ElementTree as ET
executed = passed = failed = 0
for path in glob.glob(os.path.join(sys.argv[1], "**", "*.trx"), recursive=True):
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError:
        continue
    for c in root.iter():
        if c.tag.rsplit("}", 1)[-1] != "Counters":
            continue
        n = lambda k: int(c.get(k, "0") or 0)
        executed += n("executed")
        passed += n("passed")
        failed += n("failed") + n("error") + n("timeout") + n("aborted")
print(executed, passed, failed)
PY
)" && [ -n "$out" ]; then
    printf '%s\n' "$out"
    return 0
  fi
  trx_counts_awk "$dir"
}

trx_counts_awk() {
  local dir="$1"
  {
    find "$dir" -type f -name '*.trx' -print0 2>/dev/null | xargs -0 -r cat 2>/dev/null |
      tr '\n\r\t' '   ' | grep -o '<Counters [^>]*>' || true
  } | awk '
      function attr(s, name,   re) {
        re = " " name "=[\"\047][0-9]+[\"\047]"
        if (match(s, re)) { s = substr(s, RSTART, RLENGTH); gsub(/[^0-9]/, "", s); return s + 0 }
        return 0
      }
      {
        executed += attr($0, "executed"); passed += attr($0, "passed")
        failed += attr($0, "failed") + attr($0, "error") + attr($0, "timeout") + attr($0, "aborted")
      }
      END { printf "%d %d %d\n", executed, passed, failed }'
}

# trx_failures DIR   prints one line per failed test in DIR/**/*.trx: its name and the first line of
#                    its error message (python3), or its name alone (grep/sed). Nothing when none failed.
trx_failures() {
  local dir="$1"
  if command -v python3 >/dev/null 2>&1; then
    python3 - "$dir" 2>/dev/null <<'PY' && return 0
import glob, os, sys
import xml.etree.ElementTree as ET
for path in sorted(glob.glob(os.path.join(sys.argv[1], "**", "*.trx"), recursive=True)):
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError:
        continue
    for r in root.iter():
        if r.tag.rsplit("}", 1)[-1] != "UnitTestResult" or r.get("outcome") in ("Passed", "NotExecuted", None):
            continue
        message = ""
        for m in r.iter():
            if m.tag.rsplit("}", 1)[-1] == "Message" and m.text:
                message = m.text.strip().splitlines()[0][:300]
                break
        print(f"  {r.get('testName')}: {message}" if message else f"  {r.get('testName')}")
PY
  fi
  find "$dir" -type f -name '*.trx' -print0 2>/dev/null | xargs -0 -r cat 2>/dev/null | tr '\n\r\t' '   ' |
    grep -o '<UnitTestResult [^>]*outcome="\(Failed\|Error\|Timeout\|Aborted\)"[^>]*>' |
    sed -n 's/.* testName="\([^"]*\)".*/  \1/p' || true
}
