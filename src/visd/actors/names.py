"""Names people can read: the display form of an organisation's official name, and its legal form.
Pure functions (no database); the rule is documented in docs/data.md ("Display names and legal forms").

CORDIS and the EDF results often write names in capitals ("KATHOLIEKE UNIVERSITEIT LEUVEN"). The
official name stays as imported (``Actor.name``); pages show ``Actor.display_name``:

1. A legal form at the end of the name ("NV", "N.V.", "bvba", "S.p.A.", "GmbH", "NV/SA") is split
   off and shown separately, in its usual spelling (``LEGAL_FORMS``).
2. When what remains has no lower-case letter, it is written in title case: each word capitalised,
   except known acronyms (``ACRONYMS``) and words without a vowel ("JRC", "FN", "C&V"), which stay
   upper case, and particles ("van", "de", "voor", "of", "and", "la", "d'"...) in the middle of the
   name, which are written in lower case. A word after a lone dash or slash starts a new name part
   ("ECOLE ROYALE MILITAIRE - KONINKLIJKE MILITAIRE SCHOOL").
3. A name with lower-case letters is left as it is (someone already chose its case).

>>> display_parts("SPACE APPLICATIONS SERVICES NV")
('Space Applications Services', 'NV')
>>> display_parts("VLAAMSE INSTELLING VOOR TECHNOLOGISCH ONDERZOEK N.V.")
('Vlaamse Instelling voor Technologisch Onderzoek', 'NV')
>>> display_parts("Clecat - European Association for Forwarding")
('Clecat - European Association for Forwarding', '')
"""

import re

# Normalised key (upper case, without dots and spaces) -> how the legal form is written.
LEGAL_FORMS = {
    # Belgium and the Netherlands
    "NV": "NV", "BV": "BV", "BVBA": "BVBA", "CVBA": "CVBA", "CV": "CV", "CVOA": "CVOA", "VOF": "VOF",
    "COMMV": "CommV", "GCV": "GCV", "VZW": "VZW", "IVZW": "IVZW", "SA": "SA", "SRL": "SRL", "SPRL": "SPRL",
    "SCRL": "SCRL", "SCS": "SCS", "SC": "SC", "ASBL": "ASBL", "AISBL": "AISBL", "SNC": "SNC",
    # elsewhere in Europe
    "GMBH": "GmbH", "AG": "AG", "KG": "KG", "EV": "e.V.", "LTD": "Ltd", "PLC": "plc", "LLP": "LLP", "LLC": "LLC",
    "INC": "Inc.", "SAS": "SAS", "SASU": "SASU", "SARL": "SARL", "SPA": "S.p.A.", "SRO": "s.r.o.", "AB": "AB",
    "AS": "AS", "ASA": "ASA", "APS": "ApS", "OY": "Oy", "OYJ": "Oyj", "SL": "SL", "SLU": "SLU", "EEIG": "EEIG",
    "EOOD": "EOOD", "OOD": "OOD", "DOO": "d.o.o.", "KFT": "Kft.", "ZRT": "Zrt.", "OU": "OÜ", "UAB": "UAB",
}

# Words kept in capitals although they have vowels (organisations and common abbreviations).
ACRONYMS = {
    "NV", "BV", "SA", "SRL", "VZW", "ASBL", "AISBL", "KU", "VITO", "IMEC", "TNO", "EU", "NATO", "BVBA",
    "CVBA", "SCRL", "SPRL", "UCL", "ULB", "VUB", "UGENT", "ESA", "EDA", "ICT", "IT", "UK", "USA", "UNIFE",
    "CEA", "CEN", "CNRS", "INRIA", "ONERA", "DLR", "FOI", "FFI", "AIT", "SINTEF", "VTT", "TU", "AI", "IOT",
    "OTAN", "UAV", "SME", "RTO", "IDEA", "EOS",
}

# Lower case in the middle of a name (Dutch, French, English, German).
PARTICLES = {
    "van", "de", "der", "den", "het", "voor", "en", "in", "op", "te", "ten", "ter", "of", "for", "and",
    "the", "on", "at", "to", "du", "des", "la", "le", "les", "et", "pour", "sur", "aux", "au", "à",
    "und", "für", "von", "zu", "y", "del", "di", "da", "e",
}
ELISIONS = ("d'", "l'", "d’", "l’")
VOWELS = set("AEIOUYÀÁÂÄÈÉÊËÌÍÎÏÒÓÔÖÙÚÛÜŸ")
SEPARATORS = {"-", "–", "—", "/", "|", ":"}

