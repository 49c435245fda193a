"""What people read: masking of personal data and the auditors' HTML report.

May import: `engine.contracts`, `engine.store`.
"""
