"""What one line is, from its text alone: a date or a timestamp, a byline and its name, a
picture's credit, a line in capitals, a teaser's "Label: Headline", a salutation.

Predicates on a single line's text that need no neighbours, no model and no configuration;
classify.py decides from them, and from where each line stands, what the line is in the article.
Pure functions: nothing here opens a file or reads configuration.
"""

from __future__ import annotations

import re

from . import features
from .dates import find_named_date

# An advertisement slot's label alone on its line ("Advertisement", "- Anzeige -", "Реклама"),
# in the languages of the dev set and their neighbours: a default [parse] boilerplate pattern
# (config), so dropped, and no frame of the article (classify._within_frame) when it stands
# above the lead too; it ends nothing (classify._is_chrome): the story goes on below the slot.
AD_LABEL = (
    r"^\W*(?:advertisement|advert|sponsored|anzeige|werbung|publicidad|publicidade|publicité|"
    r"pubblicità|реклама|广告|広告|광고)\W*$"
)

# "By Jane Smith", "Por Ana", "Von Hans": a byline's first word, in the languages of the
# dev set and their neighbours (a fixed phrase, so a pattern).
_BY = re.compile(
    r"^(?:by|written by|words by|posted by|reported by|por|par|von|di|da|door|av|af|oleh|przez|"
    r"od|autor|автор|від|от|tarafından|του|της|bởi|بقلم)\s*[:\-–—]?\s+(?=\S)",
    re.IGNORECASE,
)
# A date inside a line: ISO dates, numeric dates, and dates with English month names (what
# dateutil can read; dates.py reads month names of other languages). A year alone is not a date.
_MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DATE_IN_LINE = re.compile(
    r"\b(?:\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?)?"
    r"|\d{1,2}[./]\d{1,2}[./](?:19|20)\d{2}"
    rf"|{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+(?:19|20)\d{{2}}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTHS},?\s+(?:19|20)\d{{2}})\b",
    re.IGNORECASE,
)
_DIGIT = re.compile(r"\d")
_WORDS = re.compile(r"\w+")
# "10:42", "10.42", "10h42", "10:42h", "10:42 a.m.", "1909 GMT"; "10時42分" (Japanese, Chinese),
# "10시 42분" (Korean)
_TIME_IN_LINE = re.compile(
    r"\b(?:[01]?\d|2[0-3])[:.h][0-5]\d(?=h\b)|"
    r"\b(?:[01]?\d|2[0-3])[:.h][0-5]\d\b(?:\s?[AaPp]\.?[Mm]\b\.?)?|\b\d{4}\s+(?:GMT|UTC|[A-Z]{2,4}T)\b"
    r"|(?<!\d)(?P<hour>[01]?\d|2[0-3])\s*[時时시]\s*(?P<minute>[0-5]?\d)\s*[分분]"
)
# "BAAR, SWITZERLAND", "WASHINGTON": a dateline on a line of its own.
_CAP = r"[^\W\d_a-z\u00df-\u00ff]"  # a letter that is not lower case (Latin)
_PLACE = re.compile(rf"^{_CAP}(?:{_CAP}|[ .'’-]){{1,30}}(?:, ?{_CAP}(?:{_CAP}|[ .'’-]){{1,30}})?$")
# Where a byline's name ends: a comma, a separator, a date, a role.
_NAME_END = re.compile(r"\s*(?:,|،|\||•|·|/|\s[-–—]\s|\d|\(|\bfor\b|\bin\b|\bon\b).*$")


