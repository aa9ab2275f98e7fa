"""The production-hours field: officers type a weekly timetable as text, one day a line."""
import pytest
from django import forms

from parkbeat.enterprises.forms import ProductionHoursField


def test_production_hours_accept_chinese_and_english_weekdays_and_full_width_commas():
    field = ProductionHoursField(required=False)

    timetable = field.clean("周一 08:00-12:00，13:30-17:30\nsat 08:00-12:00")

    assert timetable == {"mon": [["08:00", "12:00"], ["13:30", "17:30"]], "sat": [["08:00", "12:00"]]}


def test_production_hours_round_trip_through_the_text_form():
    field = ProductionHoursField(required=False)
    timetable = {"mon": [["08:00", "12:00"], ["13:30", "17:30"]], "sun": []}

    assert field.clean(field.prepare_value(timetable)) == timetable


@pytest.mark.parametrize("text", ["xx 08:00-09:00", "mon 09:00-09:00", "mon 8-9", "周一 08:00"])
def test_production_hours_refuse_what_is_not_a_timetable(text):
    with pytest.raises(forms.ValidationError):
        ProductionHoursField(required=False).clean(text)


def test_an_overnight_period_is_a_timetable():
    """A period whose end lies before its start runs across midnight (a night shift): accepted as given."""
    assert ProductionHoursField(required=False).clean("mon 22:00-06:00") == {"mon": [["22:00", "06:00"]]}


def test_empty_production_hours_mean_no_timetable():
    assert ProductionHoursField(required=False).clean("") == {}
