#!/usr/bin/env bash
# Generates a Python client from the API's OpenAPI document with a maintained generator
# (openapi-python-client, from PyPI) and calls the running service at BASE_URL with it: every
# public endpoint answers, and its answer parses into the generated models.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${BASE_URL:?set BASE_URL to the running service, e.g. http://127.0.0.1:3000}"
work="$(mktemp -d /tmp/scorecard-client.XXXXXX)"
trap 'rm -rf "$work"' EXIT
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check "openapi-python-client==0.29.*"
# The document as the service serves it (tests/api.rs checks it is the committed snapshot).
curl -fsS "$BASE_URL/api/v1/openapi.json" -o "$work/openapi.json"
(cd "$work" && "$work/venv/bin/openapi-python-client" generate --path openapi.json \
  --output-path client --meta setup >/dev/null 2>&1 || true)
test -d "$work/client" || { echo "the client was not generated"; exit 1; }
"$work/venv/bin/pip" install --quiet --disable-pip-version-check "$work/client"
BASE_URL="$BASE_URL/api/v1" "$work/venv/bin/python" - <<'PY'
import os
import regional_adult_social_care_scorecard_api_client as api
from regional_adult_social_care_scorecard_api_client.api.default import (
    authority_scorecard, headlines_for_period, measure_values, authority_concerns)
from regional_adult_social_care_scorecard_api_client import models

client = api.Client(base_url=os.environ["BASE_URL"], raise_on_unexpected_status=True)
headlines = headlines_for_period.sync(client=client)
assert isinstance(headlines, models.Headlines), headlines
# A measure of the latest period, as the headlines name it.
assert headlines.measures, "the latest period has measures"
code = headlines.measures[0].code
values = measure_values.sync(client=client, code=code, period=headlines.period)
assert isinstance(values, models.MeasureValues), values
assert values.councils, "the measure has councils"
card = authority_scorecard.sync(client=client, ons_code="E06000006", period=headlines.period)
assert isinstance(card, models.AuthorityScorecard), card
assert card.authority.code == "E06000006"
bad = measure_values.sync_detailed(client=client, code=code, period="not-a-period")
assert bad.status_code == 400 and isinstance(bad.parsed, models.ErrorBody), bad
hidden = authority_concerns.sync_detailed(client=client, ons_code="E06000006")
assert hidden.status_code == 401, hidden.status_code
print(f"generated client: headlines for {headlines.period}, {len(values.councils)} councils' "
      f"values of {code}, {len(card.measures)} measures on Halton's scorecard; 400 and 401 as "
      "documented")
PY
