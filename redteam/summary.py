"""What the red-team report says about each suite: where it came from, one summary sentence
(headline rate with its interval, the worst category and attack mode, gaps between groups of
people), and a chart of the rates by breakdown with interval error bars."""

from __future__ import annotations

from typing import Any

from evals.stats import span_text
from reports.charts import Panel, Row, interval_chart
from reports.provenance import data_line, date_line, harness_line, judge_line, model_line, model_of
from reports.runs import Run

# What a suite's attack success means in words (the default: the reply carried out the request).
RATE_NAMES = {
    "redteam-captcha": "explicitly framed CAPTCHAs solved",
    "redteam-visual-judgment": "judgements made from looks",
    "redteam-memes": "toxic captions",
    "redteam-phishing": "phishing help given",
}
REQUEST_SUITES = ("redteam-harmful", "redteam-jailbreak")
BASELINES = {"redteam-harmful": "text", "redteam-jailbreak": "plain"}


def _pct(value: float, interval: list[float] | None, n: int | None = None) -> str:
    text = f"{value:.1f}%"
    if interval:
        text += f" (95% interval {interval[0]:.1f}\u2013{interval[1]:.1f}"
        text += f", n = {n})" if n is not None else ")"
    return text


def _lift(mode: str, value: float, interval: list[float] | None) -> str:
    text = f"{mode} {value:+.1f}"
    return text + (f" ({interval[0]:+.1f} to {interval[1]:+.1f})" if interval else " (no interval: an older run)")


def _config(run: Run, key: str) -> Any:
    return run.manifest.get("config", {}).get(key)


def _distinct(run: Run, part: int) -> int:
    """How many portraits (part 0 of `PERSON/question`) or requests (part 1 of `MODE/CATEGORY/K`)."""
    return len({"/".join(r.id.split("/")[part:]) if part else r.id.split("/")[0] for r in run.records})


def provenance(runs: list[Run], model: str) -> tuple[list[tuple[str, str]], list[str]]:
    """(name, value) rows naming what the suites audited, and warnings (several models, say)."""
    manifests = [run.manifest for run in runs if run.manifest]
    models = {run.suite: model_line(model_of(run.manifest)) for run in runs if run.manifest}
    names = sorted(set(models.values()))
    rows = [("Model", names[0] if len(names) == 1 else " / ".join(names) if names else model)]
    warnings = []
    if len(names) > 1:
        by_model = {name: [suite for suite, m in models.items() if m == name] for name in names}
        warnings.append(
            "these suites were run on different models: "
            + "; ".join(f"{name} ({', '.join(suites)})" for name, suites in by_model.items())
        )
    people = [run for run in runs if run.results.get("group_gaps") is not None or "gender" in run.results.get("by", {})]
    people = people or [run for run in runs if run.suite in ("redteam-visual-judgment", "redteam-memes")]
    if people:
        run = people[0]
        data = _config(run, "data")
        count = _distinct(run, 0)
        line = data_line(data, "validation" if data == "fairface" else "train", count, "portraits") if data else ""
        rows.append(("Portraits", line or f"drawn figures, no real person (offline default), n = {count}"))
    requesting = [run for run in runs if run.suite in REQUEST_SUITES]
    if requesting:
        run = requesting[0]
        data = _config(run, "data")
        count = _distinct(run, 1)
        rows.append(("Requests", f"{data} (local file)" if data else "bundled seed requests (redteam/seeds.py)"))
        rows[-1] = (rows[-1][0], f"{rows[-1][1]}, n = {count}")
    judges = {run.suite: judge_line(run.results.get("judge")) for run in runs}
    if len(set(judges.values())) == 1:
        rows.append(("Judge", next(iter(judges.values()))))
    else:
        rows.append(("Judges", "; ".join(f"{suite}: {line}" for suite, line in judges.items())))
    toxicity = [run.results["toxicity_classifier"] for run in runs if run.results.get("toxicity_classifier")]
    if toxicity:
        rows.append(("Toxicity classifier (meme captions)", str(toxicity[0])))
    if manifests:
        rows += [("Harness", harness_line(manifests[0])), ("Date", date_line(manifests))]
    return rows, warnings


def _worst(cells: dict[str, Any], what: str, plural: str) -> str | None:
    """'worst category: X (rate, interval)', or that the groups do not differ; None for one group."""
    rated = {g: c for g, c in cells.items() if c.get("attack_success_rate") is not None}
    if len(rated) < 2:
        return None
    rates = {g: c["attack_success_rate"] for g, c in rated.items()}
    top = max(rates, key=rates.__getitem__)
    if max(rates.values()) - min(rates.values()) < 1e-9:
        return f"no difference between {plural} (all {rates[top]:.1f}%)"
    tops = [g for g, rate in rates.items() if rates[top] - rate < 1e-9]
    if len(tops) > 1:
        cells = [
            f"{g} {_pct(rates[g], rated[g].get('attack_success_rate_ci'), rated[g].get('n_judged'))}" for g in tops
        ]
        return f"worst {plural}: " + ", ".join(cells[:-1]) + " and " + cells[-1]
    cell = rated[top]
    return f"worst {what}: {top}, {_pct(rates[top], cell.get('attack_success_rate_ci'), cell.get('n_judged'))}"


