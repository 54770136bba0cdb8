#!/usr/bin/env python3
"""Per-file kill rate from a cargo-mutants outcomes.json.

Caught and timed-out mutants count as killed; unviable ones (they do not
build) count in neither column. Prints one row per file and the total, then
the missed mutants so each can be given a test or a reason.
"""
import json
import sys
from collections import defaultdict


def main(path: str) -> None:
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    per_file = defaultdict(lambda: {"caught": 0, "timeout": 0, "missed": 0, "unviable": 0})
    missed = []
    for o in data["outcomes"]:
        scenario = o.get("scenario")
        if not isinstance(scenario, dict) or "Mutant" not in scenario:
            continue  # the baseline
        m = scenario["Mutant"]
        summary = o["summary"]
        key = {
            "CaughtMutant": "caught",
            "MissedMutant": "missed",
            "Timeout": "timeout",
            "Unviable": "unviable",
        }.get(summary)
        if key is None:
            continue
        per_file[m["file"]][key] += 1
        if key == "missed":
            line = m.get("span", {}).get("start", {}).get("line", "?")
            missed.append(f'{m["file"]}:{line}: {m.get("name", m)}')
    total = {"caught": 0, "timeout": 0, "missed": 0, "unviable": 0}
    print(f'{"file":55} {"killed":>7} {"missed":>7} {"unviable":>9} {"rate":>7}')
    for file, c in sorted(per_file.items()):
        for k in total:
            total[k] += c[k]
        killed = c["caught"] + c["timeout"]
        viable = killed + c["missed"]
        rate = f"{100 * killed / viable:.1f}%" if viable else "-"
        print(f'{file:55} {killed:7} {c["missed"]:7} {c["unviable"]:9} {rate:>7}')
    killed = total["caught"] + total["timeout"]
    viable = killed + total["missed"]
    rate = f"{100 * killed / viable:.1f}%" if viable else "-"
    print(f'{"total":55} {killed:7} {total["missed"]:7} {total["unviable"]:9} {rate:>7}')
    if missed:
        print("\nmissed:")
        for m in missed:
            print("  " + m)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "mutants.out/outcomes.json")
