"""DRC for CI: many files in one run, waivers, a baseline, JUnit XML and SARIF 2.1.0 reports.

>>> from weiming.pdk.drc_ci import check_files, expand
>>> run = check_files(expand(["reticles/", "chip.gds"]), "inp", waivers="waivers.yaml")  # doctest: +SKIP
>>> run.clean, write_junit(run, "drc.xml"), write_sarif(run, "drc.sarif")              # doctest: +SKIP

Waivers (YAML, a list, or a mapping with key ``waivers``)::

    - rule: PAD.S.1            # rule name (required)
      file: "reticles/*.gds"   # glob on the file path as given, or on its name (required)
      cell: pad_gsg            # optional: only markers inside a placement of a cell of this name (or prefix)
      box: [0, 0, 500, 500]    # optional: only markers inside this box [x0, y0, x1, y1] um
      reason: "probe pads, checked by hand"   # required

A waived marker is reported as waived and does not fail the run. A baseline
(``--baseline OLD.json``, an earlier ``weiming drc --json`` output) accepts
every (file, rule) whose count does not exceed the baseline's; only new or
grown violations fail.
"""

from __future__ import annotations

import fnmatch
import glob
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from weiming.fileio import atomic_write_text
from weiming.pdk.datafile import load_data
from weiming.pdk.drc import DrcResult, Violation, run_drc
from weiming.pdk.drc_checks import DrcInputError

LAYOUT_SUFFIXES = (".gds", ".gds2", ".gdsii", ".oas", ".oasis")
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFO_URI = "https://github.com/weiming-photonics/weiming"  # assumption: the project's public home


@dataclass(frozen=True)
class Waiver:
    rule: str
    file: str
    reason: str
    cell: str | None = None
    box: tuple[float, float, float, float] | None = None


@dataclass
class Entry:
    """One rule's markers in one file, all waived (with the reasons) or all not."""

    violation: Violation
    count: int
    examples: list[tuple[float, float]]
    markers: list[tuple[float, float, float, float]]
    waived: bool = False
    reasons: list[str] = field(default_factory=list)
    baseline: bool = False

    def to_json(self) -> dict:
        d = {"rule": self.violation.rule, "count": self.count, "examples": [list(e) for e in self.examples],
             "waived": self.waived}
        if self.baseline:
            d["baseline"] = True
        return d

    @property
    def failing(self) -> bool:
        return not self.waived and not self.baseline


@dataclass
class FileResult:
    file: str
    result: DrcResult
    entries: list[Entry]

    @property
    def clean(self) -> bool:
        return not any(e.failing for e in self.entries)

    def to_json(self) -> dict:
        return {"file": self.file, "clean": self.clean, "violations": [e.to_json() for e in self.entries]}


@dataclass
class CiRun:
    pdk: str
    files: list[FileResult]
    rules: list[Any]  # the PDK's rules, for JUnit test cases and SARIF rule descriptors

    @property
    def clean(self) -> bool:
        return all(f.clean for f in self.files)

    def to_json(self) -> dict:
        out = {"clean": self.clean, "files": [f.to_json() for f in self.files]}
        if len(self.files) == 1:  # the single-file contract keeps its top-level "violations"
            out["violations"] = self.files[0].to_json()["violations"]
        return out

    def summary(self) -> str:
        lines = []
        for f in self.files:
            state = "clean" if f.clean else "violations"
            lines.append(f"{f.file}: {state}")
            for e in f.entries:
                tag = "waived: " + "; ".join(sorted(set(e.reasons))) if e.waived else \
                    ("in baseline" if e.baseline else "FAIL")
                lines.append(f"  {e.violation.rule:<14} {e.count:>6}  [{tag}]  {_msg(e)}")
        n = sum(not f.clean for f in self.files)
        lines.append(f"DRC {self.pdk}: {len(self.files)} file(s), {n} with violations")
        return "\n".join(lines)


