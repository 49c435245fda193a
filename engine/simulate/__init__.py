"""Simulated customers: the deck's customer types (D27) answering the contacts the record holds.

`behaviour` holds the seeded model (each type's documented parameters, the deterministic
draws); `outcomes` turns one day's dispatched contacts into contact-history lines, promises
to pay and payments (pure, files of the contract's formats); `record` reads the day from the
system of record and writes those lines back through the same import paths the CLI uses
(`engine.store.imports`, `engine.store.outcomes`) — never a second writer.

Used by `arrears demo` (the closed loop over several business days) and meant for
`arrears simulate` and for models that must recover what the simulation knows (the best hour
to call each type).

May import: any `engine` sub-package below it (top of the engine layers, above `run`); never
`flows`, `emergency` or Prefect.
"""