_LEGAL_TAIL = re.compile(r"^(?P<base>.*?)[\s,]+(?P<form>[^\s,]+)\s*$", re.DOTALL)
_WORD_PART = re.compile(r"([^\W\d_]+)")


def legal_form_key(token: str) -> str:
    return re.sub(r"[.\s]", "", token).upper()


def _legal_form_of(token: str) -> str:
    """The usual spelling of a legal-form token ("N.V." -> "NV", "NV/SA" -> "NV/SA"), or ''."""
    token = token.strip("()")
    parts = token.split("/")
    spelled = [LEGAL_FORMS.get(legal_form_key(part)) for part in parts]
    return "/".join(spelled) if all(spelled) else ""


def split_legal_form(name: str) -> tuple[str, str]:
    """(name without the legal form, the legal form in its usual spelling or '').

    >>> split_legal_form("XENICS NV"), split_legal_form("ECOMED bvba"), split_legal_form("ACME, Ltd.")
    (('XENICS', 'NV'), ('ECOMED', 'BVBA'), ('ACME', 'Ltd'))
    >>> split_legal_form("SA")  # nothing would remain: not a legal form then
    ('SA', '')
    """
    name = (name or "").strip()
    match = _LEGAL_TAIL.match(name)
    if match:
        form = _legal_form_of(match.group("form"))
        base = match.group("base").rstrip(" ,-")
        if form and base:
            return base, form
    return name, ""


def _is_all_caps(text: str) -> bool:
    return any(ch.isalpha() for ch in text) and not any(ch.islower() for ch in text)


def _word_case(word: str, first: bool) -> str:
    """One upper-case word (may carry punctuation: "(BELGIUM)", "TIME.LEX", "BRECHT-MALLE", "D'INFO")."""
    lower = word.lower()
    for elision in ELISIONS:
        if lower.startswith(elision) and len(word) > 2:
            rest = _word_case(word[2:], True)
            return (elision[0].upper() if first else elision[0]) + elision[1] + rest
    if "-" in word.strip("-"):
        return "-".join(_word_case(part, True) if part else part for part in word.split("-"))
    letters = "".join(ch for ch in word if ch.isalpha())
    if not letters:
        return word
    if letters.upper() in ACRONYMS or legal_form_key(word.strip("().,")) in ACRONYMS:
        return word
    if word.startswith("(") and word.endswith(")") and len(letters) <= 6:
        return word  # an abbreviation in brackets: "(AMRIE)"
    if len(letters) >= 2 and not (set(letters.upper()) & VOWELS):
        return word  # no vowel: an abbreviation (JRC, FN, C&V)
    if not first and lower in PARTICLES:
        return lower
    # Capitalise the first letter, lower-case the rest ("(BELGIUM)" -> "(Belgium)", "TIME.LEX" -> "Time.lex").
    out, done = [], False
    for ch in word:
        if ch.isalpha():
            out.append(ch if done else ch.upper())
            if done:
                out[-1] = ch.lower()
            done = True
        else:
            out.append(ch)
    return "".join(out)


def readable_case(name: str) -> str:
    """Title case for a name written in capitals; any other name unchanged.

    >>> readable_case("KATHOLIEKE UNIVERSITEIT LEUVEN")
    'Katholieke Universiteit Leuven'
    >>> readable_case("DE FEDERALE OVERHEIDSDIENST JUSTITIE - LE SERVICE PUBLIC FEDERAL JUSTICE")
    'De Federale Overheidsdienst Justitie - Le Service Public Federal Justice'
    """
    name = (name or "").strip()
    if not _is_all_caps(name):
        return name
    words, first = [], True
    for word in name.split():
        if word in SEPARATORS:
            words.append(word)
            first = True
            continue
        words.append(_word_case(word, first))
        first = False
    return " ".join(words)


def display_parts(name: str, preferred: str = "") -> tuple[str, str]:
    """(display name, legal form) of an official name, or of the preferred name a person set, which
    wins as written; the legal form then comes from the official name unless the preferred name
    already ends with one."""
    preferred = (preferred or "").strip()
    base, form = split_legal_form(name)
    if preferred:
        return preferred, ("" if split_legal_form(preferred)[1] else form)
    return readable_case(base) or (name or "").strip(), form


def full_display_name(name: str, preferred: str = "") -> str:
    """The display name with the legal form written after it ("Xenics NV"): for one-line lists."""
    shown, form = display_parts(name, preferred)
    return f"{shown} {form}" if form else shown