def _msg(e: Entry) -> str:
    v = e.violation
    ex = " ".join(f"({x:.3f}, {y:.3f})" for x, y in e.examples)
    on = f" on unknown layer(s) {', '.join(v.layers)}" if v.layers else ""
    return f"{e.count} violation(s) of {v.description or v.rule}{on} at {ex}"


# ----------------------------------------------------------------------------- inputs
def expand(items: list[str | Path]) -> list[str]:
    """Files, directories (every layout file below, sorted) and globs, in order, without duplicates."""
    out: list[str] = []
    for item in items:
        s = str(item)
        p = Path(s)
        if p.is_dir():
            found = sorted(str(q) for q in p.rglob("*") if q.is_file() and q.suffix.lower() in LAYOUT_SUFFIXES)
            if not found:
                raise DrcInputError(f"directory {s} holds no layout files ({', '.join(LAYOUT_SUFFIXES)})")
        elif p.is_file():
            found = [s]
        elif glob.has_magic(s):
            found = sorted(q for q in glob.glob(s, recursive=True) if Path(q).is_file())
            if not found:
                raise DrcInputError(f"glob {s!r} matches no file")
        else:
            raise DrcInputError(f"layout file not found: {s}")
        out += [f for f in found if f not in out]
    return out


def load_waivers(path: str | Path) -> list[Waiver]:
    p = Path(path)
    data = load_data(p, "waivers", DrcInputError)
    if isinstance(data, dict):
        data = data.get("waivers")
    if not isinstance(data, list):
        raise DrcInputError(f"waivers {p}: expected a list of {{rule, file, cell, box, reason}}")
    out = []
    for k, w in enumerate(data):
        where = f"waivers {p} entry {k + 1}"
        if not isinstance(w, dict):
            raise DrcInputError(f"{where}: expected a mapping")
        unknown = set(w) - {"rule", "file", "cell", "box", "reason"}
        if unknown:
            raise DrcInputError(f"{where}: unknown key(s) {sorted(unknown)} (allowed: rule, file, cell, box, reason)")
        for key in ("rule", "file", "reason"):
            if not isinstance(w.get(key), str) or not w[key].strip():
                raise DrcInputError(f"{where}: {key} is required (a non-empty string)")
        box = w.get("box")
        if box is not None:
            if not (isinstance(box, list) and len(box) == 4 and all(isinstance(v, (int, float)) for v in box)
                    and box[0] < box[2] and box[1] < box[3]):
                raise DrcInputError(f"{where}: box {box!r} must be [x0, y0, x1, y1] um with x0 < x1, y0 < y1")
            box = tuple(float(v) for v in box)
        out.append(Waiver(w["rule"], w["file"], w["reason"], w.get("cell"), box))
    return out


def load_baseline(path: str | Path) -> dict[tuple[str, str], int]:
    """{(file, rule): count} of an earlier ``weiming drc --json`` output (multi- or single-file form)."""
    p = Path(path)
    data = load_data(p, "baseline", DrcInputError, fmt="json")
    if not isinstance(data, dict):
        raise DrcInputError(f"baseline {p}: expected the JSON of `weiming drc --json`")
    files = data.get("files") or [{"file": "*", "violations": data.get("violations", [])}]
    out: dict[tuple[str, str], int] = {}
    for f in files:
        for v in f.get("violations", []):
            if v.get("waived"):
                continue
            key = (str(f.get("file")), str(v.get("rule")))
            out[key] = out.get(key, 0) + int(v.get("count", 0))
    return out


# ----------------------------------------------------------------------------- run
def check_files(files: list[str], pdk: str, *, waivers: str | Path | None = None,
                baseline: str | Path | None = None, report: str | Path | None = None,
                deep: bool = True) -> CiRun:
    """DRC of every file; waivers and baseline applied. ``report``: a .lyrdb (one file) or a folder
    (one ``<name>.lyrdb`` per file) for several."""
    from weiming.pdk import get_tech

    ws = load_waivers(waivers) if waivers is not None else []
    base = load_baseline(baseline) if baseline is not None else None
    out = []
    for f in files:
        rep = None
        if report is not None:
            rep = Path(report) if len(files) == 1 else Path(report) / (Path(f).stem + ".lyrdb")
        res = run_drc(f, pdk, deep=deep, report=rep)
        entries = []
        for v in res.violations:
            entries += _apply_waivers(f, v, [w for w in ws if w.rule == v.rule and _file_match(w.file, f)])
        if base is not None:
            _apply_baseline(f, entries, base)
        out.append(FileResult(f, res, entries))
    return CiRun(pdk, out, list(get_tech(pdk).rules))


