"""KPIs and roll rates from the system of record (issue #10, contract "KPIs and targets").

Everything here is set-based SQL (SQLAlchemy Core) over a date range, on SQLite and
PostgreSQL alike: never a Python loop over accounts. `snapshot` keeps each account's balance,
dpd and grouping columns per business date (decisions do not carry them); `queries` computes
the contract's KPI rows from those snapshots, payments, promises, contacts and history;
`rollrates` the dpd bucket matrix; `daily` stores a date's rows in `kpi_daily`; `report`
renders the offline HTML report.

May import: `engine.store`, `engine.contracts`, `engine.report`, SQLAlchemy, plotly (report
only). Never `flows`, `emergency` or Prefect: the daily flow calls in, not the other way.
"""