# A picture's credit on a line of its own: "Photo: Jane Smith", "Foto: Reuters", "Фото: ТАСС",
# "Image by Ana Souza", "Alex Wong | Getty Images", "Jo Bloggs/AFP via Getty Images". A picture
# word (the languages of the dev set and their neighbours: a fixed phrase, so a pattern) as the
# label, or closing the part after a separator. Not a byline: the name is the photographer's.
_PICTURE = (
    r"(?:photos?|photographs?|photography|pictures?|pics?|images?|imagens?|imágenes|imagen|"
    r"immagini|immagine|fotos?|fotografi[ae]|fotografía|bild(?:er)?|фото|фотографи[яи]|"
    r"zdjęci[ea]|φωτογραφίες|φωτογραφία|φωτό|illustrations?|cr[ée]dits?|cr[ée]ditos?)"
)
_CREDIT = re.compile(
    rf"^(?:(?:\w+\s)?{_PICTURE}(?:\s(?:by|de|di|von|par|por))?\s*[:：|]\s*\S[^.!?]{{0,60}}"
    rf"|{_PICTURE}\s(?:by|de|di|von|par|por)\s\S[^.!?]{{0,60}}"
    rf"|[^|/]{{2,60}}[|/][^|/]{{0,40}}\b{_PICTURE})$",
    re.IGNORECASE,
)
CREDIT_WORDS = 10  #: a credit line has at most this many words


def is_credit(line: str) -> bool:
    """A picture's credit on a line of its own (a short line, a picture word as its label or
    closing its last part), not a byline and not the article's text."""
    return line.count(" ") < CREDIT_WORDS and _CREDIT.match(line) is not None


def find_date(line: str) -> str | None:
    """The date (and time, when there is one) written in a line, as text; None when none."""
    # Every date has a digit: a line without one is answered by a scan that re runs at C
    # speed, not by trying the date pattern (which opens with \b) at every position.
    if not _DIGIT.search(line):
        return None
    m = _DATE_IN_LINE.search(line)
    if m is not None:
        date, start, end = m.group(0), m.start(), m.end()
        if "T" in date or ":" in date:
            return date
    else:  # "18 de noviembre de 2019", "2019年11月18日": as ISO text, which dateutil reads
        named = find_named_date(line)
        if named is None:
            return None
        date, start, end = named.iso, named.start, named.end
    t = _TIME_IN_LINE.search(line[:start] + " " + line[end:])  # not the date's own "18.11"
    if t is None:
        return date
    time = f"{t['hour']}:{int(t['minute']):02d}" if t["hour"] else t.group(0).rstrip(".")  # "10時42分": 10:42
    return f"{date} {time}"


def _without_dates(line: str) -> str:
    """The line with its dates and times blanked out."""
    line = _DATE_IN_LINE.sub(" ", line)
    named = find_named_date(line)
    while named is not None:
        line = line[: named.start] + " " + line[named.end :]
        named = find_named_date(line)
    return _TIME_IN_LINE.sub(" ", line)


# "3 hours ago", "vor 2 Stunden", "hace 5 minutos", "il y a 3 heures", "há 2 dias", "3 часа
# назад", "5分前": when a page says it was published, told from now; and "4 min read",
# "Lesezeit: 3 Min.", "Temps de lecture : 3 min", "3 minutos de leitura", "Время чтения: 5 минут",
# "読了時間：3分": how long it takes to read. Fixed phrases (the languages of the dev set and
# their neighbours), so patterns; a line of a few words (TIME_NOTE_WORDS) that is all one.
_AGO = re.compile(
    r"(?:\d+|an?|one)\s+(?:min(?:ute)?s?|hours?|hrs?|days?|weeks?|months?)\s+ago"
    r"|vor\s+(?:\d+|einer?|einem)\s+(?:minuten?|stunden?|tag(?:en)?|wochen?|monaten?)"
    r"|hace\s+(?:\d+|una?)\s+(?:minutos?|horas?|días?|semanas?|meses?)"
    r"|il\s+y\s+a\s+(?:\d+|une?)\s+(?:minutes?|heures?|jours?|semaines?|mois)"
    r"|há\s+(?:\d+|uma?)\s+(?:minutos?|horas?|dias?|semanas?|meses?)"
    r"|(?:\d+|una?)\s+(?:minut[oi]|or[ae]|giorn[oi]|settiman[ae]|mes[ei])\s+fa"
    r"|\d+\s+(?:minuten|uur|dagen|weken|maanden)\s+geleden"
    r"|(?:\d+\s+)?(?:минут[уы]?|час(?:а|ов)?|дн(?:я|ей)|день|недел[юи]|месяц(?:а|ев)?)\s+назад"
    r"|\d+\s*(?:分|時間|日|週間|か月|分钟|小时|天|周|个月)前",
    re.IGNORECASE,
)
_READING = re.compile(
    r"\d+\s*(?:min\b\.?|mins\b|minutes?|minuten|minutos|minuti|минут[аы]?|мин\b\.?|分钟?)",
    re.IGNORECASE,
)
TIME_NOTE_WORDS = 5  #: a line that says when (told from now) or how long to read has at most this many words


