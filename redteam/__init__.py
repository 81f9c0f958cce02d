"""Red-team suites and the judges that score them.

- `redteam.suites`: CAPTCHAs, harmful requests (text, image, FigStep), jailbreak wrappers,
  judgements of people from portraits, mocking memes, phishing from login pages; each a resumable
  suite with a safety score per sample (`idefics2-eval redteam`, or `--suite redteam-NAME`);
- `redteam.suite`: what they share: HarmBench's attack-success rule, the refusal rate, Wilson
  intervals by category and attack mode, the lift of each attack, gaps between groups of people;
- judges (`redteam.judges` makes one from a `--judge` value): the offline rules judge
  (`redteam.rules_judge`, its phrases in `redteam.lexicon`), the published safety classifiers with
  their own prompts (`redteam.classifiers`: HarmBench, Llama Guard 3, WildGuard, through
  transformers or a vLLM server), their labels and success rule (`redteam.verdicts`);
- `redteam.validation` and `redteam.devset`: agreement with human labels (binary agreement, Cohen's
  kappa, recalls, confusion), measured on the development set or given by the classifiers' authors
  (`redteam/data/judge_validation.json`), shown beside every rate;
- `redteam.report`: `redteam.html`, `redteam.md` and `redteam.json`, harmful generations withheld.
"""
