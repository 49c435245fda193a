"""Who is acting: users, their roles and API keys, and what each role may change.

`tables` maps the `users` table (on the store's metadata); `keys` makes and checks API keys
(`arr_<key id>_<secret>`: the key id finds the row, only the secret is hashed, with Argon2id
from argon2-cffi); `roles` is the role → permission table as data and `require`; `users`
adds, lists, disables and re-keys users and `authenticate`s a key. Every change to a user is
a line in the hash-chained audit log (`USER_ADDED`, `USER_DISABLED`, `USER_KEY_ROTATED`).

A user's name is their id: unique, checked (`[a-z0-9][a-z0-9._-]*`), never reused (users are
disabled, never deleted), so the actor recorded in the audit trail names one user for good.

May import: `engine.store` (tables, chains, audit log), `engine.contracts`; sits just above
the store's layer in the import-linter contract `engine-layers`.
"""
