"""The language packs (rules/lang/*.toml) and language detection.

Clean article paragraphs in every language pass through unchanged, each pack's furniture goes
only when its language is detected or given, and English text is never touched by the packs."""

import time
from pathlib import Path

import pytest

from cleaner import Cleaner
from cleaner.engine.language import LANGUAGES, detect
from cleaner.engine.loader import builtin_rules_dir

from conftest import ROOT

PASSTHROUGH = ROOT / "tests" / "fixtures" / "passthrough"
PACKS = ("de", "fr", "es", "it", "pt", "nl", "pl")
CLEANER = Cleaner()
UNGUARDED = Cleaner(max_removed=None)  # lets a test remove a whole snippet
PACKS_ONLY = Cleaner([builtin_rules_dir() / "lang"], builtin=False)

# Furniture lines that only the language's own pack removes (the English rules leave them).
FURNITURE = {
    "de": ["Kommentar schreiben", "Lesen Sie auch: Hitzewelle – was Sie jetzt wissen müssen",
           "Jetzt Newsletter abonnieren", "Folgen Sie uns auf Facebook und Instagram",
           "Wir verwenden Cookies, um Ihnen ein optimales Nutzungserlebnis zu bieten.", "Artikel teilen",
           "Bundeskanzler Friedrich Merz spricht im Bundestag. Foto: Kay Nietfeld/dpa"],
    "fr": ["Laisser un commentaire", "Lire aussi | Retraites : ce que contient le nouveau projet",
           "Inscrivez-vous à notre newsletter", "Suivez-nous sur Facebook",
           "Nous utilisons des cookies pour améliorer votre expérience.", "Partager sur Facebook",
           "Emmanuel Macron à l’Elysée, à Paris, le 4 juillet 2025. LUDOVIC MARIN / AFP"],
    "es": ["Deja un comentario", "Lee también: Ola de calor, qué hacer para protegerse",
           "Suscríbete a nuestra newsletter", "Síguenos en Facebook",
           "Utilizamos cookies propias y de terceros para mejorar tu experiencia.", "Compartir en WhatsApp",
           "El presidente, este jueves en el Congreso de los Diputados. EFE/Chema Moya"],
    "it": ["Lascia un commento", "Leggi anche: Ondata di caldo, cosa fare per proteggersi",
           "Iscriviti alla newsletter", "Seguici su Facebook",
           "Questo sito utilizza cookie tecnici e di profilazione.", "Condividi su Facebook",
           "Il presidente del Consiglio a Palazzo Chigi, Roma. ANSA/ANGELO CARCONI",
           "L'articolo continua dopo la pubblicità"],
    "pt": ["Deixe um comentário", "Leia também: Onda de calor, o que fazer para se proteger",
           "Assine a nossa newsletter", "Siga-nos no Facebook",
           "Utilizamos cookies para melhorar a sua experiência.", "Compartilhar no WhatsApp",
           "Manifestantes em Brasília. Foto: Marcelo Camargo/Agência Brasil", "Continua após a publicidade"],
    "nl": ["Plaats een reactie", "Lees ook: Hittegolf, zo bescherm je jezelf",
           "Schrijf je in voor onze nieuwsbrief", "Volg ons op Facebook",
           "Wij gebruiken cookies om de website te verbeteren.", "Deel via WhatsApp",
           "Demonstranten op het Malieveld in Den Haag. Foto ANP", "Het artikel gaat verder onder de advertentie"],
    "pl": ["Dodaj komentarz", "Czytaj też: Rekordowe upały w Polsce. Jak się chronić?",
           "Zapisz się do newslettera", "Obserwuj nas na Facebooku",
           "Ta strona używa plików cookies, aby ułatwić korzystanie z serwisu.", "Udostępnij na Facebooku",
           "Protest przed Sejmem w Warszawie. Fot. PAP/Leszek Szymański", "Dalsza część artykułu pod reklamą"],
}


def paragraphs(lang: str) -> list[str]:
    text = (PASSTHROUGH / f"{lang}.txt").read_text(encoding="utf-8")
    return [p for p in text.split("\n\n") if p.strip()]


def with_furniture(lang: str) -> tuple[str, str]:
    """An article with its language's furniture after the second paragraph, and the clean article."""
    body = paragraphs(lang)[:4]
    dirty = body[:2] + FURNITURE[lang] + body[2:]
    return "\n\n".join(dirty) + "\n", "\n\n".join(body) + "\n"