def _file_match(pattern: str, f: str) -> bool:
    return fnmatch.fnmatch(f, pattern) or fnmatch.fnmatch(Path(f).name, pattern) \
        or fnmatch.fnmatch(os.path.normpath(f), os.path.normpath(pattern))


def _cell_boxes(f: str, cell: str) -> list[tuple[float, float, float, float]]:
    """Bounding boxes (um, top coordinates) of every placement of the cells named ``cell`` (or ``cell_*``)."""
    import klayout.db as kdb

    ly = kdb.Layout()
    ly.read(f)
    out = []
    for top in ly.top_cells():
        if top.name == cell or top.name.startswith(cell + "_"):
            b = top.dbbox()
            out.append((b.left, b.bottom, b.right, b.top))
        it = kdb.RecursiveInstanceIterator(ly, top)
        while not it.at_end():
            c = ly.cell(it.inst_cell().cell_index())
            if c.name == cell or c.name.startswith(cell + "_"):
                b = c.bbox().transformed(it.trans() * it.inst_trans())
                out.append((b.left * ly.dbu, b.bottom * ly.dbu, b.right * ly.dbu, b.top * ly.dbu))
            it.next()
    return out


def _inside(m, b) -> bool:
    return b[0] <= m[0] and b[1] <= m[1] and m[2] <= b[2] and m[3] <= b[3]


def _apply_waivers(f: str, v: Violation, ws: list[Waiver]) -> list[Entry]:
    if not ws:
        return [Entry(v, v.count, list(v.examples), list(v.markers))]
    if len(v.markers) < v.count:  # more markers than kept: only whole-rule waivers can apply
        ws = [w for w in ws if w.box is None and w.cell is None]
        if not ws:
            return [Entry(v, v.count, list(v.examples), list(v.markers))]
    boxes = {w.cell: _cell_boxes(f, w.cell) for w in ws if w.cell}
    waived, kept, reasons = [], [], []
    for m in v.markers if len(v.markers) == v.count else []:
        w = next((w for w in ws if (w.box is None or _inside(m, w.box))
                  and (w.cell is None or any(_inside(m, b) for b in boxes[w.cell]))), None)
        if w is None:
            kept.append(m)
        else:
            waived.append(m)
            reasons.append(w.reason)
    if len(v.markers) < v.count:  # whole-rule waiver of an uncapped count
        return [Entry(v, v.count, list(v.examples), list(v.markers), waived=True, reasons=[ws[0].reason])]
    out = []
    if kept:
        out.append(Entry(v, len(kept), _centres(kept), kept))
    if waived:
        out.append(Entry(v, len(waived), _centres(waived), waived, waived=True, reasons=reasons))
    return out


def _centres(ms) -> list[tuple[float, float]]:
    return [(round((m[0] + m[2]) / 2, 4), round((m[1] + m[3]) / 2, 4)) for m in ms[:5]]


def _apply_baseline(f: str, entries: list[Entry], base: dict[tuple[str, str], int]) -> None:
    for e in entries:
        if e.waived:
            continue
        known = base.get((f, e.violation.rule))
        if known is None:
            known = next((c for (bf, r), c in base.items() if r == e.violation.rule
                          and (bf == "*" or Path(bf).name == Path(f).name)), None)
        if known is not None and e.count <= known:
            e.baseline = True


