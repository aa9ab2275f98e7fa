"""Pickers render a plain <select> that works without JavaScript and names what is selected."""
from django import forms
from django.contrib.staticfiles import finders

from parkbeat.core.widgets import ObjectChoiceField, PickerSelect, PickerSelectMultiple
from parkbeat.enterprises.models import Enterprise


class _Form(forms.Form):
    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"] = ObjectChoiceField(
            queryset=queryset, required=False, empty_label="全部",
            widget=PickerSelect(source="enterprise-list", detail_field="park_name"))
        self.fields["several"] = forms.ModelMultipleChoiceField(
            queryset=queryset, required=False, widget=PickerSelectMultiple(source="/api/v1/enterprises/"))
        self.fields["colour"] = forms.ChoiceField(
            choices=[("", "全部"), ("r", "红"), ("g", "绿")], required=False, widget=PickerSelect())


def test_a_remote_picker_renders_the_selected_name_and_only_the_selected_rows(world):
    form = _Form({"enterprise": str(world.enterprise.pk), "several": [world.enterprise.pk, world.enterprise2.pk]},
                 queryset=Enterprise.objects.visible_to(world.officer))

    single, several = str(form["enterprise"]), str(form["several"])

    assert f'<option value="{world.enterprise.pk}" selected>{world.enterprise.name}</option>' in single
    assert '<option value="">全部</option>' in single
    assert world.enterprise2.name not in single  # not the whole table, only what is chosen
    assert 'data-picker="remote"' in single and 'data-picker-url="/api/v1/enterprises/"' in single
    assert 'data-picker-detail="park_name"' in single
    assert world.enterprise.name in several and world.enterprise2.name in several and "multiple" in several
    assert world.park2_enterprise.name not in several


def test_an_id_outside_the_queryset_is_an_error_and_renders_no_name(world):
    form = _Form({"enterprise": str(world.other_enterprise.pk)}, queryset=Enterprise.objects.visible_to(world.officer))

    assert not form.is_valid()
    assert "enterprise" in form.errors
    assert world.other_enterprise.name not in str(form["enterprise"])


def test_a_value_that_is_no_id_is_an_error_not_a_crash(world):
    for value in ("abc", "1e30", "99999999999999999999999", "-3"):
        form = _Form({"enterprise": value}, queryset=Enterprise.objects.all())
        assert not form.is_valid(), value
        assert "<select" in str(form["enterprise"])


def test_a_static_picker_keeps_every_choice_to_search(world):
    html = str(_Form({"colour": "g"}, queryset=Enterprise.objects.none())["colour"])

    assert 'data-picker="static"' in html
    assert '<option value="r">红</option>' in html and '<option value="g" selected>绿</option>' in html


def test_pickers_js_and_tom_select_are_served_from_the_app(client):
    for path in ("parkbeat/pickers.js", "vendor/tom-select-2.6.2/js/tom-select.complete.min.js",
                 "vendor/tom-select-2.6.2/css/tom-select.bootstrap5.min.css", "vendor/tom-select-2.6.2/LICENSE"):
        assert finders.find(path), path
    assert "htmx:load" in open(finders.find("parkbeat/pickers.js"), encoding="utf-8").read()


def test_every_page_loads_the_picker_script(world, client):
    client.force_login(world.officer)
    html = client.get("/enterprises/visits/").content.decode()

    assert "/static/vendor/tom-select-2.6.2/js/tom-select.complete.min.js" in html
    assert "/static/parkbeat/pickers.js" in html
