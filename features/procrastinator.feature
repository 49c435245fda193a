Feature: The procrastinator — promises at every contact, pays nothing, drifts through the stages
  The deck's first customer type answers politely, promises a date and never pays. The
  playbook must move them from gentle reminders to negotiated plans to firmer treatment, and
  remember the broken promises in the priority, without ever stepping outside the law.

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
    Then the stage is "remind"
    And an action by "robot call" of kind "reminder" is proposed
    When the playbook decides again 25 days later
    Then the stage is "negotiate"
    And the assignment is "collector" to queue "negotiation-team"
    And an action by "call" of kind "payment_demand" is proposed
    And the offer "instalments_12" is made
    And the "call" message mentions "最多12期"
    And the fired rules include "priority.promise_broken"
    When the playbook decides again 30 days later
    Then the stage is "pressure"
    And the assignment is "collector" to queue "senior-collectors"
    And an action by "call" of kind "payment_demand" is proposed
    And no offer is made
    And nothing is blocked

  Scenario: US borrower promises on the phone — validation notice first, then the 7-day call rule
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
    Then the stage is "negotiate"
    And the assignment is "collector" to queue "loan-resolution"
    And no action of kind "validation_notice" is proposed
    And an action by "call" of kind "payment_demand" is proposed
    And the offer "instalments_12" is made
    And the "call" message mentions "up to 12 monthly payments"
    Given a telephone conversation 2 days ago in which the debtor promised to pay
    When the playbook decides again 30 days later
    Then the stage is "pressure"
    And the assignment is "collector" to queue "senior-resolution"
    And the fired rules include "priority.broken_promises"
    And an action by "letter" of kind "payment_demand" is proposed
    And the "call" action was rescheduled by a rule starting with "US.REGF.CALL_AFTER_CONVERSATION"
    And the "call" action is scheduled on "2026-12-09"

  Scenario: UK borrower is offered forbearance, the arrears notice, and a default notice only late
    Given an account in UK with dpd 5 and balance 3200
    And the debtor promises to pay at every contact but never pays
    When the playbook "uk-consumer-credit" decides at "2026-10-01T10:00:00+01:00"
    Then the stage is "remind"
    And an action by "e-mail" of kind "reminder" is proposed
    And the incentive "back_on_track" is offered
    When the playbook decides again 30 days later
    Then the stage is "negotiate"
    And the assignment is "collector" to queue "arrears-support"
    And an action by "letter" of kind "reminder" is proposed
    And the "letter" action uses template "arrears_notice.j2"
    And the "letter" message mentions "section 86B of the Consumer Credit Act 1974"
    And an action by "call" of kind "payment_demand" is proposed
    And the "call" message mentions "no need to find the whole amount at once"
    And the offer "affordable_arrangement" is made
    And the offer "freeze_charges" is made
    And no action of kind "legal_notice" is proposed
    When the playbook decides again 30 days later
    Then the stage is "pressure"
    And the assignment is "collector" to queue "arrears-specialists"
    And no action of kind "reminder" is proposed
    And the "letter" action uses template "pressure_letter.j2"
    And no action of kind "legal_notice" is proposed
    When the playbook decides again 30 days later
    Then the stage is "legal_warning"
    And the assignment is "collector" to queue "default-management"
    And an action by "letter" of kind "legal_notice" is proposed
    And the "letter" message mentions "section 87(1) of the Consumer Credit Act 1974"
    And the offer "affordable_arrangement_default" is made
