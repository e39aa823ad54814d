#!/usr/bin/env bash
# Validates the API's OpenAPI document (tests/fixtures/openapi.json, which tests/api.rs checks is
# exactly what /api/v1/openapi.json serves) against the OpenAPI 3.1 specification, with
# openapi-spec-validator from PyPI in a throwaway virtual environment.
set -euo pipefail
cd "$(dirname "$0")/.."
venv="$(mktemp -d /tmp/scorecard-openapi.XXXXXX)"
trap 'rm -rf "$venv"' EXIT
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check "openapi-spec-validator==0.7.*"
"$venv/bin/python" - <<'PY'
import json
from openapi_spec_validator import validate
with open("tests/fixtures/openapi.json") as f:
    document = json.load(f)
validate(document)
print(f"tests/fixtures/openapi.json: a valid OpenAPI {document['openapi']} document, "
      f"{len(document['paths'])} paths")
PY
