"""The protest kit: what an appeal asks readers to do, and the count of those who did.

- `models.py`: the officials to write to (`AppealTarget`, by email, fax or phone) and the
  anonymous tally of protests sent to each (`ProtestTally`); `ProtestKit`, the appeal's own part
  (who the appeal is for, the campaign's copy addresses, the model letter and its checks);
- `letters.py`: the model letter's placeholders and the letter each official receives, as a
  `mailto:` link or a printed page;
- `views.py`: "I sent my protest", counted once per browser and rate limited per address.

`AppealPage` (news/models/appeals.py) is the page that carries it; the templates are
`components/protest_kit.html`, `news/appeal_letters.html` and `news/protest_sent.html`.
"""
