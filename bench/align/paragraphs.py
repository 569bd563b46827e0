#!/usr/bin/env python3
"""Prints the paragraphs (<p> text of 60+ characters) of the corpus's news
articles, one a line, with a line "## <file>" before each article: the
sentences bench/align builds its labelled pairs from."""
import glob, html.parser, os, sys

class P(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth, self.buf, self.out, self.skip = 0, [], [], 0
    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "noscript"):
            self.skip += 1
        if tag == "p":
            self.depth += 1
    def handle_endtag(self, tag):
        if tag in ("script", "style", "noscript") and self.skip:
            self.skip -= 1
        if tag == "p" and self.depth:
            self.depth -= 1
            t = " ".join("".join(self.buf).split())
            if len(t) >= 60:
                self.out.append(t)
            self.buf = []
    def handle_data(self, d):
        if self.depth and not self.skip:
            self.buf.append(d)

corpus = sys.argv[1] if len(sys.argv) > 1 else "../shared/corpus"
files = sorted(glob.glob(os.path.join(corpus, "trafilatura/tests/cache/*.html")) +
               glob.glob(os.path.join(corpus, "newsdiffs/parsers/test_nyt_data/*.html")))
for f in files:
    p = P()
    p.feed(open(f, encoding="utf-8", errors="replace").read())
    if len(p.out) >= 4:
        print("## " + os.path.basename(f))
        for t in p.out:
            print(t)
