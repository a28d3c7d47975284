"""The rules fingerprint: when it changes, a refresh looks at every file again. No I/O but
the parser's own data files, read once."""

from __future__ import annotations

import hashlib

from ..config import Settings
from ..parse import data_fingerprint

# Bump when the parser changes what it makes of the same text: every file is parsed again.
PARSER_VERSION = 25  # 25: a share button that names a social network right above the lead
# ("Share on Facebook", "Compartir en WhatsApp") is chrome, not text;
# 24: a paragraph signed by its agency after its last sentence ("... (dpa)",
# "... /ТАСС/") goes on with the text; "10:42h" is a timestamp's time;
# 23: a byline word and a name in a script without capitals ("بقلم: أحمد
# علي") name the author; Arabic month names (CLDR) date a timestamp; "10時42分" is its time;
# 22: a wire dateline with a date ("LONDON, March 3 (Reuters) -", "МОСКВА,
# 3 марта —") or in lenticular brackets ("【金沢】") is out of the title; "3 hours ago" and "4 min
# read" are timestamps; a caption closed by "Foto: Name/Agency" after its last sentence is a
# caption (a default [parse] pattern); a name and its source above the lead ("Jane Smith, AP
# Sports Writer") is the byline even when the model rates it text;
# 21: a cut title's summary goes on where the title stops, after "…";
# a summary ends with its paragraph once it holds two sentences after the title's;
# 20: a list of short lines off the article's topic below it ("most read")
# is not the text; text below the article's numbered notes ("[1] ...") is not; a row of headlines
# each closed by a label in brackets ("[VIDEO]") is never text; a topic is its words less the
# function words of its language when chrome may end the article;
# 19: a stand-first above the page's picture (a caption, then its credit)
# that the lead below the picture tells at more length is not the lead;
# 18: a run apart from the article that repeats its lines (a list's next
# part) stays; the site's promotion (a newsletter, two social networks) ends it as a contact line
# does; a headline in capitals with a few small letters ("AT THE AMAs") is still no text; an
# embedded post (a sentence, then its links) goes on with the text and is no contact line;
# 17: a place line in capitals ("BAAR, SWITZERLAND") opens the article as a byline does;
# 16: an advertisement label in any language is boilerplate and ends nothing;
# 15: a single word above the lead and below it frames nothing (an ad label);
# 14: a run of prose ends at chrome then another topic; a line
# repeated above the lead and below it frames the article (classify._within_frame);
# 13: a title drops a full stop that quotes or brackets close after it;
# 12: a lead about something else (a site notice) gives way to the next paragraph;
# 11: the text below a contact line is measured to the next break;
# 10: those rules narrowed (a thread is one greeting to different names;
# an interview's or a how-to's labelled lines are text; CJK topic words are character pairs);
# 9: a thread of replies to readers is not the body (linetypes.is_salutation);
# 8: a teaser between the paragraphs is not the body (linetypes.is_teaser);
# 7: those credits and captions shown as captions; 6: a picture's credit is a
# caption, not a byline, and the sentence below an opening one is its caption; 5: a list's items
# and a contact line near the end (classify.main_run, _cut_at_chrome); 4: issue 9, 2026-12-02
# (datelines in any alphabet, month names, summary runs, titles cut near their end, capitals
# headlines, cookie buttons); 3: the line classifier
# (parse/classify.py); 2: an opening date line is not the title


def rules_key(settings: Settings) -> str:
    """Fingerprint of everything that decides what a file publishes, besides its bytes. When it
    changes (a new boilerplate pattern, a new size limit...) every file is looked at again."""
    parts = (
        PARSER_VERSION, data_fingerprint(), settings.captions, settings.boilerplate, settings.debris,
        settings.summary_length, settings.title_length, settings.timezone, settings.max_file_bytes,
    )  # fmt: skip
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()[:16]
