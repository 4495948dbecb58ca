"""The two command lines up to the point where they would talk to Kafka: exit codes and what the operator reads."""

from __future__ import annotations

from pathlib import Path

from registration.cli import event, import_participants

EXAMPLES = Path(__file__).resolve().parents[4] / "deploy" / "examples"


def test_check_prints_the_summary_and_publishes_nothing(capsys):
    assert event.main(["check", str(EXAMPLES / "milan-eu-celac-2027.yaml")]) == 0
    out = capsys.readouterr().out
    assert "Tuesday 05 October 2027" in out and "Wednesday 06 October 2027" in out
    assert "capacity: 40 tables x 18 slots = 720 meetings" in out
    assert "nothing was published" in out


def test_a_broken_event_file_exits_1_and_lists_every_problem(tmp_path, capsys):
    broken = tmp_path / "broken.yaml"
    broken.write_text((EXAMPLES / "hannover-2027.yaml").read_text().replace("slot_minutes: 20", "slot_minutes: 45"))
    assert event.main(["publish", str(broken), "--bootstrap", "127.0.0.1:1"]) == 1
    err = capsys.readouterr().err
    assert "not a valid event (1 problem(s))" in err
    assert "sessions[0].slot_minutes: must be 15, 20 or 30 (line 23)" in err


def test_a_dry_run_import_reports_the_broken_sample_row_and_exits_1(capsys):
    code = import_participants.main([
        str(EXAMPLES / "participants-sample.csv"), "--event", "hannover-messe-2027", "--source", "sample", "--dry-run",
    ])
    captured = capsys.readouterr()
    assert code == 1
    assert "row 13 (reference hm27-012): rejected" in captured.out
    assert "country: 'Germany' is not an ISO 3166-1 alpha-2 country code" in captured.out
    assert "dry run: 11 row(s) would be published for event hannover-messe-2027, 1 rejected" in captured.out
    assert "[read] 12 row(s)" in captured.err


def test_an_unusable_header_or_option_stops_the_import_before_anything_is_sent(tmp_path, capsys):
    path = tmp_path / "export.csv"
    path.write_text("reference,first_name,last_name,emial,organisation,organisation_type,country,consent,shoe_size\n")
    assert import_participants.main([str(path), "--event", "e-1", "--source", "crm"]) == 2
    err = capsys.readouterr().err
    assert "required column(s) missing: email" in err
    assert "unknown column 'emial' (did you mean 'email'?)" in err
    assert "unknown column 'shoe_size'" in err
    assert import_participants.main([str(path), "--event", "bad event id", "--source", "crm"]) == 2
    assert "--event 'bad event id'" in capsys.readouterr().err


def test_the_same_reference_and_revision_twice_in_one_file_is_rejected(tmp_path, capsys):
    header = "reference,first_name,last_name,email,organisation,organisation_type,country,consent\n"
    row = "r-1,Ana,Souza,ana@example.org,FoodTech SP,cluster,BR,yes\n"
    path = tmp_path / "export.csv"
    path.write_text(header + row + row.replace("Ana,", "Bea,"))
    assert import_participants.main([str(path), "--event", "e-1", "--source", "crm", "--dry-run"]) == 1
    out = capsys.readouterr().out
    assert "row 3 (reference r-1): rejected" in out and "row 2 has the same reference and revision" in out
