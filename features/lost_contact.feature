Feature: Lost contact — skip tracing first, a field visit when the debt justifies it
  The third customer type cannot be reached. No contact is attempted on unreachable
  channels; the playbook opens a skip-trace task (D9) and, for large late debts, a field
  visit by a licensed agency.

  Scenario: CN debtor without a phone — skip trace now, field visit once large and late
    Given an account in CN with dpd 20 and balance 25000
    And the debtor has no phone on file
    When the playbook "cn-credit-card" decides at "2026-11-28T10:00:00+08:00"
    Then the stage is "remind"
    And the fired rules include "lost_contact"
    And a task "skip_trace" is opened
    And no task "field_visit" is opened
    And no action is proposed
    And the explanation mentions "contact lost"
    When the playbook decides again 50 days later
    Then the stage is "pressure"
    And a task "skip_trace" is opened
    And a task "field_visit" is opened
    And no action is proposed

  Scenario: CN small balance flagged lost — skip trace only
    Given an account in CN with dpd 70 and balance 3000
    And the account has flag "lost_contact"
    When the playbook "cn-credit-card" decides at "2026-11-28T10:00:00+08:00"
    Then a task "skip_trace" is opened
    And no task "field_visit" is opened
    And no action is proposed

  Scenario: CN reachable debtor gets no tracing task
    Given an account in CN with dpd 70 and balance 30000
    When the playbook "cn-credit-card" decides at "2026-11-28T10:00:00+08:00"
    Then no task is opened
    And an action by "call" is proposed

  Scenario: US lost contact — skip trace, and legal review once late
    Given an account in US with dpd 25 and balance 5000
    And the account has flag "lost_contact"
    When the playbook "us-consumer-loans" decides at "2026-11-28T10:00:00-06:00"
    Then the stage is "remind"
    And a task "skip_trace" is opened
    And no task "legal_review" is opened
    And no action is proposed
    When the playbook decides again 100 days later
    Then the stage is "legal_warning"
    And a task "skip_trace" is opened
    And a task "legal_review" is opened
    And no action is proposed

  Scenario: UK debtor with no phone and no e-mail — trace, then a doorstep visit
    Given an account in UK with dpd 40 and balance 6000
    And the debtor has no phone on file
    And the debtor has no e-mail address
    When the playbook "uk-consumer-credit" decides at "2026-11-28T10:00:00+00:00"
    Then the stage is "negotiate"
    And a task "skip_trace" is opened
    And no task "field_visit" is opened
    When the playbook decides again 30 days later
    Then the stage is "pressure"
    And a task "field_visit" is opened
    And no action is proposed