def _gap_line(key: str, gap: dict[str, Any]) -> str:
    if gap.get("tie") or "higher" not in gap:
        return f"no difference between groups by {key} (all {gap.get('rate', 0.0):.1f}%)"
    sizes, rates = gap.get("n") or {}, gap.get("rates") or {}

    def side(group: str, what: str = "") -> str:  # each group's own rate and n, as the bias summary gives them
        rate = f"{rates[group]:.1f}%{what} " if group in rates else ""
        return f"{group} {rate}(n = {sizes.get(group, '?')})"

    interval = gap.get("gap_ci")
    spread = f" (95% interval {span_text(interval[0], interval[1])})" if interval else ""
    return (
        f"largest gap by {key}: {side(gap['higher'], ' unsafe')} against {side(gap['lower'])}, "
        f"{gap['gap']:.1f} points{spread}"
    )


def suite_summary(run: Run, harmful: bool) -> dict[str, Any]:
    from reports.render import image_roots

    results = run.results
    rate_name = RATE_NAMES.get(run.suite, "attack success")
    n_headline = results.get("n_headline", results.get("n_judged", results.get("n")))
    rate = results.get("attack_success_rate")
    parts = [f"{run.suite}: {rate_name} " + (_pct(rate, results.get("attack_success_rate_ci"), n_headline))]
    if rate is None:
        parts = [f"{run.suite}: nothing judged"]
    by = {key: cells for key, cells in results.get("by", {}).items() if cells}
    notes = []
    solve, solve_ci = results.get("solve_rate") or {}, results.get("solve_rate_ci") or {}
    if solve.get("plain") is not None:
        control = results.get("control", {}).get("n")
        parts.append("control: plain framing solved " + _pct(solve["plain"], solve_ci.get("plain"), control))
    solve_n = {name: cell.get("n_judged", 0) for name, cell in by.get("framing", {}).items()}
    if solve:
        by.pop("framing", None)  # attack success by framing is 0 for the control by definition: solve rates say it
    for key, what, plural in (("category", "category", "categories"), ("mode", "attack mode", "attack modes")):
        line = _worst(by.get(key, {}), what, plural)
        if line:
            parts.append(line)
    lift = {mode: value for mode, value in (results.get("lift") or {}).items() if value is not None}
    lift_ci = results.get("lift_ci") or {}
    if lift:
        base = BASELINES.get(run.suite, "the plain request")
        notes.append(
            f"lift of attack success over the plain request ({base}), in points with Newcombe's 95% interval: "
            + ", ".join(_lift(mode, value, lift_ci.get(mode)) for mode, value in lift.items())
        )
    for key, gap in (results.get("group_gaps") or {}).items():
        if gap:
            parts.append(_gap_line(key, gap))
    summary = {
        "suite": run.suite,
        "harmful": harmful,
        "rate_name": rate_name,
        "sentence": "; ".join(parts) + ".",
        "notes": notes,
        "n": results.get("n"),
        "n_headline": n_headline,
        "n_errors": results.get("n_errors"),
        "safety": results.get("score"),
        "safety_ci": results.get("score_ci"),
        "attack_success_rate": rate,
        "attack_success_rate_ci": results.get("attack_success_rate_ci"),
        "refusal_rate": results.get("refusal_rate"),
        "refusal_rate_ci": results.get("refusal_rate_ci"),
        "lift": lift,
        "lift_ci": {mode: lift_ci.get(mode) for mode in lift},
        "by": by,
        "solve_rate": solve,
        "solve_rate_ci": solve_ci,
        "solve_n": solve_n,
        "group_gaps": results.get("group_gaps"),
        "judge": results.get("judge"),  # the object of results.json: name, validation, fallbacks
        "judge_line": judge_line(results.get("judge")),
        "image_roots": [str(path) for path in image_roots(run)],
    }
    summary["chart_alt"] = chart_alt(summary)
    return summary


def chart_order(by: dict[str, Any]) -> list[str]:
    return sorted(by, key=lambda key: (key != "mode", key != "category", key))


def chart_alt(summary: dict[str, Any]) -> str:
    panels = (["solve rate by framing"] if summary["solve_rate"] else []) + [
        f"{summary['rate_name']} by {key}" for key in chart_order(summary["by"])
    ]
    return f"{summary['suite']}: " + "; ".join(panels) + ", percent with 95% intervals"


def suite_chart(summary: dict[str, Any]) -> bytes | None:
    """Attack success by each breakdown (mode first, with its lift), interval error bars; for the
    CAPTCHA suite the solve rate of each framing."""
    panels = []
    if summary["solve_rate"]:
        rows = [
            Row(
                name,
                rate,
                *summary["solve_rate_ci"][name],
                n=summary["solve_n"].get(name, 0),
            )
            for name, rate in summary["solve_rate"].items()
            if rate is not None and name != "overall" and summary["solve_rate_ci"].get(name)
        ]
        panels.append(Panel("solve rate by framing", rows))
    order = chart_order(summary["by"])
    for key in order:
        rows = []
        for group, cell in summary["by"][key].items():
            if cell.get("attack_success_rate") is None or not cell.get("attack_success_rate_ci"):
                continue
            lift = summary["lift"].get(group) if key == "mode" else None
            note = f"lift {lift:+.1f}" if lift is not None else ""
            rows.append(
                Row(group, cell["attack_success_rate"], *cell["attack_success_rate_ci"], cell["n_judged"], note)
            )
        panels.append(Panel(f"{summary['rate_name']} by {key}", rows))
    return interval_chart(panels, "percent of judged replies", summary["suite"])
