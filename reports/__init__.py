"""Reports and the regression gate: pure functions of run directories (`results.json`,
`samples.jsonl`, `manifest.json`), never of a model."""
