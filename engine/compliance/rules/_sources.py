"""The Chinese sources, named once so every citation spells them the same way.

Article-level where the article is certain; the self-regulatory texts (CBA guidelines, the
NIFA convention, the national standard) are named as documents, next to the statute
article that carries the same duty, until their clause numbers are verified.
"""

# 《商业银行信用卡业务监督管理办法》(CBRC Order 2011 No. 2) art. 68: collect only from the
# debtor and guarantors, never from unrelated third parties; no violence, coercion,
# intimidation or insult; record collection and keep the recordings at least 2 years.
CCM_68 = "《商业银行信用卡业务监督管理办法》第六十八条"
# Personal Information Protection Law.
PIPL_10 = "《个人信息保护法》第十条"  # no unlawful provision or disclosure of personal information
PIPL_13 = "第十三条"  # the lawful bases of processing
PIPL_21 = "《个人信息保护法》第二十一条"  # entrusted processing: agreement with, and supervision of, the trustee
PIPL_25 = "第二十五条"  # no public disclosure without separate consent
# Civil Code art. 1033: no intrusion on private life by telephone, SMS, instant messaging, e-mail…
CIVIL_1033 = "《民法典》第一千零三十三条"
CIVIL_1024 = "《民法典》第一千零二十四条"  # reputation: no insult or defamation
CRIMINAL_279 = "《刑法》第二百七十九条"  # impersonating state functionaries (police aggravated)

CBA = "中国银行业协会信用卡催收工作指引"
GBT = "GB/T 45251-2025"
NIFA = "中国互联网金融协会《互联网金融逾期债务催收自律公约（试行）》"
