"""JSON written inside an HTML page (a `<script type="application/ld+json">` block).

Inside a script element the HTML parser ends the element at `</script>`, and after
`<!--<script>` it no longer ends it at the real `</script>` (the rest of the page turns
into script). So no `<`, `>` or `&` may appear literally: each is written as its JSON
escape (`\\u003c`, `\\u003e`, `\\u0026`), which every JSON reader turns back into the
same text. This is what Django's `json_script` filter does; use that filter where the
block may carry an `id`, and this where it may not (JSON-LD)."""

import json
from typing import Any

from django.utils.safestring import SafeString, mark_safe

_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


def inline_json(data: Any) -> SafeString:
    """`data` as JSON that is safe between `<script …>` and `</script>`."""
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(_ESCAPES))  # noqa: S308
