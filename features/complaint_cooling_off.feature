Feature: Complaints, cooling-off and protected customers
  An open complaint pauses treatment for a cooling-off period and hands the case to a senior
  mediator (D11, D18); collection resumes once the complaint is resolved. Disputes,
  bankruptcy, breathing space and vulnerability pause it too, each with its own team.

  Scenario: CN complaint — cooling-off with the senior mediator, then back to negotiation
    Given an account in CN with dpd 40 and balance 5000
    And the account has flag "complaint_open"
    When the playbook "cn-credit-card" decides at "2026-11-28T10:00:00+08:00"
    Then the stage is "negotiate"
    And the fired rules include "pause.complaint_cooling_off"
    And the assignment is "collector" to queue "senior-mediator"
    And the explanation mentions "cooling-off for 3 days, until 2026-12-01"
    And no action is proposed
    Given the account no longer has flag "complaint_open"
    When the playbook decides again 4 days later
    Then the stage is "negotiate"
    And the fired rules do not include "pause.complaint_cooling_off"
    And the assignment is "collector" to queue "negotiation-team"
    And an action by "call" of kind "payment_demand" is proposed

  Scenario: CN suspected fraud stops collection and goes to the fraud queue
    Given an account in CN with dpd 40 and balance 5000
    And the account attribute "multi_borrowing_count" is 7
    And the account attribute "device_shared_accounts" is 4
    And the account attribute "ip_province_mismatch" is true
    When the playbook "cn-credit-card" decides at "2026-11-28T10:00:00+08:00"
    Then the fired rules include "fraud.multi_borrowing"
    And the fired rules include "fraud.shared_device"
    And the assignment is "none" to queue "fraud-review"
    And no action is proposed

  Scenario: US complaint — cooling-off with the senior mediator
    Given an account in US with dpd 40 and balance 2500
    And the validation notice was sent 35 days ago
    And the account has flag "complaint_open"
    When the playbook "us-consumer-loans" decides at "2026-11-28T10:00:00-06:00"
    Then the assignment is "collector" to queue "senior-mediator"
    And the fired rules include "pause.complaint_cooling_off"
    And no action is proposed

  Scenario: US disputed debt — collection stops, only the acknowledgement goes out
    Given an account in US with dpd 45 and balance 2000
    And the validation notice was sent 20 days ago
    And the account has flag "disputed"
    When the playbook "us-consumer-loans" decides at "2026-11-28T10:00:00-06:00"
    Then the assignment is "collector" to queue "disputes-team"
    And an action by "letter" of kind "reply_to_debtor" is proposed
    And no action of kind "payment_demand" is proposed
    And no action of kind "validation_notice" is proposed
    And nothing is blocked

  Scenario: US bankruptcy — the automatic stay stops everything
    Given an account in US with dpd 90 and balance 8000
    And the account has flag "bankrupt"
    When the playbook "us-consumer-loans" decides at "2026-11-28T10:00:00-06:00"
    Then the assignment is "legal" to queue "bankruptcy-team"
    And no action is proposed

  Scenario: US attorney-represented consumer — the file goes to attorney liaison
    Given an account in US with dpd 70 and balance 8000
    And the account has flag "attorney_represented"
    When the playbook "us-consumer-loans" decides at "2026-11-28T10:00:00-06:00"
    Then the assignment is "legal" to queue "attorney-liaison"
    And no action is proposed

  Scenario: UK complaint — cooling-off with the complaints team
    Given an account in UK with dpd 40 and balance 2500
    And the account has flag "complaint_open"
    When the playbook "uk-consumer-credit" decides at "2026-11-28T10:00:00+00:00"
    Then the assignment is "collector" to queue "complaints-team"
    And the explanation mentions "cooling-off for 5 days"
    And no action is proposed

  Scenario: UK breathing space — no payment requests while the moratorium runs
    Given an account in UK with dpd 70 and balance 3000
    And a "standard" breathing space started 10 days ago
    When the playbook "uk-consumer-credit" decides at "2026-11-28T10:00:00+00:00"
    Then the stage is "pressure"
    And the fired rules include "pause.breathing_space"
    And the assignment is "collector" to queue "breathing-space-team"
    And no action is proposed

  Scenario: UK mental-health crisis breathing space — the 30 days after treatment are still protected
    Given the compliance gate is in force
    And an account in UK with dpd 70 and balance 3000
    And a "mental_health" breathing space started 60 days ago and ended 10 days ago
    When the playbook "uk-consumer-credit" decides at "2026-11-28T10:00:00+00:00"
    Then the fired rules include "pause.breathing_space"
    And no action is proposed

  Scenario: UK vulnerable customer — specialist team, no automated contact
    Given an account in UK with dpd 40 and balance 2500
    And the account has flag "vulnerable"
    When the playbook "uk-consumer-credit" decides at "2026-11-28T10:00:00+00:00"
    Then the assignment is "collector" to queue "specialist-support"
    And the fired rules include "pause.vulnerable_specialist"
    And no action is proposed
