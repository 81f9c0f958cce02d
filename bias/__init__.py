"""Bias audits of the Idefics2 model card, repeatable on any checkpoint.

- `bias.probes`: the card's generation probes (FairFace or Stable Bias portraits, or a local folder,
  three prompts each), run as resumable suites (`idefics2-eval bias run`);
- `bias.tfidf`: the card's TF-IDF variance analysis per prompt and attribute, with intervals;
- `bias.toxicity`: toxicity classifiers behind one interface (profanity-check offline by default,
  `hf:MODEL`), scored by group;
- `bias.analyze`: `bias analyze` on generations made anywhere (a run directory or a JSONL);
- `bias.classify`: FairFace zero-shot classification by ranking, accuracy per attribute and group;
- `bias.report`: one self-contained HTML page and a Markdown version for a model card.
"""
