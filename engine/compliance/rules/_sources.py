"""The Chinese sources, named once so every citation spells them the same way."""

CCM = "Credit Card Measures (信用卡业务监督管理办法) art. 68"
CBA = "CBA consumer-credit collection guidelines"
GBT = "GB/T 45251-2025"
NIFA = "NIFA internet-finance collection self-regulatory convention (2018)"
