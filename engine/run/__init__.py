"""The daily run's work on the record, without Prefect: chunk, load, decide, hold, write.

`flows.daily` wraps it in a Prefect flow and passes the emergency guard in (`hold`).

May import: everything in `engine`; never `flows`, `emergency` or `prefect`.
"""
