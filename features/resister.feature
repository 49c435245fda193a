Feature: The resister — refuses calls, ignores messages, escalates to legal warning and enforcement
  The second customer type hangs up on every call. The dynamic contact path (D25) moves the
  playbook's calls to a channel the debtor may read; when nothing works the account moves
  to the legal warning and enforcement stages — with lawful letters, never threats.

  Scenario: CN resister — refused calls switch to messaging, then a lawyer's letter, then litigation
    Given an account in CN with dpd 45 and balance 30000
    And the debtor refuses every call
    And 3 calls refused in the last 7 days
    When the playbook "cn-credit-card" decides at "2026-11-28T10:00:00+08:00"
    Then the stage is "negotiate"
    And the fired rules include "path.calls_refused"
    And no action by "call" is proposed
    And an action by "messaging" of kind "payment_demand" is proposed
    And the "messaging" action uses template "negotiate_sms.j2"
    When the playbook decides again 50 days later
    Then the stage is "legal_warning"
    And the assignment is "agency" to queue "agency-approved-01"
    And an action by "letter" of kind "legal_notice" is proposed
    And the "letter" action uses template "legal_letter.j2"
    When the playbook decides again 90 days later
    Then the stage is "enforcement"
    And the assignment is "legal" to queue "litigation"
    And the "letter" action uses template "litigation_notice.j2"
    And nothing is blocked

  Scenario: CN unread SMS move the reminder to a robot call's script by phone
    Given an account in CN with dpd 12 and balance 3000
    And 2 SMS read without reply in the last 7 days
    When the playbook "cn-credit-card" decides at "2026-11-28T10:00:00+08:00"
    Then the stage is "remind"
    And the fired rules include "path.sms_unread"
    And no action by "sms" is proposed
    And an action by "call" of kind "reminder" is proposed
    And the "call" action uses template "remind_call.j2"

  Scenario: US resister — refused calls move to e-mail, then pre-legal review, then litigation review
    Given an account in US with dpd 50 and balance 6000
    And the validation notice was sent 45 days ago
    And the debtor refuses every call
    And 3 calls refused in the last 7 days
    When the playbook "us-consumer-loans" decides at "2026-11-28T10:00:00-06:00"
    Then the stage is "negotiate"
    And the fired rules include "path.calls_refused"
    And no action by "call" is proposed
    And the "e-mail" action uses template "email_followup.j2"
    And every e-mail and SMS carries the opt-out text
    When the playbook decides again 80 days later
    Then the stage is "legal_warning"
    And the assignment is "legal" to queue "legal-review"
    And an action by "letter" of kind "legal_notice" is proposed
    And the "letter" message mentions "No decision has been made yet"
    And the offer "settlement_legal" is made
    When the playbook decides again 60 days later
    Then the stage is "enforcement"
    And the assignment is "legal" to queue "litigation-review"
    And the "letter" action uses template "litigation_notice.j2"

  Scenario: US resister sends a written cease request — only the closure notice goes out, then legal review
    Given an account in US with dpd 50 and balance 6000
    And the validation notice was sent 45 days ago
    And the account has flag "cease_communication"
    When the playbook "us-consumer-loans" decides at "2026-11-28T10:00:00-06:00"
    Then the stage is "negotiate"
    And the fired rules include "pause.cease_communication"
    And the assignment is "legal" to queue "legal-review"
    And an action by "letter" of kind "closure_notice" is proposed
    And no action of kind "payment_demand" is proposed
    And no action by "call" is proposed
    When the playbook decides again 80 days later
    Then the stage is "legal_warning"
    And no action is proposed

  Scenario: US time-barred debt never reaches the legal stages and no message mentions a lawsuit
    Given an account in US with dpd 400 and balance 5000
    And the validation notice was sent 300 days ago
    And the account has flag "time_barred"
    When the playbook "us-consumer-loans" decides at "2026-11-28T10:00:00-06:00"
    Then the stage is "pressure"
    And the assignment is "collector" to queue "time-barred-desk"
    And no action of kind "legal_notice" is proposed
    And no proposed message mentions "lawsuit"
    And no proposed message mentions "legal action"
    And nothing is blocked

  Scenario: UK resister — calls refused move to e-mail, then the default notice, then a letter of claim
    Given an account in UK with dpd 50 and balance 4000
    And the debtor refuses every call
    And 3 calls refused in the last 7 days
    When the playbook "uk-consumer-credit" decides at "2026-11-28T10:00:00+00:00"
    Then the stage is "negotiate"
    And the fired rules include "path.calls_refused"
    And no action by "call" is proposed
    And the "e-mail" action uses template "email_followup.j2"
    When the playbook decides again 50 days later
    Then the stage is "legal_warning"
    And the "letter" action uses template "default_notice.j2"
    When the playbook decides again 60 days later
    Then the stage is "enforcement"
    And the assignment is "legal" to queue "litigation-review"
    And an action by "letter" of kind "legal_notice" is proposed
    And the "letter" action uses template "letter_of_claim.j2"
    And the "letter" message mentions "Pre-Action Protocol for Debt Claims"
    And the offer "affordable_arrangement_enforcement" is made

  Scenario: UK small balances go to an authorised debt collection agency instead of court
    Given an account in UK with dpd 200 and balance 900
    When the playbook "uk-consumer-credit" decides at "2026-11-28T10:00:00+00:00"
    Then the stage is "enforcement"
    And the assignment is "agency" to queue "dca-uk-authorised-01"
    And no action of kind "legal_notice" is proposed
