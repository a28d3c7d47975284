"""Article bodies as HTML: the one place a Block becomes markup. Imports: model only."""

from __future__ import annotations

import html

from ..model import Block


def body_html(blocks: tuple[Block, ...]) -> str:
    """Safe HTML for an article body: every text escaped; captions as figure captions."""
    parts = []
    for block in blocks:
        text = html.escape(block.text, quote=True)
        if block.kind == "caption":
            parts.append(f'<figure class="caption"><figcaption>{text}</figcaption></figure>')
        else:
            parts.append(f"<p>{text}</p>")
    return "\n".join(parts)
