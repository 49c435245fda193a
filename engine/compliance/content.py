"""Phrase patterns for the content rules, in English and Chinese.

Each category is one compiled regular expression: English alternatives are matched as
whole words, case-insensitively; Chinese has no word boundaries, so its alternatives are
plain substrings (kept specific enough not to catch lawful wording — e.g. "法院" alone is
lawful in a legal notice, "我是法院的" is impersonation). The lists are deliberately
conservative: a miss is caught by the human review the deck asks for (D10), a false hit
blocks a lawful letter. `find()` returns the matched phrase so a refusal can quote it.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

_EN: dict[str, list[str]] = {
    "threat": [
        r"we (?:will|'ll) (?:hurt|kill|find|visit|come for|come after|deal with) you",
        r"(?:hurt|harm|kill) (?:you|your family)",
        r"break your \w+",
        r"you(?:'ll| will) (?:regret|be sorry)",
        r"watch your back",
        r"we know where you (?:live|work)",
        r"tell (?:your|all your) (?:employer|boss|neighbou?rs|family|friends|contacts)",
        r"shame you",
    ],
    "insult": [
        r"idiot",
        r"stupid",
        r"moron",
        r"loser",
        r"scum",
        r"deadbeat",
        r"worthless",
        r"liar",
        r"bastard",
        r"f+u+c+k\w*",
        r"shit\w*",
    ],
    "impersonation": [
        r"this is (?:the )?(?:police|sheriff|fbi|irs|court|government)",
        r"(?:we are|i am|i'm) (?:from |with )?(?:the )?(?:police|sheriff|court|fbi|irs|government|bailiffs?)",
        r"on behalf of the (?:court|police|government|sheriff)",
        r"court officer",
        r"police officer",
        r"(?:arrest )?warrant (?:has been|is) issued",
    ],
    "arrest": [
        r"(?:be|get|getting) arrested",
        r"arrest you",
        r"(?:go|sent|send you) to (?:jail|prison)",
        r"criminal (?:charges|prosecution)",
    ],
    "suit": [
        r"sue",
        r"sued",
        r"lawsuit",
        r"legal action",
        r"court proceedings",
        r"take you to court",
        r"file (?:a )?(?:suit|claim) against you",
    ],
    "debt": [
        r"debts?",
        r"owe[sd]?",
        r"overdue",
        r"arrears",
        r"past due",
        r"collections?",
        r"delinquen\w+",
        r"outstanding (?:amount|balance)",
        r"balance (?:due|owed|outstanding)",
        r"unpaid",
        r"repay\w*",
    ],
    "opt_out": [
        r"reply stop",
        r"text stop",
        r"send stop",
        r"unsubscribe",
        r"opt[ -]?out",
        r"stop receiving",
    ],
    "borrowing": [
        r"borrow (?:money|from|the money)",
        r"take out (?:a|another|a new) (?:loan|credit card)",
        r"payday loan",
        r"(?:another|new) loan to pay",
        r"(?:use|open) (?:a|another|a new) credit card to pay",
        r"ask (?:your )?(?:friends|family) (?:to lend|for money)",
    ],
    "lump_sum": [
        r"lump sum",
        r"in (?:one|a single) payment",
        r"(?:pay|settle|clear) (?:the |your )?(?:full|entire|whole) (?:balance|amount|debt)"
        r" (?:today|now|immediately)",
        r"in full (?:today|now|immediately)",
    ],
}

_ZH: dict[str, list[str]] = {
    "threat": [
        "弄死你",
        "杀了你",
        "打断你",
        "打死你",
        "小心你的家人",
        "小心点",
        "上门找你",
        "找你家人",
        "让你好看",
        "后果自负",
        "爆通讯录",
        "通知你所有联系人",
        "曝光你",
        "让你身败名裂",
    ],
    "insult": ["骗子", "老赖", "无赖", "垃圾", "不要脸", "去死", "畜生", "废物", "人渣", "王八蛋"],
    "impersonation": [
        "我是法院",
        "我们是法院",
        "法院工作人员",
        "法院执行局通知",
        "我是警察",
        "我们是警察",
        "我是公安",
        "我们是公安",
        "公安局通知",
        "派出所通知",
        "检察院通知",
        "以法院名义",
        "政府工作人员",
    ],
    "arrest": ["抓你", "拘留你", "让你坐牢", "刑事立案", "负刑事责任", "被逮捕"],
    "suit": ["起诉", "诉讼", "提起诉讼", "法院传票"],
    "debt": ["欠款", "欠债", "逾期", "催收", "还款", "债务", "欠钱", "拖欠", "未还"],
    "opt_out": ["回复TD退订", "回TD退订", "退订", "拒收请回复"],
    "borrowing": [
        "以贷养贷",
        "借钱还",
        "借款还",
        "去借",
        "网贷",
        "套现",
        "拆东墙",
        "找朋友借",
        "办张信用卡还",
    ],
    "lump_sum": ["一次性还清", "一次性结清", "一次性付清", "今天必须全部还清"],
}


def _compile(category: str) -> re.Pattern[str]:
    english = "|".join(_EN[category])
    chinese = "|".join(re.escape(p) for p in _ZH[category])
    return re.compile(rf"\b(?:{english})\b|(?:{chinese})", re.IGNORECASE)


PATTERNS: dict[str, re.Pattern[str]] = {name: _compile(name) for name in _EN}


def search(category: str, text: str) -> str | None:
    """The straightforward answer: the category's regular expression over the whole text.

    This is the definition `find` must agree with; `find` only skips it when it can prove
    there is no match.
    """
    match = PATTERNS[category].search(text)
    return match.group(0) if match else None


# --- The fast path -------------------------------------------------------------------------
# Searching one category's case-insensitive alternation costs ~30 µs on a typical rendered
# message (~450 characters; the leading `\b` and IGNORECASE stop `re` from skipping ahead on
# first characters), and the gate asks for up to six categories per message, again for every
# rescheduling attempt: that was a third of the daily run's evaluation time. Nearly every
# lawful text contains none of the threat/insult/... phrases, so `find` first asks a cheaper
# question that can only err towards "maybe": does the text contain, ignoring case, the
# literal strings that every match of some alternative of the category must contain? Only
# when it does is the real expression run, so every answer is the expression's own.
#
# "Ignoring case" is done with `str.lower()` and substring tests, which equals `re`'s
# IGNORECASE comparison only for ASCII and for characters that have no case at all (CJK,
# punctuation, currency signs...). Texts with any other character (accented or Greek letters,
# the Kelvin sign, dotless i, long s...) skip the prefilter and always run the expression.


def _caseless_or_ascii(ch: str) -> bool:
    """Whether `re` compares `ch` case-insensitively exactly as `str.lower()` does."""
    return ch.isascii() or ch.lower() == ch == ch.upper()


def _clauses(items: Any) -> list[frozenset[str]]:
    """Necessary conditions on any text a parsed pattern matches, as lower-cased literals.

    Each clause is a set of strings of which a match contains at least one, and a match
    satisfies every clause. Conservative by construction: a run of plain literals in a
    sequence occurs in the match (and so does any part of it, hence the trimmed blanks); `x+`
    joins the run before it to one `x` and starts the next run with one; a group adds its
    content's clauses; an alternation adds one clause, the union of each branch's most
    selective clause (none if a branch has none); optional parts, classes and cased
    non-ASCII letters (whose `re` case folding `str.lower()` does not reproduce) add nothing.
    """
    from re import _constants as c  # the parser's opcodes (CPython's own `re` internals)

    out: list[frozenset[str]] = []
    run: list[str] = []

    def flush() -> None:
        literal = "".join(run).lower().strip()
        if len(literal) >= 2:  # one letter or none selects nothing worth a test
            out.append(frozenset([literal]))
        run.clear()

    for op, av in items:
        if op is c.LITERAL and _caseless_or_ascii(chr(av)):
            run.append(chr(av))
        elif (
            op in (c.MAX_REPEAT, c.MIN_REPEAT)
            and av[0] >= 1
            and len(av[2]) == 1
            and av[2][0][0] is c.LITERAL
            and _caseless_or_ascii(chr(av[2][0][1]))
        ):
            run.append(chr(av[2][0][1]))
            flush()
            run.append(chr(av[2][0][1]))
        else:
            flush()
            if op is c.SUBPATTERN:
                out.extend(_clauses(av[-1]))
            elif op is c.BRANCH:
                best = [_best(_clauses(branch)) for branch in av[1]]
                if all(b is not None for b in best):
                    out.append(frozenset().union(*best))  # type: ignore[arg-type]
            elif op in (c.MAX_REPEAT, c.MIN_REPEAT) and av[0] >= 1:
                out.extend(_clauses(av[2]))
    flush()
    return out


def _best(clauses: list[frozenset[str]]) -> frozenset[str] | None:
    """The most selective clause: the one whose shortest string is longest."""
    return max(clauses, key=lambda clause: min(map(len, clause)), default=None)


def _trie(literals: set[str]) -> str:
    """One case-sensitive expression matching exactly where one of `literals` starts.

    Shaped as a trie (`s(?:cum|hit|tupid)`) so that `re` tries few alternatives per position
    and can skip positions on the first character.
    """
    root: dict[str, Any] = {}
    for literal in literals:
        node = root
        for ch in literal:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, Any]) -> str:
        if "" in node:  # a literal ends here: longer ones through this node add nothing
            return ""
        alternatives = [re.escape(ch) + emit(child) for ch, child in sorted(node.items())]
        return alternatives[0] if len(alternatives) == 1 else "(?:" + "|".join(alternatives) + ")"

    return emit(root)


Clauses = tuple[frozenset[str], ...]


def _conditions(category: str) -> list[Clauses] | None:
    """Per alternative of `category`, the clauses each of its matches satisfies.

    None when some alternative has no clause at all: then nothing rules the category out.
    """
    from re import _parser

    out: list[Clauses] = []
    for alternative in [*_EN[category], *(re.escape(phrase) for phrase in _ZH[category])]:
        clauses = _clauses(_parser.parse(alternative).data)
        if not clauses:
            return None
        out.append(tuple(clauses))
    return out


class _Prefilter:
    """Rules a category out of a lower-cased text, cheaply, or answers "maybe".

    First one scan for the literals of each alternative's most selective clause (one `re`
    search, seconds' worth of work saved on texts with none of them); on a hit, whether some
    alternative has *all* its clauses present (plain substring tests), which turns away
    texts that merely contain "full" or "this is".
    """

    def __init__(self, conditions: list[Clauses]) -> None:
        # Most selective clause first, so that an alternative is usually turned away at once.
        self.conditions = [tuple(sorted(c, key=lambda clause: -min(map(len, clause)))) for c in conditions]
        self.scan = re.compile(_trie({lit for clauses in conditions for lit in _best(list(clauses)) or ()}))

    def maybe(self, low: str) -> bool:
        if self.scan.search(low) is None:
            return False
        # Plain loops: this runs ~10 times per message, and nested any/all generators cost
        # more than the substring tests themselves.
        for clauses in self.conditions:
            for clause in clauses:
                for lit in clause:
                    if lit in low:
                        break
                else:
                    break  # a clause with no literal present: this alternative cannot match
            else:
                return True
        return False


def _prefilter(category: str) -> _Prefilter | None:
    conditions = _conditions(category)
    return _Prefilter(conditions) if conditions is not None else None


def _caseless_class() -> str:
    """A character class of the non-ASCII characters `str.lower()` handles as `re` does.

    Built, not written out: from blocks that matter for our texts (Latin-1 punctuation,
    general punctuation, currency, CJK, full-width forms), only the characters with no case
    at all and no special case-folding partner in `re` are kept.
    """
    from re import _casefix

    blocks = [(0x80, 0xFF), (0x2000, 0x20CF), (0x3000, 0x303F), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xFF00, 0xFFEF)]
    ranges: list[tuple[int, int]] = []
    for lo, hi in blocks:
        for code in range(lo, hi + 1):
            ch = chr(code)
            if ch.lower() == ch == ch.upper() and code not in _casefix._EXTRA_CASES:
                if ranges and ranges[-1][1] == code - 1:
                    ranges[-1] = (ranges[-1][0], code)
                else:
                    ranges.append((code, code))
    return "".join(f"\\u{a:04x}-\\u{b:04x}" if a != b else f"\\u{a:04x}" for a, b in ranges)


PREFILTERS: dict[str, _Prefilter | None] = {name: _prefilter(name) for name in _EN}
# A character outside ASCII and the caseless set: the text must take the slow path.
_CASED_NON_ASCII = re.compile(f"[^\\x00-\\x7f{_caseless_class()}]")


@lru_cache(maxsize=1024)
def _lowered(text: str) -> str | None:
    """`text.lower()` when substring tests on it are exact case-insensitive tests, else None."""
    if not text.isascii() and _CASED_NON_ASCII.search(text):
        return None
    return text.lower()


@lru_cache(maxsize=4096)
def find(category: str, text: str) -> str | None:
    """The first phrase of `category` in `text`, or None (always what `search` answers)."""
    prefilter, low = PREFILTERS[category], _lowered(text)
    if prefilter is not None and low is not None and not prefilter.maybe(low):
        return None
    return search(category, text)
