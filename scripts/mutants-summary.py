#!/usr/bin/env python3
"""Per-file kill rate from cargo-mutants outcomes.json files.

Given several files (a full run, then `--iterate` runs, oldest first), a later
outcome of the same mutant replaces an earlier one: an iteration tests only
what the run before it missed. Caught and timed-out mutants count as killed;
unviable ones (they do not build) count in neither column. Prints one row per
file and the total, then the missed mutants so each can be given a test or a
reason.
"""
import json
import sys
from collections import defaultdict


KEYS = {
    "CaughtMutant": "caught",
    "MissedMutant": "missed",
    "Timeout": "timeout",
    "Unviable": "unviable",
}


def latest_outcomes(paths):
    """(file, name) -> (key, mutant), the last file's word on each mutant."""
    latest = {}
    for path in paths:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        for o in data["outcomes"]:
            scenario = o.get("scenario")
            if not isinstance(scenario, dict) or "Mutant" not in scenario:
                continue  # the baseline
            m = scenario["Mutant"]
            key = KEYS.get(o["summary"])
            if key is not None:
                latest[(m["file"], m.get("name"))] = (key, m)
    return latest


def main(paths) -> None:
    per_file = defaultdict(lambda: {"caught": 0, "timeout": 0, "missed": 0, "unviable": 0})
    missed = []
    for (file, name), (key, m) in sorted(latest_outcomes(paths).items(), key=str):
        per_file[file][key] += 1
        if key == "missed":
            line = m.get("span", {}).get("start", {}).get("line", "?")
            missed.append(f"{file}:{line}: {name}")
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
    main(sys.argv[1:] or ["mutants.out/outcomes.json"])
