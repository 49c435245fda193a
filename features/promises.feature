Feature: Promises to pay — held demands, a reminder the day before, escalation when broken
  A promise to pay is active until payments made since it add up to its amount by its due
  date plus the playbook's grace days (kept), or the day after that passes (broken). While
  it is active the shipped playbooks demand nothing (reminders and statutory notices still
  go); the day before it falls due they send one reminder; once it is broken they raise the
  priority and move the account one stage on.

  Scenario: The promise kept — demands held, a reminder, then back to the plan without escalation
    Given the compliance gate is in force
    And an account in CN with dpd 35 and balance 6000
    And the debtor promised on "2026-09-30T15:00:00+08:00" to pay 2000 by "2026-10-05"
    When the playbook "cn-credit-card" decides at "2026-10-01T10:00:00+08:00"
    Then the stage is "negotiate"
    And the promise is "active"
    And the pause is "promise_active"
    And no action of kind "payment_demand" is proposed
    And the offer "instalments_12" is made
    When the playbook decides again 3 days later
    Then the promise is "active"
    And an action by "sms" of kind "reminder" is proposed
    And the "sms" action uses template "promise_reminder.j2"
    And the "sms" message mentions "回复TD退订"
    And no action of kind "payment_demand" is proposed
    And nothing is blocked
    Given the debtor paid 2000 at "2026-10-05T09:00:00+08:00"
    When the playbook decides again 2 days later
    Then the promise is "kept"
    And there is no pause
    And the stage is "negotiate"
    And the priority is 25
    And the fired rules do not include "priority.promise_broken_recent"
    And an action by "call" of kind "payment_demand" is proposed

  Scenario: The promise broken twice — reminders continue, each break escalates
    Given the compliance gate is in force
    And an account in CN with dpd 12 and balance 8000
    And the debtor promised on "2026-10-01T09:00:00+08:00" to pay 800 by "2026-10-03"
    When the playbook "cn-credit-card" decides at "2026-10-01T10:00:00+08:00"
    Then the stage is "remind"
    And the pause is "promise_active"
    And an action by "robot call" of kind "reminder" is proposed
    And no action of kind "payment_demand" is proposed
    When the playbook decides again 4 days later
    Then the promise is "broken"
    And the stage is "negotiate"
    And the fired rules include "priority.promise_broken_recent"
    And the priority is 25
    And an action by "call" of kind "payment_demand" is proposed
    Given the debtor promised on "2026-10-05T15:00:00+08:00" to pay 800 by "2026-10-08"
    When the playbook decides again 1 days later
    Then the promise is "active"
    And the stage is "negotiate"
    And no action of kind "payment_demand" is proposed
    When the playbook decides again 4 days later
    Then the promise is "broken"
    And the stage is "negotiate"
    And the fired rules include "priority.promise_broken"
    And the priority is 35
    And an action by "call" of kind "payment_demand" is proposed
    When the playbook decides again 30 days later
    Then the stage is "negotiate"
    And the fired rules do not include "priority.promise_broken_recent"
    And the fired rules include "priority.promise_broken"

  Scenario: The partial payer — part payments keep the promise active until due plus grace, then it breaks
    Given the compliance gate is in force
    And an account in UK with dpd 35 and balance 3000
    When the playbook "uk-consumer-credit" decides at "2026-10-01T10:00:00+01:00"
    Then the stage is "negotiate"
    And there is no promise
    And an action by "call" of kind "payment_demand" is proposed
    And the "call" message mentions "no need to find the whole amount at once"
    And the offer "affordable_arrangement" is made
    And the offer "freeze_charges" is made
    Given the debtor promised on "2026-10-01T15:00:00+01:00" to pay 300 by "2026-10-10"
    And the debtor paid 100 at "2026-10-05T12:00:00+01:00"
    When the playbook decides again 7 days later
    Then the promise is "active"
    And the pause is "promise_active"
    And no action of kind "payment_demand" is proposed
    Given the debtor paid 100 at "2026-10-12T12:00:00+01:00"
    When the playbook decides again 5 days later
    Then the promise is "active"
    And no action of kind "payment_demand" is proposed
    When the playbook decides again 1 days later
    Then the promise is "broken"
    And the stage is "pressure"
    And the fired rules include "priority.arrangement_broken_recent"
    And the assignment is "collector" to queue "arrears-specialists"
    And an action by "call" of kind "payment_demand" is proposed
