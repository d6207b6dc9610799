"""The API's JSON renderer: DRF's output, encoded by orjson."""

import orjson
from rest_framework import renderers
from rest_framework.utils.encoders import JSONEncoder

_OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS
# DRF escapes these two for JavaScript, where they end a line inside a string literal.
_LINE_SEPARATORS = ((b"\xe2\x80\xa8", b"\\u2028"), (b"\xe2\x80\xa9", b"\\u2029"))


class JSONRenderer(renderers.JSONRenderer):
    """The same bytes as DRF's compact, UTF-8 JSON renderer, several times faster: a page of a hundred clusters
    with their members is half a megabyte, and the standard library's encoder took a tenth of the request. The one
    difference is the exponent of numbers below 1e-4 (1e-7 where Python writes 1e-07): the same number in JSON.

    Values orjson does not know (lazy translations, decimals, dates) go through DRF's own encoder, so they come out
    as before; indented output (`Accept: application/json; indent=2`) and anything orjson refuses (integers beyond
    64 bits) are left to DRF's renderer."""

    _encoder = JSONEncoder()

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        if self.get_indent(accepted_media_type, renderer_context or {}) is None and self.compact:
            try:
                body = orjson.dumps(data, default=self._encoder.default, option=_OPTIONS)
            except (orjson.JSONEncodeError, TypeError):
                pass
            else:
                for raw, escaped in _LINE_SEPARATORS:
                    body = body.replace(raw, escaped)
                return body
        return super().render(data, accepted_media_type, renderer_context)
