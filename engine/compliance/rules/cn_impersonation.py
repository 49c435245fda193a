"""CN.CCM.IMPERSONATION: never pose as a court, the police or another authority."""

from __future__ import annotations

from engine.compliance.base import PhraseRule
from engine.compliance.rules._sources import CBA, CCM_68, CRIMINAL_279


class Impersonation(PhraseRule):
    """Impersonating courts, police, procuratorates or government; threatening arrest.

    Collectors must identify themselves truthfully and must not pose as judicial or
    administrative authorities or threaten criminal consequences for a civil debt. Lawful
    mention of a court (e.g. "我司将依法向法院提起诉讼") is not impersonation; "我是法院的"
    is. Patterns in Chinese and English.

    **Anti-pattern**: "我们是公安局的，你已被刑事立案。"

    **Best practice**: "我是XX银行委托的催收专员，工号1234。"
    """

    id = "CN.CCM.IMPERSONATION"
    citation = f"{CCM_68}; {CRIMINAL_279}; {CBA}"
    jurisdiction = "CN"
    title = "No impersonation of authorities"

    categories = ("impersonation", "arrest")


RULE = Impersonation()
