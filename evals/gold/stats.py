"""Validate the gold set and print counts per split and per label.

Usage: python evals/gold/stats.py [--markdown]
"""
import glob
import json
import os
import sys

ORDER = ["power_vs_leverage", "urgency_signal", "weak_alternative", "unified_actor", "process_concession"]
HERE = os.path.dirname(os.path.abspath(__file__))


def load(split):
    docs = []
    for path in sorted(glob.glob(os.path.join(HERE, split, "*.json"))):
        with open(path, encoding="utf-8") as fh:
            doc = json.load(fh)
        doc["_path"] = path
        docs.append(doc)
    return docs


def validate(docs, seen):
    errors = []
    for d in docs:
        name = os.path.basename(d["_path"])
        if d["id"] + ".json" != name:
            errors.append(f"{name}: id does not match file name")
        if d["id"] in seen:
            errors.append(f"{name}: duplicate id")
        seen.add(d["id"])
        turns = d["turns"]
        if not 6 <= len(turns) <= 20:
            errors.append(f"{name}: {len(turns)} turns")
        for t in turns:
            if t["speaker"] not in ("trainee", "counterparty") or not t["text"].strip():
                errors.append(f"{name}: bad turn {t}")
        if set(d["labels"]) != set(ORDER):
            errors.append(f"{name}: label keys")
        for k in ORDER:
            lab = d["labels"][k]
            ev = lab["evidence_turns"]
            if lab["present"] != bool(ev):
                errors.append(f"{name}: {k} present={lab['present']} but evidence={ev}")
            for i in ev:
                if not (0 <= i < len(turns)) or turns[i]["speaker"] != "trainee":
                    errors.append(f"{name}: {k} evidence {i} is not a trainee turn")
        for k in d.get("hard_negative_for", []):
            if k not in ORDER or d["labels"][k]["present"]:
                errors.append(f"{name}: hard_negative_for {k} invalid or labelled present")
    return errors


def row(docs):
    n = len(docs)
    out = {"transcripts": n}
    for k in ORDER:
        out[k] = sum(d["labels"][k]["present"] for d in docs)
    out["no_mistake"] = sum(not any(d["labels"][k]["present"] for k in ORDER) for d in docs)
    out["all_five"] = sum(all(d["labels"][k]["present"] for k in ORDER) for d in docs)
    out["hard_negative"] = sum(bool(d.get("hard_negative_for")) for d in docs)
    for k in ORDER:
        out["hn_" + k] = sum(k in d.get("hard_negative_for", []) for d in docs)
    out["turns_min"] = min((len(d["turns"]) for d in docs), default=0)
    out["turns_max"] = max((len(d["turns"]) for d in docs), default=0)
    return out


SPLITS = ("dev", "train", "heldout")


def main():
    seen = set()
    splits = {s: load(s) for s in SPLITS}
    errors = []
    for s, docs in splits.items():
        errors += validate(docs, seen)
        for d in docs:
            if d["split"] != s:
                errors.append(f"{d['_path']}: split field {d['split']} != folder {s}")
    rows = {s: row(docs) for s, docs in splits.items()}
    rows["total"] = row([d for docs in splits.values() for d in docs])
    cols = list(rows)
    keys = list(rows["total"])
    if "--markdown" in sys.argv:
        print("| count | " + " | ".join(cols) + " |\n|---|" + "---|" * len(cols))
        for k in keys:
            print(f"| {k} | " + " | ".join(str(rows[c][k]) for c in cols) + " |")
    else:
        print(f"{'':22}" + "".join(f"{c:>9}" for c in cols))
        for k in keys:
            print(f"{k:22}" + "".join(f"{rows[c][k]:>9}" for c in cols))
    for e in errors:
        print("ERROR", e, file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