def is_time_note(line: str) -> bool:
    """A line of a few words that says how long ago the page was published or how long it
    takes to read ("3 hours ago", "Updated 2 hours ago", "4 min read", "Lesezeit: 3 Min."): a
    timestamp, not text. No sentence ("He left 3 hours ago.", "He scored after 90 minutes.")."""
    if line.count(" ") > 2 * TIME_NOTE_WORDS or len(_WORDS.findall(line)) > TIME_NOTE_WORDS:
        return False
    ago = _AGO.search(line)
    if ago is not None:  # it ends the line: "3 hours ago we left" is no note
        return not line[ago.end() :].strip(features.CLOSERS + " ")
    m = _READING.search(line)
    if m is None or _DIGIT.search(line, 0, m.start()) or _DIGIT.search(line, m.end()):
        return False
    rest = (line[: m.start()] + line[m.end() :]).rstrip(features.CLOSERS + " ")
    return not rest.endswith(tuple(features.TERMINAL))


def is_timestamp(line: str) -> bool:
    """A short line that gives a date (and maybe a time, a byline, a section), not a sentence
    that mentions one; or a time note (is_time_note: "3 hours ago", "4 min read")."""
    if line.count(" ") > 24:  # more than 10 words besides the longest date and time: no need to look
        return False
    date = find_date(line)
    if date is None:
        return is_time_note(line)
    words = len(_without_dates(line).split())
    stripped = line.rstrip(features.CLOSERS)
    sentence = bool(stripped) and stripped[-1] in ".!?" and words >= 2
    return words <= 10 and not sentence


def is_byline(line: str) -> bool:
    """A byline word and a name ("By Jane Smith, CNN", "Por Ana Souza")."""
    return _BY.match(line) is not None and byline_name(line) is not None


def byline_name(line: str) -> str | None:
    """The author's name in a byline ("By Jane Smith, CNN" -> "Jane Smith"); None when the line
    is not shaped like one."""
    m = _BY.match(line)
    rest = line[m.end() :] if m else line
    name = _NAME_END.sub("", rest).strip(" .:-–—")
    words = name.split()
    if not 2 <= len(words) <= 8 or len(name) > 80:
        return None
    joiners = {"and", "&", "und", "e", "et", "y", "i", "и", "de", "van", "von", "da", "di", "del", "la", "le"}
    # after a byline word, a name in a script without capitals (Arabic, Hebrew) is one as well
    capitals = sum(1 for w in words if w[:1].isupper() or w.casefold() in joiners or (m and _caseless(w)))
    if capitals < len(words) or any(ch.isdigit() for ch in name):
        return None
    return name if (m is not None or "," in line or "|" in line) else None


def _caseless(word: str) -> bool:
    """A word of letters with no upper and lower case ("أحمد", "דוד")."""
    return word.isalpha() and word.upper() == word.lower()


def is_upper_line(line: str) -> bool:
    """The whole line in capitals (a script without case never is)."""
    return line.upper() == line and line.lower() != line


TEASER_WORDS = 4  #: a teaser's headline has at least this many words
_QUOTES = "\"'“‘«„‹「『"  # opening quotes a headline may stand in


def line_label(line: str) -> str | None:
    """The label of a "Label: text" line: the words before the first ": ", when they are one
    to three words of 2-30 characters that open with a letter and hold no digit ("Related",
    "READ MORE", "Step one"); None when the line has none."""
    label, colon, _ = line.partition(": ")
    label = label.rstrip()
    if not colon or not (2 <= len(label) <= 30 and label.count(" ") < 3) or not label[0].isalpha():
        return None
    return None if any(c.isdigit() for c in label) else label