CASES = [(lang, n, p) for lang in (*PACKS, "en") for n, p in enumerate(paragraphs(lang), 1)]


@pytest.mark.parametrize("lang, number, paragraph", CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_clean_paragraph_passes_unchanged(lang, number, paragraph):
    expected = paragraph.strip() + "\n"
    assert CLEANER.clean(paragraph).text == expected
    assert CLEANER.clean(paragraph, lang).text == expected


@pytest.mark.parametrize("lang", (*PACKS, "en"))
def test_clean_article_passes_unchanged(lang):
    text = (PASSTHROUGH / f"{lang}.txt").read_text(encoding="utf-8")
    assert CLEANER.clean(text).text == text


@pytest.mark.parametrize("lang, number, paragraph", CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_detects_paragraph_language(lang, number, paragraph):
    assert detect(paragraph) == lang


@pytest.mark.parametrize("lang", PACKS)
def test_furniture_removed_when_language_detected(lang):
    dirty, clean = with_furniture(lang)
    assert detect(dirty) == lang
    assert CLEANER.clean(dirty).text == clean


@pytest.mark.parametrize("lang", PACKS)
def test_furniture_kept_when_another_language_is_given(lang):
    dirty, _ = with_furniture(lang)
    other = "fr" if lang != "fr" else "de"
    for given in ("en", other):
        text = CLEANER.clean(dirty, given).text
        assert all(line in text for line in FURNITURE[lang]), given


@pytest.mark.parametrize("lang", PACKS)
def test_short_furniture_needs_the_language(lang):
    snippet = FURNITURE[lang][0] + "\n"
    assert detect(snippet) is None
    assert UNGUARDED.clean(snippet).text == snippet
    assert UNGUARDED.clean(snippet, lang).text == ""


@pytest.mark.parametrize("lang", PACKS)
def test_packs_never_touch_english(lang):
    text = (PASSTHROUGH / "en.txt").read_text(encoding="utf-8")
    result = PACKS_ONLY.clean(text, lang)
    assert result.text == text, result.removals


def test_every_pack_rule_is_tagged_and_has_a_near_miss():
    for rule in PACKS_ONLY.rules:
        lang = Path(rule.source).stem
        assert rule.lang == (lang,), rule.id
        assert rule.id.startswith(f"{lang}-"), rule.id
        assert any(ex.output is None or ex.output == ex.input for ex in rule.examples), rule.id
    assert {Path(r.source).stem for r in PACKS_ONLY.rules} == set(PACKS)


def test_language_packs_load_after_the_english_rules():
    folders = [Path(r.source).parent.name for r in CLEANER.rules]
    assert max(i for i, f in enumerate(folders) if f == "rules") < folders.index("lang")


def test_detect_is_unsure_on_little_or_other_text():
    assert detect("") is None
    assert detect("Foto: dpa") is None
    assert detect("12 345 678 — 2025-07-04") is None
    assert set(LANGUAGES) == {"en", *PACKS}


def test_detect_is_fast():
    text = "\n\n".join(paragraphs("de") * 3)
    start = time.perf_counter()
    for _ in range(200):
        detect(text)
    assert (time.perf_counter() - start) / 200 < 0.005


def test_cli_lang_option(run_cli):
    snippet = "Berlin, 4. Juli 2025\n\nKommentar schreiben\n"
    assert run_cli(input=snippet).stdout.decode() == snippet
    assert run_cli("--lang", "de", input=snippet).stdout.decode() == "Berlin, 4. Juli 2025\n"
    assert run_cli("--lang", "auto", input=snippet).stdout.decode() == snippet


def test_cli_lang_option_on_subcommands(run_cli, tmp_path):
    (tmp_path / "a.txt").write_text("Paris, 4 juillet 2025.\n\nLaisser un commentaire\n", encoding="utf-8")
    proc = run_cli("clean", "a.txt", "--lang", "fr")
    assert proc.stdout.decode() == "Paris, 4 juillet 2025.\n"
    proc = run_cli("--lang", "fr", "explain", "a.txt")
    assert "fr-comments-prompt" in proc.stdout.decode()


def test_cli_rejects_a_bad_language_code(run_cli):
    proc = run_cli("--lang", "klingon", input="x\n")
    assert proc.returncode == 2
    assert b"--lang" in proc.stderr
