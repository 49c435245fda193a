"""Parser for the condition language: text → `engine.compile.condition_ast` nodes.

Grammar (keywords lower case):

    expr    := and ('or' and)*
    and     := not ('and' not)*
    not     := 'not' not | '(' expr ')' | 'true' | 'false' | test
    test    := STRING ['not'] 'in' LISTFIELD
             | operand OP literal | literal OP operand
             | operand ['not'] 'in' '[' literal (',' literal)* ']'
             | BOOLFIELD
    operand := NAME | 'count' '(' expr [',' 'days' '=' INT] ')' | 'days_since' '(' expr ')'
             | ('promises_broken' | 'paid') '(' ['days' '=' INT] ')'

Names are checked against `engine.compile.fields` and types against the literal they meet, so
mistakes are reported with the column where they start.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from engine.compile.condition_ast import (
    COMPARISONS,
    Aggregate,
    And,
    Compare,
    Const,
    Contains,
    Expr,
    Field,
    InList,
    Not,
    Or,
)
from engine.compile.fields import (
    AGGREGATES,
    ANY,
    BOOL,
    HISTORY_FIELDS,
    LIST,
    NUMBER,
    OUTCOME_AGGREGATES,
    PROMISE_STATES,
    STRING,
    account_field_type,
)
from engine.contracts.numbers import check_literal


class ConditionError(ValueError):
    """A fault in a condition at character `offset` (0-based) of its text."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


@dataclass(frozen=True)
class Token:
    kind: str  # NUM, STR, NAME, OP, PUNCT, END
    text: str
    value: object
    pos: int


