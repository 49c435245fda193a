"""One compliance rule per module; each module defines `RULE`, an instance of its rule class.

The registry discovers modules here; adding a rule is adding a file.

May import: the rest of `engine.compliance` (`base`, `context`, `content`, `timeutil`, and the
rule kinds `frequency` and `disclosure`) and `engine.contracts`.
"""
