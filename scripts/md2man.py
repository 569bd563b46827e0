#!/usr/bin/env python3
"""Turns a docs/man/*.md page (the small Markdown subset those pages use)
into a roff man page: md2man.py IN.md OUT.1 [VERSION]."""
import re, sys

def esc(s):
    s = s.replace("\\", "\\e")
    s = s.replace("-", "\\-")
    return s

def inline(s):
    s = esc(s)
    s = re.sub(r"`([^`]*)`", lambda m: "\\fB" + m.group(1) + "\\fR", s)
    s = re.sub(r"\*\*([^*]+)\*\*", r"\\fB\1\\fR", s)
    s = re.sub(r"(?<![\w*])\*([^*\s][^*]*)\*(?![\w*])", r"\\fI\1\\fR", s)
    s = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", s)
    if s.startswith(".") or s.startswith("'"):
        s = "\\&" + s
    return s

def convert(lines, version):
    out, in_code, in_def = [], False, False
    m = re.match(r"#\s+([\w.-]+)\((\d)\)", lines[0]) if lines else None
    name, sec = (m.group(1), m.group(2)) if m else ("redline", "1")
    out.append('.TH "%s" "%s" "" "redline %s" "redline manual"' % (name.upper(), sec, version))
    i = 1
    while i < len(lines):
        l = lines[i].rstrip("\n")
        if l.startswith("```"):
            out.append(".fi\n.RE" if in_code else ".RS 4\n.nf")
            in_code = not in_code
        elif in_code:
            out.append(esc(l) if not l.startswith(".") else "\\&" + esc(l))
        elif in_def and l.startswith("    ") and l.strip():
            out.append(inline(l.strip()))
        elif l.startswith("## "):
            out.append(".SH " + esc(l[3:].upper()))
        elif l.startswith("    ") and l.strip():
            block = []
            while i < len(lines) and (lines[i].startswith("    ") or not lines[i].strip()):
                block.append(lines[i].rstrip("\n")[4:])
                i += 1
            while block and not block[-1].strip():
                block.pop()
            out.append(".RS 4\n.nf")
            out.extend("\\&" + esc(b) for b in block)
            out.append(".fi\n.RE\n.PP")
            continue
        elif l.startswith(":   "):
            out.append(inline(l[4:]))
            in_def = True
        elif i + 1 < len(lines) and lines[i + 1].startswith(":   ") and l.strip():
            out.append(".TP\n" + inline(l))
        elif l.startswith("* ") or l.startswith("- "):
            out.append(".IP \\(bu 2\n" + inline(l[2:]))
        elif not l.strip():
            out.append(".PP")
            in_def = False
        else:
            out.append(inline(l.strip()))
        i += 1
    return "\n".join(out) + "\n"

if __name__ == "__main__":
    src, dst = sys.argv[1], sys.argv[2]
    version = sys.argv[3] if len(sys.argv) > 3 else ""
    with open(src, encoding="utf-8") as f:
        text = convert(f.readlines(), version)
    with open(dst, "w", encoding="utf-8") as f:
        f.write(text)
