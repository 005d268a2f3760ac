"""
The JSON parser of the plugin's write endpoints: DRF's, within the bounds of
``rules.bounded`` (size, depth, integer digits, control characters).

Why: DRF's ``JSONParser`` hands the body to ``json.load``, which raises
``RecursionError`` (a 500) on a 100,000-deep array and builds a 5000-digit integer
before any serializer sees it.  Here every such body is a 400 naming the problem.
"""
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from cadre_policy_plugin.rules.bounded import MAX_DOCUMENT_CHARS, DocumentError, load_json


class BoundedJSONParser(JSONParser):
    """``application/json`` bodies of at most 256 KiB, 32 levels, 20-digit integers."""

    def parse(self, stream, media_type=None, parser_context=None):
        raw = stream.read(MAX_DOCUMENT_CHARS * 4 + 1) if stream is not None else b""
        if len(raw) > MAX_DOCUMENT_CHARS * 4:
            raise ParseError("JSON parse error - the body is too large")
        try:
            text = raw.decode((parser_context or {}).get("encoding") or "utf-8")
        except (UnicodeDecodeError, LookupError):
            raise ParseError("JSON parse error - the body is not UTF-8 text") from None
        try:
            return load_json(text, "body")
        except DocumentError as exc:
            raise ParseError(f"JSON parse error - {exc.location}: {exc.message}") from None
