"""What a text says, in classes of meaning: the content rules ask `find(class, text)`.

A text is normalised and read as words and as a Han stream (`normalise`), every lexicon
term is found in one Aho-Corasick pass per view (`lexicon`), and then, in this order:

1. **Negation.** A hit of a *negatable* class that a negation directly governs — ending at
   most the lexicon's `negation_gap` characters before it, in the same phrase — is dropped
   ("you will not be arrested", "我们不会上门"; also "pretending to be the police",
   "冒充法院工作人员": talk of impostors is no claim), and so is a hit that overlaps a dropped
   one or is joined to it by "or"/"and"/"或" ("not be arrested or imprisoned"), or that the
   negation reaches across a coordination with no new clause between ("we will never
   threaten you or contact your family"; not "do not ignore us or we will tell your
   employer"). A negation further away governs nothing: "if you do not pay you will be
   arrested" and "not paying is a criminal offence" are threats.
2. **Combinations** (the lexicon's `combinations`). Two classes near each other make a
   third: a claim of identity followed by an authority or a police rank ("I am calling from
   the county sheriff", "这里是朝阳区人民法院"), or an authority with a coercive act (arrest,
   a visit, telling others) is impersonation; a visiting verb followed by a place is a
   visit; a harming verb followed by a victim is violence; a telling verb followed by an
   audience, or an audience followed by "will know", is exposure; a possession followed by
   a loss ("your pension will be taken") is a false consequence.
3. **No excuse.** Nothing makes a refused class lawful again: lawful wording ("in accordance
   with law", "we may take legal action", "依法", "可能通过法律途径") has no class at all.
   Lawful legal notices pass because naming a court, a hearing date or a lawsuit is in no
   refused class — only claiming to *be* the court, or coupling it with a coercive act, is.

`analyse` is cached per text (the gate asks several rules about the same text, again on
every rescheduling attempt).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from engine.compliance.lexicon import Combination, Matcher, matcher
from engine.compliance.normalise import Views, views

# The classes of meaning that make a collection message unlawful (corpus labels use them).
MEANINGS = ("impersonation", "arrest", "visit", "expose", "violence", "insult", "false_consequence", "intimidation")
# How far a negation reaches across a coordination ("not ... or ..."), in characters.
NEGATION_SCOPE = 30
_CONNECTORS = {"or", "and", "nor", "或", "和", "或者", "及", "、", ",", "，"}


@dataclass(frozen=True)
class Hit:
    cls: str
    start: int  # span in the normalised text
    end: int
    lang: str


@dataclass(frozen=True)
class Analysis:
    """The classes found in one text, after negation and combinations."""

    text: str  # normalised
    hits: dict[str, tuple[Hit, ...]]

    def first(self, cls: str) -> str | None:
        """The normalised words of the first hit of `cls`, for a refusal to quote."""
        found = self.hits.get(cls)
        return self.text[found[0].start : found[0].end].strip() if found else None

    def classes(self) -> set[str]:
        return set(self.hits)


def _leaf_hits(v: Views, m: Matcher) -> list[Hit]:
    hits: list[Hit] = []
    for end, (length, classes) in m.words.iter(v.words):
        start, stop = v.word_span(end - length + 2, end)
        hits += [Hit(cls, start, stop, lang) for cls, lang in classes]
    if v.latin and len(m.latin):
        for end, (length, classes) in m.latin.iter(v.latin):
            start, stop = v.latin_offsets[end - length + 1], v.latin_offsets[end] + 1
            hits += [Hit(cls, start, stop, lang) for cls, lang in classes]
    if v.han:
        for end, (length, classes) in m.han.iter(v.han):
            start, stop = end - length + 1, end + 1
            span = v.han_span(start, stop)
            for cls, lang in classes:
                short = length <= 2 and cls not in m.lexicons[lang].unsegmented
                if not short or m.segmented(v.han, start, stop):
                    hits.append(Hit(cls, *span, lang))
    return list(dict.fromkeys(hits))  # a term found in two views counts once


def _governs(n: Hit, hit: Hit, v: Views, m: Matcher, helpers: dict[str, list[Hit]]) -> bool:
    """Whether negation `n` directly governs `hit`: right before it, or across a coordination
    ("never threaten you or contact your family") with no new clause starting in between."""
    if n.end > hit.start or v.phrase(n.start) != v.phrase(hit.start):
        return False
    gap = hit.start - n.end
    if gap <= m.lexicons[n.lang].negation_gap:
        return True
    between = [h for h in helpers["coordinator"] if n.end <= h.start and h.end <= hit.start]
    breaks = [h for h in helpers["scope_breaker"] if n.end <= h.start and h.end <= hit.start]
    return gap <= NEGATION_SCOPE and bool(between) and not breaks


def _negate(hits: list[Hit], v: Views, m: Matcher) -> list[Hit]:
    helpers = {cls: [h for h in hits if h.cls == cls] for cls in ("negation", "coordinator", "scope_breaker")}
    kept: list[Hit] = []
    dropped: list[Hit] = []
    for hit in sorted(hits, key=lambda h: (h.start, h.end)):
        if hit.cls in helpers:
            continue
        if (
            hit.cls in m.lexicons[hit.lang].negatable
            and (
                any(_governs(n, hit, v, m, helpers) for n in helpers["negation"])
                or any(p.start < hit.end and hit.start < p.end for p in dropped)  # overlaps a dropped hit
                or any(p.end <= hit.start and v.text[p.end : hit.start].strip() in _CONNECTORS for p in dropped)
            )
        ):
            dropped.append(hit)
        else:
            kept.append(hit)
    return kept


def _near(a: Hit, b: Hit, combo: Combination, v: Views) -> bool:
    if combo.order == "then":
        if a.end > b.start or b.start - a.end > combo.gap:
            return False
    elif max(a.start, b.start) - min(a.end, b.end) > combo.gap:
        return False
    unit = v.phrase if combo.within == "phrase" else v.clause
    return unit(min(a.start, b.start)) == unit(max(a.start, b.start))


def _combine(hits: list[Hit], combos: Iterable[Combination], v: Views) -> list[Hit]:
    by_class: dict[str, set[Hit]] = {}
    for hit in hits:
        by_class.setdefault(hit.cls, set()).add(hit)
    for _ in range(2):  # twice: a derived class (visit) may be the half of another combination
        for combo in combos:
            firsts, seconds = by_class.get(combo.first), by_class.get(combo.second)
            if not firsts or not seconds:
                continue
            made = {
                Hit(combo.cls, min(a.start, b.start), max(a.end, b.end), a.lang)
                for a in firsts
                for b in seconds
                if _near(a, b, combo, v)
            }
            if made:
                by_class.setdefault(combo.cls, set()).update(made)
    return sorted((h for found in by_class.values() for h in found), key=lambda h: (h.start, h.end, h.cls))


@lru_cache(maxsize=4096)
def analyse(text: str) -> Analysis:
    """Every class of meaning `text` has (see the module docstring for how)."""
    m, v = matcher(), views(text)
    hits = _negate(_leaf_hits(v, m), v, m)
    by_class: dict[str, list[Hit]] = {}
    for hit in _combine(hits, m.combinations, v):
        by_class.setdefault(hit.cls, []).append(hit)
    return Analysis(v.text, {cls: tuple(found) for cls, found in by_class.items()})


def find(category: str, text: str) -> str | None:
    """The first words of class `category` in `text` (normalised), or None."""
    return analyse(text).first(category)
