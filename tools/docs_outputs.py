#!/usr/bin/env python
"""Committed outputs for the docs: run the cells marked `#| keep_output` and store their outputs in the notebooks.

    python tools/docs_outputs.py                 # every notebook of nbs/ that has marked cells
    python tools/docs_outputs.py nbs/index.ipynb # only these notebooks
    python tools/docs_outputs.py --check         # fail when an output is missing, or present in an unmarked cell

The docs show two kinds of outputs under the cells that make them:
* `#| exec_doc` cells (fast figures and tables) are re-run by `nbdev-proc-nbs` at docs time; nothing is stored.
* `#| keep_output` cells (too slow for docs time: a real compression, a synthetic batch) keep the outputs this
  script stores. Like `exec_doc` cells they must be self-contained: the script runs, in a fresh shell in nbs/,
  only the cells the docs would run (exports, imports, `show_doc`) and the marked cells, in order.
`clear_all = false` in pyproject.toml lets `nbdev-clean` keep these outputs; `--check` (run by .ci/run) makes sure
no other cell carries an output, so notebooks saved from Jupyter with outputs are caught."""
import ast, os, subprocess, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NBS = ROOT/'nbs'
MARK = 'keep_output'
RUN_DIRS = {'export', 'exports', 'exporti', 'exec_doc', MARK}

def directives(src:str)->dict:
    "The `#| key: value` lines at the top of a cell"
    d = {}
    for line in src.splitlines():
        if not line.startswith('#|'): break
        k, _, v = line[2:].strip().partition(':')
        for key in (k.split() if not v else [k]): d[key.strip()] = v.strip()
    return d

def src(cell)->str: return ''.join(cell['source']) if isinstance(cell['source'], list) else cell['source']

def marked(cell)->bool: return cell['cell_type'] == 'code' and MARK in directives(src(cell))

def runs_in_docs(cell)->bool:
    "Would `nbdev-proc-nbs` run this cell (exports, imports, show_doc), or is it marked?"
    s = src(cell)
    if cell['cell_type'] != 'code' or not s.strip() or 'nbdev_export()' in s: return False
    d = directives(s)
    if d.get('eval', '').lower() == 'false': return False
    if RUN_DIRS & d.keys(): return True
    try: tree = ast.parse('\n'.join(l for l in s.splitlines() if not l.startswith('%')))
    except SyntaxError: return False
    return any(isinstance(n, (ast.Import, ast.ImportFrom)) for n in ast.walk(tree)) or 'show_doc(' in s

def as_shown(cell):
    "The cell's source as the docs show it: `#| hide_line` lines dropped, a guarded example dedented (`red_nb.core.unguard_docs`)"
    from red_nb.core import unguard_docs
    cell.source = '\n'.join(l for l in cell.source.splitlines() if not l.rstrip().endswith('#| hide_line'))
    unguard_docs(cell)

def refresh(path:Path):
    "Run the docs-time cells and the marked cells of `path`; store outputs of marked cells only"
    from fastcore.nbio import read_nb, write_nb
    from execnb.shell import CaptureShell
    nb = read_nb(path)
    if not any(marked(c) for c in nb.cells): return 0
    cwd = os.getcwd(); os.chdir(path.parent)
    try:
        sh = CaptureShell(mpl_format='png')
        sh.run_cell('from nbdev.showdoc import show_doc')
        for c in nb.cells:
            if c.cell_type != 'code': continue
            if runs_in_docs(c):
                orig = c.source
                if marked(c): as_shown(c)
                try: sh.cell(c)
                finally: c.source = orig
                if sh.exc: raise RuntimeError(f"{path.name}: cell {c.idx_} failed: {type(sh.exc).__name__}: {sh.exc}\n{c.source}")
            if not marked(c): c.outputs = []
    finally: os.chdir(cwd)
    write_nb(nb, path)
    subprocess.run(['nbdev-clean', '--fname', str(path)], cwd=ROOT, check=True)
    return sum(marked(c) for c in nb.cells)

def problems(path:Path)->list:
    "Unmarked cells with outputs and marked cells without outputs"
    import json
    out = []
    for i, c in enumerate(json.loads(path.read_text())['cells']):
        if c['cell_type'] != 'code': continue
        if marked(c) and not c.get('outputs'): out.append(f"{path.name} cell {i}: `#| {MARK}` cell without outputs (run python tools/docs_outputs.py {path.relative_to(ROOT)})")
        if not marked(c) and c.get('outputs'): out.append(f"{path.name} cell {i}: output in a cell without `#| {MARK}` (clear it, or mark the cell and run python tools/docs_outputs.py)")
    return out

def main(args):
    check = '--check' in args
    paths = [Path(a).resolve() for a in args if a != '--check'] or sorted(NBS.glob('*.ipynb'))
    if check:
        errs = [e for p in paths for e in problems(p)]
        print('\n'.join(errs) or f"outputs: only `#| {MARK}` cells carry outputs ({len(paths)} notebooks)")
        return 1 if errs else 0
    for p in paths:
        n = refresh(p)
        if n: print(f"{p.name}: {n} cell(s) refreshed")
    return 0

if __name__ == '__main__': sys.exit(main(sys.argv[1:]))
