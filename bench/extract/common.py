"""What score.py and aeb.py share: run redline's extractor on a page, run
the peer (readability-lxml) on it, and take the text of an HTML fragment."""
import json, subprocess

import lxml.html
from readability import Document

BLOCKS = ("p", "div", "br", "li", "h1", "h2", "h3", "h4", "tr", "blockquote")


def html_text(html, block_lines=False):
    """The text of `html` without script and style; with block_lines, each
    block ends a line (as html_text.extract_text does in the Scrapinghub
    benchmark's own runs), so that words of two blocks never run together."""
    if not html or not html.strip():
        return ""
    doc = lxml.html.fromstring(html)
    for bad in doc.xpath("//script|//style"):
        bad.drop_tree()
    if block_lines:
        for el in doc.iter():
            if isinstance(el.tag, str) and el.tag in BLOCKS:
                el.tail = "\n" + (el.tail or "")
    return doc.text_content()


def redline(tool, path, url):
    """The bodies of all the stories redline makes of the page, and their number."""
    out = subprocess.run([tool, path, url], capture_output=True, timeout=60)
    if out.returncode != 0:
        return "", 0
    items = json.loads(out.stdout.decode("utf-8", "replace"))
    return "\n".join(i.get("body") or "" for i in items), len(items)


def peer(html, block_lines=False):
    """readability-lxml's main text of the page ("" when it fails)."""
    try:
        return html_text(Document(html).summary(html_partial=True), block_lines)
    except Exception:
        return ""
