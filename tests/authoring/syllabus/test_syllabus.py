"""The syllabus, hour totals and table of contents are computed from unit metadata."""

from __future__ import annotations

from types import SimpleNamespace

import yaml

from grader.authoring import book, syllabus, units


def test_hours_by_tier_add_up_the_units():
    all_units = units.discover()
    hours = syllabus.hours_by_tier(all_units)
    assert sum(hours.values()) == sum(u.meta["class_hours"] for u in all_units)
    for unit in all_units:
        assert hours[unit.meta["tier"]] >= unit.meta["class_hours"]


def test_junior_and_senior_high_each_reach_the_citys_yearly_minimum():
    """Junior high teaches only T1 units, senior high T1 and T2: both must offer 8 class hours."""
    hours = syllabus.hours_by_stage(units.discover())
    minimum = units.vocabulary()["stage_minimum_hours"]
    assert set(minimum) == {"junior-high", "senior-high"}
    for stage, needed in minimum.items():
        assert hours[stage] >= needed, (stage, hours[stage])
    table = syllabus.stage_hours_table(units.discover(), "zh_CN")
    assert "初中" in table and "✗" not in table


def test_points_by_objective_add_up_to_the_unit_total():
    for unit in units.discover():
        assert abs(sum(syllabus.points_by_objective(unit).values()) - unit.max_score) < 1e-9


def test_table_of_contents_lists_every_unit_under_its_strand():
    root = book.stage("student")
    toc = yaml.safe_load((root / "_toc.yml").read_text())
    files = [s["file"] for part in toc["parts"] for ch in part["chapters"] for s in ch.get("sections", [])]
    assert files == [f"units/{u.id}/{u.id}" for u in units.discover()]


def test_table_of_contents_names_units_by_id_tier_and_title():
    toc = yaml.safe_load((book.stage("instructor") / "_toc.yml").read_text(encoding="utf-8"))
    titles = [s["title"] for part in toc["parts"] for ch in part["chapters"] for s in ch.get("sections", [])]
    assert titles == [f"{u.id} · {u.meta['tier']} · {u.meta['title']}" for u in units.discover()]


def test_unit_label_follows_the_metadata():
    renamed = SimpleNamespace(id="zz-t3", meta={"tier": "T3", "title": "Renamed"})
    assert syllabus.unit_label(renamed) == "zz-t3 · T3 · Renamed"


def test_tables_escape_pipes():
    assert syllabus.table(["a"], [["x | y"]]).splitlines()[-1] == "| x \\| y |"
