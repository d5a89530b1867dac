"""Benchmark of the Common Military List classifier (visd.screening.ml_classifier).

Each of the 22 ML headings is described twice in our own words, in Dutch and in English
(benchmarks/export_control_paraphrases.yaml); a description counts as right when its category is
among the classifier's first three answers. The target is at least 80 % per language.

    .venv/bin/python benchmarks/export_control_classifier.py [--top 3] [--verbose]

No database, no network: the engine reads the Munitions List and its vocabulary file.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from visd.screening.ml_classifier import MunitionsListClassifier  # noqa: E402

PARAPHRASES = REPO / "benchmarks" / "export_control_paraphrases.yaml"
TARGET = 0.80


def run(top: int = 3, verbose: bool = False) -> dict[str, float]:
    cases = yaml.safe_load(PARAPHRASES.read_text(encoding="utf-8"))
    started = time.perf_counter()
    classifier = MunitionsListClassifier()
    built = time.perf_counter() - started
    hits = {"nl": 0, "en": 0}
    first = {"nl": 0, "en": 0}
    started = time.perf_counter()
    for category, texts in cases.items():
        for language in ("nl", "en"):
            answer = [c.category for c in classifier.classify(texts[language], top=top)]
            hit = category in answer
            hits[language] += hit
            first[language] += bool(answer) and answer[0] == category
            if verbose or not hit:
                mark = "ok  " if hit else "MISS"
                print(f"{mark} {category:5} {language}  -> {', '.join(answer) or '(none)'}  | {texts[language]}")
    elapsed = time.perf_counter() - started
    total = len(cases)
    print(f"\nCommon Military List classifier, {total} categories, right category in the first {top}:")
    for language in ("nl", "en"):
        print(f"  {language}: {hits[language]}/{total} = {hits[language] / total:.0%}"
              f"  (first answer right: {first[language]}/{total})")
    both = (hits["nl"] + hits["en"]) / (2 * total)
    print(f"  both: {hits['nl'] + hits['en']}/{2 * total} = {both:.0%}   target {TARGET:.0%}")
    print(f"  built in {built * 1000:.0f} ms; {2 * total} descriptions in {elapsed * 1000:.0f} ms")
    return {"nl": hits["nl"] / total, "en": hits["en"] / total, "both": both}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--top", type=int, default=3)
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    scores = run(args.top, args.verbose)
    return 0 if min(scores["nl"], scores["en"]) >= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
