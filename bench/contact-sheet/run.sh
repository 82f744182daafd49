#!/usr/bin/env bash
# Contact sheet weight for a 300-photo show (issue 18): HTML bytes of the studio gallery page without JavaScript
# (one page of 24 photos) and with it (page + ?handler=cells, every photo), plus its form fields.
# Usage: bench/contact-sheet/run.sh   (real PostgreSQL through the test infrastructure; prints one line)
set -euo pipefail
cd "$(dirname "$0")/../.."
dotnet test tests/Backstage.Web.Tests --filter "FullyQualifiedName~ContactSheetWeightTests" --logger "console;verbosity=detailed" 2>&1 \
  | grep -o 'contact-sheet-weight.*'
