Feature: The procrastinator — promises at every contact, pays nothing, drifts through the stages
  The deck's first customer type answers politely, promises a date and never pays. Each
  promise is recorded from the contact's result line; once it is broken the playbook raises
  the priority and moves the account one stage on (for 30 days), so the procrastinator reaches
  firmer treatment sooner than DPD alone would — without ever stepping outside the law.

  Scenario: CN card holder drifts from remind to negotiate to pressure
    Given an account in CN with dpd 5 and balance 8000
    And the debtor promises to pay at every contact but never pays
    When the playbook "cn-credit-card" decides at "2026-10-01T10:00:00+08:00"
    Then the stage is "remind"
    And the assignment is "robot" to queue "robot-remind"
    And an action by "sms" of kind "reminder" is proposed
    And no action by "robot call" is proposed
    And the incentive "early_bird" is offered
    And the "sms" message mentions "回复TD退订"
    When the playbook decides again 7 days later
    Then the promise is "broken"
    And the stage is "negotiate"
    And the fired rules include "priority.promise_broken_recent"
    And the assignment is "collector" to queue "negotiation-team"
    And an action by "call" of kind "payment_demand" is proposed
    And the offer "instalments_12" is made
    And the "call" message mentions "最多12期"
    When the playbook decides again 25 days later
    Then the stage is "pressure"
    And the fired rules include "priority.promise_broken"
    And the assignment is "collector" to queue "senior-collectors"
    And an action by "call" of kind "payment_demand" is proposed
    And no offer is made
    When the playbook decides again 30 days later
    Then the stage is "pressure"
    And an action by "call" of kind "payment_demand" is proposed
    And nothing is blocked

  Scenario: US borrower promises on the phone — validation notice first, broken promises move the loan on
    Given the compliance gate is in force
    And an account in US with dpd 3 and balance 4200
    And the debtor promises to pay at every contact but never pays
    When the playbook "us-consumer-loans" decides at "2026-10-05T10:00:00-05:00"
    Then the stage is "remind"
    And an action by "letter" of kind "validation_notice" is proposed
    And an action by "e-mail" of kind "reminder" is proposed
    And every e-mail and SMS carries the opt-out text
    And the incentive "early_payoff" is offered
    And nothing is blocked
    When the playbook decides again 30 days later
    Then the promise is "broken"
    And the stage is "pressure"
    And the fired rules include "priority.promise_broken_recent"
    And the assignment is "collector" to queue "senior-resolution"
    And no action of kind "validation_notice" is proposed
    And an action by "call" of kind "payment_demand" is proposed
    And an action by "letter" of kind "payment_demand" is proposed
    Given a telephone conversation 2 days ago in which the debtor promised to pay
    When the playbook decides again 30 days later
    Then the promise is "active"
    And the pause is "promise_active"
    And the fired rules include "priority.broken_promises"
    And no action of kind "payment_demand" is proposed
    And an action by "sms" of kind "reminder" is proposed
    And the "sms" action uses template "promise_reminder.j2"
    And every e-mail and SMS carries the opt-out text
    And nothing is blocked

  Scenario: UK borrower's broken arrangements bring the arrears notice and a default notice
    Given an account in UK with dpd 5 and balance 3200
    And the debtor promises to pay at every contact but never pays
    When the playbook "uk-consumer-credit" decides at "2026-10-01T10:00:00+01:00"
    Then the stage is "remind"
    And an action by "e-mail" of kind "reminder" is proposed
    And the incentive "back_on_track" is offered
    When the playbook decides again 30 days later
    Then the promise is "broken"
    And the stage is "pressure"
    And the fired rules include "priority.arrangement_broken_recent"
    And the assignment is "collector" to queue "arrears-specialists"
    And an action by "letter" of kind "reminder" is proposed
    And the "letter" message mentions "section 86B of the Consumer Credit Act 1974"
    And an action by "call" of kind "payment_demand" is proposed
    And no action of kind "legal_notice" is proposed
    When the playbook decides again 30 days later
    Then the stage is "pressure"
    And the fired rules include "priority.broken_arrangements"
    And no action of kind "reminder" is proposed
    And the "letter" action uses template "pressure_letter.j2"
    And no action of kind "legal_notice" is proposed
    When the playbook decides again 30 days later
    Then the stage is "legal_warning"
    And the assignment is "collector" to queue "default-management"
    And an action by "letter" of kind "legal_notice" is proposed
    And the "letter" message mentions "section 87(1) of the Consumer Credit Act 1974"
    And the offer "affordable_arrangement_default" is made
