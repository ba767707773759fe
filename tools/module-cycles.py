#!/usr/bin/env python3
"""Lists import cycles between the modules of each crate (`use crate::…`, `super::…`, and a
parent naming its child modules), so that no module imports one that imports it back.

usage: tools/module-cycles.py [CRATE_SRC_DIR…]   (default: every crates/*/src)
Exit status 1 when a cycle is found."""
import pathlib, re, sys

def modules(src):
    mods = {}
    for f in sorted(src.rglob('*.rs')):
        rel = f.relative_to(src).with_suffix('')
        parts = list(rel.parts)
        if parts[-1] in ('mod', 'lib', 'main'):
            parts = parts[:-1]
        mods['::'.join(parts)] = f.read_text()
    return mods

def refs(name, text, names):
    out = set()
    code = re.sub(r'//[^\n]*', '', text)
    code = re.sub(r'#\[cfg\(test\)\]\s*mod tests\s*\{.*', '', code, flags=re.S)
    here = name.split('::') if name else []
    # `use` groups are expanded crudely: every path segment sequence after crate::/super::/self::
    for m in re.finditer(r'\b(crate|super|self)((?:::\w+)+)', code):
        base = {'crate': [], 'super': here[:-1], 'self': here}[m.group(1)]
        segs = base + [s for s in m.group(2).split('::') if s]
        for k in range(len(segs), 0, -1):
            cand = '::'.join(segs[:k])
            if cand in names:
                out.add(cand)
                break
    # `use super::{a, b}` / `use crate::{x::y, z}`
    for m in re.finditer(r'\b(crate|super|self)::\{([^}]*)\}', code):
        base = {'crate': [], 'super': here[:-1], 'self': here}[m.group(1)]
        for item in m.group(2).split(','):
            segs = base + [s for s in item.strip().split('::') if s and s != 'self']
            for k in range(len(segs), 0, -1):
                cand = '::'.join(segs[:k])
                if cand in names:
                    out.add(cand)
                    break
    # a parent using its children by name (`scan::Scan`)
    for child in names:
        if child.rsplit('::', 1)[0] == name or ('::' not in child and name == ''):
            last = child.rsplit('::', 1)[-1]
            if child != name and re.search(r'(?<![\w:])' + re.escape(last) + r'::', code):
                out.add(child)
    out.discard(name)
    # ancestors are not dependencies of a child just because they contain it
    return out

def cycles(src):
    mods = modules(src)
    names = set(mods)
    g = {n: refs(n, t, names) for n, t in mods.items()}
    found = []
    for a in sorted(g):
        for b in sorted(g[a]):
            if a < b and a in g.get(b, ()):
                found.append((a or '<root>', b or '<root>'))
    return found

def main():
    roots = [pathlib.Path(p) for p in sys.argv[1:]] or sorted(pathlib.Path(__file__).resolve().parent.parent.glob('crates/*/src'))
    bad = 0
    for src in roots:
        for a, b in cycles(src):
            print(f'{src}: {a} <-> {b}')
            bad += 1
    sys.exit(1 if bad else 0)

main()