_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<num>-?\d+(?:\.\d+)?)
  | (?P<str>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)
  | (?P<op>==|!=|<=|>=|<|>|=)
  | (?P<punct>[()\[\],])
    """,
    re.VERBOSE,
)
KEYWORDS = {"and", "or", "not", "in", "true", "false", "null"}


def tokenize(text: str) -> list[Token]:
    tokens, pos = [], 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m:
            raise ConditionError(f"unexpected character {text[pos]!r}", pos)
        kind = m.lastgroup
        raw = m.group()
        if kind == "num":
            try:
                number = check_literal(Decimal(raw))
            except ValueError as exc:
                raise ConditionError(str(exc), pos) from None
            tokens.append(Token("NUM", raw, number if "." in raw else int(number), pos))
        elif kind == "str":
            tokens.append(Token("STR", raw, raw[1:-1].encode().decode("unicode_escape"), pos))
        elif kind == "name":
            tokens.append(Token("KW" if raw in KEYWORDS else "NAME", raw, raw, pos))
        elif kind in ("op", "punct"):
            tokens.append(Token("OP" if kind == "op" else "PUNCT", raw, raw, pos))
        pos = m.end()
    tokens.append(Token("END", "", None, len(text)))
    return tokens


def _type_of(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return BOOL
    if isinstance(value, int | Decimal):
        return NUMBER
    return STRING


class _Parser:
    def __init__(self, text: str, history: bool) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.i = 0
        self.history = history  # inside count(...): names are history-entry fields

    # -- token helpers -------------------------------------------------------------
    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def take(self) -> Token:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def at(self, kind: str, text: str | None = None) -> bool:
        tok = self.tok
        return tok.kind == kind and (text is None or tok.text == text)

    def expect(self, kind: str, text: str, what: str) -> Token:
        if not self.at(kind, text):
            raise ConditionError(f"expected {what}, found {self.describe(self.tok)}", self.tok.pos)
        return self.take()

    @staticmethod
    def describe(tok: Token) -> str:
        return "end of condition" if tok.kind == "END" else repr(tok.text)

    # -- grammar -------------------------------------------------------------------
    def parse(self) -> Expr:
        if self.at("END"):
            raise ConditionError("empty condition", 0)
        expr = self.or_expr()
        if not self.at("END"):
            raise ConditionError(f"unexpected {self.describe(self.tok)}", self.tok.pos)
        return expr

    def or_expr(self) -> Expr:
        items = [self.and_expr()]
        while self.at("KW", "or"):
            self.take()
            items.append(self.and_expr())
        return items[0] if len(items) == 1 else Or(tuple(items))

    def and_expr(self) -> Expr:
        items = [self.not_expr()]
        while self.at("KW", "and"):
            self.take()
            items.append(self.not_expr())
        return items[0] if len(items) == 1 else And(tuple(items))

    def not_expr(self) -> Expr:
        if self.at("KW", "not"):
            self.take()
            return Not(self.not_expr())
        if self.at("PUNCT", "("):
            self.take()
            inner = self.or_expr()
            self.expect("PUNCT", ")", "')'")
            return inner
        if self.at("KW", "true") or self.at("KW", "false"):
            nxt = self.tokens[self.i + 1]
            if nxt.kind != "OP":
                return Const(self.take().text == "true")
        return self.test()

    def literal(self) -> Const:
        tok = self.tok
        if tok.kind in ("NUM", "STR"):
            self.take()
            return Const(tok.value)  # type: ignore[arg-type]
        if tok.kind == "KW" and tok.text in ("true", "false", "null"):
            self.take()
            return Const({"true": True, "false": False, "null": None}[tok.text])
        raise ConditionError(f"expected a value, found {self.describe(tok)}", tok.pos)

    def is_literal(self) -> bool:
        tok = self.tok
        return tok.kind in ("NUM", "STR") or (tok.kind == "KW" and tok.text in ("true", "false", "null"))

    def test(self) -> Expr:
        start = self.tok
        if self.is_literal():
            lit = self.literal()
            negate = False
            if self.at("KW", "not"):
                self.take()
                negate = True
            if self.at("KW", "in"):
                self.take()
                name_tok = self.tok
                field = self.field(expect_type=LIST)
                if not isinstance(lit.value, str):
                    raise ConditionError("the member tested with 'in' must be a string", start.pos)
                del name_tok
                node: Expr = Contains(lit.value, field)
                return Not(node) if negate else node
            if negate:
                raise ConditionError("expected 'in' after 'not'", self.tok.pos)
            op_tok = self.tok
            if not self.at("OP"):
                raise ConditionError(f"expected a comparison, found {self.describe(op_tok)}", op_tok.pos)
            op = self.comparison_op()
            left, left_pos = self.operand()
            flipped = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}.get(op, op)
            return self.compare(left, flipped, lit, left_pos)
        left, left_pos = self.operand()
        if self.at("OP"):
            op = self.comparison_op()
            return self.compare(left, op, self.literal(), left_pos)
        negate = False
        if self.at("KW", "not"):
            self.take()
            negate = True
            if not self.at("KW", "in"):
                raise ConditionError("expected 'in' after 'not'", self.tok.pos)
        if self.at("KW", "in"):
            self.take()
            if not isinstance(left, Field):
                raise ConditionError("'in [...]' needs a field on its left", left_pos)
            values = self.literal_list()
            for value in values:
                self.check_type(left, value, left_pos)
            node = InList(left, values)
            return Not(node) if negate else node
        if isinstance(left, Field) and self.type_of(left) == BOOL:
            return Compare(left, "==", Const(True))
        raise ConditionError(
            f"{self.text[left_pos : self.tok.pos].strip()!r} is not a test; compare it with a value",
            left_pos,
        )

    def comparison_op(self) -> str:
        tok = self.take()
        if tok.text == "=":
            raise ConditionError("use '==' to compare", tok.pos)
        assert tok.text in COMPARISONS
        return tok.text

    def literal_list(self) -> tuple[Const, ...]:
        self.expect("PUNCT", "[", "'['")
        values = [self.literal()]
        while self.at("PUNCT", ","):
            self.take()
            values.append(self.literal())
        self.expect("PUNCT", "]", "']'")
        return tuple(values)

    def operand(self) -> tuple[Field | Aggregate, int]:
        tok = self.tok
        if tok.kind == "NAME" and tok.text in AGGREGATES and self.tokens[self.i + 1].text == "(":
            if self.history:
                raise ConditionError(f"{tok.text}() cannot be nested", tok.pos)
            return self.aggregate(), tok.pos
        if tok.kind == "NAME" and tok.text in OUTCOME_AGGREGATES and self.tokens[self.i + 1].text == "(":
            if self.history:
                raise ConditionError(f"{tok.text}() is an account fact, not a history entry's", tok.pos)
            return self.outcome_aggregate(), tok.pos
        return self.field(), tok.pos

    def field(self, expect_type: str | None = None) -> Field:
        tok = self.tok
        if tok.kind != "NAME":
            raise ConditionError(f"expected a field name, found {self.describe(tok)}", tok.pos)
        self.take()
        kind = self.type_of(Field(tok.text))
        if kind is None:
            where = "history entry" if self.history else "account"
            raise ConditionError(f"unknown {where} field {tok.text!r}", tok.pos)
        if expect_type == LIST and kind != LIST:
            raise ConditionError(f"{tok.text!r} is not a list; 'x' in {tok.text} needs one", tok.pos)
        if expect_type is None and kind == LIST:
            raise ConditionError(f"{tok.text!r} is a list; test it with 'member' in {tok.text}", tok.pos)
        return Field(tok.text)

    def type_of(self, node: Field | Aggregate) -> str | None:
        if isinstance(node, Aggregate):
            return NUMBER
        if self.history:
            spec = HISTORY_FIELDS.get(node.name)
            return spec[0] if spec else None
        return account_field_type(node.name)

    def aggregate(self) -> Aggregate:
        name_tok = self.take()
        self.expect("PUNCT", "(", "'('")
        start = self.tok.pos
        inner = _Parser.__new__(_Parser)
        inner.text, inner.tokens, inner.i, inner.history = self.text, self.tokens, self.i, True
        predicate = inner.or_expr()
        self.i = inner.i
        end = self.tok.pos
        days = None
        if self.at("PUNCT", ","):
            self.take()
            days = self.days()
        close = self.expect("PUNCT", ")", "')'")
        if name_tok.text == "days_since" and days is not None:
            raise ConditionError("days_since() takes no 'days'", name_tok.pos)
        text = f"{name_tok.text}({self.text[start:end].strip()}" + (f", days={days})" if days else ")")
        del close
        return Aggregate(name_tok.text, predicate, days, text)

    def days(self) -> int:
        """`days=N`, N a whole number above 0."""
        key = self.tok
        if not (key.kind == "NAME" and key.text == "days"):
            raise ConditionError("expected 'days=N'", key.pos)
        self.take()
        self.expect("OP", "=", "'='")
        num = self.tok
        if num.kind != "NUM" or not isinstance(num.value, int) or num.value <= 0:
            raise ConditionError("days must be a whole number above 0", num.pos)
        self.take()
        return int(num.value)

    def outcome_aggregate(self) -> Aggregate:
        """`promises_broken()` / `paid(days=N)`: over the account's promises and payments."""
        name_tok = self.take()
        self.expect("PUNCT", "(", "'('")
        days = None if self.at("PUNCT", ")") else self.days()
        self.expect("PUNCT", ")", "')'")
        text = f"{name_tok.text}(days={days})" if days else f"{name_tok.text}()"
        return Aggregate(name_tok.text, Const(True), days, text)

    def compare(self, left: Field | Aggregate, op: str, right: Const, pos: int) -> Compare:
        self.check_type(left, right, pos)
        if right.value is None and op not in ("==", "!="):
            raise ConditionError("null can only be compared with == or !=", pos)
        return Compare(left, op, right)

    def check_type(self, left: Field | Aggregate, right: Const, pos: int) -> None:
        expected = self.type_of(left)
        got = _type_of(right.value)
        if got == "null" or expected in (ANY, got):
            if isinstance(left, Field) and left.name == "promise.state" and right.value not in (None, *PROMISE_STATES):
                raise ConditionError(f"promise.state is one of {', '.join(PROMISE_STATES)}", pos)
            return
        name = left.text if isinstance(left, Aggregate) else left.name
        raise ConditionError(f"{name} is a {expected}, compared with a {got}", pos)


def parse_condition(text: str) -> Expr:
    """Parse an account-level condition; raises `ConditionError` with the offending offset."""
    if not isinstance(text, str):
        raise ConditionError("a condition must be a string", 0)
    return _Parser(text, history=False).parse()


def parse_history_predicate(text: str) -> Expr:
    """Parse a predicate over one history entry (what `count(...)` takes)."""
    return _Parser(text, history=True).parse()


__all__ = ["STRING", "ConditionError", "parse_condition", "parse_history_predicate"]
