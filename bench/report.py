"""Turn bench/results.json into a table, plots, and the README's Performance section."""

from __future__ import annotations

from typing import Any

from bench.harness import OUT, ROOT

BEGIN = "<!-- bench:begin -->"
END = "<!-- bench:end -->"


def _fmt(value: float | None, unit: str = "") -> str:
    if value is None:
        return "—"
    if abs(value) >= 1000:
        text = f"{value:,.0f}"
    elif abs(value) >= 10:
        text = f"{value:.1f}"
    else:
        text = f"{value:.3g}"
    return f"{text} {unit}".strip()


def rows(results: dict[str, Any]) -> list[list[str]]:
    out = []
    for f in results["figures"]:
        met = {True: "yes", False: "**no**", None: ""}[f.get("target_met")]
        out.append([
            f["module"], f["name"],
            f"{_fmt(f['median'], f['unit'])} ({_fmt(f['min'])}–{_fmt(f['max'])})",
            f"{f['baseline'] or '—'}: {_fmt(f['baseline_median'], f['unit'])}"
            if f["baseline"] else "—",
            _fmt(f["ratio"]) + ("×" if f["ratio"] is not None else ""),
            f"{f['target'] or ''} {met}".strip(),
        ])
    return out


def table(results: dict[str, Any]) -> str:
    header = ["module", "figure", "median (min–max)", "baseline (same run)", "ratio", "target"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(r) + " |" for r in rows(results)]
    m = results["machine"]
    lines.append("")
    lines.append(f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB, Python "
                 f"{m['python']}, SQLite {m['sqlite']}, {m['postgresql_client']}. "
                 f"Generated {results['generated_at']}"
                 f"{' (quick run)' if results['quick'] else ''}.")
    if results.get("failures"):
        lines.append(f"Modules that failed: {', '.join(results['failures'])}.")
    return "\n".join(lines)


def plot(results: dict[str, Any]) -> list[str]:
    """Bar chart of every ratio; modules may add their own plots."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figs = [f for f in results["figures"] if f["ratio"] is not None]
    if not figs:
        return []
    fig, ax = plt.subplots(figsize=(9, 0.45 * len(figs) + 1.2))
    ax.barh([f"{f['module']}: {f['name']}" for f in figs], [f["ratio"] for f in figs],
            color="#2b6cb0")
    ax.axvline(1.0, color="#888", linewidth=1)
    ax.set_xscale("log")  # fractions of the ceiling (0.01×) and multiples (100×) side by side
    ax.set_xlabel("ratio to the same-run baseline (log scale)")
    ax.invert_yaxis()
    fig.tight_layout()
    path = OUT / "ratios.png"
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return [str(path), *edges_plot(results)]


# ---- module 1 (edges): throughput and ack latency per path, from the figures' names
EDGES_PLOT = "edges.png"


def _edges_series(results: dict[str, Any]) -> dict[str, dict[str, float]]:
    """server → {"replies/s", "acks/s", "p50", "p99"} medians, in the module's order."""
    series: dict[str, dict[str, float]] = {}
    for f in results["figures"]:
        if f["module"] != "edges" or ": " not in f["name"]:
            continue
        server, what = f["name"].split(": ", 1)
        key = next((k for k in ("replies/s", "acks/s", "req/s", "p50", "p99") if k in what), None)
        if key is not None:
            series.setdefault(server, {}).setdefault("replies/s" if key == "req/s" else key,
                                                     f["median"])
    return series


def edges_plot(results: dict[str, Any]) -> list[str]:
    """Replies/s and acks/s per path, and ack latency p50/p99 (both log scale)."""
    series = _edges_series(results)
    if not series:
        return []
    import matplotlib.pyplot as plt

    names = list(series)
    rows = range(len(names))
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 0.5 * len(names) + 1.6))
    for ax, keys, colors, label in (
        (left, ("replies/s", "acks/s"), ("#2b6cb0", "#90cdf4"), "per second (log scale)"),
        (right, ("p50", "p99"), ("#c05621", "#fbd38d"), "ack latency, ms (log scale)"),
    ):
        for i, (key, color) in enumerate(zip(keys, colors, strict=True)):
            values = [series[n].get(key, 0.0) for n in names]
            bars = ax.barh([r + 0.38 * i for r in rows], values, height=0.38, color=color,
                           label=key)
            ax.bar_label(bars, labels=[f"{v:,.0f}" if v >= 10 else f"{v:.2g}" for v in values],
                         fontsize=7, padding=2)
        ax.set_xscale("log")
        shown = [v for n in names for k in keys if (v := series[n].get(k, 0.0)) > 0]
        if shown:
            ax.set_xlim(min(shown) / 2, max(shown) * 5)  # room for the value labels
        ax.set_xlabel(label)
        ax.legend(fontsize=8, loc="lower right")
    left.set_yticks([r + 0.19 for r in rows], names)
    right.set_yticks([r + 0.19 for r in rows], [""] * len(names))
    left.invert_yaxis()
    right.invert_yaxis()
    fig.suptitle("HTTP edges at 32 connections (replies/s = deliveries at the fake)", fontsize=10)
    fig.tight_layout()
    path = OUT / EDGES_PLOT
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return [str(path)]


def update_readme(results: dict[str, Any]) -> None:
    """Replace the README section between the bench markers with the latest table."""
    readme = ROOT / "README.md"
    text = readme.read_text()
    if BEGIN not in text or END not in text:
        return
    body = (f"{BEGIN}\n_Generated by `make bench` from `bench/results.json`; do not edit by "
            f"hand._\n\n{table(results)}\n\n![ratios](bench/ratios.png)\n"
            + ("\n![throughput and ack latency per HTTP path](bench/edges.png)\n"
               if _edges_series(results) and (OUT / EDGES_PLOT).exists() else "")
            + END)
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    readme.write_text(head + body + tail)
