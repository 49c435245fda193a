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


def find(category: str, text: str) -> str | None:
    """The first phrase of `category` in `text`, or None."""
    match = PATTERNS[category].search(text)
    return match.group(0) if match else None
