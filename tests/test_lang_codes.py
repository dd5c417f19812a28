"""One rule for language codes everywhere (issue 15): what is unambiguous is normalised (DE, de-DE,
de_DE, german -> de), the rest is an error naming the value, in the library, the command line,
batch records and the HTTP API."""

import json

import pytest

from cleaner import Cleaner
from cleaner.engine.language import LANGUAGES, normalise
from cleaner.html import clean_page

GERMAN = "Der Text des Artikels.\n\nJetzt Newsletter abonnieren\n"  # the German pack removes the prompt
CLEANED = "Der Text des Artikels.\n"
CLEANER = Cleaner()


@pytest.mark.parametrize("value", ["de", "DE", "De", " de ", "de-DE", "de_DE", "de-ch", "German", "german"])
def test_unambiguous_forms_name_german(value):
    assert normalise(value) == "de"


@pytest.mark.parametrize("value", ["xx", "deu", "zh-Hant", "", "d", "de-", "klingon", "en,de"])
def test_the_rest_is_an_error_naming_the_value(value):
    with pytest.raises(ValueError, match=repr(value).replace("\\", "\\\\").replace("(", r"\(")):
        normalise(value)


def test_every_detected_language_is_known():
    assert all(normalise(code) == code for code in LANGUAGES)


def test_library_normalises_and_refuses():
    assert CLEANER.clean(GERMAN, lang="de-DE").text == CLEANED
    assert CLEANER.clean(GERMAN, lang="en").text == GERMAN  # the German pack does not run
    with pytest.raises(ValueError, match="'xx'"):
        CLEANER.clean(GERMAN, lang="xx")
    with pytest.raises(ValueError, match="'xx'"):
        clean_page(CLEANER, "<html><body><p>Text.</p></body></html>", lang="xx")


def test_a_rule_files_own_language_is_known(tmp_path):
    (tmp_path / "pl.toml").write_text(
        "[[rule]]\nid='pl-prompt'\nkind='drop_line'\ncategory='newsletter'\ndescription='d'\n"
        "pattern='^Czytaj także'\nlang='pl'\n", encoding="utf-8")
    cleaner = Cleaner([tmp_path / "pl.toml"], builtin=False)
    assert cleaner.clean("Tekst.\n\nCzytaj także\n", lang="PL-pl").text == "Tekst.\n"


@pytest.mark.parametrize("value", ["DE", "de_DE", "german"])
def test_cli_lang_normalised(run_cli, value):
    proc = run_cli("--lang", value, input=GERMAN)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.decode() == CLEANED


@pytest.mark.parametrize("args", [["--lang", "xx"], ["explain", "-", "--lang", "xx"]])
def test_cli_unknown_lang_is_one_line_status_2(run_cli, args):
    proc = run_cli(*args, input=GERMAN)
    assert proc.returncode == 2 and proc.stdout == b""
    err = proc.stderr.decode()
    assert err.count("\n") == 1 and "--lang" in err and "'xx'" in err


def test_batch_lang_field(run_cli):
    lines = [{"text": GERMAN, "lang": lang} for lang in ("DE", "de-DE", "german", "xx", 12, None)] + [{"text": "A."}]
    proc = run_cli("batch", "-", "--lang-field", "lang", "--on-error", "skip",
                   input="".join(json.dumps(r) + "\n" for r in lines))
    out = [json.loads(line) for line in proc.stdout.decode().splitlines()]
    assert [r["text"] for r in out] == [CLEANED, CLEANED, CLEANED, GERMAN, "A.\n"]  # null or none: detected
    err = proc.stderr.decode()
    assert "line 4: field 'lang': unknown language 'xx'" in err
    assert "line 5: field 'lang': unknown language 12" in err


def test_http_api_lang(tmp_path):
    httpx = pytest.importorskip("httpx")
    from test_server import start_server, stop_server

    proc, url = start_server(tmp_path)
    try:
        ok = httpx.post(url + "/v1/clean", json={"text": GERMAN, "lang": "DE"}, timeout=30)
        bad = httpx.post(url + "/v1/clean", json={"text": GERMAN, "lang": "xx"}, timeout=30)
        in_batch = httpx.post(url + "/v1/clean/batch", json=[{"text": GERMAN}, {"text": GERMAN, "lang": "xx"}],
                              timeout=30)
    finally:
        stop_server(proc)
    assert ok.status_code == 200 and ok.json()["text"] == CLEANED
    assert bad.status_code == 422 and "unknown language 'xx'" in bad.json()["detail"]
    assert in_batch.status_code == 422 and "document 2" in in_batch.json()["detail"]


def test_datatrove_metadata_language():
    """datatrove's language filters name many languages: an unknown one is counted and detected instead."""
    pytest.importorskip("datatrove")
    from datatrove.data import Document

    from cleaner.integrations.datatrove import CleanerStep

    step = CleanerStep(drop_empty=False)
    docs = [Document(text=GERMAN, id=lang, metadata={"language": lang}) for lang in ("de_DE", "ja")]
    assert [d.text for d in step.run(iter(docs))] == [CLEANED, GERMAN]
    assert step.stats["lang_unknown"].total == 1


@pytest.mark.parametrize("where", ["before", "after"])
def test_batch_lang_option_for_records_without_one(run_cli, where):
    lines = [{"text": GERMAN}, {"text": GERMAN, "lang": "en"}]
    args = ["--lang", "DE", "batch", "-"] if where == "before" else ["batch", "-", "--lang", "DE"]
    proc = run_cli(*args, "--lang-field", "lang", input="".join(json.dumps(r) + "\n" for r in lines))
    assert proc.returncode == 0, proc.stderr
    assert [json.loads(line)["text"] for line in proc.stdout.decode().splitlines()] == [CLEANED, GERMAN]
