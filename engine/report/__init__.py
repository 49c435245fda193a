"""What people read: masking of personal data (`masking`), the one way reports are rendered
(`templating`, Jinja2 templates in `templates/`), and the auditors' HTML report (`audit_report`).

May import: `engine.contracts`, `engine.store`.
"""