# ----------------------------------------------------------------------------- reports
def junit_xml(run: CiRun) -> str:
    """JUnit XML: a test suite per file, a test case per rule; a violated rule is a failure naming its
    count and first locations; a waived one is skipped with the reasons."""
    from xml.etree import ElementTree as ET

    root = ET.Element("testsuites", name=f"weiming drc {run.pdk}")
    tot = {"tests": 0, "failures": 0, "skipped": 0}
    for fr in run.files:
        by_rule: dict[str, list[Entry]] = {}
        for e in fr.entries:
            by_rule.setdefault(e.violation.rule, []).append(e)
        suite = ET.SubElement(root, "testsuite", name=fr.file)
        n = {"tests": 0, "failures": 0, "skipped": 0}
        for rule in run.rules:
            n["tests"] += 1
            case = ET.SubElement(suite, "testcase", name=rule.name, classname=fr.file)
            es = by_rule.get(rule.name, [])
            failing = [e for e in es if e.failing]
            if failing:
                n["failures"] += 1
                e = failing[0]
                fail = ET.SubElement(case, "failure", message=_msg(e), type=rule.kind)
                fail.text = "\n".join(_msg(x) for x in failing)
            elif es and all(e.waived for e in es):
                n["skipped"] += 1
                ET.SubElement(case, "skipped", message="waived: " + "; ".join(sorted({r for e in es for r in e.reasons})))
            if es:
                out = ET.SubElement(case, "system-out")
                out.text = "\n".join(("[waived] " if e.waived else "[baseline] " if e.baseline else "") + _msg(e)
                                     for e in es)
        for k, val in n.items():
            suite.set(k, str(val))
            tot[k] += val
        suite.set("errors", "0")
    for k, val in tot.items():
        root.set(k, str(val))
    root.set("errors", "0")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def sarif(run: CiRun) -> dict:
    """SARIF 2.1.0: one result per violation marker (ruleId = rule name), located in the GDS file with
    the marker's box (um) in the region's properties; waived markers carry a suppression."""
    import weiming

    rules = [{"id": r.name, "name": r.name, "shortDescription": {"text": r.describe()},
              "fullDescription": {"text": f"{r.describe()}. Source: {r.source or 'n/a'}"},
              "properties": {"kind": r.kind, "layer": r.layer, "value": r.value}} for r in run.rules]
    index = {r.name: k for k, r in enumerate(run.rules)}
    results = []
    for fr in run.files:
        for e in fr.entries:
            v = e.violation
            ms = e.markers or [(x, y, x, y) for x, y in e.examples]
            for m in ms:
                cx, cy = (m[0] + m[2]) / 2, (m[1] + m[3]) / 2
                on = f" on unknown layer(s) {', '.join(v.layers)}" if v.layers else ""
                res = {
                    "ruleId": v.rule, "ruleIndex": index.get(v.rule, -1), "level": "error",
                    "message": {"text": f"{v.description or v.rule}{on} at ({cx:.3f}, {cy:.3f}) um"},
                    "locations": [{"physicalLocation": {
                        "artifactLocation": {"uri": Path(fr.file).as_posix()},
                        "region": {"startLine": 1, "properties": {"x_um": round(cx, 4), "y_um": round(cy, 4),
                                                                   "box_um": [round(c, 4) for c in m]}}},
                        "logicalLocations": [{"name": ",".join(fr.result.top_cells), "kind": "module"}]}],
                }
                if e.waived:
                    res["suppressions"] = [{"kind": "external", "status": "accepted",
                                            "justification": "; ".join(sorted(set(e.reasons)))}]
                elif e.baseline:
                    res["baselineState"] = "unchanged"
                results.append(res)
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0",
            "runs": [{"tool": {"driver": {"name": "weiming-drc", "version": weiming.__version__,
                                          "informationUri": INFO_URI, "rules": rules}},
                      "results": results,
                      "properties": {"pdk": run.pdk}}]}


def write_junit(run: CiRun, path: str | Path) -> None:
    atomic_write_text(path, junit_xml(run))


def write_sarif(run: CiRun, path: str | Path) -> None:
    atomic_write_text(path, json.dumps(sarif(run), indent=2) + "\n")
