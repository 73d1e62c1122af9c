#!/usr/bin/env bash
# Render a workbook the way a reviewer would see it printed: every sheet to PDF (LibreOffice
# headless), then every page to PNG (pdftoppm), so you can look at charts, widths and wrapping.
#
# Needs: LibreOffice Calc (`soffice`) and poppler-utils (`pdftoppm`). On Debian/Ubuntu:
#   apt-get update && apt-get install -y --no-install-recommends libreoffice-calc poppler-utils
#
# Usage: scripts/render_workbook.sh WORKBOOK.xlsx [OUT_DIR] [DPI]
#   OUT_DIR defaults to <workbook folder>/render-<workbook name>; DPI defaults to 80.
#   Writes OUT_DIR/<name>.pdf and OUT_DIR/<name>-<page>.png and lists the PNG files.
# Example (a demo workbook from the test fixtures):
#   python scripts/demo_workbook.py /tmp/demo && scripts/render_workbook.sh /tmp/demo/consultation-summary-demo.xlsx
set -euo pipefail

if [[ $# -lt 1 ]]; then
    sed -n '2,13p' "$0" >&2
    exit 2
fi
workbook=$1
[[ -f $workbook ]] || { echo "render_workbook: no such file: $workbook" >&2; exit 2; }
name=$(basename "${workbook%.*}")
out=${2:-$(dirname "$workbook")/render-$name}
dpi=${3:-80}

for tool in soffice pdftoppm; do
    command -v "$tool" >/dev/null || {
        echo "render_workbook: \`$tool\` not found; install libreoffice-calc and poppler-utils" \
             "(apt-get install -y libreoffice-calc poppler-utils)." >&2
        exit 3
    }
done

mkdir -p "$out"
# A private LibreOffice profile: no clash with a running LibreOffice, no first-start dialogs.
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
soffice --headless --norestore -env:UserInstallation=file://"$profile" \
    --convert-to pdf --outdir "$out" "$workbook" >/dev/null
pdf=$out/$name.pdf
[[ -f $pdf ]] || { echo "render_workbook: LibreOffice produced no PDF for $workbook" >&2; exit 4; }
rm -f "$out/$name"-*.png
pdftoppm -r "$dpi" -png "$pdf" "$out/$name"
ls -1 "$out/$name"-*.png
