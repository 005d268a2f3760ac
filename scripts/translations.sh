#!/usr/bin/env bash
# Regenerate the zh-Hans catalogue of the policy plugin from the source and the reviewed
# table (cadre_policy_plugin/locale/translate_zh_hans.py), then compile it.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
(cd cadre_policy_plugin && "../$VENV/bin/django-admin" makemessages -l zh_Hans --ignore "rules/*" \
    --ignore "fonts/*" --ignore "policies/*" --ignore "static/*")
"$VENV/bin/python" cadre_policy_plugin/locale/translate_zh_hans.py
(cd cadre_policy_plugin && "../$VENV/bin/django-admin" compilemessages -l zh_Hans)
