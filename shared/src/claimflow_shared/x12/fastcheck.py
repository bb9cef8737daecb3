"""Compile a segment's rules into one straight-line function that accepts clean segments quickly.

The compiled function answers only "certainly clean?": it may turn down a segment the rules would
accept (the detailed check then decides), but never accepts one they would refuse. It splits
composites on the declared separator only, so a file using another one takes the detailed path.
A clean segment gets back the components of its composites (in spec order), so the mapping does
not split them again; a doubtful one gets None. Functions are compiled on first use of a spec and
kept for the life of the process.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from claimflow_shared.x12.values import DECIMAL, OUTSIDE_CHARACTER_SET, is_date, is_time

if TYPE_CHECKING:
    from claimflow_shared.x12.elements import Rule, SegmentSpec

FastCheck = Callable[[list[str], str], "tuple[list[str], ...] | None"]
_COMPILED: dict[int, FastCheck] = {}


def fast_check(segment: SegmentSpec) -> FastCheck:
    """Return the compiled quick check of a spec, compiling it once."""
    compiled = _COMPILED.get(id(segment))
    if compiled is None:
        compiled = _COMPILED[id(segment)] = _compile(segment)
    return compiled


def _compile(segment: SegmentSpec) -> FastCheck:
    """Generate and compile the quick check of one spec, taking the component separator."""
    names: dict[str, object] = {
        "DEC": DECIMAL.fullmatch,
        "OUT": OUTSIDE_CHARACTER_SET.search,
        "is_date": is_date,
        "is_time": is_time,
    }
    lines = ["def quick(e, sep):", "    n = len(e)"]
    for rule in segment.simple:
        lines += _rule_lines(rule, f"e[{rule.position}] if n > {rule.position} else ''", names, 1)
    parts = []
    for number, (position, required, rules) in enumerate(segment.composites):
        lines.append(f"    v = e[{position}] if n > {position} else ''")
        lines.append(f"    c{number} = c = v.split(sep)")
        if required:
            lines += ["    if not v:", "        return None"]
            depth = 1
        else:
            lines.append("    if v:")
            depth = 2
        lines.append(f"{'    ' * depth}m = len(c)")
        for rule in rules:
            index = (rule.component or 1) - 1
            lines += _rule_lines(rule, f"c[{index}] if m > {index} else ''", names, depth)
        parts.append(f"c{number}")
    limit = segment.max_elements
    lines += [f"    if n > {limit + 1} and any(e[{limit + 1}:]):", "        return None"]
    lines.append(f"    return ({', '.join(parts)}{',' if parts else ''})")
    exec("\n".join(lines), names)  # noqa: S102 - source is generated from our own rule tables
    return names["quick"]  # type: ignore[return-value]


def _rule_lines(rule: Rule, value: str, names: dict[str, object], depth: int) -> list[str]:
    """Return the source lines checking one rule at the given indentation depth."""
    pad = "    " * depth
    key = f"R{len(names)}"
    lines = [f"{pad}v = {value}"]
    if rule.codes is not None:
        names[key] = rule.codes
        test = f"v not in {key}" if rule.required else f"v and v not in {key}"
        return lines + [f"{pad}if {test}:", f"{pad}    return None"]
    bad = _bad_condition(rule, key, names)
    test = f"not v or {bad}" if rule.required else f"v and ({bad})"
    return lines + [f"{pad}if {test}:", f"{pad}    return None"]


def _bad_condition(rule: Rule, key: str, names: dict[str, object]) -> str:
    """Return an expression that is true whenever a non-empty value might break the rule."""
    if rule.min_len == rule.max_len:
        size = f"len(v) != {rule.max_len}"
    elif rule.min_len <= 1:
        size = f"len(v) > {rule.max_len}"
    else:
        size = f"len(v) > {rule.max_len} or len(v) < {rule.min_len}"
    if rule.kind == "R":
        return f"len(v) > {rule.max_len} or DEC(v) is None"
    if rule.kind == "N0":
        return f"{size} or not v.isdigit()"
    if rule.kind == "DT":
        return f"{size} or not is_date(v)"
    if rule.kind == "TM":
        return f"{size} or not is_time(v)"
    if rule.pattern is not None:
        names[key] = rule.pattern.fullmatch
        return f"{size} or {key}(v) is None or OUT(v) is not None"
    return f"{size} or OUT(v) is not None"