def is_teaser(line: str) -> bool:
    """Another story's headline under a short label, set in the text: "Label: Headline" where
    the label is a line_label and the headline opens with a capital or a digit, has
    TEASER_WORDS words or more (numbers aside) and no full stop, and is no list (at most one
    comma, one more colon, fewer digits than half its letters). The shape of a link, not its
    words: "Related: ...", "READ MORE: ...", "Leia também: ...", "Читайте также: ..." alike."""
    if line.count(":") > 2 or line_label(line) is None:
        return False
    head = line.partition(": ")[2].lstrip(_QUOTES)
    if not (head[:1].isupper() or head[:1].isdigit()):
        return False
    stripped = head.rstrip(features.CLOSERS + " ")
    if not stripped or stripped[-1] in features.TERMINAL or stripped[-1] == ":":
        return False
    if sum(1 for w in head.split() if not w.isdigit()) < TEASER_WORDS or head.count(",") > 1:
        return False
    digits = sum(c.isdigit() for c in head)
    return 2 * digits < sum(c.isalpha() for c in head)


SALUTATION_WORDS = 3  #: a salutation ("Hi Milan,", "Olá Ana,", "Dear Sir,") has at most this many words


def is_salutation(line: str) -> bool:
    """A line that only greets someone by name and ends in a comma: "Hi Milan,", "Olá Ana,",
    "Dear Mr Smith,". A paragraph never ends in a comma; a reply to a reader's comment opens
    so. (A verse ends in a comma too, but seldom in a name: "Oh my love," is none.)"""
    words = line.split()
    return (
        line.endswith(",")
        and 2 <= len(words) <= SALUTATION_WORDS
        and words[0][:1].isupper()
        and words[-1][:1].isupper()
    )


def is_place_line(line: str) -> bool:
    """A place and its region in capitals on a line of their own ("BAAR, SWITZERLAND",
    "SÃO PAULO, BRASIL"): a dateline that opens the story. A subhead in capitals ("THE DEAL",
    "FRANCE WINS") has no comma between a place and a region."""
    return "," in line and _PLACE.match(line) is not None and is_upper_line(line)


# A newsletter, in the languages of the dev set and their neighbours (most write the English
# word), and the social networks a site asks its readers to follow it on (names in any
# language): fixed words. Looked for as parts of the casefolded line ("Newsletter-Abo",
# "рассылку"), not by a case-blind regular expression: that tries every alternative at every
# position of every short line of an article, and costs several times more.
_NEWSLETTER = (
    "newsletter",
    "nieuwsbrief",
    "infolettre",
    "boletín",
    "рассылк",
    "розсилк",
    "뉴스레터",
    "ニュースレター",
    "电子报",
    "電子報",
)
_NETWORKS = (
    "facebook", "twitter", "instagram", "youtube", "linkedin", "pinterest", "tiktok", "telegram",
    "whatsapp", "snapchat", "vkontakte", "вконтакте", "одноклассники",
)  # fmt: skip
PROMOTION_WORDS = 20  #: a promotion ("Subscribe to our newsletter") has at most this many words


def is_promotion(line: str) -> bool:
    """The site's offer to the reader: a short line (PROMOTION_WORDS words at most; CJK: 60
    characters) about its newsletter ("Subscribe to our newsletter", "Abonnieren Sie unseren
    Newsletter") or naming two social networks ("Follow us on Facebook and Instagram"). A
    sentence of a story names a newsletter or the networks in a longer line, or one network."""
    if features.is_cjk_line(line):
        if len(line) > 3 * PROMOTION_WORDS:
            return False
    elif line.count(" ") >= PROMOTION_WORDS:
        return False
    folded = line.casefold()
    return any(word in folded for word in _NEWSLETTER) or sum(name in folded for name in _NETWORKS) >= 2


SHARE_WORDS = 4  #: a share button ("Share on Facebook", "Compartir en WhatsApp") has at most this many words


def is_share_button(line: str) -> bool:
    """A button that shares the page on a social network: a line of a few words (SHARE_WORDS)
    that names one ("Share on Facebook", "Auf Facebook teilen", "Compartir en WhatsApp") and
    ends no sentence ("He quit Facebook." is a story's line)."""
    if line.count(" ") >= SHARE_WORDS or line.rstrip(features.CLOSERS)[-1:] in features.TERMINAL:
        return False
    folded = line.casefold()
    return any(name in folded for name in _NETWORKS)
