"""Benchmark of the meaning-based content rules: CPU time per fresh text over the corpus.

Every labelled corpus message (tests/data/content_corpus, zh and en) is judged by every
content rule that reads classes of meaning (CN, US and UK packs), with a suffix per round so
no cache answers; the first call (building the lexicon automata and loading jieba, ~1-3 s
once per process) is outside the timing. Thread CPU time, not wall time, so that a busy
shared machine does not drown the figures in preemption.

    .venv/bin/python bench/content.py [--rounds 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine.compliance.base import PhraseRule
from engine.compliance.evaluation import CORPORA, load_corpus
from engine.compliance.registry import all_rules
from engine.contracts.facts import Action


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    texts = [m.text for stem, _ in CORPORA for m in load_corpus(stem)]
    rules = [r for r in all_rules() if isinstance(r, PhraseRule)]
    action = Action(channel="sms", at=datetime(2026, 6, 1, tzinfo=UTC))
    start = time.perf_counter()
    for rule in rules:
        rule.check_text(action, "warm-up 我们是公安", rule.defaults())
    print(f"first call (automata + jieba): {time.perf_counter() - start:.2f} s")
    samples = []
    for round_ in range(args.rounds):
        for text in texts:
            fresh = f"{text} #{round_}"
            t0 = time.thread_time_ns()
            for rule in rules:
                rule.check_text(action, fresh, rule.defaults())
            samples.append((time.thread_time_ns() - t0) / 1e3)
    samples.sort()
    p99 = samples[int(len(samples) * 0.99) - 1]
    print(f"{len(rules)} content rules, {len(texts)} texts x {args.rounds} rounds, CPU per text: "
          f"p50 {statistics.median(samples):.0f} us, p99 {p99:.0f} us, max {samples[-1]:.0f} us")  # fmt: skip


if __name__ == "__main__":
    main()
