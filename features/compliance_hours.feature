Feature: Contact hours — the playbook schedules lawfully, the gate refuses what is not
  Preferred hours in the playbook move contacts into the day; a contact proposed outside
  the law's hours is blocked by the jurisdiction's compliance pack with its rule id.

  Scenario: CN late-evening run moves the call to the next morning; a 22:30 call is blocked
    Given the compliance gate is in force
    And an account in CN with dpd 40 and balance 6000
    When the playbook "cn-credit-card" decides at "2026-11-28T22:30:00+08:00"
    Then the "call" action is scheduled at "2026-11-29T09:00:00+08:00"
    And nothing is blocked
    When a collector proposes a "call" of kind "payment_demand" at "2026-11-28T22:30:00+08:00"
    Then the proposal is blocked by a rule starting with "CN.CBA.QUIET_HOURS"
    And the proposal may be retried at "2026-11-29T08:00:00+08:00"

  Scenario: US call at 21:15 local is blocked, 10:00 is allowed
    Given the compliance gate is in force
    And an account in US with dpd 40 and balance 3000
    And the validation notice was sent 30 days ago
    When the playbook "us-consumer-loans" decides at "2026-11-28T10:00:00-06:00"
    Then an action by "call" of kind "payment_demand" is proposed
    And nothing is blocked
    When a collector proposes a "call" of kind "payment_demand" at "2026-11-28T21:15:00-06:00"
    Then the proposal is blocked by a rule starting with "US.REGF.INCONVENIENT_TIME"
    When a collector proposes a "call" of kind "payment_demand" at "2026-11-28T10:00:00-06:00"
    Then the proposal is allowed

  Scenario: US collection waits for the validation notice when the first contact was weeks ago
    Given the compliance gate is in force
    And an account in US with dpd 40 and balance 3000
    And a "sms" contact 20 days ago with outcome "read_no_reply"
    When the playbook "us-consumer-loans" decides at "2026-11-28T10:00:00-06:00"
    Then the stage is "negotiate"
    And an action by "letter" of kind "validation_notice" is proposed
    And the "call" action is blocked by a rule starting with "US.REGF.VALIDATION_NOTICE"

  Scenario: UK call moved to the hours the customer asked for
    Given the compliance gate is in force
    And an account in UK with dpd 40 and balance 2500
    And the debtor asked for no calls before "18:00"
    When the playbook "uk-consumer-credit" decides at "2026-11-28T10:00:00+00:00"
    Then the "call" action was rescheduled by a rule starting with "UK.CONC.CONTACT_TIMES"
    And the "call" action is scheduled at "2026-11-28T18:00:00+00:00"

  Scenario: US younger borrower gets a text with the opt-out; after opting out, an e-mail instead
    Given an account in US with dpd 4 and balance 1500
    And the debtor was born in 1998
    When the playbook "us-consumer-loans" decides at "2026-11-28T10:00:00-06:00"
    Then the segment is "digital_first"
    And an action by "sms" of kind "reminder" is proposed
    And every e-mail and SMS carries the opt-out text
    Given the account has flag "opted_out_sms"
    When the playbook decides again 6 days later
    Then the fired rules include "path.sms_opted_out"
    And no action by "sms" is proposed
    And the "e-mail" action uses template "remind_email.j2"
    And every e-mail and SMS carries the opt-out text

  Scenario: UK customer who asked to be contacted in writing gets letters instead of calls
    Given an account in UK with dpd 40 and balance 2500
    And the account attribute "contact_preference" is "letter"
    When the playbook "uk-consumer-credit" decides at "2026-11-28T10:00:00+00:00"
    Then the fired rules include "path.prefers_writing"
    And no action by "call" is proposed
    And the "letter" action uses template "letter_followup.j2"
