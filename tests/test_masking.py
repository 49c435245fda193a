"""Personal data never reaches a log, artifact or report unmasked."""

from engine.report.masking import mask_contact, mask_email, mask_name, mask_phone, mask_text


def test_phone_keeps_country_code_and_last_four():
    assert mask_phone("+8613800138000") == "+86*******8000"
    assert mask_phone("+12025550143") == "+1******0143"
    assert mask_phone("+447700900123") == "+44******0123"


def test_email_keeps_first_letter_and_domain():
    assert mask_email("jane.doe@example.com") == "j***@example.com"


def test_names_in_both_scripts():
    assert mask_name("张伟") == "张*"
    assert mask_name("Alex Morgan") == "A*** M***"


def test_free_text_masks_every_kind_of_identifier():
    text = "张伟 (ID 11010519491231002X) call +86 138 0013 8000 or mail zw@example.cn, SSN 123-45-6789"
    masked = mask_text(text, names=["张伟"])
    for secret in ("张伟", "11010519491231002X", "138 0013 8000", "zw@example.cn", "123-45-6789"):
        assert secret not in masked
    assert "002X" in masked and "8000" in masked and "@example.cn" in masked


def test_contact_of_unknown_kind():
    assert mask_contact("a@b.com") == "a***@b.com"
    assert mask_contact("+447700900123") == "+44******0123"
    assert mask_contact("postal address on file") == "postal address on file"


def test_dates_times_and_ids_are_not_mistaken_for_phone_numbers():
    text = "declared 2026-11-28T18:49:13+00:00 as EM-20261128-85f4392e on 2026-11-28 18:49, call +1 202 555 0143"
    masked = mask_text(text)
    assert "2026-11-28T18:49:13+00:00" in masked and "EM-20261128-85f4392e" in masked
    assert "2026-11-28 18:49" in masked
    assert "202 555 0143" not in masked and "0143" in masked
