"""`cleaner clean FILES -o DIR`: no lost files, outputs named by what they hold (issue 15)."""

import os

BODY = "Body text here.\n\nLeave a Reply\n"
CLEANED = "Body text here.\n"
PAGE = "<html><body><article><p>" + "An article sentence with words. " * 20 + "</p></article></body></html>"


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_same_name_in_two_folders_is_refused(run_cli, tmp_path):
    write(tmp_path / "d1" / "s.txt", BODY)
    write(tmp_path / "d2" / "s.txt", "Other.\n")
    proc = run_cli("clean", "d1/s.txt", "d2/s.txt", "-o", "out")
    assert proc.returncode == 2
    err = proc.stderr.decode()
    assert err.count("\n") == 1 and "d1/s.txt" in err and "d2/s.txt" in err and "out/s.txt" in err
    assert not (tmp_path / "out").exists()  # nothing written


def test_output_over_an_input_is_refused_unless_overwrite(run_cli, tmp_path):
    source = write(tmp_path / "a.txt", BODY)
    proc = run_cli("clean", "a.txt", "-o", ".")
    assert proc.returncode == 2
    assert "a.txt" in proc.stderr.decode() and "--overwrite" in proc.stderr.decode()
    assert source.read_text(encoding="utf-8") == BODY
    proc = run_cli("clean", "a.txt", "-o", ".", "--overwrite")
    assert proc.returncode == 0, proc.stderr
    assert source.read_text(encoding="utf-8") == CLEANED


def test_html_output_is_named_txt(run_cli, tmp_path):
    write(tmp_path / "page.html", PAGE)
    proc = run_cli("clean", "page.html", "-o", "out")
    assert proc.returncode == 0, proc.stderr
    assert os.listdir(tmp_path / "out") == ["page.txt"]
    assert "An article sentence with words." in (tmp_path / "out" / "page.txt").read_text(encoding="utf-8")


def test_html_and_text_of_one_name_collide(run_cli, tmp_path):
    write(tmp_path / "s.html", PAGE)
    write(tmp_path / "s.txt", BODY)
    proc = run_cli("clean", "s.html", "s.txt", "-o", "out")
    assert proc.returncode == 2 and b"out/s.txt" in proc.stderr


def test_no_partial_file_under_the_final_name(run_cli, tmp_path):
    """A file that cannot be cleaned leaves the previous output as it was, and no temp file."""
    write(tmp_path / "a.txt", BODY)
    (tmp_path / "b.txt").write_bytes(b"\0binary")
    write(tmp_path / "out" / "b.txt", "previous\n")
    proc = run_cli("clean", "a.txt", "b.txt", "-o", "out")
    assert proc.returncode == 2
    assert sorted(os.listdir(tmp_path / "out")) == ["a.txt", "b.txt"]
    assert (tmp_path / "out" / "b.txt").read_text(encoding="utf-8") == "previous\n"


def test_written_through_a_temp_file_and_rename(run_cli, tmp_path):
    """The output's inode changes: it was renamed into place, not written in place."""
    write(tmp_path / "a.txt", BODY)
    old = write(tmp_path / "out" / "a.txt", "previous\n")
    inode = old.stat().st_ino
    keep = os.open(old, os.O_RDONLY)  # holds the old inode so it cannot be reused
    try:
        assert run_cli("clean", "a.txt", "-o", "out").returncode == 0
        assert (tmp_path / "out" / "a.txt").stat().st_ino != inode
        assert os.read(keep, 100) == b"previous\n"
    finally:
        os.close(keep)


def test_an_output_that_cannot_be_written_is_reported_and_the_rest_written(run_cli, tmp_path):
    write(tmp_path / "a.txt", BODY)
    write(tmp_path / "b.txt", BODY)
    (tmp_path / "out" / "a.txt").mkdir(parents=True)  # a folder where the output file should go
    proc = run_cli("clean", "a.txt", "b.txt", "-o", "out")
    assert proc.returncode == 2
    assert b"out/a.txt: cannot write" in proc.stderr and b"Traceback" not in proc.stderr
    assert (tmp_path / "out" / "b.txt").read_text(encoding="utf-8") == CLEANED
    assert sorted(os.listdir(tmp_path / "out")) == ["a.txt", "b.txt"]  # no temp file left
