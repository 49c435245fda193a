"""Precision and recall of the content rules on the labelled corpus (tests/data/content_corpus).

Each corpus message is labelled `allowed` or with the classes of meaning it must trigger.
Two measures come out of it:

- per class: whether `content.analyse` finds exactly the labelled classes (a class found
  but not labelled counts against its precision, even on a message refused anyway);
- per pack: whether the pack's threat/impersonation content rules — the real rules, through
  `check_text` — refuse the refused messages (recall) and let the allowed ones through.

`docs/compliance.md` shows the table (`engine.compliance.docs`); tests/test_content_corpus.py
fails when a pack's figures fall below the floor recorded in `baseline.yaml` beside the corpus.

    python -m engine.compliance.evaluation      # print the table
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from engine.compliance.base import PhraseRule
from engine.compliance.content import MEANINGS, analyse
from engine.compliance.registry import rules_for
from engine.contracts.errors import InputError
from engine.contracts.facts import Action

CORPUS_DIR = Path(__file__).resolve().parents[2] / "tests" / "data" / "content_corpus"
# Which packs are measured on which language's corpus.
PACKS = {"zh": ("CN",), "en": ("US", "UK")}
# Corpora measured: (file stem, its language). Held-out sets were not used to tune the lexicons.
CORPORA = (("zh", "zh"), ("zh_holdout", "zh"), ("en", "en"), ("en_holdout", "en"))


@dataclass(frozen=True)
class Message:
    text: str
    label: frozenset[str]  # empty: allowed


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


@dataclass
class PackScore:
    refused: int = 0  # labelled refused
    caught: int = 0  # ... and refused by the pack
    allowed: int = 0  # labelled allowed
    passed: int = 0  # ... and allowed by the pack
    misses: list[str] = field(default_factory=list)
    false_alarms: list[str] = field(default_factory=list)

    @property
    def refused_recall(self) -> float:
        return self.caught / self.refused if self.refused else 1.0

    @property
    def allowed_pass(self) -> float:
        return self.passed / self.allowed if self.allowed else 1.0

    @property
    def refusal_precision(self) -> float:
        refusals = self.caught + self.allowed - self.passed
        return self.caught / refusals if refusals else 1.0


def load_corpus(lang: str, directory: Path = CORPUS_DIR) -> list[Message]:
    """One language's labelled messages; a malformed entry is an `InputError` at its line."""
    from engine.playbook.yaml_source import load_yaml

    file = directory / f"{lang}.yaml"
    doc = load_yaml(file.read_text(encoding="utf-8"), str(file))
    out: list[Message] = []
    for i, raw in enumerate((doc.value or {}).get("messages") or []):
        mark = doc.values.get(("messages", i)) or doc.keys.get(("messages",))
        line = mark.line if mark else 1
        label = raw.get("label") if isinstance(raw, dict) else None
        ok_label = label == "allowed" or (isinstance(label, list) and label and set(label) <= set(MEANINGS))
        if not ok_label or not isinstance(raw.get("text"), str) or set(raw) != {"label", "text"}:
            raise InputError.at(str(file), line, 1, f"messages[{i}]: needs `text` and `label` (allowed or {MEANINGS})")
        out.append(Message(raw["text"], frozenset() if label == "allowed" else frozenset(label)))
    return out


def class_counts(messages: list[Message]) -> dict[str, Counts]:
    counts = {cls: Counts() for cls in MEANINGS}
    for message in messages:
        found = analyse(message.text).classes() & set(MEANINGS)
        for cls in MEANINGS:
            if cls in found and cls in message.label:
                counts[cls].tp += 1
            elif cls in found:
                counts[cls].fp += 1
            elif cls in message.label:
                counts[cls].fn += 1
    return counts


def pack_score(jurisdiction: str, messages: list[Message]) -> PackScore:
    """How the pack's meaning-based content rules judge each message, as a debtor's SMS."""
    rules = [r for r in rules_for(jurisdiction) if isinstance(r, PhraseRule) and set(r.categories) & set(MEANINGS)]
    action = Action(channel="sms", at=datetime(2026, 6, 1, 10, tzinfo=UTC))
    score = PackScore()
    for message in messages:
        refused = any(r.check_text(action, message.text, r.defaults()) for r in rules)
        if message.label:
            score.refused += 1
            score.caught += refused
            if not refused:
                score.misses.append(message.text)
        else:
            score.allowed += 1
            score.passed += not refused
            if refused:
                score.false_alarms.append(message.text)
    return score


def table() -> list[str]:
    """The markdown section for docs/compliance.md."""
    out = ["| corpus | pack | refused messages caught (recall) | allowed messages passed | precision of refusals |",
           "|---|---|---|---|---|"]  # fmt: skip
    per_class: dict[str, dict[str, Counts]] = {}
    for stem, lang in CORPORA:
        messages = load_corpus(stem)
        per_class[stem] = class_counts(messages)
        for code in PACKS[lang]:
            s = pack_score(code, messages)
            out.append(f"| {stem} ({len(messages)} messages) | {code} | {s.caught}/{s.refused} = {s.refused_recall:.1%}"
                       f" | {s.passed}/{s.allowed} = {s.allowed_pass:.1%} | {s.refusal_precision:.1%} |")  # fmt: skip
    out += ["", "Per class (`content.analyse`; a class found but not labelled counts against precision):", "",
            "| class | " + " | ".join(f"{stem} precision / recall" for stem, _ in CORPORA) + " |",
            "|---|" + "---|" * len(CORPORA)]  # fmt: skip
    for cls in MEANINGS:
        cells = [f"{per_class[stem][cls].precision:.0%} / {per_class[stem][cls].recall:.0%}" for stem, _ in CORPORA]
        out.append(f"| `{cls}` | " + " | ".join(cells) + " |")
    return out


def main() -> int:
    print("\n".join(table()))
    for stem, lang in CORPORA:
        messages = load_corpus(stem)
        for code in PACKS[lang]:
            s = pack_score(code, messages)
            print(f"\n{code} on {stem}: missed {len(s.misses)}, false alarms {len(s.false_alarms)}")
            for text in s.misses:
                print("  MISS ", text)
            for text in s.false_alarms:
                print("  FALSE", text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
