"""The pytest plugin (cleaner/integrations/pytest_plugin.py), in real pytest runs in a temp folder (pytester)."""

import pytest

ARTICLE = "Body.\n\nLeave a Reply\n"  # comments-leave-reply removes the last line
CLEANED = "Body.\n"
RULE = """\
[[rule]]
id = "house-promo"
kind = "drop_line"
category = "advertising"
description = "Drops the house promo line."
pattern = '^Buy our mugs\\.$'
"""


@pytest.fixture
def goldens(pytester, monkeypatch):
    """A folder g/ with one case whose expected file is `expected` (None: no expected file)."""
    monkeypatch.delenv("CI", raising=False)

    def make(expected=CLEANED, name="one", text=ARTICLE, folder="g"):
        path = pytester.path / folder
        path.mkdir(exist_ok=True)
        (path / f"{name}.input.txt").write_text(text, encoding="utf-8")
        if expected is not None:
            (path / f"{name}.expected.txt").write_text(expected, encoding="utf-8")
        return path

    return make


def test_a_passing_case_is_one_item(pytester, goldens):
    goldens()
    goldens(name="two")
    result = pytester.runpytest("--cleaner-goldens", "g", "-v")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["g/one.input.txt::one PASSED*", "g/two.input.txt::two PASSED*"])


def test_a_failing_case_shows_the_unified_diff(pytester, goldens):
    goldens(expected=ARTICLE)
    result = pytester.runpytest("--cleaner-goldens", "g")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        "*the cleaned input differs from one.expected.txt (- expected, + cleaned; pytest --cleaner-update*",
        "--- */g/one.expected.txt", "+++ cleaned */g/one.input.txt", "@@ *", " Body.", "-", "-Leave a Reply",
    ])
    assert "Traceback" not in result.stdout.str()


def test_missing_expected_file_and_orphan_fail(pytester, goldens):
    folder = goldens(expected=None)
    (folder / "gone.expected.txt").write_text(CLEANED, encoding="utf-8")
    result = pytester.runpytest("--cleaner-goldens", "g")
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines_random(["*missing expected file */g/one.expected.txt (pytest --cleaner-update writes it)",
                                        "*expected file */g/gone.expected.txt has no input gone.input.txt*"])


def test_update_rewrites_what_differs_then_passes(pytester, goldens):
    folder = goldens(expected="stale\n")
    goldens(name="new", expected=None)
    goldens(name="same")
    result = pytester.runpytest("--cleaner-goldens", "g", "--cleaner-update")
    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines(["*cleaner: 2 golden file(s) updated*", "updated new", "updated one"])
    assert (folder / "one.expected.txt").read_text(encoding="utf-8") == CLEANED
    assert (folder / "new.expected.txt").read_text(encoding="utf-8") == CLEANED
    pytester.runpytest("--cleaner-goldens", "g").assert_outcomes(passed=3)


@pytest.mark.parametrize("value", ["false", "0", "no"])
def test_update_is_allowed_when_ci_says_false(pytester, goldens, monkeypatch, value):
    """As `cleaner golden update` (issue 30 item 8): CI=false is no CI."""
    folder = goldens(expected="stale\n")
    monkeypatch.setenv("CI", value)
    pytester.runpytest("--cleaner-goldens", "g", "--cleaner-update").assert_outcomes(passed=1)
    assert (folder / "one.expected.txt").read_text(encoding="utf-8") == CLEANED


def test_update_is_refused_under_ci(pytester, goldens, monkeypatch):
    folder = goldens(expected="stale\n")
    monkeypatch.setenv("CI", "true")
    result = pytester.runpytest("--cleaner-goldens", "g", "--cleaner-update")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--cleaner-update: refusing to write golden files while the CI environment "
                                 "variable is set*"])
    assert (folder / "one.expected.txt").read_text(encoding="utf-8") == "stale\n"


@pytest.mark.parametrize("make, message", [
    (lambda path: None, "*cleaner golden folder */g: no such folder*"),
    (lambda path: (path / "g").mkdir(), "*cleaner golden folder */g: no golden cases (*.input.txt or *.input.html)*"),
])
def test_missing_or_empty_folder_is_a_usage_error(pytester, make, message):
    make(pytester.path)
    result = pytester.runpytest("--cleaner-goldens", "g")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([message])


def test_rule_options_as_on_the_command_line(pytester, goldens):
    text = "Body.\n\nBuy our mugs.\n\nLeave a Reply\n"
    goldens(text=text, expected="Body.\n\nLeave a Reply\n")
    pytester.makefile(".toml", house=RULE)
    pytester.runpytest("--cleaner-goldens", "g").assert_outcomes(failed=1)  # the shipped rules alone
    pytester.runpytest("--cleaner-goldens", "g", "--cleaner-no-builtin", "--cleaner-rules", "house.toml",
                       "--cleaner-isolated").assert_outcomes(passed=1)
    goldens(text=text, expected="Body.\n\nBuy our mugs.\n")
    pytester.runpytest("--cleaner-goldens", "g", "--cleaner-rules", "house.toml",
                       "--cleaner-ignore", "house-promo").assert_outcomes(passed=1)


def test_settings_nearest_the_folder_apply(pytester, goldens):
    goldens(expected=ARTICLE)
    (pytester.path / "g" / "cleaner.toml").write_text('ignore = ["comments"]\n', encoding="utf-8")
    pytester.runpytest("--cleaner-goldens", "g").assert_outcomes(passed=1)
    pytester.runpytest("--cleaner-goldens", "g", "--cleaner-isolated").assert_outcomes(failed=1)


def test_bad_rules_fail_the_items_naming_the_rule(pytester, goldens):
    goldens()
    pytester.makefile(".toml", bad=RULE.replace("drop_line", "drop_lines"))
    result = pytester.runpytest("--cleaner-goldens", "g", "--cleaner-rules", "bad.toml")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*bad.toml: rule 'house-promo': unknown kind 'drop_lines'*"])


def test_setting_in_pytest_config_and_selection(pytester, goldens):
    goldens()
    goldens(name="two", expected="stale\n")
    pytester.makepyprojecttoml('[tool.pytest.ini_options]\ncleaner_goldens = ["g"]\n')
    pytester.makepyfile(test_other="def test_other():\n    pass\n")
    pytester.runpytest().assert_outcomes(passed=2, failed=1)  # plain `pytest` runs the cases too
    pytester.runpytest("-k", "one").assert_outcomes(passed=1, deselected=2)
    pytester.runpytest("g/two.input.txt").assert_outcomes(failed=1)
    pytester.runpytest("test_other.py").assert_outcomes(passed=1)  # paths named: only those
    pytester.runpytest("-p", "no:cleaner").assert_outcomes(passed=1)  # the plugin off: plain test files only


def test_command_line_folder_outside_the_test_paths(pytester, goldens):
    goldens(folder="cases")
    pytester.makepyprojecttoml('[tool.pytest.ini_options]\ntestpaths = ["tests"]\n')
    pytester.mkdir("tests").joinpath("test_x.py").write_text("def test_x():\n    pass\n", encoding="utf-8")
    result = pytester.runpytest("--cleaner-goldens", "cases", "-v")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines_random(["cases/one.input.txt::one PASSED*", "tests/test_x.py::test_x PASSED*"])
