# shellcheck shell=bash
# Helpers shared by the dockerized build scripts (sourced, not run).

log() { printf '%s: %s\n' "${0##*/}" "$*"; }
die() { printf '%s: error: %s\n' "${0##*/}" "$*" >&2; exit 1; }

# Build args arrive as strings: accept the usual spellings of a boolean and
# refuse anything else, so a typo never silently means "false".
bool() {
  local name=$1 value=${2,,}
  case "$value" in
    true | 1 | yes | on) echo true ;;
    false | 0 | no | off | '') echo false ;;
    *) die "$name must be true or false, got '$2'" ;;
  esac
}

# Kernel ids become file and directory names and make arguments: allow the
# characters real bundle names use (e.g. 4.15.0-1098-gcp~16.04,
# 6.12.117+deb12-amd64) and nothing that could escape a path.
valid_kernel() { [[ "$1" =~ ^[A-Za-z0-9][A-Za-z0-9._+~-]*$ ]]; }
valid_module_version() { [[ "$1" =~ ^[A-Za-z0-9][A-Za-z0-9._+-]*$ ]]; }

# Contents of a one-value file, with or without its trailing newline.
read_value() {
  local value
  value=$(<"$1")
  value=${value//$'\r'/}
  # Trim surrounding whitespace.
  value=${value#"${value%%[![:space:]]*}"}
  value=${value%"${value##*[![:space:]]}"}
  printf '%s' "$value"
}
